// effai-integerize: quant.qcast moves above ReLU, max pooling and reshapes
// (rewritten on the integer codes) into the compressible op that produces
// the value, which then returns the quantized result; values with other
// users keep their float ops.
// RUN: %effai_opt %s --effai-integerize -split-input-file | FileCheck %s

!in = !quant.uniform<u8:f32, 0.5>
!mid = !quant.uniform<u8:f32, 0.25:3>
!w = !effai.weight<4x2x1x1xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32:0, {0.1, 0.1, 0.1, 0.1}>>>>
!w2 = !effai.weight<2x16xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32:0, {0.1, 0.1}>>>>

// conv -> ReLU -> 2x2 max pool -> flatten -> qcast -> linear: the conv
// returns codes of the linear's input type; ReLU is a max with the zero
// point (3), the pool a max from the storage minimum (0, unsigned), the
// flatten a reshape of the codes.
// CHECK-LABEL: func.func @conv_relu_pool_flatten
// CHECK: %[[Y:.*]] = effai.conv2d %{{.*}} -> tensor<1x4x4x4x!quant.uniform<u8:f32, 2.500000e-01:3>>
// CHECK: %[[CODES:.*]] = quant.scast %[[Y]] : {{.*}} to tensor<1x4x4x4xi8>
// CHECK: %[[RELU:.*]] = linalg.generic {{.*}} ins(%[[CODES]] : tensor<1x4x4x4xi8>)
// CHECK:   arith.maxui %{{.*}}, %c3_i8 : i8
// CHECK: %[[START:.*]] = linalg.fill ins(%c0_i8 : i8) outs(%{{.*}} : tensor<1x4x2x2xi8>)
// CHECK: %[[POOL:.*]] = linalg.generic {{.*}} ins(%[[RELU]], %{{.*}} : tensor<1x4x4x4xi8>, tensor<2x2xi1>) outs(%[[START]] : tensor<1x4x2x2xi8>)
// CHECK:   arith.maxui
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[POOL]] {{\[}}[0], [1, 2, 3]] : tensor<1x4x2x2xi8> into tensor<1x16xi8>
// CHECK: %[[Q:.*]] = quant.scast %[[FLAT]] : tensor<1x16xi8> to tensor<1x16x!quant.uniform<u8:f32, 2.500000e-01:3>>
// CHECK: effai.linear %[[Q]]
// CHECK-NOT: quant.qcast
// CHECK-NOT: arith.maximumf
func.func @conv_relu_pool_flatten(%x: tensor<1x2x4x4x!in>, %wc: tensor<4x2x1x1xi8>, %wl: tensor<2x16xi8>) -> tensor<1x2xf32> {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %w = effai.pack %wc : tensor<4x2x1x1xi8> -> !w
  %y = effai.conv2d %x, %w : (tensor<1x2x4x4x!in>, !w) -> tensor<1x4x4x4xf32>
  %e = tensor.empty() : tensor<1x4x4x4xf32>
  %relu = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%y : tensor<1x4x4x4xf32>) outs(%e : tensor<1x4x4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x4x4x4xf32>
  %window = tensor.empty() : tensor<2x2xi1>
  %pe = tensor.empty() : tensor<1x4x2x2xf32>
  %start = linalg.fill ins(%ninf : f32) outs(%pe : tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
  %pool = linalg.generic {indexing_maps = [affine_map<(a, b, c, d, e, f) -> (a, b, c * 2 + e, d * 2 + f)>, affine_map<(a, b, c, d, e, f) -> (e, f)>, affine_map<(a, b, c, d, e, f) -> (a, b, c, d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%relu, %window : tensor<1x4x4x4xf32>, tensor<2x2xi1>) outs(%start : tensor<1x4x2x2xf32>) {
  ^bb0(%in: f32, %w_: i1, %out: f32):
    %m = arith.maximumf %out, %in : f32
    linalg.yield %m : f32
  } -> tensor<1x4x2x2xf32>
  %flat = tensor.collapse_shape %pool [[0], [1, 2, 3]] : tensor<1x4x2x2xf32> into tensor<1x16xf32>
  %q = quant.qcast %flat : tensor<1x16xf32> to tensor<1x16x!mid>
  %v = effai.pack %wl : tensor<2x16xi8> -> !w2
  %out = effai.linear %q, %v : (tensor<1x16x!mid>, !w2) -> tensor<1x2xf32>
  return %out : tensor<1x2xf32>
}

// -----

!in = !quant.uniform<i8:f32, 0.5>
!mid = !quant.uniform<i8:f32, 0.25:-4>
!w = !effai.weight<4x2x1x1xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32:0, {0.1, 0.1, 0.1, 0.1}>>>>

// Signed codes compare signed; a float value with a second user (a
// residual branch) keeps its float ReLU and its qcast.
// CHECK-LABEL: func.func @signed_and_shared
// CHECK: %[[Y:.*]] = effai.conv2d {{.*}} -> tensor<1x4x2x2xf32>
// CHECK: %[[RELU:.*]] = linalg.generic {{.*}} ins(%[[Y]] : tensor<1x4x2x2xf32>)
// CHECK:   arith.maximumf
// CHECK: quant.qcast %[[RELU]]
// CHECK: return
// CHECK-LABEL: func.func @signed
// CHECK: effai.conv2d {{.*}} -> tensor<1x4x2x2x!quant.uniform<i8:f32, 2.500000e-01:-4>>
// CHECK: arith.maxsi %{{.*}}, %c-4_i8 : i8
func.func @signed_and_shared(%x: tensor<1x2x2x2x!in>, %wc: tensor<4x2x1x1xi8>) -> (tensor<1x4x2x2x!mid>, tensor<1x4x2x2xf32>) {
  %zero = arith.constant 0.0 : f32
  %w = effai.pack %wc : tensor<4x2x1x1xi8> -> !w
  %y = effai.conv2d %x, %w : (tensor<1x2x2x2x!in>, !w) -> tensor<1x4x2x2xf32>
  %e = tensor.empty() : tensor<1x4x2x2xf32>
  %relu = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%y : tensor<1x4x2x2xf32>) outs(%e : tensor<1x4x2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x4x2x2xf32>
  %q = quant.qcast %relu : tensor<1x4x2x2xf32> to tensor<1x4x2x2x!mid>
  return %q, %relu : tensor<1x4x2x2x!mid>, tensor<1x4x2x2xf32>
}
func.func @signed(%x: tensor<1x2x2x2x!in>, %wc: tensor<4x2x1x1xi8>) -> tensor<1x4x2x2x!mid> {
  %zero = arith.constant 0.0 : f32
  %w = effai.pack %wc : tensor<4x2x1x1xi8> -> !w
  %y = effai.conv2d %x, %w : (tensor<1x2x2x2x!in>, !w) -> tensor<1x4x2x2xf32>
  %e = tensor.empty() : tensor<1x4x2x2xf32>
  %relu = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%y : tensor<1x4x2x2xf32>) outs(%e : tensor<1x4x2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x4x2x2xf32>
  %q = quant.qcast %relu : tensor<1x4x2x2xf32> to tensor<1x4x2x2x!mid>
  return %q : tensor<1x4x2x2x!mid>
}
