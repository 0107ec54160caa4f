// A power-of-two linear layer whose codes arrive at run time.
func.func @main(%x: tensor<8x64xf32>, %codes: tensor<32x64xi8>) -> tensor<8x32xf32> {
  %w = effai.pack %codes : tensor<32x64xi8> -> !effai.weight<32x64xf32, #effai.encoding<value = #effai.pow2<terms = 1, bits = 5, min_exp = -14, max_exp = 0>>>
  %y = effai.linear %x, %w : (tensor<8x64xf32>, !effai.weight<32x64xf32, #effai.encoding<value = #effai.pow2<terms = 1, bits = 5, min_exp = -14, max_exp = 0>>>) -> tensor<8x32xf32>
  return %y : tensor<8x32xf32>
}
