// RUN: %effai_opt %s --split-input-file --effai-convert-shift-kernels=integer-codes=true --canonicalize | FileCheck %s
// RUN: %effai_opt %s --split-input-file --effai-convert-shift-kernels | FileCheck %s --check-prefix=SHIFT

// Constant codes whose term sums fit i8 become those sums, computed at
// compile time in units of 2^min_exp = 2^-6 (code ±k is ±2^(k-1)):
//   row 0: [1, 0] -> 1, [3, -2] -> 4 - 2 = 2, [-4, 1] -> -8 + 1 = -7
//   row 1: [7, 6] -> 64 + 32 = 96, [0, 0] -> 0, [-7, -1] -> -64 - 1 = -65
// read transposed ([K, N]) by an f32 x i8 contraction; each output is then
// multiplied once by its row's scale times 2^-6 (2 / 64, 3 / 64), and the
// bias added.
// CHECK-LABEL: func.func @fits_i8
// CHECK-DAG: %[[SCALES:.*]] = arith.constant dense<[3.125000e-02, 4.687500e-02]> : tensor<2xf32>
// CHECK-DAG: %[[CODES:.*]] = arith.constant dense<{{\[\[}}1, 96], [2, 0], [-7, -65]]> : tensor<3x2xi8>
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction", "parallel"]{{.*}} ins(%{{.*}}, %[[CODES]] : tensor<4x3xf32>, tensor<3x2xi8>)
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %[[CODE:.*]]: i8, %[[ACC:.*]]: f32):
// CHECK-NEXT: %[[W:.*]] = arith.sitofp %[[CODE]] : i8 to f32
// CHECK-NEXT: arith.mulf %[[X]], %[[W]]
// CHECK: linalg.generic {{.*}}ins(%{{.*}}, %[[SCALES]] :
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK-NOT: effai.linear
// CHECK-NOT: arith.shli
// Without the option: the shift kernel (no multiply in the reduction).
// SHIFT-LABEL: func.func @fits_i8
// SHIFT: arith.shli
// SHIFT-NOT: arith.sitofp
func.func @fits_i8(%x: tensor<4x3xf32>, %b: tensor<2xf32>) -> tensor<4x2xf32> {
  %c = arith.constant dense<[[[1, 0], [3, -2], [-4, 1]], [[7, 6], [0, 0], [-7, -1]]]> : tensor<2x3x2xi8>
  %w = effai.pack %c : tensor<2x3x2xi8> -> !effai.weight<2x3xf32, #effai.encoding<value = #effai.pow2<terms = 2, bits = 4, min_exp = -6, max_exp = 0, scales = [2.0, 3.0]>>>
  %y = effai.linear %x, %w, %b : (tensor<4x3xf32>, !effai.weight<2x3xf32, #effai.encoding<value = #effai.pow2<terms = 2, bits = 4, min_exp = -6, max_exp = 0, scales = [2.0, 3.0]>>>, tensor<2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----
// One weight sums to 2^6 + 2^6 = 128, outside i8: the whole layer keeps the
// shift kernel.
// CHECK-LABEL: func.func @sum_leaves_i8
// CHECK: arith.shli
// CHECK-NOT: arith.sitofp
func.func @sum_leaves_i8(%x: tensor<4x2xf32>) -> tensor<4x1xf32> {
  %c = arith.constant dense<[[[1, 0], [7, 7]]]> : tensor<1x2x2xi8>
  %w = effai.pack %c : tensor<1x2x2xi8> -> !effai.weight<1x2xf32, #effai.encoding<value = #effai.pow2<terms = 2, bits = 4, min_exp = -6, max_exp = 0>>>
  %y = effai.linear %x, %w : (tensor<4x2xf32>, !effai.weight<1x2xf32, #effai.encoding<value = #effai.pow2<terms = 2, bits = 4, min_exp = -6, max_exp = 0>>>) -> tensor<4x1xf32>
  return %y : tensor<4x1xf32>
}

// -----
// Codes known only at run time, and sparse weights, are left as they were
// (the shift kernel, and effai-convert-sparse-kernels' business).
// CHECK-LABEL: func.func @runtime_codes_and_sparse
// CHECK: arith.shli
// CHECK-NOT: arith.sitofp
// CHECK: effai.linear
func.func @runtime_codes_and_sparse(%x: tensor<1x4xf32>, %c: tensor<2x4xi8>, %sv: tensor<2x2xi8>, %si: tensor<1xi8>) -> (tensor<1x2xf32>, tensor<1x2xf32>) {
  %w = effai.pack %c : tensor<2x4xi8> -> !effai.weight<2x4xf32, #effai.encoding<value = #effai.pow2<terms = 1, bits = 4, min_exp = -6, max_exp = 0>>>
  %y = effai.linear %x, %w : (tensor<1x4xf32>, !effai.weight<2x4xf32, #effai.encoding<value = #effai.pow2<terms = 1, bits = 4, min_exp = -6, max_exp = 0>>>) -> tensor<1x2xf32>
  %ws = effai.pack %sv indices(%si : tensor<1xi8>) : tensor<2x2xi8> -> !effai.weight<2x4xf32, #effai.encoding<value = #effai.pow2<terms = 1, bits = 4, min_exp = -6, max_exp = 0>, sparsity = #effai.nm<2:4>>>
  %z = effai.linear %x, %ws : (tensor<1x4xf32>, !effai.weight<2x4xf32, #effai.encoding<value = #effai.pow2<terms = 1, bits = 4, min_exp = -6, max_exp = 0>, sparsity = #effai.nm<2:4>>>) -> tensor<1x2xf32>
  return %y, %z : tensor<1x2xf32>, tensor<1x2xf32>
}
