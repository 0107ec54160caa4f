// A small MLP (16 -> 16 -> 8 -> 4) whose three layers use three weight
// encodings: a 2:4-pruned int8 layer, a multiplication-free two-term
// power-of-two layer, and a dense fp32 layer. Activations stay fp32; ReLU is
// upstream TOSA. See each layer's work and traffic with:
//   effai-opt examples/compressed-mlp.mlir --effai-annotate-cost

!w1 = !effai.weight<16x16xf32, #effai.encoding<
    value = #effai.affine<!quant.uniform<i8:f32, 0.05>>,
    sparsity = #effai.nm<2:4>>>
!w2 = !effai.weight<8x16xf32, #effai.encoding<
    value = #effai.pow2<terms = 2, bits = 4, min_exp = -7, max_exp = -1>>>
!w3 = !effai.weight<4x8xf32, #effai.encoding<value = #effai.float>>

func.func @mlp(%x: tensor<8x16xf32>) -> tensor<8x4xf32> {
  // Layer 1: half of each group of 4 weights pruned, the rest int8. The
  // kept weights' positions in their groups are 2-bit fields, 4 per byte.
  %v1 = arith.constant dense<[[-45, 115, -89, -26, 39, -115, -109, 83], [10, -103, -34, 22, -113, 105, 2, -73], [-118, -105, -16, -20, -110, -66, -104, 14], [-19, -112, 84, 17, -96, 115, -70, 34], [33, 22, 115, -112, 20, 22, -26, -115], [122, -71, -116, 15, 92, -93, -53, -20], [-91, 11, -97, 19, -49, 16, 81, 47], [-81, -101, 21, 19, 36, -79, -32, -103], [13, 55, -111, 17, -112, 31, -75, 0], [47, 9, -18, 71, -47, -8, 22, 109], [-11, -35, -51, -64, 76, -81, 51, 72], [-65, -107, 20, -51, 7, -1, 97, -40], [59, -13, -54, 28, 123, -109, -97, 4], [-20, -85, 66, -40, -89, 111, -2, -20], [-117, 119, 44, -108, 68, 15, 19, 75], [97, 82, -47, -40, 50, -38, 25, 0]]> : tensor<16x8xi8>
  %i1 = arith.constant dense<[76, -50, -34, -114, -99, -60, -40, -51, -115, -18, -51, 68, 73, -34, -40, -114, -44, 77, 76, 77, -50, -104, -60, -55, -103, -36, -115, -28, -103, -116, -24, -24]> : tensor<32xi8>
  %w1 = effai.pack %v1 indices(%i1 : tensor<32xi8>) : tensor<16x8xi8> -> !w1
  %h1 = effai.linear %x, %w1 : (tensor<8x16xf32>, !w1) -> tensor<8x16xf32>
  %r1 = tosa.clamp %h1 {min_val = 0.0 : f32, max_val = 3.40282347e+38 : f32}
      : (tensor<8x16xf32>) -> tensor<8x16xf32>

  // Layer 2: every weight is +-2^p1 +-2^p2: shifts and adds, no multiplies.
  %v2 = arith.constant dense<[[[-2, 0], [-2, 0], [1, 2], [5, 2], [-2, -2], [-4, 2], [5, 0], [5, 0], [6, 1], [4, 0], [-4, 2], [0, -1], [4, 0], [-7, -1], [0, -1], [-4, -2]], [[2, -1], [0, -2], [-2, -1], [-6, 0], [-6, 0], [0, 0], [-2, 0], [0, 2], [7, 2], [6, 0], [0, -2], [-2, -2], [-6, -2], [-6, 1], [5, -2], [5, 0]], [[0, 0], [-1, -2], [-2, 0], [5, -2], [-1, 1], [-1, -2], [-6, -2], [-5, 0], [-5, 0], [-5, 2], [7, 1], [5, -2], [-5, 2], [6, 2], [0, -2], [7, -1]], [[-5, 2], [1, 0], [-7, 0], [5, -2], [3, 0], [1, -2], [7, 0], [-1, 0], [6, 0], [-7, -1], [-4, -1], [1, 0], [5, 2], [-2, -1], [1, 1], [6, 0]], [[-7, -2], [-2, 1], [3, 2], [6, 2], [-1, 2], [-5, 2], [-5, 2], [1, 0], [6, 1], [5, 0], [2, 0], [5, 0], [-5, 0], [0, 2], [4, 0], [1, 0]], [[-2, -2], [1, 2], [1, 1], [5, 0], [7, 2], [-7, 0], [-4, -1], [-7, 0], [1, 1], [1, 0], [5, 0], [0, -1], [2, 2], [2, 2], [-4, -2], [-3, 1]], [[1, 2], [5, 1], [1, 0], [4, 2], [7, -1], [7, 2], [7, 0], [6, 1], [-5, 1], [-6, 1], [0, -1], [-6, -2], [-4, 1], [-6, 0], [3, -1], [5, 0]], [[7, 0], [4, -2], [3, -1], [-5, -1], [7, 0], [0, 0], [4, 0], [-1, 1], [-5, -2], [6, 0], [-5, -2], [-1, 2], [-1, -1], [-1, 0], [-2, -1], [-6, -2]]]> : tensor<8x16x2xi8>
  %w2 = effai.pack %v2 : tensor<8x16x2xi8> -> !w2
  %h2 = effai.linear %r1, %w2 : (tensor<8x16xf32>, !w2) -> tensor<8x8xf32>
  %r2 = tosa.clamp %h2 {min_val = 0.0 : f32, max_val = 3.40282347e+38 : f32}
      : (tensor<8x8xf32>) -> tensor<8x8xf32>

  // Layer 3: an uncompressed classifier head with bias.
  %v3 = arith.constant dense<[[-0.268, -0.324, -0.083, 0.406, -0.231, 0.035, -0.409, 0.922], [-0.774, 0.837, -0.543, 0.753, -0.832, -0.456, 0.812, -0.637], [0.512, 0.64, 0.699, 0.352, 0.892, -0.188, 0.073, 0.03], [-0.011, -0.346, -0.442, 0.599, -0.633, 0.791, -0.462, -0.966]]> : tensor<4x8xf32>
  %b3 = arith.constant dense<[-0.082, -0.048, 0.022, -0.056]> : tensor<4xf32>
  %w3 = effai.pack %v3 : tensor<4x8xf32> -> !w3
  %y = effai.linear %r2, %w3, %b3 : (tensor<8x8xf32>, !w3, tensor<4xf32>) -> tensor<8x4xf32>
  return %y : tensor<8x4xf32>
}
