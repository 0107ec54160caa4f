// effai-fpga-fold's errors: no FPGA target, a model that cannot fit.
// RUN: not %effai_opt %s --effai-fpga-fold 2>&1 | FileCheck %s --check-prefix=NOTARGET
// RUN: not %effai_opt %s --effai-set-target=target=ice40up5k --effai-fpga-fold 2>&1 | FileCheck %s --check-prefix=HUGE
// NOTARGET: error: effai-fpga-fold needs an FPGA target: run effai-set-target{target=xczu9eg} (or another FPGA preset) first

// A layer too large for the part even fully folded.
// HUGE: error: does not fit iCE40UP5K-SG48 within 80% of its resources even fully folded: needs about {{.*}}; the part has 8 DSP, 5280 LUT, 5280 FF, 30 BRAM, 4 URAM
effai_fpga.accelerator @huge inputs [#effai_fpga.port<name = "x", shape = [4096], scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = [1024], scales = [1.0], zero_point = 0>] {
^bb0(%x: !effai_fpga.stream<4096xui8>):
  %a = effai_fpga.linear %x {weights = dense<11> : tensor<1024x4096xi8>, bias = dense<0> : tensor<1024xi32>, input_zero_point = 0} : !effai_fpga.stream<4096xui8> -> !effai_fpga.stream<1024xi32>
  effai_fpga.yield %a : !effai_fpga.stream<1024xi32>
}
