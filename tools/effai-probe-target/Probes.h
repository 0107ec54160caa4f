//===- Probes.h - micro-benchmarks of the running CPU -----------*- C++ -*-===//
//
// The measurements effai-probe-target turns into a machine description:
// vector FMA throughput and latency, 8-bit dot-product throughput, and read
// bandwidth from buffers of a given size on one or more threads. Each
// kernel is compiled for one ISA level (GCC/Clang target attributes) and
// only called when the CPU has it.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_TOOLS_PROBES_H
#define EFFAI_TOOLS_PROBES_H

#include <cstddef>

namespace effai::probe {

/// The widest vector ISA the probes use: 512 (AVX-512F), 256 (AVX2+FMA) or
/// 0 (scalar).
int getVectorBits();

/// fp32 FMA throughput of one core in GFLOP/s (an FMA counts two), with
/// enough independent accumulators to hide the latency.
double measureFmaGflops(int vectorBits, double seconds);

/// Latency of one dependent vector FMA, in ns.
double measureFmaLatencyNs(int vectorBits, double seconds);

/// u8 x s8 dot-product throughput (vpdpbusd) in GOP/s (a multiply-add
/// counts two), or 0 when the CPU has no VNNI.
double measureDotGops(int vectorBits, double seconds);

/// Read bandwidth in GB/s of `threads` threads, each summing its own
/// `bytes`-byte buffer over and over.
double measureReadBandwidth(size_t bytes, int threads, int vectorBits,
                            double seconds);

} // namespace effai::probe

#endif // EFFAI_TOOLS_PROBES_H
