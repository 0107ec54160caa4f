// RUN: %effai_opt %s --split-input-file --effai-convert-shift-kernels=convolutions=1 | FileCheck %s
// RUN: %effai_opt %s --split-input-file --effai-convert-shift-kernels | FileCheck %s --check-prefix=OFF
// With `convolutions` (the GPU pipeline), power-of-two convolutions are
// shift kernels: one generic over the padded input whose body adds each
// weight's exponent to the activation's, the codes read as stored. Without
// it (the CPU pipeline) they stay for effai-lower-to-linalg (decoded floats).

// One term: the i8 codes as stored, [O, C, KH, KW]; the input zero-padded;
// loops (n, o, oh, ow | c, kh, kw); exponent arithmetic, no multiply.
// CHECK-LABEL: func.func @one_term
// CHECK:       %[[CODES:.*]] = arith.constant dense<{{.*}}> : tensor<2x2x3x3xi8>
// CHECK:       %[[PADDED:.*]] = tensor.pad %arg0 low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK:       linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%[[PADDED]], %[[CODES]] : tensor<1x2x7x7xf32>, tensor<2x2x3x3xi8>)
// CHECK-NOT:     arith.mulf
// CHECK:         arith.bitcast %{{.*}} : f32 to i32
// CHECK:         arith.shli
// CHECK-NOT:     arith.mulf
// CHECK:         arith.addf
// CHECK-NOT:   arith.mulf
// CHECK:       return
// OFF-LABEL:   func.func @one_term
// OFF:         effai.conv2d
func.func @one_term(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x5x5xf32> {
  %c = arith.constant dense<[[[[1, 0, -1], [2, 0, -2], [1, 0, -1]], [[0, 1, 0], [1, -3, 1], [0, 1, 0]]], [[[1, 1, 1], [1, 1, 1], [1, 1, 1]], [[-1, -1, -1], [0, 0, 0], [7, 7, 7]]]]> : tensor<2x2x3x3xi8>
  %w = effai.pack %c : tensor<2x2x3x3xi8> -> !effai.weight<2x2x3x3xf32, #effai.encoding<value = #effai.pow2<terms = 1, bits = 4, min_exp = -6, max_exp = 0>>>
  %y = effai.conv2d %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x5x5xf32>, !effai.weight<2x2x3x3xf32, #effai.encoding<value = #effai.pow2<terms = 1, bits = 4, min_exp = -6, max_exp = 0>>>) -> tensor<1x2x5x5xf32>
  return %y : tensor<1x2x5x5xf32>
}

// -----
// Two 4-bit terms per weight in one byte, term 0 low: (1, -2) is
// 0x1 | 0xE << 4 = 0xE1 (-31), (3, 0) is 3. The body takes both nibbles
// (shift left then arithmetic right by 4 for the low one). Per-channel
// scales multiply once per output, after the reduction.
// CHECK-LABEL: func.func @two_nibbles
// CHECK:       %[[PACKED:.*]] = arith.constant dense<{{\[\[\[\[}}-31, 3]]]]> : tensor<1x1x1x2xi8>
// CHECK:       %[[SUM:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[PACKED]] : tensor<1x1x3x3xf32>, tensor<1x1x1x2xi8>)
// CHECK:         arith.shli %{{.*}}, %c4_i8 : i8
// CHECK:         arith.shrsi %{{.*}}, %c4_i8 : i8
// CHECK:         arith.shrsi %{{.*}}, %c4_i8 : i8
// CHECK-NOT:     arith.mulf
// CHECK:         linalg.yield
// CHECK:       linalg.generic {{.*}} ins(%[[SUM]], %{{.*}} : tensor<1x1x3x2xf32>, tensor<1x1x1xf32>)
// CHECK:         arith.mulf
func.func @two_nibbles(%x: tensor<1x1x3x3xf32>) -> tensor<1x1x3x2xf32> {
  %c = arith.constant dense<[[[[[1, -2], [3, 0]]]]]> : tensor<1x1x1x2x2xi8>
  %w = effai.pack %c : tensor<1x1x1x2x2xi8> -> !effai.weight<1x1x1x2xf32, #effai.encoding<value = #effai.pow2<terms = 2, bits = 4, min_exp = -6, max_exp = 0, scales = [0.5]>>>
  %y = effai.conv2d %x, %w : (tensor<1x1x3x3xf32>, !effai.weight<1x1x1x2xf32, #effai.encoding<value = #effai.pow2<terms = 2, bits = 4, min_exp = -6, max_exp = 0, scales = [0.5]>>>) -> tensor<1x1x3x2xf32>
  return %y : tensor<1x1x3x2xf32>
}

// -----
// Wider codes: a weight's two terms are the bytes of an i16, term 0 low:
// (9, -1) is 0xFF09 (-247), (0, 12) is 0x0C00 (3072).
// CHECK-LABEL: func.func @two_bytes
// CHECK:       %[[PAIRS:.*]] = arith.constant dense<{{\[\[\[\[}}-247, 3072]]]]> : tensor<1x1x1x2xi16>
// CHECK:       linalg.generic {{.*}} ins(%{{.*}}, %[[PAIRS]] : tensor<1x1x3x3xf32>, tensor<1x1x1x2xi16>)
// CHECK:         arith.trunci %{{.*}} : i16 to i8
// CHECK:         arith.shrsi %{{.*}}, %c8_i16 : i16
// CHECK:         arith.trunci %{{.*}} : i16 to i8
func.func @two_bytes(%x: tensor<1x1x3x3xf32>) -> tensor<1x1x3x2xf32> {
  %c = arith.constant dense<[[[[[9, -1], [0, 12]]]]]> : tensor<1x1x1x2x2xi8>
  %w = effai.pack %c : tensor<1x1x1x2x2xi8> -> !effai.weight<1x1x1x2xf32, #effai.encoding<value = #effai.pow2<terms = 2, bits = 5, min_exp = -14, max_exp = 0>>>
  %y = effai.conv2d %x, %w : (tensor<1x1x3x3xf32>, !effai.weight<1x1x1x2xf32, #effai.encoding<value = #effai.pow2<terms = 2, bits = 5, min_exp = -14, max_exp = 0>>>) -> tensor<1x1x3x2xf32>
  return %y : tensor<1x1x3x2xf32>
}

// -----
// Depthwise (a group per channel), strided, with a bias added once per
// output.
// CHECK-LABEL: func.func @depthwise
// CHECK:       linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "parallel", "parallel"]
// CHECK-NOT:     arith.mulf
// CHECK:         arith.shli
// CHECK:       linalg.generic
// CHECK:         arith.addf
func.func @depthwise(%x: tensor<1x2x5x5xf32>, %b: tensor<2xf32>) -> tensor<1x2x2x2xf32> {
  %c = arith.constant dense<[[[[1, 0, -1], [2, 0, -2], [1, 0, -1]]], [[[0, 1, 0], [1, -3, 1], [0, 1, 0]]]]> : tensor<2x1x3x3xi8>
  %w = effai.pack %c : tensor<2x1x3x3xi8> -> !effai.weight<2x1x3x3xf32, #effai.encoding<value = #effai.pow2<terms = 1, bits = 4, min_exp = -6, max_exp = 0>>>
  %y = effai.depthwise_conv2d %x, %w, %b {strides = array<i64: 2, 2>} : (tensor<1x2x5x5xf32>, !effai.weight<2x1x3x3xf32, #effai.encoding<value = #effai.pow2<terms = 1, bits = 4, min_exp = -6, max_exp = 0>>>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}
