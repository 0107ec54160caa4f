// CostModelOpInterface through effai-annotate-cost: work and compulsory bytes
// per op, accounting for sparsity, power-of-two terms and packed payloads.
// RUN: %effai_opt %s --effai-annotate-cost --verify-diagnostics | FileCheck %s

// Dense fp32 8x64 · 64x16 + bias: 8*16*64 = 8192 MACs, 128 bias adds.
// Bytes: x 2048 + W 4096 + b 64 read, y 512 written.
// CHECK-LABEL: func.func @dense_linear
// CHECK: effai.linear {{.*}} {effai.cost = {adds = 128 : i64, bytes_read = 6208 : i64, bytes_written = 512 : i64, intensity = 2.4571{{[0-9]+}} : f64, macs = 8192 : i64, ops = 16512 : i64, shifts = 0 : i64}}
// CHECK-NOT: effai.cost
// CHECK: return
func.func @dense_linear(%x: tensor<8x64xf32>, %v: tensor<16x64xf32>, %b: tensor<16xf32>) -> tensor<8x16xf32> {
  %w = effai.pack %v : tensor<16x64xf32> -> !effai.weight<16x64xf32, #effai.encoding<value = #effai.float>>
  %y = effai.linear %x, %w, %b : (tensor<8x64xf32>, !effai.weight<16x64xf32, #effai.encoding<value = #effai.float>>, tensor<16xf32>) -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

// 2:4 int8: half the MACs; the payload is 512 int8 values + 512 2-bit
// positions (128 bytes).
// CHECK-LABEL: func.func @sparse_int8_linear
// CHECK: effai.cost = {adds = 0 : i64, bytes_read = 2688 : i64, bytes_written = 512 : i64, intensity = 2.56{{0*}}e+00 : f64, macs = 4096 : i64, ops = 8192 : i64, shifts = 0 : i64}
func.func @sparse_int8_linear(%x: tensor<8x64xf32>, %v: tensor<16x32xi8>, %i: tensor<128xi8>) -> tensor<8x16xf32> {
  %w = effai.pack %v indices(%i : tensor<128xi8>) : tensor<16x32xi8> -> !effai.weight<16x64xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.02>>, sparsity = #effai.nm<2:4>>>
  %y = effai.linear %x, %w : (tensor<8x64xf32>, !effai.weight<16x64xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.02>>, sparsity = #effai.nm<2:4>>>) -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

// Integer-only: 4 rows x 512 kept weights = 2048 MACs, plus one requantizing
// multiply per output (64) and 64 bias adds. int8 x 256 B, payload 640 B
// (512 values, 512 2-bit positions), i32 bias 64 B; int8 result 64 B.
// CHECK-LABEL: func.func @quantized_linear
// CHECK: effai.cost = {adds = 64 : i64, bytes_read = 960 : i64, bytes_written = 64 : i64, intensity = {{.*}} : f64, macs = 2112 : i64, ops = 4288 : i64, shifts = 0 : i64}
func.func @quantized_linear(%x: tensor<4x64x!quant.uniform<i8:f32, 0.05:-3>>,
                            %w: !effai.weight<16x64xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.02>>, sparsity = #effai.nm<2:4>>>,
                            %b: tensor<16x!quant.uniform<i32:f32, 0.001>>) -> tensor<4x16x!quant.uniform<i8:f32, 0.1:2>> {
  %y = effai.linear %x, %w, %b : (tensor<4x64x!quant.uniform<i8:f32, 0.05:-3>>, !effai.weight<16x64xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.02>>, sparsity = #effai.nm<2:4>>>, tensor<16x!quant.uniform<i32:f32, 0.001>>) -> tensor<4x16x!quant.uniform<i8:f32, 0.1:2>>
  return %y : tensor<4x16x!quant.uniform<i8:f32, 0.1:2>>
}

// Two-term power-of-two conv, no multiplies: 16*8*3*3 = 1152 weights, each
// used at 16*16 output pixels, 2 shifts + 2 adds each = 589824 of each.
// Payload: 1152 weights x 2 terms x 4 bits = 1152 B; x 32768 B; y 16384 B.
// CHECK-LABEL: func.func @pow2_conv
// CHECK: effai.cost = {adds = 589824 : i64, bytes_read = 33920 : i64, bytes_written = 16384 : i64, intensity = {{.*}} : f64, macs = 0 : i64, ops = 1179648 : i64, shifts = 589824 : i64}
func.func @pow2_conv(%x: tensor<1x8x32x32xf32>, %codes: tensor<16x8x3x3x2xi8>) -> tensor<1x16x16x16xf32> {
  %w = effai.pack %codes : tensor<16x8x3x3x2xi8> -> !effai.weight<16x8x3x3xf32, #effai.encoding<value = #effai.pow2<terms = 2, bits = 4, min_exp = -6, max_exp = 0>>>
  %y = effai.conv2d %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x32x32xf32>, !effai.weight<16x8x3x3xf32, #effai.encoding<value = #effai.pow2<terms = 2, bits = 4, min_exp = -6, max_exp = 0>>>) -> tensor<1x16x16x16xf32>
  return %y : tensor<1x16x16x16xf32>
}

// Channel-pruned depthwise: 3 of 8 filters kept (27 weights) x 2*8*8 pixels.
// Payload: 27 floats + 3 i32 channel ids = 120 B.
// CHECK-LABEL: func.func @channel_pruned_depthwise
// CHECK: effai.cost = {adds = 0 : i64, bytes_read = 2168 : i64, bytes_written = 4096 : i64, intensity = {{.*}} : f64, macs = 3456 : i64, ops = 6912 : i64, shifts = 0 : i64}
func.func @channel_pruned_depthwise(%x: tensor<2x4x8x8xf32>, %v: tensor<3x1x3x3xf32>, %k: tensor<3xi32>) -> tensor<2x8x8x8xf32> {
  %w = effai.pack %v indices(%k : tensor<3xi32>) : tensor<3x1x3x3xf32> -> !effai.weight<8x1x3x3xf32, #effai.encoding<value = #effai.float, sparsity = #effai.channel<kept = 3>>>
  %y = effai.depthwise_conv2d %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<2x4x8x8xf32>, !effai.weight<8x1x3x3xf32, #effai.encoding<value = #effai.float, sparsity = #effai.channel<kept = 3>>>) -> tensor<2x8x8x8xf32>
  return %y : tensor<2x8x8x8xf32>
}

// 128 ops x 2 over 512 + 128 bytes = 0.4 ops/byte.
// CHECK-LABEL: func.func @requantize
// CHECK: effai.cost = {adds = 0 : i64, bytes_read = 512 : i64, bytes_written = 128 : i64, intensity = 4.000000e-01 : f64, macs = 128 : i64, ops = 256 : i64, shifts = 0 : i64}
func.func @requantize(%acc: tensor<8x16x!quant.uniform<i32:f32, 1.0e-4>>) -> tensor<8x16x!quant.uniform<i8:f32, 0.05:-3>> {
  %y = effai.requantize %acc : tensor<8x16x!quant.uniform<i32:f32, 1.0e-4>> -> tensor<8x16x!quant.uniform<i8:f32, 0.05:-3>>
  return %y : tensor<8x16x!quant.uniform<i8:f32, 0.05:-3>>
}

// A dynamic batch has no static cost: the op is reported, not annotated.
// CHECK-LABEL: func.func @dynamic_batch
// CHECK-NOT: effai.cost
func.func @dynamic_batch(%x: tensor<?x64xf32>, %w: !effai.weight<16x64xf32, #effai.encoding<value = #effai.float>>) -> tensor<?x16xf32> {
  // expected-remark @+1 {{cost unknown: the op has dynamic shapes}}
  %y = effai.linear %x, %w : (tensor<?x64xf32>, !effai.weight<16x64xf32, #effai.encoding<value = #effai.float>>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}
