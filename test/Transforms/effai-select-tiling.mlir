// effai-select-tiling on a fixed machine (not the host): an AVX2 core with
// V = 8 f32 lanes, 16 vector registers, FMA latency L = 5 and T = 2 FMAs
// and 2 loads per cycle, 3 GHz; L1 32 KiB 8-way, L2 256 KiB 8-way, L3
// 8 MiB 16-way shared by 4 cores. Accumulators may use 3/4 of the
// registers: 12. A tile of r rows and v vectors costs, per reduction step,
// max(r*v/T, (r+v)/2, L) cycles.
// RUN: %effai_opt %s --effai-select-tiling --split-input-file -verify-diagnostics | FileCheck %s
// RUN: %effai_opt %s --effai-select-tiling=max-threads=0 --split-input-file -verify-diagnostics | FileCheck %s --check-prefix=THREADS

#target = #effai.target<name = "test-avx2", kind = cpu,
    triple = "x86_64-unknown-linux-gnu", cpu = "haswell",
    features = ["avx", "avx2", "fma"], vector_bits = 256,
    vector_registers = 16, fma_latency = 5, fma_per_cycle = 2,
    loads_per_cycle = 2, clock_ghz = 3.0, cores = 4,
    peaks = <fp32 = 96.0, bf16 = 0.0, int8 = 96.0, int32 = 48.0>,
    memory = [#effai.memory<name = "L1", size = 32768, line = 64, ways = 8, shared_by = 1, bandwidth = 190.0, shared_bandwidth = 190.0>,
              #effai.memory<name = "L2", size = 262144, line = 64, ways = 8, shared_by = 1, bandwidth = 90.0, shared_bandwidth = 90.0>,
              #effai.memory<name = "L3", size = 8388608, line = 64, ways = 16, shared_by = 4, bandwidth = 40.0, shared_bandwidth = 120.0>,
              #effai.memory<name = "DRAM", size = 17179869184, line = 64, ways = 0, shared_by = 4, bandwidth = 15.0, shared_bandwidth = 25.0>],
    fork_join_us = 2.0>

// GEMM 96x512x64 with a constant B. Register tile: 6x16 (12 accumulators)
// takes max(6, 4, 5) = 6 cycles a step for 96 MACs, like 3x32 and 4x24;
// 12x8 takes 6.5. Over the op: 6x16 runs 16 x 4 tiles of 512*6 + 12
// (stores) cycles = 197376, 3x32 ties (32 x 2 tiles), 4x24 wastes lanes
// (3 tiles for 64 columns: 222048): the first of the ties, 6x16, wins.
// kc: k is not blocked (kc = 512): the L2 feeds the micro-kernel, (16 + 6)
// * 4 = 88 bytes a 6-cycle step against 90 GB/s / 3 GHz = 30 bytes a cycle,
// and the 512x16 B micro-panel (32 KiB) fits a quarter of 7/8 of L2; a k
// block would only reload and store every C tile once more.
// mc: half of 7/8 of L2 over kc*4 bytes: 114688 / 2048 = 56 -> 54 (6s).
// nc: half of the core's share of 7/8 L3 over kc*4: 983040 / 2048 = 480,
// capped at 64 columns. pack_a: A rows are 2048 bytes apart, so the 6 rows
// fall into 2 of the 64 L1 sets (32 lines apart): packed. Predicted time:
// (197376 + 49152 packing cycles) / 3 GHz = 82.176 us, compute-bound
// (DRAM: 352256 bytes in 23.5 us); intensity 6291456 ops / 352256 bytes.
// With 4 threads, splitting m (96 / 6 = 16 row tiles) costs one B copy
// per thread and wins: 246528 / 4 cycles + 2 us fork/join = 22.544 us.
// CHECK-LABEL: func.func @gemm
// CHECK: linalg.matmul {effai.tiling = #effai.tiling<kernel = "contraction", lanes = 8, mr = [6], nr = 16, kc = 512, mc = 54, nc = 64, pack_a = true, pack_b = "compile", intensity = 17.86, bound = "compute", predicted_us = 82.176>}
// THREADS-LABEL: func.func @gemm
// THREADS: pack_b = "compile", threads = 4, parallel = "m", intensity = 17.86, bound = "compute", predicted_us = 22.544>
module attributes {effai.target = #target} {
  func.func @gemm(%a: tensor<96x512xf32>) -> tensor<96x64xf32> {
    %b = arith.constant dense<0.5> : tensor<512x64xf32>
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<96x64xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<96x64xf32>) -> tensor<96x64xf32>
    %c = linalg.matmul ins(%a, %b : tensor<96x512xf32>, tensor<512x64xf32>) outs(%f : tensor<96x64xf32>) -> tensor<96x64xf32>
    return %c : tensor<96x64xf32>
  }

  // A 3x3 NCHW convolution, 8 -> 16 channels, 8x8 output: the result is
  // contiguous along the output columns, so the tile is a box of rows x
  // columns, stored transposed (a [w x 8] shuffle, 8 * log2(8) = 24 cycles,
  // plus 8 stores per group of w pixels). With one vector (8 channels, 2 n
  // tiles), the 3x4 box (12 accumulators, 6.5 cycles a step) covers the rows
  // as 2 full tiles + a 2-row rest and the columns as 2 tiles: 4 tiles of
  // 72*6.5 + 3*32 and 2 of 72*5 + 2*32 cycles, twice: 6208 cycles, 2.069 us.
  // The best two-vector box (2x3, 6 rows) needs 6432. The whole reduction
  // stays in one tile (kc = 72): a transposed result is written only once.
  // CHECK-LABEL: func.func @conv
  // CHECK: effai.tiling = #effai.tiling<kernel = "contraction", lanes = 8, mr = [3, 4], nr = 8, kc = 72, mc = 9, nc = 16, pack_b = "compile", intensity = 12.387, bound = "compute", predicted_us = 2.069>
  func.func @conv(%x: tensor<1x8x10x10xf32>) -> tensor<1x16x8x8xf32> {
    %w = arith.constant dense<0.5> : tensor<16x8x3x3xf32>
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<1x16x8x8xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
    %c = linalg.generic {indexing_maps = [affine_map<(n, o, h, w, c, kh, kw) -> (n, c, h + kh, w + kw)>, affine_map<(n, o, h, w, c, kh, kw) -> (o, c, kh, kw)>, affine_map<(n, o, h, w, c, kh, kw) -> (n, o, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %w : tensor<1x8x10x10xf32>, tensor<16x8x3x3xf32>) outs(%f : tensor<1x16x8x8xf32>) {
    ^bb0(%in: f32, %wt: f32, %acc: f32):
      %p = arith.mulf %in, %wt : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
    } -> tensor<1x16x8x8xf32>
    return %c : tensor<1x16x8x8xf32>
  }

  // GEMV 1x4096x4096: 2 ops per 4 weight bytes, intensity 0.5, far below the
  // DRAM balance (96 GOP/s / 15 GB/s = 6.4): bound by DRAM, 64 MiB / 15 GB/s
  // = 4476 us. One row: eight vectors (latency-bound at 5 cycles a step
  // either way), no k blocking (no second row tile would reuse a panel). Two
  // threads reach the shared 25 GB/s (2687.7 us); more cannot go faster.
  // CHECK-LABEL: func.func @gemv
  // CHECK: mr = [1], nr = 64, kc = 4096, mc = 1, nc = 64, pack_b = "compile", intensity = 0.5, bound = "DRAM", predicted_us = 4476.109>
  // THREADS-LABEL: func.func @gemv
  // THREADS: threads = 2, parallel = "n", intensity = 0.5, bound = "DRAM", predicted_us = 2687.665>
  func.func @gemv(%x: tensor<1x4096xf32>) -> tensor<1x4096xf32> {
    %w = arith.constant dense<0.5> : tensor<4096x4096xf32>
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<1x4096xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4096xf32>) -> tensor<1x4096xf32>
    %c = linalg.matmul ins(%x, %w : tensor<1x4096xf32>, tensor<4096x4096xf32>) outs(%f : tensor<1x4096xf32>) -> tensor<1x4096xf32>
    return %c : tensor<1x4096xf32>
  }

  // The elementwise consumer of a contraction is its epilogue (marked on
  // both ops; the consumer gets no loops of its own). A consumer of two
  // contractions is fused into the one with more work (the 32-deep one);
  // the other stores its result. Each tiled contraction gets its own zero
  // fill, and each fill and the fused consumer an empty tensor of its own
  // (CSE shared one: bufferization could then give the consumer a buffer
  // its contraction still reads). Other ops get loop records: this add
  // moves 3 x 2 KiB through L1 at 190 GB/s, 0.032 us.
  // CHECK-LABEL: func.func @epilogues
  // CHECK: tensor.empty
  // CHECK: %[[E1:.*]] = tensor.empty
  // CHECK-NEXT: %[[FILL1:.*]] = linalg.fill {{.*}}outs(%[[E1]] :
  // CHECK-NEXT: %[[E2:.*]] = tensor.empty
  // CHECK-NEXT: %[[FILL2:.*]] = linalg.fill {{.*}}outs(%[[E2]] :
  // CHECK: %[[SMALL:.*]] = linalg.matmul {effai.tiling = #effai.tiling<kernel = "contraction", {{.*}}pack_b = "compile", intensity
  // CHECK-NOT: epilogue = true
  // CHECK: %[[BIG:.*]] = linalg.matmul {effai.tiling = #effai.tiling<kernel = "contraction", {{.*}}epilogue = true
  // CHECK: %[[E3:.*]] = tensor.empty
  // CHECK: linalg.generic {{.*}}ins(%[[SMALL]], %[[BIG]] : {{.*}}outs(%[[E3]] : {{.*}} attrs =  {effai.epilogue}
  // CHECK: linalg.generic {{.*}}effai.tiling = #effai.tiling<kernel = "elementwise", lanes = 8, intensity = 0.083, bound = "L1", predicted_us = 0.032>
  func.func @epilogues(%a: tensor<16x8xf32>, %b: tensor<16x32xf32>, %x: tensor<16x32xf32>) -> tensor<16x32xf32> {
    %w1 = arith.constant dense<0.5> : tensor<8x32xf32>
    %w2 = arith.constant dense<0.25> : tensor<32x32xf32>
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<16x32xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<16x32xf32>) -> tensor<16x32xf32>
    %c1 = linalg.matmul ins(%a, %w1 : tensor<16x8xf32>, tensor<8x32xf32>) outs(%f : tensor<16x32xf32>) -> tensor<16x32xf32>
    %c2 = linalg.matmul ins(%b, %w2 : tensor<16x32xf32>, tensor<32x32xf32>) outs(%f : tensor<16x32xf32>) -> tensor<16x32xf32>
    %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%c1, %c2 : tensor<16x32xf32>, tensor<16x32xf32>) outs(%e : tensor<16x32xf32>) {
    ^bb0(%p: f32, %q: f32, %o: f32):
      %s = arith.addf %p, %q : f32
      %m = arith.maxnumf %s, %zero : f32
      linalg.yield %m : f32
    } -> tensor<16x32xf32>
    %y = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%r, %x : tensor<16x32xf32>, tensor<16x32xf32>) outs(%e : tensor<16x32xf32>) {
    ^bb0(%p: f32, %q: f32, %o: f32):
      %s = arith.addf %p, %q : f32
      linalg.yield %s : f32
    } -> tensor<16x32xf32>
    return %y : tensor<16x32xf32>
  }

  // A masked_fill (Where on an i1 mask) is no epilogue: an i1 buffer holds
  // a byte per element, a vector<8xi1> load reads 8 bits.
  // CHECK-LABEL: func.func @mask_is_no_epilogue
  // CHECK: linalg.matmul {effai.tiling = #effai.tiling<kernel = "contraction",
  // CHECK-NOT: epilogue = true
  // CHECK-NOT: effai.epilogue
  // CHECK: linalg.generic {{.*}}effai.tiling = #effai.tiling<kernel = "elementwise"
  func.func @mask_is_no_epilogue(%b: tensor<16x32xf32>, %mask: tensor<16x32xi1>) -> tensor<16x32xf32> {
    %w2 = arith.constant dense<0.25> : tensor<32x32xf32>
    %zero = arith.constant 0.0 : f32
    %ninf = arith.constant 0xFF800000 : f32
    %e = tensor.empty() : tensor<16x32xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<16x32xf32>) -> tensor<16x32xf32>
    %c = linalg.matmul ins(%b, %w2 : tensor<16x32xf32>, tensor<32x32xf32>) outs(%f : tensor<16x32xf32>) -> tensor<16x32xf32>
    %y = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%mask, %c : tensor<16x32xi1>, tensor<16x32xf32>) outs(%e : tensor<16x32xf32>) {
    ^bb0(%m: i1, %p: f32, %o: f32):
      %s = arith.select %m, %ninf, %p : f32
      linalg.yield %s : f32
    } -> tensor<16x32xf32>
    return %y : tensor<16x32xf32>
  }
}

// -----
// The GEMM above on integers (centred i32 activations, i8 weight codes): a
// vector MAC is a multiply and an add, issued at the int32 peak, so it
// costs fp32 / int32 = 96 / 48 = 2 FMA slots: r x v accumulators take
// r * v * 2 / 2 cycles a step, above the loads and the latency for every
// 12-accumulator tile. 12x8 and 6x16 tie at 64 tiles x (512 * 12 + 12)
// = 393984 cycles; the first (one vector) is kept. kc = 512 (80 bytes a
// 12-cycle step: the L2 feeds it), mc = 114688 / 2048 = 56 -> 48; A packing 49152 cycles: 443136 / 3 GHz = 147.712 us.
#target = #effai.target<name = "test-avx2", kind = cpu,
    triple = "x86_64-unknown-linux-gnu", cpu = "haswell",
    features = ["avx", "avx2", "fma"], vector_bits = 256,
    vector_registers = 16, fma_latency = 5, fma_per_cycle = 2,
    loads_per_cycle = 2, clock_ghz = 3.0, cores = 4,
    peaks = <fp32 = 96.0, bf16 = 0.0, int8 = 96.0, int32 = 48.0>,
    memory = [#effai.memory<name = "L1", size = 32768, line = 64, ways = 8, shared_by = 1, bandwidth = 190.0, shared_bandwidth = 190.0>,
              #effai.memory<name = "L2", size = 262144, line = 64, ways = 8, shared_by = 1, bandwidth = 90.0, shared_bandwidth = 90.0>,
              #effai.memory<name = "L3", size = 8388608, line = 64, ways = 16, shared_by = 4, bandwidth = 40.0, shared_bandwidth = 120.0>,
              #effai.memory<name = "DRAM", size = 17179869184, line = 64, ways = 0, shared_by = 4, bandwidth = 15.0, shared_bandwidth = 25.0>],
    fork_join_us = 2.0>
module attributes {effai.target = #target} {
  // CHECK-LABEL: func.func @integer_gemm
  // CHECK: linalg.generic {{.*}}effai.tiling = #effai.tiling<kernel = "contraction", lanes = 8, mr = [12], nr = 8, kc = 512, mc = 48, nc = 64, pack_a = true, pack_b = "compile", intensity = 24.774, bound = "compute", predicted_us = 147.712>
  func.func @integer_gemm(%a: tensor<96x512xi32>) -> tensor<96x64xi32> {
    %bb = arith.constant dense<3> : tensor<512x64xi8>
    %zero = arith.constant 0 : i32
    %e = tensor.empty() : tensor<96x64xi32>
    %f = linalg.fill ins(%zero : i32) outs(%e : tensor<96x64xi32>) -> tensor<96x64xi32>
    %c = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %bb : tensor<96x512xi32>, tensor<512x64xi8>) outs(%f : tensor<96x64xi32>) {
    ^bb0(%x: i32, %w: i8, %acc: i32):
      %wide = arith.extsi %w : i8 to i32
      %p = arith.muli %x, %wide : i32
      %s = arith.addi %acc, %p : i32
      linalg.yield %s : i32
    } -> tensor<96x64xi32>
    return %c : tensor<96x64xi32>
  }
}

// -----
// Threads split the leading parallel loops together: with batch 1 the
// channels and rows of this add give 256 x 64 iterations to share. It
// moves 3 x 4 MiB (more than a core's 1.97 MB share of 15/16 of L3) from
// DRAM: 12582912 B / 15 GB/s = 838.9 us on one core; two reach the shared
// 25 GB/s: 503.316 us + 2 us fork/join = 505.316 (rounded to 3 places); more cores add nothing.
#target = #effai.target<name = "test-avx2", kind = cpu,
    triple = "x86_64-unknown-linux-gnu", cpu = "haswell",
    features = ["avx", "avx2", "fma"], vector_bits = 256,
    vector_registers = 16, fma_latency = 5, fma_per_cycle = 2,
    loads_per_cycle = 2, clock_ghz = 3.0, cores = 4,
    peaks = <fp32 = 96.0, bf16 = 0.0, int8 = 96.0, int32 = 48.0>,
    memory = [#effai.memory<name = "L1", size = 32768, line = 64, ways = 8, shared_by = 1, bandwidth = 190.0, shared_bandwidth = 190.0>,
              #effai.memory<name = "L2", size = 262144, line = 64, ways = 8, shared_by = 1, bandwidth = 90.0, shared_bandwidth = 90.0>,
              #effai.memory<name = "L3", size = 8388608, line = 64, ways = 16, shared_by = 4, bandwidth = 40.0, shared_bandwidth = 120.0>,
              #effai.memory<name = "DRAM", size = 17179869184, line = 64, ways = 0, shared_by = 4, bandwidth = 15.0, shared_bandwidth = 25.0>],
    fork_join_us = 2.0>
module attributes {effai.target = #target} {
  // CHECK-LABEL: func.func @batch_one
  // CHECK: effai.tiling = #effai.tiling<kernel = "elementwise", lanes = 8, intensity = 0.083, bound = "DRAM", predicted_us = 838.861>
  // THREADS-LABEL: func.func @batch_one
  // THREADS: effai.tiling = #effai.tiling<kernel = "elementwise", lanes = 8, threads = 2, parallel = "batch", intensity = 0.083, bound = "DRAM", predicted_us = 505.316>
  func.func @batch_one(%a: tensor<1x256x64x64xf32>, %b: tensor<1x256x64x64xf32>) -> tensor<1x256x64x64xf32> {
    %e = tensor.empty() : tensor<1x256x64x64xf32>
    %r = linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%a, %b : tensor<1x256x64x64xf32>, tensor<1x256x64x64xf32>) outs(%e : tensor<1x256x64x64xf32>) {
    ^bb0(%p: f32, %q: f32, %o: f32):
      %s = arith.addf %p, %q : f32
      linalg.yield %s : f32
    } -> tensor<1x256x64x64xf32>
    return %r : tensor<1x256x64x64xf32>
  }
}

// -----
// expected-error @+1 {{effai-select-tiling: the module has no #effai.target (run effai-set-target first)}}
module {
  func.func @none() { return }
}

// -----
// u8 activations x i8 codes -> i32 on an AVX-512 VNNI core (fp32 192,
// int8 768, int32 96 GOPS): a vpdpbusd sums 4 products per lane in one FMA
// slot (4 * 192 / 768), where an i32 multiply-add costs 2 (192 / 96). The
// 3x3 convolution groups its filter columns (contiguous in the input, 3
// rounded up to 4): 16 * 3 * 1 = 48 dot steps instead of 144 MAC steps, and
// takes dot = 4. It may only while the last group's four-byte read stays
// in the input: 11 columns hold output column 7's filter columns 7..10; 10
// do not, and the same convolution keeps multiply-adds. A linear layer
// groups k: K = 32 does, K = 30 (k 28..31 would read past the row) does not.
// CHECK-LABEL: func.func @dot_conv
// CHECK: effai.tiling = #effai.tiling<kernel = "contraction", lanes = 16, mr = [1, 8], nr = 32, dot = 4, kc = 144, mc = 8, nc = 32, pack_b = "compile", intensity = 40.51, bound = "compute", predicted_us = 1.451>
// CHECK-LABEL: func.func @no_slack
// CHECK: effai.tiling = #effai.tiling<kernel = "contraction", lanes = 16, mr = [2, 8], nr = 16, kc = 144, mc = 8, nc = 32, pack_b = "compile", intensity = 40.96, bound = "compute", predicted_us = 6.571>
// An integer contraction fuses its dequantizing (i32 -> f32) consumer
// like a float one fuses its bias: same shape, elementwise body.
// CHECK-LABEL: func.func @dequantized
// CHECK: linalg.generic {{.*}}effai.tiling = #effai.tiling<kernel = "contraction", {{.*}}dot = 4, {{.*}}epilogue = true
// CHECK: linalg.generic {{.*}}ins(%{{.*}} : tensor<8x64xi32>) outs(%{{.*}} : tensor<8x64xf32>) attrs =  {effai.epilogue}
// CHECK-LABEL: func.func @linear
// CHECK: effai.tiling = #effai.tiling<kernel = "contraction", {{.*}}nr = 64, dot = 4, kc = 32,
// CHECK: effai.tiling = #effai.tiling<kernel = "contraction", {{.*}}nr = 64, kc = 30,
#vnni = #effai.target<name = "test-avx512-vnni", kind = cpu,
    triple = "x86_64-unknown-linux-gnu", cpu = "icelake-server",
    features = ["avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512vnni"],
    vector_bits = 512, vector_registers = 32, fma_latency = 4,
    fma_per_cycle = 2, loads_per_cycle = 2, clock_ghz = 3.0, cores = 4,
    peaks = <fp32 = 192.0, bf16 = 0.0, int8 = 768.0, int32 = 96.0>,
    memory = [#effai.memory<name = "L1", size = 49152, line = 64, ways = 12, shared_by = 1, bandwidth = 380.0, shared_bandwidth = 380.0>,
              #effai.memory<name = "L2", size = 1048576, line = 64, ways = 16, shared_by = 1, bandwidth = 96.0, shared_bandwidth = 96.0>,
              #effai.memory<name = "L3", size = 8388608, line = 64, ways = 16, shared_by = 4, bandwidth = 36.0, shared_bandwidth = 120.0>,
              #effai.memory<name = "DRAM", size = 17179869184, line = 64, ways = 0, shared_by = 4, bandwidth = 15.0, shared_bandwidth = 25.0>],
    fork_join_us = 2.0>
#conv_in = affine_map<(n, o, h, w, c, kh, kw) -> (n, c, h + kh, w + kw)>
#conv_w = affine_map<(n, o, h, w, c, kh, kw) -> (o, c, kh, kw)>
#conv_out = affine_map<(n, o, h, w, c, kh, kw) -> (n, o, h, w)>
module attributes {effai.target = #vnni} {
  func.func @dot_conv(%x: tensor<1x16x10x11xi8>) -> tensor<1x32x8x8xi32> {
    %w = arith.constant dense<3> : tensor<32x16x3x3xi8>
    %zero = arith.constant 0 : i32
    %e = tensor.empty() : tensor<1x32x8x8xi32>
    %f = linalg.fill ins(%zero : i32) outs(%e : tensor<1x32x8x8xi32>) -> tensor<1x32x8x8xi32>
    %y = linalg.generic {indexing_maps = [#conv_in, #conv_w, #conv_out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %w : tensor<1x16x10x11xi8>, tensor<32x16x3x3xi8>) outs(%f : tensor<1x32x8x8xi32>) {
    ^bb0(%a: i8, %b: i8, %acc: i32):
      %a32 = arith.extui %a : i8 to i32
      %b32 = arith.extsi %b : i8 to i32
      %p = arith.muli %a32, %b32 : i32
      %s = arith.addi %acc, %p : i32
      linalg.yield %s : i32
    } -> tensor<1x32x8x8xi32>
    return %y : tensor<1x32x8x8xi32>
  }
  func.func @no_slack(%x: tensor<1x16x10x10xi8>) -> tensor<1x32x8x8xi32> {
    %w = arith.constant dense<3> : tensor<32x16x3x3xi8>
    %zero = arith.constant 0 : i32
    %e = tensor.empty() : tensor<1x32x8x8xi32>
    %f = linalg.fill ins(%zero : i32) outs(%e : tensor<1x32x8x8xi32>) -> tensor<1x32x8x8xi32>
    %y = linalg.generic {indexing_maps = [#conv_in, #conv_w, #conv_out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %w : tensor<1x16x10x10xi8>, tensor<32x16x3x3xi8>) outs(%f : tensor<1x32x8x8xi32>) {
    ^bb0(%a: i8, %b: i8, %acc: i32):
      %a32 = arith.extui %a : i8 to i32
      %b32 = arith.extsi %b : i8 to i32
      %p = arith.muli %a32, %b32 : i32
      %s = arith.addi %acc, %p : i32
      linalg.yield %s : i32
    } -> tensor<1x32x8x8xi32>
    return %y : tensor<1x32x8x8xi32>
  }
  func.func @dequantized(%x: tensor<8x32xi8>) -> tensor<8x64xf32> {
    %w = arith.constant dense<3> : tensor<32x64xi8>
    %zero = arith.constant 0 : i32
    %scale = arith.constant 0.25 : f32
    %e = tensor.empty() : tensor<8x64xi32>
    %f = linalg.fill ins(%zero : i32) outs(%e : tensor<8x64xi32>) -> tensor<8x64xi32>
    %y = linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>, affine_map<(m, k, n) -> (k, n)>, affine_map<(m, k, n) -> (m, n)>], iterator_types = ["parallel", "reduction", "parallel"]} ins(%x, %w : tensor<8x32xi8>, tensor<32x64xi8>) outs(%f : tensor<8x64xi32>) {
    ^bb0(%a: i8, %b: i8, %acc: i32):
      %a32 = arith.extui %a : i8 to i32
      %b32 = arith.extsi %b : i8 to i32
      %p = arith.muli %a32, %b32 : i32
      %s = arith.addi %acc, %p : i32
      linalg.yield %s : i32
    } -> tensor<8x64xi32>
    %ef = tensor.empty() : tensor<8x64xf32>
    %d = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%y : tensor<8x64xi32>) outs(%ef : tensor<8x64xf32>) {
    ^bb0(%v: i32, %o: f32):
      %real = arith.sitofp %v : i32 to f32
      %r = arith.mulf %real, %scale : f32
      linalg.yield %r : f32
    } -> tensor<8x64xf32>
    return %d : tensor<8x64xf32>
  }
  func.func @linear(%x: tensor<8x32xi8>, %x2: tensor<8x30xi8>) -> (tensor<8x64xi32>, tensor<8x64xi32>) {
    %w = arith.constant dense<3> : tensor<32x64xi8>
    %w2 = arith.constant dense<3> : tensor<30x64xi8>
    %zero = arith.constant 0 : i32
    %e = tensor.empty() : tensor<8x64xi32>
    %f = linalg.fill ins(%zero : i32) outs(%e : tensor<8x64xi32>) -> tensor<8x64xi32>
    %y = linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>, affine_map<(m, k, n) -> (k, n)>, affine_map<(m, k, n) -> (m, n)>], iterator_types = ["parallel", "reduction", "parallel"]} ins(%x, %w : tensor<8x32xi8>, tensor<32x64xi8>) outs(%f : tensor<8x64xi32>) {
    ^bb0(%a: i8, %b: i8, %acc: i32):
      %a32 = arith.extui %a : i8 to i32
      %b32 = arith.extsi %b : i8 to i32
      %p = arith.muli %a32, %b32 : i32
      %s = arith.addi %acc, %p : i32
      linalg.yield %s : i32
    } -> tensor<8x64xi32>
    %f2 = linalg.fill ins(%zero : i32) outs(%e : tensor<8x64xi32>) -> tensor<8x64xi32>
    %y2 = linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>, affine_map<(m, k, n) -> (k, n)>, affine_map<(m, k, n) -> (m, n)>], iterator_types = ["parallel", "reduction", "parallel"]} ins(%x2, %w2 : tensor<8x30xi8>, tensor<30x64xi8>) outs(%f2 : tensor<8x64xi32>) {
    ^bb0(%a: i8, %b: i8, %acc: i32):
      %a32 = arith.extui %a : i8 to i32
      %b32 = arith.extsi %b : i8 to i32
      %p = arith.muli %a32, %b32 : i32
      %s = arith.addi %acc, %p : i32
      linalg.yield %s : i32
    } -> tensor<8x64xi32>
    return %y, %y2 : tensor<8x64xi32>, tensor<8x64xi32>
  }
}

// -----
// A contraction whose tiling is given (by hand, or by an earlier run) keeps
// it, and still gets a zero fill of its own: CSE had shared one between the
// two matmuls, which would leave neither kernel a fill to start from.
// CHECK-LABEL: func.func @given_tiling
// CHECK: %[[FILL1:.*]] = linalg.fill
// CHECK: %[[FILL2:.*]] = linalg.fill
// CHECK: linalg.matmul {effai.tiling = #effai.tiling<kernel = "contraction", lanes = 8, mr = [4], nr = 16, kc = 64, mc = 16, nc = 16, pack_b = "compile", intensity = 1.0, bound = "compute", predicted_us = 1.0>} ins({{.*}}) outs(%[[FILL2]] :
// CHECK: linalg.matmul {effai.tiling = #effai.tiling<kernel = "contraction"{{.*}}} ins({{.*}}) outs(%[[FILL1]] :
#target = #effai.target<name = "test-avx2", kind = cpu,
    triple = "x86_64-unknown-linux-gnu", cpu = "haswell",
    features = ["avx", "avx2", "fma"], vector_bits = 256,
    vector_registers = 16, fma_latency = 5, fma_per_cycle = 2,
    loads_per_cycle = 2, clock_ghz = 3.0, cores = 4,
    peaks = <fp32 = 96.0, bf16 = 0.0, int8 = 96.0, int32 = 48.0>,
    memory = [#effai.memory<name = "L1", size = 32768, line = 64, ways = 8, shared_by = 1, bandwidth = 190.0, shared_bandwidth = 190.0>,
              #effai.memory<name = "DRAM", size = 17179869184, line = 64, ways = 0, shared_by = 4, bandwidth = 15.0, shared_bandwidth = 25.0>],
    fork_join_us = 2.0>
module attributes {effai.target = #target} {
  func.func @given_tiling(%a: tensor<16x64xf32>, %b: tensor<16x64xf32>) -> (tensor<16x16xf32>, tensor<16x16xf32>) {
    %w = arith.constant dense<0.5> : tensor<64x16xf32>
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<16x16xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<16x16xf32>) -> tensor<16x16xf32>
    %c1 = linalg.matmul {effai.tiling = #effai.tiling<kernel = "contraction", lanes = 8, mr = [4], nr = 16, kc = 64, mc = 16, nc = 16, pack_b = "compile", intensity = 1.0, bound = "compute", predicted_us = 1.0>} ins(%a, %w : tensor<16x64xf32>, tensor<64x16xf32>) outs(%f : tensor<16x16xf32>) -> tensor<16x16xf32>
    %c2 = linalg.matmul ins(%b, %w : tensor<16x64xf32>, tensor<64x16xf32>) outs(%f : tensor<16x16xf32>) -> tensor<16x16xf32>
    return %c1, %c2 : tensor<16x16xf32>, tensor<16x16xf32>
  }
}

// -----
// The output transform of a Winograd convolution (effai-winograd-conv): two
// n dims (the 2x2 pixels of a tile), so no register-blocked kernel, and a
// constant second input of 64 coefficients: the `unrolled` kernel, which
// folds them into additions.
#target = #effai.target<name = "test-avx2", kind = cpu,
    triple = "x86_64-unknown-linux-gnu", cpu = "haswell",
    features = ["avx", "avx2", "fma"], vector_bits = 256,
    vector_registers = 16, fma_latency = 5, fma_per_cycle = 2,
    loads_per_cycle = 2, clock_ghz = 3.0, cores = 4,
    peaks = <fp32 = 96.0, bf16 = 0.0, int8 = 96.0, int32 = 48.0>,
    memory = [#effai.memory<name = "L1", size = 32768, line = 64, ways = 8, shared_by = 1, bandwidth = 190.0, shared_bandwidth = 190.0>,
              #effai.memory<name = "L2", size = 262144, line = 64, ways = 8, shared_by = 1, bandwidth = 90.0, shared_bandwidth = 90.0>,
              #effai.memory<name = "L3", size = 8388608, line = 64, ways = 16, shared_by = 4, bandwidth = 40.0, shared_bandwidth = 120.0>,
              #effai.memory<name = "DRAM", size = 17179869184, line = 64, ways = 0, shared_by = 4, bandwidth = 15.0, shared_bandwidth = 25.0>],
    fork_join_us = 2.0>
// CHECK-LABEL: func.func @output_transform
// CHECK: linalg.generic {{.+}}effai.tiling = #effai.tiling<kernel = "unrolled", lanes = 8, intensity = 1.532, bound = "compute", predicted_us = 0.192>
module attributes {effai.target = #target} {
  func.func @output_transform(%m: tensor<4x4x8x3x3xf32>) -> tensor<8x3x2x3x2xf32> {
    %aa = arith.constant dense<0.5> : tensor<4x4x2x2xf32>
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<8x3x2x3x2xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<8x3x2x3x2xf32>) -> tensor<8x3x2x3x2xf32>
    %y = linalg.generic {indexing_maps = [
        affine_map<(o, th, tw, i, j, a, b) -> (a, b, o, th, tw)>,
        affine_map<(o, th, tw, i, j, a, b) -> (a, b, i, j)>,
        affine_map<(o, th, tw, i, j, a, b) -> (o, th, i, tw, j)>],
        iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
        ins(%m, %aa : tensor<4x4x8x3x3xf32>, tensor<4x4x2x2xf32>) outs(%f : tensor<8x3x2x3x2xf32>) {
    ^bb0(%in: f32, %c: f32, %out: f32):
      %p = arith.mulf %in, %c : f32
      %s = arith.addf %out, %p : f32
      linalg.yield %s : f32
    } -> tensor<8x3x2x3x2xf32>
    return %y : tensor<8x3x2x3x2xf32>
  }
}

// -----
// Weight-only int4 (i8 codes in [-8, 7]) on an AVX-512 core with a 15
// GB/s DRAM. At batch 1 the 1024x4096 layer streams its weight: as bytes,
// 4194304 + 20480 B of x and y = 280.986 us; packed two to a byte
// (b_bits = 4) 2097152 + 20480 B = 141.175 us, while its compute, 8 tiles
// x 4096 steps x (8 FMAs + 8 x 0.5 decode ops: the lookups replace the
// conversion, the high nibble adds a shift) / 2 ports = 6 cycles, is 65.5
// us. At batch 64 the layer is compute-bound and the decode only adds:
// the codes stay a byte each. Ternary codes (1) fit 2 bits, four to a
// byte: 1048576 + 20480 B = 71.27 us. Codes that do not fit 4 bits (9)
// are never packed.
#target = #effai.target<name = "test-avx512", kind = cpu,
    triple = "x86_64-unknown-linux-gnu", cpu = "skylake-avx512",
    features = ["avx512f"], vector_bits = 512,
    vector_registers = 32, fma_latency = 4, fma_per_cycle = 2,
    loads_per_cycle = 2, clock_ghz = 3.0, cores = 1,
    peaks = <fp32 = 192.0, bf16 = 0.0, int8 = 0.0, int32 = 96.0>,
    memory = [#effai.memory<name = "L1", size = 49152, line = 64, ways = 12, shared_by = 1, bandwidth = 380.0, shared_bandwidth = 380.0>,
              #effai.memory<name = "L2", size = 1048576, line = 64, ways = 16, shared_by = 1, bandwidth = 190.0, shared_bandwidth = 190.0>,
              #effai.memory<name = "L3", size = 8388608, line = 64, ways = 16, shared_by = 1, bandwidth = 60.0, shared_bandwidth = 60.0>,
              #effai.memory<name = "DRAM", size = 17179869184, line = 64, ways = 0, shared_by = 1, bandwidth = 15.0, shared_bandwidth = 15.0>],
    fork_join_us = 2.0>
module attributes {effai.target = #target} {
  // CHECK-LABEL: func.func @int4_gemv
  // CHECK: effai.tiling = #effai.tiling<kernel = "contraction", lanes = 16, mr = [1], nr = 128, kc = 4096, mc = 1, nc = 128, pack_b = "compile", b_bits = 4, intensity = 3.961, bound = "DRAM", predicted_us = 141.175>
  // CHECK-LABEL: func.func @int4_batch
  // CHECK: effai.tiling = #effai.tiling<kernel = "contraction", lanes = 16, mr = [12], nr = 32, {{.*}}pack_b = "compile", intensity = 97.524, bound = "compute"
  // CHECK-LABEL: func.func @ternary_gemv
  // CHECK: effai.tiling = #effai.tiling<kernel = "contraction", lanes = 16, mr = [1], nr = 128, kc = 4096, mc = 1, nc = 128, pack_b = "compile", b_bits = 2, intensity = 7.847, bound = "DRAM", predicted_us = 71.27>
  // CHECK-LABEL: func.func @wide_codes
  // CHECK: effai.tiling = #effai.tiling<kernel = "contraction", lanes = 16, mr = [1], nr = 128, kc = 4096, mc = 1, nc = 128, pack_b = "compile", intensity = 1.99, bound = "DRAM", predicted_us = 280.986>
  func.func @int4_gemv(%x: tensor<1x4096xf32>) -> tensor<1x1024xf32> {
    %w = arith.constant dense<-3> : tensor<1024x4096xi8>
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<1x1024xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1024xf32>) -> tensor<1x1024xf32>
    %y = linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>, affine_map<(m, k, n) -> (n, k)>, affine_map<(m, k, n) -> (m, n)>], iterator_types = ["parallel", "reduction", "parallel"]} ins(%x, %w : tensor<1x4096xf32>, tensor<1024x4096xi8>) outs(%f : tensor<1x1024xf32>) {
    ^bb0(%a: f32, %b: i8, %acc: f32):
      %bf = arith.sitofp %b : i8 to f32
      %p = arith.mulf %a, %bf : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
    } -> tensor<1x1024xf32>
    return %y : tensor<1x1024xf32>
  }
  func.func @int4_batch(%x: tensor<64x4096xf32>) -> tensor<64x1024xf32> {
    %w = arith.constant dense<-3> : tensor<1024x4096xi8>
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<64x1024xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<64x1024xf32>) -> tensor<64x1024xf32>
    %y = linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>, affine_map<(m, k, n) -> (n, k)>, affine_map<(m, k, n) -> (m, n)>], iterator_types = ["parallel", "reduction", "parallel"]} ins(%x, %w : tensor<64x4096xf32>, tensor<1024x4096xi8>) outs(%f : tensor<64x1024xf32>) {
    ^bb0(%a: f32, %b: i8, %acc: f32):
      %bf = arith.sitofp %b : i8 to f32
      %p = arith.mulf %a, %bf : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
    } -> tensor<64x1024xf32>
    return %y : tensor<64x1024xf32>
  }
  func.func @ternary_gemv(%x: tensor<1x4096xf32>) -> tensor<1x1024xf32> {
    %w = arith.constant dense<1> : tensor<1024x4096xi8>
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<1x1024xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1024xf32>) -> tensor<1x1024xf32>
    %y = linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>, affine_map<(m, k, n) -> (n, k)>, affine_map<(m, k, n) -> (m, n)>], iterator_types = ["parallel", "reduction", "parallel"]} ins(%x, %w : tensor<1x4096xf32>, tensor<1024x4096xi8>) outs(%f : tensor<1x1024xf32>) {
    ^bb0(%a: f32, %b: i8, %acc: f32):
      %bf = arith.sitofp %b : i8 to f32
      %p = arith.mulf %a, %bf : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
    } -> tensor<1x1024xf32>
    return %y : tensor<1x1024xf32>
  }
  func.func @wide_codes(%x: tensor<1x4096xf32>) -> tensor<1x1024xf32> {
    %w = arith.constant dense<9> : tensor<1024x4096xi8>
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<1x1024xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1024xf32>) -> tensor<1x1024xf32>
    %y = linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>, affine_map<(m, k, n) -> (n, k)>, affine_map<(m, k, n) -> (m, n)>], iterator_types = ["parallel", "reduction", "parallel"]} ins(%x, %w : tensor<1x4096xf32>, tensor<1024x4096xi8>) outs(%f : tensor<1x1024xf32>) {
    ^bb0(%a: f32, %b: i8, %acc: f32):
      %bf = arith.sitofp %b : i8 to f32
      %p = arith.mulf %a, %bf : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
    } -> tensor<1x1024xf32>
    return %y : tensor<1x1024xf32>
  }
}
