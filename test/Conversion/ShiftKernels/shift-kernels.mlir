// RUN: %effai_opt %s --split-input-file --effai-convert-shift-kernels | FileCheck %s
// The compiled kernel multiplies nothing: no fmul (nor integer mul on
// 32-bit values) anywhere in the optimized LLVM IR of an unscaled layer, and
// its inner loop is vectorized integer exponent arithmetic (codes are a
// run-time argument here so that LLVM cannot fold them away).
// RUN: %effai_compile %S/Inputs/pow2-runtime-codes.mlir -o %t.ll --emit=llvm-ir --mcpu=skylake-avx512
// RUN: FileCheck %s --check-prefix=LLVM < %t.ll
// LLVM-NOT: fmul
// LLVM-NOT: mul {{.*}}i32
// LLVM: shl nsw <{{[0-9]+}} x i32> %{{.*}}, splat (i32 23)
// LLVM-NOT: fmul
// LLVM-NOT: mul {{.*}}i32

// One term: the generic over (m, k, n) reads the activation and the
// transposed codes; the body shifts the exponent field and adds.
// CHECK-LABEL: func.func @pow2_linear
// CHECK: %[[CODES:.*]] = arith.constant dense<{{\[}}[1, 3], [-2, 0], [7, -7]]> : tensor<3x2xi8>
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction", "parallel"]{{.*}} ins(%{{.*}}, %[[CODES]] : tensor<4x3xf32>, tensor<3x2xi8>)
// CHECK: arith.bitcast %{{.*}} : f32 to i32
// CHECK: arith.shli
// CHECK: arith.addi
// CHECK: arith.negf
// CHECK: arith.addf
// CHECK-NOT: arith.mulf
// CHECK: linalg.yield
// CHECK-NOT: effai.linear
func.func @pow2_linear(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %c = arith.constant dense<[[1, -2, 7], [3, 0, -7]]> : tensor<2x3xi8>
  %w = effai.pack %c : tensor<2x3xi8> -> !effai.weight<2x3xf32, #effai.encoding<value = #effai.pow2<terms = 1, bits = 4, min_exp = -6, max_exp = 0>>>
  %y = effai.linear %x, %w : (tensor<4x3xf32>, !effai.weight<2x3xf32, #effai.encoding<value = #effai.pow2<terms = 1, bits = 4, min_exp = -6, max_exp = 0>>>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}
