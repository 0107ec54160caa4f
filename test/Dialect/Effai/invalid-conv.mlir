// Every verifier error of effai.conv2d and effai.depthwise_conv2d.
// RUN: %effai_opt %s -split-input-file -verify-diagnostics

func.func @input_rank(%x: tensor<3x8x8xf32>, %w: !effai.weight<4x3x3x3xf32, #effai.encoding<value = #effai.float>>) {
  // expected-error @+1 {{input must be 4-D NCHW, got 'tensor<3x8x8xf32>'}}
  %y = effai.conv2d %x, %w : (tensor<3x8x8xf32>, !effai.weight<4x3x3x3xf32, #effai.encoding<value = #effai.float>>) -> tensor<1x4x6x6xf32>
  return
}

// -----
func.func @weight_rank(%x: tensor<1x3x8x8xf32>, %w: !effai.weight<4x27xf32, #effai.encoding<value = #effai.float>>) {
  // expected-error @+1 {{weight must be 4-D OIHW, got rank 2}}
  %y = effai.conv2d %x, %w : (tensor<1x3x8x8xf32>, !effai.weight<4x27xf32, #effai.encoding<value = #effai.float>>) -> tensor<1x4x6x6xf32>
  return
}

// -----
func.func @result_rank(%x: tensor<1x3x8x8xf32>, %w: !effai.weight<4x3x3x3xf32, #effai.encoding<value = #effai.float>>) {
  // expected-error @+1 {{result must be 4-D NCHW, got 'tensor<4x36xf32>'}}
  %y = effai.conv2d %x, %w : (tensor<1x3x8x8xf32>, !effai.weight<4x3x3x3xf32, #effai.encoding<value = #effai.float>>) -> tensor<4x36xf32>
  return
}

// -----
func.func @strides(%x: tensor<1x3x8x8xf32>, %w: !effai.weight<4x3x3x3xf32, #effai.encoding<value = #effai.float>>) {
  // expected-error @+1 {{strides must be 2 positive values}}
  %y = effai.conv2d %x, %w {strides = array<i64: 0, 1>} : (tensor<1x3x8x8xf32>, !effai.weight<4x3x3x3xf32, #effai.encoding<value = #effai.float>>) -> tensor<1x4x6x6xf32>
  return
}

// -----
func.func @dilations(%x: tensor<1x3x8x8xf32>, %w: !effai.weight<4x3x3x3xf32, #effai.encoding<value = #effai.float>>) {
  // expected-error @+1 {{dilations must be 2 positive values}}
  %y = effai.conv2d %x, %w {dilations = array<i64: 1, 1, 1>} : (tensor<1x3x8x8xf32>, !effai.weight<4x3x3x3xf32, #effai.encoding<value = #effai.float>>) -> tensor<1x4x6x6xf32>
  return
}

// -----
func.func @pads(%x: tensor<1x3x8x8xf32>, %w: !effai.weight<4x3x3x3xf32, #effai.encoding<value = #effai.float>>) {
  // expected-error @+1 {{pads must be 4 non-negative values [top, left, bottom, right]}}
  %y = effai.conv2d %x, %w {pads = array<i64: 1, 1, -1, 1>} : (tensor<1x3x8x8xf32>, !effai.weight<4x3x3x3xf32, #effai.encoding<value = #effai.float>>) -> tensor<1x4x6x6xf32>
  return
}

// -----
func.func @groups_zero(%x: tensor<1x3x8x8xf32>, %w: !effai.weight<4x3x3x3xf32, #effai.encoding<value = #effai.float>>) {
  // expected-error @+1 {{groups must be positive, got 0}}
  %y = effai.conv2d %x, %w {groups = 0} : (tensor<1x3x8x8xf32>, !effai.weight<4x3x3x3xf32, #effai.encoding<value = #effai.float>>) -> tensor<1x4x6x6xf32>
  return
}

// -----
func.func @groups_outputs(%x: tensor<1x6x8x8xf32>, %w: !effai.weight<4x2x3x3xf32, #effai.encoding<value = #effai.float>>) {
  // expected-error @+1 {{output channels 4 are not divisible by groups 3}}
  %y = effai.conv2d %x, %w {groups = 3} : (tensor<1x6x8x8xf32>, !effai.weight<4x2x3x3xf32, #effai.encoding<value = #effai.float>>) -> tensor<1x4x6x6xf32>
  return
}

// -----
func.func @channels(%x: tensor<1x4x8x8xf32>, %w: !effai.weight<4x3x3x3xf32, #effai.encoding<value = #effai.float>>) {
  // expected-error @+1 {{input has 4 channels but the weight expects 3 x 1 groups}}
  %y = effai.conv2d %x, %w : (tensor<1x4x8x8xf32>, !effai.weight<4x3x3x3xf32, #effai.encoding<value = #effai.float>>) -> tensor<1x4x6x6xf32>
  return
}

// -----
func.func @window_too_large(%x: tensor<1x3x2x2xf32>, %w: !effai.weight<4x3x3x3xf32, #effai.encoding<value = #effai.float>>) {
  // expected-error @+1 {{the 3x3 window (with dilation) is larger than the padded input}}
  %y = effai.conv2d %x, %w : (tensor<1x3x2x2xf32>, !effai.weight<4x3x3x3xf32, #effai.encoding<value = #effai.float>>) -> tensor<1x4x1x1xf32>
  return
}

// -----
// (8 + 1 + 1 - 3) / 2 + 1 = 4 output rows.
func.func @output_size(%x: tensor<1x3x8x8xf32>, %w: !effai.weight<4x3x3x3xf32, #effai.encoding<value = #effai.float>>) {
  // expected-error @+1 {{result dimension 2 is 5, expected 4}}
  %y = effai.conv2d %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x8x8xf32>, !effai.weight<4x3x3x3xf32, #effai.encoding<value = #effai.float>>) -> tensor<1x4x5x4xf32>
  return
}

// -----
func.func @output_channels(%x: tensor<1x3x8x8xf32>, %w: !effai.weight<4x3x3x3xf32, #effai.encoding<value = #effai.float>>) {
  // expected-error @+1 {{result dimension 1 is 5, expected 4}}
  %y = effai.conv2d %x, %w : (tensor<1x3x8x8xf32>, !effai.weight<4x3x3x3xf32, #effai.encoding<value = #effai.float>>) -> tensor<1x5x6x6xf32>
  return
}

// -----
func.func @conv_bias(%x: tensor<1x3x8x8xf32>, %w: !effai.weight<4x3x3x3xf32, #effai.encoding<value = #effai.float>>, %b: tensor<3xf32>) {
  // expected-error @+1 {{bias must be [4], got 'tensor<3xf32>'}}
  %y = effai.conv2d %x, %w, %b : (tensor<1x3x8x8xf32>, !effai.weight<4x3x3x3xf32, #effai.encoding<value = #effai.float>>, tensor<3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----
func.func @depthwise_filter_channels(%x: tensor<1x4x8x8xf32>, %w: !effai.weight<4x2x3x3xf32, #effai.encoding<value = #effai.float>>) {
  // expected-error @+1 {{depthwise weight must be [C*multiplier, 1, KH, KW], got 2 input channels per filter}}
  %y = effai.depthwise_conv2d %x, %w : (tensor<1x4x8x8xf32>, !effai.weight<4x2x3x3xf32, #effai.encoding<value = #effai.float>>) -> tensor<1x4x6x6xf32>
  return
}

// -----
func.func @depthwise_multiplier(%x: tensor<1x4x8x8xf32>, %w: !effai.weight<6x1x3x3xf32, #effai.encoding<value = #effai.float>>) {
  // expected-error @+1 {{depthwise output channels 6 must be a multiple of the input channels 4}}
  %y = effai.depthwise_conv2d %x, %w : (tensor<1x4x8x8xf32>, !effai.weight<6x1x3x3xf32, #effai.encoding<value = #effai.float>>) -> tensor<1x6x6x6xf32>
  return
}

// -----
func.func @depthwise_element(%x: tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1>>, %w: !effai.weight<4x1x3x3xf32, #effai.encoding<value = #effai.float>>) {
  // expected-error @+1 {{quantized input needs an integer weight encoding}}
  %y = effai.depthwise_conv2d %x, %w : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1>>, !effai.weight<4x1x3x3xf32, #effai.encoding<value = #effai.float>>) -> tensor<1x4x6x6xf32>
  return
}
