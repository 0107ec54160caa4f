// effai-gpu-map-to-launch: 1-D grid over the block loop, 1-D block of the
// tiling's threads, ids delinearized (linear_dim_0 fastest), thread tiles
// past a partial tile's edge guarded.
// RUN: %effai_opt %s --effai-gpu-map-to-launch -split-input-file -verify-diagnostics | FileCheck %s

// CHECK-LABEL: func.func @tiles
// CHECK-DAG: %[[GRID:.*]] = arith.constant 64 : index
// CHECK-DAG: %[[THREADS:.*]] = arith.constant 32 : index
// CHECK: gpu.launch blocks(%[[BX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[GRID]], %{{.*}} = %c1{{.*}}) threads(%[[TX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[THREADS]],
// Blocks: 32 row tiles x 2 column tiles, the column (linear_dim_0) fastest.
// CHECK: %[[B:.*]]:2 = affine.delinearize_index %[[BX]] into (32, 2)
// CHECK: %[[I:.*]] = arith.muli %[[B]]#0, %c8
// CHECK: %[[J:.*]] = arith.muli %[[B]]#1, %c64
// CHECK: %[[N:.*]] = affine.min
// Threads: 2 x 16 over the largest tile (8 x 64), guarded by the tile's
// real width.
// CHECK: %[[T:.*]]:2 = affine.delinearize_index %[[TX]] into (2, 16)
// CHECK: %[[IN:.*]] = arith.cmpi ult, %[[TX]], %c32
// CHECK: %[[TJ:.*]] = arith.muli %[[T]]#1, %c4
// CHECK: %[[EDGE:.*]] = arith.cmpi slt, %{{.*}}, %[[N]]
// CHECK: %[[OK:.*]] = arith.andi %[[IN]], %[[EDGE]]
// CHECK: scf.if %[[OK]] {
// CHECK:   linalg.matmul
// CHECK: gpu.terminator
// CHECK-NOT: scf.forall
#min = affine_map<(d0) -> (-d0 + 96, 64)>
func.func @tiles(%a: memref<256x128xf32>, %b: memref<128x96xf32>, %c: memref<256x96xf32>) {
  scf.forall (%i, %j) = (0, 0) to (256, 96) step (8, 64) {
    %n = affine.min #min(%j)
    %sa = memref.subview %a[%i, 0] [8, 128] [1, 1] : memref<256x128xf32> to memref<8x128xf32, strided<[128, 1], offset: ?>>
    %sb = memref.subview %b[0, %j] [128, %n] [1, 1] : memref<128x96xf32> to memref<128x?xf32, strided<[96, 1], offset: ?>>
    %sc = memref.subview %c[%i, %j] [8, %n] [1, 1] : memref<256x96xf32> to memref<8x?xf32, strided<[96, 1], offset: ?>>
    scf.forall (%ti, %tj) = (0, 0) to (8, %n) step (4, 4) {
      %m = affine.min affine_map<(d0)[s0] -> (-d0 + s0, 4)>(%tj)[%n]
      %ta = memref.subview %sa[%ti, 0] [4, 128] [1, 1] : memref<8x128xf32, strided<[128, 1], offset: ?>> to memref<4x128xf32, strided<[128, 1], offset: ?>>
      %tb = memref.subview %sb[0, %tj] [128, %m] [1, 1] : memref<128x?xf32, strided<[96, 1], offset: ?>> to memref<128x?xf32, strided<[96, 1], offset: ?>>
      %tc = memref.subview %sc[%ti, %tj] [4, %m] [1, 1] : memref<8x?xf32, strided<[96, 1], offset: ?>> to memref<4x?xf32, strided<[96, 1], offset: ?>>
      linalg.matmul ins(%ta, %tb : memref<4x128xf32, strided<[128, 1], offset: ?>>, memref<128x?xf32, strided<[96, 1], offset: ?>>) outs(%tc : memref<4x?xf32, strided<[96, 1], offset: ?>>)
    } {mapping = [#gpu.thread<linear_dim_1>, #gpu.thread<linear_dim_0>]}
  } {effai.gpu_tiling = #effai.gpu_tiling<kernel = "contraction", block = [8, 64, 0], thread = [4, 4, 0], threads = 32, blocks = 64, intensity = 22.588, bound = "shared", predicted_us = 2.888>, mapping = [#gpu.block<linear_dim_1>, #gpu.block<linear_dim_0>]}
  return
}

// -----
func.func @dynamic(%n: index, %c: memref<?xf32>) {
  %zero = arith.constant 0.0 : f32
  // expected-error @+1 {{effai-gpu-map-to-launch: the block loop has a dynamic trip count}}
  scf.forall (%i) = (0) to (%n) step (1) {
    memref.store %zero, %c[%i] : memref<?xf32>
  } {mapping = [#gpu.block<linear_dim_0>]}
  return
}

// -----
func.func @not_linear(%c: memref<8xf32>) {
  %zero = arith.constant 0.0 : f32
  // expected-error @+1 {{effai-gpu-map-to-launch: mapping #gpu.block<x> is not a linear block or thread id}}
  scf.forall (%i) in (8) {
    memref.store %zero, %c[%i] : memref<8xf32>
  } {mapping = [#gpu.block<x>]}
  return
}

// -----
func.func @too_many_threads(%c: memref<64xf32>) {
  %zero = arith.constant 0.0 : f32
  scf.forall (%i) in (1) {
    // expected-error @+1 {{effai-gpu-map-to-launch: 64 thread tiles but the block has 32 threads}}
    scf.forall (%t) in (64) {
      memref.store %zero, %c[%t] : memref<64xf32>
    } {mapping = [#gpu.thread<linear_dim_0>]}
  } {effai.gpu_tiling = #effai.gpu_tiling<kernel = "elementwise", block = [64], thread = [1], threads = 32, intensity = 0.0, bound = "HBM", predicted_us = 1.0>, mapping = [#gpu.block<linear_dim_0>]}
  return
}

// -----
// Without a tiling on the block loop, the block has as many threads as the
// largest thread loop has iterations (8 with step 4: 2 x 2).
// CHECK-LABEL: func.func @untiled_block
// CHECK: %[[T:.*]] = arith.constant 4 : index
// CHECK: gpu.launch {{.*}} threads(%{{.*}}, %{{.*}}, %{{.*}}) in (%{{.*}} = %[[T]],
func.func @untiled_block(%c: memref<8x8xf32>) {
  %zero = arith.constant 0.0 : f32
  scf.forall (%i) in (1) {
    scf.forall (%a, %b) = (0, 0) to (8, 8) step (4, 4) {
      memref.store %zero, %c[%a, %b] : memref<8x8xf32>
    } {mapping = [#gpu.thread<linear_dim_1>, #gpu.thread<linear_dim_0>]}
  } {mapping = [#gpu.block<linear_dim_0>]}
  return
}

// -----
// A loop over warp tiles (tensor cores): the warp id is the thread id over
// the warp size, so all 32 lanes of a warp run the same tile; warps past
// the loop's tiles idle.
// CHECK-LABEL: func.func @warps
// CHECK-DAG: %[[THREADS:.*]] = arith.constant 128 : index
// CHECK: gpu.launch {{.*}} threads(%[[TX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[THREADS]],
// CHECK: %[[WARP:.*]] = arith.divui %[[TX]], %c32 : index
// CHECK: %[[W:.*]]:2 = affine.delinearize_index %[[WARP]] into (2, 2)
// CHECK: %[[IN:.*]] = arith.cmpi ult, %[[WARP]], %c4 : index
// CHECK: scf.if %[[IN]]
func.func @warps(%c: memref<32x16xi32>) {
  %zero = arith.constant 0 : i32
  scf.forall (%i) in (1) {
    scf.forall (%a, %b) = (0, 0) to (32, 16) step (16, 8) {
      memref.store %zero, %c[%a, %b] : memref<32x16xi32>
    } {mapping = [#gpu.warp<linear_dim_1>, #gpu.warp<linear_dim_0>]}
  } {effai.gpu_tiling = #effai.gpu_tiling<kernel = "mma", block = [32, 16, 0], thread = [16, 8, 0], threads = 128, intensity = 1.0, bound = "HBM", predicted_us = 1.0>, mapping = [#gpu.block<linear_dim_0>]}
  return
}

// -----
func.func @too_many_warps(%c: memref<64x16xi32>) {
  %zero = arith.constant 0 : i32
  scf.forall (%i) in (1) {
    // expected-error @+1 {{effai-gpu-map-to-launch: 8 warp tiles but the block has 4 warps}}
    scf.forall (%a, %b) = (0, 0) to (64, 16) step (16, 8) {
      memref.store %zero, %c[%a, %b] : memref<64x16xi32>
    } {mapping = [#gpu.warp<linear_dim_1>, #gpu.warp<linear_dim_0>]}
  } {effai.gpu_tiling = #effai.gpu_tiling<kernel = "mma", block = [64, 16, 0], thread = [16, 8, 0], threads = 128, intensity = 1.0, bound = "HBM", predicted_us = 1.0>, mapping = [#gpu.block<linear_dim_0>]}
  return
}
