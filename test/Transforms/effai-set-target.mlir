// effai-set-target: presets, JSON files, the host, CPU re-derivation and
// every way a description can be wrong.
// RUN: %effai_opt %s --effai-set-target=target=x86-avx2 | FileCheck %s --check-prefix=AVX2
// RUN: %effai_opt %s --effai-set-target=target=x86-avx512-vnni | FileCheck %s --check-prefix=VNNI
// RUN: %effai_opt %s --effai-set-target=target=generic | FileCheck %s --check-prefix=GENERIC
// RUN: %effai_opt %s "--effai-set-target=target=%S/Inputs/tiny-cpu.json" | FileCheck %s --check-prefix=FILE
// RUN: %effai_opt %s --effai-set-target | FileCheck %s --check-prefix=HOST
// RUN: %effai_opt %s --effai-set-target=target=sm_80 | FileCheck %s --check-prefix=SM80
// RUN: %effai_opt %s --effai-set-target=target=sm_90 | FileCheck %s --check-prefix=SM90
// RUN: not %effai_opt %s "--effai-set-target=target=%S/Inputs/gpu-no-params.json" 2>&1 | FileCheck %s --check-prefix=GPUPARAMS
// RUN: not %effai_opt %s "--effai-set-target=target=%S/Inputs/gpu-bad-chip.json" 2>&1 | FileCheck %s --check-prefix=GPUCHIP
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
// The GPU presets: SMs as cores, one SM's CUDA-core peaks, shared memory,
// L2 and HBM, and the GPU's own numbers.
// SM80: name = "sm_80", kind = gpu, triple = "nvptx64-nvidia-cuda", cpu = "sm_80", {{.*}}cores = 108, peaks = <fp32 = 180.5, {{.*}}memory = [#effai.memory<name = "shared", {{.*}}#effai.memory<name = "L2", size = 41943040, {{.*}}#effai.memory<name = "HBM", {{.*}}shared_bandwidth = 2039.0>], fork_join_us = 3.0, gpu = <chip = "sm_80", ptx = 80, {{.*}}shared_per_block = 166912, {{.*}}tensor_int8 = 5777.8>>
// SM90: name = "sm_90", kind = gpu, {{.*}}cores = 132, {{.*}}shared_bandwidth = 4800.0>], {{.*}}gpu = <chip = "sm_90", {{.*}}shared_per_sm = 233472, shared_per_block = 232448, {{.*}}tensor_fp16 = 7495.5,
// GPUPARAMS: error: effai-set-target: {{.*}}gpu-no-params.json: target 'g': a gpu target needs gpu = #effai.gpu<...>
// GPUCHIP: error: effai-set-target: {{.*}}gpu-bad-chip.json: gpu: chip must be sm_75 or newer (sm_<number>), got 'sm_60'
// UNKNOWN: error: effai-set-target: unknown target 'pentium' (expected host, a .json file or one of: generic, ice40up5k, sapphirerapids, sm_80, sm_90, x86-avx2, x86-avx512-vnni, xc7z020, xcu250, xcvu9p, xczu9eg, zen5)
// MISSINGFILE: error: effai-set-target: cannot read target file '{{.*}}none.json': No such file or directory
// BADKIND: error: effai-set-target: {{.*}}bad-kind.json: target: 'kind' must be cpu, gpu or fpga, got 'quantum'
// NOCORES: error: effai-set-target: {{.*}}missing-cores.json: target: 'cores' must be an integer
// BADLINE: error: effai-set-target: {{.*}}bad-line.json: memory level 'L1': line must be a positive power of two, got 60
// BROKEN: error: effai-set-target: {{.*}}broken.json: invalid JSON:
// BADCPU: error: effai-set-target: unknown CPU 'pentium9' for x86_64-unknown-linux-gnu (try 'native' or 'generic')
module {}
