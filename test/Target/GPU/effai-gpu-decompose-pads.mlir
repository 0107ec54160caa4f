// effai-gpu-decompose-pads: a pad becomes a fill of the padded tensor (its
// border, a kernel like any linalg op) and an insertion of the source (its
// interior, a strided copy after bufferization).
// RUN: %effai_opt %s --effai-gpu-decompose-pads | FileCheck %s

// CHECK-LABEL: func.func @conv_input
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x8x8xf32>)
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[EMPTY:.*]] = tensor.empty() : tensor<1x1x10x11xf32>
// CHECK: %[[FILL:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[EMPTY]] : tensor<1x1x10x11xf32>)
// CHECK: %[[PAD:.*]] = tensor.insert_slice %[[X]] into %[[FILL]][0, 0, 1, 1] [1, 1, 8, 8] [1, 1, 1, 1]
// CHECK: return %[[PAD]]
// CHECK-NOT: tensor.pad
func.func @conv_input(%x: tensor<1x1x8x8xf32>) -> tensor<1x1x10x11xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 2] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x1x8x8xf32> to tensor<1x1x10x11xf32>
  return %p : tensor<1x1x10x11xf32>
}

// The pad value of a quantized input (its zero point) is the fill's value.
// CHECK-LABEL: func.func @zero_point
// CHECK-SAME: (%[[X:.*]]: tensor<4x4xi8>, %[[ZP:.*]]: i8)
// CHECK: %[[FILL:.*]] = linalg.fill ins(%[[ZP]] : i8)
// CHECK: tensor.insert_slice %[[X]] into %[[FILL]][2, 2] [4, 4] [1, 1]
func.func @zero_point(%x: tensor<4x4xi8>, %zp: i8) -> tensor<6x6xi8> {
  %p = tensor.pad %x low[2, 2] high[0, 0] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zp : i8
  } : tensor<4x4xi8> to tensor<6x6xi8>
  return %p : tensor<6x6xi8>
}
