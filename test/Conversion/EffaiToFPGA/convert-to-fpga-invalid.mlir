// effai-convert-to-fpga refuses what it cannot map, before any code is
// emitted, with an error at the op naming the reason.
// RUN: %effai_opt %s --effai-convert-to-fpga -split-input-file -verify-diagnostics

// expected-error @+1 {{cannot map to the FPGA target: input #0 must be a float [N, K] or [N, C, H, W] tensor of static shape}}
func.func @dynamic(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  return %x : tensor<?x4xf32>
}

// -----

!w = !effai.weight<2x4xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 1.0>>>>
// expected-error @+1 {{input #0 must be quantized once, per tensor (quant.qcast), before any layer}}
func.func @float_input(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %c = arith.constant dense<1> : tensor<2x4xi8>
  %w = effai.pack %c : tensor<2x4xi8> -> !w
  %y = effai.linear %x, %w : (tensor<1x4xf32>, !w) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

!in = !quant.uniform<u8:f32, 1.0>
!w = !effai.weight<4x4xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 1.0>>>>
// A quantized layer whose float result feeds a float ReLU: the model was
// not integerized.
func.func @not_integerized(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %c = arith.constant dense<1> : tensor<4x4xi8>
  %w = effai.pack %c : tensor<4x4xi8> -> !w
  %q = quant.qcast %x : tensor<1x4xf32> to tensor<1x4x!in>
  %y = effai.linear %q, %w : (tensor<1x4x!in>, !w) -> tensor<1x4xf32>
  %e = tensor.empty() : tensor<1x4xf32>
  %zero = arith.constant 0.0 : f32
  // expected-error @+1 {{it reads the float result of a layer; between layers the accelerator passes integer codes (run effai-integerize}}
  %r = linalg.generic {indexing_maps = [affine_map<(a, b) -> (a, b)>, affine_map<(a, b) -> (a, b)>], iterator_types = ["parallel", "parallel"]} ins(%y : tensor<1x4xf32>) outs(%e : tensor<1x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x4xf32>
  return %r : tensor<1x4xf32>
}

// -----

!in = !quant.uniform<u8:f32, 1.0>
!w = !effai.weight<4x4xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 1.0>>>>
func.func @float_activations(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %c = arith.constant dense<1> : tensor<4x4xi8>
  %w = effai.pack %c : tensor<4x4xi8> -> !w
  %q = quant.qcast %x : tensor<1x4xf32> to tensor<1x4x!in>
  %y = effai.linear %q, %w : (tensor<1x4x!in>, !w) -> tensor<1x4xf32>
  // expected-error @+1 {{it has float activations: quantize the model}}
  %z = effai.linear %y, %w : (tensor<1x4xf32>, !w) -> tensor<1x4xf32>
  return %z : tensor<1x4xf32>
}

// -----

!in = !quant.uniform<u8:f32, 1.0>
!w = !effai.weight<4x4xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 1.0>>>>
func.func @residual(%x: tensor<1x4xf32>) -> (tensor<1x4xf32>, tensor<1x4xf32>) {
  %c = arith.constant dense<1> : tensor<4x4xi8>
  %w = effai.pack %c : tensor<4x4xi8> -> !w
  %q = quant.qcast %x : tensor<1x4xf32> to tensor<1x4x!in>
  %a = effai.linear %q, %w : (tensor<1x4x!in>, !w) -> tensor<1x4x!in>
  %b = effai.linear %a, %w : (tensor<1x4x!in>, !w) -> tensor<1x4xf32>
  // expected-error @+1 {{it reads a value another PE already reads: branching graphs (residual connections) have no stream duplicator yet}}
  %d = effai.linear %a, %w : (tensor<1x4x!in>, !w) -> tensor<1x4xf32>
  return %b, %d : tensor<1x4xf32>, tensor<1x4xf32>
}

// -----

!in = !quant.uniform<u8:f32, 1.0>
func.func @no_pe(%x: tensor<1x4xf32>) -> tensor<1x8xi8> {
  %q = quant.qcast %x : tensor<1x4xf32> to tensor<1x4x!in>
  %s = quant.scast %q : tensor<1x4x!in> to tensor<1x4xi8>
  // expected-error @+1 {{cannot map to the FPGA target: 'tensor.concat' has no processing element on the FPGA target}}
  %c = tensor.concat dim(1) %s, %s : (tensor<1x4xi8>, tensor<1x4xi8>) -> tensor<1x8xi8>
  return %c : tensor<1x8xi8>
}

// -----

!in = !quant.uniform<u8:f32, 1.0>
func.func @add_on_codes(%x: tensor<1x4xf32>) -> tensor<1x4xi8> {
  %q = quant.qcast %x : tensor<1x4xf32> to tensor<1x4x!in>
  %s = quant.scast %q : tensor<1x4x!in> to tensor<1x4xi8>
  %e = tensor.empty() : tensor<1x4xi8>
  %one = arith.constant 1 : i8
  // expected-error @+1 {{its body computes 'arith.addi' on the codes; only ReLU and clamps}}
  %r = linalg.generic {indexing_maps = [affine_map<(a, b) -> (a, b)>, affine_map<(a, b) -> (a, b)>], iterator_types = ["parallel", "parallel"]} ins(%s : tensor<1x4xi8>) outs(%e : tensor<1x4xi8>) {
  ^bb0(%in: i8, %out: i8):
    %m = arith.addi %in, %one : i8
    linalg.yield %m : i8
  } -> tensor<1x4xi8>
  return %r : tensor<1x4xi8>
}

// -----

!in = !quant.uniform<u8:f32, 1.0>
!w = !effai.weight<2x1x3x3xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 1.0>>>>
func.func @dilated(%x: tensor<1x1x8x8xf32>) -> tensor<1x2x4x4xf32> {
  %c = arith.constant dense<1> : tensor<2x1x3x3xi8>
  %w = effai.pack %c : tensor<2x1x3x3xi8> -> !w
  %q = quant.qcast %x : tensor<1x1x8x8xf32> to tensor<1x1x8x8x!in>
  // expected-error @+1 {{cannot map to the FPGA target: dilated convolutions have no PE yet}}
  %y = effai.conv2d %q, %w {dilations = array<i64: 2, 2>} : (tensor<1x1x8x8x!in>, !w) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

!in = !quant.uniform<u8:f32, 1.0>
!w = !effai.weight<2x256xf32, #effai.encoding<value = #effai.pow2<terms = 2, bits = 6, min_exp = 0, max_exp = 15>>>
func.func @overflow(%x: tensor<1x256xf32>) -> tensor<1x2xf32> {
  %c = arith.constant dense<16> : tensor<2x256x2xi8>
  %w = effai.pack %c : tensor<2x256x2xi8> -> !w
  %q = quant.qcast %x : tensor<1x256xf32> to tensor<1x256x!in>
  // expected-error @+1 {{the accumulator of output channel 0 could reach 4278190080, past 32 bits}}
  %y = effai.linear %q, %w : (tensor<1x256x!in>, !w) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

!in = !quant.uniform<u8:f32, 1.0>
func.func @integer_result(%x: tensor<1x4xf32>) -> tensor<1x4x!in> {
  %q = quant.qcast %x : tensor<1x4xf32> to tensor<1x4x!in>
  // expected-error @+1 {{result #0 is integer codes: the FPGA target's outputs are dequantized to floats}}
  return %q : tensor<1x4x!in>
}
