// effai.linear with float activations over three encodings, compiled by
// effai-cpu-pipeline and run: dense fp32 with bias, 2:4-pruned int8 (decoded
// by scattering the kept weights), two-term power-of-two, and int8 with
// relative indices (2 bits; 1 bit with fillers) and a bitmap.
// RUN: %effai_opt %s --effai-cpu-pipeline | %mlir_runner -e entry -entry-point-result=void -shared-libs=%mlir_runner_utils | FileCheck %s
// The GPU path's kernels (sm_80 and sm_90 tiles), run as host loops:
// RUN: %effai_opt %s --effai-gpu-pipeline="chip=sm_80 emulate=1" | %mlir_runner -e entry -entry-point-result=void -shared-libs=%mlir_runner_utils | FileCheck %s
// RUN: %effai_opt %s --effai-gpu-pipeline="chip=sm_90 emulate=1" | %mlir_runner -e entry -entry-point-result=void -shared-libs=%mlir_runner_utils | FileCheck %s

func.func private @printMemrefF32(tensor<*xf32>)

func.func @entry() {
  %x = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [-1.0, 0.5, 0.0, 2.0]]> : tensor<2x4xf32>
  // Dense float W[3,4] and bias.
  %wv = arith.constant dense<[[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 1.0], [0.5, 0.5, 0.5, 0.5]]> : tensor<3x4xf32>
  %b = arith.constant dense<[0.0, 10.0, -1.0]> : tensor<3xf32>
  %w = effai.pack %wv : tensor<3x4xf32> -> !effai.weight<3x4xf32, #effai.encoding<value = #effai.float>>
  %y = effai.linear %x, %w, %b : (tensor<2x4xf32>, !effai.weight<3x4xf32, #effai.encoding<value = #effai.float>>, tensor<3xf32>) -> tensor<2x3xf32>
  // W rows [1,0,0,0], [0,1,0,1], [.5,.5,.5,.5]; bias [0, 10, -1].
  // CHECK: {{\[}}[1,   16,   4],
  // CHECK-NEXT: [-1,   12.5,   -0.25]]
  %yu = tensor.cast %y : tensor<2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%yu) : (tensor<*xf32>) -> ()
  // 2:4 int8 (scale 0.5): row0 keeps positions 0,3 (codes 2, 4); row1 1,2 (codes -2, 6); row2 0,1 (codes 1, 1).
  %qv = arith.constant dense<[[2, 4], [-2, 6], [1, 1]]> : tensor<3x2xi8>
  %qi = arith.constant dense<[-100, 4]> : tensor<2xi8>
  %qw = effai.pack %qv indices(%qi : tensor<2xi8>) : tensor<3x2xi8> -> !effai.weight<3x4xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.5>>, sparsity = #effai.nm<2:4>>>
  %qy = effai.linear %x, %qw : (tensor<2x4xf32>, !effai.weight<3x4xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.5>>, sparsity = #effai.nm<2:4>>>) -> tensor<2x3xf32>
  // Decoded rows: [1,0,0,2], [0,-1,3,0], [.5,.5,0,0].
  // CHECK: {{\[}}[9,   7,   1.5],
  // CHECK-NEXT: [3,   -0.5,   -0.25]]
  %qyu = tensor.cast %qy : tensor<2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%qyu) : (tensor<*xf32>) -> ()
  // Power of two, 2 terms, min_exp -2: code k -> 2^(k-3).
  %pv = arith.constant dense<[[[3, 0], [0, 0], [0, 0], [0, 0]], [[4, -1], [0, 0], [0, 0], [0, 0]], [[1, 2], [1, 2], [1, 2], [1, 2]]]> : tensor<3x4x2xi8>
  %pw = effai.pack %pv : tensor<3x4x2xi8> -> !effai.weight<3x4xf32, #effai.encoding<value = #effai.pow2<terms = 2, bits = 4, min_exp = -2, max_exp = 1>>>
  %py = effai.linear %x, %pw : (tensor<2x4xf32>, !effai.weight<3x4xf32, #effai.encoding<value = #effai.pow2<terms = 2, bits = 4, min_exp = -2, max_exp = 1>>>) -> tensor<2x3xf32>
  // Rows: 2^0 at col 0; 2^1 - 2^-2 = 1.75 at col 0; 2^-2 + 2^-1 everywhere.
  // CHECK: {{\[}}[1,   1.75,   7.5],
  // CHECK-NEXT: [-1,   -1.75,   1.125]]
  %pyu = tensor.cast %py : tensor<2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%pyu) : (tensor<*xf32>) -> ()
  // The 2:4 weight's rows again, stored three more ways. Flat positions 0,
  // 3, 5, 6, 8, 9 of the [3, 4] view.
  // 2-bit relative indices 0, 3, 2, 1, 2, 1 (bytes 108, 6); half the
  // weights kept: the sparse row kernel.
  %dv = arith.constant dense<[2, 4, -2, 6, 1, 1]> : tensor<6xi8>
  %di = arith.constant dense<[108, 6]> : tensor<2xi8>
  %dw = effai.pack %dv indices(%di : tensor<2xi8>) : tensor<6xi8> -> !effai.weight<3x4xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.5>>, sparsity = #effai.delta<nnz = 6, bits = 2>>>
  %dy = effai.linear %x, %dw : (tensor<2x4xf32>, !effai.weight<3x4xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.5>>, sparsity = #effai.delta<nnz = 6, bits = 2>>>) -> tensor<2x3xf32>
  // CHECK: {{\[}}[9,   7,   1.5],
  // CHECK-NEXT: [3,   -0.5,   -0.25]]
  %dyu = tensor.cast %dy : tensor<2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%dyu) : (tensor<*xf32>) -> ()
  // 1-bit relative indices reach one position ahead: fillers (stored zeros)
  // at 1, 2, 4 and 7 make 10 entries (deltas 0, 1, 1, ...: bytes 254, 3).
  // 10 of 12 stored is too dense for the sparse kernel: decoded, then dense.
  %fv = arith.constant dense<[2, 0, 0, 4, 0, -2, 6, 0, 1, 1]> : tensor<10xi8>
  %fi = arith.constant dense<[-2, 3]> : tensor<2xi8>
  %fw = effai.pack %fv indices(%fi : tensor<2xi8>) : tensor<10xi8> -> !effai.weight<3x4xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.5>>, sparsity = #effai.delta<nnz = 10, bits = 1>>>
  %fy = effai.linear %x, %fw : (tensor<2x4xf32>, !effai.weight<3x4xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.5>>, sparsity = #effai.delta<nnz = 10, bits = 1>>>) -> tensor<2x3xf32>
  // CHECK: {{\[}}[9,   7,   1.5],
  // CHECK-NEXT: [3,   -0.5,   -0.25]]
  %fyu = tensor.cast %fy : tensor<2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%fyu) : (tensor<*xf32>) -> ()
  // A bitmap: bits 0, 3, 5, 6, 8, 9 (bytes 105, 3).
  %bi = arith.constant dense<[105, 3]> : tensor<2xi8>
  %bw = effai.pack %dv indices(%bi : tensor<2xi8>) : tensor<6xi8> -> !effai.weight<3x4xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.5>>, sparsity = #effai.bitmap<nnz = 6>>>
  %by = effai.linear %x, %bw : (tensor<2x4xf32>, !effai.weight<3x4xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.5>>, sparsity = #effai.bitmap<nnz = 6>>>) -> tensor<2x3xf32>
  // CHECK: {{\[}}[9,   7,   1.5],
  // CHECK-NEXT: [3,   -0.5,   -0.25]]
  %byu = tensor.cast %by : tensor<2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%byu) : (tensor<*xf32>) -> ()
  return
}
