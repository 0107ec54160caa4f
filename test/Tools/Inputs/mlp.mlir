// A 2-layer MLP on effai ops: 4 -> 3 (ReLU) -> 2, one 2:4-pruned layer.
func.func @main(%x: tensor<2x4xf32> {effai.name = "features"}) -> (tensor<2x2xf32> {effai.name = "logits"}) {
  // Rows [1, 0, -1, 0], [0, 2, 0, 1], [0.5, 0, 0, -0.5]: kept values and
  // their positions in each group of four.
  %v1 = arith.constant dense<[[1.0, -1.0], [2.0, 1.0], [0.5, -0.5]]> : tensor<3x2xf32>
  %i1 = arith.constant dense<[-40, 12]> : tensor<2xi8>
  %b1 = arith.constant dense<[0.1, -0.2, 0.3]> : tensor<3xf32>
  %p1 = effai.pack %v1 indices(%i1 : tensor<2xi8>) : tensor<3x2xf32> -> !effai.weight<3x4xf32, #effai.encoding<value = #effai.float, sparsity = #effai.nm<2:4>>>
  %h = effai.linear %x, %p1, %b1 : (tensor<2x4xf32>, !effai.weight<3x4xf32, #effai.encoding<value = #effai.float, sparsity = #effai.nm<2:4>>>, tensor<3xf32>) -> tensor<2x3xf32>
  %zero = arith.constant dense<0.0> : tensor<2x3xf32>
  %r = arith.maximumf %h, %zero : tensor<2x3xf32>
  %w2 = arith.constant dense<[[1.0, 1.0, 1.0], [-1.0, 0.5, 2.0]]> : tensor<2x3xf32>
  %p2 = effai.pack %w2 : tensor<2x3xf32> -> !effai.weight<2x3xf32, #effai.encoding<value = #effai.float>>
  %y = effai.linear %r, %p2 : (tensor<2x3xf32>, !effai.weight<2x3xf32, #effai.encoding<value = #effai.float>>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}
