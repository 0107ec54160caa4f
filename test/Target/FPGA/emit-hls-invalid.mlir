// effai-translate --emit-hls refuses what its templates cannot build, with
// an error at the PE and nothing emitted.
// RUN: %effai_opt %s -split-input-file --effai-set-target=target=xczu9eg | not %effai_translate --emit-hls -split-input-file -verify-diagnostics

effai_fpga.accelerator @unfolded inputs [#effai_fpga.port<name = "x", shape = [4], scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = [2], scales = [1.0], zero_point = 0>] {
^bb0(%x: !effai_fpga.stream<4xui8>):
  // expected-error @+1 {{HLS: the PE has no fold (run effai-fpga-fold, or give it #effai_fpga.fold)}}
  %l = effai_fpga.linear %x {weights = dense<3> : tensor<2x4xi8>, bias = dense<0> : tensor<2xi32>, input_zero_point = 0} : !effai_fpga.stream<4xui8> -> !effai_fpga.stream<2xi32>
  effai_fpga.yield %l : !effai_fpga.stream<2xi32>
}

// -----

effai_fpga.accelerator @narrow inputs [#effai_fpga.port<name = "x", shape = [4], scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = [2], scales = [1.0], zero_point = 0>] {
^bb0(%x: !effai_fpga.stream<4xui8>):
  // expected-error @+1 {{HLS: fold acc_bits 8 is narrower than the 13 bits the weights can sum to}}
  %l = effai_fpga.linear %x {weights = dense<3> : tensor<2x4xi8>, bias = dense<0> : tensor<2xi32>, input_zero_point = 0, fold = #effai_fpga.fold<pe = 1, simd = 1, arithmetic = "dsp", storage = "bram", acc_bits = 8, fifo_depth = 2, skip_zeros = false>} : !effai_fpga.stream<4xui8> -> !effai_fpga.stream<2xi32>
  effai_fpga.yield %l : !effai_fpga.stream<2xi32>
}

// -----

effai_fpga.accelerator @not_pow2 inputs [#effai_fpga.port<name = "x", shape = [4], scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = [2], scales = [1.0], zero_point = 0>] {
^bb0(%x: !effai_fpga.stream<4xui8>):
  // expected-error @+1 {{HLS: shift-add needs weights that are sums of at most two powers of two}}
  %l = effai_fpga.linear %x {weights = dense<11> : tensor<2x4xi8>, bias = dense<0> : tensor<2xi32>, input_zero_point = 0, fold = #effai_fpga.fold<pe = 1, simd = 1, arithmetic = "shift-add", storage = "bram", acc_bits = 15, fifo_depth = 2, skip_zeros = false>} : !effai_fpga.stream<4xui8> -> !effai_fpga.stream<2xi32>
  effai_fpga.yield %l : !effai_fpga.stream<2xi32>
}

// -----

// Depthwise: the two channels of a DSP pair read different inputs.
effai_fpga.accelerator @packed_depthwise inputs [#effai_fpga.port<name = "x", shape = [2, 4, 4], scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = [2, 4, 4], scales = [1.0], zero_point = 0>] {
^bb0(%x: !effai_fpga.stream<4x4x2xui8>):
  // expected-error @+1 {{HLS: dsp-packed needs an even pe, channels that read the same inputs (no groups, no skip_zeros), int8 weights and products within 18 bits}}
  %c = effai_fpga.conv2d %x {weights = dense<5> : tensor<2x3x3x1xi8>, bias = dense<0> : tensor<2xi32>, input_zero_point = 0, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, groups = 2, fold = #effai_fpga.fold<pe = 2, simd = 9, arithmetic = "dsp-packed", storage = "registers", acc_bits = 16, fifo_depth = 2, skip_zeros = false>} : !effai_fpga.stream<4x4x2xui8> -> !effai_fpga.stream<4x4x2xi32>
  effai_fpga.yield %c : !effai_fpga.stream<4x4x2xi32>
}

// -----

// expected-error @+1 {{HLS: output 'y' is an input passed through; the accelerator has nothing to compute for it}}
effai_fpga.accelerator @passthrough inputs [#effai_fpga.port<name = "x", shape = [4], scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = [4], scales = [1.0], zero_point = 0>] {
^bb0(%x: !effai_fpga.stream<4xui8>):
  effai_fpga.yield %x : !effai_fpga.stream<4xui8>
}

// -----

// expected-error @+1 {{expected one effai_fpga.accelerator (run effai-fpga-pipeline on an integer-only model)}}
module {
}

// -----

effai_fpga.accelerator @uram inputs [#effai_fpga.port<name = "x", shape = [4], scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = [2], scales = [1.0], zero_point = 0>] {
^bb0(%x: !effai_fpga.stream<4xui8>):
  // expected-error @+1 {{HLS: weights are a ROM, which URAM cannot hold (it has no initial contents): use bram}}
  %l = effai_fpga.linear %x {weights = dense<3> : tensor<2x4xi8>, bias = dense<0> : tensor<2xi32>, input_zero_point = 0, fold = #effai_fpga.fold<pe = 1, simd = 1, arithmetic = "dsp", storage = "uram", acc_bits = 13, fifo_depth = 2, skip_zeros = false>} : !effai_fpga.stream<4xui8> -> !effai_fpga.stream<2xi32>
  effai_fpga.yield %l : !effai_fpga.stream<2xi32>
}
