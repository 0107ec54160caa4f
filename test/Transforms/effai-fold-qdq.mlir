// effai-fold-qdq turns QDQ-wrapped float ops into integer-only effai ops,
// and leaves alone what it cannot represent exactly.
// RUN: %effai_opt %s --effai-fold-qdq --split-input-file | FileCheck %s

!xq = tensor<1x1x4x4x!quant.uniform<u8:f32, 0.05:128>>
!wq = tensor<2x1x2x2x!quant.uniform<i8:f32:0, {0.02, 0.01}>>
!yq = tensor<1x2x3x3x!quant.uniform<u8:f32, 0.1:120>>
!wf = !effai.weight<2x1x2x2xf32, #effai.encoding<value = #effai.float>>

// CHECK-LABEL: func.func @conv_qdq
// CHECK-SAME: (%[[XQ:.*]]: tensor<1x1x4x4x!quant.uniform<u8:f32, 5.000000e-02:128>>, %[[CODES:.*]]: tensor<2x1x2x2xi8>)
// CHECK: %[[W:.*]] = effai.pack %[[CODES]] : tensor<2x1x2x2xi8> -> !effai.weight<2x1x2x2xf32, #[[ENC:.*]]>
// CHECK: %[[Y:.*]] = effai.conv2d %[[XQ]], %[[W]] : (tensor<1x1x4x4x!quant.uniform<u8:f32, 5.000000e-02:128>>, !effai.weight<2x1x2x2xf32, #[[ENC]]>) -> tensor<1x2x3x3x!quant.uniform<u8:f32, 1.000000e-01:120>>
// CHECK-NEXT: %[[F:.*]] = quant.dcast %[[Y]]
// CHECK-NEXT: return %[[F]]
func.func @conv_qdq(%xq: !xq, %codes: tensor<2x1x2x2xi8>) -> tensor<1x2x3x3xf32> {
  %x = quant.dcast %xq : !xq to tensor<1x1x4x4xf32>
  %wq = quant.scast %codes : tensor<2x1x2x2xi8> to !wq
  %wf = quant.dcast %wq : !wq to tensor<2x1x2x2xf32>
  %w = effai.pack %wf : tensor<2x1x2x2xf32> -> !wf
  %y = effai.conv2d %x, %w : (tensor<1x1x4x4xf32>, !wf) -> tensor<1x2x3x3xf32>
  %yq = quant.qcast %y : tensor<1x2x3x3xf32> to !yq
  %out = quant.dcast %yq : !yq to tensor<1x2x3x3xf32>
  return %out : tensor<1x2x3x3xf32>
}

// -----
// A float weight cannot take quantized inputs: the input stays dequantized.
// CHECK-LABEL: func.func @float_weight
// CHECK: %[[X:.*]] = quant.dcast
// CHECK: effai.linear %[[X]]
func.func @float_weight(%xq: tensor<2x4x!quant.uniform<i8:f32, 0.5>>, %v: tensor<3x4xf32>) -> tensor<2x3xf32> {
  %x = quant.dcast %xq : tensor<2x4x!quant.uniform<i8:f32, 0.5>> to tensor<2x4xf32>
  %w = effai.pack %v : tensor<3x4xf32> -> !effai.weight<3x4xf32, #effai.encoding<value = #effai.float>>
  %y = effai.linear %x, %w : (tensor<2x4xf32>, !effai.weight<3x4xf32, #effai.encoding<value = #effai.float>>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----
// 16-bit codes do not fit the 2-8 bit affine format: the weight stays float.
// CHECK-LABEL: func.func @wide_weight
// CHECK: %[[F:.*]] = quant.dcast
// CHECK: effai.pack %[[F]] : tensor<3x4xf32>
func.func @wide_weight(%wq: tensor<3x4x!quant.uniform<i16:f32, 0.5>>) -> !effai.weight<3x4xf32, #effai.encoding<value = #effai.float>> {
  %wf = quant.dcast %wq : tensor<3x4x!quant.uniform<i16:f32, 0.5>> to tensor<3x4xf32>
  %w = effai.pack %wf : tensor<3x4xf32> -> !effai.weight<3x4xf32, #effai.encoding<value = #effai.float>>
  return %w : !effai.weight<3x4xf32, #effai.encoding<value = #effai.float>>
}

// -----
// Per-axis parameters along the reduction dimension are not per output
// channel: not an affine weight.
// CHECK-LABEL: func.func @axis_one_weight
// CHECK: effai.pack %{{.*}} : tensor<2x3xf32>
func.func @axis_one_weight(%wq: tensor<2x3x!quant.uniform<i8:f32:1, {0.1, 0.2, 0.3}>>) -> !effai.weight<2x3xf32, #effai.encoding<value = #effai.float>> {
  %wf = quant.dcast %wq : tensor<2x3x!quant.uniform<i8:f32:1, {0.1, 0.2, 0.3}>> to tensor<2x3xf32>
  %w = effai.pack %wf : tensor<2x3xf32> -> !effai.weight<2x3xf32, #effai.encoding<value = #effai.float>>
  return %w : !effai.weight<2x3xf32, #effai.encoding<value = #effai.float>>
}

// -----
// A result with another (float) use keeps its float type; the quantize stays.
// CHECK-LABEL: func.func @shared_result
// CHECK: %[[Y:.*]] = effai.linear {{.*}} -> tensor<2x3xf32>
// CHECK: quant.qcast %[[Y]]
func.func @shared_result(%xq: tensor<2x4x!quant.uniform<i8:f32, 0.5>>, %c: tensor<3x4xi8>) -> (tensor<2x3x!quant.uniform<i8:f32, 0.25>>, tensor<2x3xf32>) {
  %w = effai.pack %c : tensor<3x4xi8> -> !effai.weight<3x4xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.1>>>>
  %y = effai.linear %xq, %w : (tensor<2x4x!quant.uniform<i8:f32, 0.5>>, !effai.weight<3x4xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.1>>>>) -> tensor<2x3xf32>
  %q = quant.qcast %y : tensor<2x3xf32> to tensor<2x3x!quant.uniform<i8:f32, 0.25>>
  return %q, %y : tensor<2x3x!quant.uniform<i8:f32, 0.25>>, tensor<2x3xf32>
}

// -----
// Quantize-dequantize of an activation rounds to the grid: it is not the
// identity and must survive (upstream's dcast folder would drop it).
// CHECK-LABEL: func.func @fake_quant_kept
// CHECK: quant.qcast
// CHECK: quant.dcast
func.func @fake_quant_kept(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<u8:f32, 0.1:128>>
  %s = quant.scast %q : tensor<4x!quant.uniform<u8:f32, 0.1:128>> to tensor<4xi8>
  %q2 = quant.scast %s : tensor<4xi8> to tensor<4x!quant.uniform<u8:f32, 0.1:128>>
  %y = quant.dcast %q2 : tensor<4x!quant.uniform<u8:f32, 0.1:128>> to tensor<4xf32>
  return %y : tensor<4xf32>
}
