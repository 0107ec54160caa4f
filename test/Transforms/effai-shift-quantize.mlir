// RUN: %effai_opt %s --split-input-file --effai-shift-quantize="terms=1 bits=4" | FileCheck %s --check-prefix=ONE
// RUN: %effai_opt %s --split-input-file --effai-shift-quantize="terms=2 bits=4 per-channel=false" | FileCheck %s --check-prefix=TWO
// RUN: %effai_opt %s --split-input-file --effai-prune="mode=nm n=2 m=4" --effai-shift-quantize="terms=1 bits=3 focused" | FileCheck %s --check-prefix=FOCUS
// RUN: %effai_opt %s --split-input-file --effai-shift-quantize="terms=1 bits=4" --canonicalize | FileCheck %s --check-prefix=DECODED
// RUN: not %effai_opt %s --effai-shift-quantize="terms=3" 2>&1 | FileCheck %s --check-prefix=ERR

// Rows [0.5, -1, 0.26, 4] (scale 4) and [3, -0.75, 0, -6] (scale 6).
// Normalized: [0.125, -0.25, 0.065, 1] -> 2^-3, -2^-2, 2^-4, 2^0: codes
// (min_exp -6) 4, -5, 3, 7; [0.5, -0.125, 0, -1] -> 6, -4, 0, -7.
// ONE: #[[ENC:.*]] = #effai.encoding<value = #effai.pow2<terms = 1, bits = 4, min_exp = -6, max_exp = 0, scales = [4.000000e+00, 6.000000e+00]>>
// ONE-LABEL: func.func @linear
// ONE: %[[C:.*]] = arith.constant dense<{{\[}}[4, -5, 3, 7], [6, -4, 0, -7]]> : tensor<2x4xi8>
// ONE: effai.pack %[[C]] : tensor<2x4xi8> -> !effai.weight<2x4xf32, #[[ENC]]>
// Per tensor (scale 6), two terms: 0.5 / 6 = 0.0833 -> 2^-4 (code 3), and
// the rest 0.0208 -> 2^-6 (code 1). 16 codes: a resource blob.
// TWO: #effai.pow2<terms = 2, bits = 4, min_exp = -6, max_exp = 0, scales = [6.000000e+00]>
// TWO: effai.pack %{{.*}} : tensor<2x4x2xi8> -> !effai.weight<2x4xf32
// TWO: pow2_codes: "0x080000000301{{[0-9A-F]+}}"
// Pruned 2:4 then focused: kept [-1, 4] and [3, -6]; normalized 0.25, 1,
// 0.5, 1: the 3-level window is [-2, 0], indices kept.
// FOCUS: #effai.encoding<value = #effai.pow2<terms = 1, bits = 3, min_exp = -2, max_exp = 0, scales = [4.000000e+00, 6.000000e+00]>, sparsity = #effai.nm<2:4>>
// FOCUS: arith.constant dense<{{\[}}[-1, 3], [2, -3]]> : tensor<2x2xi8>
// FOCUS: effai.pack %{{.*}} indices(%{{.*}} : tensor<1xi8>) : tensor<2x2xi8>
// The reference decoder agrees: 4 * 2^-3 = 0.5, 4 * -2^-2 = -1,
// 4 * 2^-4 = 0.25, 4; 6 * 2^-1 = 3, 6 * -2^-3 = -0.75, 0, -6.
// DECODED{LITERAL}: dense<[[5.000000e-01, -1.000000e+00, 2.500000e-01, 4.000000e+00], [3.000000e+00, -7.500000e-01, 0.000000e+00, -6.000000e+00]]>
// ERR: error: effai-shift-quantize: need terms in {1, 2} and bits in [2, 8], got terms = 3, bits = 4
func.func @linear(%x: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %v = arith.constant dense<[[0.5, -1.0, 0.26, 4.0], [3.0, -0.75, 0.0, -6.0]]> : tensor<2x4xf32>
  %w = effai.pack %v : tensor<2x4xf32> -> !effai.weight<2x4xf32, #effai.encoding<value = #effai.float>>
  %d = effai.unpack %w : !effai.weight<2x4xf32, #effai.encoding<value = #effai.float>> -> tensor<2x4xf32>
  return %d : tensor<2x4xf32>
}
