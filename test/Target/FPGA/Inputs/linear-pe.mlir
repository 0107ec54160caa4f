// One linear PE (4 x 16 weights that are sums of powers of two, pe 2 x simd 4,
// no requantization) whose arithmetic the test substitutes for ARITHMETIC.
effai_fpga.accelerator @pe inputs [#effai_fpga.port<name = "x", shape = [16], scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = [4], scales = [1.0], zero_point = 0>] {
^bb0(%x: !effai_fpga.stream<16xui8>):
  %l = effai_fpga.linear %x {weights = dense<[[4, -8, 2, 1, 16, -2, 0, 32, 4, -8, 2, 1, 16, -2, 0, 32], [1, 2, 4, 8, -1, -2, -4, -8, 1, 2, 4, 8, -1, -2, -4, -8], [64, 0, 0, 2, 64, 0, 0, 2, 64, 0, 0, 2, 64, 0, 0, 2], [-16, 8, -4, 2, -16, 8, -4, 2, -16, 8, -4, 2, -16, 8, -4, 2]]> : tensor<4x16xi8>, bias = dense<[1, 2, 3, 4]> : tensor<4xi32>, input_zero_point = 0, fold = #effai_fpga.fold<pe = 2, simd = 4, arithmetic = "ARITHMETIC", storage = "lutram", acc_bits = 18, fifo_depth = 2, skip_zeros = false>} : !effai_fpga.stream<16xui8> -> !effai_fpga.stream<4xi32>
  effai_fpga.yield %l : !effai_fpga.stream<4xi32>
}
