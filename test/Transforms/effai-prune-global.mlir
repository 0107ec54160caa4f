// RUN: %effai_opt %s --effai-prune="mode=magnitude sparsity=0.5 scope=global index=pairs" 2>&1 | FileCheck %s --check-prefix=GLOBAL
// RUN: %effai_opt %s --effai-prune="mode=magnitude sparsity=0.5 index=pairs" | FileCheck %s --check-prefix=LAYER

// Two weights of 4: one with large values, one with small ones. Per layer,
// 50% keeps 2 of each. Ranked globally, the 4 largest of all 8 are all in
// the first weight: the second loses everything, with a warning.
// GLOBAL: effai-prune-global.mlir:[[# @LINE + 17]]:9: warning: effai-prune: scope=global removes every weight of this layer
// GLOBAL: #[[KEEP4:.*]] = #effai.encoding<value = #effai.float, sparsity = #effai.unstructured<nnz = 4>>
// GLOBAL: #[[EMPTY:.*]] = #effai.encoding<value = #effai.float, sparsity = #effai.unstructured<nnz = 0>>
// GLOBAL-LABEL: func.func @two_layers
// GLOBAL: arith.constant dense<[4.000000e+00, -3.000000e+00, 2.000000e+00, -1.000000e+00]> : tensor<4xf32>
// GLOBAL: effai.pack {{.*}} -> !effai.weight<2x2xf32, #[[KEEP4]]>
// GLOBAL: effai.pack {{.*}} : tensor<0xf32> -> !effai.weight<2x2xf32, #[[EMPTY]]>
// LAYER: #[[HALF:.*]] = #effai.encoding<value = #effai.float, sparsity = #effai.unstructured<nnz = 2>>
// LAYER-LABEL: func.func @two_layers
// LAYER: arith.constant dense<{{\[}}[0, 0], [0, 1]]> : tensor<2x2xi32>
// LAYER: effai.pack {{.*}} -> !effai.weight<2x2xf32, #[[HALF]]>
// LAYER: effai.pack {{.*}} -> !effai.weight<2x2xf32, #[[HALF]]>
func.func @two_layers(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %v0 = arith.constant dense<[[4.0, -3.0], [2.0, -1.0]]> : tensor<2x2xf32>
  %w0 = effai.pack %v0 : tensor<2x2xf32> -> !effai.weight<2x2xf32, #effai.encoding<value = #effai.float>>
  %h = effai.linear %x, %w0 : (tensor<1x2xf32>, !effai.weight<2x2xf32, #effai.encoding<value = #effai.float>>) -> tensor<1x2xf32>
  %v1 = arith.constant dense<[[0.1, -0.2], [0.3, -0.4]]> : tensor<2x2xf32>
  %w1 = effai.pack %v1 : tensor<2x2xf32> -> !effai.weight<2x2xf32, #effai.encoding<value = #effai.float>>
  %y = effai.linear %h, %w1 : (tensor<1x2xf32>, !effai.weight<2x2xf32, #effai.encoding<value = #effai.float>>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
