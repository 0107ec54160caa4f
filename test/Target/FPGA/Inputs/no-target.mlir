// An accelerator without an FPGA effai.target on its module.
// NOTARGET: error: the FPGA report needs an FPGA effai.target
effai_fpga.accelerator @a inputs [#effai_fpga.port<name = "x", shape = [4], scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = [4], scales = [1.0], zero_point = 0>] {
^bb0(%x: !effai_fpga.stream<4xui8>):
  %c = effai_fpga.clamp %x {min = 1, max = 9} : !effai_fpga.stream<4xui8> -> !effai_fpga.stream<4xui8>
  effai_fpga.yield %c : !effai_fpga.stream<4xui8>
}
