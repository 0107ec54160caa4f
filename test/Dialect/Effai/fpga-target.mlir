// #effai.fpga round-trips inside an FPGA #effai.target, and every verifier
// error of it; the FPGA presets attach with the part's resources.
// RUN: %effai_opt %s -split-input-file -verify-diagnostics | FileCheck %s
// RUN: echo 'module {}' | %effai_opt --effai-set-target=target=xczu9eg | FileCheck %s --check-prefix=ZU9EG
// RUN: echo 'module {}' | %effai_opt --effai-set-target=target=xcu250 | FileCheck %s --check-prefix=U250
// RUN: echo 'module {}' | %effai_opt --effai-set-target=target=xcvu9p | FileCheck %s --check-prefix=VU9P
// RUN: echo 'module {}' | %effai_opt --effai-set-target=target=ice40up5k | FileCheck %s --check-prefix=UP5K

// CHECK: #effai.target<name = "f", kind = fpga, {{.*}}fork_join_us = 0.0, fpga = <family = "zynquplus", part = "xczu9eg-ffvb1156-2-e", dsp = 2520, dsp_a_bits = 27, dsp_b_bits = 18, lut = 274080, lut_inputs = 6, ff = 548160, bram = 1824, bram_bits = 18432, uram = 0, uram_bits = 294912>>
module attributes {effai.target = #effai.target<name = "f", kind = fpga,
    triple = "fpga-zynquplus", cpu = "xczu9eg-ffvb1156-2-e", features = [],
    vector_bits = 32, vector_registers = 1, fma_latency = 1,
    fma_per_cycle = 1, loads_per_cycle = 1, clock_ghz = 0.3, cores = 1,
    peaks = <fp32 = 504.0, bf16 = 504.0, int8 = 3024.0, int32 = 1284.8>,
    memory = [#effai.memory<name = "DDR4", size = 4294967296, line = 64,
                            ways = 0, shared_by = 1, bandwidth = 19.2,
                            shared_bandwidth = 19.2>],
    fork_join_us = 0.0,
    fpga = <family = "zynquplus", part = "xczu9eg-ffvb1156-2-e", dsp = 2520,
            dsp_a_bits = 27, dsp_b_bits = 18, lut = 274080, lut_inputs = 6,
            ff = 548160, bram = 1824, bram_bits = 18432, uram = 0,
            uram_bits = 294912>>} {
}

// -----
// expected-error @+1 {{target 'c': only an fpga target takes fpga parameters}}
func.func private @f() attributes {t = #effai.target<name = "c", kind = cpu, triple = "x86_64-unknown-linux-gnu", cpu = "generic", features = [], vector_bits = 128, vector_registers = 16, fma_latency = 4, fma_per_cycle = 1, loads_per_cycle = 1, clock_ghz = 2.0, cores = 1, peaks = <fp32 = 1.0, bf16 = 0.0, int8 = 0.0, int32 = 1.0>, memory = [#effai.memory<name = "DRAM", size = 1024, line = 64, ways = 0, shared_by = 1, bandwidth = 1.0, shared_bandwidth = 1.0>], fork_join_us = 1.0, fpga = <family = "ice40", part = "up5k", dsp = 8, dsp_a_bits = 16, dsp_b_bits = 16, lut = 5280, lut_inputs = 4, ff = 5280, bram = 30, bram_bits = 4096, uram = 4, uram_bits = 262144>>}

// -----
// expected-error @+1 {{fpga: lut_inputs must be 2 to 8, got 1}}
func.func private @f() attributes {t = #effai.fpga<family = "ice40", part = "up5k", dsp = 8, dsp_a_bits = 16, dsp_b_bits = 16, lut = 5280, lut_inputs = 1, ff = 5280, bram = 30, bram_bits = 4096, uram = 4, uram_bits = 262144>}

// -----
// expected-error @+1 {{fpga: lut and ff must be positive, dsp, bram and uram not negative}}
func.func private @f() attributes {t = #effai.fpga<family = "ice40", part = "up5k", dsp = -1, dsp_a_bits = 16, dsp_b_bits = 16, lut = 5280, lut_inputs = 4, ff = 5280, bram = 30, bram_bits = 4096, uram = 4, uram_bits = 262144>}

// -----
// expected-error @+1 {{fpga: dsp_a_bits and dsp_b_bits must be 2 to 64}}
func.func private @f() attributes {t = #effai.fpga<family = "ice40", part = "up5k", dsp = 8, dsp_a_bits = 1, dsp_b_bits = 16, lut = 5280, lut_inputs = 4, ff = 5280, bram = 30, bram_bits = 4096, uram = 4, uram_bits = 262144>}

// -----
// expected-error @+1 {{fpga: family and part must be named}}
func.func private @f() attributes {t = #effai.fpga<family = "", part = "up5k", dsp = 8, dsp_a_bits = 16, dsp_b_bits = 16, lut = 5280, lut_inputs = 4, ff = 5280, bram = 30, bram_bits = 4096, uram = 4, uram_bits = 262144>}

// ZU9EG: kind = fpga, {{.*}}clock_ghz = 0.3, {{.*}}fpga = <family = "zynquplus", part = "xczu9eg-ffvb1156-2-e", dsp = 2520, {{.*}}bram = 1824, bram_bits = 18432, uram = 0,
// U250: fpga = <family = "alveo", part = "xcu250-figd2104-2L-e", dsp = 12288, {{.*}}lut = 1728000, {{.*}}bram = 5376, bram_bits = 18432, uram = 1280, uram_bits = 294912>
// VU9P: fpga = <family = "virtexuplus", part = "xcvu9p-flga2104-2L-e", dsp = 6840, {{.*}}uram = 960,
// UP5K: clock_ghz = 0.024, {{.*}}fpga = <family = "ice40", part = "iCE40UP5K-SG48", dsp = 8, dsp_a_bits = 16, dsp_b_bits = 16, lut = 5280, lut_inputs = 4, ff = 5280, bram = 30, bram_bits = 4096, uram = 4, uram_bits = 262144>
