// RUN: %effai_opt %s --effai-focused-quantize | FileCheck %s
// RUN: %effai_opt %s --effai-focused-quantize --canonicalize | FileCheck %s --check-prefix=DECODED
// RUN: %effai_opt %s --effai-prune="sparsity=0.5" --effai-focused-quantize="bits=3" | FileCheck %s --check-prefix=PRUNED
// RUN: not %effai_opt %s --effai-focused-quantize="bits=2" 2>&1 | FileCheck %s --check-prefix=ERR-BITS
// RUN: not %effai_opt %s --effai-focused-quantize="rounding=up" 2>&1 | FileCheck %s --check-prefix=ERR-ROUNDING
// RUN: not %effai_opt %s --effai-focused-quantize="scale=mse" 2>&1 | FileCheck %s --check-prefix=ERR-SCALE

// Row 0, [0.625, -0.375, 0.5625, -0.4375]: the modes' centre is the mean
// |w|, 0.5; offsets from it 0.125, 0.125, 0.0625, 0.0625 (scale 0.125):
// levels 2^0, 2^0, 2^-1, 2^-1, codes ±(level + 4) = 7, -7, 6, -6. Row 1,
// [1, -1, 0, 1]: centre 1, no offsets (code ±4), and 0 stays 0.
// CHECK: #effai.focused<bits = 4, min_exp = -2, max_exp = 0, centres = [5.000000e-01, 1.000000e+00], scales = [1.250000e-01, 1.000000e+00]>
// CHECK: arith.constant dense<{{\[}}[7, -7, 6, -6], [4, -4, 0, 4]]> : tensor<2x4xi8>
// The codes reconstruct these weights exactly.
// DECODED{LITERAL}: dense<[[6.250000e-01, -3.750000e-01, 5.625000e-01, -4.375000e-01], [1.000000e+00, -1.000000e+00, 0.000000e+00, 1.000000e+00]]>
// Pruned first (the 4 largest of 8, a bitmap), the kept weights only:
// row 0 keeps 0.625, row 1 its three ones. 3 bits: one offset level (2^0);
// no offsets here, so every code is ±(0 + 1 + 1).
// PRUNED: #effai.focused<bits = 3, min_exp = 0, max_exp = 0, centres = [6.250000e-01, 1.000000e+00], scales = [1.000000e+00, 1.000000e+00]>, sparsity = #effai.bitmap<nnz = 4>
// PRUNED: arith.constant dense<[2, 2, -2, 2]> : tensor<4xi8>
// ERR-BITS: error: effai-focused-quantize: bits must be in [3, 8], got 2
// ERR-ROUNDING: error: effai-focused-quantize: rounding must be value or log, got 'up'
// ERR-SCALE: error: effai-focused-quantize: scale must be max or search, got 'mse'
func.func @weights() -> tensor<2x4xf32> {
  %v = arith.constant dense<[[0.625, -0.375, 0.5625, -0.4375], [1.0, -1.0, 0.0, 1.0]]> : tensor<2x4xf32>
  %w = effai.pack %v : tensor<2x4xf32> -> !effai.weight<2x4xf32, #effai.encoding<value = #effai.float>>
  %d = effai.unpack %w : !effai.weight<2x4xf32, #effai.encoding<value = #effai.float>> -> tensor<2x4xf32>
  return %d : tensor<2x4xf32>
}
