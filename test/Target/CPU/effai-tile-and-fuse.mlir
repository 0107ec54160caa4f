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
// parallel loop lowering.
// CHECK-LABEL: func.func @undecided_fill
// CHECK: scf.for
// CHECK: scf.for
// CHECK: memref.store %{{.*}}, %arg0
// CHECK-NOT: linalg.fill ins(%{{.*}} : f32) outs(%arg0
// CHECK: linalg.fill {effai.tiling = #effai.tiling<kernel = "loops"{{.*}}threads = 2{{.*}}} ins(%{{.*}} : f32) outs(%arg1
func.func @undecided_fill(%pad: memref<6x10xf32>, %big: memref<64x64xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%pad : memref<6x10xf32>)
  linalg.fill {effai.tiling = #effai.tiling<kernel = "loops", lanes = 16,
      threads = 2, parallel = "batch", intensity = 0.1, bound = "L2",
      predicted_us = 1.0>} ins(%zero : f32) outs(%big : memref<64x64xf32>)
  return
}
