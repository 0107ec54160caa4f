// Every verifier error of the effai_fpga dialect.
// RUN: %effai_opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{stream elements must be integer codes, got 'f32'}}
func.func private @f(!effai_fpga.stream<4xf32>)

// -----
// expected-error @+1 {{a stream frame is [N] or [H, W, C], got rank 4}}
func.func private @f(!effai_fpga.stream<1x2x2x2xi8>)

// -----
// expected-error @+1 {{stream codes are at most 32 bits, got 'i64'}}
func.func private @f(!effai_fpga.stream<4xi64>)

// -----
// expected-error @+1 {{requant: one shift per multiplier (and at least one)}}
func.func private @f() attributes {r = #effai_fpga.requant<multipliers = [1, 2], shifts = [3], zero_point = 0, min = 0, max = 255>}

// -----
// expected-error @+1 {{requant: multipliers must be in [0, 2^31) and shifts in [1, 62], got 1 >> 0}}
func.func private @f() attributes {r = #effai_fpga.requant<multipliers = [1], shifts = [0], zero_point = 0, min = 0, max = 255>}

// -----
// expected-error @+1 {{requant: need min <= max, got [10, 5]}}
func.func private @f() attributes {r = #effai_fpga.requant<multipliers = [1], shifts = [1], zero_point = 0, min = 10, max = 5>}

// -----
// expected-error @+1 {{fold: unknown arithmetic 'dsp2' (expected dsp, dsp-packed, lut-mul, shift-add or none)}}
func.func private @f() attributes {r = #effai_fpga.fold<pe = 1, simd = 1, arithmetic = "dsp2", storage = "bram", acc_bits = 20, fifo_depth = 2, skip_zeros = false>}

// -----
// expected-error @+1 {{fold: dsp-packed pairs output channels: pe must be even, got 3}}
func.func private @f() attributes {r = #effai_fpga.fold<pe = 3, simd = 1, arithmetic = "dsp-packed", storage = "bram", acc_bits = 20, fifo_depth = 2, skip_zeros = false>}

// -----
// expected-error @+1 {{fold: unknown storage 'sram' (expected registers, lutram, bram or uram)}}
func.func private @f() attributes {r = #effai_fpga.fold<pe = 1, simd = 1, arithmetic = "dsp", storage = "sram", acc_bits = 20, fifo_depth = 2, skip_zeros = false>}

// -----
// expected-error @+1 {{fold: pe and simd must be positive}}
func.func private @f() attributes {r = #effai_fpga.fold<pe = 0, simd = 1, arithmetic = "dsp", storage = "bram", acc_bits = 20, fifo_depth = 2, skip_zeros = false>}

// -----
// expected-error @+1 {{fold: acc_bits must be 1 to 48, got 64}}
func.func private @f() attributes {r = #effai_fpga.fold<pe = 1, simd = 1, arithmetic = "dsp", storage = "bram", acc_bits = 64, fifo_depth = 2, skip_zeros = false>}

// -----
// expected-error @+1 {{has 1 input streams but 0 input ports}}
effai_fpga.accelerator @a inputs [] outputs [] {
^bb0(%x: !effai_fpga.stream<4xui8>):
  effai_fpga.yield
}

// -----
// expected-error @+1 {{yields 1 streams but has 0 output ports}}
effai_fpga.accelerator @a inputs [#effai_fpga.port<name = "x", shape = [4], scales = [1.0], zero_point = 0>] outputs [] {
^bb0(%x: !effai_fpga.stream<4xui8>):
  effai_fpga.yield %x : !effai_fpga.stream<4xui8>
}

// -----
// expected-error @+1 {{input stream #0 must have exactly one reader}}
effai_fpga.accelerator @a inputs [#effai_fpga.port<name = "x", shape = [4], scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = [4], scales = [1.0], zero_point = 0>, #effai_fpga.port<name = "z", shape = [4], scales = [1.0], zero_point = 0>] {
^bb0(%x: !effai_fpga.stream<4xui8>):
  %a = effai_fpga.clamp %x {min = 0, max = 255} : !effai_fpga.stream<4xui8> -> !effai_fpga.stream<4xui8>
  %b = effai_fpga.clamp %x {min = 0, max = 255} : !effai_fpga.stream<4xui8> -> !effai_fpga.stream<4xui8>
  effai_fpga.yield %a, %b : !effai_fpga.stream<4xui8>, !effai_fpga.stream<4xui8>
}

// -----
effai_fpga.accelerator @a inputs [#effai_fpga.port<name = "x", shape = [1, 4, 4], scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = [2, 2, 2], scales = [1.0], zero_point = 0>] {
^bb0(%x: !effai_fpga.stream<4x4x1xui8>):
  // expected-error @+1 {{'effai_fpga.conv2d' op output must be [4, 4, 2], got [2, 2, 2]}}
  %c = effai_fpga.conv2d %x {weights = dense<1> : tensor<2x3x3x1xi8>, bias = dense<0> : tensor<2xi32>, input_zero_point = 0, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, requant = #effai_fpga.requant<multipliers = [1], shifts = [1], zero_point = 0, min = 0, max = 255>} : !effai_fpga.stream<4x4x1xui8> -> !effai_fpga.stream<2x2x2xui8>
  effai_fpga.yield %c : !effai_fpga.stream<2x2x2xui8>
}

// -----
effai_fpga.accelerator @a inputs [#effai_fpga.port<name = "x", shape = [1, 4, 4], scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = [2, 4, 4], scales = [1.0], zero_point = 0>] {
^bb0(%x: !effai_fpga.stream<4x4x1xui8>):
  // expected-error @+1 {{'effai_fpga.conv2d' op weights must be integers of shape [2, 3, 3, 1], got 'tensor<2x3x3x1xf32>'}}
  %c = effai_fpga.conv2d %x {weights = dense<1.0> : tensor<2x3x3x1xf32>, bias = dense<0> : tensor<2xi32>, input_zero_point = 0, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : !effai_fpga.stream<4x4x1xui8> -> !effai_fpga.stream<4x4x2xi32>
  effai_fpga.yield %c : !effai_fpga.stream<4x4x2xi32>
}

// -----
effai_fpga.accelerator @a inputs [#effai_fpga.port<name = "x", shape = [3, 4, 4], scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = [2, 4, 4], scales = [1.0], zero_point = 0>] {
^bb0(%x: !effai_fpga.stream<4x4x3xui8>):
  // expected-error @+1 {{'effai_fpga.conv2d' op groups 2 must divide the input (3) and output (2) channels}}
  %c = effai_fpga.conv2d %x {weights = dense<1> : tensor<2x1x1x1xi8>, bias = dense<0> : tensor<2xi32>, input_zero_point = 0, groups = 2, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : !effai_fpga.stream<4x4x3xui8> -> !effai_fpga.stream<4x4x2xi32>
  effai_fpga.yield %c : !effai_fpga.stream<4x4x2xi32>
}

// -----
effai_fpga.accelerator @a inputs [#effai_fpga.port<name = "x", shape = [8], scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = [2], scales = [1.0], zero_point = 0>] {
^bb0(%x: !effai_fpga.stream<8xui8>):
  // expected-error @+1 {{'effai_fpga.linear' op without requant the output is the i32 accumulators, got 'ui8'}}
  %l = effai_fpga.linear %x {weights = dense<1> : tensor<2x8xi8>, bias = dense<0> : tensor<2xi32>, input_zero_point = 0} : !effai_fpga.stream<8xui8> -> !effai_fpga.stream<2xui8>
  effai_fpga.yield %l : !effai_fpga.stream<2xui8>
}

// -----
effai_fpga.accelerator @a inputs [#effai_fpga.port<name = "x", shape = [8], scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = [2], scales = [1.0], zero_point = 0>] {
^bb0(%x: !effai_fpga.stream<8xui8>):
  // expected-error @+1 {{'effai_fpga.linear' op requantized codes [-128, 127] do not fit 'ui8'}}
  %l = effai_fpga.linear %x {weights = dense<1> : tensor<2x8xi8>, bias = dense<0> : tensor<2xi32>, input_zero_point = 0, requant = #effai_fpga.requant<multipliers = [1], shifts = [1], zero_point = 0, min = -128, max = 127>} : !effai_fpga.stream<8xui8> -> !effai_fpga.stream<2xui8>
  effai_fpga.yield %l : !effai_fpga.stream<2xui8>
}

// -----
effai_fpga.accelerator @a inputs [#effai_fpga.port<name = "x", shape = [8], scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = [2], scales = [1.0], zero_point = 0>] {
^bb0(%x: !effai_fpga.stream<8xui8>):
  // expected-error @+1 {{'effai_fpga.linear' op requant needs 1 or 2 multipliers, got 3}}
  %l = effai_fpga.linear %x {weights = dense<1> : tensor<2x8xi8>, bias = dense<0> : tensor<2xi32>, input_zero_point = 0, requant = #effai_fpga.requant<multipliers = [1, 1, 1], shifts = [1, 1, 1], zero_point = 0, min = 0, max = 255>} : !effai_fpga.stream<8xui8> -> !effai_fpga.stream<2xui8>
  effai_fpga.yield %l : !effai_fpga.stream<2xui8>
}

// -----
effai_fpga.accelerator @a inputs [#effai_fpga.port<name = "x", shape = [8], scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = [2], scales = [1.0], zero_point = 0>] {
^bb0(%x: !effai_fpga.stream<8xui8>):
  // expected-error @+1 {{'effai_fpga.linear' op input_zero_point -1 is not a code of 'ui8'}}
  %l = effai_fpga.linear %x {weights = dense<1> : tensor<2x8xi8>, bias = dense<0> : tensor<2xi32>, input_zero_point = -1} : !effai_fpga.stream<8xui8> -> !effai_fpga.stream<2xi32>
  effai_fpga.yield %l : !effai_fpga.stream<2xi32>
}

// -----
effai_fpga.accelerator @a inputs [#effai_fpga.port<name = "x", shape = [8], scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = [2], scales = [1.0], zero_point = 0>] {
^bb0(%x: !effai_fpga.stream<8xui8>):
  // expected-error @+1 {{'effai_fpga.linear' op bias must be i32 of shape [2], got 'tensor<2xi8>'}}
  %l = effai_fpga.linear %x {weights = dense<1> : tensor<2x8xi8>, bias = dense<0> : tensor<2xi8>, input_zero_point = 0} : !effai_fpga.stream<8xui8> -> !effai_fpga.stream<2xi32>
  effai_fpga.yield %l : !effai_fpga.stream<2xi32>
}

// -----
effai_fpga.accelerator @a inputs [#effai_fpga.port<name = "x", shape = [2, 5, 5], scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = [2, 3, 3], scales = [1.0], zero_point = 0>] {
^bb0(%x: !effai_fpga.stream<5x5x2xui8>):
  // expected-error @+1 {{'effai_fpga.maxpool' op output must be [2, 2, 2], got [3, 3, 2]}}
  %p = effai_fpga.maxpool %x {window = array<i64: 2, 2>, strides = array<i64: 2, 2>} : !effai_fpga.stream<5x5x2xui8> -> !effai_fpga.stream<3x3x2xui8>
  effai_fpga.yield %p : !effai_fpga.stream<3x3x2xui8>
}

// -----
effai_fpga.accelerator @a inputs [#effai_fpga.port<name = "x", shape = [4], scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = [4], scales = [1.0], zero_point = 0>] {
^bb0(%x: !effai_fpga.stream<4xsi8>):
  // expected-error @+1 {{'effai_fpga.clamp' op needs -128 <= min <= max <= 127, got [0, 255]}}
  %c = effai_fpga.clamp %x {min = 0, max = 255} : !effai_fpga.stream<4xsi8> -> !effai_fpga.stream<4xsi8>
  effai_fpga.yield %c : !effai_fpga.stream<4xsi8>
}

// -----
// expected-error @+1 {{port 'x' must have shape [2, 4, 4] for '!effai_fpga.stream<4x4x2xui8>', got [4, 4, 2]}}
effai_fpga.accelerator @a inputs [#effai_fpga.port<name = "x", shape = [4, 4, 2], scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = [2, 4, 4], scales = [1.0], zero_point = 0>] {
^bb0(%x: !effai_fpga.stream<4x4x2xui8>):
  effai_fpga.yield %x : !effai_fpga.stream<4x4x2xui8>
}

// -----
effai_fpga.accelerator @a inputs [#effai_fpga.port<name = "x", shape = [8], scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = [2], scales = [1.0], zero_point = 0>] {
^bb0(%x: !effai_fpga.stream<8xui8>):
  // expected-error @+1 {{'effai_fpga.linear' op fold: a PE with products needs dsp, dsp-packed, lut-mul or shift-add arithmetic}}
  %l = effai_fpga.linear %x {weights = dense<1> : tensor<2x8xi8>, bias = dense<0> : tensor<2xi32>, input_zero_point = 0, fold = #effai_fpga.fold<pe = 1, simd = 1, arithmetic = "none", storage = "registers", acc_bits = 12, fifo_depth = 2, skip_zeros = false>} : !effai_fpga.stream<8xui8> -> !effai_fpga.stream<2xi32>
  effai_fpga.yield %l : !effai_fpga.stream<2xi32>
}

// -----
effai_fpga.accelerator @a inputs [#effai_fpga.port<name = "x", shape = [8], scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = [2], scales = [1.0], zero_point = 0>] {
^bb0(%x: !effai_fpga.stream<8xui8>):
  // expected-error @+1 {{'effai_fpga.linear' op fold: pe 3 must divide the 2 output channels}}
  %l = effai_fpga.linear %x {weights = dense<1> : tensor<2x8xi8>, bias = dense<0> : tensor<2xi32>, input_zero_point = 0, fold = #effai_fpga.fold<pe = 3, simd = 1, arithmetic = "dsp", storage = "bram", acc_bits = 12, fifo_depth = 2, skip_zeros = false>} : !effai_fpga.stream<8xui8> -> !effai_fpga.stream<2xi32>
  effai_fpga.yield %l : !effai_fpga.stream<2xi32>
}

// -----
effai_fpga.accelerator @a inputs [#effai_fpga.port<name = "x", shape = [8], scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = [8], scales = [1.0], zero_point = 0>] {
^bb0(%x: !effai_fpga.stream<8xui8>):
  // expected-error @+1 {{'effai_fpga.clamp' op fold: a PE without products has pe = simd = 1 and arithmetic none}}
  %c = effai_fpga.clamp %x {min = 0, max = 9, fold = #effai_fpga.fold<pe = 1, simd = 1, arithmetic = "dsp", storage = "registers", acc_bits = 8, fifo_depth = 2, skip_zeros = false>} : !effai_fpga.stream<8xui8> -> !effai_fpga.stream<8xui8>
  effai_fpga.yield %c : !effai_fpga.stream<8xui8>
}
