// RUN: %effai_opt %s --effai-convert-shift-kernels | FileCheck %s

// Two terms, per-channel scales and a bias: the scales multiply once per
// output after the reduction, never inside it; sparse weights are left to
// effai-lower-to-linalg.
// CHECK-LABEL: func.func @scaled
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "reduction", "parallel"]{{.*}} ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<1x4xf32>, tensor<4x2xi8>, tensor<4x2xi8>)
// CHECK-NOT: arith.mulf
// CHECK: linalg.yield
// CHECK: linalg.generic {{.*}} ins(%[[SUM]], %{{.*}} : tensor<1x2xf32>, tensor<1x2xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: effai.linear %arg0, %{{.*}} : (tensor<1x4xf32>, !effai.weight<2x4xf32, #{{.*}}>) -> tensor<1x2xf32>
func.func @scaled(%x: tensor<1x4xf32>, %b: tensor<2xf32>, %codes: tensor<2x4x2xi8>, %sv: tensor<2x2x2xi8>, %si: tensor<1xi8>) -> (tensor<1x2xf32>, tensor<1x2xf32>) {
  %w = effai.pack %codes : tensor<2x4x2xi8> -> !effai.weight<2x4xf32, #effai.encoding<value = #effai.pow2<terms = 2, bits = 4, min_exp = -6, max_exp = 0, scales = [2.0, 3.0]>>>
  %y = effai.linear %x, %w, %b : (tensor<1x4xf32>, !effai.weight<2x4xf32, #effai.encoding<value = #effai.pow2<terms = 2, bits = 4, min_exp = -6, max_exp = 0, scales = [2.0, 3.0]>>>, tensor<2xf32>) -> tensor<1x2xf32>
  %ws = effai.pack %sv indices(%si : tensor<1xi8>) : tensor<2x2x2xi8> -> !effai.weight<2x4xf32, #effai.encoding<value = #effai.pow2<terms = 2, bits = 4, min_exp = -6, max_exp = 0>, sparsity = #effai.nm<2:4>>>
  %z = effai.linear %x, %ws : (tensor<1x4xf32>, !effai.weight<2x4xf32, #effai.encoding<value = #effai.pow2<terms = 2, bits = 4, min_exp = -6, max_exp = 0>, sparsity = #effai.nm<2:4>>>) -> tensor<1x2xf32>
  return %y, %z : tensor<1x2xf32>, tensor<1x2xf32>
}
