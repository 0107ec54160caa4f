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

// -----

// 4-bit codes, one term, K even: two to a byte, the codes of k = 2kk in the
// low nibble and 2kk + 1 in the high one, laid out [K/2, N]; the kernel
// reads the even and odd columns of x and sign-extends each nibble (shift
// left 4, arithmetic shift right 4) before the exponent arithmetic.
// Row 0 is [1, -2, 7, 0]: bytes 0xE1 (-31) and 0x07; row 1 [3, 0, -7, 1]:
// 0x03 and 0x19 (25).
// CHECK-LABEL: func.func @packed_one_term
// CHECK-DAG: %[[PACKED:.*]] = arith.constant dense<{{\[}}[-31, 3], [7, 25]]> : tensor<2x2xi8>
// CHECK-DAG: %[[EVEN:.*]] = tensor.extract_slice %{{.*}}[0, 0, 0] [4, 2, 1] [1, 1, 1] : tensor<4x2x2xf32> to tensor<4x2xf32>
// CHECK-DAG: %[[ODD:.*]] = tensor.extract_slice %{{.*}}[0, 0, 1] [4, 2, 1] [1, 1, 1] : tensor<4x2x2xf32> to tensor<4x2xf32>
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction", "parallel"]{{.*}} ins(%[[EVEN]], %[[ODD]], %[[PACKED]] : tensor<4x2xf32>, tensor<4x2xf32>, tensor<2x2xi8>)
// CHECK: ^bb0(%{{.*}}: f32, %{{.*}}: f32, %[[BYTE:.*]]: i8, %{{.*}}: f32):
// CHECK: %[[UP:.*]] = arith.shli %[[BYTE]], %[[FOUR:.*]] : i8
// CHECK: arith.shrsi %[[UP]], %[[FOUR]] : i8
// CHECK: arith.shrsi %[[BYTE]], %[[FOUR]] : i8
// CHECK-NOT: arith.mulf
// CHECK: linalg.yield
func.func @packed_one_term(%x: tensor<4x4xf32>) -> tensor<4x2xf32> {
  %c = arith.constant dense<[[1, -2, 7, 0], [3, 0, -7, 1]]> : tensor<2x4xi8>
  %w = effai.pack %c : tensor<2x4xi8> -> !effai.weight<2x4xf32, #effai.encoding<value = #effai.pow2<terms = 1, bits = 4, min_exp = -6, max_exp = 0>>>
  %y = effai.linear %x, %w : (tensor<4x4xf32>, !effai.weight<2x4xf32, #effai.encoding<value = #effai.pow2<terms = 1, bits = 4, min_exp = -6, max_exp = 0>>>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Two 4-bit terms: both codes of a weight in one byte (first term low),
// [K, N]; x is read once per byte.
// CHECK-LABEL: func.func @packed_two_terms
// CHECK-DAG: %[[PACKED:.*]] = arith.constant dense<{{\[}}[33, -16]]> : tensor<1x2xi8>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[PACKED]] : tensor<3x1xf32>, tensor<1x2xi8>)
// CHECK-NOT: arith.mulf
// CHECK: linalg.yield
func.func @packed_two_terms(%x: tensor<3x1xf32>) -> tensor<3x2xf32> {
  %c = arith.constant dense<[[[1, 2]], [[0, -1]]]> : tensor<2x1x2xi8>
  %w = effai.pack %c : tensor<2x1x2xi8> -> !effai.weight<2x1xf32, #effai.encoding<value = #effai.pow2<terms = 2, bits = 4, min_exp = -6, max_exp = 0>>>
  %y = effai.linear %x, %w : (tensor<3x1xf32>, !effai.weight<2x1xf32, #effai.encoding<value = #effai.pow2<terms = 2, bits = 4, min_exp = -6, max_exp = 0>>>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}
