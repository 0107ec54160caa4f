// Rounding to powers of two in value or in log2, and the scale search.
// RUN: %effai_opt %s --effai-shift-quantize="terms=1 bits=3" | FileCheck %s --check-prefix=VALUE
// RUN: %effai_opt %s --effai-shift-quantize="terms=1 bits=3 rounding=log" | FileCheck %s --check-prefix=LOG
// RUN: %effai_opt %s --effai-shift-quantize="terms=1 bits=3 scale=search" | FileCheck %s --check-prefix=SEARCH
// RUN: %effai_opt %s --effai-quantize="weight-bits=2 scale=search" | FileCheck %s --check-prefix=INT2
// RUN: not %effai_opt %s --effai-shift-quantize="rounding=nearest" 2>&1 | FileCheck %s --check-prefix=ERR-ROUNDING
// RUN: not %effai_opt %s --effai-shift-quantize="scale=mse" 2>&1 | FileCheck %s --check-prefix=ERR-SCALE
// RUN: not %effai_opt %s --effai-quantize="scale=mse" 2>&1 | FileCheck %s --check-prefix=ERR-QSCALE

// w = [1, 0.72, 0.36, 0.2], scale 1 (the largest), 3 levels: 2^-2, 2^-1,
// 2^0 (codes 1-3).
// In value, 0.72 is nearer 0.5 than 1 and 0.36 nearer 0.25 than 0.5.
// VALUE: #effai.pow2<terms = 1, bits = 3, min_exp = -2, max_exp = 0, scales = [1.000000e+00]>
// VALUE: arith.constant dense<{{\[}}[3, 2, 1, 1]]> : tensor<1x4xi8>
// In log2, -0.47 rounds to 0 and -1.47 to -1: 0.72 -> 1, 0.36 -> 0.5.
// LOG: arith.constant dense<{{\[}}[3, 3, 2, 1]]> : tensor<1x4xi8>
// Searching 2^(k/16): k = -4 (0.841) reconstructs best, as [0.841, 0.841,
// 0.420, 0.210] (squared error 0.0437 against 0.0783 at scale 1).
// SEARCH: #effai.pow2<terms = 1, bits = 3, min_exp = -2, max_exp = 0, scales = [0.8408964152537145]>
// SEARCH: arith.constant dense<{{\[}}[3, 3, 2, 1]]> : tensor<1x4xi8>
// Ternary (int2: codes -1..1) with scale max|w| = 1 keeps only 1 and 0.72
// (error 0.248); clipped to 0.86 the error is 0.209.
// INT2: !quant.uniform<i2:f32:0, {8.6{{0*}}e-01}>
// INT2: arith.constant dense<{{\[}}[1, 1, 0, 0]]> : tensor<1x4xi2>
// ERR-ROUNDING: error: effai-shift-quantize: rounding must be value or log, got 'nearest'
// ERR-SCALE: error: effai-shift-quantize: scale must be max or search, got 'mse'
// ERR-QSCALE: error: effai-quantize: scale must be max or search, got 'mse'
func.func @weights() -> tensor<1x4xf32> {
  %v = arith.constant dense<[[1.0, 0.72, 0.36, 0.2]]> : tensor<1x4xf32>
  %w = effai.pack %v : tensor<1x4xf32> -> !effai.weight<1x4xf32, #effai.encoding<value = #effai.float>>
  %d = effai.unpack %w : !effai.weight<1x4xf32, #effai.encoding<value = #effai.float>> -> tensor<1x4xf32>
  return %d : tensor<1x4xf32>
}
