// RUN: %effai_opt %s --effai-prune="mode=nm n=2 m=4" --verify-diagnostics | FileCheck %s
// RUN: %effai_opt %s --effai-prune="mode=block block-rows=2 block-cols=2" 2>&1 | FileCheck %s --check-prefix=BLOCK

// A conv weight's reduction (C/G x KH x KW = 1 x 3 x 1 = 3) does not split
// into groups of 4: warned and left dense.
// CHECK-LABEL: func.func @conv_not_divisible
// CHECK: effai.pack %{{.*}} : tensor<2x1x3x1xf32> -> !effai.weight<2x1x3x1xf32, #{{.*}}>
// CHECK-NOT: indices
// BLOCK: warning: effai-prune: left dense: its [2, 3] view does not tile by [2, 2]
func.func @conv_not_divisible(%x: tensor<1x1x5x5xf32>) -> tensor<1x2x3x5xf32> {
  %v = arith.constant dense<1.0> : tensor<2x1x3x1xf32>
  // expected-warning @+1 {{effai-prune: left dense: its reduction size 3 is not a multiple of m = 4}}
  %w = effai.pack %v : tensor<2x1x3x1xf32> -> !effai.weight<2x1x3x1xf32, #effai.encoding<value = #effai.float>>
  %y = effai.conv2d %x, %w : (tensor<1x1x5x5xf32>, !effai.weight<2x1x3x1xf32, #effai.encoding<value = #effai.float>>) -> tensor<1x2x3x5xf32>
  return %y : tensor<1x2x3x5xf32>
}
