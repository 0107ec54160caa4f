// effai-select-tiling on GPU targets: every static linalg op gets an
// #effai.gpu_tiling (block and thread tiles, threads, grid, roofline
// prediction); contractions get register tiles, the rest one thread a
// point with threads along the result's innermost dimension.
// RUN: %effai_opt %s --effai-set-target=target=sm_90 --effai-select-tiling -split-input-file | FileCheck %s --check-prefix=SM90
// RUN: %effai_opt %s --effai-set-target=target=sm_80 --effai-select-tiling -split-input-file | FileCheck %s --check-prefix=SM80

// A large matmul is compute bound: big block tiles, 8x8 register tiles;
// its outputs fill the GPU, so its reduction stays whole (no split_k).
// The blocks stage their operands through shared memory in chunks of 8
// along k: (128 + 128) x 8 floats is 8 KiB, within a quarter of the 48 KiB
// a block declares statically (chunks of 16 would take 16 KiB).
// SM90-LABEL: func.func @matmul_large
// SM90: linalg.matmul {effai.gpu_tiling = #effai.gpu_tiling<kernel = "contraction", block = [128, 128, 0], thread = [8, 8, 0], threads = 256, blocks = 256, {{.*}}bound = "compute", predicted_us = {{[0-9.]+}}, stage_k = 8>}
// SM80-LABEL: func.func @matmul_large
// SM80: linalg.matmul {effai.gpu_tiling = #effai.gpu_tiling<kernel = "contraction", block = [{{[0-9]+}}, {{[0-9]+}}, 0], thread = [{{[48]}}, {{[48]}}, 0],
func.func @matmul_large(%a: tensor<2048x2048xf32>, %b: tensor<2048x2048xf32>) -> tensor<2048x2048xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2048x2048xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2048x2048xf32>) -> tensor<2048x2048xf32>
  %m = linalg.matmul ins(%a, %b : tensor<2048x2048xf32>, tensor<2048x2048xf32>) outs(%f : tensor<2048x2048xf32>) -> tensor<2048x2048xf32>
  return %m : tensor<2048x2048xf32>
}

// -----
// A batch-1 linear layer has one row: the block tile spreads along n and
// the layer is bound by reading its weights from HBM. Its 4096 outputs
// would leave most of the GPU's warps idle, and DRAM streams only with
// many loads in flight: the reduction is split into slices that blocks
// compute separately (split_k), a few thousand blocks in all.
// SM90-LABEL: func.func @linear_batch1
// SM90: linalg.matmul {effai.gpu_tiling = #effai.gpu_tiling<kernel = "contraction", block = [1, {{[0-9]+}}, 0], thread = [1, {{[0-9]+}}, 0], threads = {{[0-9]+}}, blocks = {{[0-9][0-9][0-9]+}}, {{.*}}bound = "HBM", predicted_us = {{[0-9.]+}}, split_k = {{[0-9]+}}>
func.func @linear_batch1(%x: tensor<1x4096xf32>, %w: tensor<4096x4096xf32>) -> tensor<1x4096xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4096xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4096xf32>) -> tensor<1x4096xf32>
  %m = linalg.matmul ins(%x, %w : tensor<1x4096xf32>, tensor<4096x4096xf32>) outs(%f : tensor<1x4096xf32>) -> tensor<1x4096xf32>
  return %m : tensor<1x4096xf32>
}

// -----
// An NCHW convolution: the register tile lies along the output width
// (innermost m) and channels (n); the small feature map spreads the block
// tile over rows too. Reductions stay whole (0). Its input is read
// through windows (oh + kh), not plain dimensions: no staging.
// SM90-LABEL: func.func @conv
// SM90: linalg.conv_2d_nchw_fchw {{.*}}effai.gpu_tiling = #effai.gpu_tiling<kernel = "contraction", block = [1, {{[0-9]+}}, {{[0-9]+}}, {{[0-9]+}}, 0, 0, 0], thread = [1, {{[0-9]+}}, 1, {{[0-9]+}}, 0, 0, 0],
// SM90-NOT: stage_k
func.func @conv(%x: tensor<1x64x58x58xf32>, %w: tensor<64x64x3x3xf32>) -> tensor<1x64x56x56xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x64x56x56xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x64x56x56xf32>) -> tensor<1x64x56x56xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x64x58x58xf32>, tensor<64x64x3x3xf32>) outs(%f : tensor<1x64x56x56xf32>) -> tensor<1x64x56x56xf32>
  return %c : tensor<1x64x56x56xf32>
}

// -----
// Elementwise: 256 threads along the innermost dim (1000 wide: 256 of it),
// one point each, memory bound.
// SM90-LABEL: func.func @relu
// SM90: linalg.generic {{.*}}effai.gpu_tiling = #effai.gpu_tiling<kernel = "elementwise", block = [1, 256], thread = [1, 1], threads = 256, blocks = 256, intensity = 0.125, bound = "HBM"
func.func @relu(%x: tensor<64x1000xf32>) -> tensor<64x1000xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x1000xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<64x1000xf32>) outs(%e : tensor<64x1000xf32>) {
  ^bb0(%a: f32, %o: f32):
    %y = arith.maximumf %a, %zero : f32
    linalg.yield %y : f32
  } -> tensor<64x1000xf32>
  return %r : tensor<64x1000xf32>
}

// -----
// A reduction to a scalar has no parallel loop: one thread of one block.
// SM90-LABEL: func.func @sum
// SM90: linalg.reduce {{.*}}effai.gpu_tiling = #effai.gpu_tiling<kernel = "reduction", block = [0], thread = [0], intensity
func.func @sum(%x: tensor<1000xf32>) -> tensor<f32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<f32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<f32>) -> tensor<f32>
  %r = linalg.reduce ins(%x : tensor<1000xf32>) outs(%f : tensor<f32>) dimensions = [0]
    (%a: f32, %acc: f32) {
      %s = arith.addf %a, %acc : f32
      linalg.yield %s : f32
    }
  return %r : tensor<f32>
}

// -----
// A bias + ReLU consumer of the matmul's f32 result runs in its kernel:
// it names the input it reads the matmul from and has no tiling of its own.
// So does a consumer of another element type (a dequantization of an i32
// accumulator, applied as the accumulators are stored), and the rounding
// of an f32 sum to f16.
// SM90-LABEL: func.func @epilogues
// SM90: linalg.matmul {effai.gpu_tiling = #effai.gpu_tiling<kernel = "contraction"
// SM90: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<64x128xf32>, tensor<128xf32>) outs(%{{.*}} : tensor<64x128xf32>) attrs = {effai.epilogue_of = 0 : i64} {
// SM90: linalg.matmul {effai.gpu_tiling = #effai.gpu_tiling<kernel = "contraction"
// SM90: linalg.generic {{.*}} ins(%{{.*}} : tensor<64x128xi32>) outs(%{{.*}} : tensor<64x128xf32>) attrs = {effai.epilogue_of = 0 : i64} {
// SM90: linalg.generic {{.*}} ins(%{{.*}} : tensor<64x128xf32>) outs(%{{.*}} : tensor<64x128xf16>) attrs = {effai.epilogue_of = 0 : i64} {
func.func @epilogues(%x: tensor<64x256xf32>, %w: tensor<256x128xf32>, %b: tensor<128xf32>, %xi: tensor<64x256xi32>, %wi: tensor<256x128xi32>) -> (tensor<64x128xf32>, tensor<64x128xf32>, tensor<64x128xf16>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x128xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<64x128xf32>) -> tensor<64x128xf32>
  %m = linalg.matmul ins(%x, %w : tensor<64x256xf32>, tensor<256x128xf32>) outs(%f : tensor<64x128xf32>) -> tensor<64x128xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%m, %b : tensor<64x128xf32>, tensor<128xf32>) outs(%e : tensor<64x128xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    %y = arith.maximumf %s, %zero : f32
    linalg.yield %y : f32
  } -> tensor<64x128xf32>
  %izero = arith.constant 0 : i32
  %ei = tensor.empty() : tensor<64x128xi32>
  %fi = linalg.fill ins(%izero : i32) outs(%ei : tensor<64x128xi32>) -> tensor<64x128xi32>
  %mi = linalg.matmul ins(%xi, %wi : tensor<64x256xi32>, tensor<256x128xi32>) outs(%fi : tensor<64x128xi32>) -> tensor<64x128xi32>
  %d = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%mi : tensor<64x128xi32>) outs(%e : tensor<64x128xf32>) {
  ^bb0(%a: i32, %o: f32):
    %v = arith.sitofp %a : i32 to f32
    linalg.yield %v : f32
  } -> tensor<64x128xf32>
  %fh = linalg.fill ins(%zero : f32) outs(%e : tensor<64x128xf32>) -> tensor<64x128xf32>
  %mh = linalg.matmul ins(%x, %w : tensor<64x256xf32>, tensor<256x128xf32>) outs(%fh : tensor<64x128xf32>) -> tensor<64x128xf32>
  %eh = tensor.empty() : tensor<64x128xf16>
  %h = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%mh : tensor<64x128xf32>) outs(%eh : tensor<64x128xf16>) {
  ^bb0(%a: f32, %o: f16):
    %t = arith.truncf %a : f32 to f16
    linalg.yield %t : f16
  } -> tensor<64x128xf16>
  return %r, %d, %h : tensor<64x128xf32>, tensor<64x128xf32>, tensor<64x128xf16>
}

// -----
// Reductions upstream's split cannot take keep their loop whole (no
// split_k): an operand read through a constant index (a broadcast batch),
// and a reduction with two results (an argmax).
// SM90-LABEL: func.func @unsplittable
// SM90: linalg.generic {{.*}}effai.gpu_tiling = #effai.gpu_tiling<kernel = "contraction"
// SM90-NOT: split_k
// SM90: linalg.generic {{.*}}effai.gpu_tiling = #effai.gpu_tiling<
// SM90-NOT: split_k
// SM90: return
func.func @unsplittable(%x: tensor<4x1x4096xf32>, %w: tensor<1x4096x64xf32>, %v: tensor<8192xf32>) -> (tensor<4x1x64xf32>, tensor<f32>, tensor<i64>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x1x64xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x1x64xf32>) -> tensor<4x1x64xf32>
  %mm = linalg.generic {indexing_maps = [affine_map<(b, m, n, k) -> (b, m, k)>, affine_map<(b, m, n, k) -> (0, k, n)>, affine_map<(b, m, n, k) -> (b, m, n)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%x, %w : tensor<4x1x4096xf32>, tensor<1x4096x64xf32>) outs(%f : tensor<4x1x64xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x1x64xf32>
  %ninf = arith.constant 0xFF800000 : f32
  %z = arith.constant 0 : i64
  %me = tensor.empty() : tensor<f32>
  %ie = tensor.empty() : tensor<i64>
  %mf = linalg.fill ins(%ninf : f32) outs(%me : tensor<f32>) -> tensor<f32>
  %if = linalg.fill ins(%z : i64) outs(%ie : tensor<i64>) -> tensor<i64>
  %am:2 = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> ()>, affine_map<(i) -> ()>], iterator_types = ["reduction"]} ins(%v : tensor<8192xf32>) outs(%mf, %if : tensor<f32>, tensor<i64>) {
  ^bb0(%a: f32, %m: f32, %i: i64):
    %idx = linalg.index 0 : index
    %ii = arith.index_cast %idx : index to i64
    %gt = arith.cmpf ogt, %a, %m : f32
    %nm = arith.select %gt, %a, %m : f32
    %ni = arith.select %gt, %ii, %i : i64
    linalg.yield %nm, %ni : f32, i64
  } -> (tensor<f32>, tensor<i64>)
  return %mm, %am#0, %am#1 : tensor<4x1x64xf32>, tensor<f32>, tensor<i64>
}

// -----
// No iterations (a zero-size tensor, like ONNX's test_tril_zero): nothing to
// tile; effai-gpu-tile-and-map replaces the op by its init.
// SM90-LABEL: func.func @zero_size
// SM90-NOT: effai.gpu_tiling
// SM90: return
func.func @zero_size(%x: tensor<0x8xf32>, %y: tensor<8x4xf32>, %z: tensor<0x4xf32>) -> (tensor<0x8xf32>, tensor<0x4xf32>) {
  %r = linalg.add ins(%x, %x : tensor<0x8xf32>, tensor<0x8xf32>) outs(%x : tensor<0x8xf32>) -> tensor<0x8xf32>
  %m = linalg.matmul ins(%x, %y : tensor<0x8xf32>, tensor<8x4xf32>) outs(%z : tensor<0x4xf32>) -> tensor<0x4xf32>
  return %r, %m : tensor<0x8xf32>, tensor<0x4xf32>
}

// -----
// An i8 x i8 -> i32 product whose dimensions are whole mma.sync tiles
// (m16n8k32) runs on tensor cores: block tiles of whole warps, each warp
// a tile of 16 x 8 results (`thread`), `threads` counting lanes. An
// epilogue of the same element type stays a kernel of its own (the warps
// apply only epilogues of another type to their fragments).
// SM90-LABEL: func.func @s8_gemm
// SM90: linalg.generic {{.*}}effai.gpu_tiling = #effai.gpu_tiling<kernel = "mma", block = [{{[0-9]+}}, {{[0-9]+}}, 0], thread = [{{16|32|64}}, {{8|16|32|64}}, 0], threads = {{[0-9]+}}, blocks = {{[0-9]+}}, {{.*}}predicted_us = {{[0-9.]+}}>
// SM90-NOT: effai.epilogue_of
// SM80-LABEL: func.func @s8_gemm
// SM80: effai.gpu_tiling = #effai.gpu_tiling<kernel = "mma"
#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (n, k)>
#mBkn = affine_map<(m, n, k) -> (k, n)>
#mC = affine_map<(m, n, k) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
func.func @s8_gemm(%a: tensor<512x1024xi8>, %b: tensor<1024x1024xi8>) -> tensor<512x1024xi32> {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<512x1024xi32>
  %f = linalg.fill ins(%zero : i32) outs(%e : tensor<512x1024xi32>) -> tensor<512x1024xi32>
  %m = linalg.generic {indexing_maps = [#mA, #mB, #mC], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : tensor<512x1024xi8>, tensor<1024x1024xi8>) outs(%f : tensor<512x1024xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %xe = arith.extsi %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  } -> tensor<512x1024xi32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%m : tensor<512x1024xi32>) outs(%e : tensor<512x1024xi32>) {
  ^bb0(%x: i32, %o: i32):
    %z = arith.maxsi %x, %zero : i32
    linalg.yield %z : i32
  } -> tensor<512x1024xi32>
  return %r : tensor<512x1024xi32>
}

// -----
// Unsigned activations (u8, after a ReLU) with constant weights stored
// [k, n]: tensor cores too (the mechanism flips the activations' top bit
// where they are made, transposes the weights and corrects the sum where
// it is read).
// SM90-LABEL: func.func @u8_activations
// SM90: linalg.generic {{.*}}effai.gpu_tiling = #effai.gpu_tiling<kernel = "mma"
#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (n, k)>
#mBkn = affine_map<(m, n, k) -> (k, n)>
#mC = affine_map<(m, n, k) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
func.func @u8_activations(%x: tensor<256x512xi32>) -> tensor<256x512xi32> {
  %zero = arith.constant 0 : i32
  %w = arith.constant dense<3> : tensor<512x512xi8>
  %e8 = tensor.empty() : tensor<256x512xi8>
  %q = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<256x512xi32>) outs(%e8 : tensor<256x512xi8>) {
  ^bb0(%v: i32, %o: i8):
    %t = arith.trunci %v : i32 to i8
    linalg.yield %t : i8
  } -> tensor<256x512xi8>
  %e = tensor.empty() : tensor<256x512xi32>
  %f = linalg.fill ins(%zero : i32) outs(%e : tensor<256x512xi32>) -> tensor<256x512xi32>
  %m = linalg.generic {indexing_maps = [#mA, #mBkn, #mC], iterator_types = ["parallel", "parallel", "reduction"]} ins(%q, %w : tensor<256x512xi8>, tensor<512x512xi8>) outs(%f : tensor<256x512xi32>) {
  ^bb0(%a: i8, %b: i8, %acc: i32):
    %ae = arith.extui %a : i8 to i32
    %be = arith.extsi %b : i8 to i32
    %p = arith.muli %ae, %be : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  } -> tensor<256x512xi32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%m : tensor<256x512xi32>) outs(%e : tensor<256x512xi32>) {
  ^bb0(%v: i32, %o: i32):
    %z = arith.maxsi %v, %zero : i32
    linalg.yield %z : i32
  } -> tensor<256x512xi32>
  return %r : tensor<256x512xi32>
}

// -----
// Not for tensor cores: a batch-1 row (m is not a multiple of 16), a
// reduction of 48 (not a multiple of 32), unsigned activations that come
// from the caller (no op makes them to flip them in; the weights are
// constant and the sum has an elementwise consumer), a sum that starts
// from the caller's values instead of a fill of zeros.
// SM90-LABEL: func.func @not_mma
// SM90-NOT: kernel = "mma"
// SM90-COUNT-4: kernel = "contraction"
// SM90-NOT: kernel = "mma"
#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (n, k)>
#mBkn = affine_map<(m, n, k) -> (k, n)>
#mC = affine_map<(m, n, k) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
func.func @not_mma(%a1: tensor<1x1024xi8>, %b: tensor<1024x1024xi8>, %a48: tensor<256x48xi8>, %b48: tensor<256x48xi8>, %u: tensor<256x1024xi8>, %init: tensor<256x1024xi32>) -> (tensor<1x1024xi32>, tensor<256x256xi32>, tensor<256x1024xi32>, tensor<256x1024xi32>) {
  %zero = arith.constant 0 : i32
  %wc = arith.constant dense<1> : tensor<1024x1024xi8>
  %e1 = tensor.empty() : tensor<1x1024xi32>
  %f1 = linalg.fill ins(%zero : i32) outs(%e1 : tensor<1x1024xi32>) -> tensor<1x1024xi32>
  %m1 = linalg.generic {indexing_maps = [#mA, #mB, #mC], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a1, %b : tensor<1x1024xi8>, tensor<1024x1024xi8>) outs(%f1 : tensor<1x1024xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %xe = arith.extsi %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  } -> tensor<1x1024xi32>
  %e2 = tensor.empty() : tensor<256x256xi32>
  %f2 = linalg.fill ins(%zero : i32) outs(%e2 : tensor<256x256xi32>) -> tensor<256x256xi32>
  %m2 = linalg.generic {indexing_maps = [#mA, #mB, #mC], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a48, %b48 : tensor<256x48xi8>, tensor<256x48xi8>) outs(%f2 : tensor<256x256xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %xe = arith.extsi %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  } -> tensor<256x256xi32>
  %e3 = tensor.empty() : tensor<256x1024xi32>
  %f3 = linalg.fill ins(%zero : i32) outs(%e3 : tensor<256x1024xi32>) -> tensor<256x1024xi32>
  %m3 = linalg.generic {indexing_maps = [#mA, #mBkn, #mC], iterator_types = ["parallel", "parallel", "reduction"]} ins(%u, %wc : tensor<256x1024xi8>, tensor<1024x1024xi8>) outs(%f3 : tensor<256x1024xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %xe = arith.extui %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  } -> tensor<256x1024xi32>
  %r3 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%m3 : tensor<256x1024xi32>) outs(%e3 : tensor<256x1024xi32>) {
  ^bb0(%v: i32, %o: i32):
    %z = arith.maxsi %v, %zero : i32
    linalg.yield %z : i32
  } -> tensor<256x1024xi32>
  %m4 = linalg.generic {indexing_maps = [#mA, #mB, #mC], iterator_types = ["parallel", "parallel", "reduction"]} ins(%u, %b : tensor<256x1024xi8>, tensor<1024x1024xi8>) outs(%init : tensor<256x1024xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %xe = arith.extsi %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  } -> tensor<256x1024xi32>
  return %m1, %m2, %r3, %m4 : tensor<1x1024xi32>, tensor<256x256xi32>, tensor<256x1024xi32>, tensor<256x1024xi32>
}

// -----
// An f16 x f16 product summed in f32 (how effai-lower-to-linalg lowers half
// floats) runs on tensor cores, m16n8k16: both chips' fp16 peak is many
// times their CUDA cores'. Weights stored [k, n] are constants, which the
// mechanism transposes. Its rounding to f16 runs in its kernel, applied by
// the warps to their fragments as they store them.
// SM90-LABEL: func.func @f16_gemm
// SM90: linalg.generic {{.*}}effai.gpu_tiling = #effai.gpu_tiling<kernel = "mma", block = [{{[0-9]+}}, {{[0-9]+}}, 0], thread = [{{16|32|64}}, {{8|16|32|64}}, 0]
// SM90: linalg.generic {{.*}} ins(%{{.*}} : tensor<512x1024xf32>) outs(%{{.*}} : tensor<512x1024xf16>) attrs = {effai.epilogue_of = 0 : i64}
// SM80-LABEL: func.func @f16_gemm
// SM80: effai.gpu_tiling = #effai.gpu_tiling<kernel = "mma"
#mA = affine_map<(m, n, k) -> (m, k)>
#mBkn = affine_map<(m, n, k) -> (k, n)>
#mC = affine_map<(m, n, k) -> (m, n)>
func.func @f16_gemm(%a: tensor<512x1024xf16>) -> tensor<512x1024xf16> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<0.5> : tensor<1024x1024xf16>
  %e = tensor.empty() : tensor<512x1024xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<512x1024xf32>) -> tensor<512x1024xf32>
  %m = linalg.generic {indexing_maps = [#mA, #mBkn, #mC], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %w : tensor<512x1024xf16>, tensor<1024x1024xf16>) outs(%f : tensor<512x1024xf32>) {
  ^bb0(%x: f16, %y: f16, %acc: f32):
    %xe = arith.extf %x : f16 to f32
    %ye = arith.extf %y : f16 to f32
    %p = arith.mulf %xe, %ye : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<512x1024xf32>
  %eh = tensor.empty() : tensor<512x1024xf16>
  %h = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%m : tensor<512x1024xf32>) outs(%eh : tensor<512x1024xf16>) {
  ^bb0(%v: f32, %o: f16):
    %t = arith.truncf %v : f32 to f16
    linalg.yield %t : f16
  } -> tensor<512x1024xf16>
  return %h : tensor<512x1024xf16>
}

// -----
// Not for tensor cores: bf16 (MLIR 22's vector-to-nvgpu and nvgpu-to-nvvm
// conversions reject bf16 fragments), an f16 sum kept in f16 (mma.sync
// f16 accumulators round differently from the CPU's f32 ones) and f16
// weights that come from the caller stored [k, n] (nothing to transpose
// at compile time). They run on CUDA cores.
// SM90-LABEL: func.func @half_not_mma
// SM90-NOT: kernel = "mma"
// SM90-COUNT-3: kernel = "contraction"
// SM90-NOT: kernel = "mma"
#mA = affine_map<(m, n, k) -> (m, k)>
#mBkn = affine_map<(m, n, k) -> (k, n)>
#mC = affine_map<(m, n, k) -> (m, n)>
func.func @half_not_mma(%a: tensor<512x1024xbf16>, %h: tensor<512x1024xf16>, %b: tensor<1024x1024xf16>) -> (tensor<512x1024xf32>, tensor<512x1024xf16>, tensor<512x1024xf32>) {
  %zero = arith.constant 0.0 : f32
  %zero16 = arith.constant 0.0 : f16
  %w = arith.constant dense<0.5> : tensor<1024x1024xbf16>
  %w16 = arith.constant dense<0.5> : tensor<1024x1024xf16>
  %e = tensor.empty() : tensor<512x1024xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<512x1024xf32>) -> tensor<512x1024xf32>
  %m1 = linalg.generic {indexing_maps = [#mA, #mBkn, #mC], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %w : tensor<512x1024xbf16>, tensor<1024x1024xbf16>) outs(%f : tensor<512x1024xf32>) {
  ^bb0(%x: bf16, %y: bf16, %acc: f32):
    %xe = arith.extf %x : bf16 to f32
    %ye = arith.extf %y : bf16 to f32
    %p = arith.mulf %xe, %ye : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<512x1024xf32>
  %e16 = tensor.empty() : tensor<512x1024xf16>
  %f16 = linalg.fill ins(%zero16 : f16) outs(%e16 : tensor<512x1024xf16>) -> tensor<512x1024xf16>
  %m2 = linalg.generic {indexing_maps = [#mA, #mBkn, #mC], iterator_types = ["parallel", "parallel", "reduction"]} ins(%h, %w16 : tensor<512x1024xf16>, tensor<1024x1024xf16>) outs(%f16 : tensor<512x1024xf16>) {
  ^bb0(%x: f16, %y: f16, %acc: f16):
    %p = arith.mulf %x, %y : f16
    %s = arith.addf %acc, %p : f16
    linalg.yield %s : f16
  } -> tensor<512x1024xf16>
  %f3 = linalg.fill ins(%zero : f32) outs(%e : tensor<512x1024xf32>) -> tensor<512x1024xf32>
  %m3 = linalg.generic {indexing_maps = [#mA, #mBkn, #mC], iterator_types = ["parallel", "parallel", "reduction"]} ins(%h, %b : tensor<512x1024xf16>, tensor<1024x1024xf16>) outs(%f3 : tensor<512x1024xf32>) {
  ^bb0(%x: f16, %y: f16, %acc: f32):
    %xe = arith.extf %x : f16 to f32
    %ye = arith.extf %y : f16 to f32
    %p = arith.mulf %xe, %ye : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<512x1024xf32>
  return %m1, %m2, %m3 : tensor<512x1024xf32>, tensor<512x1024xf16>, tensor<512x1024xf32>
}
