// The FPGA estimator on explicit folds (effai-translate --fpga-report):
// cycles are the PE loops' iterations, DSPs exact by rule.
// RUN: %effai_translate --fpga-report %s | FileCheck %s
// RUN: %effai_translate --fpga-report-table %s | FileCheck %s --check-prefix=TABLE
// RUN: not %effai_translate --fpga-report %S/Inputs/no-target.mlir 2>&1 | FileCheck %S/Inputs/no-target.mlir --check-prefix=NOTARGET

// Linear, 10 x 64 weights, pe = 2, simd = 8: one input beat, then
// (10 / 2) * (64 / 8) = 40 MAC steps: 41 cycles. 16 products of a 9-bit
// operand (u8 minus zero point 0) and a 2-bit weight: 16 DSP48E2s; packed
// two per DSP: 8.
// CHECK: "interval_cycles": 41,
// CHECK: "name": "dense",
// CHECK: "arithmetic": "dsp",
// CHECK: "cycles": 41,
// CHECK: "macs": 640,
// CHECK: "dsp": 16,
// CHECK: "weight_bits": 2
// CHECK: "name": "packed",
// CHECK: "arithmetic": "dsp-packed",
// CHECK: "dsp": 8,

// Conv 3x3, 4 output channels, padding 1 over 8 x 8: 10 x 10 input loop
// iterations and 64 outputs of one step each (pe = 4, simd = 9): 164
// cycles. Its weights (all 1) are constants, yet each of its 36 products
// is a DSP (yosys maps products to DSPs before it reads the ROM); 4
// requantization multiplies of a 13-bit accumulator (9 x 255 < 2^12) by an
// unsigned 32-bit multiplier take 2 DSPs each: 44 DSPs. The pool reads 64
// pixels in 64 cycles.
// CHECK: "interval_cycles": 164,
// CHECK: "name": "window",
// CHECK: "arithmetic": "dsp",
// CHECK: "cycles": 164,
// CHECK: "dsp": 44,
// CHECK: "cycles": 64,
// CHECK: "op": "maxpool",
// CHECK: "dsp": 0,
// CHECK: "part": "xczu9eg-ffvb1156-2-e"

// TABLE: FPGA report: xczu9eg-ffvb1156-2-e (xczu9eg) at 300 MHz
// TABLE: accelerator @dense
// TABLE: linear0 linear 64 u8 10 i32 2 15 dsp 2 8 lutram 41 16
// TABLE: interval 41 cycles: 7317073 frames/s
// TABLE: accelerator @window
// TABLE: conv2d0 conv2d 8x8x1 u8 8x8x4 u8 2 13 dsp 4 9 registers 164 44
// TABLE: maxpool1 maxpool 8x8x4 u8 4x4x4 u8 - - none 1 1 - 64 0
// TABLE: interval 164 cycles: 1829268 frames/s
module attributes {effai.target = #effai.target<name = "xczu9eg", kind = fpga, triple = "fpga-zynquplus", cpu = "xczu9eg-ffvb1156-2-e", features = [], vector_bits = 32, vector_registers = 1, fma_latency = 1, fma_per_cycle = 1, loads_per_cycle = 1, clock_ghz = 0.3, cores = 1, peaks = #effai.peaks<fp32 = 504.0, bf16 = 504.0, int8 = 3024.0, int32 = 1284.8>, memory = [#effai.memory<name = "BRAM", size = 4202496, line = 4, ways = 0, shared_by = 1, bandwidth = 2462.4, shared_bandwidth = 2462.4>], fork_join_us = 0.0, fpga = #effai.fpga<family = "zynquplus", part = "xczu9eg-ffvb1156-2-e", dsp = 2520, dsp_a_bits = 27, dsp_b_bits = 18, lut = 274080, lut_inputs = 6, ff = 548160, bram = 1824, bram_bits = 18432, uram = 0, uram_bits = 294912>>} {
  effai_fpga.accelerator @dense inputs [#effai_fpga.port<name = "x", shape = [64], scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = [10], scales = [1.0], zero_point = 0>] {
  ^bb0(%x: !effai_fpga.stream<64xui8>):
    %y = effai_fpga.linear %x {weights = dense<1> : tensor<10x64xi8>, bias = dense<0> : tensor<10xi32>, input_zero_point = 0, fold = #effai_fpga.fold<pe = 2, simd = 8, arithmetic = "dsp", storage = "lutram", acc_bits = 15, fifo_depth = 2, skip_zeros = false>} : !effai_fpga.stream<64xui8> -> !effai_fpga.stream<10xi32>
    effai_fpga.yield %y : !effai_fpga.stream<10xi32>
  }
  effai_fpga.accelerator @packed inputs [#effai_fpga.port<name = "x", shape = [64], scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = [10], scales = [1.0], zero_point = 0>] {
  ^bb0(%x: !effai_fpga.stream<64xui8>):
    %y = effai_fpga.linear %x {weights = dense<1> : tensor<10x64xi8>, bias = dense<0> : tensor<10xi32>, input_zero_point = 0, fold = #effai_fpga.fold<pe = 2, simd = 8, arithmetic = "dsp-packed", storage = "lutram", acc_bits = 15, fifo_depth = 2, skip_zeros = false>} : !effai_fpga.stream<64xui8> -> !effai_fpga.stream<10xi32>
    effai_fpga.yield %y : !effai_fpga.stream<10xi32>
  }
  effai_fpga.accelerator @window inputs [#effai_fpga.port<name = "x", shape = [1, 8, 8], scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = [4, 4, 4], scales = [1.0], zero_point = 0>] {
  ^bb0(%x: !effai_fpga.stream<8x8x1xui8>):
    %c = effai_fpga.conv2d %x {weights = dense<1> : tensor<4x3x3x1xi8>, bias = dense<0> : tensor<4xi32>, input_zero_point = 0, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, requant = #effai_fpga.requant<multipliers = [1073741824], shifts = [40], zero_point = 0, min = 0, max = 255>, fold = #effai_fpga.fold<pe = 4, simd = 9, arithmetic = "dsp", storage = "registers", acc_bits = 13, fifo_depth = 2, skip_zeros = false>} : !effai_fpga.stream<8x8x1xui8> -> !effai_fpga.stream<8x8x4xui8>
    %p = effai_fpga.maxpool %c {window = array<i64: 2, 2>, strides = array<i64: 2, 2>} : !effai_fpga.stream<8x8x4xui8> -> !effai_fpga.stream<4x4x4xui8>
    effai_fpga.yield %p : !effai_fpga.stream<4x4x4xui8>
  }
}
