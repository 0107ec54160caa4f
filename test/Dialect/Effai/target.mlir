// #effai.target, #effai.memory, #effai.peaks and #effai.tiling round-trip;
// the target prints once as the #target alias.
// RUN: %effai_opt %s | %effai_opt | FileCheck %s

// CHECK: #target = #effai.target<name = "tiny", kind = cpu, triple = "x86_64-unknown-linux-gnu", cpu = "haswell", features = ["avx2", "fma"], vector_bits = 256, vector_registers = 16, fma_latency = 5, fma_per_cycle = 2, loads_per_cycle = 2, clock_ghz = 3.0, cores = 4, peaks = <fp32 = 96.0, bf16 = 0.0, int8 = 96.0, int32 = 48.0>, memory = [#effai.memory<name = "L1", size = 32768, line = 64, ways = 8, shared_by = 1, bandwidth = 190.0, shared_bandwidth = 190.0>, #effai.memory<name = "DRAM", size = 17179869184, line = 64, ways = 0, shared_by = 4, bandwidth = 15.5, shared_bandwidth = 25.0>], fork_join_us = 1.5>
// CHECK: module attributes {effai.target = #target}
module attributes {effai.target = #effai.target<name = "tiny", kind = cpu,
    triple = "x86_64-unknown-linux-gnu", cpu = "haswell",
    features = ["avx2", "fma"], vector_bits = 256, vector_registers = 16,
    fma_latency = 5, fma_per_cycle = 2, loads_per_cycle = 2, clock_ghz = 3.0,
    cores = 4, peaks = <fp32 = 96.0, bf16 = 0.0, int8 = 96.0, int32 = 48.0>,
    memory = [#effai.memory<name = "L1", size = 32768, line = 64, ways = 8,
                            shared_by = 1, bandwidth = 190.0,
                            shared_bandwidth = 190.0>,
              #effai.memory<name = "DRAM", size = 17179869184, line = 64,
                            ways = 0, shared_by = 4, bandwidth = 15.5,
                            shared_bandwidth = 25.0>],
    fork_join_us = 1.5>} {

  // A contraction tiling prints every field that differs from its default;
  // reals print exactly ("1.0e-05" style is not needed for these values).
  // CHECK-LABEL: func.func @tilings
  // CHECK-SAME: effai.tiling = #effai.tiling<kernel = "contraction", lanes = 8, mr = [2, 3], nr = 16, kc = 64, mc = 6, nc = 32, pack_a = true, pack_b = "compile", threads = 2, parallel = "m", epilogue = true, intensity = 12.5, bound = "compute", predicted_us = 3.25>
  // CHECK-SAME: loops = #effai.tiling<kernel = "elementwise", intensity = 0.125, bound = "DRAM", predicted_us = 0.5>
  func.func @tilings() attributes {
      effai.tiling = #effai.tiling<kernel = "contraction", lanes = 8,
          mr = [2, 3], nr = 16, kc = 64, mc = 6, nc = 32, pack_a = true,
          pack_b = "compile", threads = 2, parallel = "m", epilogue = true,
          intensity = 12.5, bound = "compute", predicted_us = 3.25>,
      loops = #effai.tiling<kernel = "elementwise", intensity = 0.125,
          bound = "DRAM", predicted_us = 0.5>} {
    return
  }
}
