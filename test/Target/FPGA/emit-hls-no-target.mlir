// Without an FPGA target the project has no part to be built for.
// RUN: not %effai_translate --emit-hls %s 2>&1 | FileCheck %s
// CHECK: error: HLS: the module needs an FPGA effai.target (effai-set-target{target=xczu9eg})

effai_fpga.accelerator @a inputs [#effai_fpga.port<name = "x", shape = [4], scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = [2], scales = [1.0], zero_point = 0>] {
^bb0(%x: !effai_fpga.stream<4xui8>):
  %l = effai_fpga.linear %x {weights = dense<3> : tensor<2x4xi8>, bias = dense<0> : tensor<2xi32>, input_zero_point = 0, fold = #effai_fpga.fold<pe = 1, simd = 1, arithmetic = "dsp", storage = "bram", acc_bits = 13, fifo_depth = 2, skip_zeros = false>} : !effai_fpga.stream<4xui8> -> !effai_fpga.stream<2xi32>
  effai_fpga.yield %l : !effai_fpga.stream<2xi32>
}
