// Integer-only execution: int8 activations and weights, i32 accumulation,
// fixed-point requantization (round half to even, saturating).
// RUN: %effai_opt %s --effai-cpu-pipeline | %mlir_runner -e entry -entry-point-result=void -shared-libs=%mlir_runner_utils | FileCheck %s
// The GPU path's kernels (sm_80 and sm_90 tiles), run as host loops:
// RUN: %effai_opt %s --effai-gpu-pipeline="chip=sm_80 emulate=1" | %mlir_runner -e entry -entry-point-result=void -shared-libs=%mlir_runner_utils | FileCheck %s
// RUN: %effai_opt %s --effai-gpu-pipeline="chip=sm_90 emulate=1" | %mlir_runner -e entry -entry-point-result=void -shared-libs=%mlir_runner_utils | FileCheck %s

func.func private @printMemrefF32(tensor<*xf32>)

func.func @print(%t: tensor<?x?xf32>) {
  %u = tensor.cast %t : tensor<?x?xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

func.func @entry() {
  // x = [1, 2, 3, 4] quantized with scale 0.5, zero point -1: codes 1,3,5,7.
  %xf = arith.constant dense<[[1.0, 2.0, 3.0, 4.0]]> : tensor<1x4xf32>
  %xq = quant.qcast %xf : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8:f32, 0.5:-1>>
  // W = codes * 0.25: rows [1,0,0,0], [0,1,0,1], [.5,.5,.5,.5].
  %wc = arith.constant dense<[[4, 0, 0, 0], [0, 4, 0, 4], [2, 2, 2, 2]]> : tensor<3x4xi8>
  %w = effai.pack %wc : tensor<3x4xi8> -> !effai.weight<3x4xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.25>>>>
  // Bias codes at the accumulator scale 0.5 * 0.25: 8 -> 1.0.
  %bc = arith.constant dense<[8, 0, -8]> : tensor<3xi32>
  %b = quant.scast %bc : tensor<3xi32> to tensor<3x!quant.uniform<i32:f32, 0.125>>
  %y = effai.linear %xq, %w, %b : (tensor<1x4x!quant.uniform<i8:f32, 0.5:-1>>, !effai.weight<3x4xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.25>>>>, tensor<3x!quant.uniform<i32:f32, 0.125>>) -> tensor<1x3x!quant.uniform<i8:f32, 0.25:3>>
  %yf = quant.dcast %y : tensor<1x3x!quant.uniform<i8:f32, 0.25:3>> to tensor<1x3xf32>
  %yd = tensor.cast %yf : tensor<1x3xf32> to tensor<?x?xf32>
  // x.W + b = [1 + 1, 6 + 0, 5 - 1].
  // CHECK: {{\[}}[2,   6,   4]]
  call @print(%yd) : (tensor<?x?xf32>) -> ()

  // Dequantized result straight from the accumulator.
  %z = effai.linear %xq, %w : (tensor<1x4x!quant.uniform<i8:f32, 0.5:-1>>, !effai.weight<3x4xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.25>>>>) -> tensor<1x3xf32>
  %zd = tensor.cast %z : tensor<1x3xf32> to tensor<?x?xf32>
  // CHECK: {{\[}}[1,   6,   5]]
  call @print(%zd) : (tensor<?x?xf32>) -> ()

  // Requantize i32 (scale 0.25) to i8 (scale 0.5): 0.5, 1, 1.5, 2.5, 3,
  // -1.5 round half to even to 0, 1, 2, 2, 3, -2; 1000 * 0.5 saturates to 127.
  %ac = arith.constant dense<[[1, 2, 3, 5, 6, -3, 1000]]> : tensor<1x7xi32>
  %a = quant.scast %ac : tensor<1x7xi32> to tensor<1x7x!quant.uniform<i32:f32, 0.25>>
  %r = effai.requantize %a : tensor<1x7x!quant.uniform<i32:f32, 0.25>> -> tensor<1x7x!quant.uniform<i8:f32, 0.5>>
  %rf = quant.dcast %r : tensor<1x7x!quant.uniform<i8:f32, 0.5>> to tensor<1x7xf32>
  %rd = tensor.cast %rf : tensor<1x7xf32> to tensor<?x?xf32>
  // CHECK: {{\[}}[0,   0.5,   1,   1,   1.5,   -1,   63.5]]
  call @print(%rd) : (tensor<?x?xf32>) -> ()
  return
}
