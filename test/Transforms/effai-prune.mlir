// RUN: %effai_opt %s --split-input-file --effai-prune="mode=nm n=2 m=4" | FileCheck %s --check-prefix=NM
// RUN: %effai_opt %s --split-input-file --effai-prune="mode=magnitude sparsity=0.75 index=pairs" | FileCheck %s --check-prefix=MAG
// RUN: %effai_opt %s --split-input-file --effai-prune="mode=magnitude sparsity=0.75" | FileCheck %s --check-prefix=AUTO
// RUN: %effai_opt %s --split-input-file --effai-prune="mode=magnitude sparsity=0.25" | FileCheck %s --check-prefix=BITMAP
// RUN: %effai_opt %s --split-input-file --effai-prune="mode=magnitude sparsity=0.75 index=delta delta-bits=2" | FileCheck %s --check-prefix=FILL
// RUN: %effai_opt %s --split-input-file --effai-prune="mode=block block-rows=1 block-cols=2 sparsity=0.5 norm=l2" | FileCheck %s --check-prefix=BLOCK
// RUN: %effai_opt %s --split-input-file --effai-prune="mode=magnitude min-elements=100" | FileCheck %s --check-prefix=SMALL

// The [O, R] = [2, 4] weight has rows [0.1, -2, 0.3, 4] and
// [5, -0.5, 0.2, -6]. Payloads this small are written inline.
// 2:4 keeps -2 (position 1) and 4 (3) of row 0; 5 (0) and -6 (3) of row 1.
// NM: #[[ENC:.*]] = #effai.encoding<value = #effai.float, sparsity = #effai.nm<2:4>>
// NM-LABEL: func.func @linear
// NM-DAG: %[[V:.*]] = arith.constant dense<{{\[}}[-2.000000e+00, 4.000000e+00], [5.000000e+00, -6.000000e+00]]> : tensor<2x2xf32>
// Positions 1, 3, 0, 3 as 2-bit fields: 0b11'00'11'01 = 205 (-51 as i8).
// NM-DAG: %[[I:.*]] = arith.constant dense<-51> : tensor<1xi8>
// NM: %[[W:.*]] = effai.pack %[[V]] indices(%[[I]] : tensor<1xi8>) : tensor<2x2xf32> -> !effai.weight<2x4xf32, #[[ENC]]>
// NM: effai.linear %{{.*}}, %[[W]]
// Magnitude, 75% removed: the 2 largest of 8 are 5 at (1, 0) and -6 at (1, 3).
// MAG: #[[ENC:.*]] = #effai.encoding<value = #effai.float, sparsity = #effai.unstructured<nnz = 2>>
// MAG-DAG: arith.constant dense<[5.000000e+00, -6.000000e+00]> : tensor<2xf32>
// MAG-DAG: arith.constant dense<{{\[}}[1, 0], [1, 3]]> : tensor<2x2xi32>
// MAG: effai.pack %{{.*}} indices(%{{.*}} : tensor<2x2xi32>) : tensor<2xf32> -> !effai.weight<2x4xf32, #[[ENC]]>
// index=auto stores the flat positions 4 and 7 as 3-bit deltas 4, 3
// (0b011'100 = 28): 2 x (32 + 3) bits, less than a bitmap's 2 x 32 + 8.
// AUTO: #[[ENC:.*]] = #effai.encoding<value = #effai.float, sparsity = #effai.delta<nnz = 2, bits = 3>>
// AUTO-DAG: arith.constant dense<[5.000000e+00, -6.000000e+00]> : tensor<2xf32>
// AUTO-DAG: arith.constant dense<28> : tensor<1xi8>
// AUTO: effai.pack %{{.*}} indices(%{{.*}} : tensor<1xi8>) : tensor<2xf32> -> !effai.weight<2x4xf32, #[[ENC]]>
// Keeping 6 of 8 (positions 1-5 and 7), one bit per weight is smallest:
// 0b10111110 = 190 (-66 as i8).
// BITMAP: #[[ENC:.*]] = #effai.encoding<value = #effai.float, sparsity = #effai.bitmap<nnz = 6>>
// BITMAP-DAG: arith.constant dense<[-2.000000e+00, 3.000000e-01, 4.000000e+00, 5.000000e+00, -5.000000e-01, -6.000000e+00]> : tensor<6xf32>
// BITMAP-DAG: arith.constant dense<-66> : tensor<1xi8>
// BITMAP: effai.pack %{{.*}} indices(%{{.*}} : tensor<1xi8>) : tensor<6xf32> -> !effai.weight<2x4xf32, #[[ENC]]>
// 2-bit deltas reach at most 3 ahead: a filler (a stored 0) at position 3
// bridges 0 -> 4. Deltas 3, 1, 3: 0b11'01'11 = 55.
// FILL: #[[ENC:.*]] = #effai.encoding<value = #effai.float, sparsity = #effai.delta<nnz = 3, bits = 2>>
// FILL-DAG: arith.constant dense<[0.000000e+00, 5.000000e+00, -6.000000e+00]> : tensor<3xf32>
// FILL-DAG: arith.constant dense<55> : tensor<1xi8>
// [1, 2] blocks by L2 norm: [0.1, -2] 4.01, [0.3, 4] 16.09, [5, -0.5] 25.25,
// [0.2, -6] 36.04; half are kept: blocks (1, 0) and (1, 1).
// BLOCK: #[[ENC:.*]] = #effai.encoding<value = #effai.float, sparsity = #effai.block<[1, 2], blocks = 2>>
// BLOCK-DAG: arith.constant dense<{{\[\[}}[5.000000e+00, -5.000000e-01]], {{\[\[}}2.000000e-01, -6.000000e+00]]]> : tensor<2x1x2xf32>
// BLOCK-DAG: arith.constant dense<{{\[}}[1, 0], [1, 1]]> : tensor<2x2xi32>
// BLOCK: effai.pack %{{.*}} indices(%{{.*}} : tensor<2x2xi32>) : tensor<2x1x2xf32> -> !effai.weight<2x4xf32, #[[ENC]]>
// Weights smaller than min-elements stay dense.
// SMALL-LABEL: func.func @linear
// SMALL: effai.pack %{{.*}} : tensor<2x4xf32> -> !effai.weight<2x4xf32, #{{.*}}>
// SMALL-NOT: indices
func.func @linear(%x: tensor<3x4xf32>) -> tensor<3x2xf32> {
  %v = arith.constant dense<[[0.1, -2.0, 0.3, 4.0], [5.0, -0.5, 0.2, -6.0]]> : tensor<2x4xf32>
  %w = effai.pack %v : tensor<2x4xf32> -> !effai.weight<2x4xf32, #effai.encoding<value = #effai.float>>
  %y = effai.linear %x, %w : (tensor<3x4xf32>, !effai.weight<2x4xf32, #effai.encoding<value = #effai.float>>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// Run-time weights and already-compressed weights are left alone.
// NM-LABEL: func.func @untouched
// NM: effai.pack %arg1 : tensor<2x4xf32> -> !effai.weight<2x4xf32, #{{.*}}>
// NM: effai.pack %{{.*}} : tensor<2x4xi8> -> !effai.weight<2x4xf32, #{{.*}}>
// NM-NOT: indices
func.func @untouched(%x: tensor<3x4xf32>, %v: tensor<2x4xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>) {
  %w = effai.pack %v : tensor<2x4xf32> -> !effai.weight<2x4xf32, #effai.encoding<value = #effai.float>>
  %y = effai.linear %x, %w : (tensor<3x4xf32>, !effai.weight<2x4xf32, #effai.encoding<value = #effai.float>>) -> tensor<3x2xf32>
  %q = arith.constant dense<1> : tensor<2x4xi8>
  %qw = effai.pack %q : tensor<2x4xi8> -> !effai.weight<2x4xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.5>>>>
  %z = effai.linear %x, %qw : (tensor<3x4xf32>, !effai.weight<2x4xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.5>>>>) -> tensor<3x2xf32>
  return %y, %z : tensor<3x2xf32>, tensor<3x2xf32>
}
