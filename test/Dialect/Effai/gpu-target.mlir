// #effai.gpu and #effai.gpu_tiling round-trip, and every verifier error of
// them and of a GPU #effai.target.
// RUN: %effai_opt %s -split-input-file -verify-diagnostics | FileCheck %s

// CHECK: #target = #effai.target<name = "g", kind = gpu, triple = "nvptx64-nvidia-cuda", cpu = "sm_80", {{.*}}fork_join_us = 3.0, gpu = <chip = "sm_80", ptx = 80, warp_size = 32, registers_per_sm = 65536, max_registers_per_thread = 255, shared_per_sm = 167936, shared_per_block = 166912, max_threads_per_sm = 2048, max_threads_per_block = 1024, tensor_fp16 = 2888.9, tensor_bf16 = 2888.9, tensor_tf32 = 1444.4, tensor_int8 = 5777.8>>
// CHECK-LABEL: func.func private @tiling()
// CHECK-SAME: t = #effai.gpu_tiling<kernel = "contraction", block = [64, 32, 0], thread = [4, 4, 0], threads = 128, blocks = 16, intensity = 10.5, bound = "compute", predicted_us = 4.25>
// CHECK-SAME: u = #effai.gpu_tiling<kernel = "elementwise", block = [256], thread = [1], intensity = 0.125, bound = "HBM", predicted_us = 3.5>
// CHECK-SAME: v = #effai.gpu_tiling<kernel = "contraction", block = [1, 128, 0], thread = [1, 4, 0], threads = 32, blocks = 512, intensity = 0.5, bound = "HBM", predicted_us = 20.0, split_k = 16>
module attributes {effai.target = #effai.target<name = "g", kind = gpu,
    triple = "nvptx64-nvidia-cuda", cpu = "sm_80", features = ["ptx80"],
    vector_bits = 1024, vector_registers = 255, fma_latency = 4,
    fma_per_cycle = 2, loads_per_cycle = 1, clock_ghz = 1.41, cores = 108,
    peaks = <fp32 = 180.5, bf16 = 361.0, int8 = 722.0, int32 = 90.2>,
    memory = [#effai.memory<name = "shared", size = 196608, line = 128,
                            ways = 0, shared_by = 1, bandwidth = 180.5,
                            shared_bandwidth = 180.5>,
              #effai.memory<name = "HBM", size = 85899345920, line = 32,
                            ways = 0, shared_by = 108, bandwidth = 40.0,
                            shared_bandwidth = 2039.0>],
    fork_join_us = 3.0,
    gpu = <chip = "sm_80", ptx = 80, warp_size = 32,
           registers_per_sm = 65536, max_registers_per_thread = 255,
           shared_per_sm = 167936, shared_per_block = 166912,
           max_threads_per_sm = 2048, max_threads_per_block = 1024,
           tensor_fp16 = 2888.9, tensor_bf16 = 2888.9, tensor_tf32 = 1444.4,
           tensor_int8 = 5777.8>>} {
  func.func private @tiling() attributes {
      t = #effai.gpu_tiling<kernel = "contraction", block = [64, 32, 0],
          thread = [4, 4, 0], threads = 128, blocks = 16, intensity = 10.5,
          bound = "compute", predicted_us = 4.25>,
      u = #effai.gpu_tiling<kernel = "elementwise", block = [256],
          thread = [1], intensity = 0.125, bound = "HBM", predicted_us = 3.5>,
      v = #effai.gpu_tiling<kernel = "contraction", block = [1, 128, 0],
          thread = [1, 4, 0], threads = 32, blocks = 512, intensity = 0.5,
          bound = "HBM", predicted_us = 20.0, split_k = 16>}
}

// -----
// expected-error @+1 {{target 'g': a gpu target needs gpu = #effai.gpu<...>}}
func.func private @f() attributes {t = #effai.target<name = "g", kind = gpu, triple = "nvptx64-nvidia-cuda", cpu = "sm_80", features = [], vector_bits = 1024, vector_registers = 255, fma_latency = 4, fma_per_cycle = 2, loads_per_cycle = 1, clock_ghz = 1.4, cores = 108, peaks = <fp32 = 1.0, bf16 = 0.0, int8 = 0.0, int32 = 0.0>, memory = [#effai.memory<name = "HBM", size = 1024, line = 32, ways = 0, shared_by = 1, bandwidth = 1.0, shared_bandwidth = 1.0>], fork_join_us = 3.0>}

// -----
// expected-error @+1 {{target 'c': only a gpu target takes gpu parameters}}
func.func private @f() attributes {t = #effai.target<name = "c", kind = cpu, triple = "x", cpu = "c", features = [], vector_bits = 256, vector_registers = 16, fma_latency = 4, fma_per_cycle = 2, loads_per_cycle = 2, clock_ghz = 2.0, cores = 1, peaks = <fp32 = 1.0, bf16 = 0.0, int8 = 0.0, int32 = 0.0>, memory = [#effai.memory<name = "DRAM", size = 1024, line = 64, ways = 0, shared_by = 1, bandwidth = 1.0, shared_bandwidth = 1.0>], fork_join_us = 1.0, gpu = <chip = "sm_80", ptx = 80, warp_size = 32, registers_per_sm = 65536, max_registers_per_thread = 255, shared_per_sm = 1024, shared_per_block = 1024, max_threads_per_sm = 2048, max_threads_per_block = 1024, tensor_fp16 = 0.0, tensor_bf16 = 0.0, tensor_tf32 = 0.0, tensor_int8 = 0.0>>}

// -----
// expected-error @+1 {{gpu: chip must be sm_75 or newer (sm_<number>), got 'sm_70'}}
func.func private @f() attributes {g = #effai.gpu<chip = "sm_70", ptx = 80, warp_size = 32, registers_per_sm = 65536, max_registers_per_thread = 255, shared_per_sm = 1024, shared_per_block = 1024, max_threads_per_sm = 2048, max_threads_per_block = 1024, tensor_fp16 = 0.0, tensor_bf16 = 0.0, tensor_tf32 = 0.0, tensor_int8 = 0.0>}

// -----
// expected-error @+1 {{gpu: chip must be sm_75 or newer (sm_<number>), got 'gfx90a'}}
func.func private @f() attributes {g = #effai.gpu<chip = "gfx90a", ptx = 80, warp_size = 32, registers_per_sm = 65536, max_registers_per_thread = 255, shared_per_sm = 1024, shared_per_block = 1024, max_threads_per_sm = 2048, max_threads_per_block = 1024, tensor_fp16 = 0.0, tensor_bf16 = 0.0, tensor_tf32 = 0.0, tensor_int8 = 0.0>}

// -----
// expected-error @+1 {{gpu: ptx must be a PTX ISA version such as 80 (8.0), got 8}}
func.func private @f() attributes {g = #effai.gpu<chip = "sm_90a", ptx = 8, warp_size = 32, registers_per_sm = 65536, max_registers_per_thread = 255, shared_per_sm = 1024, shared_per_block = 1024, max_threads_per_sm = 2048, max_threads_per_block = 1024, tensor_fp16 = 0.0, tensor_bf16 = 0.0, tensor_tf32 = 0.0, tensor_int8 = 0.0>}

// -----
// expected-error @+1 {{gpu: warp_size must be 32, got 64}}
func.func private @f() attributes {g = #effai.gpu<chip = "sm_90", ptx = 80, warp_size = 64, registers_per_sm = 65536, max_registers_per_thread = 255, shared_per_sm = 1024, shared_per_block = 1024, max_threads_per_sm = 2048, max_threads_per_block = 1024, tensor_fp16 = 0.0, tensor_bf16 = 0.0, tensor_tf32 = 0.0, tensor_int8 = 0.0>}

// -----
// expected-error @+1 {{gpu: need 0 < shared_per_block (4096) <= shared_per_sm (1024)}}
func.func private @f() attributes {g = #effai.gpu<chip = "sm_90", ptx = 80, warp_size = 32, registers_per_sm = 65536, max_registers_per_thread = 255, shared_per_sm = 1024, shared_per_block = 4096, max_threads_per_sm = 2048, max_threads_per_block = 1024, tensor_fp16 = 0.0, tensor_bf16 = 0.0, tensor_tf32 = 0.0, tensor_int8 = 0.0>}

// -----
// expected-error @+1 {{gpu: need warp_size <= max_threads_per_block (4096) <= max_threads_per_sm (2048)}}
func.func private @f() attributes {g = #effai.gpu<chip = "sm_90", ptx = 80, warp_size = 32, registers_per_sm = 65536, max_registers_per_thread = 255, shared_per_sm = 1024, shared_per_block = 1024, max_threads_per_sm = 2048, max_threads_per_block = 4096, tensor_fp16 = 0.0, tensor_bf16 = 0.0, tensor_tf32 = 0.0, tensor_int8 = 0.0>}

// -----
// expected-error @+1 {{gpu: need 16 <= max_registers_per_thread <= registers_per_sm}}
func.func private @f() attributes {g = #effai.gpu<chip = "sm_90", ptx = 80, warp_size = 32, registers_per_sm = 65536, max_registers_per_thread = 8, shared_per_sm = 1024, shared_per_block = 1024, max_threads_per_sm = 2048, max_threads_per_block = 1024, tensor_fp16 = 0.0, tensor_bf16 = 0.0, tensor_tf32 = 0.0, tensor_int8 = 0.0>}

// -----
// expected-error @+1 {{gpu: tensor-core peaks must not be negative}}
func.func private @f() attributes {g = #effai.gpu<chip = "sm_90", ptx = 80, warp_size = 32, registers_per_sm = 65536, max_registers_per_thread = 255, shared_per_sm = 1024, shared_per_block = 1024, max_threads_per_sm = 2048, max_threads_per_block = 1024, tensor_fp16 = -1.0, tensor_bf16 = 0.0, tensor_tf32 = 0.0, tensor_int8 = 0.0>}

// -----
// expected-error @+1 {{gpu_tiling: unknown kernel 'gemm' (expected contraction, mma, elementwise, reduction or loops)}}
func.func private @f() attributes {t = #effai.gpu_tiling<kernel = "gemm", block = [1], thread = [1], intensity = 1.0, bound = "compute", predicted_us = 1.0>}

// -----
// expected-error @+1 {{gpu_tiling: an mma tiling has whole warps (threads a multiple of 32) and no split_k}}
func.func private @f() attributes {t = #effai.gpu_tiling<kernel = "mma", block = [32, 16, 0], thread = [16, 8, 0], threads = 48, intensity = 1.0, bound = "compute", predicted_us = 1.0>}

// -----
// expected-error @+1 {{gpu_tiling: an mma tiling has whole warps (threads a multiple of 32) and no split_k}}
func.func private @f() attributes {t = #effai.gpu_tiling<kernel = "mma", block = [32, 16, 0], thread = [16, 8, 0], threads = 128, intensity = 1.0, bound = "compute", predicted_us = 1.0, split_k = 2>}

// -----
// Shared-memory staging is for contractions whose reduction is whole in
// each block.
// expected-error @+1 {{gpu_tiling: stage_k (shared-memory chunks of the reduction) is for contractions without split_k}}
func.func private @f() attributes {t = #effai.gpu_tiling<kernel = "contraction", block = [32, 16, 0], thread = [4, 4, 0], threads = 32, intensity = 1.0, bound = "compute", predicted_us = 1.0, split_k = 2, stage_k = 16>}

// -----
// expected-error @+1 {{gpu_tiling: stage_k (shared-memory chunks of the reduction) is for contractions without split_k}}
func.func private @f() attributes {t = #effai.gpu_tiling<kernel = "loops", block = [32, 16], thread = [1, 1], threads = 512, intensity = 1.0, bound = "compute", predicted_us = 1.0, stage_k = 16>}

// -----
// expected-error @+1 {{gpu_tiling: block has 2 entries but thread has 1}}
func.func private @f() attributes {t = #effai.gpu_tiling<kernel = "loops", block = [1, 2], thread = [1], intensity = 1.0, bound = "compute", predicted_us = 1.0>}

// -----
// expected-error @+1 {{gpu_tiling: thread tile 3 does not divide block tile 8}}
func.func private @f() attributes {t = #effai.gpu_tiling<kernel = "loops", block = [8], thread = [3], intensity = 1.0, bound = "compute", predicted_us = 1.0>}

// -----
// expected-error @+1 {{gpu_tiling: block and thread tiles must be positive, or both 0 for a loop left whole}}
func.func private @f() attributes {t = #effai.gpu_tiling<kernel = "loops", block = [8, 0], thread = [1, 1], intensity = 1.0, bound = "compute", predicted_us = 1.0>}

// -----
// expected-error @+1 {{gpu_tiling: threads and blocks must be positive}}
func.func private @f() attributes {t = #effai.gpu_tiling<kernel = "loops", block = [8], thread = [1], threads = 0, intensity = 1.0, bound = "compute", predicted_us = 1.0>}

// -----
// expected-error @+1 {{gpu_tiling: split_k must be at least 1}}
func.func private @f() attributes {t = #effai.gpu_tiling<kernel = "contraction", block = [8, 0], thread = [1, 0], intensity = 1.0, bound = "compute", predicted_us = 1.0, split_k = 0>}

// -----
// expected-error @+1 {{gpu_tiling: bound must name a roof}}
func.func private @f() attributes {t = #effai.gpu_tiling<kernel = "loops", block = [8], thread = [1], intensity = 1.0, bound = "", predicted_us = 1.0>}
