// effai-cpu-pipeline ends in the LLVM dialect; its options are pipeline
// options.
// RUN: %effai_opt %s --effai-cpu-pipeline | FileCheck %s
// RUN: %effai_opt %s --effai-cpu-pipeline="fuse-elementwise=false" | FileCheck %s
// RUN: %effai_opt %s --pass-pipeline="builtin.module(effai-cpu-pipeline{fuse-elementwise=true})" | FileCheck %s

// CHECK-LABEL: llvm.func @relu_linear
// CHECK-NOT: effai.
// CHECK-NOT: linalg.
// CHECK-NOT: tensor.
// CHECK: llvm.fmul
// The ReLU stays one max (effai-expand-arith keeps float min/max whole).
// CHECK: llvm.intr.maximum
func.func @relu_linear(%x: tensor<2x4xf32>, %v: tensor<3x4xf32>) -> tensor<2x3xf32> {
  %w = effai.pack %v : tensor<3x4xf32> -> !effai.weight<3x4xf32, #effai.encoding<value = #effai.float>>
  %y = effai.linear %x, %w : (tensor<2x4xf32>, !effai.weight<3x4xf32, #effai.encoding<value = #effai.float>>) -> tensor<2x3xf32>
  %e = tensor.empty() : tensor<2x3xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%y : tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) {
  ^bb0(%a: f32, %o: f32):
    %z = arith.constant 0.0 : f32
    %m = arith.maximumf %a, %z : f32
    linalg.yield %m : f32
  } -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}
