// effai-gpu-warp-mma: a warp's tensor-core tile (a bufferized i8 x i8 ->
// i32 or f16 x f16 -> f32 product marked effai.gpu_mma_tile) becomes a loop
// over k in steps of 32 (16 for f16) of vector.contracts in the mma.sync
// m16n8k32 (m16n8k16) shape, accumulators in
// registers; with distribute (the GPU pipeline) upstream's vector-to-nvgpu
// conversion spreads them over the warp's lanes as nvgpu.mma.sync.
// RUN: %effai_opt %s --effai-gpu-warp-mma=distribute=false -split-input-file -verify-diagnostics | FileCheck %s
// RUN: %effai_opt %s --effai-gpu-warp-mma -split-input-file -verify-diagnostics | FileCheck %s --check-prefix=LANES

#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (n, k)>
#mC = affine_map<(m, n, k) -> (m, n)>
// A 16 x 16 tile over k = 64: two 16 x 8 accumulators started from the
// fill's zero (the fill is gone), A read once per step for both, B's two
// 8-row slices, two contractions, one write of each accumulator.
// CHECK-LABEL: func.func @warp_tile
// CHECK-NOT:   linalg.fill
// CHECK:       %[[ZERO:.*]] = vector.broadcast %{{.*}} : i32 to vector<16x8xi32>
// CHECK:       %[[ACC:.*]]:2 = scf.for %[[K:.*]] = %c0 to %c64 step %c32 iter_args(%[[A0:.*]] = %[[ZERO]], %[[A1:.*]] = %{{.*}}) -> (vector<16x8xi32>, vector<16x8xi32>)
// CHECK:         %[[A:.*]] = vector.transfer_read %arg0[%c0, %[[K]]], %{{.*}} {in_bounds = [true, true]} : memref<16x64xi8>, vector<16x32xi8>
// CHECK:         %[[B0:.*]] = vector.transfer_read %arg1[%c0, %[[K]]], {{.*}} vector<8x32xi8>
// CHECK:         %[[B1:.*]] = vector.transfer_read %arg1[%c8, %[[K]]], {{.*}} vector<8x32xi8>
// CHECK:         %[[D0:.*]] = vector.contract {{.*}}iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %[[A]], %[[B0]], %[[A0]] : vector<16x32xi8>, vector<8x32xi8> into vector<16x8xi32>
// CHECK:         %[[D1:.*]] = vector.contract {{.*}} %[[A]], %[[B1]], %[[A1]]
// CHECK:         scf.yield %[[D0]], %[[D1]]
// CHECK:       vector.transfer_write %[[ACC]]#0, %arg2[%c0, %c0] {in_bounds = [true, true]}
// CHECK:       vector.transfer_write %[[ACC]]#1, %arg2[%c0, %c8] {in_bounds = [true, true]}
// CHECK-NOT:   linalg.generic
// LANES-LABEL: func.func @warp_tile
// LANES:       gpu.lane_id
// Each lane's fragment loads are 4 aligned bytes, its stores two i32.
// LANES:       vector.load %arg0[{{.*}}] {alignment = 4 : i64} : memref<16x64xi8>, vector<4xi8>
// LANES-COUNT-2: nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 32]} : (vector<4x4xi8>, vector<2x4xi8>, vector<2x2xi32>) -> vector<2x2xi32>
// LANES-NOT:   vector.contract
// LANES:       vector.store %{{.*}}, %arg2[{{.*}}] {alignment = 8 : i64} : memref<16x16xi32, {{.*}}>, vector<2xi32>
func.func @warp_tile(%a: memref<16x64xi8>, %b: memref<16x64xi8>, %c: memref<16x16xi32, strided<[128, 1]>>) {
  %zero = arith.constant 0 : i32
  linalg.fill ins(%zero : i32) outs(%c : memref<16x16xi32, strided<[128, 1]>>)
  linalg.generic {indexing_maps = [#mA, #mB, #mC], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : memref<16x64xi8>, memref<16x64xi8>) outs(%c : memref<16x16xi32, strided<[128, 1]>>) attrs = {effai.gpu_mma_tile} {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %xe = arith.extsi %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  }
  return
}

// -----
// An f16 x f16 -> f32 tile: the same loop in steps of 16 (m16n8k16), f32
// accumulators; each lane reads its fragments two halves (4 bytes) at a
// time and the instruction is nvgpu.mma.sync on f16 into f32.
#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (n, k)>
#mC = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @f16_tile
// CHECK:       %[[ZERO:.*]] = vector.broadcast %{{.*}} : f32 to vector<16x8xf32>
// CHECK:       scf.for %[[K:.*]] = %c0 to %c32 step %c16 iter_args({{.*}}) -> (vector<16x8xf32>)
// CHECK:         vector.transfer_read %arg0[%c0, %[[K]]], %{{.*}} {in_bounds = [true, true]} : memref<16x32xf16>, vector<16x16xf16>
// CHECK:         vector.transfer_read %arg1[%c0, %[[K]]], {{.*}} vector<8x16xf16>
// CHECK:         vector.contract {{.*}} : vector<16x16xf16>, vector<8x16xf16> into vector<16x8xf32>
// LANES-LABEL: func.func @f16_tile
// LANES:       vector.load %arg0[{{.*}}] {alignment = 4 : i64} : memref<16x32xf16>, vector<2xf16>
// LANES:       nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
// LANES-NOT:   vector.contract
// LANES:       vector.store %{{.*}}, %arg2[{{.*}}] {alignment = 8 : i64} : memref<16x8xf32>, vector<2xf32>
func.func @f16_tile(%a: memref<16x32xf16>, %b: memref<8x32xf16>, %c: memref<16x8xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<16x8xf32>)
  linalg.generic {indexing_maps = [#mA, #mB, #mC], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : memref<16x32xf16>, memref<8x32xf16>) outs(%c : memref<16x8xf32>) attrs = {effai.gpu_mma_tile} {
  ^bb0(%x: f16, %y: f16, %acc: f32):
    %xe = arith.extf %x : f16 to f32
    %ye = arith.extf %y : f16 to f32
    %p = arith.mulf %xe, %ye : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----
// An epilogue of another element type after the tile (marked by
// effai-gpu-tile-and-map: the f32 sum rounded to f16, plus a bias): each
// lane applies it to its fragments' elements as it stores them, into the
// epilogue's result, and nothing is stored into the f32 tile (LANES).
// Emulated, the tile is stored whole and the epilogue reads it back.
#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (n, k)>
#mC = affine_map<(m, n, k) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
#col = affine_map<(m, n) -> (n)>
// CHECK-LABEL: func.func @f16_tile_epilogue
// CHECK:       vector.transfer_write %{{.*}}, %arg2
// CHECK:       linalg.generic {{.*}}effai.gpu_epilogue_tile
// Each lane's two fragment rows of two columns: the bias read at the
// element's column, the second column one further.
// LANES-LABEL: func.func @f16_tile_epilogue
// LANES:       nvgpu.mma.sync
// LANES-NOT:   vector.store
// LANES-NOT:   memref.store {{.*}}%arg2
// LANES:       %[[E:.*]] = vector.extract %{{.*}}[0] : f32 from vector<2xf32>
// LANES:       %[[B:.*]] = memref.load %arg3[%{{.*}}] : memref<8xf16>
// LANES:       %[[T:.*]] = arith.truncf %[[E]] : f32 to f16
// LANES:       %[[S:.*]] = arith.addf %[[T]], %[[B]] : f16
// LANES:       memref.store %[[S]], %arg4[%[[ROW:.*]], %[[COL:.*]]] : memref<16x8xf16>
// LANES:       %[[E1:.*]] = vector.extract %{{.*}}[1] : f32 from vector<2xf32>
// LANES:       %[[COL1:.*]] = arith.addi %[[COL]], %c1
// LANES:       memref.load %arg3[%[[COL1]]] : memref<8xf16>
// LANES:       arith.truncf %[[E1]]
// LANES:       memref.store %{{.*}}, %arg4[%[[ROW]], %[[COL1]]] : memref<16x8xf16>
// LANES-COUNT-2: arith.truncf
// LANES-NOT:   arith.truncf
// LANES-NOT:   vector.store
// LANES-NOT:   memref.store {{.*}}%arg2
// LANES-NOT:   linalg.generic
// LANES:       return
func.func @f16_tile_epilogue(%a: memref<16x32xf16>, %b: memref<8x32xf16>, %c: memref<16x8xf32>, %bias: memref<8xf16>, %y: memref<16x8xf16>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<16x8xf32>)
  linalg.generic {indexing_maps = [#mA, #mB, #mC], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : memref<16x32xf16>, memref<8x32xf16>) outs(%c : memref<16x8xf32>) attrs = {effai.gpu_mma_tile} {
  ^bb0(%x: f16, %w: f16, %acc: f32):
    %xe = arith.extf %x : f16 to f32
    %we = arith.extf %w : f16 to f32
    %p = arith.mulf %xe, %we : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%c, %bias : memref<16x8xf32>, memref<8xf16>) outs(%y : memref<16x8xf16>) attrs = {effai.gpu_epilogue_tile} {
  ^bb0(%v: f32, %bv: f16, %o: f16):
    %t = arith.truncf %v : f32 to f16
    %r = arith.addf %t, %bv : f16
    linalg.yield %r : f16
  }
  return
}

// -----
// bf16 is not a tensor-core tile (MLIR 22 distributes no bf16 fragments).
#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (n, k)>
#mC = affine_map<(m, n, k) -> (m, n)>
func.func @bf16_tile(%a: memref<16x32xbf16>, %b: memref<8x32xbf16>, %c: memref<16x8xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<16x8xf32>)
  // expected-error @+1 {{a tensor-core tile multiplies sign-extended i8 operands into i32 (or f16 ones extended to f32) and accumulates}}
  linalg.generic {indexing_maps = [#mA, #mB, #mC], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : memref<16x32xbf16>, memref<8x32xbf16>) outs(%c : memref<16x8xf32>) attrs = {effai.gpu_mma_tile} {
  ^bb0(%x: bf16, %y: bf16, %acc: f32):
    %xe = arith.extf %x : bf16 to f32
    %ye = arith.extf %y : bf16 to f32
    %p = arith.mulf %xe, %ye : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----
// The accumulators start from a fill of C (GPU emulation runs a warp's tile
// whole in each lane in turn: reading C back would add the product once per
// lane).
#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (n, k)>
#mC = affine_map<(m, n, k) -> (m, n)>
func.func @no_fill(%a: memref<32x32xi8>, %b: memref<8x32xi8>, %c: memref<32x8xi32>) {
  // expected-error @+1 {{a tensor-core tile starts from a linalg.fill of its result with a constant just before it}}
  linalg.generic {indexing_maps = [#mA, #mB, #mC], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : memref<32x32xi8>, memref<8x32xi8>) outs(%c : memref<32x8xi32>) attrs = {effai.gpu_mma_tile} {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %xe = arith.extsi %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  }
  return
}

// -----
// In a warp loop, every lane runs what is left besides the warp-level code:
// bufferization's copy between identical views of the tile goes (merged
// views, then a self-copy); a linalg op left there is an error.
#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (n, k)>
#mC = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @warp_loop
// CHECK:       scf.forall
// CHECK:         scf.for
// CHECK-NOT:     memref.copy
// CHECK:       } {mapping = [#gpu.warp<linear_dim_0>]}
// The loop steps by 8 columns: C's fragments stay 8-byte aligned.
// LANES-LABEL: func.func @warp_loop
// LANES:       vector.store {{.*}} {alignment = 8 : i64} : memref<16x8xi32, strided<[16, 1], offset: ?>>, vector<2xi32>
func.func @warp_loop(%a: memref<16x32xi8>, %b: memref<16x32xi8>, %c: memref<16x16xi32>) {
  %zero = arith.constant 0 : i32
  scf.forall (%j) = (0) to (16) step (8) {
    %bs = memref.subview %b[%j, 0] [8, 32] [1, 1] : memref<16x32xi8> to memref<8x32xi8, strided<[32, 1], offset: ?>>
    %cs = memref.subview %c[0, %j] [16, 8] [1, 1] : memref<16x16xi32> to memref<16x8xi32, strided<[16, 1], offset: ?>>
    linalg.fill ins(%zero : i32) outs(%cs : memref<16x8xi32, strided<[16, 1], offset: ?>>)
    linalg.generic {indexing_maps = [#mA, #mB, #mC], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %bs : memref<16x32xi8>, memref<8x32xi8, strided<[32, 1], offset: ?>>) outs(%cs : memref<16x8xi32, strided<[16, 1], offset: ?>>) attrs = {effai.gpu_mma_tile} {
    ^bb0(%x: i8, %y: i8, %acc: i32):
      %xe = arith.extsi %x : i8 to i32
      %ye = arith.extsi %y : i8 to i32
      %p = arith.muli %xe, %ye : i32
      %s = arith.addi %acc, %p : i32
      linalg.yield %s : i32
    }
    %same = memref.subview %c[0, %j] [16, 8] [1, 1] : memref<16x16xi32> to memref<16x8xi32, strided<[16, 1], offset: ?>>
    memref.copy %cs, %same : memref<16x8xi32, strided<[16, 1], offset: ?>> to memref<16x8xi32, strided<[16, 1], offset: ?>>
  } {mapping = [#gpu.warp<linear_dim_0>]}
  return
}

// -----
#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (n, k)>
#mC = affine_map<(m, n, k) -> (m, n)>
func.func @lanes_would_race(%a: memref<16x32xi8>, %b: memref<8x32xi8>, %c: memref<16x8xi32>, %d: memref<16x8xi32>) {
  %zero = arith.constant 0 : i32
  scf.forall (%j) in (1) {
    linalg.fill ins(%zero : i32) outs(%c : memref<16x8xi32>)
    linalg.generic {indexing_maps = [#mA, #mB, #mC], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : memref<16x32xi8>, memref<8x32xi8>) outs(%c : memref<16x8xi32>) attrs = {effai.gpu_mma_tile} {
    ^bb0(%x: i8, %y: i8, %acc: i32):
      %xe = arith.extsi %x : i8 to i32
      %ye = arith.extsi %y : i8 to i32
      %p = arith.muli %xe, %ye : i32
      %s = arith.addi %acc, %p : i32
      linalg.yield %s : i32
    }
    // expected-error @+1 {{effai-gpu-warp-mma: each lane of the warp would run this on the whole tile}}
    memref.copy %c, %d : memref<16x8xi32> to memref<16x8xi32>
  } {mapping = [#gpu.warp<linear_dim_0>]}
  return
}

// -----
// A tile that is not whole 16 x 8 x 32 instructions.
#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (n, k)>
#mC = affine_map<(m, n, k) -> (m, n)>
func.func @partial(%a: memref<16x32xi8>, %b: memref<12x32xi8>, %c: memref<16x12xi32>) {
  // expected-error @+1 {{the tile (16 x 12, k = 32) is not made of whole 16 x 8 x 32 instructions}}
  linalg.generic {indexing_maps = [#mA, #mB, #mC], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : memref<16x32xi8>, memref<12x32xi8>) outs(%c : memref<16x12xi32>) attrs = {effai.gpu_mma_tile} {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %xe = arith.extsi %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  }
  return
}

// -----
// Unsigned codes: effai-gpu-tile-and-map flips them first.
#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (n, k)>
#mC = affine_map<(m, n, k) -> (m, n)>
func.func @unsigned(%a: memref<16x32xi8>, %b: memref<8x32xi8>, %c: memref<16x8xi32>) {
  // expected-error @+1 {{a tensor-core tile multiplies sign-extended i8 operands}}
  linalg.generic {indexing_maps = [#mA, #mB, #mC], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : memref<16x32xi8>, memref<8x32xi8>) outs(%c : memref<16x8xi32>) attrs = {effai.gpu_mma_tile} {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %xe = arith.extui %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  }
  return
}

// -----
// A view 3 bytes into its rows: nothing known about the fragments'
// alignment, so the loads stay unmarked (byte loads).
#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (n, k)>
#mC = affine_map<(m, n, k) -> (m, n)>
// LANES-LABEL: func.func @odd_offset
// LANES:       vector.load %{{.*}} : memref<16x32xi8, strided<[35, 1], offset: 3>>, vector<4xi8>
// LANES:       vector.load %{{.*}} {alignment = 4 : i64} : memref<8x32xi8>, vector<4xi8>
func.func @odd_offset(%big: memref<16x35xi8>, %b: memref<8x32xi8>, %c: memref<16x8xi32>) {
  %zero = arith.constant 0 : i32
  %a = memref.subview %big[0, 3] [16, 32] [1, 1] : memref<16x35xi8> to memref<16x32xi8, strided<[35, 1], offset: 3>>
  linalg.fill ins(%zero : i32) outs(%c : memref<16x8xi32>)
  linalg.generic {indexing_maps = [#mA, #mB, #mC], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : memref<16x32xi8, strided<[35, 1], offset: 3>>, memref<8x32xi8>) outs(%c : memref<16x8xi32>) attrs = {effai.gpu_mma_tile} {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %xe = arith.extsi %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  }
  return
}
