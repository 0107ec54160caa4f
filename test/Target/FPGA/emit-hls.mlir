// effai-translate --emit-hls: the Vitis HLS project of a folded
// accelerator. The fold is applied as written: per-PE widths and loop
// bounds in parameters.h, weights one pe x simd word per cycle in
// weights/*.h, a DATAFLOW top with AXI-Stream ports and FIFOs of the
// chosen depths. Nothing is unrolled beyond a PE's pe x simd lanes.
// RUN: %effai_opt %s --effai-set-target=target=xczu9eg | %effai_translate --emit-hls | FileCheck %s
// RUN: %effai_opt %s --effai-set-target=target=xczu9eg | %effai_translate --emit-hls | FileCheck %s --check-prefix=NO-UNROLL

effai_fpga.accelerator @tiny inputs [#effai_fpga.port<name = "image", shape = [2, 4, 4], scales = [0.5], zero_point = 3>] outputs [#effai_fpga.port<name = "scores", shape = [3], scales = [0.25], zero_point = 0>] {
^bb0(%x: !effai_fpga.stream<4x4x2xui8>):
  // Two channels' products per DSP (pairs share the input).
  %c = effai_fpga.conv2d %x {weights = dense<[[[[1, -2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]], [[13, 14], [15, 16], [17, 18]]], [[[-1, 2], [-3, 4], [-5, 6]], [[-7, 8], [-9, 10], [-11, 12]], [[-13, 14], [-15, 16], [-17, 18]]]]> : tensor<2x3x3x2xi8>, bias = dense<[5, -5]> : tensor<2xi32>, input_zero_point = 3, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, requant = #effai_fpga.requant<multipliers = [1073741824, 1610612736], shifts = [36, 37], zero_point = 0, min = 0, max = 255>, fold = #effai_fpga.fold<pe = 2, simd = 6, arithmetic = "dsp-packed", storage = "lutram", acc_bits = 17, fifo_depth = 4, skip_zeros = false>} : !effai_fpga.stream<4x4x2xui8> -> !effai_fpga.stream<4x4x2xui8>
  %p = effai_fpga.maxpool %c {window = array<i64: 2, 2>, strides = array<i64: 2, 2>, fold = #effai_fpga.fold<pe = 1, simd = 1, arithmetic = "none", storage = "registers", acc_bits = 8, fifo_depth = 2, skip_zeros = false>} : !effai_fpga.stream<4x4x2xui8> -> !effai_fpga.stream<2x2x2xui8>
  // Powers of two (and sums of two), pruned: kept weights only, as shifts.
  %l = effai_fpga.linear %p {weights = dense<[[4, 0, 0, 0, 0, 0, -8, 0], [0, 6, 0, 0, 0, 0, 0, 0], [0, 0, 0, -2, 0, 0, 0, 1]]> : tensor<3x8xi8>, bias = dense<[1, 2, 3]> : tensor<3xi32>, input_zero_point = 0, fold = #effai_fpga.fold<pe = 1, simd = 1, arithmetic = "shift-add", storage = "bram", acc_bits = 13, fifo_depth = 2, skip_zeros = true>} : !effai_fpga.stream<2x2x2xui8> -> !effai_fpga.stream<3xi32>
  effai_fpga.yield %l : !effai_fpga.stream<3xi32>
}

// CHECK: // === effai_hls.h ===
// CHECK: #include <ap_int.h>
// CHECK: #include <hls_stream.h>
// CHECK: // === effai_layers.h ===
// CHECK: #pragma HLS PIPELINE II = 1
// CHECK: // === weights/conv2d0.h ===
// Three cycles of 2 x 6 weights: the first six of each channel, ...
// CHECK: static const conv2d0_config::weight_t conv2d0_weights[3][12] = {
// CHECK-NEXT: {1, -2, 3, 4, 5, 6, -1, 2, -3, 4, -5, 6},
// CHECK-NEXT: {7, 8, 9, 10, 11, 12, -7, 8, -9, 10, -11, 12},
// CHECK: static const conv2d0_config::bias_t conv2d0_bias[2] = {5, -5};
// CHECK: conv2d0_requant[2] = {{[{][{]}}1073741824, 36}, {1610612736, 37}};
// CHECK: // === weights/linear2.h ===
// Kept weights with their inputs, one per cycle: 2 + 1 + 2 cycles for the
// three channels; 6 = 2^2 + 2^1 as two terms, the others as one (signs,
// then shifts).
// CHECK: static const linear2_config::weight_t linear2_weights[5][1] = {
// CHECK-NEXT: {{[{][{]}}{1, 0, 2, 0}, 0}},
// CHECK-NEXT: {{[{][{]}}{-1, 0, 3, 0}, 6}},
// CHECK-NEXT: {{[{][{]}}{1, 1, 2, 1}, 1}},
// CHECK-NEXT: {{[{][{]}}{-1, 0, 1, 0}, 3}},
// CHECK-NEXT: {{[{][{]}}{1, 0, 0, 0}, 7}},
// CHECK: (unused: the PE outputs its accumulators)
// CHECK: // === parameters.h ===
// CHECK: struct conv2d0_config {
// CHECK: typedef effai::array<ap_uint<8>, 2> input_beat;
// CHECK: static const int pad_top = 1, pad_left = 1, padded_height = 6, padded_width = 6;
// CHECK: typedef ap_int<9> operand_t;
// CHECK: typedef ap_int<6> weight_t;
// CHECK: typedef ap_int<17> acc_t;
// CHECK: static const int input_zero_point = 3, out_channels = 2, reduction = 18, x_size = 18;
// CHECK: static const int pe = 2, simd = 6, steps = 3;
// CHECK: static const effai::arithmetic arith = effai::arith_dsp_packed;
// CHECK: static int group_steps(int) { return 3; }
// CHECK: struct maxpool1_config {
// CHECK: static const int kernel_h = 2, kernel_w = 2, stride_h = 2, stride_w = 2;
// CHECK: struct linear2_config {
// CHECK: typedef effai::array<ap_int<32>, 3> output_beat;
// CHECK: typedef effai::sparse_weight<effai::pow2_weight<2>, 3> weight_t;
// CHECK: static const effai::arithmetic arith = effai::arith_shift_add;
// CHECK: static const bool requantizes = false;
// CHECK: static int group_steps(int g) {
// CHECK-NEXT: static const int steps[3] = {2, 1, 2};
// CHECK: // === tiny_top.h ===
// CHECK: typedef effai::array<ap_uint<8>, 2> image_beat;
// CHECK: typedef effai::array<ap_int<32>, 3> scores_beat;
// CHECK: void tiny_top(hls::stream<image_beat> &image, hls::stream<scores_beat> &scores);
// CHECK: // === tiny_top.cpp ===
// CHECK: #include "weights/conv2d0.h"
// CHECK: #include "weights/linear2.h"
// CHECK: void tiny_top(hls::stream<image_beat> &image, hls::stream<scores_beat> &scores) {
// CHECK-NEXT: #pragma HLS INTERFACE mode = axis port = image
// CHECK-NEXT: #pragma HLS INTERFACE mode = axis port = scores
// CHECK-NEXT: #pragma HLS INTERFACE mode = ap_ctrl_chain port = return
// CHECK-NEXT: #pragma HLS DATAFLOW
// CHECK-NEXT: #pragma HLS ARRAY_PARTITION variable = conv2d0_weights complete dim = 2
// CHECK-NEXT: #pragma HLS BIND_STORAGE variable = conv2d0_weights type = rom_1p impl = lutram
// CHECK-NEXT: #pragma HLS ARRAY_PARTITION variable = linear2_weights complete dim = 2
// CHECK-NEXT: #pragma HLS BIND_STORAGE variable = linear2_weights type = rom_1p impl = bram
// CHECK-NEXT: hls::stream<conv2d0_config::output_beat, 4> conv2d0_out("conv2d0_out");
// CHECK-NEXT: #pragma HLS STREAM variable = conv2d0_out depth = 4
// CHECK-NEXT: hls::stream<maxpool1_config::output_beat, 2> maxpool1_out("maxpool1_out");
// CHECK-NEXT: #pragma HLS STREAM variable = maxpool1_out depth = 2
// CHECK: EFFAI_PROCESS("conv2d0", effai::conv2d<conv2d0_config>(image, conv2d0_out, conv2d0_weights, conv2d0_bias, conv2d0_requant));
// CHECK-NEXT: EFFAI_PROCESS("maxpool1", effai::maxpool<maxpool1_config>(conv2d0_out, maxpool1_out));
// CHECK-NEXT: EFFAI_PROCESS("linear2", effai::linear<linear2_config>(maxpool1_out, scores, linear2_weights, linear2_bias, linear2_requant));
// CHECK: // === build.tcl ===
// CHECK: set_top tiny_top
// CHECK: set_part {xczu9eg-ffvb1156-2-e}
// CHECK: create_clock -period 3.333

// Loops over frames and cycles stay loops: the only unrolled loops are the
// templates' lanes (pe x simd copies) and per-channel loops of a beat.
// NO-UNROLL: // === weights/conv2d0.h ===
// NO-UNROLL-NOT: UNROLL
