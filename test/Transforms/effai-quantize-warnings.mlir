// RUN: %effai_opt %s --effai-quantize="activations=int8" --verify-diagnostics | FileCheck %s

// Without a calibrated range, or with a weight that stays float (run-time
// values), the input stays float: warned, not guessed.
// CHECK-LABEL: func.func @uncalibrated
// CHECK-NOT: quant.qcast
func.func @uncalibrated(%x: tensor<2x4xf32>, %rt: tensor<3x4xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %v = arith.constant dense<1.0> : tensor<3x4xf32>
  %w = effai.pack %v : tensor<3x4xf32> -> !effai.weight<3x4xf32, #effai.encoding<value = #effai.float>>
  // expected-warning @+1 {{effai-quantize: input left in float: no calibrated effai.input_range}}
  %y = effai.linear %x, %w : (tensor<2x4xf32>, !effai.weight<3x4xf32, #effai.encoding<value = #effai.float>>) -> tensor<2x3xf32>
  %wr = effai.pack %rt : tensor<3x4xf32> -> !effai.weight<3x4xf32, #effai.encoding<value = #effai.float>>
  // expected-warning @+1 {{effai-quantize: input left in float: the weight is not quantized}}
  %z = effai.linear %x, %wr {effai.input_range = array<f64: 0.0, 1.0>} : (tensor<2x4xf32>, !effai.weight<3x4xf32, #effai.encoding<value = #effai.float>>) -> tensor<2x3xf32>
  return %y, %z : tensor<2x3xf32>, tensor<2x3xf32>
}
