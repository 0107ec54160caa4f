// Folders and canonicalizations: unpack of a constant payload decodes it
// (the reference semantics of each encoding), identities fold away, and
// invalid payloads are left alone rather than crashing.
// RUN: %effai_opt %s -canonicalize -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @unpack_dense_float_folds
// CHECK-SAME: (%[[V:.*]]: tensor<4x4xf32>)
// CHECK-NEXT: return %[[V]]
func.func @unpack_dense_float_folds(%v: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %w = effai.pack %v : tensor<4x4xf32> -> !effai.weight<4x4xf32, #effai.encoding<value = #effai.float>>
  %d = effai.unpack %w : !effai.weight<4x4xf32, #effai.encoding<value = #effai.float>> -> tensor<4x4xf32>
  return %d : tensor<4x4xf32>
}

// -----
// A sparse payload that is not constant must stay packed.
// CHECK-LABEL: func.func @unpack_sparse_runtime_payload
// CHECK: effai.pack
// CHECK: effai.unpack
func.func @unpack_sparse_runtime_payload(%v: tensor<4x2xf32>, %i: tensor<2xi8>) -> tensor<4x4xf32> {
  %w = effai.pack %v indices(%i : tensor<2xi8>) : tensor<4x2xf32> -> !effai.weight<4x4xf32, #effai.encoding<value = #effai.float, sparsity = #effai.nm<2:4>>>
  %d = effai.unpack %w : !effai.weight<4x4xf32, #effai.encoding<value = #effai.float, sparsity = #effai.nm<2:4>>> -> tensor<4x4xf32>
  return %d : tensor<4x4xf32>
}

// -----
// w = 0.5 * (q - 1)
// CHECK-LABEL: func.func @decode_affine_per_tensor
// CHECK: arith.constant dense<{{\[}}[1.000000e+00, -1.000000e+00], [0.000000e+00, 5.000000e-01]]> : tensor<2x2xf32>
// CHECK-NOT: effai.
func.func @decode_affine_per_tensor() -> tensor<2x2xf32> {
  %v = arith.constant dense<[[3, -1], [1, 2]]> : tensor<2x2xi8>
  %w = effai.pack %v : tensor<2x2xi8> -> !effai.weight<2x2xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.5:1>>>>
  %d = effai.unpack %w : !effai.weight<2x2xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.5:1>>>> -> tensor<2x2xf32>
  return %d : tensor<2x2xf32>
}

// -----
// Unsigned 4-bit codes (9 and 11 would be negative if read as signed), one
// scale and zero point per output channel: row 0 is 0.5*(q-8), row 1 0.25*(q-7).
// CHECK-LABEL: func.func @decode_affine_per_channel_u4
// CHECK: arith.constant dense<{{\[}}[5.000000e-01, 0.000000e+00], [0.000000e+00, 1.000000e+00]]> : tensor<2x2xf32>
func.func @decode_affine_per_channel_u4() -> tensor<2x2xf32> {
  %v = arith.constant dense<[[9, 8], [7, 11]]> : tensor<2x2xi4>
  %w = effai.pack %v : tensor<2x2xi4> -> !effai.weight<2x2xf32, #effai.encoding<value = #effai.affine<!quant.uniform<u4:f32:0, {0.5:8, 0.25:7}>>>>
  %d = effai.unpack %w : !effai.weight<2x2xf32, #effai.encoding<value = #effai.affine<!quant.uniform<u4:f32:0, {0.5:8, 0.25:7}>>>> -> tensor<2x2xf32>
  return %d : tensor<2x2xf32>
}

// -----
// 2:4 sparsity: each group of 4 keeps 2 values at the stored positions.
// CHECK-LABEL: func.func @decode_nm
// CHECK: arith.constant dense<{{\[}}[1.000000e+00, 0.000000e+00, 0.000000e+00, 2.000000e+00, 0.000000e+00, 3.000000e+00, 4.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00, 8.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<2x8xf32>
func.func @decode_nm() -> tensor<2x8xf32> {
  %v = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]> : tensor<2x4xf32>
  // Positions 0, 3, 1, 2, 2, 3, 0, 1 as 2-bit fields, least significant
  // first: 0b10'01'11'00 = 156 (-100 as i8), 0b01'00'11'10 = 78.
  %i = arith.constant dense<[-100, 78]> : tensor<2xi8>
  %w = effai.pack %v indices(%i : tensor<2xi8>) : tensor<2x4xf32> -> !effai.weight<2x8xf32, #effai.encoding<value = #effai.float, sparsity = #effai.nm<2:4>>>
  %d = effai.unpack %w : !effai.weight<2x8xf32, #effai.encoding<value = #effai.float, sparsity = #effai.nm<2:4>>> -> tensor<2x8xf32>
  return %d : tensor<2x8xf32>
}

// -----
// Two-term power-of-two codes: k means 2^(min_exp + k - 1) = 2^(k-3); the
// sign of the code is the sign of the term; row scales 1.0 and 0.5.
// Row 0: 2^0 + 2^-2 = 1.25 and -2^1 = -2; row 1: 0 and 0.5*(2^-1 - 2^-2).
// CHECK-LABEL: func.func @decode_pow2_two_terms
// CHECK: arith.constant dense<{{\[}}[1.250000e+00, -2.000000e+00], [0.000000e+00, 1.250000e-01]]> : tensor<2x2xf32>
func.func @decode_pow2_two_terms() -> tensor<2x2xf32> {
  %v = arith.constant dense<[[[3, 1], [-4, 0]], [[0, 0], [2, -1]]]> : tensor<2x2x2xi8>
  %w = effai.pack %v : tensor<2x2x2xi8> -> !effai.weight<2x2xf32, #effai.encoding<value = #effai.pow2<terms = 2, bits = 4, min_exp = -2, max_exp = 1, scales = [1.0, 0.5]>>>
  %d = effai.unpack %w : !effai.weight<2x2xf32, #effai.encoding<value = #effai.pow2<terms = 2, bits = 4, min_exp = -2, max_exp = 1, scales = [1.0, 0.5]>>> -> tensor<2x2xf32>
  return %d : tensor<2x2xf32>
}

// -----
// One kept 1x2 block at block coordinate (1, 1) of a 2x4 weight.
// CHECK-LABEL: func.func @decode_block
// CHECK: arith.constant dense<{{\[}}[0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 1.500000e+00, 2.500000e+00]]> : tensor<2x4xf32>
func.func @decode_block() -> tensor<2x4xf32> {
  %v = arith.constant dense<[[[1.5, 2.5]]]> : tensor<1x1x2xf32>
  %i = arith.constant dense<[[1, 1]]> : tensor<1x2xi32>
  %w = effai.pack %v indices(%i : tensor<1x2xi32>) : tensor<1x1x2xf32> -> !effai.weight<2x4xf32, #effai.encoding<value = #effai.float, sparsity = #effai.block<[1, 2], blocks = 1>>>
  %d = effai.unpack %w : !effai.weight<2x4xf32, #effai.encoding<value = #effai.float, sparsity = #effai.block<[1, 2], blocks = 1>>> -> tensor<2x4xf32>
  return %d : tensor<2x4xf32>
}

// -----
// Only output channel 2 is kept; f16 weights stay f16.
// CHECK-LABEL: func.func @decode_channel_f16
// CHECK: arith.constant dense<{{\[}}[0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [4.000000e+00, 5.000000e+00]]> : tensor<3x2xf16>
func.func @decode_channel_f16() -> tensor<3x2xf16> {
  %v = arith.constant dense<[[4.0, 5.0]]> : tensor<1x2xf16>
  %i = arith.constant dense<[2]> : tensor<1xi32>
  %w = effai.pack %v indices(%i : tensor<1xi32>) : tensor<1x2xf16> -> !effai.weight<3x2xf16, #effai.encoding<value = #effai.float, sparsity = #effai.channel<kept = 1>>>
  %d = effai.unpack %w : !effai.weight<3x2xf16, #effai.encoding<value = #effai.float, sparsity = #effai.channel<kept = 1>>> -> tensor<3x2xf16>
  return %d : tensor<3x2xf16>
}

// -----
// Unstructured int8: 0.25 * 4 at (0, 2) and 0.25 * -8 at (1, 0).
// CHECK-LABEL: func.func @decode_unstructured_int8
// CHECK: arith.constant dense<{{\[}}[0.000000e+00, 0.000000e+00, 1.000000e+00], [-2.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<2x3xf32>
func.func @decode_unstructured_int8() -> tensor<2x3xf32> {
  %v = arith.constant dense<[4, -8]> : tensor<2xi8>
  %i = arith.constant dense<[[0, 2], [1, 0]]> : tensor<2x2xi32>
  %w = effai.pack %v indices(%i : tensor<2x2xi32>) : tensor<2xi8> -> !effai.weight<2x3xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.25>>, sparsity = #effai.unstructured<nnz = 2>>>
  %d = effai.unpack %w : !effai.weight<2x3xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.25>>, sparsity = #effai.unstructured<nnz = 2>>> -> tensor<2x3xf32>
  return %d : tensor<2x3xf32>
}

// -----
// Payloads whose contents break the encoding are not decoded: a position
// outside its group (3 in a 2:3 group), two weights in one place, a code past
// the exponent range, a relative index past the weight (2 + 3 > 3 positions),
// a bitmap marking 3 weights where 2 are stored.
// CHECK-LABEL: func.func @invalid_payloads_stay
// CHECK-COUNT-5: effai.unpack
func.func @invalid_payloads_stay() -> (tensor<1x3xf32>, tensor<2x2xf32>, tensor<1x2xf32>, tensor<1x3xf32>, tensor<1x3xf32>) {
  %v = arith.constant dense<[[1.0, 2.0]]> : tensor<1x2xf32>
  %bad_pos = arith.constant dense<12> : tensor<1xi8>
  %w0 = effai.pack %v indices(%bad_pos : tensor<1xi8>) : tensor<1x2xf32> -> !effai.weight<1x3xf32, #effai.encoding<value = #effai.float, sparsity = #effai.nm<2:3>>>
  %d0 = effai.unpack %w0 : !effai.weight<1x3xf32, #effai.encoding<value = #effai.float, sparsity = #effai.nm<2:3>>> -> tensor<1x3xf32>
  %v1 = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %dup = arith.constant dense<[[1, 1], [1, 1]]> : tensor<2x2xi32>
  %w1 = effai.pack %v1 indices(%dup : tensor<2x2xi32>) : tensor<2xf32> -> !effai.weight<2x2xf32, #effai.encoding<value = #effai.float, sparsity = #effai.unstructured<nnz = 2>>>
  %d1 = effai.unpack %w1 : !effai.weight<2x2xf32, #effai.encoding<value = #effai.float, sparsity = #effai.unstructured<nnz = 2>>> -> tensor<2x2xf32>
  %codes = arith.constant dense<[[1, 8]]> : tensor<1x2xi8>
  %w2 = effai.pack %codes : tensor<1x2xi8> -> !effai.weight<1x2xf32, #effai.encoding<value = #effai.pow2<terms = 1, bits = 4, min_exp = -7, max_exp = -1>>>
  %d2 = effai.unpack %w2 : !effai.weight<1x2xf32, #effai.encoding<value = #effai.pow2<terms = 1, bits = 4, min_exp = -7, max_exp = -1>>> -> tensor<1x2xf32>
  %far = arith.constant dense<14> : tensor<1xi8>
  %w3 = effai.pack %v1 indices(%far : tensor<1xi8>) : tensor<2xf32> -> !effai.weight<1x3xf32, #effai.encoding<value = #effai.float, sparsity = #effai.delta<nnz = 2, bits = 2>>>
  %d3 = effai.unpack %w3 : !effai.weight<1x3xf32, #effai.encoding<value = #effai.float, sparsity = #effai.delta<nnz = 2, bits = 2>>> -> tensor<1x3xf32>
  %three = arith.constant dense<7> : tensor<1xi8>
  %w4 = effai.pack %v1 indices(%three : tensor<1xi8>) : tensor<2xf32> -> !effai.weight<1x3xf32, #effai.encoding<value = #effai.float, sparsity = #effai.bitmap<nnz = 2>>>
  %d4 = effai.unpack %w4 : !effai.weight<1x3xf32, #effai.encoding<value = #effai.float, sparsity = #effai.bitmap<nnz = 2>>> -> tensor<1x3xf32>
  return %d0, %d1, %d2, %d3, %d4 : tensor<1x3xf32>, tensor<2x2xf32>, tensor<1x2xf32>, tensor<1x3xf32>, tensor<1x3xf32>
}

// CHECK-LABEL: func.func @requantize_identity
// CHECK-SAME: (%[[X:.*]]: tensor<4x!quant.uniform<i8:f32, 1.000000e-01>>)
// CHECK-NEXT: return %[[X]]
func.func @requantize_identity(%x: tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x!quant.uniform<i8:f32, 0.1>> {
  %y = effai.requantize %x : tensor<4x!quant.uniform<i8:f32, 0.1>> -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return %y : tensor<4x!quant.uniform<i8:f32, 0.1>>
}

// -----
// Requantizing to other parameters changes values and must stay.
// CHECK-LABEL: func.func @requantize_kept
// CHECK: effai.requantize
func.func @requantize_kept(%x: tensor<4x!quant.uniform<i32:f32, 0.1>>) -> tensor<4x!quant.uniform<i8:f32, 0.2>> {
  %y = effai.requantize %x : tensor<4x!quant.uniform<i32:f32, 0.1>> -> tensor<4x!quant.uniform<i8:f32, 0.2>>
  return %y : tensor<4x!quant.uniform<i8:f32, 0.2>>
}

// -----
// Quantize after dequantize with equal parameters is the identity (upstream
// quant folder, which effai relies on for activations).
// CHECK-LABEL: func.func @quantize_of_dequantize
// CHECK-SAME: (%[[X:.*]]: tensor<4x!quant.uniform<i8:f32, 1.000000e-01:3>>)
// CHECK-NEXT: return %[[X]]
func.func @quantize_of_dequantize(%x: tensor<4x!quant.uniform<i8:f32, 0.1:3>>) -> tensor<4x!quant.uniform<i8:f32, 0.1:3>> {
  %f = quant.dcast %x : tensor<4x!quant.uniform<i8:f32, 0.1:3>> to tensor<4xf32>
  %q = quant.qcast %f : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.1:3>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.1:3>>
}

// -----
// Relative indices (2 bits): kept positions 1 and 5 of the [2, 3] view.
// Gap 4 exceeds 2^2 - 1, so a filler entry (value 0) sits at position 4:
// deltas 1, 3, 1 = 0b01'11'01 = 29.
// CHECK-LABEL: func.func @decode_delta_with_filler
// CHECK: arith.constant dense<{{\[}}[0.000000e+00, 1.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, -2.000000e+00]]> : tensor<2x3xf32>
// CHECK-NOT: effai.
func.func @decode_delta_with_filler() -> tensor<2x3xf32> {
  %v = arith.constant dense<[4, 0, -8]> : tensor<3xi8>
  %i = arith.constant dense<29> : tensor<1xi8>
  %w = effai.pack %v indices(%i : tensor<1xi8>) : tensor<3xi8> -> !effai.weight<2x3xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.25>>, sparsity = #effai.delta<nnz = 3, bits = 2>>>
  %d = effai.unpack %w : !effai.weight<2x3xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.25>>, sparsity = #effai.delta<nnz = 3, bits = 2>>> -> tensor<2x3xf32>
  return %d : tensor<2x3xf32>
}

// -----
// Bitmap: bits 1, 4, 5 and 8 of the [2, 5] view (bytes 50 and 1).
// CHECK-LABEL: func.func @decode_bitmap
// CHECK: arith.constant dense<{{\[}}[0.000000e+00, 1.000000e+00, 0.000000e+00, 0.000000e+00, 2.000000e+00], [3.000000e+00, 0.000000e+00, 0.000000e+00, 4.000000e+00, 0.000000e+00]]> : tensor<2x5xf32>
// CHECK-NOT: effai.
func.func @decode_bitmap() -> tensor<2x5xf32> {
  %v = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %i = arith.constant dense<[50, 1]> : tensor<2xi8>
  %w = effai.pack %v indices(%i : tensor<2xi8>) : tensor<4xf32> -> !effai.weight<2x5xf32, #effai.encoding<value = #effai.float, sparsity = #effai.bitmap<nnz = 4>>>
  %d = effai.unpack %w : !effai.weight<2x5xf32, #effai.encoding<value = #effai.float, sparsity = #effai.bitmap<nnz = 4>>> -> tensor<2x5xf32>
  return %d : tensor<2x5xf32>
}

// -----
// Focused codes (4 bits: L = 3 offset levels, 2^-2 .. 2^0): the sign is
// the mode (±0.5), |code| - 4 the offset's level (scale 0.25): 4 -> 0.5,
// 5 -> 0.5 + 0.25 * 2^-2, 7 -> 0.5 + 0.25, 1 -> 0.5 - 0.25, -7 -> -0.5 +
// 0.25, 2 -> 0.5 - 0.25 * 2^-1, 0 -> 0.
// CHECK-LABEL: func.func @decode_focused
// CHECK: arith.constant dense<{{\[}}[5.000000e-01, -5.000000e-01, 5.625000e-01, 7.500000e-01], [2.500000e-01, -2.500000e-01, 0.000000e+00, 3.750000e-01]]> : tensor<2x4xf32>
// CHECK-NOT: effai.unpack
func.func @decode_focused() -> tensor<2x4xf32> {
  %v = arith.constant dense<[[4, -4, 5, 7], [1, -7, 0, 2]]> : tensor<2x4xi8>
  %w = effai.pack %v : tensor<2x4xi8> -> !effai.weight<2x4xf32, #effai.encoding<value = #effai.focused<bits = 4, min_exp = -2, max_exp = 0, centres = [0.5], scales = [0.25]>>>
  %d = effai.unpack %w : !effai.weight<2x4xf32, #effai.encoding<value = #effai.focused<bits = 4, min_exp = -2, max_exp = 0, centres = [0.5], scales = [0.25]>>> -> tensor<2x4xf32>
  return %d : tensor<2x4xf32>
}

// -----
// A focused code past 2L + 1 = 7 is not decoded.
// CHECK-LABEL: func.func @focused_code_out_of_range
// CHECK: effai.unpack
func.func @focused_code_out_of_range() -> tensor<1x2xf32> {
  %v = arith.constant dense<[[1, 8]]> : tensor<1x2xi8>
  %w = effai.pack %v : tensor<1x2xi8> -> !effai.weight<1x2xf32, #effai.encoding<value = #effai.focused<bits = 4, min_exp = -2, max_exp = 0, centres = [0.5], scales = [0.25]>>>
  %d = effai.unpack %w : !effai.weight<1x2xf32, #effai.encoding<value = #effai.focused<bits = 4, min_exp = -2, max_exp = 0, centres = [0.5], scales = [0.25]>>> -> tensor<1x2xf32>
  return %d : tensor<1x2xf32>
}
