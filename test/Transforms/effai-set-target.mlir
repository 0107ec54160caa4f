// effai-set-target: presets, JSON files, the host, CPU re-derivation and
// every way a description can be wrong.
// RUN: %effai_opt %s --effai-set-target=target=x86-avx2 | FileCheck %s --check-prefix=AVX2
// RUN: %effai_opt %s --effai-set-target=target=x86-avx512-vnni | FileCheck %s --check-prefix=VNNI
// RUN: %effai_opt %s --effai-set-target=target=generic | FileCheck %s --check-prefix=GENERIC
// RUN: %effai_opt %s "--effai-set-target=target=%S/Inputs/tiny-cpu.json" | FileCheck %s --check-prefix=FILE
// RUN: %effai_opt %s --effai-set-target | FileCheck %s --check-prefix=HOST
// RUN: %effai_opt %s "--effai-set-target=target=x86-avx512-vnni cpu=haswell" | FileCheck %s --check-prefix=RETARGET
// RUN: %effai_opt %s --effai-set-target=target=zen5 --effai-set-target="target=generic if-missing=1" | FileCheck %s --check-prefix=KEEP
// RUN: not %effai_opt %s --effai-set-target=target=pentium 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not %effai_opt %s "--effai-set-target=target=%S/Inputs/none.json" 2>&1 | FileCheck %s --check-prefix=MISSINGFILE
// RUN: not %effai_opt %s "--effai-set-target=target=%S/Inputs/bad-kind.json" 2>&1 | FileCheck %s --check-prefix=BADKIND
// RUN: not %effai_opt %s "--effai-set-target=target=%S/Inputs/missing-cores.json" 2>&1 | FileCheck %s --check-prefix=NOCORES
// RUN: not %effai_opt %s "--effai-set-target=target=%S/Inputs/bad-line.json" 2>&1 | FileCheck %s --check-prefix=BADLINE
// RUN: not %effai_opt %s "--effai-set-target=target=%S/Inputs/broken.json" 2>&1 | FileCheck %s --check-prefix=BROKEN
// RUN: not %effai_opt %s "--effai-set-target=target=generic cpu=pentium9" 2>&1 | FileCheck %s --check-prefix=BADCPU

// AVX2: #target = #effai.target<name = "x86-avx2", kind = cpu, {{.*}}cpu = "haswell", features = ["sse4.2", "avx", "avx2", "fma", "f16c"], vector_bits = 256, vector_registers = 16, fma_latency = 5, fma_per_cycle = 2,
// AVX2-SAME: memory = [#effai.memory<name = "L1", size = 32768, {{.*}}#effai.memory<name = "DRAM"
// AVX2: module attributes {effai.target = #target}
// VNNI: name = "x86-avx512-vnni", kind = cpu, {{.*}}"avx512vnni"], vector_bits = 512, vector_registers = 32,
// GENERIC: name = "generic", {{.*}}cpu = "x86-64", features = ["sse2"], vector_bits = 128,
// FILE: name = "tiny-cpu", {{.*}}clock_ghz = 1.5, cores = 2, {{.*}}fork_join_us = 3.0>
// HOST: #target = #effai.target<name = "host", kind = cpu,
// HOST-SAME: #effai.memory<name = "DRAM"
// The ISA facts follow the CPU; caches, clock and cores stay the preset's.
// RETARGET: name = "x86-avx512-vnni", {{.*}}cpu = "haswell", features = [{{.*}}"avx2", "fma", "f16c"], vector_bits = 256, vector_registers = 16, {{.*}}clock_ghz = 2.5, cores = 16,
// KEEP: name = "zen5"
// UNKNOWN: error: effai-set-target: unknown target 'pentium' (expected host, a .json file or one of: generic, sapphirerapids, x86-avx2, x86-avx512-vnni, zen5)
// MISSINGFILE: error: effai-set-target: cannot read target file '{{.*}}none.json': No such file or directory
// BADKIND: error: effai-set-target: {{.*}}bad-kind.json: target: 'kind' must be cpu, gpu or fpga, got 'quantum'
// NOCORES: error: effai-set-target: {{.*}}missing-cores.json: target: 'cores' must be an integer
// BADLINE: error: effai-set-target: {{.*}}bad-line.json: memory level 'L1': line must be a positive power of two, got 60
// BROKEN: error: effai-set-target: {{.*}}broken.json: invalid JSON:
// BADCPU: error: effai-set-target: unknown CPU 'pentium9' for x86_64-unknown-linux-gnu (try 'native' or 'generic')
module {}
