// A 256x256x256 f32 linear layer with a constant weight.
func.func @main(%x: tensor<256x256xf32> {effai.name = "x"}) -> (tensor<256x256xf32> {effai.name = "y"}) {
  %w = arith.constant dense<0.001> : tensor<256x256xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<256x256xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<256x256xf32>) -> tensor<256x256xf32>
  %y = linalg.matmul ins(%x, %w : tensor<256x256xf32>, tensor<256x256xf32>) outs(%f : tensor<256x256xf32>) -> tensor<256x256xf32>
  return %y : tensor<256x256xf32>
}
