// effai-gpu-tile-and-map: block loop around thread loop, mapped with
// linear ids (linear_dim_0 on the result's innermost dim), fills fused into
// both, the tiling kept on the block loop; ops without a tiling untouched.
// RUN: %effai_opt %s --effai-gpu-tile-and-map -split-input-file -verify-diagnostics | FileCheck %s

// CHECK-LABEL: func.func @matmul
// CHECK-NOT: linalg.fill ins(%{{.*}}) outs(%{{.*}} : tensor<256x96xf32>)
// CHECK: scf.forall (%[[I:.*]], %[[J:.*]]) = (0, 0) to (256, 96) step (8, 64)
// CHECK: scf.forall ({{.*}}) = (0, 0) to (8, %{{.*}}) step (4, 4)
// CHECK: linalg.fill {{.*}} -> tensor<4x?xf32>
// CHECK: linalg.matmul ins({{.*}} : tensor<4x128xf32>, tensor<128x?xf32>)
// CHECK: } {mapping = [#gpu.thread<linear_dim_1>, #gpu.thread<linear_dim_0>]}
// CHECK: } {effai.gpu_tiling = #effai.gpu_tiling<kernel = "contraction", block = [8, 64, 0], thread = [4, 4, 0], threads = 32, {{.*}}mapping = [#gpu.block<linear_dim_1>, #gpu.block<linear_dim_0>]}
func.func @matmul(%a: tensor<256x128xf32>, %b: tensor<128x96xf32>) -> tensor<256x96xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<256x96xf32>
  %f = linalg.fill {effai.gpu_tiling = #effai.gpu_tiling<kernel = "loops", block = [2, 96], thread = [1, 1], threads = 192, blocks = 128, intensity = 0.25, bound = "HBM", predicted_us = 2.52>} ins(%zero : f32) outs(%e : tensor<256x96xf32>) -> tensor<256x96xf32>
  %m = linalg.matmul {effai.gpu_tiling = #effai.gpu_tiling<kernel = "contraction", block = [8, 64, 0], thread = [4, 4, 0], threads = 32, blocks = 64, intensity = 22.588, bound = "shared", predicted_us = 2.888>} ins(%a, %b : tensor<256x128xf32>, tensor<128x96xf32>) outs(%f : tensor<256x96xf32>) -> tensor<256x96xf32>
  return %m : tensor<256x96xf32>
}

// -----
// A transposed result: the loop writing the innermost result dim (d0 here)
// gets linear_dim_0.
// CHECK-LABEL: func.func @transpose
// CHECK: mapping = [#gpu.thread<linear_dim_0>, #gpu.thread<linear_dim_1>]
// CHECK: mapping = [#gpu.block<linear_dim_0>, #gpu.block<linear_dim_1>]
func.func @transpose(%x: tensor<64x32xf32>) -> tensor<32x64xf32> {
  %e = tensor.empty() : tensor<32x64xf32>
  %t = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j, i)>], iterator_types = ["parallel", "parallel"], effai.gpu_tiling = #effai.gpu_tiling<kernel = "elementwise", block = [32, 8], thread = [1, 1], threads = 256, blocks = 8, intensity = 0.0, bound = "HBM", predicted_us = 2.5>} ins(%x : tensor<64x32xf32>) outs(%e : tensor<32x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<32x64xf32>
  return %t : tensor<32x64xf32>
}

// -----
// No parallel loop: one-point loops, one thread of one block.
// CHECK-LABEL: func.func @sum
// CHECK: scf.forall (%{{.*}}) in (1)
// CHECK: scf.forall (%{{.*}}) in (1)
// CHECK: linalg.reduce
// CHECK: } {mapping = [#gpu.thread<linear_dim_0>]}
// CHECK: } {effai.gpu_tiling = {{.*}}mapping = [#gpu.block<linear_dim_0>]}
func.func @sum(%x: tensor<1000xf32>, %init: tensor<f32>) -> tensor<f32> {
  %r = linalg.reduce ins(%x : tensor<1000xf32>) outs(%init : tensor<f32>) dimensions = [0] {effai.gpu_tiling = #effai.gpu_tiling<kernel = "reduction", block = [0], thread = [0], intensity = 0.25, bound = "HBM", predicted_us = 2.58>}
    (%a: f32, %acc: f32) {
      %s = arith.addf %a, %acc : f32
      linalg.yield %s : f32
    }
  return %r : tensor<f32>
}

// -----
// CHECK-LABEL: func.func @untiled
// CHECK-NOT: scf.forall
func.func @untiled(%x: tensor<8xf32>, %y: tensor<8xf32>) -> tensor<8xf32> {
  %r = linalg.add ins(%x, %x : tensor<8xf32>, tensor<8xf32>) outs(%y : tensor<8xf32>) -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----
func.func @mismatch(%x: tensor<8xf32>, %y: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{effai-gpu-tile-and-map: the tiling has 2 entries but the op has 1 loops}}
  %r = linalg.add {effai.gpu_tiling = #effai.gpu_tiling<kernel = "elementwise", block = [1, 8], thread = [1, 1], intensity = 0.0, bound = "HBM", predicted_us = 1.0>} ins(%x, %x : tensor<8xf32>, tensor<8xf32>) outs(%y : tensor<8xf32>) -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----
// A zero-size result: nothing to compute, the init is the result, with a
// tiling or without one (effai-select-tiling gives none: no grid of zero
// blocks is valid).
// CHECK-LABEL: func.func @empty
// CHECK-NOT: scf.forall
// CHECK: return %arg1
func.func @empty(%x: tensor<0x8xf32>, %y: tensor<0x8xf32>) -> tensor<0x8xf32> {
  %r = linalg.add {effai.gpu_tiling = #effai.gpu_tiling<kernel = "elementwise", block = [1, 8], thread = [1, 1], intensity = 0.0, bound = "HBM", predicted_us = 1.0>} ins(%x, %x : tensor<0x8xf32>, tensor<0x8xf32>) outs(%y : tensor<0x8xf32>) -> tensor<0x8xf32>
  return %r : tensor<0x8xf32>
}

// -----
// CHECK-LABEL: func.func @empty_untiled
// CHECK-NOT: linalg.add
// CHECK: return %arg1
func.func @empty_untiled(%x: tensor<0x8xf32>, %y: tensor<0x8xf32>) -> tensor<0x8xf32> {
  %r = linalg.add ins(%x, %x : tensor<0x8xf32>, tensor<0x8xf32>) outs(%y : tensor<0x8xf32>) -> tensor<0x8xf32>
  return %r : tensor<0x8xf32>
}

// -----
// A fused epilogue (effai.epilogue_of) is the root of both nests, rewritten
// to update the matmul's tile in place: each thread fills its 2x4 tile,
// accumulates the matmul into it and applies bias + ReLU to it, all in one
// kernel. The untiled ops are gone.
// CHECK-LABEL: func.func @epilogue
// CHECK-SAME:    (%[[X:.*]]: tensor<64x256xf32>, %[[W:.*]]: tensor<256x128xf32>, %[[B:.*]]: tensor<128xf32>)
// CHECK-NOT:   linalg.matmul
// CHECK:       scf.forall {{.*}} to (64, 128) step (8, 32)
// CHECK:         scf.forall {{.*}} to (8, 32) step (2, 4)
// CHECK:           %[[FILL:.*]] = linalg.fill {{.*}} -> tensor<2x4xf32>
// CHECK:           %[[MM:.*]] = linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x256xf32>, tensor<256x4xf32>) outs(%[[FILL]] : tensor<2x4xf32>)
// CHECK:           %[[EPI:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<4xf32>) outs(%[[MM]] : tensor<2x4xf32>)
// CHECK-NEXT:      ^bb0(%[[BIAS:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT:        %[[SUM:.*]] = arith.addf %[[ACC]], %[[BIAS]] : f32
// CHECK-NEXT:        arith.maximumf %[[SUM]]
// CHECK:           tensor.parallel_insert_slice %[[EPI]]
// CHECK:         } {mapping = [#gpu.thread<linear_dim_1>, #gpu.thread<linear_dim_0>]}
// CHECK:       } {effai.gpu_tiling = #effai.gpu_tiling<kernel = "contraction", block = [8, 32, 0], thread = [2, 4, 0]{{.*}}mapping = [#gpu.block<linear_dim_1>, #gpu.block<linear_dim_0>]}
// CHECK-NOT:   linalg.
func.func @epilogue(%x: tensor<64x256xf32>, %w: tensor<256x128xf32>, %b: tensor<128xf32>) -> tensor<64x128xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x128xf32>
  %f = linalg.fill {effai.gpu_tiling = #effai.gpu_tiling<kernel = "loops", block = [2, 128], thread = [1, 1], threads = 256, blocks = 32, intensity = 0.25, bound = "HBM", predicted_us = 2.52>} ins(%zero : f32) outs(%e : tensor<64x128xf32>) -> tensor<64x128xf32>
  %m = linalg.matmul {effai.gpu_tiling = #effai.gpu_tiling<kernel = "contraction", block = [8, 32, 0], thread = [2, 4, 0], threads = 32, blocks = 32, intensity = 18.286, bound = "compute", predicted_us = 3.405>} ins(%x, %w : tensor<64x256xf32>, tensor<256x128xf32>) outs(%f : tensor<64x128xf32>) -> tensor<64x128xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"], effai.epilogue_of = 0 : i64} ins(%m, %b : tensor<64x128xf32>, tensor<128xf32>) outs(%e : tensor<64x128xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    %y = arith.maximumf %s, %zero : f32
    linalg.yield %y : f32
  } -> tensor<64x128xf32>
  return %r : tensor<64x128xf32>
}

// -----
// An epilogue of another element type (the f32 sum rounded to f16) cannot
// update the matmul's tile in place: it is still the root of both nests,
// and the matmul (with its fill) is fused as the input it reads, its tiles
// yielded by both loops so that they are written into their slice of the
// whole f32 result rather than a copy per thread. The thread's epilogue
// tile is marked for effai-gpu-register-accumulators, which applies it to
// the accumulators as it stores them.
// CHECK-LABEL: func.func @rounding_epilogue
// CHECK-NOT:   linalg.matmul
// CHECK:       %[[ALL:.*]]:2 = scf.forall {{.*}} to (64, 128) step (8, 32) shared_outs(%[[Y:.*]] = %{{.*}}, %[[C:.*]] = %{{.*}}) -> (tensor<64x128xf16>, tensor<64x128xf32>)
// CHECK-NOT:     linalg.
// CHECK:         %[[THREADS:.*]]:2 = scf.forall {{.*}} to (8, 32) step (2, 4) shared_outs(%[[YT:.*]] = %{{.*}}, %[[CT:.*]] = %{{.*}}) -> (tensor<8x32xf16>, tensor<8x32xf32>)
// CHECK:           %[[CS:.*]] = tensor.extract_slice %[[CT]]
// CHECK:           %[[FILL:.*]] = linalg.fill {{.*}} outs(%[[CS]] : tensor<2x4xf32>)
// CHECK:           %[[MM:.*]] = linalg.matmul {{.*}} outs(%[[FILL]] : tensor<2x4xf32>)
// CHECK:           %[[EPI:.*]] = linalg.generic {{.*}} ins(%[[MM]] : tensor<2x4xf32>) outs(%{{.*}} : tensor<2x4xf16>) attrs = {effai.gpu_epilogue_tile}
// CHECK:             arith.truncf
// CHECK:           tensor.parallel_insert_slice %[[EPI]] into %[[YT]]
// CHECK:           tensor.parallel_insert_slice %[[MM]] into %[[CT]]
// CHECK-NOT:     linalg.
// CHECK:         tensor.parallel_insert_slice %[[THREADS]]#0 into %[[Y]]
// CHECK:         tensor.parallel_insert_slice %[[THREADS]]#1 into %[[C]]
// CHECK:       return %[[ALL]]#0
// CHECK-NOT:   linalg.
func.func @rounding_epilogue(%x: tensor<64x256xf32>, %w: tensor<256x128xf32>) -> tensor<64x128xf16> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x128xf32>
  %f = linalg.fill {effai.gpu_tiling = #effai.gpu_tiling<kernel = "loops", block = [2, 128], thread = [1, 1], threads = 256, blocks = 32, intensity = 0.25, bound = "HBM", predicted_us = 2.52>} ins(%zero : f32) outs(%e : tensor<64x128xf32>) -> tensor<64x128xf32>
  %m = linalg.matmul {effai.gpu_tiling = #effai.gpu_tiling<kernel = "contraction", block = [8, 32, 0], thread = [2, 4, 0], threads = 32, blocks = 32, intensity = 18.286, bound = "compute", predicted_us = 3.405>} ins(%x, %w : tensor<64x256xf32>, tensor<256x128xf32>) outs(%f : tensor<64x128xf32>) -> tensor<64x128xf32>
  %eh = tensor.empty() : tensor<64x128xf16>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"], effai.epilogue_of = 0 : i64} ins(%m : tensor<64x128xf32>) outs(%eh : tensor<64x128xf16>) {
  ^bb0(%a: f32, %o: f16):
    %t = arith.truncf %a : f32 to f16
    linalg.yield %t : f16
  } -> tensor<64x128xf16>
  return %r : tensor<64x128xf16>
}

// -----
// The same with partial block tiles (60 rows in blocks of 8): the thread
// loop's bound reads the shape of the block's slice of the f32 result, and
// nothing of the block-level matmul or fill is left between the loops.
// CHECK-LABEL: func.func @partial_rounding_epilogue
// CHECK:       scf.forall {{.*}} to (60, 128) step (8, 32) shared_outs(%{{.*}} = %{{.*}}, %[[C:.*]] = %{{.*}}) -> (tensor<60x128xf16>, tensor<60x128xf32>)
// CHECK:         %[[CB:.*]] = tensor.extract_slice %[[C]]
// CHECK-NOT:     linalg.
// CHECK:         %[[ROWS:.*]] = tensor.dim %[[CB]], %c0
// CHECK-NOT:     linalg.
// CHECK:         scf.forall {{.*}} to (%[[ROWS]], 32) step (2, 4)
// CHECK:           linalg.fill
// CHECK:           linalg.matmul
// CHECK:           linalg.generic {{.*}}effai.gpu_epilogue_tile
// CHECK:             linalg.yield
// CHECK-NOT:   linalg.
func.func @partial_rounding_epilogue(%x: tensor<60x256xf32>, %w: tensor<256x128xf32>) -> tensor<60x128xf16> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<60x128xf32>
  %f = linalg.fill {effai.gpu_tiling = #effai.gpu_tiling<kernel = "loops", block = [2, 128], thread = [1, 1], threads = 256, blocks = 30, intensity = 0.25, bound = "HBM", predicted_us = 2.52>} ins(%zero : f32) outs(%e : tensor<60x128xf32>) -> tensor<60x128xf32>
  %m = linalg.matmul {effai.gpu_tiling = #effai.gpu_tiling<kernel = "contraction", block = [8, 32, 0], thread = [2, 4, 0], threads = 32, blocks = 32, intensity = 18.286, bound = "compute", predicted_us = 3.405>} ins(%x, %w : tensor<60x256xf32>, tensor<256x128xf32>) outs(%f : tensor<60x128xf32>) -> tensor<60x128xf32>
  %eh = tensor.empty() : tensor<60x128xf16>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"], effai.epilogue_of = 0 : i64} ins(%m : tensor<60x128xf32>) outs(%eh : tensor<60x128xf16>) {
  ^bb0(%a: f32, %o: f16):
    %t = arith.truncf %a : f32 to f16
    linalg.yield %t : f16
  } -> tensor<60x128xf16>
  return %r : tensor<60x128xf16>
}

// -----

// split_k = 4: the matmul's 1024-long reduction becomes 4 slices of 256,
// each a block of its own writing a partial result (the slices are its
// outermost, slowest dimension, one per block); then a second nest sums
// the 4 partials over the same output tiles, starting from the fill and
// applying the bias epilogue in place.
// CHECK-LABEL: func.func @split
// CHECK:       %[[XS:.*]] = tensor.expand_shape %{{.*}} {{\[}}[0], [1, 2]] output_shape [1, 4, 256]
// CHECK:       %[[WS:.*]] = tensor.expand_shape %{{.*}} {{\[}}[0, 1], [2]] output_shape [4, 256, 512]
// CHECK:       %[[PARTIAL:.*]] = scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) = (0, 0, 0) to (4, 1, 512) step (1, 1, 64)
// CHECK:         scf.forall {{.*}} = (0, 0, 0) to (1, 1, 64) step (1, 1, 2)
// CHECK:           linalg.fill {{.*}} -> tensor<1x1x2xf32>
// CHECK:           linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction"]{{.*}} outs(%{{.*}} : tensor<1x1x2xf32>)
// CHECK:       } {effai.gpu_tiling = #effai.gpu_tiling<{{.*}}split_k = 4>, mapping = [#gpu.block<linear_dim_2>, #gpu.block<linear_dim_1>, #gpu.block<linear_dim_0>]}
// CHECK:       scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (1, 512) step (1, 64)
// CHECK:         tensor.extract_slice %[[PARTIAL]][0, {{.*}}] [4, 1, 64]
// CHECK:         scf.forall {{.*}} = (0, 0) to (1, 64) step (1, 2)
// CHECK:           %[[ZERO:.*]] = linalg.fill {{.*}} -> tensor<1x2xf32>
// CHECK:           %[[SUM:.*]] = linalg.generic {{.*}}iterator_types = ["reduction", "parallel", "parallel"]{{.*}} ins(%{{.*}} : tensor<4x1x2xf32>) outs(%[[ZERO]] : tensor<1x2xf32>)
// CHECK:           linalg.generic {{.*}} outs(%[[SUM]] : tensor<1x2xf32>)
// CHECK:             arith.addf
// CHECK:       } {effai.gpu_tiling = #effai.gpu_tiling<{{.*}}split_k = 4>, mapping = [#gpu.block<linear_dim_1>, #gpu.block<linear_dim_0>]}
// CHECK-NOT:   linalg.matmul
func.func @split(%x: tensor<1x1024xf32>, %w: tensor<1024x512xf32>, %b: tensor<512xf32>) -> tensor<1x512xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x512xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x512xf32>) -> tensor<1x512xf32>
  %m = linalg.matmul {effai.gpu_tiling = #effai.gpu_tiling<kernel = "contraction", block = [1, 64, 0], thread = [1, 2, 0], threads = 32, blocks = 32, intensity = 0.5, bound = "HBM", predicted_us = 5.0, split_k = 4>} ins(%x, %w : tensor<1x1024xf32>, tensor<1024x512xf32>) outs(%f : tensor<1x512xf32>) -> tensor<1x512xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"], effai.epilogue_of = 0 : i64} ins(%m, %b : tensor<1x512xf32>, tensor<512xf32>) outs(%e : tensor<1x512xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<1x512xf32>
  return %r : tensor<1x512xf32>
}

// -----
// A tensor-core tiling: the block loop around a loop over warp tiles
// (#gpu.warp), each warp's tile marked for effai-gpu-warp-mma. The
// operands are rewritten as mma.sync (s8) reads them: the constant
// weights, stored [k, n], transposed to [n, k]; the u8 activations read as
// s8 with their top bit flipped (x ^ 0x80, in the op that makes them);
// 128 * sum_k w[k, n] added where the sum is read. Here w[k, n] = n: the
// transposed rows are 64 n's each; the correction of column n is
// 128 * 64 * n (little-endian i32 after the blob's alignment word).
// CHECK-LABEL: func.func @mma_u8
// CHECK:       scf.forall
// CHECK:           %[[T:.*]] = arith.trunci
// CHECK:           %[[FLIP:.*]] = arith.xori %[[T]], %c-128_i8 : i8
// CHECK:           linalg.yield %[[FLIP]] : i8
// CHECK:       %[[W:.*]] = arith.constant dense_resource<mma_weight> : tensor<16x64xi8>
// CHECK:       %[[SUM:.*]] = scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (32, 16) step (32, 16)
// CHECK:         tensor.extract_slice %[[W]][%{{.*}}, 0] [16, 64] [1, 1]
// CHECK:         scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (32, 16) step (16, 8)
// CHECK:           linalg.fill {{.*}} -> tensor<16x8xi32>
// CHECK:           linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<16x64xi8>, tensor<8x64xi8>) outs(%{{.*}} : tensor<16x8xi32>) attrs = {effai.gpu_mma_tile}
// CHECK:             arith.extsi
// CHECK:             arith.extsi
// CHECK:         } {mapping = [#gpu.warp<linear_dim_1>, #gpu.warp<linear_dim_0>]}
// CHECK:       } {effai.gpu_tiling = #effai.gpu_tiling<kernel = "mma"{{.*}}mapping = [#gpu.block<linear_dim_1>, #gpu.block<linear_dim_0>]}
// CHECK:       %[[CORRECTION:.*]] = arith.constant dense_resource<mma_correction> : tensor<16xi32>
// CHECK:       scf.forall
// CHECK:         tensor.extract_slice %[[SUM]]
// CHECK:         tensor.extract_slice %[[CORRECTION]]
// CHECK:           ^bb0(%[[READ:.*]]: i32, %[[CORR:.*]]: i32, %{{.*}}: i32):
// CHECK:             %[[CORRECTED:.*]] = arith.addi %[[READ]], %[[CORR]] : i32
// CHECK:             arith.maxsi %[[CORRECTED]]
// CHECK:       mma_weight: "0x{{0[48]}}000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010102020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202
// CHECK:       mma_correction: "0x{{0[48]}}000000000000000020000000400000006000000080000000A0000000C0000000E00000000001000020010000400100006001000080010000A0010000C0010000E00100"
func.func @mma_u8(%x: tensor<32x64xi32>) -> tensor<32x16xi32> {
  %zero = arith.constant 0 : i32
  %w = arith.constant dense<"0x000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F"> : tensor<64x16xi8>
  %e8 = tensor.empty() : tensor<32x64xi8>
  %q = linalg.generic {indexing_maps = [affine_map<(m, n) -> (m, n)>, affine_map<(m, n) -> (m, n)>], iterator_types = ["parallel", "parallel"], effai.gpu_tiling = #effai.gpu_tiling<kernel = "elementwise", block = [4, 64], thread = [1, 1], threads = 256, blocks = 8, intensity = 0.2, bound = "HBM", predicted_us = 2.5>} ins(%x : tensor<32x64xi32>) outs(%e8 : tensor<32x64xi8>) {
  ^bb0(%v: i32, %o: i8):
    %t = arith.trunci %v : i32 to i8
    linalg.yield %t : i8
  } -> tensor<32x64xi8>
  %e = tensor.empty() : tensor<32x16xi32>
  %f = linalg.fill ins(%zero : i32) outs(%e : tensor<32x16xi32>) -> tensor<32x16xi32>
  %m = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"], effai.gpu_tiling = #effai.gpu_tiling<kernel = "mma", block = [32, 16, 0], thread = [16, 8, 0], threads = 128, blocks = 1, intensity = 10.0, bound = "HBM", predicted_us = 2.6>} ins(%q, %w : tensor<32x64xi8>, tensor<64x16xi8>) outs(%f : tensor<32x16xi32>) {
  ^bb0(%a: i8, %b: i8, %acc: i32):
    %ae = arith.extui %a : i8 to i32
    %be = arith.extsi %b : i8 to i32
    %p = arith.muli %ae, %be : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  } -> tensor<32x16xi32>
  %r = linalg.generic {indexing_maps = [affine_map<(m, n) -> (m, n)>, affine_map<(m, n) -> (m, n)>], iterator_types = ["parallel", "parallel"], effai.gpu_tiling = #effai.gpu_tiling<kernel = "elementwise", block = [16, 16], thread = [1, 1], threads = 256, blocks = 2, intensity = 0.2, bound = "HBM", predicted_us = 2.5>} ins(%m : tensor<32x16xi32>) outs(%e : tensor<32x16xi32>) {
  ^bb0(%v: i32, %o: i32):
    %z = arith.maxsi %v, %zero : i32
    linalg.yield %z : i32
  } -> tensor<32x16xi32>
  return %r : tensor<32x16xi32>
}

// -----
// A tensor-core product with an epilogue of another element type (the f32
// sum rounded to f16, plus a bias): the epilogue is the root of the block
// and warp nests, the product fused as the input it reads; the product's
// warp tile is marked for effai-gpu-warp-mma, the epilogue's for applying
// it to the fragments.
// CHECK-LABEL: func.func @mma_f16_epilogue
// CHECK:       scf.forall {{.*}} shared_outs(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (tensor<32x16xf16>, tensor<32x16xf32>)
// CHECK:         scf.forall {{.*}} -> (tensor<32x16xf16>, tensor<32x16xf32>)
// CHECK:           %[[MM:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<16x64xf16>, tensor<8x64xf16>) outs(%{{.*}} : tensor<16x8xf32>) attrs = {effai.gpu_mma_tile}
// CHECK:           linalg.generic {{.*}} ins(%[[MM]], %{{.*}} : tensor<16x8xf32>, tensor<8xf16>) outs(%{{.*}} : tensor<16x8xf16>) attrs = {effai.gpu_epilogue_tile}
// CHECK:         } {mapping = [#gpu.warp<linear_dim_1>, #gpu.warp<linear_dim_0>]}
// CHECK:       } {effai.gpu_tiling = #effai.gpu_tiling<kernel = "mma"
func.func @mma_f16_epilogue(%x: tensor<32x64xf16>, %b: tensor<16xf16>) -> tensor<32x16xf16> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<0.5> : tensor<64x16xf16>
  %e = tensor.empty() : tensor<32x16xf32>
  %f = linalg.fill {effai.gpu_tiling = #effai.gpu_tiling<kernel = "loops", block = [2, 16], thread = [1, 1], threads = 32, blocks = 16, intensity = 0.25, bound = "HBM", predicted_us = 2.52>} ins(%zero : f32) outs(%e : tensor<32x16xf32>) -> tensor<32x16xf32>
  %m = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"], effai.gpu_tiling = #effai.gpu_tiling<kernel = "mma", block = [32, 16, 0], thread = [16, 8, 0], threads = 128, blocks = 1, intensity = 10.0, bound = "HBM", predicted_us = 2.6>} ins(%x, %w : tensor<32x64xf16>, tensor<64x16xf16>) outs(%f : tensor<32x16xf32>) {
  ^bb0(%a: f16, %c: f16, %acc: f32):
    %ae = arith.extf %a : f16 to f32
    %ce = arith.extf %c : f16 to f32
    %p = arith.mulf %ae, %ce : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<32x16xf32>
  %eh = tensor.empty() : tensor<32x16xf16>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"], effai.epilogue_of = 0 : i64} ins(%m, %b : tensor<32x16xf32>, tensor<16xf16>) outs(%eh : tensor<32x16xf16>) {
  ^bb0(%v: f32, %bv: f16, %o: f16):
    %t = arith.truncf %v : f32 to f16
    %y = arith.addf %t, %bv : f16
    linalg.yield %y : f16
  } -> tensor<32x16xf16>
  return %r : tensor<32x16xf16>
}

// -----
// An mma tiling on an op tensor cores cannot compute is an error.
func.func @mma_f32(%a: tensor<32x64xf32>, %b: tensor<64x16xf32>) -> tensor<32x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<32x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<32x16xf32>) -> tensor<32x16xf32>
  // expected-error @+1 {{an mma tiling on an op tensor cores cannot compute (i8 x i8 -> i32 or f16 x f16 -> f32, dimensions multiples of 16, 8 and 32 or 16)}}
  %m = linalg.matmul {effai.gpu_tiling = #effai.gpu_tiling<kernel = "mma", block = [32, 16, 0], thread = [16, 8, 0], threads = 128, blocks = 1, intensity = 10.0, bound = "HBM", predicted_us = 2.6>} ins(%a, %b : tensor<32x64xf32>, tensor<64x16xf32>) outs(%f : tensor<32x16xf32>) -> tensor<32x16xf32>
  return %m : tensor<32x16xf32>
}
