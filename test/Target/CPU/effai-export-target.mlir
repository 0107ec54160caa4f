// effai-export-target: the target's CPU and features go onto every defined
// llvm.func, with its vector width as the preferred one; the effai attribute
// leaves the module.
// RUN: %effai_opt %s --effai-export-target | FileCheck %s

// CHECK-NOT: effai.target
// CHECK: llvm.func @declared()
// CHECK-NOT: target_cpu
// CHECK: llvm.func @defined() attributes {prefer_vector_width = "256", target_cpu = "haswell", target_features = #llvm.target_features<["+avx2", "+fma"]>}
module attributes {effai.target = #effai.target<name = "t", kind = cpu,
    triple = "x86_64-unknown-linux-gnu", cpu = "haswell",
    features = ["avx2", "fma"], vector_bits = 256, vector_registers = 16,
    fma_latency = 5, fma_per_cycle = 2, loads_per_cycle = 2, clock_ghz = 3.0,
    cores = 1, peaks = <fp32 = 96.0, bf16 = 0.0, int8 = 96.0, int32 = 48.0>,
    memory = [#effai.memory<name = "DRAM", size = 1073741824, line = 64,
                            ways = 0, shared_by = 1, bandwidth = 10.0,
                            shared_bandwidth = 10.0>],
    fork_join_us = 1.0>} {
  llvm.func @declared()
  llvm.func @defined() {
    llvm.return
  }
}
