// Round-trips every effai op and every weight encoding, in custom and generic
// form.
// RUN: %effai_opt %s | %effai_opt | FileCheck %s
// RUN: %effai_opt %s --mlir-print-op-generic | %effai_opt | FileCheck %s

// Encodings print once, as aliases, at the top of the module.
// CHECK-DAG: #[[F32:.*]] = #effai.encoding<value = #effai.float>
// CHECK-DAG: #[[NM_I8:.*]] = #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 2.000000e-02>>, sparsity = #effai.nm<2:4>>
// CHECK-DAG: #[[AXIS_U4:.*]] = #effai.encoding<value = #effai.affine<!quant.uniform<u4:f32:0, {1.000000e-01:8,2.000000e-01:7}>>>
// CHECK-DAG: #[[POW2_NM:.*]] = #effai.encoding<value = #effai.pow2<terms = 1, bits = 4, min_exp = -7, max_exp = -1>, sparsity = #effai.nm<2:4>>
// CHECK-DAG: #[[POW2_2T:.*]] = #effai.encoding<value = #effai.pow2<terms = 2, bits = 5, min_exp = -14, max_exp = 0, scales = [5.000000e-01, 2.500000e-01, 5.000000e-01, 1.000000e+00]>, sparsity = #effai.block<[2, 4], blocks = 3>>
// CHECK-DAG: #[[CHANNEL:.*]] = #effai.encoding<value = #effai.float, sparsity = #effai.channel<kept = 3>>
// CHECK-DAG: #[[UNSTRUCT:.*]] = #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 5.000000e-02>>, sparsity = #effai.unstructured<nnz = 5>>
// CHECK-DAG: #[[SPELLED_DENSE:.*]] = #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 1.000000e-01>>>

!w_f32 = !effai.weight<16x64xf32, #effai.encoding<value = #effai.float>>
!w_nm_i8 = !effai.weight<16x64xf32, #effai.encoding<
    value = #effai.affine<!quant.uniform<i8:f32, 0.02>>,
    sparsity = #effai.nm<2:4>>>

// CHECK-LABEL: func.func @linear_dense_float
// CHECK-SAME: (%[[X:.*]]: tensor<8x64xf32>, %[[V:.*]]: tensor<16x64xf32>, %[[B:.*]]: tensor<16xf32>)
// CHECK: %[[W:.*]] = effai.pack %[[V]] : tensor<16x64xf32> -> !effai.weight<16x64xf32, #[[F32]]>
// CHECK: effai.linear %[[X]], %[[W]], %[[B]] : (tensor<8x64xf32>, !effai.weight<16x64xf32, #[[F32]]>, tensor<16xf32>) -> tensor<8x16xf32>
func.func @linear_dense_float(%x: tensor<8x64xf32>, %v: tensor<16x64xf32>,
                              %b: tensor<16xf32>) -> tensor<8x16xf32> {
  %w = effai.pack %v : tensor<16x64xf32> -> !w_f32
  %y = effai.linear %x, %w, %b : (tensor<8x64xf32>, !w_f32, tensor<16xf32>) -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

// A 2:4-pruned int8 linear: 32 of every 64 inputs kept per row, with their
// positions inside each group of 4.
// CHECK-LABEL: func.func @linear_2_4_int8
// CHECK: %[[W:.*]] = effai.pack %{{.*}} indices(%{{.*}} : tensor<128xi8>) : tensor<16x32xi8> -> !effai.weight<16x64xf32, #[[NM_I8]]>
// CHECK: effai.linear %{{.*}}, %[[W]] : (tensor<2x8x64xf32>, !effai.weight<16x64xf32, #[[NM_I8]]>) -> tensor<2x8x16xf32>
func.func @linear_2_4_int8(%x: tensor<2x8x64xf32>, %v: tensor<16x32xi8>,
                           %i: tensor<128xi8>) -> tensor<2x8x16xf32> {
  %w = effai.pack %v indices(%i : tensor<128xi8>) : tensor<16x32xi8> -> !w_nm_i8
  %y = effai.linear %x, %w : (tensor<2x8x64xf32>, !w_nm_i8) -> tensor<2x8x16xf32>
  return %y : tensor<2x8x16xf32>
}

// Integer-only linear: int8 activations in and out, i32 bias.
// CHECK-LABEL: func.func @linear_quantized_activations
// CHECK: effai.linear %{{.*}}, %{{.*}}, %{{.*}} : (tensor<4x64x!quant.uniform<i8:f32, 5.000000e-02:-3>>, !effai.weight<16x64xf32, #[[NM_I8]]>, tensor<16x!quant.uniform<i32:f32, 1.000000e-03>>) -> tensor<4x16x!quant.uniform<i8:f32, 1.000000e-01:2>>
func.func @linear_quantized_activations(
    %x: tensor<4x64x!quant.uniform<i8:f32, 0.05:-3>>, %w: !w_nm_i8,
    %b: tensor<16x!quant.uniform<i32:f32, 0.001>>)
    -> tensor<4x16x!quant.uniform<i8:f32, 0.1:2>> {
  %y = effai.linear %x, %w, %b
      : (tensor<4x64x!quant.uniform<i8:f32, 0.05:-3>>, !w_nm_i8,
         tensor<16x!quant.uniform<i32:f32, 0.001>>)
      -> tensor<4x16x!quant.uniform<i8:f32, 0.1:2>>
  return %y : tensor<4x16x!quant.uniform<i8:f32, 0.1:2>>
}

// Per-output-channel unsigned int4 weights; a dynamic batch is allowed.
// CHECK-LABEL: func.func @linear_per_channel_int4
// CHECK: effai.pack %{{.*}} : tensor<2x8xi4> -> !effai.weight<2x8xf32, #[[AXIS_U4]]>
// CHECK: effai.linear {{.*}} -> tensor<?x2xf32>
func.func @linear_per_channel_int4(%x: tensor<?x8xf32>, %v: tensor<2x8xi4>)
    -> tensor<?x2xf32> {
  %w = effai.pack %v : tensor<2x8xi4>
      -> !effai.weight<2x8xf32, #effai.encoding<
           value = #effai.affine<!quant.uniform<u4:f32:0, {0.1:8, 0.2:7}>>>>
  %y = effai.linear %x, %w : (tensor<?x8xf32>, !effai.weight<2x8xf32,
      #effai.encoding<value = #effai.affine<!quant.uniform<u4:f32:0, {0.1:8, 0.2:7}>>>>)
      -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

// A 2:4-pruned power-of-two conv2d (focused quantization): the reduction
// C*KH*KW = 8*3*3 = 72 keeps 36 weights per output channel.
// CHECK-LABEL: func.func @conv2d_pruned_pow2
// CHECK: %[[W:.*]] = effai.pack %{{.*}} indices(%{{.*}} : tensor<144xi8>) : tensor<16x36xi8> -> !effai.weight<16x8x3x3xf32, #[[POW2_NM]]>
// CHECK: effai.conv2d %{{.*}}, %[[W]], %{{.*}} {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x8x32x32xf32>, !effai.weight<16x8x3x3xf32, #[[POW2_NM]]>, tensor<16xf32>) -> tensor<1x16x16x16xf32>
func.func @conv2d_pruned_pow2(%x: tensor<1x8x32x32xf32>, %codes: tensor<16x36xi8>,
                              %pos: tensor<144xi8>, %b: tensor<16xf32>)
    -> tensor<1x16x16x16xf32> {
  %w = effai.pack %codes indices(%pos : tensor<144xi8>) : tensor<16x36xi8>
      -> !effai.weight<16x8x3x3xf32, #effai.encoding<
           value = #effai.pow2<terms = 1, bits = 4, min_exp = -7, max_exp = -1>,
           sparsity = #effai.nm<2:4>>>
  %y = effai.conv2d %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>}
      : (tensor<1x8x32x32xf32>, !effai.weight<16x8x3x3xf32, #effai.encoding<
           value = #effai.pow2<terms = 1, bits = 4, min_exp = -7, max_exp = -1>,
           sparsity = #effai.nm<2:4>>>, tensor<16xf32>) -> tensor<1x16x16x16xf32>
  return %y : tensor<1x16x16x16xf32>
}

// Grouped, dilated conv with two-term power-of-two block-sparse weights and
// per-channel scales; default attributes are elided when printed.
// CHECK-LABEL: func.func @conv2d_grouped_two_term
// CHECK: effai.pack %{{.*}} indices(%{{.*}} : tensor<3x2xi32>) : tensor<3x2x4x2xi8> -> !effai.weight<4x2x2x2xf32, #[[POW2_2T]]>
// CHECK: effai.conv2d %{{.*}}, %{{.*}} {dilations = array<i64: 2, 2>, groups = 2 : i64} :
func.func @conv2d_grouped_two_term(%x: tensor<1x4x9x9xf32>, %codes: tensor<3x2x4x2xi8>,
                                   %blocks: tensor<3x2xi32>) -> tensor<1x4x7x7xf32> {
  %w = effai.pack %codes indices(%blocks : tensor<3x2xi32>) : tensor<3x2x4x2xi8>
      -> !effai.weight<4x2x2x2xf32, #effai.encoding<
           value = #effai.pow2<terms = 2, bits = 5, min_exp = -14, max_exp = 0,
                               scales = [0.5, 0.25, 0.5, 1.0]>,
           sparsity = #effai.block<[2, 4], blocks = 3>>>
  %y = effai.conv2d %x, %w {dilations = array<i64: 2, 2>, groups = 2, strides = array<i64: 1, 1>}
      : (tensor<1x4x9x9xf32>, !effai.weight<4x2x2x2xf32, #effai.encoding<
           value = #effai.pow2<terms = 2, bits = 5, min_exp = -14, max_exp = 0,
                               scales = [0.5, 0.25, 0.5, 1.0]>,
           sparsity = #effai.block<[2, 4], blocks = 3>>>) -> tensor<1x4x7x7xf32>
  return %y : tensor<1x4x7x7xf32>
}

// Channel-pruned depthwise conv with a channel multiplier of 2.
// CHECK-LABEL: func.func @depthwise_channel_pruned
// CHECK: effai.pack %{{.*}} indices(%{{.*}} : tensor<3xi32>) : tensor<3x1x3x3xf32> -> !effai.weight<8x1x3x3xf32, #[[CHANNEL]]>
// CHECK: effai.depthwise_conv2d %{{.*}}, %{{.*}} {pads = array<i64: 1, 1, 1, 1>} : (tensor<2x4x8x8xf32>, !effai.weight<8x1x3x3xf32, #[[CHANNEL]]>) -> tensor<2x8x8x8xf32>
func.func @depthwise_channel_pruned(%x: tensor<2x4x8x8xf32>, %v: tensor<3x1x3x3xf32>,
                                    %kept: tensor<3xi32>) -> tensor<2x8x8x8xf32> {
  %w = effai.pack %v indices(%kept : tensor<3xi32>) : tensor<3x1x3x3xf32>
      -> !effai.weight<8x1x3x3xf32, #effai.encoding<value = #effai.float,
                                                      sparsity = #effai.channel<kept = 3>>>
  %y = effai.depthwise_conv2d %x, %w {pads = array<i64: 1, 1, 1, 1>}
      : (tensor<2x4x8x8xf32>, !effai.weight<8x1x3x3xf32, #effai.encoding<
           value = #effai.float, sparsity = #effai.channel<kept = 3>>>)
      -> tensor<2x8x8x8xf32>
  return %y : tensor<2x8x8x8xf32>
}

// Unstructured sparsity, decompressed with unpack; an explicit dense
// sparsity is the default and is not printed.
// CHECK-LABEL: func.func @unpack_unstructured
// CHECK: %[[W:.*]] = effai.pack %{{.*}} indices(%{{.*}} : tensor<5x2xi32>) : tensor<5xi8> -> !effai.weight<4x6xf32, #[[UNSTRUCT]]>
// CHECK: effai.unpack %[[W]] : !effai.weight<4x6xf32, #[[UNSTRUCT]]> -> tensor<4x6xf32>
// CHECK: effai.pack %{{.*}} : tensor<4x6xi8> -> !effai.weight<4x6xf32, #[[SPELLED_DENSE]]>
func.func @unpack_unstructured(%v: tensor<5xi8>, %rc: tensor<5x2xi32>, %d: tensor<4x6xi8>)
    -> (tensor<4x6xf32>, !effai.weight<4x6xf32, #effai.encoding<
          value = #effai.affine<!quant.uniform<i8:f32, 0.1>>>>) {
  %w = effai.pack %v indices(%rc : tensor<5x2xi32>) : tensor<5xi8>
      -> !effai.weight<4x6xf32, #effai.encoding<
           value = #effai.affine<!quant.uniform<i8:f32, 0.05>>,
           sparsity = #effai.unstructured<nnz = 5>>>
  %dense = effai.unpack %w : !effai.weight<4x6xf32, #effai.encoding<
      value = #effai.affine<!quant.uniform<i8:f32, 0.05>>,
      sparsity = #effai.unstructured<nnz = 5>>> -> tensor<4x6xf32>
  %w2 = effai.pack %d : tensor<4x6xi8> -> !effai.weight<4x6xf32, #effai.encoding<
      value = #effai.affine<!quant.uniform<i8:f32, 0.1>>, sparsity = #effai.dense>>
  return %dense, %w2 : tensor<4x6xf32>, !effai.weight<4x6xf32, #effai.encoding<
      value = #effai.affine<!quant.uniform<i8:f32, 0.1>>>>
}

// CHECK-LABEL: func.func @requantize
// CHECK: effai.requantize %{{.*}} : tensor<8x16x!quant.uniform<i32:f32, 1.000000e-04>> -> tensor<8x16x!quant.uniform<i8:f32, 5.000000e-02:-3>>
func.func @requantize(%acc: tensor<8x16x!quant.uniform<i32:f32, 1.0e-4>>)
    -> tensor<8x16x!quant.uniform<i8:f32, 0.05:-3>> {
  %y = effai.requantize %acc : tensor<8x16x!quant.uniform<i32:f32, 1.0e-4>>
      -> tensor<8x16x!quant.uniform<i8:f32, 0.05:-3>>
  return %y : tensor<8x16x!quant.uniform<i8:f32, 0.05:-3>>
}
