// An integer-only CNN (effai-integerize's form: codes between layers): conv
// with an input zero point and padding, ReLU on codes, max pooling, a
// linear layer returning dequantized accumulators. Used by the FPGA tool
// tests.
!in = !quant.uniform<u8:f32, 0.5:3>
!mid = !quant.uniform<u8:f32, 0.25:2>
!w = !effai.weight<2x2x2x2xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32:0, {0.1, 0.1}>>>>
!w2 = !effai.weight<2x8xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32:0, {0.5, 0.25}>>>>

func.func @cnn(%x: tensor<1x2x4x4xf32> {effai.name = "image"}) -> (tensor<1x2xf32> {effai.name = "logits"}) {
  %bias = arith.constant dense<[0.25, 0.0]> : tensor<2xf32>
  %wc = arith.constant dense<[[[[1, 2], [3, 4]], [[5, 6], [7, 8]]], [[[-1, -2], [-3, -4]], [[-5, -6], [-7, -8]]]]> : tensor<2x2x2x2xi8>
  %w = effai.pack %wc : tensor<2x2x2x2xi8> -> !w
  %q = quant.qcast %x : tensor<1x2x4x4xf32> to tensor<1x2x4x4x!in>
  %y = effai.conv2d %q, %w, %bias {pads = array<i64: 0, 0, 1, 1>} : (tensor<1x2x4x4x!in>, !w, tensor<2xf32>) -> tensor<1x2x4x4x!mid>
  %codes = quant.scast %y : tensor<1x2x4x4x!mid> to tensor<1x2x4x4xi8>
  %e = tensor.empty() : tensor<1x2x4x4xi8>
  %c2 = arith.constant 2 : i8
  %relu = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%codes : tensor<1x2x4x4xi8>) outs(%e : tensor<1x2x4x4xi8>) {
  ^bb0(%in: i8, %out: i8):
    %m = arith.maxui %in, %c2 : i8
    linalg.yield %m : i8
  } -> tensor<1x2x4x4xi8>
  %window = tensor.empty() : tensor<2x2xi1>
  %pe = tensor.empty() : tensor<1x2x2x2xi8>
  %c0 = arith.constant 0 : i8
  %start = linalg.fill ins(%c0 : i8) outs(%pe : tensor<1x2x2x2xi8>) -> tensor<1x2x2x2xi8>
  %pool = linalg.generic {indexing_maps = [affine_map<(a, b, c, d, e, f) -> (a, b, c * 2 + e, d * 2 + f)>, affine_map<(a, b, c, d, e, f) -> (e, f)>, affine_map<(a, b, c, d, e, f) -> (a, b, c, d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%relu, %window : tensor<1x2x4x4xi8>, tensor<2x2xi1>) outs(%start : tensor<1x2x2x2xi8>) {
  ^bb0(%in: i8, %w_: i1, %out: i8):
    %m = arith.maxui %in, %out : i8
    linalg.yield %m : i8
  } -> tensor<1x2x2x2xi8>
  %flat = tensor.collapse_shape %pool [[0], [1, 2, 3]] : tensor<1x2x2x2xi8> into tensor<1x8xi8>
  %fq = quant.scast %flat : tensor<1x8xi8> to tensor<1x8x!mid>
  %vc = arith.constant dense<[[0, 1, 2, 3, 4, 5, 6, 7], [10, 11, 12, 13, 14, 15, 16, 17]]> : tensor<2x8xi8>
  %v = effai.pack %vc : tensor<2x8xi8> -> !w2
  %out = effai.linear %fq, %v : (tensor<1x8x!mid>, !w2) -> tensor<1x2xf32>
  return %out : tensor<1x2xf32>
}
