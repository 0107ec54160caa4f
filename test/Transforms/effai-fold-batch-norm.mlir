// RUN: %effai_opt %s --split-input-file --effai-fold-batch-norm --mlir-print-debuginfo | FileCheck %s

#id = affine_map<(n, c, h, w) -> (n, c, h, w)>
#ch = affine_map<(n, c, h, w) -> (c, 0, 0)>

// BatchNormalization as the importer writes it, parameters reshaped from
// [C]: mean [1, 0], var [3, 0], eps 1, scale [4, 3], shift [0.5, -1].
//   a = scale / sqrt(var + eps) = [4 / 2, 3 / 1] = [2, 3]
//   b = shift - mean * a        = [0.5 - 2, -1 - 0] = [-1.5, -1]
//   w' = a * w = [2 * 2, 3 * -1] = [4, -3]
//   bias' = a * bias + b = [2 * 1 - 1.5, 3 * 0.5 - 1] = [0.5, 0.5]
// The conv's location now names both ops.
// CHECK-LABEL: func.func @conv_batch_norm
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}4.000000e+00]]], {{\[\[\[}}-3.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<5.000000e-01> : tensor<2xf32>
// CHECK: %[[P:.*]] = effai.pack %[[W]]
// CHECK: %[[Y:.*]] = effai.conv2d %arg0, %[[P]], %[[B]] {{.*}} loc(#[[LOC:.*]])
// CHECK-NOT: linalg.generic
// CHECK: return %[[Y]]
// CHECK: #[[LOC]] = loc(fused[#{{.*}}, #{{.*}}])
func.func @conv_batch_norm(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %wc = arith.constant dense<[[[[2.0]]], [[[-1.0]]]]> : tensor<2x1x1x1xf32>
  %w = effai.pack %wc : tensor<2x1x1x1xf32> -> !effai.weight<2x1x1x1xf32, #effai.encoding<value = #effai.float>>
  %bias = arith.constant dense<[1.0, 0.5]> : tensor<2xf32>
  %y = effai.conv2d %x, %w, %bias : (tensor<1x1x4x4xf32>, !effai.weight<2x1x1x1xf32, #effai.encoding<value = #effai.float>>, tensor<2xf32>) -> tensor<1x2x4x4xf32> loc("conv1")
  %shape = arith.constant dense<[2, 1, 1]> : tensor<3xindex>
  %m = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %v = arith.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %s = arith.constant dense<[4.0, 3.0]> : tensor<2xf32>
  %t = arith.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %mean = tensor.reshape %m(%shape) : (tensor<2xf32>, tensor<3xindex>) -> tensor<2x1x1xf32>
  %var = tensor.reshape %v(%shape) : (tensor<2xf32>, tensor<3xindex>) -> tensor<2x1x1xf32>
  %scale = tensor.reshape %s(%shape) : (tensor<2xf32>, tensor<3xindex>) -> tensor<2x1x1xf32>
  %shift = tensor.reshape %t(%shape) : (tensor<2xf32>, tensor<3xindex>) -> tensor<2x1x1xf32>
  %eps = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<1x2x4x4xf32>
  %z = linalg.generic {indexing_maps = [#id, #ch, #ch, #ch, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%y, %mean, %var, %scale, %shift : tensor<1x2x4x4xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>) outs(%e : tensor<1x2x4x4xf32>) {
  ^bb0(%in: f32, %mu: f32, %sigma2: f32, %gamma: f32, %beta: f32, %out: f32):
    %0 = arith.subf %in, %mu : f32
    %1 = arith.addf %sigma2, %eps : f32
    %2 = math.sqrt %1 : f32
    %3 = arith.divf %0, %2 : f32
    %4 = arith.mulf %3, %gamma : f32
    %5 = arith.addf %4, %beta : f32
    linalg.yield %5 : f32
  } -> tensor<1x2x4x4xf32> loc("bn1")
  return %z : tensor<1x2x4x4xf32>
}

// -----
// A linear layer without bias, then Mul by [2, -1] along N, then Add 0.5:
// both fold, one after the other.
//   w' = [[1, 2] * 2, [3, 4] * -1] = [[2, 4], [-3, -4]], bias' = [0.5, 0.5]
#mn = affine_map<(m, n) -> (m, n)>
#n = affine_map<(m, n) -> (n)>
#scalar = affine_map<(m, n) -> ()>
// CHECK-LABEL: func.func @linear_mul_add
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[}}2.000000e+00, 4.000000e+00], [-3.000000e+00, -4.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<5.000000e-01> : tensor<2xf32>
// CHECK: %[[P:.*]] = effai.pack %[[W]]
// CHECK: %[[Y:.*]] = effai.linear %arg0, %[[P]], %[[B]]
// CHECK-NOT: linalg.generic
// CHECK: return %[[Y]]
func.func @linear_mul_add(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %wc = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %w = effai.pack %wc : tensor<2x2xf32> -> !effai.weight<2x2xf32, #effai.encoding<value = #effai.float>>
  %y = effai.linear %x, %w : (tensor<3x2xf32>, !effai.weight<2x2xf32, #effai.encoding<value = #effai.float>>) -> tensor<3x2xf32>
  %k = arith.constant dense<[2.0, -1.0]> : tensor<2xf32>
  %half = arith.constant dense<0.5> : tensor<f32>
  %e = tensor.empty() : tensor<3x2xf32>
  %scaled = linalg.generic {indexing_maps = [#mn, #n, #mn], iterator_types = ["parallel", "parallel"]} ins(%y, %k : tensor<3x2xf32>, tensor<2xf32>) outs(%e : tensor<3x2xf32>) {
  ^bb0(%in: f32, %c: f32, %out: f32):
    %0 = arith.mulf %c, %in : f32
    linalg.yield %0 : f32
  } -> tensor<3x2xf32>
  %z = linalg.generic {indexing_maps = [#mn, #scalar, #mn], iterator_types = ["parallel", "parallel"]} ins(%scaled, %half : tensor<3x2xf32>, tensor<f32>) outs(%e : tensor<3x2xf32>) {
  ^bb0(%in: f32, %c: f32, %out: f32):
    %0 = arith.addf %in, %c : f32
    linalg.yield %0 : f32
  } -> tensor<3x2xf32>
  return %z : tensor<3x2xf32>
}

// -----
// Pruned (2:4) weights: the kept values are scaled, the pattern kept.
//   values [[1, 2], [3, 4]] * [2, 3] per row = [[2, 4], [9, 12]]
#mn = affine_map<(m, n) -> (m, n)>
#n = affine_map<(m, n) -> (n)>
// CHECK-LABEL: func.func @sparse_linear
// CHECK-DAG: %[[V:.*]] = arith.constant dense<{{\[\[}}2.000000e+00, 4.000000e+00], [9.000000e+00, 1.200000e+01]]> : tensor<2x2xf32>
// CHECK-DAG: %[[I:.*]] = arith.constant dense<-100> : tensor<1xi8>
// CHECK: effai.pack %[[V]] indices(%[[I]] : tensor<1xi8>)
// CHECK-NOT: linalg.generic
func.func @sparse_linear(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %v = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  // Positions 0, 3, 1, 2 in 2-bit fields: 0b10'01'11'00 = 156 (-100).
  %i = arith.constant dense<-100> : tensor<1xi8>
  %w = effai.pack %v indices(%i : tensor<1xi8>) : tensor<2x2xf32> -> !effai.weight<2x4xf32, #effai.encoding<value = #effai.float, sparsity = #effai.nm<2:4>>>
  %y = effai.linear %x, %w : (tensor<1x4xf32>, !effai.weight<2x4xf32, #effai.encoding<value = #effai.float, sparsity = #effai.nm<2:4>>>) -> tensor<1x2xf32>
  %k = arith.constant dense<[2.0, 3.0]> : tensor<2xf32>
  %e = tensor.empty() : tensor<1x2xf32>
  %z = linalg.generic {indexing_maps = [#mn, #n, #mn], iterator_types = ["parallel", "parallel"]} ins(%y, %k : tensor<1x2xf32>, tensor<2xf32>) outs(%e : tensor<1x2xf32>) {
  ^bb0(%in: f32, %c: f32, %out: f32):
    %0 = arith.mulf %in, %c : f32
    linalg.yield %0 : f32
  } -> tensor<1x2xf32>
  return %z : tensor<1x2xf32>
}

// -----
// Left alone: a body not affine in y (y * y, then max(y, 0)); a conv output
// with a second user; a constant that varies along H; a parameter known
// only at run time.
#id = affine_map<(n, c, h, w) -> (n, c, h, w)>
#h = affine_map<(n, c, h, w) -> (h)>
#c = affine_map<(n, c, h, w) -> (c)>
// CHECK-LABEL: func.func @not_folded
// CHECK: effai.conv2d
// CHECK: linalg.generic
// CHECK: effai.conv2d
// CHECK: linalg.generic
// CHECK: effai.conv2d
// CHECK: linalg.generic
// CHECK: effai.conv2d
// CHECK: linalg.generic
// CHECK: effai.conv2d
// CHECK: linalg.generic
func.func @not_folded(%x: tensor<1x1x2x2xf32>, %runtime: tensor<2xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) {
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  %zero = arith.constant 0.0 : f32
  %wc0 = arith.constant dense<[[[[2.0]]], [[[-1.0]]]]> : tensor<2x1x1x1xf32>
  %w0 = effai.pack %wc0 : tensor<2x1x1x1xf32> -> !effai.weight<2x1x1x1xf32, #effai.encoding<value = #effai.float>>
  %y0 = effai.conv2d %x, %w0 : (tensor<1x1x2x2xf32>, !effai.weight<2x1x1x1xf32, #effai.encoding<value = #effai.float>>) -> tensor<1x2x2x2xf32>
  %square = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%y0 : tensor<1x2x2x2xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.mulf %in, %in : f32
    linalg.yield %0 : f32
  } -> tensor<1x2x2x2xf32>
  %wc1 = arith.constant dense<[[[[2.0]]], [[[-1.0]]]]> : tensor<2x1x1x1xf32>
  %w1 = effai.pack %wc1 : tensor<2x1x1x1xf32> -> !effai.weight<2x1x1x1xf32, #effai.encoding<value = #effai.float>>
  %y1 = effai.conv2d %x, %w1 : (tensor<1x1x2x2xf32>, !effai.weight<2x1x1x1xf32, #effai.encoding<value = #effai.float>>) -> tensor<1x2x2x2xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%y1 : tensor<1x2x2x2xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.maximumf %in, %zero : f32
    linalg.yield %0 : f32
  } -> tensor<1x2x2x2xf32>
  %wc2 = arith.constant dense<[[[[2.0]]], [[[-1.0]]]]> : tensor<2x1x1x1xf32>
  %w2 = effai.pack %wc2 : tensor<2x1x1x1xf32> -> !effai.weight<2x1x1x1xf32, #effai.encoding<value = #effai.float>>
  %y2 = effai.conv2d %x, %w2 : (tensor<1x1x2x2xf32>, !effai.weight<2x1x1x1xf32, #effai.encoding<value = #effai.float>>) -> tensor<1x2x2x2xf32>
  %k = arith.constant dense<[2.0, 3.0]> : tensor<2xf32>
  %shared = linalg.generic {indexing_maps = [#id, #c, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%y2, %k : tensor<1x2x2x2xf32>, tensor<2xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %c: f32, %out: f32):
    %0 = arith.mulf %in, %c : f32
    linalg.yield %0 : f32
  } -> tensor<1x2x2x2xf32>
  %wc3 = arith.constant dense<[[[[2.0]]], [[[-1.0]]]]> : tensor<2x1x1x1xf32>
  %w3 = effai.pack %wc3 : tensor<2x1x1x1xf32> -> !effai.weight<2x1x1x1xf32, #effai.encoding<value = #effai.float>>
  %y3 = effai.conv2d %x, %w3 : (tensor<1x1x2x2xf32>, !effai.weight<2x1x1x1xf32, #effai.encoding<value = #effai.float>>) -> tensor<1x2x2x2xf32>
  %alongH = linalg.generic {indexing_maps = [#id, #h, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%y3, %k : tensor<1x2x2x2xf32>, tensor<2xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %c: f32, %out: f32):
    %0 = arith.mulf %in, %c : f32
    linalg.yield %0 : f32
  } -> tensor<1x2x2x2xf32>
  %wc4 = arith.constant dense<[[[[2.0]]], [[[-1.0]]]]> : tensor<2x1x1x1xf32>
  %w4 = effai.pack %wc4 : tensor<2x1x1x1xf32> -> !effai.weight<2x1x1x1xf32, #effai.encoding<value = #effai.float>>
  %y4 = effai.conv2d %x, %w4 : (tensor<1x1x2x2xf32>, !effai.weight<2x1x1x1xf32, #effai.encoding<value = #effai.float>>) -> tensor<1x2x2x2xf32>
  %atRunTime = linalg.generic {indexing_maps = [#id, #c, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%y4, %runtime : tensor<1x2x2x2xf32>, tensor<2xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %c: f32, %out: f32):
    %0 = arith.mulf %in, %c : f32
    linalg.yield %0 : f32
  } -> tensor<1x2x2x2xf32>
  return %square, %relu, %shared, %y2, %alongH, %atRunTime : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>
}
