// A padded 3x3 convolution, 8 -> 16 channels, with power-of-two weights
// (one 4-bit term each; the codes are an argument, so nothing folds them).
func.func @conv(%x: tensor<1x8x14x14xf32>, %codes: tensor<16x8x3x3xi8>) -> tensor<1x16x14x14xf32> {
  %w = effai.pack %codes : tensor<16x8x3x3xi8> -> !effai.weight<16x8x3x3xf32, #effai.encoding<value = #effai.pow2<terms = 1, bits = 4, min_exp = -6, max_exp = 0>>>
  %y = effai.conv2d %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x14x14xf32>, !effai.weight<16x8x3x3xf32, #effai.encoding<value = #effai.pow2<terms = 1, bits = 4, min_exp = -6, max_exp = 0>>>) -> tensor<1x16x14x14xf32>
  return %y : tensor<1x16x14x14xf32>
}
