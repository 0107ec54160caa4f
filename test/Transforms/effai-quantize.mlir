// RUN: %effai_opt %s --split-input-file --effai-quantize | FileCheck %s --check-prefix=INT8
// RUN: %effai_opt %s --split-input-file --effai-quantize="weight-bits=4 per-channel=false" | FileCheck %s --check-prefix=INT4
// RUN: %effai_opt %s --split-input-file --effai-prune="mode=nm n=2 m=4" --effai-quantize | FileCheck %s --check-prefix=SPARSE
// RUN: %effai_opt %s --split-input-file --effai-quantize --canonicalize | FileCheck %s --check-prefix=DECODED
// RUN: not %effai_opt %s --effai-quantize="weight-bits=9" 2>&1 | FileCheck %s --check-prefix=ERR

// Rows [0.5, -1, 0.26, 4] and [3, -0.75, 0, -6]: per-channel scales
// 4/127 and 6/127; 3 / (6/127) = 63.5 rounds to even (64).
// INT8: #[[ENC:.*]] = #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32:0, {0.031496062992125984,0.047244094488188976}>>>
// INT8-LABEL: func.func @linear
// INT8: %[[C:.*]] = arith.constant dense<{{\[}}[16, -32, 8, 127], [64, -16, 0, -127]]> : tensor<2x4xi8>
// INT8: effai.pack %[[C]] : tensor<2x4xi8> -> !effai.weight<2x4xf32, #[[ENC]]>
// One scale for the tensor (6/7) in 4 bits: 0.5/0.857 = 0.58 -> 1, ...
// INT4: #effai.affine<!quant.uniform<i4:f32, 0.8571428571428571>>
// INT4: arith.constant dense<{{\[}}[1, -1, 0, 5], [4, -1, 0, -7]]> : tensor<2x4xi4>
// Pruned 2:4, then int8: the kept [-1, 4] and [3, -6] become codes, the
// positions stay.
// SPARSE: #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32:0, {0.031496062992125984,0.047244094488188976}>>, sparsity = #effai.nm<2:4>>
// SPARSE: %[[V:.*]] = arith.constant dense<{{\[}}[-32, 127], [64, -127]]> : tensor<2x2xi8>
// SPARSE: effai.pack %[[V]] indices(%{{.*}} : tensor<1xi8>) : tensor<2x2xi8>
// The reference decoder gives back scale * code.
// DECODED: dense<{{\[}}[5.039370e-01, -1.00787401, 0.251968503, 4.000000e+00], [3.02362204, -0.755905508, 0.000000e+00, -6.000000e+00]]>
// ERR: error: effai-quantize: weight-bits must be in [2, 8], got 9
func.func @linear(%x: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %v = arith.constant dense<[[0.5, -1.0, 0.26, 4.0], [3.0, -0.75, 0.0, -6.0]]> : tensor<2x4xf32>
  %w = effai.pack %v : tensor<2x4xf32> -> !effai.weight<2x4xf32, #effai.encoding<value = #effai.float>>
  %d = effai.unpack %w : !effai.weight<2x4xf32, #effai.encoding<value = #effai.float>> -> tensor<2x4xf32>
  return %d : tensor<2x4xf32>
}
