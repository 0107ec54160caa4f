// A 2:4-pruned power-of-two linear layer whose codes are a run-time
// argument (so LLVM cannot fold them away); positions are constant.
func.func @main(%x: tensor<1x16xf32>, %codes: tensor<4x8xi8>) -> tensor<1x4xf32> {
  %i = arith.constant dense<[-28, -40, -52, -103, 78, -28, -35, -120]> : tensor<8xi8>
  %w = effai.pack %codes indices(%i : tensor<8xi8>) : tensor<4x8xi8> -> !effai.weight<4x16xf32, #effai.encoding<value = #effai.pow2<terms = 1, bits = 4, min_exp = -6, max_exp = 0>, sparsity = #effai.nm<2:4>>>
  %y = effai.linear %x, %w : (tensor<1x16xf32>, !effai.weight<4x16xf32, #effai.encoding<value = #effai.pow2<terms = 1, bits = 4, min_exp = -6, max_exp = 0>, sparsity = #effai.nm<2:4>>>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}
