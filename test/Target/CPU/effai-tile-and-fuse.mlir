// effai-tile-and-fuse applies the #effai.tiling already on each op (it
// decides nothing): kernels on buffers, as after bufferization.
// RUN: %effai_opt %s --effai-tile-and-fuse --split-input-file -verify-diagnostics | FileCheck %s

// GEMM 8x20x24, constant B packed at compile time into [24/16 -> 2][20][16]
// panels (zero-padded past column 24), 4x16 register tile (4 rows x 2
// vectors of 8: 8 accumulators, 8 FMAs per step), k blocked by 8 (the
// first block starts from zeros, the last applies nothing but the final
// store), A packed per block into [tiles][kc][4]. Column 24 is not a
// multiple of 16: the last vector stores under a lane mask.
// CHECK-LABEL: memref.global "private" constant @b_packed : memref<2x20x16xf32>
// CHECK-LABEL: func.func @gemm
// CHECK-DAG: %[[PACKA:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x3x8x4xf32>
// CHECK-DAG: %[[B:.*]] = memref.get_global @b_packed : memref<2x20x16xf32>
// CHECK-NOT: linalg.matmul
// CHECK: memref.store {{.*}}, %{{.*}} : memref<1x3x8x4xf32, strided
// CHECK: scf.if
// CHECK: %[[ACC:.*]]:8 = scf.for {{.*}} iter_args({{.*}}) -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>)
// CHECK-COUNT-2: vector.load %[[B]]
// CHECK-COUNT-2: vector.fma
// CHECK: {llvm.loop_annotation = #{{.*}}}
// CHECK: vector.create_mask
// CHECK: vector.maskedstore
// CHECK-NOT: linalg.fill
memref.global "private" constant @b : memref<20x24xf32> = dense<1.0>
func.func @gemm(%a: memref<8x20xf32>, %c: memref<8x24xf32>) {
  %zero = arith.constant 0.0 : f32
  %b = memref.get_global @b : memref<20x24xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<8x24xf32>)
  linalg.matmul {effai.tiling = #effai.tiling<kernel = "contraction",
      lanes = 8, mr = [4], nr = 16, kc = 8, mc = 8, nc = 16, pack_a = true,
      pack_b = "compile", intensity = 1.0, bound = "compute",
      predicted_us = 1.0>}
    ins(%a, %b : memref<8x20xf32>, memref<20x24xf32>)
    outs(%c : memref<8x24xf32>)
  return
}

// -----
// A 3x3 NCHW convolution whose bias + ReLU consumer is fused: the 2x4
// output box is summed in registers over the input channels (the loop,
// unroll disabled) for each of the 9 filter offsets (unrolled), then each
// [4 x 8] block is transposed to 8 channels x 4 columns, the consumer's
// body runs on those vectors, and they are stored into the consumer's
// output. The intermediate buffer, its fill and the consumer are gone.
// CHECK-LABEL: func.func @conv_epilogue
// CHECK-NOT: memref.alloc
// CHECK: %[[W:.*]] = memref.get_global @w_packed : memref<1x18x8xf32>
// CHECK-COUNT-9: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args
// CHECK: vector.shuffle
// CHECK: arith.addf {{.*}} : vector<4xf32>
// CHECK: arith.maxnumf {{.*}} : vector<4xf32>
// CHECK: vector.store {{.*}}, %[[OUT:.*]][{{.*}}] : memref<1x8x4x4xf32>, vector<4xf32>
// CHECK-NOT: linalg.generic
memref.global "private" constant @w : memref<8x2x3x3xf32> = dense<0.5>
func.func @conv_epilogue(%x: memref<1x2x6x6xf32>, %bias: memref<8xf32>,
                         %out: memref<1x8x4x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %w = memref.get_global @w : memref<8x2x3x3xf32>
  %acc = memref.alloc() : memref<1x8x4x4xf32>
  linalg.fill ins(%zero : f32) outs(%acc : memref<1x8x4x4xf32>)
  linalg.generic {indexing_maps = [
      affine_map<(n, o, h, w, c, kh, kw) -> (n, c, h + kh, w + kw)>,
      affine_map<(n, o, h, w, c, kh, kw) -> (o, c, kh, kw)>,
      affine_map<(n, o, h, w, c, kh, kw) -> (n, o, h, w)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel",
                        "reduction", "reduction", "reduction"]}
      ins(%x, %w : memref<1x2x6x6xf32>, memref<8x2x3x3xf32>)
      outs(%acc : memref<1x8x4x4xf32>)
      attrs = {effai.tiling = #effai.tiling<kernel = "contraction",
          lanes = 8, mr = [2, 4], nr = 8, kc = 18, mc = 4, nc = 8,
          pack_b = "compile", epilogue = true, intensity = 1.0,
          bound = "compute", predicted_us = 1.0>} {
  ^bb0(%in: f32, %wt: f32, %a: f32):
    %p = arith.mulf %in, %wt : f32
    %s = arith.addf %a, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [
      affine_map<(n, o, h, w) -> (n, o, h, w)>,
      affine_map<(n, o, h, w) -> (o)>,
      affine_map<(n, o, h, w) -> (n, o, h, w)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%acc, %bias : memref<1x8x4x4xf32>, memref<8xf32>)
      outs(%out : memref<1x8x4x4xf32>) {
  ^bb0(%v: f32, %b: f32, %o: f32):
    %s = arith.addf %v, %b : f32
    %r = arith.maxnumf %s, %zero : f32
    linalg.yield %r : f32
  }
  memref.dealloc %acc : memref<1x8x4x4xf32>
  return
}

// -----
// A second input packed at compile time must be a constant.
func.func @not_constant(%a: memref<4x8xf32>, %b: memref<8x16xf32>,
                        %c: memref<4x16xf32>) {
  // expected-warning @+1 {{effai-tile-and-fuse: keeping loops: pack_b = compile needs a constant second input}}
  linalg.matmul {effai.tiling = #effai.tiling<kernel = "contraction",
      lanes = 8, mr = [4], nr = 16, kc = 8, mc = 4, nc = 16,
      pack_b = "compile", intensity = 1.0, bound = "compute",
      predicted_us = 1.0>}
    ins(%a, %b : memref<4x8xf32>, memref<8x16xf32>)
    outs(%c : memref<4x16xf32>)
  return
}

// -----
// Ops that the tiling keeps on one thread become plain loops here, so that
// a parallel pipeline does not fork a region for them.
// CHECK-LABEL: func.func @one_thread
// CHECK: scf.for
// CHECK-NOT: linalg.generic
func.func @one_thread(%a: memref<64xf32>, %b: memref<64xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>],
      iterator_types = ["parallel"]}
      ins(%a : memref<64xf32>) outs(%b : memref<64xf32>)
      attrs = {effai.tiling = #effai.tiling<kernel = "elementwise",
          intensity = 0.1, bound = "L1", predicted_us = 0.01>} {
  ^bb0(%x: f32, %y: f32):
    %n = arith.negf %x : f32
    linalg.yield %n : f32
  }
  return
}

// -----
// A reduction's combiner may be reassociated (fastmath reassoc), so that
// LLVM keeps partial sums in vector lanes; the rest of the body is kept.
// CHECK-LABEL: func.func @reduction
// CHECK: scf.for
// CHECK:   scf.for
// CHECK:     math.exp %{{.+}} : f32
// CHECK-NOT: fastmath
// CHECK:     arith.addf %{{.+}}, %{{.+}} fastmath<reassoc> : f32
func.func @reduction(%a: memref<4x64xf32>, %b: memref<4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>],
      iterator_types = ["parallel", "reduction"]}
      ins(%a : memref<4x64xf32>) outs(%b : memref<4xf32>)
      attrs = {effai.tiling = #effai.tiling<kernel = "reduction",
          intensity = 0.1, bound = "L1", predicted_us = 0.01>} {
  ^bb0(%x: f32, %acc: f32):
    %e = math.exp %x : f32
    %s = arith.addf %acc, %e : f32
    linalg.yield %s : f32
  }
  return
}

// -----
// The consumer writes the buffer the matmul reads (bufferization reuses a
// dead input's buffer): fused, later tiles would read final values, so it
// stays a separate op: plain sequential loops after the kernel (no thread
// decision was made for it).
// CHECK-LABEL: func.func @epilogue_writes_input
// CHECK: %[[ACC:.*]] = memref.alloc
// CHECK: vector.fma
// CHECK: vector.store %{{.*}}, %[[ACC]]
// CHECK: scf.for
// CHECK: scf.for
// CHECK: %[[V:.*]] = memref.load %[[ACC]]
// CHECK: %[[S:.*]] = arith.addf %[[V]]
// CHECK: memref.store %[[S]], %arg0
// CHECK-NOT: linalg.generic
memref.global "private" constant @w32 : memref<32x32xf32> = dense<0.25>
func.func @epilogue_writes_input(%a: memref<1x32xf32>, %bias: memref<32xf32>) {
  %zero = arith.constant 0.0 : f32
  %w = memref.get_global @w32 : memref<32x32xf32>
  %acc = memref.alloc() : memref<1x32xf32>
  linalg.fill ins(%zero : f32) outs(%acc : memref<1x32xf32>)
  // expected-warning @+1 {{effai-tile-and-fuse: not fusing the epilogue: the consumer writes a buffer the contraction reads}}
  linalg.matmul {effai.tiling = #effai.tiling<kernel = "contraction",
      lanes = 16, mr = [1], nr = 16, kc = 32, mc = 1, nc = 32,
      pack_b = "compile", epilogue = true, intensity = 1.0,
      bound = "compute", predicted_us = 1.0>}
    ins(%a, %w : memref<1x32xf32>, memref<32x32xf32>)
    outs(%acc : memref<1x32xf32>)
  linalg.generic {indexing_maps = [affine_map<(m, n) -> (m, n)>,
      affine_map<(m, n) -> (n)>, affine_map<(m, n) -> (m, n)>],
      iterator_types = ["parallel", "parallel"]}
      ins(%acc, %bias : memref<1x32xf32>, memref<32xf32>)
      outs(%a : memref<1x32xf32>) {
  ^bb0(%v: f32, %b: f32, %o: f32):
    %s = arith.addf %v, %b : f32
    linalg.yield %s : f32
  }
  memref.dealloc %acc : memref<1x32xf32>
  return
}

// -----
// Integer-only: an i32 GEMM 4x8x16 (centred activations) against i8 weight
// codes widened in the body. The same kernel on i32 vectors: the packed
// panel keeps the i8 codes ([1][8][16]), each loaded vector is
// sign-extended once, and a multiply and an add replace the FMA; the
// accumulators start from integer zeros.
// CHECK-LABEL: memref.global "private" constant @codes_packed : memref<1x8x16xi8>
// CHECK-LABEL: func.func @integer_gemm
// CHECK-DAG: arith.constant dense<0> : vector<16xi32>
// CHECK-DAG: %[[B:.*]] = memref.get_global @codes_packed : memref<1x8x16xi8>
// CHECK-NOT: linalg.generic
// CHECK: scf.for {{.*}} -> (vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>)
// CHECK: %[[CODES:.*]] = vector.load %[[B]]{{.*}} : memref<1x8x16xi8>, vector<16xi8>
// CHECK: %[[WIDE:.*]] = arith.extsi %[[CODES]] : vector<16xi8> to vector<16xi32>
// CHECK: %[[X:.*]] = vector.broadcast %{{.*}} : i32 to vector<16xi32>
// CHECK: %[[P:.*]] = arith.muli %[[X]], %[[WIDE]] : vector<16xi32>
// CHECK: arith.addi %{{.*}}, %[[P]] : vector<16xi32>
// CHECK-NOT: vector.fma
// CHECK: vector.store
memref.global "private" constant @codes : memref<8x16xi8> = dense<[
  [1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12, 13, -14, 15, -16],
  [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17],
  [-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1],
  [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1],
  [127, -127, 127, -127, 127, -127, 127, -127, 127, -127, 127, -127, 127, -127, 127, -127],
  [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3],
  [5, 4, 3, 2, 1, 0, -1, -2, -3, -4, -5, -6, -7, -8, -9, -10],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6]]>
func.func @integer_gemm(%a: memref<4x8xi32>, %c: memref<4x16xi32>) {
  %zero = arith.constant 0 : i32
  %b = memref.get_global @codes : memref<8x16xi8>
  linalg.fill ins(%zero : i32) outs(%c : memref<4x16xi32>)
  linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>,
                                   affine_map<(m, k, n) -> (k, n)>,
                                   affine_map<(m, k, n) -> (m, n)>],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xi32>, memref<8x16xi8>)
      outs(%c : memref<4x16xi32>)
      attrs = {effai.tiling = #effai.tiling<kernel = "contraction",
          lanes = 16, mr = [4], nr = 16, kc = 8, mc = 4, nc = 16,
          pack_b = "compile", intensity = 1.0, bound = "compute",
          predicted_us = 1.0>} {
  ^bb0(%x: i32, %w: i8, %acc: i32):
    %wide = arith.extsi %w : i8 to i32
    %p = arith.muli %x, %wide : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  }
  return
}

// -----
// Ops without a thread decision (a pad fill made after effai-select-tiling)
// become sequential loops here, so a parallel build forks no region for
// them; an op the model gave two threads keeps its linalg form for the
// parallel loop lowering. A fill of a whole contiguous buffer is one loop
// over its elements (a 1-D view), which LLVM stores with full vectors.
// CHECK-LABEL: func.func @undecided_fill
// CHECK: %[[FLAT:.*]] = memref.collapse_shape %arg0 {{\[\[}}0, 1]] : memref<6x10xf32> into memref<60xf32>
// CHECK: scf.for %{{.*}} = %c0 to %c60
// CHECK-NOT: scf.for
// CHECK: memref.store %{{.*}}, %[[FLAT]]
// CHECK-NOT: linalg.fill ins(%{{.*}} : f32) outs(%arg0
// CHECK: %[[BIG:.*]] = memref.collapse_shape %arg1 {{\[\[}}0, 1]] : memref<64x64xf32> into memref<4096xf32>
// CHECK: linalg.fill {effai.tiling = #effai.tiling<kernel = "loops"{{.*}}threads = 2{{.*}}} ins(%{{.*}} : f32) outs(%[[BIG]] : memref<4096xf32>)
func.func @undecided_fill(%pad: memref<6x10xf32>, %big: memref<64x64xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%pad : memref<6x10xf32>)
  linalg.fill {effai.tiling = #effai.tiling<kernel = "loops", lanes = 16,
      threads = 2, parallel = "batch", intensity = 0.1, bound = "L2",
      predicted_us = 1.0>} ins(%zero : f32) outs(%big : memref<64x64xf32>)
  return
}

// -----
// dot = 4: u8 activations x i8 codes -> i32 on AVX-512 VNNI. B is packed
// [N/16][K/4][16][4]: for column n, the four codes of k = 4g..4g+3 are
// adjacent (packed bytes 00 10 20 30 are column 0's k = 0..3 of @codes8,
// 01 11 21 31 column 1's). Each step loads four activation bytes of a row
// as one i32, broadcasts it to every lane and sums four products per lane,
// written as extui * extsi reduced over groups of 4 (effai-lower-dot-products
// makes that vpdpbusd); k steps by 4.
// CHECK-LABEL: memref.global "private" constant @codes8_packed : memref<1x2x64xi8>
// CHECK-LABEL: func.func @dot_gemm
// CHECK: %[[B:.*]] = memref.get_global @codes8_packed : memref<1x2x64xi8>
// CHECK: scf.for {{.*}} step %c4 iter_args({{.*}}) -> (vector<16xi32>, vector<16xi32>)
// CHECK: %[[CODES:.*]] = vector.load %[[B]]{{.*}} : memref<1x2x64xi8>, vector<64xi8>
// CHECK: %[[BYTES:.*]] = vector.load %{{.*}} : memref<2x8xi8>, vector<4xi8>
// CHECK: %[[WORD:.*]] = vector.bitcast %[[BYTES]] : vector<4xi8> to vector<1xi32>
// CHECK: %[[SCALAR:.*]] = vector.extract %[[WORD]][0] : i32 from vector<1xi32>
// CHECK: %[[ALL:.*]] = vector.broadcast %[[SCALAR]] : i32 to vector<16xi32>
// CHECK: %[[A:.*]] = vector.bitcast %[[ALL]] : vector<16xi32> to vector<64xi8>
// CHECK-DAG: %[[W:.*]] = arith.extsi %[[CODES]] : vector<64xi8> to vector<64xi32>
// CHECK-DAG: %[[X:.*]] = arith.extui %[[A]] : vector<64xi8> to vector<64xi32>
// CHECK: %[[P:.*]] = arith.muli %[[X]], %[[W]] : vector<64xi32>
// CHECK: %[[G:.*]] = vector.shape_cast %[[P]] : vector<64xi32> to vector<16x4xi32>
// CHECK: vector.multi_reduction <add>, %[[G]], %{{.*}} [1] : vector<16x4xi32> to vector<16xi32>
// CHECK: packed_weight: "0x{{[0-9A-F]+}}00102030011121310212223203132333
memref.global "private" constant @codes8 : memref<8x16xi8> = dense<[
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31],
  [32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47],
  [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63],
  [64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79],
  [80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95],
  [96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111],
  [-1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12, -13, -14, -15, -16]]>
func.func @dot_gemm(%a: memref<2x8xi8>, %c: memref<2x16xi32>) {
  %zero = arith.constant 0 : i32
  %b = memref.get_global @codes8 : memref<8x16xi8>
  linalg.fill ins(%zero : i32) outs(%c : memref<2x16xi32>)
  linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>,
                                   affine_map<(m, k, n) -> (k, n)>,
                                   affine_map<(m, k, n) -> (m, n)>],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<2x8xi8>, memref<8x16xi8>)
      outs(%c : memref<2x16xi32>)
      attrs = {effai.tiling = #effai.tiling<kernel = "contraction",
          lanes = 16, mr = [2], nr = 16, dot = 4, kc = 8, mc = 2, nc = 16,
          pack_b = "compile", intensity = 1.0, bound = "compute",
          predicted_us = 1.0>} {
  ^bb0(%x: i8, %w: i8, %acc: i32):
    %x32 = arith.extui %x : i8 to i32
    %w32 = arith.extsi %w : i8 to i32
    %p = arith.muli %x32, %w32 : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  }
  return
}

// -----
// dot = 4 on a 1x3 filter: the group of filter columns 0..3 has a fourth,
// zero code (packed 00 01 02 00, 03 04 05 00: output channels 0 and 1), and
// the activations' last four-byte read (output column 3, filter columns
// 3..6) stays inside the 8 columns.
// CHECK-LABEL: memref.global "private" constant @filter_packed : memref<1x1x64xi8>
// CHECK-LABEL: func.func @dot_conv
// CHECK-COUNT-4: vector.multi_reduction
// CHECK: packed_weight: "0x{{[0-9A-F]+}}0001020003040500
memref.global "private" constant @filter : memref<16x1x1x3xi8> = dense<[
  [[[0, 1, 2]]], [[[3, 4, 5]]], [[[6, 7, 8]]], [[[9, 10, 11]]],
  [[[12, 13, 14]]], [[[15, 16, 17]]], [[[18, 19, 20]]], [[[21, 22, 23]]],
  [[[24, 25, 26]]], [[[27, 28, 29]]], [[[30, 31, 32]]], [[[33, 34, 35]]],
  [[[36, 37, 38]]], [[[39, 40, 41]]], [[[42, 43, 44]]], [[[45, 46, 47]]]]>
func.func @dot_conv(%x: memref<1x1x1x8xi8>, %y: memref<1x16x1x4xi32>) {
  %zero = arith.constant 0 : i32
  %w = memref.get_global @filter : memref<16x1x1x3xi8>
  linalg.fill ins(%zero : i32) outs(%y : memref<1x16x1x4xi32>)
  linalg.generic {indexing_maps = [
      affine_map<(n, o, h, w, c, kh, kw) -> (n, c, h + kh, w + kw)>,
      affine_map<(n, o, h, w, c, kh, kw) -> (o, c, kh, kw)>,
      affine_map<(n, o, h, w, c, kh, kw) -> (n, o, h, w)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel",
                        "reduction", "reduction", "reduction"]}
      ins(%x, %w : memref<1x1x1x8xi8>, memref<16x1x1x3xi8>)
      outs(%y : memref<1x16x1x4xi32>)
      attrs = {effai.tiling = #effai.tiling<kernel = "contraction",
          lanes = 16, mr = [1, 4], nr = 16, dot = 4, kc = 3, mc = 1, nc = 16,
          pack_b = "compile", intensity = 1.0, bound = "compute",
          predicted_us = 1.0>} {
  ^bb0(%a: i8, %b: i8, %acc: i32):
    %a32 = arith.extui %a : i8 to i32
    %b32 = arith.extsi %b : i8 to i32
    %p = arith.muli %a32, %b32 : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  }
  return
}

// -----
// Without the columns past the filter's end (6 here, read up to 7), the
// last group would read out of bounds: loops stay.
memref.global "private" constant @ones : memref<16x1x1x3xi8> = dense<1>
func.func @dot_no_slack(%x: memref<1x1x1x6xi8>, %y: memref<1x16x1x4xi32>) {
  %zero = arith.constant 0 : i32
  %wm = memref.get_global @ones : memref<16x1x1x3xi8>
  linalg.fill ins(%zero : i32) outs(%y : memref<1x16x1x4xi32>)
  // expected-warning @+1 {{effai-tile-and-fuse: keeping loops: dot = 4 needs u8 activations read contiguously along a reduction dim (in bounds in groups of 4), i8 weight codes packed at compile time and no A packing}}
  linalg.generic {indexing_maps = [
      affine_map<(n, o, h, w, c, kh, kw) -> (n, c, h + kh, w + kw)>,
      affine_map<(n, o, h, w, c, kh, kw) -> (o, c, kh, kw)>,
      affine_map<(n, o, h, w, c, kh, kw) -> (n, o, h, w)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel",
                        "reduction", "reduction", "reduction"]}
      ins(%x, %wm : memref<1x1x1x6xi8>, memref<16x1x1x3xi8>)
      outs(%y : memref<1x16x1x4xi32>)
      attrs = {effai.tiling = #effai.tiling<kernel = "contraction",
          lanes = 16, mr = [1, 4], nr = 16, dot = 4, kc = 3, mc = 1, nc = 16,
          pack_b = "compile", intensity = 1.0, bound = "compute",
          predicted_us = 1.0>} {
  ^bb0(%a: i8, %b: i8, %acc: i32):
    %a32 = arith.extui %a : i8 to i32
    %b32 = arith.extsi %b : i8 to i32
    %p = arith.muli %a32, %b32 : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  }
  return
}

// -----
// An accumulator that starts from per-channel constants (a zero point
// folded in: -zp * sum w) instead of a zero fill: the broadcast that wrote
// them goes, and every row's accumulators start from the vector loaded
// from the constants (viewed 1-D) at the tile's first channel.
// CHECK-LABEL: func.func @channel_start
// CHECK-DAG: %[[START:.*]] = memref.get_global @start : memref<1x16x1x1xi32>
// CHECK-DAG: %[[FLAT:.*]] = memref.collapse_shape %[[START]] {{\[\[}}0, 1, 2, 3]] : memref<1x16x1x1xi32> into memref<16xi32>
// CHECK-NOT: linalg.generic
// CHECK: %[[INIT:.*]] = vector.load %[[FLAT]][%{{.*}}] : memref<16xi32>, vector<16xi32>
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[INIT]], %{{.*}} = %[[INIT]], %{{.*}} = %[[INIT]], %{{.*}} = %[[INIT]])
// CHECK-NOT: linalg.generic
memref.global "private" constant @filter1 : memref<16x1x1x3xi8> = dense<2>
memref.global "private" constant @start : memref<1x16x1x1xi32> = dense<[[[[0]], [[-1]], [[-2]], [[-3]], [[-4]], [[-5]], [[-6]], [[-7]], [[-8]], [[-9]], [[-10]], [[-11]], [[-12]], [[-13]], [[-14]], [[-15]]]]>
func.func @channel_start(%x: memref<1x1x1x8xi8>, %y: memref<1x16x1x4xi32>) {
  %w = memref.get_global @filter1 : memref<16x1x1x3xi8>
  %s = memref.get_global @start : memref<1x16x1x1xi32>
  linalg.generic {indexing_maps = [
      affine_map<(n, o, h, w) -> (0, o, 0, 0)>,
      affine_map<(n, o, h, w) -> (n, o, h, w)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%s : memref<1x16x1x1xi32>) outs(%y : memref<1x16x1x4xi32>) {
  ^bb0(%in: i32, %out: i32):
    linalg.yield %in : i32
  }
  linalg.generic {indexing_maps = [
      affine_map<(n, o, h, w, c, kh, kw) -> (n, c, h + kh, w + kw)>,
      affine_map<(n, o, h, w, c, kh, kw) -> (o, c, kh, kw)>,
      affine_map<(n, o, h, w, c, kh, kw) -> (n, o, h, w)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel",
                        "reduction", "reduction", "reduction"]}
      ins(%x, %w : memref<1x1x1x8xi8>, memref<16x1x1x3xi8>)
      outs(%y : memref<1x16x1x4xi32>)
      attrs = {effai.tiling = #effai.tiling<kernel = "contraction",
          lanes = 16, mr = [1, 4], nr = 16, dot = 4, kc = 3, mc = 1, nc = 16,
          pack_b = "compile", intensity = 1.0, bound = "compute",
          predicted_us = 1.0>} {
  ^bb0(%a: i8, %b: i8, %acc: i32):
    %a32 = arith.extui %a : i8 to i32
    %b32 = arith.extsi %b : i8 to i32
    %p = arith.muli %a32, %b32 : i32
    %t = arith.addi %acc, %p : i32
    linalg.yield %t : i32
  }
  return
}

// -----
// An integer kernel with a dequantizing epilogue: the i32 sums become f32
// (sitofp, times the scale) on the register tile and only the f32 values
// are stored; the i32 buffer and the consumer go.
// CHECK-LABEL: func.func @dequantized
// CHECK-NOT: memref.alloc
// CHECK: scf.for {{.*}} -> (vector<16xi32>, vector<16xi32>)
// CHECK: %[[REAL:.*]] = arith.sitofp %{{.*}} : vector<16xi32> to vector<16xf32>
// CHECK: %[[SCALED:.*]] = arith.mulf %[[REAL]], %{{.*}} : vector<16xf32>
// CHECK: vector.store %[[SCALED]], %arg1[{{.*}}] : memref<2x16xf32>, vector<16xf32>
// CHECK-NOT: linalg.generic
memref.global "private" constant @codes16 : memref<8x16xi8> = dense<5>
func.func @dequantized(%a: memref<2x8xi8>, %out: memref<2x16xf32>) {
  %zero = arith.constant 0 : i32
  %scale = arith.constant 0.5 : f32
  %b = memref.get_global @codes16 : memref<8x16xi8>
  %c = memref.alloc() : memref<2x16xi32>
  linalg.fill ins(%zero : i32) outs(%c : memref<2x16xi32>)
  linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>,
                                   affine_map<(m, k, n) -> (k, n)>,
                                   affine_map<(m, k, n) -> (m, n)>],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<2x8xi8>, memref<8x16xi8>)
      outs(%c : memref<2x16xi32>)
      attrs = {effai.tiling = #effai.tiling<kernel = "contraction",
          lanes = 16, mr = [2], nr = 16, dot = 4, kc = 8, mc = 2, nc = 16,
          pack_b = "compile", epilogue = true, intensity = 1.0,
          bound = "compute", predicted_us = 1.0>} {
  ^bb0(%x: i8, %w: i8, %acc: i32):
    %x32 = arith.extui %x : i8 to i32
    %w32 = arith.extsi %w : i8 to i32
    %p = arith.muli %x32, %w32 : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  }
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>,
                                   affine_map<(i, j) -> (i, j)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<2x16xi32>) outs(%out : memref<2x16xf32>)
      attrs = {effai.epilogue} {
  ^bb0(%v: i32, %o: f32):
    %real = arith.sitofp %v : i32 to f32
    %r = arith.mulf %real, %scale : f32
    linalg.yield %r : f32
  }
  memref.dealloc %c : memref<2x16xi32>
  return
}

// -----
// A reduction whose reduction loops are innermost (a 2x2 max pool): each
// output's running value stays in a register, carried by the window loops,
// and is stored once; the -inf fill just before becomes the loops' start
// value. With threads, the output loops are an scf.parallel.
// CHECK-LABEL: func.func @window_max
// CHECK-NOT: linalg.fill
// CHECK: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for
// CHECK: %[[MAX:.*]] = scf.for {{.*}} iter_args(%[[ACC:.*]] = %[[NINF]]) -> (f32)
// CHECK: scf.for {{.*}} iter_args(%[[ACC2:.*]] = %[[ACC]]) -> (f32)
// CHECK: memref.load %arg0
// CHECK: arith.maximumf %[[ACC2]]
// CHECK-NOT: memref.store
// CHECK: scf.yield
// CHECK: memref.store %[[MAX]], %arg1
// CHECK-LABEL: func.func @window_max_threads
// CHECK: scf.parallel
// CHECK: scf.for {{.*}} iter_args
// CHECK-NOT: linalg.generic
func.func @window_max(%x: memref<1x2x8x8xf32>, %y: memref<1x2x4x4xf32>) {
  %ninf = arith.constant 0xFF800000 : f32
  %w = memref.alloc() : memref<2x2xi1>
  linalg.fill ins(%ninf : f32) outs(%y : memref<1x2x4x4xf32>)
  linalg.generic {indexing_maps = [
      affine_map<(n, c, h, w, kh, kw) -> (n, c, h * 2 + kh, w * 2 + kw)>,
      affine_map<(n, c, h, w, kh, kw) -> (kh, kw)>,
      affine_map<(n, c, h, w, kh, kw) -> (n, c, h, w)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel",
                        "reduction", "reduction"]}
      ins(%x, %w : memref<1x2x8x8xf32>, memref<2x2xi1>)
      outs(%y : memref<1x2x4x4xf32>)
      attrs = {effai.tiling = #effai.tiling<kernel = "reduction", lanes = 16,
          intensity = 0.1, bound = "L1", predicted_us = 1.0>} {
  ^bb0(%in: f32, %unused: i1, %acc: f32):
    %m = arith.maximumf %acc, %in fastmath<nsz> : f32
    linalg.yield %m : f32
  }
  memref.dealloc %w : memref<2x2xi1>
  return
}
func.func @window_max_threads(%x: memref<1x2x8x8xf32>, %y: memref<1x2x4x4xf32>) {
  %w = memref.alloc() : memref<2x2xi1>
  linalg.generic {indexing_maps = [
      affine_map<(n, c, h, w, kh, kw) -> (n, c, h * 2 + kh, w * 2 + kw)>,
      affine_map<(n, c, h, w, kh, kw) -> (kh, kw)>,
      affine_map<(n, c, h, w, kh, kw) -> (n, c, h, w)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel",
                        "reduction", "reduction"]}
      ins(%x, %w : memref<1x2x8x8xf32>, memref<2x2xi1>)
      outs(%y : memref<1x2x4x4xf32>)
      attrs = {effai.tiling = #effai.tiling<kernel = "reduction", lanes = 16,
          threads = 2, parallel = "batch", intensity = 0.1, bound = "L1",
          predicted_us = 1.0>} {
  ^bb0(%in: f32, %unused: i1, %acc: f32):
    %m = arith.maximumf %acc, %in fastmath<nsz> : f32
    linalg.yield %m : f32
  }
  memref.dealloc %w : memref<2x2xi1>
  return
}

// -----
// The per-channel start with 20 channels in a 32-wide tile: lanes past
// channel 20 load as zero (and are never stored); with n not a multiple of
// nr, both vectors' masks come from the tile's first channel.
// CHECK-LABEL: func.func @channel_start_masked
// CHECK: %[[FLAT:.*]] = memref.collapse_shape %{{.*}} {{\[\[}}0, 1, 2, 3]] : memref<1x20x1x1xi32> into memref<20xi32>
// CHECK: vector.maskedload %[[FLAT]][%{{.*}}], %{{.*}}, %{{.*}} : memref<20xi32>, vector<16xi1>, vector<16xi32> into vector<16xi32>
// CHECK: vector.maskedload %[[FLAT]][%{{.*}}], %{{.*}}, %{{.*}} : memref<20xi32>, vector<16xi1>, vector<16xi32> into vector<16xi32>
memref.global "private" constant @filter20 : memref<20x1x1x3xi8> = dense<2>
memref.global "private" constant @start20 : memref<1x20x1x1xi32> = dense<-7>
func.func @channel_start_masked(%x: memref<1x1x1x8xi8>, %y: memref<1x20x1x4xi32>) {
  %w = memref.get_global @filter20 : memref<20x1x1x3xi8>
  %s = memref.get_global @start20 : memref<1x20x1x1xi32>
  linalg.generic {indexing_maps = [
      affine_map<(n, o, h, w) -> (0, o, 0, 0)>,
      affine_map<(n, o, h, w) -> (n, o, h, w)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%s : memref<1x20x1x1xi32>) outs(%y : memref<1x20x1x4xi32>) {
  ^bb0(%in: i32, %out: i32):
    linalg.yield %in : i32
  }
  linalg.generic {indexing_maps = [
      affine_map<(n, o, h, w, c, kh, kw) -> (n, c, h + kh, w + kw)>,
      affine_map<(n, o, h, w, c, kh, kw) -> (o, c, kh, kw)>,
      affine_map<(n, o, h, w, c, kh, kw) -> (n, o, h, w)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel",
                        "reduction", "reduction", "reduction"]}
      ins(%x, %w : memref<1x1x1x8xi8>, memref<20x1x1x3xi8>)
      outs(%y : memref<1x20x1x4xi32>)
      attrs = {effai.tiling = #effai.tiling<kernel = "contraction",
          lanes = 16, mr = [1, 4], nr = 32, dot = 4, kc = 3, mc = 1, nc = 32,
          pack_b = "compile", intensity = 1.0, bound = "compute",
          predicted_us = 1.0>} {
  ^bb0(%a: i8, %b: i8, %acc: i32):
    %a32 = arith.extui %a : i8 to i32
    %b32 = arith.extsi %b : i8 to i32
    %p = arith.muli %a32, %b32 : i32
    %t = arith.addi %acc, %p : i32
    linalg.yield %t : i32
  }
  return
}

// -----
// The `unrolled` kernel (Winograd transforms): a contraction against a
// small constant becomes a loop over m whose body sums the first input's
// elements with the coefficients folded in: zeros skipped, ones added
// without a multiply, each input element loaded once (A[m, 1] feeds both
// columns), the zero fill absorbed.
// CHECK-LABEL: func.func @unrolled
// CHECK-NOT: linalg.fill
// CHECK: scf.for
// CHECK: %[[A0:.+]] = memref.load %arg0[%{{.+}}, %{{.+}}] : memref<5x3xf32>
// CHECK: %[[A1:.+]] = memref.load %arg0[%{{.+}}, %{{.+}}] : memref<5x3xf32>
// CHECK: %[[C0:.+]] = arith.addf %[[A0]], %[[A1]] : f32
// CHECK: memref.store %[[C0]], %arg1
// CHECK: %[[A2:.+]] = memref.load %arg0[%{{.+}}, %{{.+}}] : memref<5x3xf32>
// CHECK: %[[HALF:.+]] = arith.constant -5.000000e-01 : f32
// CHECK: %[[P:.+]] = arith.mulf %[[A2]], %[[HALF]] : f32
// CHECK: %[[C1:.+]] = arith.addf %[[A1]], %[[P]] : f32
// CHECK: memref.store %[[C1]], %arg1
// CHECK-NOT: linalg.matmul
memref.global "private" constant @coefficients : memref<3x2xf32> = dense<[[1.0, 0.0], [1.0, 1.0], [0.0, -0.5]]>
func.func @unrolled(%a: memref<5x3xf32>, %c: memref<5x2xf32>) {
  %zero = arith.constant 0.0 : f32
  %b = memref.get_global @coefficients : memref<3x2xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<5x2xf32>)
  linalg.matmul {effai.tiling = #effai.tiling<kernel = "unrolled",
      intensity = 1.0, bound = "memory", predicted_us = 1.0>}
    ins(%a, %b : memref<5x3xf32>, memref<3x2xf32>)
    outs(%c : memref<5x2xf32>)
  return
}

// -----
// An `unrolled` tiling whose coefficients are not constant falls back to
// plain loops, with a warning saying why.
// CHECK-LABEL: func.func @unrolled_not_constant
// CHECK: scf.for
// CHECK: arith.mulf
func.func @unrolled_not_constant(%a: memref<5x3xf32>, %b: memref<3x2xf32>, %c: memref<5x2xf32>) {
  // expected-warning @+1 {{effai-tile-and-fuse: keeping loops: the second input is not a constant}}
  linalg.matmul {effai.tiling = #effai.tiling<kernel = "unrolled",
      intensity = 1.0, bound = "memory", predicted_us = 1.0>}
    ins(%a, %b : memref<5x3xf32>, memref<3x2xf32>)
    outs(%c : memref<5x2xf32>)
  return
}

// -----
// b_bits = 4: i8 codes that fit 4 bits are packed two to a byte, column j
// of a panel row in the low nibble of byte j and column j + nr/2 in the
// high one (row k = 0: codes 1 2 3 4 | -1 -2 -3 -8 -> bytes 0xF1 0xE2 0xD3
// 0x84). Each step loads the row's bytes once for both vectors: the low
// nibble sign-extended by shifts left and right by 28, the high one by an
// arithmetic shift by 4, then converted.
// CHECK-LABEL: memref.global "private" constant @nibbles_packed : memref<1x2x4xi8> = dense<{{\[\[\[}}-15, -30, -45, -124], [96, 7, -8, 117]]]>
// CHECK-LABEL: func.func @four_bit_codes
// CHECK-DAG: %[[C4:.*]] = arith.constant dense<4> : vector<4xi32>
// CHECK-DAG: %[[C28:.*]] = arith.constant dense<28> : vector<4xi32>
// CHECK: %[[PACKED:.*]] = memref.get_global @nibbles_packed : memref<1x2x4xi8>
// CHECK: scf.for {{.*}} -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>)
// CHECK: %[[BYTES:.*]] = vector.load %[[PACKED]][{{.*}}] : memref<1x2x4xi8>, vector<4xi8>
// CHECK: %[[WIDE:.*]] = arith.extsi %[[BYTES]] : vector<4xi8> to vector<4xi32>
// CHECK: %[[UP:.*]] = arith.shli %[[WIDE]], %[[C28]] : vector<4xi32>
// CHECK: %[[LOW:.*]] = arith.shrsi %[[UP]], %[[C28]] : vector<4xi32>
// CHECK: %[[LOWF:.*]] = arith.sitofp %[[LOW]] : vector<4xi32> to vector<4xf32>
// CHECK: %[[BYTES2:.*]] = vector.load %[[PACKED]][{{.*}}] : memref<1x2x4xi8>, vector<4xi8>
// CHECK: %[[WIDE2:.*]] = arith.extsi %[[BYTES2]] : vector<4xi8> to vector<4xi32>
// CHECK: %[[HIGH:.*]] = arith.shrsi %[[WIDE2]], %[[C4]] : vector<4xi32>
// CHECK: %[[HIGHF:.*]] = arith.sitofp %[[HIGH]] : vector<4xi32> to vector<4xf32>
// CHECK: vector.fma %{{.*}}, %[[LOWF]], %{{.*}} : vector<4xf32>
// CHECK: vector.fma %{{.*}}, %[[HIGHF]], %{{.*}} : vector<4xf32>
memref.global "private" constant @nibbles : memref<2x8xi8> =
    dense<[[1, 2, 3, 4, -1, -2, -3, -8], [0, 7, -8, 5, 6, 0, -1, 7]]>
func.func @four_bit_codes(%a: memref<2x2xf32>, %c: memref<2x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %b = memref.get_global @nibbles : memref<2x8xi8>
  linalg.fill ins(%zero : f32) outs(%c : memref<2x8xf32>)
  linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>,
                                   affine_map<(m, k, n) -> (k, n)>,
                                   affine_map<(m, k, n) -> (m, n)>],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<2x2xf32>, memref<2x8xi8>)
      outs(%c : memref<2x8xf32>)
      attrs = {effai.tiling = #effai.tiling<kernel = "contraction",
          lanes = 4, mr = [2], nr = 8, kc = 2, mc = 2, nc = 8,
          pack_b = "compile", b_bits = 4, intensity = 1.0,
          bound = "compute", predicted_us = 1.0>} {
  ^bb0(%x: f32, %w: i8, %acc: f32):
    %wf = arith.sitofp %w : i8 to f32
    %p = arith.mulf %x, %wf : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----
// Unsigned codes and three vectors (an odd number): panel row k = 0 holds
// columns 0-9 (codes 0 7 1 3 5 9 11 13 15 2, then zeros) as bytes 0 | 11,
// 7 | 13, ... (0xB0 = -80, 0xD7 = -41). A step loads the row's nr/2 bytes,
// takes the low nibbles (a mask) and the high ones (a logical shift),
// joins them into the row and slices it per vector; the codes convert
// with sitofp (exact, not negative).
// CHECK-LABEL: memref.global "private" constant @unsigned_nibbles_packed : memref<1x2x6xi8> = dense<{{\[\[\[}}-80, -41, -15, 35, 5, 9], [-49, -24, 2, -108, 6, 10]]]>
// CHECK-LABEL: func.func @four_bit_unsigned
// CHECK: %[[BYTES:.*]] = vector.load %{{.*}} : memref<1x2x6xi8>, vector<6xi8>
// CHECK: %[[WIDE:.*]] = arith.extui %[[BYTES]] : vector<6xi8> to vector<6xi32>
// CHECK: %[[LOW:.*]] = arith.andi %[[WIDE]], %{{.*}} : vector<6xi32>
// CHECK: %[[HIGH:.*]] = arith.shrui %{{.*}}, %{{.*}} : vector<6xi32>
// CHECK: %[[ROW:.*]] = vector.shuffle %[[LOW]], %[[HIGH]] [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] : vector<6xi32>, vector<6xi32>
// CHECK: %[[CODES:.*]] = vector.extract_strided_slice %[[ROW]] {offsets = [0], sizes = [4], strides = [1]} : vector<12xi32> to vector<4xi32>
// CHECK: arith.sitofp %[[CODES]] : vector<4xi32> to vector<4xf32>
// CHECK: vector.extract_strided_slice %{{.*}} {offsets = [4], sizes = [4], strides = [1]} : vector<12xi32> to vector<4xi32>
// CHECK: vector.extract_strided_slice %{{.*}} {offsets = [8], sizes = [4], strides = [1]} : vector<12xi32> to vector<4xi32>
memref.global "private" constant @unsigned_nibbles : memref<10x2xi8> =
    dense<[[0, 15], [7, 8], [1, 2], [3, 4], [5, 6], [9, 10], [11, 12],
           [13, 14], [15, 0], [2, 9]]>
func.func @four_bit_unsigned(%a: memref<1x2xf32>, %c: memref<1x10xf32>) {
  %zero = arith.constant 0.0 : f32
  %b = memref.get_global @unsigned_nibbles : memref<10x2xi8>
  linalg.fill ins(%zero : f32) outs(%c : memref<1x10xf32>)
  linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>,
                                   affine_map<(m, k, n) -> (n, k)>,
                                   affine_map<(m, k, n) -> (m, n)>],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<1x2xf32>, memref<10x2xi8>)
      outs(%c : memref<1x10xf32>)
      attrs = {effai.tiling = #effai.tiling<kernel = "contraction",
          lanes = 4, mr = [1], nr = 12, kc = 2, mc = 1, nc = 12,
          pack_b = "compile", b_bits = 4, intensity = 1.0,
          bound = "compute", predicted_us = 1.0>} {
  ^bb0(%x: f32, %w: i8, %acc: f32):
    %wf = arith.uitofp %w : i8 to f32
    %p = arith.mulf %x, %wf : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----
// b_bits = 4 on codes that do not fit 4 bits (9): no kernel.
memref.global "private" constant @wide_codes : memref<2x16xi8> = dense<9>
func.func @four_bit_too_wide(%a: memref<2x2xf32>, %c: memref<2x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %b = memref.get_global @wide_codes : memref<2x16xi8>
  linalg.fill ins(%zero : f32) outs(%c : memref<2x16xf32>)
  // expected-warning @+1 {{effai-tile-and-fuse: keeping loops: b_bits = 4 needs constant i8 codes in [-8, 7] (or [0, 15] when read unsigned)}}
  linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>,
                                   affine_map<(m, k, n) -> (k, n)>,
                                   affine_map<(m, k, n) -> (m, n)>],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<2x2xf32>, memref<2x16xi8>)
      outs(%c : memref<2x16xf32>)
      attrs = {effai.tiling = #effai.tiling<kernel = "contraction",
          lanes = 16, mr = [2], nr = 16, kc = 2, mc = 2, nc = 16,
          pack_b = "compile", b_bits = 4, intensity = 1.0,
          bound = "compute", predicted_us = 1.0>} {
  ^bb0(%x: f32, %w: i8, %acc: f32):
    %wf = arith.sitofp %w : i8 to f32
    %p = arith.mulf %x, %wf : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----
// b_bits = 2 (ternary codes): four codes a byte, column j + 4q of a panel
// row in bits [2q, 2q + 2) of byte j (row k = 0: codes 1, 0, -2, 1 of
// columns 0, 4, 8, 12 -> 0b01100001 = 97). With four vectors each step
// loads the row's 4 bytes once; slot q is sign-extended by shifts left by
// 30 - 2q and right by 30, the top one by a shift right by 6.
// CHECK-LABEL: memref.global "private" constant @ternary_packed : memref<1x2x4xi8> = dense<{{\[\[\[}}97, -28, 7, 30], [-76, -76, -76, -76]]]>
// CHECK-LABEL: func.func @ternary_codes
// CHECK-DAG: %[[C6:.*]] = arith.constant dense<6> : vector<4xi32>
// CHECK-DAG: %[[C26:.*]] = arith.constant dense<26> : vector<4xi32>
// CHECK-DAG: %[[C28:.*]] = arith.constant dense<28> : vector<4xi32>
// CHECK-DAG: %[[C30:.*]] = arith.constant dense<30> : vector<4xi32>
// CHECK: scf.for {{.*}} -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>)
// CHECK: %[[W0:.*]] = arith.extsi %{{.*}} : vector<4xi8> to vector<4xi32>
// CHECK: %[[U0:.*]] = arith.shli %[[W0]], %[[C30]] : vector<4xi32>
// CHECK: arith.shrsi %[[U0]], %[[C30]] : vector<4xi32>
// CHECK: %[[W1:.*]] = arith.extsi %{{.*}} : vector<4xi8> to vector<4xi32>
// CHECK: %[[U1:.*]] = arith.shli %[[W1]], %[[C28]] : vector<4xi32>
// CHECK: arith.shrsi %[[U1]], %[[C30]] : vector<4xi32>
// CHECK: %[[W2:.*]] = arith.extsi %{{.*}} : vector<4xi8> to vector<4xi32>
// CHECK: %[[U2:.*]] = arith.shli %[[W2]], %[[C26]] : vector<4xi32>
// CHECK: arith.shrsi %[[U2]], %[[C30]] : vector<4xi32>
// CHECK: %[[W3:.*]] = arith.extsi %{{.*}} : vector<4xi8> to vector<4xi32>
// CHECK: arith.shrsi %[[W3]], %[[C6]] : vector<4xi32>
memref.global "private" constant @ternary : memref<2x16xi8> =
    dense<[[1, 0, -1, -2, 0, 1, 1, -1, -2, -2, 0, 1, 1, -1, 0, 0],
           [0, 0, 0, 0, 1, 1, 1, 1, -1, -1, -1, -1, -2, -2, -2, -2]]>
func.func @ternary_codes(%a: memref<3x2xf32>, %c: memref<3x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %b = memref.get_global @ternary : memref<2x16xi8>
  linalg.fill ins(%zero : f32) outs(%c : memref<3x16xf32>)
  linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>,
                                   affine_map<(m, k, n) -> (k, n)>,
                                   affine_map<(m, k, n) -> (m, n)>],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<3x2xf32>, memref<2x16xi8>)
      outs(%c : memref<3x16xf32>)
      attrs = {effai.tiling = #effai.tiling<kernel = "contraction",
          lanes = 4, mr = [1], nr = 16, kc = 2, mc = 1, nc = 16,
          pack_b = "compile", b_bits = 2, intensity = 1.0,
          bound = "compute", predicted_us = 1.0>} {
  ^bb0(%x: f32, %w: i8, %acc: f32):
    %wf = arith.sitofp %w : i8 to f32
    %p = arith.mulf %x, %wf : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----
// b_bits = 2 on codes that need 4 bits (2): no kernel.
memref.global "private" constant @wide_for_two_bits : memref<2x16xi8> =
    dense<[[2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
           [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -2]]>
func.func @two_bit_overflow(%a: memref<2x2xf32>, %c: memref<2x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %b = memref.get_global @wide_for_two_bits : memref<2x16xi8>
  linalg.fill ins(%zero : f32) outs(%c : memref<2x16xf32>)
  // expected-warning @+1 {{effai-tile-and-fuse: keeping loops: b_bits = 2 needs constant i8 codes in [-2, 1] (or [0, 3] when read unsigned)}}
  linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>,
                                   affine_map<(m, k, n) -> (k, n)>,
                                   affine_map<(m, k, n) -> (m, n)>],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<2x2xf32>, memref<2x16xi8>)
      outs(%c : memref<2x16xf32>)
      attrs = {effai.tiling = #effai.tiling<kernel = "contraction",
          lanes = 4, mr = [2], nr = 16, kc = 2, mc = 2, nc = 16,
          pack_b = "compile", b_bits = 2, intensity = 1.0,
          bound = "compute", predicted_us = 1.0>} {
  ^bb0(%x: f32, %w: i8, %acc: f32):
    %wf = arith.sitofp %w : i8 to f32
    %p = arith.mulf %x, %wf : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
