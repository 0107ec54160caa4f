// The layer of pow2-linear.mlir with per-channel scales and a bias.
func.func @scaled(%x: tensor<1x64xf32>, %codes: tensor<32x64x2xi8>, %b: tensor<32xf32>) -> tensor<1x32xf32> {
  %w = effai.pack %codes : tensor<32x64x2xi8> -> !effai.weight<32x64xf32, #effai.encoding<value = #effai.pow2<terms = 2, bits = 4, min_exp = -6, max_exp = 0, scales = [0.5, 0.25, 3.0, 1.0, 0.5, 0.25, 3.0, 1.0, 0.5, 0.25, 3.0, 1.0, 0.5, 0.25, 3.0, 1.0, 0.5, 0.25, 3.0, 1.0, 0.5, 0.25, 3.0, 1.0, 0.5, 0.25, 3.0, 1.0, 0.5, 0.25, 3.0, 1.0]>>>
  %y = effai.linear %x, %w, %b : (tensor<1x64xf32>, !effai.weight<32x64xf32, #effai.encoding<value = #effai.pow2<terms = 2, bits = 4, min_exp = -6, max_exp = 0, scales = [0.5, 0.25, 3.0, 1.0, 0.5, 0.25, 3.0, 1.0, 0.5, 0.25, 3.0, 1.0, 0.5, 0.25, 3.0, 1.0, 0.5, 0.25, 3.0, 1.0, 0.5, 0.25, 3.0, 1.0, 0.5, 0.25, 3.0, 1.0, 0.5, 0.25, 3.0, 1.0]>>>, tensor<32xf32>) -> tensor<1x32xf32>
  return %y : tensor<1x32xf32>
}
