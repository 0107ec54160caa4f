// Every verifier error of the machine-model and tiling attributes.
// RUN: %effai_opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{memory level 'L1': line must be a positive power of two, got 48}}
func.func private @f() attributes {m = #effai.memory<name = "L1", size = 1024, line = 48, ways = 8, shared_by = 1, bandwidth = 1.0, shared_bandwidth = 1.0>}

// -----
// expected-error @+1 {{memory level 'L2': size must be positive, got 0}}
func.func private @f() attributes {m = #effai.memory<name = "L2", size = 0, line = 64, ways = 8, shared_by = 1, bandwidth = 1.0, shared_bandwidth = 1.0>}

// -----
// expected-error @+1 {{memory level 'L3': shared_bandwidth (1.0 GB/s) is below one core's bandwidth (2.0 GB/s)}}
func.func private @f() attributes {m = #effai.memory<name = "L3", size = 1024, line = 64, ways = 8, shared_by = 2, bandwidth = 2.0, shared_bandwidth = 1.0>}

// -----
// expected-error @+1 {{memory level 'L1': shared_by must be >= 1, got 0}}
func.func private @f() attributes {m = #effai.memory<name = "L1", size = 1024, line = 64, ways = 8, shared_by = 0, bandwidth = 1.0, shared_bandwidth = 1.0>}

// -----
// expected-error @+1 {{peaks: fp32 must be positive, got 0.0}}
func.func private @f() attributes {p = #effai.peaks<fp32 = 0.0, bf16 = 0.0, int8 = 1.0, int32 = 1.0>}

// -----
// expected-error @+1 {{target 't': vector_bits must be a positive multiple of 32, got 100}}
func.func private @f() attributes {t = #effai.target<name = "t", kind = cpu, triple = "x", cpu = "c", features = [], vector_bits = 100, vector_registers = 16, fma_latency = 4, fma_per_cycle = 2, loads_per_cycle = 2, clock_ghz = 2.0, cores = 1, peaks = <fp32 = 1.0, bf16 = 0.0, int8 = 0.0, int32 = 0.0>, memory = [#effai.memory<name = "DRAM", size = 1024, line = 64, ways = 0, shared_by = 1, bandwidth = 1.0, shared_bandwidth = 1.0>], fork_join_us = 1.0>}

// -----
// expected-error @+1 {{target 't': memory needs at least main memory}}
func.func private @f() attributes {t = #effai.target<name = "t", kind = cpu, triple = "x", cpu = "c", features = [], vector_bits = 256, vector_registers = 16, fma_latency = 4, fma_per_cycle = 2, loads_per_cycle = 2, clock_ghz = 2.0, cores = 1, peaks = <fp32 = 1.0, bf16 = 0.0, int8 = 0.0, int32 = 0.0>, memory = [], fork_join_us = 1.0>}

// -----
// expected-error @+1 {{target 't': memory level 'L2' (1024 bytes) must be larger than 'L1' (2048 bytes)}}
func.func private @f() attributes {t = #effai.target<name = "t", kind = cpu, triple = "x", cpu = "c", features = [], vector_bits = 256, vector_registers = 16, fma_latency = 4, fma_per_cycle = 2, loads_per_cycle = 2, clock_ghz = 2.0, cores = 1, peaks = <fp32 = 1.0, bf16 = 0.0, int8 = 0.0, int32 = 0.0>, memory = [#effai.memory<name = "L1", size = 2048, line = 64, ways = 8, shared_by = 1, bandwidth = 4.0, shared_bandwidth = 4.0>, #effai.memory<name = "L2", size = 1024, line = 64, ways = 8, shared_by = 1, bandwidth = 2.0, shared_bandwidth = 2.0>], fork_join_us = 1.0>}

// -----
// expected-error @+1 {{target 't': memory level 'L2' is faster (8.0 GB/s) than 'L1' (4.0 GB/s)}}
func.func private @f() attributes {t = #effai.target<name = "t", kind = cpu, triple = "x", cpu = "c", features = [], vector_bits = 256, vector_registers = 16, fma_latency = 4, fma_per_cycle = 2, loads_per_cycle = 2, clock_ghz = 2.0, cores = 1, peaks = <fp32 = 1.0, bf16 = 0.0, int8 = 0.0, int32 = 0.0>, memory = [#effai.memory<name = "L1", size = 1024, line = 64, ways = 8, shared_by = 1, bandwidth = 4.0, shared_bandwidth = 4.0>, #effai.memory<name = "L2", size = 2048, line = 64, ways = 8, shared_by = 1, bandwidth = 8.0, shared_bandwidth = 8.0>], fork_join_us = 1.0>}

// -----
// expected-error @+1 {{target 't': memory level 'DRAM' is shared by 8 cores but the target has 4}}
func.func private @f() attributes {t = #effai.target<name = "t", kind = cpu, triple = "x", cpu = "c", features = [], vector_bits = 256, vector_registers = 16, fma_latency = 4, fma_per_cycle = 2, loads_per_cycle = 2, clock_ghz = 2.0, cores = 4, peaks = <fp32 = 1.0, bf16 = 0.0, int8 = 0.0, int32 = 0.0>, memory = [#effai.memory<name = "DRAM", size = 1024, line = 64, ways = 0, shared_by = 8, bandwidth = 1.0, shared_bandwidth = 1.0>], fork_join_us = 1.0>}

// -----
// expected-error @+1 {{target 't': features must be strings, got 1 : i64}}
func.func private @f() attributes {t = #effai.target<name = "t", kind = cpu, triple = "x", cpu = "c", features = [1], vector_bits = 256, vector_registers = 16, fma_latency = 4, fma_per_cycle = 2, loads_per_cycle = 2, clock_ghz = 2.0, cores = 1, peaks = <fp32 = 1.0, bf16 = 0.0, int8 = 0.0, int32 = 0.0>, memory = [#effai.memory<name = "DRAM", size = 1024, line = 64, ways = 0, shared_by = 1, bandwidth = 1.0, shared_bandwidth = 1.0>], fork_join_us = 1.0>}

// -----
// expected-error @+1 {{target 't': clock_ghz must be positive}}
func.func private @f() attributes {t = #effai.target<name = "t", kind = cpu, triple = "x", cpu = "c", features = [], vector_bits = 256, vector_registers = 16, fma_latency = 4, fma_per_cycle = 2, loads_per_cycle = 2, clock_ghz = 0.0, cores = 1, peaks = <fp32 = 1.0, bf16 = 0.0, int8 = 0.0, int32 = 0.0>, memory = [#effai.memory<name = "DRAM", size = 1024, line = 64, ways = 0, shared_by = 1, bandwidth = 1.0, shared_bandwidth = 1.0>], fork_join_us = 1.0>}

// -----
// expected-error @+1 {{tiling: unknown kernel 'gemm' (expected contraction, unrolled, elementwise, reduction or loops)}}
func.func private @f() attributes {t = #effai.tiling<kernel = "gemm", intensity = 1.0, bound = "compute", predicted_us = 1.0>}

// -----
// expected-error @+1 {{tiling: nr (24) must be a positive multiple of lanes (16)}}
func.func private @f() attributes {t = #effai.tiling<kernel = "contraction", lanes = 16, mr = [4], nr = 24, kc = 8, mc = 4, nc = 24, intensity = 1.0, bound = "compute", predicted_us = 1.0>}

// -----
// expected-error @+1 {{tiling: a contraction needs positive mr entries}}
func.func private @f() attributes {t = #effai.tiling<kernel = "contraction", lanes = 16, nr = 16, kc = 8, mc = 4, nc = 16, intensity = 1.0, bound = "compute", predicted_us = 1.0>}

// -----
// expected-error @+1 {{tiling: mc (6) must be a multiple of the outermost mr entry (4)}}
func.func private @f() attributes {t = #effai.tiling<kernel = "contraction", lanes = 16, mr = [4], nr = 16, kc = 8, mc = 6, nc = 16, intensity = 1.0, bound = "compute", predicted_us = 1.0>}

// -----
// expected-error @+1 {{tiling: nc (40) must be a multiple of nr (32)}}
func.func private @f() attributes {t = #effai.tiling<kernel = "contraction", lanes = 16, mr = [4], nr = 32, kc = 8, mc = 4, nc = 40, intensity = 1.0, bound = "compute", predicted_us = 1.0>}

// -----
// expected-error @+1 {{tiling: dot must be 1 or 4, got 2}}
func.func private @f() attributes {t = #effai.tiling<kernel = "contraction", lanes = 16, mr = [4], nr = 32, dot = 2, kc = 8, mc = 4, nc = 32, intensity = 1.0, bound = "compute", predicted_us = 1.0>}

// -----
// expected-error @+1 {{tiling: dot products need a contraction kernel}}
func.func private @f() attributes {t = #effai.tiling<kernel = "loops", dot = 4, intensity = 1.0, bound = "compute", predicted_us = 1.0>}

// -----
// expected-error @+1 {{tiling: pack_b must be none, compile or runtime, got 'later'}}
func.func private @f() attributes {t = #effai.tiling<kernel = "loops", pack_b = "later", intensity = 1.0, bound = "compute", predicted_us = 1.0>}

// -----
// expected-error @+1 {{tiling: 2 threads need a parallel group}}
func.func private @f() attributes {t = #effai.tiling<kernel = "loops", threads = 2, intensity = 1.0, bound = "compute", predicted_us = 1.0>}

// -----
// expected-error @+1 {{tiling: parallel must be none, m, n or batch, got 'k'}}
func.func private @f() attributes {t = #effai.tiling<kernel = "loops", threads = 2, parallel = "k", intensity = 1.0, bound = "compute", predicted_us = 1.0>}

// -----
// expected-error @+1 {{tiling: bound must name a roof}}
func.func private @f() attributes {t = #effai.tiling<kernel = "loops", intensity = 1.0, bound = "", predicted_us = 1.0>}

// -----
// expected-error @+1 {{conv_algorithm: unknown algorithm 'fft' (expected direct or winograd-f2x2-3x3)}}
func.func private @f() attributes {a = #effai.conv_algorithm<algorithm = "fft", direct_us = 1.0, winograd_us = 1.0>}

// -----
// expected-error @+1 {{conv_algorithm: direct_us and winograd_us must not be negative}}
func.func private @f() attributes {a = #effai.conv_algorithm<algorithm = "direct", direct_us = 1.0, winograd_us = -1.0>}

// -----
// expected-error @+1 {{tiling: b_bits must be 0 (as stored), 2 or 4, got 3}}
func.func private @f() attributes {t = #effai.tiling<kernel = "contraction", lanes = 16, mr = [4], nr = 32, kc = 8, mc = 4, nc = 32, pack_b = "compile", b_bits = 3, intensity = 1.0, bound = "compute", predicted_us = 1.0>}

// -----
// expected-error @+1 {{tiling: b_bits = 4 needs a contraction with pack_b = "compile", dot = 1 and nr a multiple of 2}}
func.func private @f() attributes {t = #effai.tiling<kernel = "contraction", lanes = 16, mr = [4], nr = 32, kc = 8, mc = 4, nc = 32, b_bits = 4, intensity = 1.0, bound = "compute", predicted_us = 1.0>}

// -----
// expected-error @+1 {{tiling: b_bits = 4 needs a contraction with pack_b = "compile", dot = 1 and nr a multiple of 2}}
func.func private @f() attributes {t = #effai.tiling<kernel = "contraction", lanes = 1, mr = [4], nr = 3, kc = 8, mc = 4, nc = 3, pack_b = "compile", b_bits = 4, intensity = 1.0, bound = "compute", predicted_us = 1.0>}

// -----
// expected-error @+1 {{tiling: b_bits = 2 needs a contraction with pack_b = "compile", dot = 1 and nr a multiple of 4}}
func.func private @f() attributes {t = #effai.tiling<kernel = "contraction", lanes = 2, mr = [4], nr = 6, kc = 8, mc = 4, nc = 6, pack_b = "compile", b_bits = 2, intensity = 1.0, bound = "compute", predicted_us = 1.0>}
