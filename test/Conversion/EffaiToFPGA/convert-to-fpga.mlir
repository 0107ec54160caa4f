// effai-convert-to-fpga: an integer-only model (after effai-integerize)
// becomes one effai_fpga PE per layer. Weights are exact integer codes in
// the stream's HWC order, biases i32 accumulator units, requantization the
// CPU path's fixed-point multipliers.
// RUN: %effai_opt %s --effai-convert-to-fpga -split-input-file | FileCheck %s
// RUN: %effai_opt %s --effai-convert-to-fpga --canonicalize -split-input-file | FileCheck %s --check-prefix=CANON

!in = !quant.uniform<u8:f32, 0.5:3>
!mid = !quant.uniform<u8:f32, 0.25:2>
!w = !effai.weight<2x2x2x2xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32:0, {0.1, 0.1}>>>>
!w2 = !effai.weight<2x8xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32:0, {0.5, 0.25}>>>>

// Conv weights [O, C, KH, KW] become [O, KH, KW, C]; the bias 0.25 is 5
// units of 0.5 * 0.1; requantization 0.05 / 0.25 = 0.2 = 1717986918 * 2^-33.
// ReLU on codes (max with the zero point 2) is a clamp, which
// canonicalization folds into the requantization. The linear layer after
// the flatten (CHW order, column c*4 + y*2 + x) reads the stream in HWC
// order: its columns are permuted; its float result streams the i32
// accumulators, dequantized by the output port with scales 0.25 * {0.5,
// 0.25}.
// CHECK-LABEL: effai_fpga.accelerator @cnn
// CHECK-SAME: inputs [#effai_fpga.port<name = "image", shape = [2, 4, 4], scales = [5.000000e-01], zero_point = 3>]
// CHECK-SAME: outputs [#effai_fpga.port<name = "logits", shape = [2], scales = [1.250000e-01, 6.250000e-02], zero_point = 0>]
// CHECK: ^bb0(%[[X:.*]]: !effai_fpga.stream<4x4x2xui8>):
// CHECK: %[[C:.*]] = effai_fpga.conv2d %[[X]] {bias = dense<[5, 0]> : tensor<2xi32>, input_zero_point = 3 : i64, pads = array<i64: 0, 0, 1, 1>, requant = #effai_fpga.requant<multipliers = [1717986918], shifts = [33], zero_point = 2, min = 0, max = 255>, strides = array<i64: 1, 1>, weights = dense<{{\[\[\[\[}}1, 5], [2, 6]], {{\[\[}}3, 7], [4, 8]]], {{\[\[\[}}-1, -5], [-2, -6]], {{\[\[}}-3, -7], [-4, -8]]]]> : tensor<2x2x2x2xi8>} : !effai_fpga.stream<4x4x2xui8> -> !effai_fpga.stream<4x4x2xui8>
// CHECK: %[[R:.*]] = effai_fpga.clamp %[[C]] {max = 255 : i64, min = 2 : i64}
// CHECK: %[[P:.*]] = effai_fpga.maxpool %[[R]] {strides = array<i64: 2, 2>, window = array<i64: 2, 2>} : !effai_fpga.stream<4x4x2xui8> -> !effai_fpga.stream<2x2x2xui8>
// CHECK: %[[L:.*]] = effai_fpga.linear %[[P]] {bias = dense<0> : tensor<2xi32>, input_zero_point = 2 : i64, weights = dense<{{\[\[}}0, 4, 1, 5, 2, 6, 3, 7], [10, 14, 11, 15, 12, 16, 13, 17]]> : tensor<2x8xi8>} : !effai_fpga.stream<2x2x2xui8> -> !effai_fpga.stream<2xi32>
// CHECK: effai_fpga.yield %[[L]] : !effai_fpga.stream<2xi32>
// CHECK-NOT: func.func
// CANON-LABEL: effai_fpga.accelerator @cnn
// CANON: effai_fpga.conv2d {{.*}}requant = #effai_fpga.requant<multipliers = [1717986918], shifts = [33], zero_point = 2, min = 2, max = 255>
// CANON-NOT: effai_fpga.clamp
// CANON: effai_fpga.maxpool
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

// -----

!in = !quant.uniform<i8:f32, 0.5>
!out = !quant.uniform<i8:f32, 0.5:-1>
!w = !effai.weight<4x1x3x3xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.25>>>>

// Depthwise: groups = channels, weights [C, KH, KW, 1]; signed codes are
// i8 streams; one multiplier for all channels (0.125 / 0.5 = 2^30 * 2^-32);
// a dequantized result streams the codes, the port undoing them.
// CHECK-LABEL: effai_fpga.accelerator @depthwise
// CHECK-SAME: outputs [#effai_fpga.port<name = "output0", shape = [4, 2, 2], scales = [5.000000e-01], zero_point = -1>]
// CHECK: effai_fpga.conv2d %{{.*}} {bias = dense<0> : tensor<4xi32>, groups = 4 : i64, input_zero_point = 0 : i64, pads = array<i64: 1, 1, 1, 1>, requant = #effai_fpga.requant<multipliers = [1073741824], shifts = [32], zero_point = -1, min = -128, max = 127>, strides = array<i64: 2, 2>, weights = dense<1> : tensor<4x3x3x1xi8>} : !effai_fpga.stream<4x4x4xi8> -> !effai_fpga.stream<2x2x4xi8>
func.func @depthwise(%x: tensor<1x4x4x4xf32>) -> tensor<1x4x2x2xf32> {
  %wc = arith.constant dense<1> : tensor<4x1x3x3xi8>
  %w = effai.pack %wc : tensor<4x1x3x3xi8> -> !w
  %q = quant.qcast %x : tensor<1x4x4x4xf32> to tensor<1x4x4x4x!in>
  %y = effai.depthwise_conv2d %q, %w {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x4x4x!in>, !w) -> tensor<1x4x2x2x!out>
  %f = quant.dcast %y : tensor<1x4x2x2x!out> to tensor<1x4x2x2xf32>
  return %f : tensor<1x4x2x2xf32>
}

// -----

!in = !quant.uniform<u8:f32, 1.0>
!w = !effai.weight<2x4xf32, #effai.encoding<value = #effai.pow2<terms = 2, bits = 4, min_exp = -3, max_exp = 3, scales = [1.0, 0.5]>>>

// Power-of-two weights decode to exact term sums in units of 2^min_exp
// (codes ±k are ±2^(k-1)): [1, 0] -> 1, [2, -3] -> 2 - 4, [7, 0] -> 64.
// CHECK-LABEL: effai_fpga.accelerator @pow2
// CHECK-SAME: scales = [1.250000e-01, 6.250000e-02]
// CHECK: effai_fpga.linear %{{.*}} {bias = dense<0> : tensor<2xi32>, input_zero_point = 0 : i64, weights = dense<{{\[\[}}1, 0, -2, 64], [3, -1, 0, 0]]> : tensor<2x4xi8>}
func.func @pow2(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %codes = arith.constant dense<[[[1, 0], [0, 0], [2, -3], [7, 0]], [[2, 1], [-1, 0], [0, 0], [0, 0]]]> : tensor<2x4x2xi8>
  %w = effai.pack %codes : tensor<2x4x2xi8> -> !w
  %q = quant.qcast %x : tensor<1x4xf32> to tensor<1x4x!in>
  %y = effai.linear %q, %w : (tensor<1x4x!in>, !w) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

!in = !quant.uniform<u8:f32, 1.0>
!w = !effai.weight<2x4xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 1.0>>, sparsity = #effai.nm<2:4>>>

// Pruned weights: zeros where the N:M indices keep nothing.
// CHECK-LABEL: effai_fpga.accelerator @pruned
// CHECK: weights = dense<{{\[\[}}0, 5, 0, -6], [7, 0, 8, 0]]> : tensor<2x4xi8>
func.func @pruned(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %v = arith.constant dense<[[5, -6], [7, 8]]> : tensor<2x2xi8>
  %i = arith.constant dense<-115> : tensor<1xi8>
  %w = effai.pack %v indices(%i : tensor<1xi8>) : tensor<2x2xi8> -> !w
  %q = quant.qcast %x : tensor<1x4xf32> to tensor<1x4x!in>
  %y = effai.linear %q, %w : (tensor<1x4x!in>, !w) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
