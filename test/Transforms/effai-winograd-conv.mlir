// effai-winograd-conv rewrites each convolution marked winograd-f2x2-3x3 by
// effai-select-conv-algorithm into Winograd F(2x2, 3x3): the input
// transform V = B^T d B over 4x4 input tiles with stride 2, 16 channel
// GEMMs M = U V (U = G g G^T, the filter transformed at compile time), and
// the output transform Y = A^T M A, each a contraction against a constant.
// Convolutions marked direct, or not marked, are left alone.
// RUN: %effai_opt %s --effai-winograd-conv --split-input-file -verify-diagnostics | FileCheck %s

#wino = #effai.conv_algorithm<algorithm = "winograd-f2x2-3x3", direct_us = 2.0, winograd_us = 1.0>
#input = affine_map<(n, o, h, w, c, kh, kw) -> (n, c, h + kh, w + kw)>
#filter = affine_map<(n, o, h, w, c, kh, kw) -> (o, c, kh, kw)>
#output = affine_map<(n, o, h, w, c, kh, kw) -> (n, o, h, w)>

// A 4x4 output: 2x2 tiles of 2x2 pixels. The filter of ones transforms to
// U = r r^T with r = G [1 1 1]^T = [1, 1.5, 0.5, 1] (row-major 4x4, one
// filter, one channel).
// CHECK-DAG: #[[VIN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (0, d0, d1 * 2 + d5, d2 * 2 + d6)>
// CHECK-DAG: #[[BB:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d3, d4, d5, d6)>
// CHECK-DAG: #[[VOUT:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d3, d4, d0, d1, d2)>
// CHECK-LABEL: func.func @even
// CHECK-SAME: (%[[X:.+]]: tensor<1x1x6x6xf32>)
// CHECK-NOT: effai.conv_algorithm
// CHECK: %[[BBC:.+]] = arith.constant dense_resource<winograd_input> : tensor<4x4x4x4xf32>
// CHECK: %[[V:.+]] = linalg.generic {indexing_maps = [#[[VIN]], #[[BB]], #[[VOUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK-SAME: ins(%[[X]], %[[BBC]] : tensor<1x1x6x6xf32>, tensor<4x4x4x4xf32>) outs(%{{.+}} : tensor<4x4x1x2x2xf32>)
// CHECK: %[[U:.+]] = arith.constant dense_resource<winograd_filter> : tensor<4x4x1x1xf32>
// CHECK: %[[M:.+]] = linalg.generic
// CHECK-SAME: ins(%[[V]], %[[U]] : tensor<4x4x1x2x2xf32>, tensor<4x4x1x1xf32>) outs(%{{.+}} : tensor<4x4x1x2x2xf32>)
// CHECK: %[[AA:.+]] = arith.constant dense_resource<winograd_output> : tensor<4x4x2x2xf32>
// CHECK: %[[Y:.+]] = linalg.generic
// CHECK-SAME: ins(%[[M]], %[[AA]] : tensor<4x4x1x2x2xf32>, tensor<4x4x2x2xf32>) outs(%{{.+}} : tensor<1x2x2x2x2xf32>)
// CHECK: %[[C:.+]] = tensor.collapse_shape %[[Y]] {{\[}}[0], [1, 2], [3, 4]] : tensor<1x2x2x2x2xf32> into tensor<1x4x4xf32>
// CHECK: %[[E:.+]] = tensor.expand_shape %[[C]] {{\[}}[0, 1], [2], [3]] output_shape [1, 1, 4, 4] : tensor<1x4x4xf32> into tensor<1x1x4x4xf32>
// CHECK: return %[[E]]
// CHECK: winograd_filter: "0x{{........}}0000803F0000C03F0000003F0000803F0000C03F000010400000403F0000C03F0000003F0000403F0000803E0000003F0000803F0000C03F0000003F0000803F"
func.func @even(%x: tensor<1x1x6x6xf32>) -> tensor<1x1x4x4xf32> {
  %w = arith.constant dense<1.0> : tensor<1x1x3x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x1x4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  %r = linalg.generic {indexing_maps = [#input, #filter, #output],
      iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"],
      effai.conv_algorithm = #wino}
      ins(%x, %w : tensor<1x1x6x6xf32>, tensor<1x1x3x3xf32>) outs(%f : tensor<1x1x4x4xf32>) {
  ^bb0(%i: f32, %wt: f32, %acc: f32):
    %p = arith.mulf %i, %wt : f32
    %q = arith.addf %acc, %p : f32
    linalg.yield %q : f32
  } -> tensor<1x1x4x4xf32>
  return %r : tensor<1x1x4x4xf32>
}

// -----

#wino = #effai.conv_algorithm<algorithm = "winograd-f2x2-3x3", direct_us = 2.0, winograd_us = 1.0>
#input = affine_map<(n, o, h, w, c, kh, kw) -> (n, c, h + kh, w + kw)>
#filter = affine_map<(n, o, h, w, c, kh, kw) -> (o, c, kh, kw)>
#output = affine_map<(n, o, h, w, c, kh, kw) -> (n, o, h, w)>

// A `same` convolution with an odd 5x7 output: 3x4 tiles cover 6x8, so
// the zero padding grows by one row and one column at the high end (one
// pad, not two) and the result is sliced back to 5x7.
// CHECK-LABEL: func.func @odd_padded
// CHECK: %[[P:.+]] = tensor.pad %{{.+}} low[0, 0, 1, 1] high[0, 0, 2, 2]
// CHECK: tensor<1x2x5x7xf32> to tensor<1x2x8x10xf32>
// CHECK-NOT: tensor.pad
// CHECK: linalg.generic {{.+}} ins(%[[P]], %{{.+}} : tensor<1x2x8x10xf32>, tensor<4x4x4x4xf32>) outs(%{{.+}} : tensor<4x4x2x3x4xf32>)
// CHECK: linalg.generic {{.+}} outs(%{{.+}} : tensor<4x4x3x3x4xf32>)
// CHECK: linalg.generic {{.+}} outs(%{{.+}} : tensor<3x3x2x4x2xf32>)
// CHECK: tensor.collapse_shape {{.+}} into tensor<3x6x8xf32>
// CHECK: %[[E:.+]] = tensor.expand_shape {{.+}} output_shape [1, 3, 6, 8] : tensor<3x6x8xf32> into tensor<1x3x6x8xf32>
// CHECK: %[[S:.+]] = tensor.extract_slice %[[E]][0, 0, 0, 0] [1, 3, 5, 7] [1, 1, 1, 1] : tensor<1x3x6x8xf32> to tensor<1x3x5x7xf32>
// CHECK: return %[[S]]
func.func @odd_padded(%x: tensor<1x2x5x7xf32>) -> tensor<1x3x5x7xf32> {
  %w = arith.constant dense<0.25> : tensor<3x2x3x3xf32>
  %zero = arith.constant 0.0 : f32
  %xp = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zero : f32
  } : tensor<1x2x5x7xf32> to tensor<1x2x7x9xf32>
  %e = tensor.empty() : tensor<1x3x5x7xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3x5x7xf32>) -> tensor<1x3x5x7xf32>
  %r = linalg.generic {indexing_maps = [#input, #filter, #output],
      iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"],
      effai.conv_algorithm = #wino}
      ins(%xp, %w : tensor<1x2x7x9xf32>, tensor<3x2x3x3xf32>) outs(%f : tensor<1x3x5x7xf32>) {
  ^bb0(%i: f32, %wt: f32, %acc: f32):
    %p = arith.mulf %i, %wt : f32
    %q = arith.addf %acc, %p : f32
    linalg.yield %q : f32
  } -> tensor<1x3x5x7xf32>
  return %r : tensor<1x3x5x7xf32>
}

// -----

#direct = #effai.conv_algorithm<algorithm = "direct", direct_us = 1.0, winograd_us = 2.0>
#input = affine_map<(n, o, h, w, c, kh, kw) -> (n, c, h + kh, w + kw)>
#filter = affine_map<(n, o, h, w, c, kh, kw) -> (o, c, kh, kw)>
#output = affine_map<(n, o, h, w, c, kh, kw) -> (n, o, h, w)>

// Marked direct, or not marked at all: untouched.
// CHECK-LABEL: func.func @direct
// CHECK: linalg.generic {{.+}} attrs =  {effai.conv_algorithm = #effai.conv_algorithm<algorithm = "direct", direct_us = 1.0, winograd_us = 2.0>}
// CHECK: linalg.generic
// CHECK-NOT: winograd
func.func @direct(%x: tensor<1x1x6x6xf32>, %w: tensor<1x1x3x3xf32>) -> (tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x1x4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  %r = linalg.generic {indexing_maps = [#input, #filter, #output],
      iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"],
      effai.conv_algorithm = #direct}
      ins(%x, %w : tensor<1x1x6x6xf32>, tensor<1x1x3x3xf32>) outs(%f : tensor<1x1x4x4xf32>) {
  ^bb0(%i: f32, %wt: f32, %acc: f32):
    %p = arith.mulf %i, %wt : f32
    %q = arith.addf %acc, %p : f32
    linalg.yield %q : f32
  } -> tensor<1x1x4x4xf32>
  %s = linalg.generic {indexing_maps = [#input, #filter, #output],
      iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : tensor<1x1x6x6xf32>, tensor<1x1x3x3xf32>) outs(%f : tensor<1x1x4x4xf32>) {
  ^bb0(%i: f32, %wt: f32, %acc: f32):
    %p = arith.mulf %i, %wt : f32
    %q = arith.addf %acc, %p : f32
    linalg.yield %q : f32
  } -> tensor<1x1x4x4xf32>
  return %r, %s : tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>
}

// -----

#wino = #effai.conv_algorithm<algorithm = "winograd-f2x2-3x3", direct_us = 2.0, winograd_us = 1.0>

// Marked winograd but strided: an error naming why, not a wrong rewrite.
func.func @strided(%x: tensor<1x1x9x9xf32>) -> tensor<1x1x4x4xf32> {
  %w = arith.constant dense<1.0> : tensor<1x1x3x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x1x4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  // expected-error @+1 {{effai-winograd-conv: marked winograd-f2x2-3x3 but not a stride-1, dilation-1 NCHW x OIHW convolution}}
  %r = linalg.generic {indexing_maps = [
      affine_map<(n, o, h, w, c, kh, kw) -> (n, c, h * 2 + kh, w * 2 + kw)>,
      affine_map<(n, o, h, w, c, kh, kw) -> (o, c, kh, kw)>,
      affine_map<(n, o, h, w, c, kh, kw) -> (n, o, h, w)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"],
      effai.conv_algorithm = #wino}
      ins(%x, %w : tensor<1x1x9x9xf32>, tensor<1x1x3x3xf32>) outs(%f : tensor<1x1x4x4xf32>) {
  ^bb0(%i: f32, %wt: f32, %acc: f32):
    %p = arith.mulf %i, %wt : f32
    %q = arith.addf %acc, %p : f32
    linalg.yield %q : f32
  } -> tensor<1x1x4x4xf32>
  return %r : tensor<1x1x4x4xf32>
}

// -----

#wino = #effai.conv_algorithm<algorithm = "winograd-f2x2-3x3", direct_us = 2.0, winograd_us = 1.0>
#input = affine_map<(n, o, h, w, c, kh, kw) -> (n, c, h + kh, w + kw)>
#filter = affine_map<(n, o, h, w, c, kh, kw) -> (o, c, kh, kw)>
#output = affine_map<(n, o, h, w, c, kh, kw) -> (n, o, h, w)>

// The filter must be known at compile time (it is transformed here).
func.func @runtime_filter(%x: tensor<1x1x6x6xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x1x4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  // expected-error @+1 {{effai-winograd-conv: marked winograd-f2x2-3x3 but the filter is not a constant}}
  %r = linalg.generic {indexing_maps = [#input, #filter, #output],
      iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"],
      effai.conv_algorithm = #wino}
      ins(%x, %w : tensor<1x1x6x6xf32>, tensor<1x1x3x3xf32>) outs(%f : tensor<1x1x4x4xf32>) {
  ^bb0(%i: f32, %wt: f32, %acc: f32):
    %p = arith.mulf %i, %wt : f32
    %q = arith.addf %acc, %p : f32
    linalg.yield %q : f32
  } -> tensor<1x1x4x4xf32>
  return %r : tensor<1x1x4x4xf32>
}
