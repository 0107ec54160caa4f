// RUN: %effai_opt %s --split-input-file --verify-diagnostics --effai-quantize="weight-bits=2" | FileCheck %s

// A Gram matrix of the wrong size is ignored with a warning: rounded alone.
// CHECK-LABEL: func.func @wrong_size
// CHECK: arith.constant dense<{{\[}}[1, 0, 0]]> : tensor<1x3xi2>
func.func @wrong_size(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  %v = arith.constant dense<[[1.0, 0.4, 0.4]]> : tensor<1x3xf32>
  %w = effai.pack %v : tensor<1x3xf32> -> !effai.weight<1x3xf32, #effai.encoding<value = #effai.float>>
  // expected-warning @+1 {{effai-quantize: effai.input_gram ignored: expected 3x3 f32 for this weight, got 'tensor<2x2xf32>'}}
  %y = effai.linear %x, %w {effai.input_gram = dense<1.0> : tensor<2x2xf32>} : (tensor<2x3xf32>, !effai.weight<1x3xf32, #effai.encoding<value = #effai.float>>) -> tensor<2x1xf32>
  return %y : tensor<2x1xf32>
}

// -----

// Not positive definite, even damped (a Gram matrix never is: this one was
// written by hand): rounded alone, with a warning.
// CHECK-LABEL: func.func @indefinite
// CHECK: arith.constant dense<{{\[}}[1, 0, 0]]> : tensor<1x3xi2>
func.func @indefinite(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  %v = arith.constant dense<[[1.0, 0.4, 0.4]]> : tensor<1x3xf32>
  // expected-warning @+1 {{effai-quantize: effai.input_gram is not positive definite: rounded without error feedback}}
  %w = effai.pack %v : tensor<1x3xf32> -> !effai.weight<1x3xf32, #effai.encoding<value = #effai.float>>
  %y = effai.linear %x, %w {effai.input_gram = dense<[[1.0, 5.0, 0.0], [5.0, 1.0, 0.0], [0.0, 0.0, 1.0]]> : tensor<3x3xf32>} : (tensor<2x3xf32>, !effai.weight<1x3xf32, #effai.encoding<value = #effai.float>>) -> tensor<2x1xf32>
  return %y : tensor<2x1xf32>
}
