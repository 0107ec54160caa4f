// effai-lower-to-linalg: what each op becomes, before bufferization.
// RUN: %effai_opt %s --effai-lower-to-linalg --split-input-file --verify-diagnostics | FileCheck %s

// A dense float weight is used directly by a contraction generic, through
// its transpose: loops (rows..., k, n) make the inner loop a vectorizable
// axpy. The input's leading dims stay loop dims: no reshape comes between
// the contraction and its elementwise consumers.
// CHECK-LABEL: func.func @float_linear
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>, %[[V:.*]]: tensor<5x4xf32>)
// CHECK-NOT: tensor.reshape
// CHECK: %[[VT:.*]] = linalg.transpose ins(%[[V]] : tensor<5x4xf32>) outs(%{{.*}} : tensor<4x5xf32>) permutation = [1, 0]
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction", "parallel"]{{.*}} ins(%[[X]], %[[VT]] : tensor<2x3x4xf32>, tensor<4x5xf32>) outs(%{{.*}} : tensor<2x3x5xf32>)
// CHECK: arith.mulf
// CHECK-NOT: tensor.reshape
// CHECK-NOT: effai.
func.func @float_linear(%x: tensor<2x3x4xf32>, %v: tensor<5x4xf32>) -> tensor<2x3x5xf32> {
  %w = effai.pack %v : tensor<5x4xf32> -> !effai.weight<5x4xf32, #effai.encoding<value = #effai.float>>
  %y = effai.linear %x, %w : (tensor<2x3x4xf32>, !effai.weight<5x4xf32, #effai.encoding<value = #effai.float>>) -> tensor<2x3x5xf32>
  return %y : tensor<2x3x5xf32>
}

// -----
// A constant weight is transposed at compile time, not on every call.
// CHECK-LABEL: func.func @constant_linear
// CHECK: %[[WT:.*]] = arith.constant dense<{{\[}}[1.000000e+00, 3.000000e+00, 5.000000e+00], [2.000000e+00, 4.000000e+00, 6.000000e+00]]> : tensor<2x3xf32>
// CHECK-NOT: linalg.transpose
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[WT]] : tensor<1x2xf32>, tensor<2x3xf32>)
func.func @constant_linear(%x: tensor<1x2xf32>) -> tensor<1x3xf32> {
  // Rows [1, 2], [3, 4], [5, 6] -> columns [1, 3, 5], [2, 4, 6].
  %v = arith.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %w = effai.pack %v : tensor<3x2xf32> -> !effai.weight<3x2xf32, #effai.encoding<value = #effai.float>>
  %y = effai.linear %x, %w : (tensor<1x2xf32>, !effai.weight<3x2xf32, #effai.encoding<value = #effai.float>>) -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

// -----
// Half floats (f16, bf16) are summed in f32, as cuBLAS and PyTorch sum
// them: the contraction extends both operands, accumulates from an f32
// zero, and an elementwise generic rounds the sum once; the bias is added
// after, in the layer's type. Convolutions likewise.
// CHECK-LABEL: func.func @half_linear
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[ACC:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<2x5xf32>)
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} ins(%arg0, %{{.*}} : tensor<2x4xf16>, tensor<4x5xf16>) outs(%[[ACC]] : tensor<2x5xf32>)
// CHECK: ^bb0(%[[A:.*]]: f16, %[[B:.*]]: f16, %[[C:.*]]: f32):
// CHECK:   %[[AE:.*]] = arith.extf %[[A]] : f16 to f32
// CHECK:   %[[BE:.*]] = arith.extf %[[B]] : f16 to f32
// CHECK:   %[[P:.*]] = arith.mulf %[[AE]], %[[BE]] fastmath<contract> : f32
// CHECK:   arith.addf %[[C]], %[[P]] fastmath<contract> : f32
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[SUM]] : tensor<2x5xf32>) outs(%{{.*}} : tensor<2x5xf16>)
// CHECK:   arith.truncf %{{.*}} : f32 to f16
// CHECK: linalg.generic {{.*}} ins(%[[Y]], %arg2 : tensor<2x5xf16>, tensor<5xf16>)
// CHECK:   arith.addf %{{.*}} : f16
// CHECK-LABEL: func.func @bf16_conv
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x2x3x3xf32>)
// CHECK:   arith.extf %{{.*}} : bf16 to f32
// CHECK:   arith.truncf %{{.*}} : f32 to bf16
func.func @half_linear(%x: tensor<2x4xf16>, %v: tensor<5x4xf16>, %b: tensor<5xf16>) -> tensor<2x5xf16> {
  %w = effai.pack %v : tensor<5x4xf16> -> !effai.weight<5x4xf16, #effai.encoding<value = #effai.float>>
  %y = effai.linear %x, %w, %b : (tensor<2x4xf16>, !effai.weight<5x4xf16, #effai.encoding<value = #effai.float>>, tensor<5xf16>) -> tensor<2x5xf16>
  return %y : tensor<2x5xf16>
}
func.func @bf16_conv(%x: tensor<1x1x5x5xbf16>, %v: tensor<2x1x3x3xbf16>) -> tensor<1x2x3x3xbf16> {
  %w = effai.pack %v : tensor<2x1x3x3xbf16> -> !effai.weight<2x1x3x3xbf16, #effai.encoding<value = #effai.float>>
  %y = effai.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x1x5x5xbf16>, !effai.weight<2x1x3x3xbf16, #effai.encoding<value = #effai.float>>) -> tensor<1x2x3x3xbf16>
  return %y : tensor<1x2x3x3xbf16>
}

// -----
// Sparse weights decode by scattering only the stored ones: a loop over the
// 8 kept weights, not over all 16 positions.
// CHECK-LABEL: func.func @unpack_nm
// CHECK-DAG: %[[C8:.*]] = arith.constant 8 : index
// CHECK-DAG: %[[ZERO:.*]] = linalg.fill
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[C8]] step %{{.*}} iter_args(%{{.*}} = %[[ZERO]])
// CHECK: tensor.extract %arg1
// CHECK: tensor.insert
func.func @unpack_nm(%v: tensor<4x2xf32>, %i: tensor<2xi8>) -> tensor<4x4xf32> {
  %w = effai.pack %v indices(%i : tensor<2xi8>) : tensor<4x2xf32> -> !effai.weight<4x4xf32, #effai.encoding<value = #effai.float, sparsity = #effai.nm<2:4>>>
  %d = effai.unpack %w : !effai.weight<4x4xf32, #effai.encoding<value = #effai.float, sparsity = #effai.nm<2:4>>> -> tensor<4x4xf32>
  return %d : tensor<4x4xf32>
}

// -----
// Quantized activations: i32 accumulation of centred operands and a
// fixed-point requantization; no floating point anywhere.
// CHECK-LABEL: func.func @quantized_conv
// CHECK-NOT: arith.mulf
// CHECK-NOT: arith.sitofp
// CHECK: arith.muli %{{.*}} : i32
// CHECK: arith.muli %{{.*}} : i64
// CHECK: arith.shrsi
// CHECK: arith.trunci %{{.*}} : i64 to i8
// CHECK: quant.scast
func.func @quantized_conv(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:128>>, %c: tensor<4x1x3x3xi8>) -> tensor<1x4x2x2x!quant.uniform<u8:f32, 0.2:100>> {
  %w = effai.pack %c : tensor<4x1x3x3xi8> -> !effai.weight<4x1x3x3xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32:0, {0.01, 0.02, 0.03, 0.04}>>>>
  %y = effai.conv2d %x, %w {groups = 2} : (tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:128>>, !effai.weight<4x1x3x3xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32:0, {0.01, 0.02, 0.03, 0.04}>>>>) -> tensor<1x4x2x2x!quant.uniform<u8:f32, 0.2:100>>
  return %y : tensor<1x4x2x2x!quant.uniform<u8:f32, 0.2:100>>
}

// -----
// An ungrouped quantized conv with dense symmetric int8 weights: the same
// NCHW contraction as a float conv (loops n, o, oh, ow | c, kh, kw), over
// the centred i32 input padded with 0 and the i8 codes as stored, widened
// in the body: the form the CPU's integer kernels take.
// CHECK-LABEL: func.func @quantized_conv_direct
// CHECK: %[[PADDED:.*]] = tensor.pad
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]{{.*}} ins(%[[PADDED]], %arg1 : tensor<1x2x6x6xi32>, tensor<4x2x3x3xi8>) outs(%{{.*}} : tensor<1x4x4x4xi32>)
// CHECK-NEXT: ^bb0(%[[X:.*]]: i32, %[[W:.*]]: i8, %[[ACC:.*]]: i32):
// CHECK-NEXT: %[[WIDE:.*]] = arith.extsi %[[W]] : i8 to i32
// CHECK-NEXT: %[[P:.*]] = arith.muli %[[X]], %[[WIDE]] : i32
// CHECK-NEXT: arith.addi %[[ACC]], %[[P]] : i32
func.func @quantized_conv_direct(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:128>>, %c: tensor<4x2x3x3xi8>) -> tensor<1x4x4x4x!quant.uniform<u8:f32, 0.2:100>> {
  %w = effai.pack %c : tensor<4x2x3x3xi8> -> !effai.weight<4x2x3x3xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32:0, {0.01, 0.02, 0.03, 0.04}>>>>
  %y = effai.conv2d %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:128>>, !effai.weight<4x2x3x3xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32:0, {0.01, 0.02, 0.03, 0.04}>>>>) -> tensor<1x4x4x4x!quant.uniform<u8:f32, 0.2:100>>
  return %y : tensor<1x4x4x4x!quant.uniform<u8:f32, 0.2:100>>
}

// -----
// The same conv with constant codes reads the u8 activations as stored:
// padded with the zero point (128, the i8 bit pattern -128) and by one
// more column on the right (output column 3 reads filter columns 3..6 in
// a group of four), zero-extended in the body. The zero point is folded
// into the accumulator's start: -zp * sum w = -128 * 18 per output
// channel, broadcast, instead of a zero fill.
// CHECK-LABEL: func.func @quantized_conv_stored
// CHECK-DAG: %[[CORRECTION:.*]] = arith.constant dense<-2304> : tensor<1x4x1x1xi32>
// CHECK: %[[PADDED:.*]] = tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 1, 2]
// CHECK: tensor.yield %c-128_i8 : i8
// CHECK: %[[START:.*]] = linalg.generic {{.*}} ins(%[[CORRECTION]] : tensor<1x4x1x1xi32>) outs(%{{.*}} : tensor<1x4x4x4xi32>)
// CHECK-NOT: linalg.fill
// CHECK: linalg.generic {{.*}} ins(%[[PADDED]], %{{.*}} : tensor<1x2x6x7xi8>, tensor<4x2x3x3xi8>) outs(%[[START]] : tensor<1x4x4x4xi32>)
// CHECK-NEXT: ^bb0(%[[Q:.*]]: i8, %[[W:.*]]: i8, %{{.*}}: i32):
// CHECK-DAG: arith.extui %[[Q]] : i8 to i32
// CHECK-DAG: arith.extsi %[[W]] : i8 to i32
func.func @quantized_conv_stored(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:128>>) -> tensor<1x4x4x4x!quant.uniform<u8:f32, 0.2:100>> {
  %c = arith.constant dense<1> : tensor<4x2x3x3xi8>
  %w = effai.pack %c : tensor<4x2x3x3xi8> -> !effai.weight<4x2x3x3xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32:0, {0.01, 0.02, 0.03, 0.04}>>>>
  %y = effai.conv2d %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:128>>, !effai.weight<4x2x3x3xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32:0, {0.01, 0.02, 0.03, 0.04}>>>>) -> tensor<1x4x4x4x!quant.uniform<u8:f32, 0.2:100>>
  return %y : tensor<1x4x4x4x!quant.uniform<u8:f32, 0.2:100>>
}

// -----
// Power-of-two weights with quantized activations: the integer shift
// kernel. The contraction shifts the centred activation left by |code| - 1
// (negated for negative codes, nothing for code 0): no multiply in the
// reduction loop, no exp2. (Bit-exact against multiplying, rounding and
// saturation included: test/Python/test_shift_kernels.py.)
// CHECK-LABEL: func.func @pow2_integer_codes
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction", "parallel"]{{.*}} ins(%{{.*}}, %{{.*}} : tensor<2x4xi32>, tensor<4x3xi8>)
// CHECK-NEXT: ^bb0(%[[X:.*]]: i32, %[[CODE:.*]]: i8, %[[ACC:.*]]: i32):
// CHECK-NOT: arith.muli
// CHECK: arith.shli %[[X]]
// CHECK-NOT: arith.muli
// CHECK: arith.addi %[[ACC]]
// CHECK-NEXT: linalg.yield
// CHECK-NOT: math.exp2
func.func @pow2_integer_codes(%x: tensor<2x4x!quant.uniform<i8:f32, 0.5>>, %c: tensor<3x4xi8>) -> tensor<2x3xf32> {
  %w = effai.pack %c : tensor<3x4xi8> -> !effai.weight<3x4xf32, #effai.encoding<value = #effai.pow2<terms = 1, bits = 4, min_exp = -6, max_exp = 0>>>
  %y = effai.linear %x, %w : (tensor<2x4x!quant.uniform<i8:f32, 0.5>>, !effai.weight<3x4xf32, #effai.encoding<value = #effai.pow2<terms = 1, bits = 4, min_exp = -6, max_exp = 0>>>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----
// Weight-only int8 (symmetric, per output channel): the contraction reads
// the i8 codes, converted in its body; the scales multiply each output once,
// after the sum, then the bias is added.
// CHECK-LABEL: func.func @int8_weight_only
// CHECK: %[[SCALES:.*]] = arith.constant dense<[5.000000e-01, 2.500000e-01, 1.250000e-01]> : tensor<3xf32>
// CHECK: %[[CODES:.*]] = arith.constant dense<{{\[\[}}1, 5, 127], [-2, 6, -127], [3, -7, 0], [-4, 8, 1]]> : tensor<4x3xi8>
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction", "parallel"]{{.*}} ins(%{{.*}}, %[[CODES]] : tensor<2x4xf32>, tensor<4x3xi8>)
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %[[CODE:.*]]: i8, %[[ACC:.*]]: f32):
// CHECK-NEXT: %[[W:.*]] = arith.sitofp %[[CODE]] : i8 to f32
// CHECK-NEXT: arith.mulf %[[X]], %[[W]]
// CHECK: linalg.generic {{.*}}ins(%{{.*}}, %[[SCALES]] :
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.mulf
// CHECK: linalg.generic
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.addf
func.func @int8_weight_only(%x: tensor<2x4xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %c = arith.constant dense<[[1, -2, 3, -4], [5, 6, -7, 8], [127, -127, 0, 1]]> : tensor<3x4xi8>
  %w = effai.pack %c : tensor<3x4xi8> -> !effai.weight<3x4xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32:0, {0.5, 0.25, 0.125}>>>>
  %y = effai.linear %x, %w, %b : (tensor<2x4xf32>, !effai.weight<3x4xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32:0, {0.5, 0.25, 0.125}>>>>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----
// Weight-only int4 (and 2-7 bits) codes become an i8 constant at compile
// time, sign-extended, and take the int8 kernel: a vector of i4 is
// bit-packed in LLVM, a tensor of i4 is not, so the kernels read bytes.
// CHECK-LABEL: func.func @int4_weight_only
// CHECK: %[[CODES:.*]] = arith.constant dense<{{\[\[}}1, -8], [-1, 7], [0, -3]]> : tensor<3x2xi8>
// CHECK: linalg.generic {{.*}}ins(%{{.*}}, %[[CODES]] : tensor<1x3xf32>, tensor<3x2xi8>)
// CHECK-NEXT: ^bb0(%{{.*}}: f32, %[[CODE:.*]]: i8, %{{.*}}: f32):
// CHECK-NEXT: arith.sitofp %[[CODE]] : i8 to f32
// CHECK-NOT: xi4>
func.func @int4_weight_only(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %c = arith.constant dense<[[1, -1, 0], [-8, 7, -3]]> : tensor<2x3xi4>
  %w = effai.pack %c : tensor<2x3xi4> -> !effai.weight<2x3xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i4:f32:0, {0.5, 0.25}>>>>
  %y = effai.linear %x, %w : (tensor<1x3xf32>, !effai.weight<2x3xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i4:f32:0, {0.5, 0.25}>>>>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----
// Unsigned 4-bit storage with zero point 0 widens without the sign: code 15
// stays 15 (the bits of -1 in i4).
// CHECK-LABEL: func.func @uint4_weight_only
// CHECK: %[[CODES:.*]] = arith.constant dense<{{\[\[}}15], [1]]> : tensor<2x1xi8>
// CHECK: linalg.generic {{.*}}ins(%{{.*}}, %[[CODES]] : tensor<1x2xf32>, tensor<2x1xi8>)
// CHECK-NEXT: ^bb0(%{{.*}}: f32, %[[CODE:.*]]: i8, %{{.*}}: f32):
// CHECK-NEXT: arith.uitofp %[[CODE]] : i8 to f32
func.func @uint4_weight_only(%x: tensor<1x2xf32>) -> tensor<1x1xf32> {
  %c = arith.constant dense<[[-1, 1]]> : tensor<1x2xi4>
  %w = effai.pack %c : tensor<1x2xi4> -> !effai.weight<1x2xf32, #effai.encoding<value = #effai.affine<!quant.uniform<u4:f32, 0.5>>>>
  %y = effai.linear %x, %w : (tensor<1x2xf32>, !effai.weight<1x2xf32, #effai.encoding<value = #effai.affine<!quant.uniform<u4:f32, 0.5>>>>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// -----
// Sub-byte codes that are not a constant cannot be widened at compile time:
// the weight is decoded and the contraction reads floats.
// CHECK-LABEL: func.func @int4_codes_argument
// CHECK: arith.sitofp %{{.*}} : i4 to f64
// CHECK: linalg.generic {{.*}}ins(%{{.*}}, %{{.*}} : tensor<1x3xf32>, tensor<3x2xf32>)
func.func @int4_codes_argument(%x: tensor<1x3xf32>, %c: tensor<2x3xi4>) -> tensor<1x2xf32> {
  %w = effai.pack %c : tensor<2x3xi4> -> !effai.weight<2x3xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i4:f32, 0.5>>>>
  %y = effai.linear %x, %w : (tensor<1x3xf32>, !effai.weight<2x3xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i4:f32, 0.5>>>>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----
// With a zero point the codes do not scale to the weight: it is decoded
// (here at compile time) and the contraction reads floats.
// CHECK-LABEL: func.func @int8_zero_point_decoded
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction", "parallel"]{{.*}} ins(%{{.*}}, %{{.*}} : tensor<2x4xf32>, tensor<4x3xf32>)
func.func @int8_zero_point_decoded(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %c = arith.constant dense<1> : tensor<3x4xi8>
  %w = effai.pack %c : tensor<3x4xi8> -> !effai.weight<3x4xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.5:3>>>>
  %y = effai.linear %x, %w : (tensor<2x4xf32>, !effai.weight<3x4xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.5:3>>>>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----
// A weight that is not packed in this function cannot be decoded here.
func.func @opaque_weight(%x: tensor<2x4xf32>, %w: !effai.weight<3x4xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.5>>>>) -> tensor<2x3xf32> {
  // expected-error @+1 {{effai-lower-to-linalg cannot lower this op}}
  %y = effai.linear %x, %w : (tensor<2x4xf32>, !effai.weight<3x4xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.5>>>>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----
// An ungrouped float convolution computes the NCHW result directly, loops
// (n, o, oh, ow | c, kh, kw) over the weight as it is: the form the CPU
// contraction kernels tile (effai-tile-and-fuse).
// CHECK-LABEL: func.func @conv_channels_inner
// CHECK: %[[W:.*]] = arith.constant dense<5.000000e-01> : tensor<32x2x3x3xf32>
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]{{.*}} ins(%{{.*}}, %[[W]] : tensor<1x2x6x6xf32>, tensor<32x2x3x3xf32>) outs(%{{.*}} : tensor<1x32x4x4xf32>)
// CHECK: arith.mulf {{.*}} fastmath<contract>
// CHECK: arith.addf {{.*}} fastmath<contract>
// CHECK-NOT: linalg.transpose
func.func @conv_channels_inner(%x: tensor<1x2x6x6xf32>) -> tensor<1x32x4x4xf32> {
  %v = arith.constant dense<0.5> : tensor<32x2x3x3xf32>
  %w = effai.pack %v : tensor<32x2x3x3xf32> -> !effai.weight<32x2x3x3xf32, #effai.encoding<value = #effai.float>>
  %y = effai.conv2d %x, %w : (tensor<1x2x6x6xf32>, !effai.weight<32x2x3x3xf32, #effai.encoding<value = #effai.float>>) -> tensor<1x32x4x4xf32>
  return %y : tensor<1x32x4x4xf32>
}
