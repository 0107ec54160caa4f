// RUN: %effai_opt %s --split-input-file --effai-lower-quantize-casts | FileCheck %s

// Per tensor: divide, round half to even, add the zero point, saturate to
// the storage range in float, convert.
// CHECK-LABEL: func.func @per_tensor
// CHECK-DAG:     %[[HI:.*]] = arith.constant 2.550000e+02 : f32
// CHECK-DAG:     %[[LO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG:     %[[SCALE:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-DAG:     %[[ZP:.*]] = arith.constant 3.000000e+00 : f32
// CHECK:         %[[CODES:.*]] = linalg.generic
// CHECK-SAME:      ins(%{{.*}} : tensor<6xf32>) outs(%{{.*}} : tensor<6xi8>)
// CHECK:           %[[S:.*]] = arith.divf %{{.*}}, %[[SCALE]] : f32
// CHECK:           %[[R:.*]] = math.roundeven %[[S]] : f32
// CHECK:           %[[Z:.*]] = arith.addf %[[R]], %[[ZP]] : f32
// CHECK:           %[[A:.*]] = arith.maxnumf %[[Z]], %[[LO]] : f32
// CHECK:           %[[B:.*]] = arith.minnumf %[[A]], %[[HI]] : f32
// CHECK:           %[[C:.*]] = arith.fptoui %[[B]] : f32 to i8
// CHECK:           linalg.yield %[[C]] : i8
// CHECK:         quant.scast %[[CODES]] : tensor<6xi8> to tensor<6x!quant.uniform<u8:f32, 5.000000e-01:3>>
// CHECK-NOT:     quant.qcast
func.func @per_tensor(%x: tensor<6xf32>) -> tensor<6x!quant.uniform<u8:f32, 0.5:3>> {
  %q = quant.qcast %x : tensor<6xf32> to tensor<6x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<6x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// Zero point 0: no add. Signed storage with a narrow range: fptosi and the
// type's own bounds, not i8's.
// CHECK-LABEL: func.func @narrow_signed
// CHECK-DAG:     arith.constant 1.270000e+02 : f32
// CHECK-DAG:     arith.constant -1.270000e+02 : f32
// CHECK:         linalg.generic
// CHECK:           arith.divf
// CHECK-NEXT:      math.roundeven
// CHECK-NEXT:      arith.maxnumf
// CHECK-NEXT:      arith.minnumf
// CHECK-NEXT:      arith.fptosi %{{.*}} : f32 to i8
func.func @narrow_signed(%x: tensor<2x3xf32>) -> tensor<2x3x!quant.uniform<i8<-127:127>:f32, 0.25>> {
  %q = quant.qcast %x : tensor<2x3xf32> to tensor<2x3x!quant.uniform<i8<-127:127>:f32, 0.25>>
  return %q : tensor<2x3x!quant.uniform<i8<-127:127>:f32, 0.25>>
}

// -----

// Per axis, with a dynamic dimension: the scales and zero points are tables
// read at the element's channel (dimension 1).
// CHECK-DAG:   #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG:   #[[CHANNEL:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @per_axis
// CHECK-SAME:    (%[[X:.*]]: tensor<?x2xf32>)
// CHECK-DAG:     %[[SCALES:.*]] = arith.constant dense<[5.000000e-01, 2.500000e-01]> : tensor<2xf32>
// CHECK-DAG:     %[[ZPS:.*]] = arith.constant dense<[0.000000e+00, 1.000000e+00]> : tensor<2xf32>
// CHECK:         %[[DIM:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x2xf32>
// CHECK:         %[[EMPTY:.*]] = tensor.empty(%[[DIM]]) : tensor<?x2xi8>
// CHECK:         linalg.generic {indexing_maps = [#[[ID]], #[[CHANNEL]], #[[CHANNEL]], #[[ID]]]
// CHECK-SAME:      ins(%[[X]], %[[SCALES]], %[[ZPS]] : tensor<?x2xf32>, tensor<2xf32>, tensor<2xf32>)
// CHECK:         ^bb0(%[[IN:.*]]: f32, %[[S:.*]]: f32, %[[Z:.*]]: f32, %{{.*}}: i8):
// CHECK:           arith.divf %[[IN]], %[[S]] : f32
// CHECK:           arith.addf %{{.*}}, %[[Z]] : f32
func.func @per_axis(%x: tensor<?x2xf32>) -> tensor<?x2x!quant.uniform<i8:f32:1, {0.5, 0.25:1}>> {
  %q = quant.qcast %x : tensor<?x2xf32> to tensor<?x2x!quant.uniform<i8:f32:1, {0.5, 0.25:1}>>
  return %q : tensor<?x2x!quant.uniform<i8:f32:1, {0.5, 0.25:1}>>
}

// -----

// i32 storage: 2^31 - 1 is not an f32, so the upper bound is the largest
// f32 below it (2147483520); 2^31 would convert to poison.
// CHECK-LABEL: func.func @wide_storage
// CHECK-DAG:     arith.constant 2.14748352E+9 : f32
// CHECK-DAG:     arith.constant -2.14748365E+9 : f32
// CHECK:         arith.fptosi %{{.*}} : f32 to i32
func.func @wide_storage(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i32:f32, 0.01>> {
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i32:f32, 0.01>>
  return %q : tensor<4x!quant.uniform<i32:f32, 0.01>>
}

// -----

// Scalars and dequantizing casts are not this pass's: lower-quant-ops
// lowers them.
// CHECK-LABEL: func.func @left_alone
// CHECK:         quant.qcast %{{.*}} : f32 to !quant.uniform<i8:f32, 5.000000e-01>
// CHECK:         quant.dcast %{{.*}} : tensor<4x!quant.uniform<i8:f32, 5.000000e-01>> to tensor<4xf32>
// CHECK-NOT:     linalg.generic
func.func @left_alone(%s: f32, %t: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> (!quant.uniform<i8:f32, 0.5>, tensor<4xf32>) {
  %q = quant.qcast %s : f32 to !quant.uniform<i8:f32, 0.5>
  %d = quant.dcast %t : tensor<4x!quant.uniform<i8:f32, 0.5>> to tensor<4xf32>
  return %q, %d : !quant.uniform<i8:f32, 0.5>, tensor<4xf32>
}
