// RUN: %effai_opt %s --split-input-file --effai-prune="mode=channel sparsity=0.5" | FileCheck %s
// RUN: %effai_opt %s --split-input-file --effai-prune="mode=channel sparsity=0.5" 2>&1 >/dev/null | FileCheck %s --check-prefix=WARN
// RUN: %effai_opt %s --split-input-file --effai-prune="mode=channel sparsity=0.75 norm=l2" 2>&1 | FileCheck %s --check-prefix=L2

// Channel pruning removes the 2 of 4 hidden channels with the smallest L1
// norm (rows 1 and 3: 0.1 and 0.3), their biases, the per-channel constant
// of the elementwise op between the layers, and the matching input columns
// of the next layer: a smaller dense model.
// CHECK-LABEL: func.func @mlp
// CHECK: %[[W0:.*]] = arith.constant dense<{{\[}}[1.000000e+00, 1.000000e+00, 1.000000e+00], [-3.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<2x3xf32>
// CHECK: effai.pack %[[W0]] : tensor<2x3xf32> -> !effai.weight<2x3xf32, #{{.*}}>
// CHECK: arith.constant dense<[5.000000e-01, 0.699999988]> : tensor<2xf32>
// CHECK: effai.linear {{.*}} -> tensor<2x2xf32>
// CHECK: arith.constant dense<[2.000000e+00, 4.000000e+00]> : tensor<2xf32>
// CHECK: tensor.empty() : tensor<2x2xf32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<2x2xf32>, tensor<2xf32>) outs(%{{.*}} : tensor<2x2xf32>)
// CHECK: %[[W1:.*]] = arith.constant dense<{{\[}}[1.000000e+00, 3.000000e+00], [5.000000e+00, 7.000000e+00]]> : tensor<2x2xf32>
// The next layer's input Gram matrix (calibration) keeps the rows and
// columns of the kept channels (0 and 2).
// CHECK: effai.linear %{{.*}}, %{{.*}} {effai.input_gram = dense<{{\[}}[1.000000e+00, 3.000000e+00], [3.000000e+00, 8.000000e+00]]> : tensor<2x2xf32>} : (tensor<2x2xf32>, !effai.weight<2x2xf32, #{{.*}}>) -> tensor<2x2xf32>
// CHECK-NOT: tensor<2x4xf32>
// Keeping one channel: rows 0 and 2 tie in L1 (3.0) but not in L2 (3 < 9).
// L2-LABEL: func.func @mlp
// L2: arith.constant dense<{{\[}}[-3.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<1x3xf32>
// L2: arith.constant dense<{{\[}}[3.000000e+00], [7.000000e+00]]> : tensor<2x1xf32>
#map = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> (d1)>
func.func @mlp(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
  %v0 = arith.constant dense<[[1.0, 1.0, 1.0], [0.1, 0.0, 0.0], [-3.0, 0.0, 0.0], [0.0, 0.2, -0.1]]> : tensor<4x3xf32>
  %b0 = arith.constant dense<[0.5, 0.6, 0.7, 0.8]> : tensor<4xf32>
  %w0 = effai.pack %v0 : tensor<4x3xf32> -> !effai.weight<4x3xf32, #effai.encoding<value = #effai.float>>
  %h = effai.linear %x, %w0, %b0 : (tensor<2x3xf32>, !effai.weight<4x3xf32, #effai.encoding<value = #effai.float>>, tensor<4xf32>) -> tensor<2x4xf32>
  %scale = arith.constant dense<[2.0, 3.0, 4.0, 5.0]> : tensor<4xf32>
  %e = tensor.empty() : tensor<2x4xf32>
  %r = linalg.generic {indexing_maps = [#map, #map1, #map], iterator_types = ["parallel", "parallel"]} ins(%h, %scale : tensor<2x4xf32>, tensor<4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%in: f32, %s: f32, %out: f32):
    %zero = arith.constant 0.0 : f32
    %m = arith.mulf %in, %s : f32
    %y = arith.maximumf %m, %zero : f32
    linalg.yield %y : f32
  } -> tensor<2x4xf32>
  %v1 = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]> : tensor<2x4xf32>
  %w1 = effai.pack %v1 : tensor<2x4xf32> -> !effai.weight<2x4xf32, #effai.encoding<value = #effai.float>>
  %y = effai.linear %r, %w1 {effai.input_gram = dense<[[1.0, 2.0, 3.0, 4.0], [2.0, 5.0, 6.0, 7.0], [3.0, 6.0, 8.0, 9.0], [4.0, 7.0, 9.0, 10.0]]> : tensor<4x4xf32>} : (tensor<2x4xf32>, !effai.weight<2x4xf32, #effai.encoding<value = #effai.float>>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// Through max pooling (a reduction over the window, parallel over channels)
// and Flatten: each removed conv channel takes its block of H*W = 4 input
// columns out of the linear layer (channels 0 and 2 of 4 kept: columns
// 0-3 and 8-11).
// CHECK-LABEL: func.func @conv_pool_flatten
// CHECK: effai.conv2d {{.*}} -> tensor<1x2x4x4xf32>
// CHECK: linalg.fill {{.*}} -> tensor<1x2x2x2xf32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x2x4x4xf32>, tensor<2x2xi1>) outs(%{{.*}} : tensor<1x2x2x2xf32>)
// CHECK: %[[SHAPE:.*]] = arith.constant dense<[1, 8]> : tensor<2xindex>
// CHECK: tensor.reshape %{{.*}}(%[[SHAPE]]) : (tensor<1x2x2x2xf32>, tensor<2xindex>) -> tensor<1x8xf32>
// CHECK: arith.constant dense<{{\[}}[0.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00, 8.000000e+00, 9.000000e+00, 1.000000e+01, 1.100000e+01]]> : tensor<1x8xf32>
// The Gram matrix (diagonal 0..15) keeps entries 0-3 and 8-11.
// CHECK: effai.linear {{.*}}effai.input_gram = dense<{{.*}} [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 8.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00], {{.*}}, 1.100000e+01]]> : tensor<8x8xf32>} : (tensor<1x8xf32>, !effai.weight<1x8xf32, #{{.*}}>) -> tensor<1x1xf32>
#pool_in = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>
#pool_win = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
#pool_out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
func.func @conv_pool_flatten(%x: tensor<1x1x4x4xf32>) -> tensor<1x1xf32> {
  %v = arith.constant dense<[[[[1.0]]], [[[0.1]]], [[[-2.0]]], [[[0.2]]]]> : tensor<4x1x1x1xf32>
  %w = effai.pack %v : tensor<4x1x1x1xf32> -> !effai.weight<4x1x1x1xf32, #effai.encoding<value = #effai.float>>
  %c = effai.conv2d %x, %w : (tensor<1x1x4x4xf32>, !effai.weight<4x1x1x1xf32, #effai.encoding<value = #effai.float>>) -> tensor<1x4x4x4xf32>
  %window = tensor.empty() : tensor<2x2xi1>
  %e = tensor.empty() : tensor<1x4x2x2xf32>
  %ninf = arith.constant 0xFF800000 : f32
  %init = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
  %p = linalg.generic {indexing_maps = [#pool_in, #pool_win, #pool_out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%c, %window : tensor<1x4x4x4xf32>, tensor<2x2xi1>) outs(%init : tensor<1x4x2x2xf32>) {
  ^bb0(%in: f32, %unused: i1, %out: f32):
    %m = arith.maximumf %out, %in : f32
    linalg.yield %m : f32
  } -> tensor<1x4x2x2xf32>
  %shape = arith.constant dense<[1, 16]> : tensor<2xindex>
  %flat = tensor.reshape %p(%shape) : (tensor<1x4x2x2xf32>, tensor<2xindex>) -> tensor<1x16xf32>
  %lv = arith.constant dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0]]> : tensor<1x16xf32>
  %lw = effai.pack %lv : tensor<1x16xf32> -> !effai.weight<1x16xf32, #effai.encoding<value = #effai.float>>
  %y = effai.linear %flat, %lw {effai.input_gram = dense<[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 4.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 5.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 6.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 7.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 8.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 9.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 10.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 11.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 12.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 13.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 14.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 15.0]]> : tensor<16x16xf32>} : (tensor<1x16xf32>, !effai.weight<1x16xf32, #effai.encoding<value = #effai.float>>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// -----

// Channels that also feed a residual add (read twice) cannot shrink: the
// layer is kept whole, with a warning naming the op in the way. The second
// layer's channels are the function's result: kept, silently.
// WARN: effai-prune-channel.mlir:[[# @LINE + 9]]:8: warning: effai-prune: channels kept: they reach 'linalg.generic' at {{.*}}":[[# @LINE + 11]]:8), and other ops too
// WARN-NOT: warning
// CHECK-LABEL: func.func @residual
// CHECK: effai.linear {{.*}} -> tensor<1x4xf32>
// CHECK: effai.linear {{.*}} -> tensor<1x4xf32>
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @residual(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %v = arith.constant dense<[[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 1.0]]> : tensor<4x4xf32>
  %w = effai.pack %v : tensor<4x4xf32> -> !effai.weight<4x4xf32, #effai.encoding<value = #effai.float>>
  %h = effai.linear %x, %w : (tensor<1x4xf32>, !effai.weight<4x4xf32, #effai.encoding<value = #effai.float>>) -> tensor<1x4xf32>
  %e = tensor.empty() : tensor<1x4xf32>
  %s = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%h, %h : tensor<1x4xf32>, tensor<1x4xf32>) outs(%e : tensor<1x4xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %sum = arith.addf %a, %b : f32
    linalg.yield %sum : f32
  } -> tensor<1x4xf32>
  %v2 = arith.constant dense<1.0> : tensor<4x4xf32>
  %w2 = effai.pack %v2 : tensor<4x4xf32> -> !effai.weight<4x4xf32, #effai.encoding<value = #effai.float>>
  %y = effai.linear %s, %w2 : (tensor<1x4xf32>, !effai.weight<4x4xf32, #effai.encoding<value = #effai.float>>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}
