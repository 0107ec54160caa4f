// quant.qcast computes ONNX QuantizeLinear codes on every path: round half
// to even (not truncation) and saturation (out-of-range values and
// infinities clamp to the storage range, NaN to its minimum).
// RUN: %effai_opt %s --effai-cpu-pipeline | %mlir_runner -e entry -entry-point-result=void -shared-libs=%mlir_runner_utils | FileCheck %s
// The GPU path's kernels, run as host loops:
// RUN: %effai_opt %s --effai-gpu-pipeline="chip=sm_90 emulate=1" | %mlir_runner -e entry -entry-point-result=void -shared-libs=%mlir_runner_utils | FileCheck %s

func.func private @printMemrefI32(tensor<*xi32>)

func.func @print_u8(%q: tensor<10x!quant.uniform<u8:f32, 0.5:3>>) {
  %c = quant.scast %q : tensor<10x!quant.uniform<u8:f32, 0.5:3>> to tensor<10xi8>
  %e = tensor.empty() : tensor<10xi32>
  %w = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%c : tensor<10xi8>) outs(%e : tensor<10xi32>) {
  ^bb0(%in: i8, %out: i32):
    %x = arith.extui %in : i8 to i32
    linalg.yield %x : i32
  } -> tensor<10xi32>
  %u = tensor.cast %w : tensor<10xi32> to tensor<*xi32>
  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
  return
}

func.func @print_i8(%q: tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.5, 0.25:-2}>>) {
  %c = quant.scast %q : tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.5, 0.25:-2}>> to tensor<2x4xi8>
  %e = tensor.empty() : tensor<2x4xi32>
  %w = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%c : tensor<2x4xi8>) outs(%e : tensor<2x4xi32>) {
  ^bb0(%in: i8, %out: i32):
    %x = arith.extsi %in : i8 to i32
    linalg.yield %x : i32
  } -> tensor<2x4xi32>
  %u = tensor.cast %w : tensor<2x4xi32> to tensor<*xi32>
  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
  return
}

func.func @entry() {
  // x / 0.5 = -20, 0.5, 1.5, 2.5, -0.5, 400, 1e10, inf, -inf, NaN.
  %x = arith.constant dense<[-10.0, 0.25, 0.75, 1.25, -0.25, 200.0, 5.0e9, 0x7F800000, 0xFF800000, 0x7FC00000]> : tensor<10xf32>
  %q = quant.qcast %x : tensor<10xf32> to tensor<10x!quant.uniform<u8:f32, 0.5:3>>
  // Truncation would give 0, 3, 4, 5, 3, 255, ... ; half to even gives
  // 0 + 3, 2 + 3, 2 + 3, -0 + 3.
  // CHECK: [0,  3,  5,  5,  3,  255,  255,  255,  0,  0]
  call @print_u8(%q) : (tensor<10x!quant.uniform<u8:f32, 0.5:3>>) -> ()

  // Per axis (rows): scale 0.5 zero point 0, then scale 0.25 zero point -2,
  // saturating to [-127, 127].
  %y = arith.constant dense<[[0.75, -0.75, 100.0, -100.0], [0.375, 0.125, 40.0, -40.0]]> : tensor<2x4xf32>
  %p = quant.qcast %y : tensor<2x4xf32> to tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.5, 0.25:-2}>>
  // Row 0: 1.5 -> 2, -1.5 -> -2, 200 -> 127, -200 -> -127.
  // Row 1: 1.5 -> 2 - 2, 0.5 -> 0 - 2, 160 - 2 -> 127, -160 - 2 -> -127.
  // CHECK:      [2,  -2,  127,  -127]
  // CHECK-NEXT: [0,  -2,  127,  -127]
  call @print_i8(%p) : (tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.5, 0.25:-2}>>) -> ()
  return
}
