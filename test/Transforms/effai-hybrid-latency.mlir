// RUN: %effai_opt %s --effai-hybrid="max-latency-us=0.1 errors=0.01,0.02,0.05,0.3,0.001,0.004,0.02,0.2" | FileCheck %s --check-prefix=LOOSE
// RUN: %effai_opt %s --effai-hybrid="max-latency-us=0.03 errors=0.01,0.02,0.05,0.3,0.001,0.004,0.02,0.2" | FileCheck %s --check-prefix=TIGHT
// RUN: %effai_opt %s --effai-hybrid="max-latency-us=0.001 errors=0.01,0.02,0.05,0.3,0.001,0.004,0.02,0.2" 2>&1 | FileCheck %s --check-prefix=TOO-TIGHT
// RUN: %effai_opt %s --effai-hybrid="max-latency-us=1.0 errors=0.01,0.02,0.05,0.3,0.001,0.004,0.02,0.2" | FileCheck %s --check-prefix=FITS
// RUN: %effai_opt %s --effai-hybrid="choices=int8,int8" | FileCheck %s --check-prefix=CHOICES
// RUN: %effai_opt %s --effai-hybrid="candidates=fp32,int8,c50+int8 max-latency-us=0.021 errors=0.01,0.02,0.001,0.03" 2>&1 | FileCheck %s --check-prefix=CHANNELS
// RUN: not %effai_opt %s --effai-hybrid="max-latency-us=0.1 max-bytes=100" 2>&1 | FileCheck %s --check-prefix=TWO
// RUN: echo 'module {}' | not %effai_opt --effai-hybrid="max-latency-us=0.1" 2>&1 | FileCheck %s --check-prefix=NO-TARGET

// A latency budget: effai-hybrid takes the step with the least error per
// µs saved, the µs predicted by the roofline of the module's target on one
// core. This machine: fp32 100 GOP/s, int32 (shifts, adds) 50 GOP/s, an
// L1 of 4 KiB (3 KiB usable: all ways but one) at 100 GB/s, DRAM at
// 10 GB/s. Layer 0 (64 -> 32, 8 KiB of fp32 weights) streams from DRAM:
// 0.858 µs. Its codes fit in L1, so int8 and int4 take its compute time,
// 0.041 µs (int4 saves no more than int8); 2-term powers of two cost two
// shifts and two adds per weight at the int32 rate, 0.164 µs; 2:4 pruning
// halves the work, 0.020 µs. Layer 1 (32 -> 4) is in L1 in every form.
// Errors as in effai-hybrid.mlir (per weight: int8, pow2, int4, 2:4+int8).

// 0.1 µs: int8 on layer 0 (0.01 per 0.817 µs saved) is the cheapest step.
// Saved µs per weight and candidate are recorded (layer 1 pow2: -0.004).
// LOOSE: effai.hybrid_choices = ["int8", "fp32"]
// LOOSE-SAME: effai.hybrid_predicted_us = 0.04752{{[0-9]*}} : f64
// LOOSE-SAME: effai.hybrid_saved_us = array<f64: 8.166400e-01, 6.937600e-01, 8.166400e-01, 0.837{{[0-9]*}}, 0.00384{{[0-9]*}}, -0.00368{{[0-9]*}}

// 0.03 µs: then int8 on layer 1 (cheap, 0.004 µs), and 2:4 on layer 0:
// where compute bounds, only less work saves time.
// TIGHT: effai.hybrid_choices = ["2:4+int8", "int8"]

// Nothing is predicted within 0.001 µs: the fastest choice, with a warning.
// TOO-TIGHT: warning: effai-hybrid: no choice is predicted within 0.001 us; the fastest is predicted at 0.02272 us
// TOO-TIGHT: effai.hybrid_choices = ["2:4+int8", "2:4+int8"]

// fp32 already fits 1 µs: nothing changes.
// FITS: effai.hybrid_choices = ["fp32", "fp32"]

// In any mode, a target's prediction for the result: 0.041 + 0.003 µs.
// CHOICES: effai.hybrid_predicted_us = 0.04368{{[0-9]*}} : f64

// Channel removal on layer 0 also shrinks layer 1 (32 -> 16 inputs), so
// savings measured per layer do not add up: c50+int8 on layer 0 (0.840 µs,
// layer 1's fp32 shrink included) and int8 on layer 1 (0.004 µs, measured
// at 32 inputs) are estimated at 0.020 µs, but layer 1's int8 saves less at
// 16 inputs: 0.0219 µs, over the budget, with a warning.
// CHANNELS: warning: effai-hybrid: the choice is predicted at 0.02192 us, above the 0.021 us budget (channel removal also changes the next layer's time)
// CHANNELS: effai.hybrid_choices = ["c50+int8", "int8"]

// Without a target there is nothing to predict with.
// NO-TARGET: error: effai-hybrid: max-latency-us needs the module's effai.target (run effai-set-target first)

// TWO: error: effai-hybrid: give exactly one of choices, max-error, max-bytes, max-latency-us and front

module attributes {effai.target = #effai.target<
    name = "small-l1", kind = cpu, triple = "x86_64-unknown-linux-gnu",
    cpu = "x86-64", features = [], vector_bits = 256, vector_registers = 16,
    fma_latency = 4, fma_per_cycle = 2, loads_per_cycle = 2, clock_ghz = 3.0,
    cores = 1,
    peaks = #effai.peaks<fp32 = 100.0, bf16 = 0.0, int8 = 200.0, int32 = 50.0>,
    memory = [#effai.memory<name = "L1", size = 4096, line = 64, ways = 4,
                            shared_by = 1, bandwidth = 100.0,
                            shared_bandwidth = 100.0>,
              #effai.memory<name = "DRAM", size = 68719476736, line = 64,
                            ways = 0, shared_by = 1, bandwidth = 10.0,
                            shared_bandwidth = 10.0>],
    fork_join_us = 2.0>} {
func.func @two_layers(%x: tensor<1x64xf32>) -> tensor<1x4xf32> {
  %v0 = arith.constant dense<0.5> : tensor<32x64xf32>
  %w0 = effai.pack %v0 : tensor<32x64xf32> -> !effai.weight<32x64xf32, #effai.encoding<value = #effai.float>>
  %h = effai.linear %x, %w0 : (tensor<1x64xf32>, !effai.weight<32x64xf32, #effai.encoding<value = #effai.float>>) -> tensor<1x32xf32>
  %v1 = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 1.0, 2.0, 3.0, 4.0, 1.0, 2.0, 3.0, 4.0, 1.0, 2.0, 3.0, 4.0, 1.0, 2.0, 3.0, 4.0, 1.0, 2.0, 3.0, 4.0, 1.0, 2.0, 3.0, 4.0, 1.0, 2.0, 3.0, 4.0], [-1.0, 0.5, -0.25, 2.0, -1.0, 0.5, -0.25, 2.0, -1.0, 0.5, -0.25, 2.0, -1.0, 0.5, -0.25, 2.0, -1.0, 0.5, -0.25, 2.0, -1.0, 0.5, -0.25, 2.0, -1.0, 0.5, -0.25, 2.0, -1.0, 0.5, -0.25, 2.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -0.5]]> : tensor<4x32xf32>
  %w1 = effai.pack %v1 : tensor<4x32xf32> -> !effai.weight<4x32xf32, #effai.encoding<value = #effai.float>>
  %y = effai.linear %h, %w1 : (tensor<1x32xf32>, !effai.weight<4x32xf32, #effai.encoding<value = #effai.float>>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}
}

