// RUN: %effai_opt %s --split-input-file --effai-quantize="weight-bits=2" | FileCheck %s --check-prefix=INT2
// RUN: %effai_opt %s --split-input-file --effai-quantize="weight-bits=2 error-feedback=false" | FileCheck %s --check-prefix=ALONE
// RUN: %effai_opt %s --split-input-file --effai-quantize="weight-bits=2 refine-sweeps=0" | FileCheck %s --check-prefix=GPTQ
// RUN: %effai_opt %s --split-input-file --effai-shift-quantize="terms=1 bits=3" | FileCheck %s --check-prefix=POW2
// RUN: %effai_opt %s --split-input-file --effai-prune="sparsity=0.34 index=pairs" | FileCheck %s --check-prefix=PRUNE
// RUN: %effai_opt %s --split-input-file --effai-prune="sparsity=0.34 index=pairs" --effai-focused-quantize="bits=3" | FileCheck %s --check-prefix=FOCUSED

// GPTQ-style rounding: the weight row [1, 0.39, 0.4] meets three inputs
// that are always equal (Gram matrix of ones), so only the row's sum
// reaches the output (1.79). Rounded alone (ternary codes, scale 1) it
// becomes [1, 0, 0] (sum 1); with error feedback the second weight's
// rounding error moves onto the third, which rounds up: [1, 0, 1] (sum 2).
// INT2-LABEL: func.func @correlated
// INT2: arith.constant dense<{{\[}}[1, 0, 1]]> : tensor<1x3xi2>
// ALONE-LABEL: func.func @correlated
// ALONE: arith.constant dense<{{\[}}[1, 0, 0]]> : tensor<1x3xi2>
// Powers of two (1, 1/2, 1/4 or 0): alone [1, 0.5, 0.5] (sum 2); with
// feedback 0.39 -> 0.5 pushes the third down to 0.29 -> 0.25 (sum 1.75).
// POW2-LABEL: func.func @correlated
// POW2: arith.constant dense<{{\[}}[3, 2, 1]]> : tensor<1x3xi8>
// Pruning one of three weights removes the 0.39; the kept weights take its
// place (they sum to 1.79, less the damping's share): SparseGPT's pass
// moves it onto the 0.4, coordinate descent then spreads it over both.
// PRUNE-LABEL: func.func @correlated
// PRUNE: arith.constant dense<[1.06{{[0-9]*}}, 0.72{{[0-9]*}}]> : tensor<2xf32>
// Focused codes of that pruned row: its modes' centre is the mean kept
// magnitude of [1.06..., 0.72...] (0.7 without feedback).
// FOCUSED: #effai.focused<bits = 3, min_exp = 0, max_exp = 0, centres = [0.89{{[0-9]*}}]
func.func @correlated(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  %v = arith.constant dense<[[1.0, 0.39, 0.4]]> : tensor<1x3xf32>
  %w = effai.pack %v : tensor<1x3xf32> -> !effai.weight<1x3xf32, #effai.encoding<value = #effai.float>>
  %y = effai.linear %x, %w {effai.input_gram = dense<1.0> : tensor<3x3xf32>} : (tensor<2x3xf32>, !effai.weight<1x3xf32, #effai.encoding<value = #effai.float>>) -> tensor<2x1xf32>
  return %y : tensor<2x1xf32>
}

// -----

// GPTQ's one pass in column order can leave a better code: input 0 is
// independent, inputs 1 and 2 correlate (0.5). The 0.4 rounds to 0 and its
// error pushes the 0.3 to just under 0.5, which rounds to 0 too: [1, 0, 0]
// leaves output error 0.37 (eᵀGe, e = [0, 0.4, 0.3]). Coordinate descent
// then moves the 0.4 up to 1: e = [0, -0.6, 0.3], error 0.27.
// INT2-LABEL: func.func @gptq_leaves_a_move
// INT2: arith.constant dense<{{\[}}[1, 1, 0]]> : tensor<1x3xi2>
// GPTQ-LABEL: func.func @gptq_leaves_a_move
// GPTQ: arith.constant dense<{{\[}}[1, 0, 0]]> : tensor<1x3xi2>
func.func @gptq_leaves_a_move(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  %v = arith.constant dense<[[1.0, 0.4, 0.3]]> : tensor<1x3xf32>
  %w = effai.pack %v : tensor<1x3xf32> -> !effai.weight<1x3xf32, #effai.encoding<value = #effai.float>>
  %y = effai.linear %x, %w {effai.input_gram = dense<[[1.0, 0.0, 0.0], [0.0, 1.0, 0.5], [0.0, 0.5, 1.0]]> : tensor<3x3xf32>} : (tensor<2x3xf32>, !effai.weight<1x3xf32, #effai.encoding<value = #effai.float>>) -> tensor<2x1xf32>
  return %y : tensor<2x1xf32>
}

// -----

// Independent inputs (a diagonal Gram matrix): no error can be absorbed
// elsewhere, so rounding is as without feedback.
// INT2-LABEL: func.func @independent
// INT2: arith.constant dense<{{\[}}[1, 0, 0]]> : tensor<1x3xi2>
// PRUNE-LABEL: func.func @independent
// PRUNE: arith.constant dense<[1.000000e+00, 4.000000e-01]> : tensor<2xf32>
func.func @independent(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  %v = arith.constant dense<[[1.0, 0.39, 0.4]]> : tensor<1x3xf32>
  %w = effai.pack %v : tensor<1x3xf32> -> !effai.weight<1x3xf32, #effai.encoding<value = #effai.float>>
  %y = effai.linear %x, %w {effai.input_gram = dense<[[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 0.5]]> : tensor<3x3xf32>} : (tensor<2x3xf32>, !effai.weight<1x3xf32, #effai.encoding<value = #effai.float>>) -> tensor<2x1xf32>
  return %y : tensor<2x1xf32>
}
