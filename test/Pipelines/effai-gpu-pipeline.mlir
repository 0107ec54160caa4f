// effai-gpu-pipeline: tensors to one gpu.module of NVVM kernels serialized
// as PTX 8.0 for the chip, host code launching them; ptxas assembles the
// PTX for sm_80 and sm_90 without spills; a cubin when format=bin.
// RUN: %effai_opt %s --effai-gpu-pipeline=chip=sm_90 | FileCheck %s
// RUN: %effai_opt %s --effai-gpu-pipeline=chip=sm_90 | %python %S/../Target/GPU/Inputs/extract_ptx.py | FileCheck %s --check-prefix=PTX
// RUN: not %effai_opt %s --effai-gpu-pipeline=chip=sm_61 2>&1 | FileCheck %s --check-prefix=CHIP
// RUN: not %effai_opt %s --effai-gpu-pipeline=chip=zen5 2>&1 | FileCheck %s --check-prefix=NOTGPU

// One kernel: the matmul with its bias + ReLU epilogue applied by each
// thread to its tile, in place (no second launch, no second pass over the
// result); the constants the kernel indexes with are sunk into it (no
// parameter divisions).
// CHECK: llvm.func @forward(
// CHECK: gpu.launch_func @forward_kernel::@forward_kernel blocks in (%{{.*}}, %{{.*}}, %{{.*}}) threads in
// CHECK-NOT: gpu.launch_func
// CHECK: gpu.binary @forward_kernel [#gpu.object<#nvvm.target<chip = "sm_90", features = "+ptx80">
// CHECK-NOT: gpu.binary

// PTX: .version 8.0
// PTX: .target sm_90
// PTX: .visible .entry forward_kernel(
// PTX-NOT: .entry
// PTX-NOT: div.s64
// Multiply-adds are fused (effai-gpu-fuse-multiply-add).
// PTX-NOT: mul.rn.f32
// PTX: fma.rn.f32
// PTX-NOT: mul.rn.f32
// PTX: max.NaN.f32
// PTX-NOT: .entry

// CHIP: error: effai-set-target: unknown target 'sm_61'
// NOTGPU: error: effai-gpu-tile-and-map: the target 'zen5' is not a GPU

func.func @forward(%x: tensor<64x256xf32>, %w: tensor<256x128xf32>, %b: tensor<128xf32>) -> tensor<64x128xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x128xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<64x128xf32>) -> tensor<64x128xf32>
  %m = linalg.matmul ins(%x, %w : tensor<64x256xf32>, tensor<256x128xf32>) outs(%f : tensor<64x128xf32>) -> tensor<64x128xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%m, %b : tensor<64x128xf32>, tensor<128xf32>) outs(%e : tensor<64x128xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    %y = arith.maximumf %s, %zero : f32
    linalg.yield %y : f32
  } -> tensor<64x128xf32>
  return %r : tensor<64x128xf32>
}
