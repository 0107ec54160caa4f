// Every verifier error of the effai ops.
// RUN: %effai_opt %s -split-input-file -verify-diagnostics

func.func @pack_values_type(%v: tensor<16x64xi8>) {
  // expected-error @+1 {{values payload must be 'tensor<16x32xi8>' for this encoding, got 'tensor<16x64xi8>'}}
  %w = effai.pack %v : tensor<16x64xi8> -> !effai.weight<16x64xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.1>>, sparsity = #effai.nm<2:4>>>
  return
}

// -----
func.func @pack_unexpected_indices(%v: tensor<4x4xf32>, %i: tensor<4xi32>) {
  // expected-error @+1 {{stores no indices, but an indices payload was given}}
  %w = effai.pack %v indices(%i : tensor<4xi32>) : tensor<4x4xf32> -> !effai.weight<4x4xf32, #effai.encoding<value = #effai.float>>
  return
}

// -----
func.func @pack_missing_indices(%v: tensor<2x4xf32>) {
  // expected-error @+1 {{encoding needs an indices payload of type 'tensor<2xi32>'}}
  %w = effai.pack %v : tensor<2x4xf32> -> !effai.weight<4x4xf32, #effai.encoding<value = #effai.float, sparsity = #effai.channel<kept = 2>>>
  return
}

// -----
// N:M positions are 2-bit fields for M = 4: 16 x 32 kept weights, 128 bytes.
func.func @pack_nm_indices_unpacked(%v: tensor<16x32xf32>, %i: tensor<16x32xi8>) {
  // expected-error @+1 {{indices payload must be 'tensor<128xi8>' for this encoding, got 'tensor<16x32xi8>'}}
  %w = effai.pack %v indices(%i : tensor<16x32xi8>) : tensor<16x32xf32> -> !effai.weight<16x64xf32, #effai.encoding<value = #effai.float, sparsity = #effai.nm<2:4>>>
  return
}

// -----
// 10 relative indices of 4 bits: 5 bytes.
func.func @pack_delta_indices(%v: tensor<10xf32>, %i: tensor<10xi8>) {
  // expected-error @+1 {{indices payload must be 'tensor<5xi8>' for this encoding, got 'tensor<10xi8>'}}
  %w = effai.pack %v indices(%i : tensor<10xi8>) : tensor<10xf32> -> !effai.weight<8x8xf32, #effai.encoding<value = #effai.float, sparsity = #effai.delta<nnz = 10, bits = 4>>>
  return
}

// -----
func.func @pack_indices_type(%v: tensor<3xf32>, %i: tensor<3x2xi64>) {
  // expected-error @+1 {{indices payload must be 'tensor<3x2xi32>' for this encoding, got 'tensor<3x2xi64>'}}
  %w = effai.pack %v indices(%i : tensor<3x2xi64>) : tensor<3xf32> -> !effai.weight<4x4xf32, #effai.encoding<value = #effai.float, sparsity = #effai.unstructured<nnz = 3>>>
  return
}

// -----
func.func @pack_pow2_terms(%v: tensor<4x4xi8>) {
  // expected-error @+1 {{values payload must be 'tensor<4x4x2xi8>'}}
  %w = effai.pack %v : tensor<4x4xi8> -> !effai.weight<4x4xf32, #effai.encoding<value = #effai.pow2<terms = 2, bits = 4, min_exp = -7, max_exp = -1>>>
  return
}

// -----
func.func @unpack_type(%w: !effai.weight<4x4xf32, #effai.encoding<value = #effai.float>>) {
  // expected-error @+1 {{result must be the weight's logical type 'tensor<4x4xf32>', got 'tensor<4x4xf16>'}}
  %d = effai.unpack %w : !effai.weight<4x4xf32, #effai.encoding<value = #effai.float>> -> tensor<4x4xf16>
  return
}

// -----
func.func @linear_weight_rank(%x: tensor<2x8xf32>, %w: !effai.weight<4x2x4xf32, #effai.encoding<value = #effai.float>>) {
  // expected-error @+1 {{weight must be 2-D [N, K], got rank 3}}
  %y = effai.linear %x, %w : (tensor<2x8xf32>, !effai.weight<4x2x4xf32, #effai.encoding<value = #effai.float>>) -> tensor<2x4xf32>
  return
}

// -----
func.func @linear_scalar_input(%x: tensor<f32>, %w: !effai.weight<4x8xf32, #effai.encoding<value = #effai.float>>) {
  // expected-error @+1 {{input must have rank >= 1}}
  %y = effai.linear %x, %w : (tensor<f32>, !effai.weight<4x8xf32, #effai.encoding<value = #effai.float>>) -> tensor<4xf32>
  return
}

// -----
func.func @linear_features(%x: tensor<2x7xf32>, %w: !effai.weight<4x8xf32, #effai.encoding<value = #effai.float>>) {
  // expected-error @+1 {{input has 7 features but the weight expects 8}}
  %y = effai.linear %x, %w : (tensor<2x7xf32>, !effai.weight<4x8xf32, #effai.encoding<value = #effai.float>>) -> tensor<2x4xf32>
  return
}

// -----
func.func @linear_result_rank(%x: tensor<2x8xf32>, %w: !effai.weight<4x8xf32, #effai.encoding<value = #effai.float>>) {
  // expected-error @+1 {{result rank 1 differs from input rank 2}}
  %y = effai.linear %x, %w : (tensor<2x8xf32>, !effai.weight<4x8xf32, #effai.encoding<value = #effai.float>>) -> tensor<4xf32>
  return
}

// -----
func.func @linear_batch(%x: tensor<2x8xf32>, %w: !effai.weight<4x8xf32, #effai.encoding<value = #effai.float>>) {
  // expected-error @+1 {{result dimension 0 is 3, expected 2}}
  %y = effai.linear %x, %w : (tensor<2x8xf32>, !effai.weight<4x8xf32, #effai.encoding<value = #effai.float>>) -> tensor<3x4xf32>
  return
}

// -----
func.func @linear_outputs(%x: tensor<2x8xf32>, %w: !effai.weight<4x8xf32, #effai.encoding<value = #effai.float>>) {
  // expected-error @+1 {{result has 5 features but the weight produces 4}}
  %y = effai.linear %x, %w : (tensor<2x8xf32>, !effai.weight<4x8xf32, #effai.encoding<value = #effai.float>>) -> tensor<2x5xf32>
  return
}

// -----
func.func @linear_bias_shape(%x: tensor<2x8xf32>, %w: !effai.weight<4x8xf32, #effai.encoding<value = #effai.float>>, %b: tensor<8xf32>) {
  // expected-error @+1 {{bias must be [4], got 'tensor<8xf32>'}}
  %y = effai.linear %x, %w, %b : (tensor<2x8xf32>, !effai.weight<4x8xf32, #effai.encoding<value = #effai.float>>, tensor<8xf32>) -> tensor<2x4xf32>
  return
}

// -----
func.func @input_element(%x: tensor<2x8xf16>, %w: !effai.weight<4x8xf32, #effai.encoding<value = #effai.float>>) {
  // expected-error @+1 {{input element type 'f16' does not match the weight element type 'f32'}}
  %y = effai.linear %x, %w : (tensor<2x8xf16>, !effai.weight<4x8xf32, #effai.encoding<value = #effai.float>>) -> tensor<2x4xf32>
  return
}

// -----
func.func @quantized_input_float_weight(%x: tensor<2x8x!quant.uniform<i8:f32, 0.1>>, %w: !effai.weight<4x8xf32, #effai.encoding<value = #effai.float>>) {
  // expected-error @+1 {{quantized input needs an integer weight encoding (affine or pow2), got #effai.float}}
  %y = effai.linear %x, %w : (tensor<2x8x!quant.uniform<i8:f32, 0.1>>, !effai.weight<4x8xf32, #effai.encoding<value = #effai.float>>) -> tensor<2x4xf32>
  return
}

// -----
func.func @result_element(%x: tensor<2x8xf32>, %w: !effai.weight<4x8xf32, #effai.encoding<value = #effai.float>>) {
  // expected-error @+1 {{result element type 'bf16' does not match the weight element type 'f32'}}
  %y = effai.linear %x, %w : (tensor<2x8xf32>, !effai.weight<4x8xf32, #effai.encoding<value = #effai.float>>) -> tensor<2x4xbf16>
  return
}

// -----
func.func @quantized_result_float_input(%x: tensor<2x8xf32>, %w: !effai.weight<4x8xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.1>>>>) {
  // expected-error @+1 {{a quantized result needs a quantized input, got 'f32'}}
  %y = effai.linear %x, %w : (tensor<2x8xf32>, !effai.weight<4x8xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.1>>>>) -> tensor<2x4x!quant.uniform<i8:f32, 0.2>>
  return
}

// -----
func.func @bias_element(%x: tensor<2x8xf32>, %w: !effai.weight<4x8xf32, #effai.encoding<value = #effai.float>>, %b: tensor<4xf16>) {
  // expected-error @+1 {{bias element type 'f16' does not match the weight element type 'f32'}}
  %y = effai.linear %x, %w, %b : (tensor<2x8xf32>, !effai.weight<4x8xf32, #effai.encoding<value = #effai.float>>, tensor<4xf16>) -> tensor<2x4xf32>
  return
}

// -----
func.func @quantized_bias_float_input(%x: tensor<2x8xf32>, %w: !effai.weight<4x8xf32, #effai.encoding<value = #effai.float>>, %b: tensor<4x!quant.uniform<i32:f32, 0.01>>) {
  // expected-error @+1 {{a quantized bias needs a quantized input}}
  %y = effai.linear %x, %w, %b : (tensor<2x8xf32>, !effai.weight<4x8xf32, #effai.encoding<value = #effai.float>>, tensor<4x!quant.uniform<i32:f32, 0.01>>) -> tensor<2x4xf32>
  return
}

// -----
func.func @quantized_bias_width(%x: tensor<2x8x!quant.uniform<i8:f32, 0.1>>, %w: !effai.weight<4x8xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.1>>>>, %b: tensor<4x!quant.uniform<i8:f32, 0.01>>) {
  // expected-error @+1 {{a quantized bias must have 32-bit storage, got '!quant.uniform<i8:f32, 1.000000e-02>'}}
  %y = effai.linear %x, %w, %b : (tensor<2x8x!quant.uniform<i8:f32, 0.1>>, !effai.weight<4x8xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.1>>>>, tensor<4x!quant.uniform<i8:f32, 0.01>>) -> tensor<2x4xf32>
  return
}

// -----
func.func @requantize_expressed(%x: tensor<4x!quant.uniform<i32:f32, 0.1>>) {
  // expected-error @+1 {{input expresses 'f32' but the result expresses 'f16'}}
  %y = effai.requantize %x : tensor<4x!quant.uniform<i32:f32, 0.1>> -> tensor<4x!quant.uniform<i8:f16, 0.1>>
  return
}

// -----
func.func @requantize_any(%x: tensor<4x!quant.any<i32:f32>>) {
  // expected-error @+1 {{needs !quant.uniform types, got '!quant.any<i32:f32>'}}
  %y = effai.requantize %x : tensor<4x!quant.any<i32:f32>> -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----
func.func @requantize_axis(%x: tensor<4x!quant.uniform<i32:f32, 0.1>>) {
  // expected-error @+1 {{quantized dimension 1 is out of range for rank 1}}
  %y = effai.requantize %x : tensor<4x!quant.uniform<i32:f32, 0.1>> -> tensor<4x!quant.uniform<i8:f32:1, {0.1, 0.2}>>
  return
}

// -----
func.func @requantize_shape(%x: tensor<4x!quant.uniform<i32:f32, 0.1>>) {
  // expected-error @+1 {{requires the same shape for all operands and results}}
  %y = effai.requantize %x : tensor<4x!quant.uniform<i32:f32, 0.1>> -> tensor<5x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----
// Focused codes are not multiples of one integer unit (the centres are
// arbitrary): no integer-only arithmetic.
func.func @focused_quantized_input(%x: tensor<1x4x!quant.uniform<u8:f32, 0.1:128>>, %v: tensor<2x4xi8>) {
  // expected-error @+2 {{quantized input needs an integer weight encoding (affine or pow2), got #effai.focused<bits = 4, min_exp = -2, max_exp = 0, centres = [5.000000e-01], scales = [2.500000e-01]>}}
  %w = effai.pack %v : tensor<2x4xi8> -> !effai.weight<2x4xf32, #effai.encoding<value = #effai.focused<bits = 4, min_exp = -2, max_exp = 0, centres = [0.5], scales = [0.25]>>>
  %y = effai.linear %x, %w : (tensor<1x4x!quant.uniform<u8:f32, 0.1:128>>, !effai.weight<2x4xf32, #effai.encoding<value = #effai.focused<bits = 4, min_exp = -2, max_exp = 0, centres = [0.5], scales = [0.25]>>>) -> tensor<1x2x!quant.uniform<u8:f32, 0.2:128>>
  return
}
