// The effai_fpga dialect round-trips: an accelerator for the digits CNN's
// shape (conv, ReLU as clamp, max pool, conv with fused requantization,
// pool, linear to i32 accumulators) with folding decisions on some PEs.
// RUN: %effai_opt %s | %effai_opt | FileCheck %s

// CHECK-LABEL: effai_fpga.accelerator @digits_cnn
// CHECK-SAME: inputs [#effai_fpga.port<name = "input", shape = [1, 8, 8], scales = [0.0039215{{[0-9]*}}], zero_point = 0>]
// CHECK-SAME: outputs [#effai_fpga.port<name = "logits", shape = [2], scales = [1.000000e-02, 2.000000e-02], zero_point = 0>]
// CHECK: ^bb0(%[[X:.*]]: !effai_fpga.stream<8x8x1xui8>):
// CHECK: %[[C1:.*]] = effai_fpga.conv2d %[[X]] {bias = dense<0> : tensor<4xi32>, fold = #effai_fpga.fold<pe = 4, simd = 1, arithmetic = "dsp-packed", storage = "lutram", acc_bits = 14, fifo_depth = 2, skip_zeros = false>, input_zero_point = 0 : i64, pads = array<i64: 1, 1, 1, 1>, requant = #effai_fpga.requant<multipliers = [1518500250], shifts = [38], zero_point = 0, min = 0, max = 255>, strides = array<i64: 1, 1>, weights = dense<1> : tensor<4x3x3x1xi8>} : !effai_fpga.stream<8x8x1xui8> -> !effai_fpga.stream<8x8x4xui8>
// CHECK: %[[R:.*]] = effai_fpga.clamp %[[C1]] {max = 255 : i64, min = 3 : i64} : !effai_fpga.stream<8x8x4xui8> -> !effai_fpga.stream<8x8x4xui8>
// CHECK: %[[P:.*]] = effai_fpga.maxpool %[[R]] {strides = array<i64: 2, 2>, window = array<i64: 2, 2>} : !effai_fpga.stream<8x8x4xui8> -> !effai_fpga.stream<4x4x4xui8>
// CHECK: effai_fpga.conv2d %[[P]] {{.*}}groups = 2 : i64{{.*}}weights = dense<-2> : tensor<2x3x3x2xi8>} : !effai_fpga.stream<4x4x4xui8> -> !effai_fpga.stream<2x2x2xui8>
// CHECK: %[[L:.*]] = effai_fpga.linear %{{.*}} {bias = dense<[1, -1]> : tensor<2xi32>, fold = #effai_fpga.fold<pe = 2, simd = 8, arithmetic = "shift-add", storage = "registers", acc_bits = 18, fifo_depth = 1, skip_zeros = false>, input_zero_point = 0 : i64, weights = dense<4> : tensor<2x8xi8>} : !effai_fpga.stream<8xui8> -> !effai_fpga.stream<2xi32>
// CHECK: effai_fpga.yield %[[L]] : !effai_fpga.stream<2xi32>
effai_fpga.accelerator @digits_cnn
    inputs [#effai_fpga.port<name = "input", shape = [1, 8, 8], scales = [0.0039215686], zero_point = 0>]
    outputs [#effai_fpga.port<name = "logits", shape = [2], scales = [0.01, 0.02], zero_point = 0>] {
^bb0(%x: !effai_fpga.stream<8x8x1xui8>):
  %c1 = effai_fpga.conv2d %x {weights = dense<1> : tensor<4x3x3x1xi8>,
      bias = dense<0> : tensor<4xi32>, input_zero_point = 0,
      strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>,
      requant = #effai_fpga.requant<multipliers = [1518500250], shifts = [38],
                                    zero_point = 0, min = 0, max = 255>,
      fold = #effai_fpga.fold<pe = 4, simd = 1, arithmetic = "dsp-packed",
                              storage = "lutram", acc_bits = 14, fifo_depth = 2, skip_zeros = false>}
      : !effai_fpga.stream<8x8x1xui8> -> !effai_fpga.stream<8x8x4xui8>
  %r = effai_fpga.clamp %c1 {min = 3, max = 255}
      : !effai_fpga.stream<8x8x4xui8> -> !effai_fpga.stream<8x8x4xui8>
  %p = effai_fpga.maxpool %r {window = array<i64: 2, 2>, strides = array<i64: 2, 2>}
      : !effai_fpga.stream<8x8x4xui8> -> !effai_fpga.stream<4x4x4xui8>
  %c2 = effai_fpga.conv2d %p {weights = dense<-2> : tensor<2x3x3x2xi8>,
      bias = dense<[5, 6]> : tensor<2xi32>, input_zero_point = 3, groups = 2,
      strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 0, 0>,
      requant = #effai_fpga.requant<multipliers = [1073741824, 1518500250],
                                    shifts = [31, 33], zero_point = 0, min = 0, max = 255>}
      : !effai_fpga.stream<4x4x4xui8> -> !effai_fpga.stream<2x2x2xui8>
  %p2 = effai_fpga.maxpool %c2 {window = array<i64: 1, 1>, strides = array<i64: 1, 1>}
      : !effai_fpga.stream<2x2x2xui8> -> !effai_fpga.stream<2x2x2xui8>
  %f = effai_fpga.linear %p2 {weights = dense<1> : tensor<8x8xi8>,
      bias = dense<0> : tensor<8xi32>, input_zero_point = 0,
      requant = #effai_fpga.requant<multipliers = [1073741824], shifts = [31],
                                    zero_point = 0, min = 0, max = 255>}
      : !effai_fpga.stream<2x2x2xui8> -> !effai_fpga.stream<8xui8>
  %l = effai_fpga.linear %f {weights = dense<4> : tensor<2x8xi8>,
      bias = dense<[1, -1]> : tensor<2xi32>, input_zero_point = 0,
      fold = #effai_fpga.fold<pe = 2, simd = 8, arithmetic = "shift-add",
                              storage = "registers", acc_bits = 18, fifo_depth = 1, skip_zeros = false>}
      : !effai_fpga.stream<8xui8> -> !effai_fpga.stream<2xi32>
  effai_fpga.yield %l : !effai_fpga.stream<2xi32>
}
