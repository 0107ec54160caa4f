// A 64 -> 32 linear layer with power-of-two weights (2 terms of 4 bits).
func.func @plain(%x: tensor<1x64xf32>, %codes: tensor<32x64x2xi8>) -> tensor<1x32xf32> {
  %w = effai.pack %codes : tensor<32x64x2xi8> -> !effai.weight<32x64xf32, #effai.encoding<value = #effai.pow2<terms = 2, bits = 4, min_exp = -6, max_exp = 0>>>
  %y = effai.linear %x, %w : (tensor<1x64xf32>, !effai.weight<32x64xf32, #effai.encoding<value = #effai.pow2<terms = 2, bits = 4, min_exp = -6, max_exp = 0>>>) -> tensor<1x32xf32>
  return %y : tensor<1x32xf32>
}
