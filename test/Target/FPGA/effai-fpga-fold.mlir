// effai-fpga-fold: each PE's build for the module's FPGA target, the
// fastest design within the budget.
// RUN: %effai_opt %s -split-input-file --effai-set-target=target=xczu9eg --effai-fpga-fold | FileCheck %s --check-prefix=ZU9
// RUN: %effai_opt %s -split-input-file --effai-set-target=target=xczu9eg --effai-fpga-fold | %effai_translate --fpga-report-table -split-input-file | FileCheck %s --check-prefix=ZU9-REPORT
// RUN: %effai_opt %s -split-input-file --effai-set-target=target=ice40up5k --effai-fpga-fold | %effai_translate --fpga-report-table -split-input-file | FileCheck %s --check-prefix=ICE40-REPORT

// The xczu9eg builds the first conv fully parallel (its 10 x 10 input loop
// and 64 outputs of one step each: 164 cycles, the floor of the design),
// its constant weights multiplied in LUTs (a few adders each, cheaper
// than 144 DSPs); the other PEs need no more than 164
// cycles and take the cheapest builds that meet it (the last visits only
// its non-zero weights). Every FIFO holds a frame of its stream (64, 16
// and 16 beats), so each PE can run a frame ahead of its reader; the last
// PE writes the output port. The iCE40 UP5K folds the same model 10x more
// to fit (a slower design on the smaller part).
// ZU9-LABEL: effai_fpga.accelerator @cnn
// ZU9: effai_fpga.conv2d {{.*}}fold = #effai_fpga.fold<pe = 8, simd = 36, arithmetic = "lut-mul", storage = "registers", acc_bits = 18, fifo_depth = 64, skip_zeros = false>
// ZU9: effai_fpga.maxpool {{.*}}fold = #effai_fpga.fold<pe = 1, simd = 1, arithmetic = "none", storage = "registers", acc_bits = 8, fifo_depth = 16, skip_zeros = false>
// ZU9: effai_fpga.conv2d {{.*}}fold = #effai_fpga.fold<pe = 1, simd = 2, {{.*}} fifo_depth = 16, skip_zeros = false>
// ZU9: effai_fpga.linear {{.*}}fold = #effai_fpga.fold<pe = {{[0-9]+}}, simd = {{[0-9]+}}, {{.*}}, fifo_depth = 2, skip_zeros = true>
// ZU9-REPORT: conv2d0 conv2d 8x8x4 u8 8x8x8 u8 5 18 lut-mul 8 36 registers 164
// ZU9-REPORT: interval 164 cycles: 1829268 frames/s
// ICE40-REPORT: total: dsp {{[0-8]}}/8 ({{.*}}) lut {{[0-9]+}}/5280 ({{[0-7][0-9]\.[0-9]}}%)
// ICE40-REPORT: interval 1636 cycles: 14670 frames/s

effai_fpga.accelerator @cnn inputs [#effai_fpga.port<name = "x", shape = [4, 8, 8], scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = [8], scales = [1.0], zero_point = 0>] {
^bb0(%x: !effai_fpga.stream<8x8x4xui8>):
  %c = effai_fpga.conv2d %x {weights = dense<11> : tensor<8x3x3x4xi8>, bias = dense<0> : tensor<8xi32>, input_zero_point = 0, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, requant = #effai_fpga.requant<multipliers = [1073741824], shifts = [45], zero_point = 0, min = 0, max = 255>} : !effai_fpga.stream<8x8x4xui8> -> !effai_fpga.stream<8x8x8xui8>
  %p = effai_fpga.maxpool %c {window = array<i64: 2, 2>, strides = array<i64: 2, 2>} : !effai_fpga.stream<8x8x8xui8> -> !effai_fpga.stream<4x4x8xui8>
  %c2 = effai_fpga.conv2d %p {weights = dense<11> : tensor<2x1x1x8xi8>, bias = dense<0> : tensor<2xi32>, input_zero_point = 0, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, requant = #effai_fpga.requant<multipliers = [1073741824], shifts = [40], zero_point = 0, min = 0, max = 255>} : !effai_fpga.stream<4x4x8xui8> -> !effai_fpga.stream<4x4x2xui8>
  %l = effai_fpga.linear %c2 {weights = dense<[[0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 11, 0, 0, 0, 0, 0, 0, 0, 13, 0, 0, 0, 0, 0, 0, 0, 0], [11, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -3, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -3, 0, 0, 0, 0, -3, 0], [-3, 0, 0, 0, 0, 0, 0, 0, 0, 13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -7, 0, 0, 0, 0, 0, 0, 0], [0, 11, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 13, 9, 0, 11, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 9, 0, -7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -3, 0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 13, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0]]> : tensor<8x32xi8>, bias = dense<0> : tensor<8xi32>, input_zero_point = 0} : !effai_fpga.stream<4x4x2xui8> -> !effai_fpga.stream<8xi32>
  effai_fpga.yield %l : !effai_fpga.stream<8xi32>
}

// -----

// At most 4 of 32 weights kept per output. Fully parallel (one step), the
// weights and the kept weights' input indices are constants: 4 lanes per
// output visit the kept weights, each wired to its input (no
// multiplexer), cheaper than 32 lanes of which synthesis drops the
// products by zero.
// ZU9-LABEL: effai_fpga.accelerator @pruned
// ZU9: effai_fpga.linear {{.*}}fold = #effai_fpga.fold<pe = 8, simd = 4, arithmetic = "lut-mul", storage = "registers", {{.*}}skip_zeros = true>
// ZU9-REPORT: linear0 linear 32 u8 8 i32 5 15 lut-mul 8 4 registers/sparse 2
effai_fpga.accelerator @pruned inputs [#effai_fpga.port<name = "x", shape = [32], scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = [8], scales = [1.0], zero_point = 0>] {
^bb0(%x: !effai_fpga.stream<32xui8>):
  %l = effai_fpga.linear %x {weights = dense<[[0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 11, 0, 0, 0, 0, 0, 0, 0, 13, 0, 0, 0, 0, 0, 0, 0, 0], [11, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -3, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -3, 0, 0, 0, 0, -3, 0], [-3, 0, 0, 0, 0, 0, 0, 0, 0, 13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -7, 0, 0, 0, 0, 0, 0, 0], [0, 11, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 13, 9, 0, 11, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 9, 0, -7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -3, 0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 13, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0]]> : tensor<8x32xi8>, bias = dense<0> : tensor<8xi32>, input_zero_point = 0} : !effai_fpga.stream<32xui8> -> !effai_fpga.stream<8xi32>
  effai_fpga.yield %l : !effai_fpga.stream<8xi32>
}

// -----

// Weights that are all powers of two (4) and weights that are not (11).
// On the xczu9eg both are constants: the power-of-two layer of shifts and
// adds (the DSPs are the requantization's), the other's products in LUTs
// (a multiplier by a constant is a few adders). The iCE40 UP5K (8 DSPs,
// 5280 LUTs) folds both to fit, products in LUTs: a 4-bit weight's are
// three adders, cheaper than its shifters.
// ZU9-REPORT: accelerator @pow2
// ZU9-REPORT: linear0 linear 64 u8 16 u8 4 {{[0-9]+}} shift-add 16 64 registers 2 32
// ZU9-REPORT: linear1 linear 16 u8 16 i32 5 {{[0-9]+}} lut-mul 16 16 registers 2 0
// ICE40-REPORT: accelerator @pow2
// ICE40-REPORT: linear0 linear 64 u8 16 u8 4 {{[0-9]+}} lut-mul 1 16
// ICE40-REPORT: linear1 linear 16 u8 16 i32 5 {{[0-9]+}} lut-mul 2 2
effai_fpga.accelerator @pow2 inputs [#effai_fpga.port<name = "x", shape = [64], scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = [16], scales = [1.0], zero_point = 0>] {
^bb0(%x: !effai_fpga.stream<64xui8>):
  %a = effai_fpga.linear %x {weights = dense<4> : tensor<16x64xi8>, bias = dense<0> : tensor<16xi32>, input_zero_point = 0, requant = #effai_fpga.requant<multipliers = [1073741824], shifts = [45], zero_point = 0, min = 0, max = 255>} : !effai_fpga.stream<64xui8> -> !effai_fpga.stream<16xui8>
  %b = effai_fpga.linear %a {weights = dense<11> : tensor<16x16xi8>, bias = dense<0> : tensor<16xi32>, input_zero_point = 0} : !effai_fpga.stream<16xui8> -> !effai_fpga.stream<16xi32>
  effai_fpga.yield %b : !effai_fpga.stream<16xi32>
}
