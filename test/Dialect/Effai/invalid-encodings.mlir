// Every verifier error of the weight formats, encodings and the weight type.
// RUN: %effai_opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{affine weights need a !quant.uniform type, got '!quant.any<i8:f32>'}}
func.func private @f() attributes {a = #effai.affine<!quant.any<i8:f32>>}

// -----
// expected-error @+1 {{affine weights must have 2 to 8 storage bits, got 16}}
func.func private @f() attributes {a = #effai.affine<!quant.uniform<i16:f32, 0.1>>}

// -----
// expected-error @+1 {{power-of-two weights have 1 or 2 terms, got 3}}
func.func private @f() attributes {a = #effai.pow2<terms = 3, bits = 4, min_exp = -7, max_exp = -1>}

// -----
// expected-error @+1 {{power-of-two term codes have 2 to 8 bits, got 9}}
func.func private @f() attributes {a = #effai.pow2<terms = 1, bits = 9, min_exp = -7, max_exp = -1>}

// -----
// expected-error @+1 {{power-of-two exponent range is empty: min_exp 0 > max_exp -1}}
func.func private @f() attributes {a = #effai.pow2<terms = 1, bits = 4, min_exp = 0, max_exp = -1>}

// -----
// One sign bit leaves 2^3 codes, one of them "no term": 7 exponents fit in 4 bits.
// expected-error @+1 {{exponent range [-8, -1] needs 8 levels but 4 bits encode only 7}}
func.func private @f() attributes {a = #effai.pow2<terms = 1, bits = 4, min_exp = -8, max_exp = -1>}

// -----
// expected-error @+1 {{power-of-two scales must not be empty}}
func.func private @f() attributes {a = #effai.pow2<terms = 1, bits = 4, min_exp = -7, max_exp = -1, scales = []>}

// -----
// expected-error @+1 {{power-of-two scales must be positive, got -5.000000e-01}}
func.func private @f() attributes {a = #effai.pow2<terms = 1, bits = 4, min_exp = -7, max_exp = -1, scales = [1.0, -0.5]>}

// -----
// expected-error @+1 {{N:M sparsity needs 2 <= M <= 128, got M = 256}}
func.func private @f() attributes {a = #effai.nm<2:256>}

// -----
// expected-error @+1 {{N:M sparsity needs 1 <= N < M, got 4:4}}
func.func private @f() attributes {a = #effai.nm<4:4>}

// -----
// expected-error @+1 {{block sparsity needs a 2-D block shape [bo, br], got 3 dimensions}}
func.func private @f() attributes {a = #effai.block<[2, 2, 2], blocks = 1>}

// -----
// expected-error @+1 {{block sizes must be positive}}
func.func private @f() attributes {a = #effai.block<[0, 4], blocks = 1>}

// -----
// expected-error @+1 {{block count must not be negative, got -1}}
func.func private @f() attributes {a = #effai.block<[2, 4], blocks = -1>}

// -----
// expected-error @+1 {{kept channel count must not be negative, got -2}}
func.func private @f() attributes {a = #effai.channel<kept = -2>}

// -----
// expected-error @+1 {{non-zero count must not be negative, got -1}}
func.func private @f() attributes {a = #effai.unstructured<nnz = -1>}

// -----
// expected-error @+1 {{weights have rank >= 2 (output channels first), got rank 1}}
func.func private @f() -> !effai.weight<16xf32, #effai.encoding<value = #effai.float>>

// -----
// expected-error @+1 {{weight dimensions must be static and positive, got 0}}
func.func private @f() -> !effai.weight<0x4xf32, #effai.encoding<value = #effai.float>>

// -----
// expected-error @+1 {{affine weight expresses 'f32' but the weight element type is 'f16'}}
func.func private @f() -> !effai.weight<4x4xf16, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.1>>>>

// -----
// expected-error @+1 {{per-axis weight quantization must be along the output-channel dimension 0, got dimension 1}}
func.func private @f() -> !effai.weight<2x2xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32:1, {0.1, 0.2}>>>>

// -----
// expected-error @+1 {{per-axis weight quantization has 2 scales but the weight has 3 output channels}}
func.func private @f() -> !effai.weight<3x2xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32:0, {0.1, 0.2}>>>>

// -----
// expected-error @+1 {{power-of-two weight has 2 scales; expected 1 or one per output channel (3)}}
func.func private @f() -> !effai.weight<3x2xf32, #effai.encoding<value = #effai.pow2<terms = 1, bits = 4, min_exp = -7, max_exp = -1, scales = [1.0, 2.0]>>>

// -----
// The reduction of a 3x3 conv over 3 channels is 27, which groups of 4 do not tile.
// expected-error @+1 {{2:4 sparsity needs M to divide the reduction size 27}}
func.func private @f() -> !effai.weight<8x3x3x3xf32, #effai.encoding<value = #effai.float, sparsity = #effai.nm<2:4>>>

// -----
// expected-error @+1 {{block [4, 4] does not tile the [6, 8] weight view}}
func.func private @f() -> !effai.weight<6x8xf32, #effai.encoding<value = #effai.float, sparsity = #effai.block<[4, 4], blocks = 1>>>

// -----
// expected-error @+1 {{block sparsity keeps 5 blocks but the weight has only 4}}
func.func private @f() -> !effai.weight<8x8xf32, #effai.encoding<value = #effai.float, sparsity = #effai.block<[4, 4], blocks = 5>>>

// -----
// expected-error @+1 {{channel sparsity keeps 9 channels but the weight has only 8}}
func.func private @f() -> !effai.weight<8x8xf32, #effai.encoding<value = #effai.float, sparsity = #effai.channel<kept = 9>>>

// -----
// expected-error @+1 {{unstructured sparsity keeps 65 weights but the weight has only 64}}
func.func private @f() -> !effai.weight<8x8xf32, #effai.encoding<value = #effai.float, sparsity = #effai.unstructured<nnz = 65>>>

// -----
// expected-error @+1 {{delta sparsity keeps 65 weights but the weight has only 64}}
func.func private @f() -> !effai.weight<8x8xf32, #effai.encoding<value = #effai.float, sparsity = #effai.delta<nnz = 65, bits = 4>>>

// -----
// expected-error @+1 {{delta sparsity needs 1 <= bits <= 16, got 17}}
func.func private @f() attributes {a = #effai.delta<nnz = 4, bits = 17>}

// -----
// expected-error @+1 {{delta sparsity needs 1 <= bits <= 16, got 0}}
func.func private @f() attributes {a = #effai.delta<nnz = 4, bits = 0>}

// -----
// expected-error @+1 {{non-zero count must not be negative, got -1}}
func.func private @f() attributes {a = #effai.bitmap<nnz = -1>}

// -----
// expected-error @+1 {{bitmap sparsity keeps 65 weights but the weight has only 64}}
func.func private @f() -> !effai.weight<8x8xf32, #effai.encoding<value = #effai.float, sparsity = #effai.bitmap<nnz = 65>>>

// -----
// expected-error @+1 {{focused codes have 3 to 8 bits, got 2}}
func.func private @f() attributes {a = #effai.focused<bits = 2, min_exp = 0, max_exp = 0, centres = [0.5], scales = [1.0]>}

// -----
// expected-error @+1 {{exponent range [-3, 0] needs 9 offset codes per mode but 4 bits encode only 7}}
func.func private @f() attributes {a = #effai.focused<bits = 4, min_exp = -3, max_exp = 0, centres = [0.5], scales = [1.0]>}

// -----
// expected-error @+1 {{focused exponent range is empty: min_exp 1 > max_exp 0}}
func.func private @f() attributes {a = #effai.focused<bits = 4, min_exp = 1, max_exp = 0, centres = [0.5], scales = [1.0]>}

// -----
// expected-error @+1 {{focused centres must not be negative, got -5.000000e-01}}
func.func private @f() attributes {a = #effai.focused<bits = 4, min_exp = -2, max_exp = 0, centres = [-0.5], scales = [1.0]>}

// -----
// expected-error @+1 {{focused scales must be positive, got 0.000000e+00}}
func.func private @f() attributes {a = #effai.focused<bits = 4, min_exp = -2, max_exp = 0, centres = [0.5], scales = [0.0]>}

// -----
// expected-error @+1 {{focused weights need centres and scales}}
func.func private @f() attributes {a = #effai.focused<bits = 4, min_exp = -2, max_exp = 0, centres = [], scales = [1.0]>}

// -----
// expected-error @+1 {{focused weight has 2 centres; expected 1 or one per output channel (3)}}
func.func private @f() -> !effai.weight<3x2xf32, #effai.encoding<value = #effai.focused<bits = 4, min_exp = -2, max_exp = 0, centres = [0.5, 0.25], scales = [1.0]>>>
