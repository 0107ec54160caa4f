// RUN: %effai_opt %s --split-input-file --effai-convert-sparse-kernels | FileCheck %s
// RUN: %effai_opt %s --split-input-file --effai-convert-sparse-kernels=batch-inner=false | FileCheck %s --check-prefix=GATHER
// RUN: not %effai_opt %s --effai-convert-sparse-kernels=min-sparsity=1.5 2>&1 | FileCheck %s --check-prefix=OPTION
// RUN: not %effai_opt %s --effai-convert-sparse-kernels=batch-chunk=48 2>&1 | FileCheck %s --check-prefix=CHUNK
// RUN: %effai_opt %s --split-input-file --effai-convert-sparse-kernels=batch-chunk=4 | FileCheck %s --check-prefix=CHUNK4
// RUN: %effai_opt %s --split-input-file --effai-convert-sparse-kernels=set-bit-walk=false | FileCheck %s --check-prefix=POSITIONS
// A sparse power-of-two layer multiplies nothing: no fmul (nor 32-bit
// integer mul) anywhere in its optimized LLVM IR.
// RUN: %effai_compile %S/Inputs/sparse-pow2-runtime-codes.mlir -o %t.ll --emit=llvm-ir --mcpu=skylake-avx512
// RUN: FileCheck %s --check-prefix=LLVM < %t.ll
// LLVM-NOT: fmul
// LLVM-NOT: mul {{.*}}i32
// LLVM: define
// LLVM-NOT: fmul
// LLVM-NOT: mul {{.*}}i32

// OPTION: error: effai-convert-sparse-kernels: min-sparsity must be in [0, 1], got 1.5
// CHUNK: error: effai-convert-sparse-kernels: batch-chunk must be a power of two from 1 to 1024, got 48

// Small batch: one generic over the outputs; each output loops over its
// row's stored weights only (row offsets 0, 4, 8, 12), the column being
// group * M + stored position, a 2-bit field of the packed positions (bits
// 2s and 2s + 1: byte 2s / 8, shifted right by 2s % 8). Pruned weights are
// never touched.
// CHECK-LABEL: func.func @nm_float_gather
// CHECK-DAG: %[[ROWS:.*]] = arith.constant dense<[0, 4, 8, 12]> : tensor<4xi32>
// CHECK-DAG: %[[POS:.*]] = arith.constant dense<[-100, -28, -115]> : tensor<3xi8>
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]{{.*}} ins(%{{.*}} : tensor<3xf32>) outs(%{{.*}} : tensor<2x3xf32>)
// CHECK: %[[O:.*]] = linalg.index 1
// CHECK: tensor.extract %[[ROWS]][%[[O]]]
// CHECK: scf.for %[[S:.*]] = %{{.*}} to %{{.*}} step %c1 iter_args(%{{.*}} = %cst) -> (f32)
// CHECK: %[[GROUP:.*]] = arith.divui %{{.*}}, %c2
// CHECK: %[[BIT:.*]] = arith.muli %[[S]], %c2
// CHECK: %[[BYTE:.*]] = arith.divui %[[BIT]], %c8
// CHECK: tensor.extract %[[POS]][%{{.*}}]
// CHECK: arith.shrui
// CHECK: arith.andi {{.*}}, %c3_i32
// CHECK: arith.muli %[[GROUP]], %c4
// CHECK: tensor.extract %arg0
// CHECK: arith.mulf {{.*}} fastmath<contract>
// CHECK: arith.addf {{.*}} fastmath<reassoc,contract>
// CHECK: scf.yield
// CHECK: arith.addf
// CHECK: linalg.yield
// CHECK-NOT: effai.linear
func.func @nm_float_gather(%x: tensor<2x8xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %v = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0]]> : tensor<3x4xf32>
  %i = arith.constant dense<[-100, -28, -115]> : tensor<3xi8>
  %w = effai.pack %v indices(%i : tensor<3xi8>) : tensor<3x4xf32> -> !effai.weight<3x8xf32, #effai.encoding<value = #effai.float, sparsity = #effai.nm<2:4>>>
  %y = effai.linear %x, %w, %b : (tensor<2x8xf32>, !effai.weight<3x8xf32, #effai.encoding<value = #effai.float, sparsity = #effai.nm<2:4>>>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// A batch of 8 (one chunk of 8): for each chunk of the transposed batch and
// output channel, the chunk's sums stay in a vector across the row's stored
// weights, yT[o, chunk] = sum_s xT[col(s), chunk] * code(s), written once;
// row 1 stores nothing (offsets 0, 2, 2, 3). int8 codes are summed
// unscaled (converted to f32), the per-channel scale comes once after.
// CHECK-LABEL: func.func @unstructured_int8_batch
// CHECK-DAG: %[[SCALES:.*]] = arith.constant dense<{{\[}}[5.000000e-01, 2.500000e-01, 1.250000e-01]]> : tensor<1x3xf32>
// CHECK-DAG: %[[ZEROS:.*]] = arith.constant dense<0.000000e+00> : vector<8xf32>
// CHECK-DAG: %[[ROWS:.*]] = arith.constant dense<[0, 2, 2, 3]> : tensor<4xi32>
// CHECK-DAG: %[[C8:.*]] = arith.constant 8 : index
// CHECK: %[[XT:.*]] = linalg.transpose ins(%arg0 : tensor<8x4xf32>)
// CHECK: scf.for %[[C:.*]] = %c0 to %[[C8]] step %[[C8]]
// CHECK: scf.for %[[O:.*]] = %c0 to %c3
// CHECK: tensor.extract %[[ROWS]][%[[O]]]
// CHECK: %[[SUM:.*]] = scf.for %{{.*}} iter_args(%[[ACC:.*]] = %[[ZEROS]]) -> (vector<8xf32>)
// CHECK: %[[COL:.*]] = arith.index_cast
// CHECK: %[[XS:.*]] = vector.transfer_read %[[XT]][%[[COL]], %[[C]]], %{{.*}} {in_bounds = [true]} : tensor<4x8xf32>, vector<8xf32>
// CHECK: %[[W:.*]] = arith.sitofp
// CHECK: %[[WS:.*]] = vector.broadcast %[[W]] : f32 to vector<8xf32>
// CHECK: %[[NEXT:.*]] = vector.fma %[[XS]], %[[WS]], %[[ACC]] : vector<8xf32>
// CHECK: scf.yield %[[NEXT]]
// CHECK: vector.transfer_write %[[SUM]], %{{.*}}[%[[O]], %[[C]]] {in_bounds = [true]}
// CHECK: linalg.transpose
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[SCALES]] :
// CHECK: arith.mulf
// With batch-chunk=4: two whole chunks of 4.
// CHUNK4-LABEL: func.func @unstructured_int8_batch
// CHUNK4: scf.for %{{.*}} = %c0 to %c8 step %c4
// CHUNK4: vector.fma {{.*}} : vector<4xf32>
// Without batch-inner (the GPU pipeline): one generic over the 8x3 outputs,
// each gathering over its row's stored weights; no loop outside it.
// GATHER-LABEL: func.func @unstructured_int8_batch
// GATHER-NOT: scf.for
// GATHER-NOT: linalg.transpose
// GATHER: linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]{{.*}} outs(%{{.*}} : tensor<8x3xf32>)
// GATHER: scf.for
// GATHER: tensor.extract %arg0
func.func @unstructured_int8_batch(%x: tensor<8x4xf32>) -> tensor<8x3xf32> {
  %v = arith.constant dense<[12, -7, 3]> : tensor<3xi8>
  %i = arith.constant dense<[[0, 1], [0, 3], [2, 0]]> : tensor<3x2xi32>
  %w = effai.pack %v indices(%i : tensor<3x2xi32>) : tensor<3xi8> -> !effai.weight<3x4xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32:0, {0.5, 0.25, 0.125}>>, sparsity = #effai.unstructured<nnz = 3>>>
  %y = effai.linear %x, %w : (tensor<8x4xf32>, !effai.weight<3x4xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32:0, {0.5, 0.25, 0.125}>>, sparsity = #effai.unstructured<nnz = 3>>>) -> tensor<8x3xf32>
  return %y : tensor<8x3xf32>
}

// -----

// Sparse power of two: the row loop shifts exponents, no multiply.
// CHECK-LABEL: func.func @nm_pow2
// CHECK: scf.for
// CHECK-NOT: arith.mulf
// CHECK: arith.shli
// CHECK-NOT: arith.mulf
// CHECK: scf.yield
// CHECK: linalg.yield
func.func @nm_pow2(%x: tensor<1x8xf32>) -> tensor<1x2xf32> {
  %v = arith.constant dense<[[1, -2, 3, 0], [4, 5, -6, 7]]> : tensor<2x4xi8>
  %i = arith.constant dense<[-100, -28]> : tensor<2xi8>
  %w = effai.pack %v indices(%i : tensor<2xi8>) : tensor<2x4xi8> -> !effai.weight<2x8xf32, #effai.encoding<value = #effai.pow2<terms = 1, bits = 4, min_exp = -6, max_exp = 0>, sparsity = #effai.nm<2:4>>>
  %y = effai.linear %x, %w : (tensor<1x8xf32>, !effai.weight<2x8xf32, #effai.encoding<value = #effai.pow2<terms = 1, bits = 4, min_exp = -6, max_exp = 0>, sparsity = #effai.nm<2:4>>>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// A batch of 12: one chunk of 16 (the next power of two), masked (no
// in_bounds): reads pad with 0 and the write stores only the 12 there are.
// CHECK-LABEL: func.func @nm_float_masked_chunk
// CHECK: scf.for %{{.*}} = %c0 to %c12 step %c16
// CHECK: vector.transfer_read %{{.*}}[%{{.*}}, %{{.*}}], %{{[a-z0-9_]+}} : tensor<8x12xf32>, vector<16xf32>
// CHECK: vector.fma {{.*}} : vector<16xf32>
// CHECK: vector.transfer_write %{{[a-z0-9_#]+}}, %{{[a-z0-9_]+}}[%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}] : vector<16xf32>, tensor<2x12xf32>
func.func @nm_float_masked_chunk(%x: tensor<12x8xf32>) -> tensor<12x2xf32> {
  %v = arith.constant dense<[[1.0, -2.0, 3.0, 0.5], [4.0, 5.0, -6.0, 7.0]]> : tensor<2x4xf32>
  %i = arith.constant dense<[-100, -28]> : tensor<2xi8>
  %w = effai.pack %v indices(%i : tensor<2xi8>) : tensor<2x4xf32> -> !effai.weight<2x8xf32, #effai.encoding<value = #effai.float, sparsity = #effai.nm<2:4>>>
  %y = effai.linear %x, %w : (tensor<12x8xf32>, !effai.weight<2x8xf32, #effai.encoding<value = #effai.float, sparsity = #effai.nm<2:4>>>) -> tensor<12x2xf32>
  return %y : tensor<12x2xf32>
}

// -----

// Power-of-two weights over a batch: no scalar factor to broadcast, so one
// pass over the transposed batch per stored weight, shifting exponents; no
// multiply.
// CHECK-LABEL: func.func @nm_pow2_batch
// CHECK-NOT: vector.fma
// CHECK-NOT: arith.mulf
// CHECK: scf.for
// CHECK-NOT: vector.fma
// CHECK-NOT: arith.mulf
// CHECK: linalg.generic
// CHECK: arith.shli
// CHECK-NOT: arith.mulf
// CHECK: tensor.insert_slice
// CHECK-NOT: arith.mulf
// CHECK: return
func.func @nm_pow2_batch(%x: tensor<8x8xf32>) -> tensor<8x2xf32> {
  %v = arith.constant dense<[[1, -2, 3, 0], [4, 5, -6, 7]]> : tensor<2x4xi8>
  %i = arith.constant dense<[-100, -28]> : tensor<2xi8>
  %w = effai.pack %v indices(%i : tensor<2xi8>) : tensor<2x4xi8> -> !effai.weight<2x8xf32, #effai.encoding<value = #effai.pow2<terms = 1, bits = 4, min_exp = -6, max_exp = 0>, sparsity = #effai.nm<2:4>>>
  %y = effai.linear %x, %w : (tensor<8x8xf32>, !effai.weight<2x8xf32, #effai.encoding<value = #effai.pow2<terms = 1, bits = 4, min_exp = -6, max_exp = 0>, sparsity = #effai.nm<2:4>>>) -> tensor<8x2xf32>
  return %y : tensor<8x2xf32>
}

// -----

// Convolution: a generic over the NCHW output, the padded input gathered at
// (channel, oh * stride + kh, ow * stride + kw) of each stored weight.
// CHECK-LABEL: func.func @unstructured_conv
// CHECK: tensor.pad
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK: scf.for
// CHECK: tensor.extract %{{.*}} : tensor<1x2x6x6xf32>
func.func @unstructured_conv(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %v = arith.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %i = arith.constant dense<[[0, 4], [1, 17]]> : tensor<2x2xi32>
  %w = effai.pack %v indices(%i : tensor<2x2xi32>) : tensor<2xf32> -> !effai.weight<2x2x3x3xf32, #effai.encoding<value = #effai.float, sparsity = #effai.unstructured<nnz = 2>>>
  %y = effai.conv2d %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x4x4xf32>, !effai.weight<2x2x3x3xf32, #effai.encoding<value = #effai.float, sparsity = #effai.unstructured<nnz = 2>>>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// Block payloads visit their weights in row order through compile-time
// tables: blocks (0, 1) and (0, 3) of [2, 2] in a [2, 8] weight both span
// rows 0 and 1. Row offsets 0, 4, 8; payload slots 0 1 4 5 | 2 3 6 7;
// columns 2 3 6 7 | 2 3 6 7.
// CHECK-LABEL: func.func @block_rows
// CHECK-DAG: arith.constant dense<[0, 4, 8]> : tensor<3xi32>
// CHECK-DAG: %[[SLOTS:.*]] = arith.constant dense<[0, 1, 4, 5, 2, 3, 6, 7]> : tensor<8xi32>
// CHECK-DAG: %[[COLS:.*]] = arith.constant dense<[2, 3, 6, 7, 2, 3, 6, 7]> : tensor<8xi32>
// CHECK: scf.for %[[S:[a-z0-9_]+]] =
// CHECK-DAG: tensor.extract %[[COLS]][%[[S]]]
// CHECK-DAG: tensor.extract %[[SLOTS]][%[[S]]]
func.func @block_rows(%x: tensor<1x8xf32>) -> tensor<1x2xf32> {
  %bv = arith.constant dense<[[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]]> : tensor<2x2x2xf32>
  %bi = arith.constant dense<[[0, 1], [0, 3]]> : tensor<2x2xi32>
  %bw = effai.pack %bv indices(%bi : tensor<2x2xi32>) : tensor<2x2x2xf32> -> !effai.weight<2x8xf32, #effai.encoding<value = #effai.float, sparsity = #effai.block<[2, 2], blocks = 2>>>
  %y = effai.linear %x, %bw : (tensor<1x8xf32>, !effai.weight<2x8xf32, #effai.encoding<value = #effai.float, sparsity = #effai.block<[2, 2], blocks = 2>>>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Left to effai-lower-to-linalg: pruned less than min-sparsity (3:4 keeps
// 75%), dense weights, and quantized activations.
// CHECK-LABEL: func.func @left_alone
// CHECK-COUNT-3: effai.linear
func.func @left_alone(%x: tensor<1x8xf32>, %q: tensor<1x8x!quant.uniform<u8:f32, 0.1:128>>) -> (tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2x!quant.uniform<u8:f32, 0.2:128>>) {
  %v = arith.constant dense<1.0> : tensor<2x6xf32>
  %i = arith.constant dense<[36, 73, -110]> : tensor<3xi8>
  %w = effai.pack %v indices(%i : tensor<3xi8>) : tensor<2x6xf32> -> !effai.weight<2x8xf32, #effai.encoding<value = #effai.float, sparsity = #effai.nm<3:4>>>
  %y0 = effai.linear %x, %w : (tensor<1x8xf32>, !effai.weight<2x8xf32, #effai.encoding<value = #effai.float, sparsity = #effai.nm<3:4>>>) -> tensor<1x2xf32>
  %dv = arith.constant dense<1.0> : tensor<2x8xf32>
  %dw = effai.pack %dv : tensor<2x8xf32> -> !effai.weight<2x8xf32, #effai.encoding<value = #effai.float>>
  %y2 = effai.linear %x, %dw : (tensor<1x8xf32>, !effai.weight<2x8xf32, #effai.encoding<value = #effai.float>>) -> tensor<1x2xf32>
  %qv = arith.constant dense<1> : tensor<2x4xi8>
  %qi = arith.constant dense<68> : tensor<2xi8>
  %qw = effai.pack %qv indices(%qi : tensor<2xi8>) : tensor<2x4xi8> -> !effai.weight<2x8xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.5>>, sparsity = #effai.nm<2:4>>>
  %y3 = effai.linear %q, %qw : (tensor<1x8x!quant.uniform<u8:f32, 0.1:128>>, !effai.weight<2x8xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.5>>, sparsity = #effai.nm<2:4>>>) -> tensor<1x2x!quant.uniform<u8:f32, 0.2:128>>
  return %y0, %y2, %y3 : tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2x!quant.uniform<u8:f32, 0.2:128>>
}

// -----

// Relative indices: each row's loop carries the flat position, adding one
// 4-bit delta per stored weight, starting from the previous row's last
// position (table [0, 1, 7]: row 1 starts after position 1, row 2 after 7). The
// column is the position minus the row's start. Flat positions 1, 7, 8
// (deltas 1, 6, 1: bytes 0x61, 0x01).
// CHECK-LABEL: func.func @delta_gather
// CHECK-DAG: %[[ROWS:.*]] = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi32>
// CHECK-DAG: %[[PREV:.*]] = arith.constant dense<[0, 1, 7]> : tensor<3xi32>
// CHECK: linalg.generic
// CHECK: %[[O:.*]] = linalg.index 1
// CHECK: %[[START:.*]] = arith.muli %[[O]], %c4
// CHECK: tensor.extract %[[PREV]][%[[O]]]
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c1 iter_args(%[[P:.*]] = %{{.*}}, %{{.*}} = %cst) -> (index, f32)
// CHECK: arith.andi {{.*}}, %c15_i32
// CHECK: %[[NEXT:.*]] = arith.addi %[[P]], %{{.*}} : index
// CHECK: arith.subi %[[NEXT]], %[[START]]
// CHECK: scf.yield %[[NEXT]]
func.func @delta_gather(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %v = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %i = arith.constant dense<[97, 1]> : tensor<2xi8>
  %w = effai.pack %v indices(%i : tensor<2xi8>) : tensor<3xf32> -> !effai.weight<3x4xf32, #effai.encoding<value = #effai.float, sparsity = #effai.delta<nnz = 3, bits = 4>>>
  %y = effai.linear %x, %w : (tensor<2x4xf32>, !effai.weight<3x4xf32, #effai.encoding<value = #effai.float, sparsity = #effai.delta<nnz = 3, bits = 4>>>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Bitmap: each row scans the bytes its R bits lie in, with the bits of other
// rows masked off (rows 0 and 1 share byte 0 here), and goes from set bit to
// set bit (count trailing zeros, clear the lowest), each taking the next
// stored weight (the slot is carried, starting at the row's offset).
// Bits 1, 7, 8: one weight in each row.
// CHECK-LABEL: func.func @bitmap_gather
// CHECK-DAG: %[[ROWS:.*]] = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi32>
// CHECK: linalg.generic
// CHECK: scf.for %[[BYTE:.*]] = %{{.*}} to %{{.*}} step %c1 iter_args(%[[SLOT0:.*]] = %{{.*}}, %{{.*}} = %cst) -> (index, f32)
// CHECK: %[[START:.*]] = arith.muli %[[BYTE]], %c8
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: %[[MASK:.*]] = arith.xori
// CHECK: %[[RAW:.*]] = tensor.extract %{{.*}}[%[[BYTE]]] : tensor<2xi8>
// CHECK: %[[WIDE:.*]] = arith.extui %[[RAW]]
// CHECK: %[[BITS:.*]] = arith.andi %[[WIDE]], %[[MASK]]
// CHECK: scf.while (%[[B:.*]] = %[[BITS]], %{{.*}} = %[[SLOT0]], %{{.*}} = %{{.*}}) : (i32, index, f32) -> (i32, index, f32)
// CHECK: %[[ANY:.*]] = arith.cmpi ne, %[[B]], %c0_i32
// CHECK: scf.condition(%[[ANY]])
// CHECK: } do {
// CHECK: ^bb0(%[[W:.*]]: i32, %[[SLOT:.*]]: index, %{{.*}}: f32):
// CHECK: %[[TZ:.*]] = math.cttz %[[W]]
// CHECK: %[[POS:.*]] = arith.index_castui %[[TZ]]
// CHECK: arith.addi %[[START]], %[[POS]]
// CHECK: %[[LESS:.*]] = arith.subi %[[W]], %c1_i32
// CHECK: %[[REST:.*]] = arith.andi %[[W]], %[[LESS]]
// CHECK: %[[NEXT:.*]] = arith.addi %[[SLOT]], %c1
// CHECK: tensor.extract %{{.*}}[%[[SLOT]], %c0]
// CHECK: scf.yield %[[REST]], %[[NEXT]]
// With set-bit-walk=false (the GPU pipeline): every position of the row is
// tested, a set bit taking the next stored weight.
// POSITIONS-LABEL: func.func @bitmap_gather
// POSITIONS: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c1 iter_args(%[[SLOT:.*]] = %{{.*}}, %{{.*}} = %cst) -> (index, f32)
// POSITIONS: arith.andi {{.*}}, %c1_i32
// POSITIONS: %[[SET:.*]] = arith.cmpi ne
// POSITIONS: scf.if %[[SET]] -> (index, f32)
// POSITIONS: arith.addi %[[SLOT]], %c1
// POSITIONS: tensor.extract %{{.*}}[%[[SLOT]], %c0]
// POSITIONS: } else {
func.func @bitmap_gather(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %v = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %i = arith.constant dense<[-126, 1]> : tensor<2xi8>
  %w = effai.pack %v indices(%i : tensor<2xi8>) : tensor<3xf32> -> !effai.weight<3x4xf32, #effai.encoding<value = #effai.float, sparsity = #effai.bitmap<nnz = 3>>>
  %y = effai.linear %x, %w : (tensor<2x4xf32>, !effai.weight<3x4xf32, #effai.encoding<value = #effai.float, sparsity = #effai.bitmap<nnz = 3>>>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
