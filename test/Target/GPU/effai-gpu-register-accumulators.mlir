// effai-gpu-register-accumulators: a thread's tile of a reduction becomes
// its reduction loops around the tile's points, unrolled, each point's
// accumulator an iteration argument (a register), the operands of a step
// loaded once and the result stored once, after the loop.
// RUN: %effai_opt %s --effai-gpu-register-accumulators -split-input-file -verify-diagnostics | FileCheck %s
// RUN: %effai_opt %s --effai-gpu-register-accumulators=distribute=false -split-input-file -verify-diagnostics | FileCheck %s --check-prefix=EMULATE
// RUN: %effai_opt %s --effai-gpu-register-accumulators --cse -split-input-file -verify-diagnostics | FileCheck %s --check-prefix=CSE

// A 2 x 2 matmul tile over k = 64: four accumulators from the fill's zero
// (the fill is gone), a loop over k with A's two and B's two values loaded
// per step (cse merges the repeated loads) and four multiply-adds, the
// four results stored after the loop.
// CHECK-LABEL: func.func @matmul_tile
// CHECK-NOT:   linalg.fill
// CHECK:       %[[ZERO:.*]] = arith.constant 0.0
// CHECK:       %[[ACC:.*]]:4 = scf.for %[[K:.*]] = %c0 to %c64 step %c1 iter_args(%[[C00:.*]] = %[[ZERO]], %[[C01:.*]] = %[[ZERO]], %[[C10:.*]] = %[[ZERO]], %[[C11:.*]] = %[[ZERO]]) -> (f32, f32, f32, f32)
// CHECK:         %[[A0:.*]] = memref.load %{{.*}}[%c0{{.*}}, %[[K]]]
// CHECK:         %[[B0:.*]] = memref.load %{{.*}}[%[[K]], %c0
// CHECK:         %[[M:.*]] = arith.mulf %[[A0]], %[[B0]]
// CHECK:         %[[S00:.*]] = arith.addf %[[C00]], %[[M]]
// CHECK-NOT:     memref.store
// CHECK:         scf.yield %[[S00]], %{{.*}}, %{{.*}}, %{{.*}} : f32, f32, f32, f32
// CHECK:       memref.store %[[ACC]]#0, %{{.*}}[%c0{{.*}}, %c0{{.*}}]
// CHECK:       memref.store %[[ACC]]#1, %{{.*}}[%c0{{.*}}, %c1{{.*}}]
// CHECK:       memref.store %[[ACC]]#2, %{{.*}}[%c1{{.*}}, %c0{{.*}}]
// CHECK:       memref.store %[[ACC]]#3, %{{.*}}[%c1{{.*}}, %c1{{.*}}]
// CHECK-NOT:   linalg.matmul
// CSE-LABEL:   func.func @matmul_tile
// CSE:         scf.for
// CSE-COUNT-4:   memref.load
// CSE-NOT:       memref.load
// CSE:           scf.yield
func.func @matmul_tile(%a: memref<8x64xf32>, %b: memref<64x8xf32>, %c: memref<8x8xf32>) {
  %zero = arith.constant 0.0 : f32
  scf.forall (%i, %j) = (0, 0) to (8, 8) step (2, 2) {
    %ta = memref.subview %a[%i, 0] [2, 64] [1, 1] : memref<8x64xf32> to memref<2x64xf32, strided<[64, 1], offset: ?>>
    %tb = memref.subview %b[0, %j] [64, 2] [1, 1] : memref<64x8xf32> to memref<64x2xf32, strided<[8, 1], offset: ?>>
    %tc = memref.subview %c[%i, %j] [2, 2] [1, 1] : memref<8x8xf32> to memref<2x2xf32, strided<[8, 1], offset: ?>>
    linalg.fill ins(%zero : f32) outs(%tc : memref<2x2xf32, strided<[8, 1], offset: ?>>)
    linalg.matmul ins(%ta, %tb : memref<2x64xf32, strided<[64, 1], offset: ?>>, memref<64x2xf32, strided<[8, 1], offset: ?>>) outs(%tc : memref<2x2xf32, strided<[8, 1], offset: ?>>)
  } {mapping = [#gpu.thread<linear_dim_1>, #gpu.thread<linear_dim_0>]}
  return
}

// -----
// Without a fill the accumulators start from the result's values (an
// in-place accumulation), read once before the loop; two reduction loops
// nest, the body's linalg.index reads the loop values (the point's
// constant, the reduction's induction variable).
// CHECK-LABEL: func.func @accumulate_in_place
// CHECK:       %[[I0:.*]] = memref.load %[[C:.*]][%c0]
// CHECK:       %[[I1:.*]] = memref.load %[[C]][%c1]
// CHECK:       %[[R:.*]]:2 = scf.for %[[X:.*]] = %c0{{.*}} to %c3 step %c1{{.*}} iter_args(%[[P0:.*]] = %[[I0]], %[[P1:.*]] = %[[I1]])
// CHECK:         %[[IN:.*]]:2 = scf.for %[[Y:.*]] = %c0{{.*}} to %c5 step %c1{{.*}} iter_args(%[[Q0:.*]] = %[[P0]], %[[Q1:.*]] = %[[P1]])
// CHECK:           memref.load %{{.*}}[%c0{{.*}}, %[[X]], %[[Y]]]
// CHECK:           arith.index_cast %[[Y]]
// CHECK:           memref.load %{{.*}}[%c1{{.*}}, %[[X]], %[[Y]]]
// CHECK:           scf.yield
// CHECK:         scf.yield %[[IN]]#0, %[[IN]]#1
// CHECK:       memref.store %[[R]]#0, %[[C]][%c0
// CHECK:       memref.store %[[R]]#1, %[[C]][%c1
#in3 = affine_map<(p, x, y) -> (p, x, y)>
#out1 = affine_map<(p, x, y) -> (p)>
func.func @accumulate_in_place(%in: memref<4x3x5xi32>, %out: memref<4xi32>) {
  scf.forall (%t) = (0) to (4) step (2) {
    %ti = memref.subview %in[%t, 0, 0] [2, 3, 5] [1, 1, 1] : memref<4x3x5xi32> to memref<2x3x5xi32, strided<[15, 5, 1], offset: ?>>
    %to = memref.subview %out[%t] [2] [1] : memref<4xi32> to memref<2xi32, strided<[1], offset: ?>>
    linalg.generic {indexing_maps = [#in3, #out1], iterator_types = ["parallel", "reduction", "reduction"]} ins(%ti : memref<2x3x5xi32, strided<[15, 5, 1], offset: ?>>) outs(%to : memref<2xi32, strided<[1], offset: ?>>) {
    ^bb0(%x: i32, %acc: i32):
      %y = linalg.index 2 : index
      %yi = arith.index_cast %y : index to i32
      %p = arith.muli %x, %yi : i32
      %s = arith.addi %acc, %p : i32
      linalg.yield %s : i32
    }
  } {mapping = [#gpu.thread<linear_dim_0>]}
  return
}

// -----
// A partial tile at the edge of the data (10 columns in tiles of 4: the
// last has 2): the tile's size is bounded by 4, so four points are
// computed; the points past the edge read the last real column (every
// read inside the operands) and are not stored.
// CHECK-LABEL: func.func @partial_tile
// CHECK:       %[[N:.*]] = affine.min
// CHECK:       %[[LAST:.*]] = arith.subi %[[N]], %c1
// CHECK:       scf.for {{.*}} -> (f32, f32, f32, f32)
// CHECK:         memref.load %{{.*}}[%{{.*}}, %c0
// CHECK:         %[[J1:.*]] = arith.minui %[[LAST]], %c1
// CHECK:         memref.load %{{.*}}[%{{.*}}, %[[J1]]]
// CHECK:         %[[J3:.*]] = arith.minui %[[LAST]], %c3
// CHECK:         memref.load %{{.*}}[%{{.*}}, %[[J3]]]
// CHECK:       memref.store %{{.*}}#0, %{{.*}}[%c0{{.*}}, %c0
// CHECK:       %[[IN1:.*]] = arith.cmpi ult, %c1{{.*}}, %[[N]]
// CHECK:       scf.if %[[IN1]] {
// CHECK-NEXT:    memref.store %{{.*}}#1
// CHECK:       %[[IN3:.*]] = arith.cmpi ult, %c3{{.*}}, %[[N]]
// CHECK:       scf.if %[[IN3]] {
// CHECK-NEXT:    memref.store %{{.*}}#3
#min = affine_map<(j) -> (4, -j + 10)>
func.func @partial_tile(%a: memref<1x32xf32>, %b: memref<32x10xf32>, %c: memref<1x10xf32>) {
  %zero = arith.constant 0.0 : f32
  scf.forall (%j) = (0) to (10) step (4) {
    %n = affine.min #min(%j)
    %tb = memref.subview %b[0, %j] [32, %n] [1, 1] : memref<32x10xf32> to memref<32x?xf32, strided<[10, 1], offset: ?>>
    %tc = memref.subview %c[0, %j] [1, %n] [1, 1] : memref<1x10xf32> to memref<1x?xf32, strided<[10, 1], offset: ?>>
    linalg.fill ins(%zero : f32) outs(%tc : memref<1x?xf32, strided<[10, 1], offset: ?>>)
    linalg.matmul ins(%a, %tb : memref<1x32xf32>, memref<32x?xf32, strided<[10, 1], offset: ?>>) outs(%tc : memref<1x?xf32, strided<[10, 1], offset: ?>>)
  } {mapping = [#gpu.thread<linear_dim_0>]}
  return
}

// -----
// Left to the plain loops: a tile of more than 256 points, an op without
// a reduction, an op not in a thread loop (a block's or the host's).
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT:   scf.for {{.*}}iter_args
// CHECK:       linalg.matmul {{.*}}memref<16x32xf32
// CHECK:       linalg.generic
// CHECK:       linalg.matmul {{.*}}memref<2x2xf32
// CHECK-NOT:   scf.for {{.*}}iter_args
#id = affine_map<(i, j) -> (i, j)>
func.func @left_alone(%a: memref<16x8xf32>, %b: memref<8x32xf32>, %c: memref<16x32xf32>, %d: memref<2x8xf32>, %e: memref<8x2xf32>, %f: memref<2x2xf32>) {
  scf.forall (%t) = (0) to (1) step (1) {
    linalg.matmul ins(%a, %b : memref<16x8xf32>, memref<8x32xf32>) outs(%c : memref<16x32xf32>)
    linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%a : memref<16x8xf32>) outs(%a : memref<16x8xf32>) {
    ^bb0(%x: f32, %y: f32):
      linalg.yield %x : f32
    }
  } {mapping = [#gpu.thread<linear_dim_0>]}
  scf.forall (%t) = (0) to (1) step (1) {
    linalg.matmul ins(%d, %e : memref<2x8xf32>, memref<8x2xf32>) outs(%f : memref<2x2xf32>)
  } {mapping = [#gpu.block<linear_dim_0>]}
  return
}

// -----
// Shared-memory staging (the block's tiling has stage_k = 16): the block
// (16 x 8 of C, 4 threads of 4 x 8) reads its A rows and B columns in
// chunks of 16 along k. Each chunk, the threads copy it from the block's
// views into buffers in shared memory (made before the thread loop),
// consecutive threads taking consecutive elements of the chunk's
// innermost dimension, then synchronize; each thread's points read the
// buffers at its tile's offset; a second barrier ends the chunk.
// CHECK-LABEL: func.func @staged
// CHECK:       scf.forall
// CHECK:         %[[BA:.*]] = memref.subview %{{.*}}[%{{.*}}, 0] [16, 64] [1, 1]
// CHECK:         %[[BB:.*]] = memref.subview %{{.*}}[0, %{{.*}}] [64, 8] [1, 1]
// CHECK:         %[[SA:.*]] = memref.alloca() {alignment = 16 : i64} : memref<16x16xf32, #gpu.address_space<workgroup>>
// CHECK:         %[[SB:.*]] = memref.alloca() {alignment = 16 : i64} : memref<16x8xf32, #gpu.address_space<workgroup>>
// CHECK:         scf.forall (%[[TI:.*]]) = (0) to (16) step (4)
// CHECK:           scf.for %[[K0:.*]] = %c0{{.*}} to %c64{{.*}} step %c16{{.*}} iter_args({{.*}}) -> (f32
// CHECK:             %[[TID:.*]] = gpu.thread_id  x
// CHECK:             scf.for %[[E:.*]] = %[[TID]] to %c256 step %c4{{.*}} {
// CHECK:               %[[IA:.*]]:2 = affine.delinearize_index %[[E]] into (16, 16)
// CHECK:               %[[KA:.*]] = arith.addi %[[K0]], %[[IA]]#1
// CHECK:               %[[VA:.*]] = memref.load %[[BA]][%[[IA]]#0, %[[KA]]]
// CHECK:               memref.store %[[VA]], %[[SA]][%[[IA]]#0, %[[IA]]#1]
// CHECK:             %[[TID2:.*]] = gpu.thread_id  x
// CHECK:             scf.for %[[F:.*]] = %[[TID2]] to %c128 step %c4{{.*}} {
// CHECK:               %[[IB:.*]]:2 = affine.delinearize_index %[[F]] into (16, 8)
// CHECK:               %[[KB:.*]] = arith.addi %[[K0]], %[[IB]]#0
// CHECK:               memref.load %[[BB]][%[[KB]], %[[IB]]#1]
// CHECK:               memref.store %{{.*}}, %[[SB]][%[[IB]]#0, %[[IB]]#1]
// CHECK:             gpu.barrier
// CHECK:             scf.for %[[KK:.*]] = %c0{{.*}} to %c16{{.*}} step %c1{{.*}} iter_args
// CHECK:               memref.load %[[SA]][%[[TI]], %[[KK]]]
// CHECK:               memref.load %[[SB]][%[[KK]], %c0
// CHECK:               arith.mulf
// CHECK:             gpu.barrier
// CHECK:           memref.store
// EMULATE-LABEL: func.func @staged
// EMULATE:       %[[SA:.*]] = memref.alloca() {alignment = 16 : i64} : memref<16x16xf32>
// EMULATE:       %[[SB:.*]] = memref.alloca() {alignment = 16 : i64} : memref<16x8xf32>
// EMULATE:       scf.forall
// EMULATE-NOT:   memref.alloca
// EMULATE:         scf.for %[[K0:.*]] = %c0{{.*}} to %c64{{.*}} step %c16
// EMULATE:           scf.for %[[T:.*]] = %c0{{.*}} to %c4{{.*}} step %c1{{.*}} {
// EMULATE:             scf.for %{{.*}} = %[[T]] to %c256 step %c4{{.*}} {
// EMULATE:           scf.for %[[T2:.*]] = %c0{{.*}} to %c4{{.*}} step %c1{{.*}} {
// EMULATE:             scf.for %{{.*}} = %[[T2]] to %c128 step %c4{{.*}} {
// EMULATE-NOT:       gpu.barrier
// EMULATE:           scf.for %[[KK:.*]] = %c0{{.*}} to %c16{{.*}} step %c1{{.*}} iter_args
// EMULATE:             memref.load %[[SA]]
// EMULATE-NOT:       gpu.barrier
// EMULATE:       return
func.func @staged(%a: memref<64x64xf32>, %b: memref<64x64xf32>, %c: memref<64x64xf32>) {
  %zero = arith.constant 0.0 : f32
  scf.forall (%i, %j) = (0, 0) to (64, 64) step (16, 8) {
    %ba = memref.subview %a[%i, 0] [16, 64] [1, 1] : memref<64x64xf32> to memref<16x64xf32, strided<[64, 1], offset: ?>>
    %bb = memref.subview %b[0, %j] [64, 8] [1, 1] : memref<64x64xf32> to memref<64x8xf32, strided<[64, 1], offset: ?>>
    %bc = memref.subview %c[%i, %j] [16, 8] [1, 1] : memref<64x64xf32> to memref<16x8xf32, strided<[64, 1], offset: ?>>
    scf.forall (%ti) = (0) to (16) step (4) {
      %ta = memref.subview %ba[%ti, 0] [4, 64] [1, 1] : memref<16x64xf32, strided<[64, 1], offset: ?>> to memref<4x64xf32, strided<[64, 1], offset: ?>>
      %tb = memref.subview %bb[0, 0] [64, 8] [1, 1] : memref<64x8xf32, strided<[64, 1], offset: ?>> to memref<64x8xf32, strided<[64, 1], offset: ?>>
      %tc = memref.subview %bc[%ti, 0] [4, 8] [1, 1] : memref<16x8xf32, strided<[64, 1], offset: ?>> to memref<4x8xf32, strided<[64, 1], offset: ?>>
      linalg.fill ins(%zero : f32) outs(%tc : memref<4x8xf32, strided<[64, 1], offset: ?>>)
      linalg.matmul ins(%ta, %tb : memref<4x64xf32, strided<[64, 1], offset: ?>>, memref<64x8xf32, strided<[64, 1], offset: ?>>) outs(%tc : memref<4x8xf32, strided<[64, 1], offset: ?>>)
    } {mapping = [#gpu.thread<linear_dim_0>]}
  } {effai.gpu_tiling = #effai.gpu_tiling<kernel = "contraction", block = [16, 8, 0], thread = [4, 8, 0], threads = 4, blocks = 32, intensity = 1.0, bound = "compute", predicted_us = 1.0, stage_k = 16>, mapping = [#gpu.block<linear_dim_1>, #gpu.block<linear_dim_0>]}
  return
}

// -----
// A tiling that stages a partial tile (whose idle threads would skip the
// barriers) is an error.
#min4 = affine_map<(j) -> (4, -j + 10)>
func.func @staged_partial(%a: memref<1x32xf32>, %b: memref<32x10xf32>, %c: memref<1x10xf32>) {
  %zero = arith.constant 0.0 : f32
  scf.forall (%bj) = (0) to (10) step (10) {
    %bb = memref.subview %b[0, %bj] [32, 10] [1, 1] : memref<32x10xf32> to memref<32x10xf32, strided<[10, 1], offset: ?>>
    scf.forall (%j) = (0) to (10) step (4) {
      %n = affine.min #min4(%j)
      %tb = memref.subview %bb[0, %j] [32, %n] [1, 1] : memref<32x10xf32, strided<[10, 1], offset: ?>> to memref<32x?xf32, strided<[10, 1], offset: ?>>
      %tc = memref.subview %c[0, %j] [1, %n] [1, 1] : memref<1x10xf32> to memref<1x?xf32, strided<[10, 1], offset: ?>>
      // expected-error @+1 {{effai-gpu-register-accumulators: the tiling stages chunks of 8 of the reduction, but the tile is partial or does not have one static reduction loop of a multiple of that}}
      linalg.matmul ins(%a, %tb : memref<1x32xf32>, memref<32x?xf32, strided<[10, 1], offset: ?>>) outs(%tc : memref<1x?xf32, strided<[10, 1], offset: ?>>)
    } {mapping = [#gpu.thread<linear_dim_0>]}
  } {effai.gpu_tiling = #effai.gpu_tiling<kernel = "contraction", block = [1, 12, 0], thread = [1, 4, 0], threads = 3, blocks = 1, intensity = 1.0, bound = "compute", predicted_us = 1.0, stage_k = 8>, mapping = [#gpu.block<linear_dim_0>]}
  return
}

// -----
// A tiling whose block has more threads than the thread loop has
// iterations: the surplus threads would idle behind MapToLaunch's guard
// and miss the barriers.
func.func @staged_idle_threads(%a: memref<64x64xf32>, %b: memref<64x64xf32>, %c: memref<64x64xf32>) {
  %zero = arith.constant 0.0 : f32
  scf.forall (%i, %j) = (0, 0) to (64, 64) step (16, 8) {
    %ba = memref.subview %a[%i, 0] [16, 64] [1, 1] : memref<64x64xf32> to memref<16x64xf32, strided<[64, 1], offset: ?>>
    %bb = memref.subview %b[0, %j] [64, 8] [1, 1] : memref<64x64xf32> to memref<64x8xf32, strided<[64, 1], offset: ?>>
    %bc = memref.subview %c[%i, %j] [16, 8] [1, 1] : memref<64x64xf32> to memref<16x8xf32, strided<[64, 1], offset: ?>>
    scf.forall (%ti) = (0) to (16) step (4) {
      %ta = memref.subview %ba[%ti, 0] [4, 64] [1, 1] : memref<16x64xf32, strided<[64, 1], offset: ?>> to memref<4x64xf32, strided<[64, 1], offset: ?>>
      %tc = memref.subview %bc[%ti, 0] [4, 8] [1, 1] : memref<16x8xf32, strided<[64, 1], offset: ?>> to memref<4x8xf32, strided<[64, 1], offset: ?>>
      linalg.fill ins(%zero : f32) outs(%tc : memref<4x8xf32, strided<[64, 1], offset: ?>>)
      // expected-error @+1 {{effai-gpu-register-accumulators: the tiling stages the reduction through shared memory, but the thread loop is not one static iteration per thread (8) around this one reduction: threads would miss barriers}}
      linalg.matmul ins(%ta, %bb : memref<4x64xf32, strided<[64, 1], offset: ?>>, memref<64x8xf32, strided<[64, 1], offset: ?>>) outs(%tc : memref<4x8xf32, strided<[64, 1], offset: ?>>)
    } {mapping = [#gpu.thread<linear_dim_0>]}
  } {effai.gpu_tiling = #effai.gpu_tiling<kernel = "contraction", block = [16, 8, 0], thread = [4, 8, 0], threads = 8, blocks = 32, intensity = 1.0, bound = "compute", predicted_us = 1.0, stage_k = 16>, mapping = [#gpu.block<linear_dim_1>, #gpu.block<linear_dim_0>]}
  return
}

// -----
// An epilogue of another element type after the tile (marked by
// effai-gpu-tile-and-map), reading the tile's view (here through an
// equivalent view, past a copy of it onto itself) is applied to each
// accumulator as it is stored: a requantization of the i32 sum with a
// per-column shift, stored as i8 into the epilogue's result; the i32 tile
// is not written and the epilogue is gone.
// CHECK-LABEL: func.func @store_epilogue
// CHECK:       %[[ACC:.*]]:2 = scf.for
// CHECK-NOT:   memref.store %{{.*}} : memref<1x2xi32
// CHECK:       %[[S0:.*]] = memref.load %{{.*}}[%c0{{.*}}] : memref<2xi32
// CHECK:       %[[Q0:.*]] = arith.shrsi %[[ACC]]#0, %[[S0]]
// CHECK:       %[[T0:.*]] = arith.trunci %[[Q0]] : i32 to i8
// CHECK:       memref.store %[[T0]], %[[Y:.*]][%c0{{.*}}, %c0{{.*}}] : memref<1x2xi8
// CHECK:       %[[S1:.*]] = memref.load %{{.*}}[%c1{{.*}}] : memref<2xi32
// CHECK:       arith.shrsi %[[ACC]]#1, %[[S1]]
// CHECK:       memref.store %{{.*}}, %[[Y]][%c0{{.*}}, %c1{{.*}}] : memref<1x2xi8
// CHECK-NOT:   linalg.generic
// CHECK-NOT:   memref.store %{{.*}} : memref<1x2xi32
// EMULATE-LABEL: func.func @store_epilogue
// EMULATE:     arith.trunci
// EMULATE-NOT: linalg.generic
// EMULATE:     return
#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (k, n)>
#mC = affine_map<(m, n, k) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
#col = affine_map<(m, n) -> (n)>
func.func @store_epilogue(%a: memref<4x64xi8>, %b: memref<64x8xi8>, %shift: memref<8xi32>, %c: memref<4x8xi32>, %y: memref<4x8xi8>) {
  %zero = arith.constant 0 : i32
  scf.forall (%i, %j) = (0, 0) to (4, 8) step (1, 2) {
    %ta = memref.subview %a[%i, 0] [1, 64] [1, 1] : memref<4x64xi8> to memref<1x64xi8, strided<[64, 1], offset: ?>>
    %tb = memref.subview %b[0, %j] [64, 2] [1, 1] : memref<64x8xi8> to memref<64x2xi8, strided<[8, 1], offset: ?>>
    %tc = memref.subview %c[%i, %j] [1, 2] [1, 1] : memref<4x8xi32> to memref<1x2xi32, strided<[8, 1], offset: ?>>
    linalg.fill ins(%zero : i32) outs(%tc : memref<1x2xi32, strided<[8, 1], offset: ?>>)
    linalg.generic {indexing_maps = [#mA, #mB, #mC], iterator_types = ["parallel", "parallel", "reduction"]} ins(%ta, %tb : memref<1x64xi8, strided<[64, 1], offset: ?>>, memref<64x2xi8, strided<[8, 1], offset: ?>>) outs(%tc : memref<1x2xi32, strided<[8, 1], offset: ?>>) {
    ^bb0(%x: i8, %w: i8, %acc: i32):
      %xe = arith.extsi %x : i8 to i32
      %we = arith.extsi %w : i8 to i32
      %p = arith.muli %xe, %we : i32
      %s = arith.addi %acc, %p : i32
      linalg.yield %s : i32
    }
    %tc2 = memref.subview %c[%i, %j] [1, 2] [1, 1] : memref<4x8xi32> to memref<1x2xi32, strided<[8, 1], offset: ?>>
    memref.copy %tc, %tc2 : memref<1x2xi32, strided<[8, 1], offset: ?>> to memref<1x2xi32, strided<[8, 1], offset: ?>>
    %ts = memref.subview %shift[%j] [2] [1] : memref<8xi32> to memref<2xi32, strided<[1], offset: ?>>
    %ty = memref.subview %y[%i, %j] [1, 2] [1, 1] : memref<4x8xi8> to memref<1x2xi8, strided<[8, 1], offset: ?>>
    linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%tc2, %ts : memref<1x2xi32, strided<[8, 1], offset: ?>>, memref<2xi32, strided<[1], offset: ?>>) outs(%ty : memref<1x2xi8, strided<[8, 1], offset: ?>>) attrs = {effai.gpu_epilogue_tile} {
    ^bb0(%v: i32, %sh: i32, %o: i8):
      %q = arith.shrsi %v, %sh : i32
      %t = arith.trunci %q : i32 to i8
      linalg.yield %t : i8
    }
  } {mapping = [#gpu.thread<linear_dim_1>, #gpu.thread<linear_dim_0>]}
  return
}

// -----
// An epilogue that does not read the tile's view (another buffer) is left
// as it is: the accumulators are stored, and it runs after them.
// CHECK-LABEL: func.func @other_epilogue
// CHECK:       %[[ACC:.*]] = scf.for
// CHECK:       memref.store %[[ACC]], %{{.*}} : memref<1x1xi32
// CHECK:       linalg.generic {{.*}}effai.gpu_epilogue_tile
#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (k, n)>
#mC = affine_map<(m, n, k) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
func.func @other_epilogue(%a: memref<4x64xi8>, %b: memref<64x8xi8>, %c: memref<4x8xi32>, %d: memref<4x8xi32>, %y: memref<4x8xi8>) {
  %zero = arith.constant 0 : i32
  scf.forall (%i, %j) in (4, 8) {
    %ta = memref.subview %a[%i, 0] [1, 64] [1, 1] : memref<4x64xi8> to memref<1x64xi8, strided<[64, 1], offset: ?>>
    %tb = memref.subview %b[0, %j] [64, 1] [1, 1] : memref<64x8xi8> to memref<64x1xi8, strided<[8, 1], offset: ?>>
    %tc = memref.subview %c[%i, %j] [1, 1] [1, 1] : memref<4x8xi32> to memref<1x1xi32, strided<[8, 1], offset: ?>>
    linalg.fill ins(%zero : i32) outs(%tc : memref<1x1xi32, strided<[8, 1], offset: ?>>)
    linalg.generic {indexing_maps = [#mA, #mB, #mC], iterator_types = ["parallel", "parallel", "reduction"]} ins(%ta, %tb : memref<1x64xi8, strided<[64, 1], offset: ?>>, memref<64x1xi8, strided<[8, 1], offset: ?>>) outs(%tc : memref<1x1xi32, strided<[8, 1], offset: ?>>) {
    ^bb0(%x: i8, %w: i8, %acc: i32):
      %xe = arith.extsi %x : i8 to i32
      %we = arith.extsi %w : i8 to i32
      %p = arith.muli %xe, %we : i32
      %s = arith.addi %acc, %p : i32
      linalg.yield %s : i32
    }
    %td = memref.subview %d[%i, %j] [1, 1] [1, 1] : memref<4x8xi32> to memref<1x1xi32, strided<[8, 1], offset: ?>>
    %ty = memref.subview %y[%i, %j] [1, 1] [1, 1] : memref<4x8xi8> to memref<1x1xi8, strided<[8, 1], offset: ?>>
    linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%td : memref<1x1xi32, strided<[8, 1], offset: ?>>) outs(%ty : memref<1x1xi8, strided<[8, 1], offset: ?>>) attrs = {effai.gpu_epilogue_tile} {
    ^bb0(%v: i32, %o: i8):
      %t = arith.trunci %v : i32 to i8
      linalg.yield %t : i8
    }
  } {mapping = [#gpu.thread<linear_dim_1>, #gpu.thread<linear_dim_0>]}
  return
}
