//===- Probes.cpp - micro-benchmarks of the running CPU ---------*- C++ -*-===//
//
// Throughput kernels keep 12 independent accumulators (more than latency x
// issue width on any current core); latency kernels chain one. Each runs
// in repeated batches until `seconds` have passed and reports the best
// batch, which filters out preemption on shared machines.
//
//===----------------------------------------------------------------------===//

#include "Probes.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#define EFFAI_X86 1
#endif

using Clock = std::chrono::steady_clock;

namespace {

/// Runs `batch` (which returns its own operation count) until `seconds`
/// have passed; the best rate in operations per second.
template <typename Batch>
double bestRate(double seconds, Batch batch) {
  double best = 0;
  auto start = Clock::now();
  do {
    auto t0 = Clock::now();
    double ops = batch();
    double dt = std::chrono::duration<double>(Clock::now() - t0).count();
    if (dt > 0)
      best = std::max(best, ops / dt);
  } while (std::chrono::duration<double>(Clock::now() - start).count() <
           seconds);
  return best;
}

constexpr long kIterations = 1 << 16;
/// Keeps results observable so that the compiler cannot drop the loops.
volatile float sink;

#ifdef EFFAI_X86
__attribute__((target("avx512f"))) double fmaBatch512() {
  __m512 acc[12];
  for (__m512 &a : acc)
    a = _mm512_set1_ps(1.0f);
  __m512 x = _mm512_set1_ps(0.999999f), y = _mm512_set1_ps(1e-7f);
  for (long i = 0; i < kIterations; ++i)
    for (__m512 &a : acc)
      a = _mm512_fmadd_ps(a, x, y);
  __m512 s = acc[0];
  for (int i = 1; i < 12; ++i)
    s = _mm512_add_ps(s, acc[i]);
  sink = _mm512_reduce_add_ps(s);
  return 2.0 * 16 * 12 * kIterations;
}

__attribute__((target("avx2,fma"))) double fmaBatch256() {
  __m256 acc[12];
  for (__m256 &a : acc)
    a = _mm256_set1_ps(1.0f);
  __m256 x = _mm256_set1_ps(0.999999f), y = _mm256_set1_ps(1e-7f);
  for (long i = 0; i < kIterations; ++i)
    for (__m256 &a : acc)
      a = _mm256_fmadd_ps(a, x, y);
  __m256 s = acc[0];
  for (int i = 1; i < 12; ++i)
    s = _mm256_add_ps(s, acc[i]);
  float lanes[8];
  _mm256_storeu_ps(lanes, s);
  sink = lanes[0];
  return 2.0 * 8 * 12 * kIterations;
}

__attribute__((target("avx512f"))) double latencyBatch512() {
  __m512 a = _mm512_set1_ps(1.0f), x = _mm512_set1_ps(0.999999f),
         y = _mm512_set1_ps(1e-7f);
  for (long i = 0; i < kIterations; ++i)
    a = _mm512_fmadd_ps(a, x, y);
  sink = _mm512_reduce_add_ps(a);
  return kIterations;
}

__attribute__((target("avx2,fma"))) double latencyBatch256() {
  __m256 a = _mm256_set1_ps(1.0f), x = _mm256_set1_ps(0.999999f),
         y = _mm256_set1_ps(1e-7f);
  for (long i = 0; i < kIterations; ++i)
    a = _mm256_fmadd_ps(a, x, y);
  float lanes[8];
  _mm256_storeu_ps(lanes, a);
  sink = lanes[0];
  return kIterations;
}

__attribute__((target("avx512f,avx512bw,avx512vnni"))) double dotBatch512() {
  __m512i acc[12];
  for (__m512i &a : acc)
    a = _mm512_setzero_si512();
  __m512i u = _mm512_set1_epi8(3), s = _mm512_set1_epi8(-2);
  for (long i = 0; i < kIterations; ++i)
    for (__m512i &a : acc)
      a = _mm512_dpbusd_epi32(a, u, s);
  __m512i t = acc[0];
  for (int i = 1; i < 12; ++i)
    t = _mm512_add_epi32(t, acc[i]);
  sink = float(_mm512_reduce_add_epi32(t));
  return 2.0 * 64 * 12 * kIterations;
}

__attribute__((target("avx2,avxvnni"))) double dotBatch256() {
  __m256i acc[12];
  for (__m256i &a : acc)
    a = _mm256_setzero_si256();
  __m256i u = _mm256_set1_epi8(3), s = _mm256_set1_epi8(-2);
  for (long i = 0; i < kIterations; ++i)
    for (__m256i &a : acc)
      a = _mm256_dpbusd_avx_epi32(a, u, s);
  __m256i t = acc[0];
  for (int i = 1; i < 12; ++i)
    t = _mm256_add_epi32(t, acc[i]);
  sink = float(_mm256_extract_epi32(t, 0));
  return 2.0 * 32 * 12 * kIterations;
}

__attribute__((target("avx512f"))) float sum512(const float *data,
                                                size_t count) {
  __m512 acc[8];
  for (__m512 &a : acc)
    a = _mm512_setzero_ps();
  for (size_t i = 0; i + 128 <= count; i += 128)
    for (int j = 0; j < 8; ++j)
      acc[j] = _mm512_add_ps(acc[j], _mm512_load_ps(data + i + 16 * j));
  for (int j = 1; j < 8; ++j)
    acc[0] = _mm512_add_ps(acc[0], acc[j]);
  return _mm512_reduce_add_ps(acc[0]);
}

__attribute__((target("avx2"))) float sum256(const float *data,
                                             size_t count) {
  __m256 acc[8];
  for (__m256 &a : acc)
    a = _mm256_setzero_ps();
  for (size_t i = 0; i + 64 <= count; i += 64)
    for (int j = 0; j < 8; ++j)
      acc[j] = _mm256_add_ps(acc[j], _mm256_load_ps(data + i + 8 * j));
  for (int j = 1; j < 8; ++j)
    acc[0] = _mm256_add_ps(acc[0], acc[j]);
  float lanes[8];
  _mm256_storeu_ps(lanes, acc[0]);
  return lanes[0];
}
#endif

double fmaBatchScalar() {
  float acc[12];
  for (float &a : acc)
    a = 1.0f;
  for (long i = 0; i < kIterations; ++i)
    for (float &a : acc)
      a = a * 0.999999f + 1e-7f;
  float s = 0;
  for (float a : acc)
    s += a;
  sink = s;
  return 2.0 * 12 * kIterations;
}

double latencyBatchScalar() {
  float a = 1.0f;
  for (long i = 0; i < kIterations; ++i)
    a = a * 0.999999f + 1e-7f;
  sink = a;
  return kIterations;
}

float sumScalar(const float *data, size_t count) {
  float acc[8] = {};
  for (size_t i = 0; i + 8 <= count; i += 8)
    for (int j = 0; j < 8; ++j)
      acc[j] += data[i + j];
  float s = 0;
  for (float a : acc)
    s += a;
  return s;
}

float sumBuffer(const float *data, size_t count, int vectorBits) {
#ifdef EFFAI_X86
  if (vectorBits == 512)
    return sum512(data, count);
  if (vectorBits == 256)
    return sum256(data, count);
#endif
  return sumScalar(data, count);
}

} // namespace

int effai::probe::getVectorBits() {
#ifdef EFFAI_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f"))
    return 512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return 256;
#endif
  return 0;
}

double effai::probe::measureFmaGflops(int vectorBits, double seconds) {
#ifdef EFFAI_X86
  if (vectorBits == 512)
    return bestRate(seconds, fmaBatch512) / 1e9;
  if (vectorBits == 256)
    return bestRate(seconds, fmaBatch256) / 1e9;
#endif
  return bestRate(seconds, fmaBatchScalar) / 1e9;
}

double effai::probe::measureFmaLatencyNs(int vectorBits, double seconds) {
  double rate = bestRate(seconds, latencyBatchScalar);
#ifdef EFFAI_X86
  if (vectorBits == 512)
    rate = bestRate(seconds, latencyBatch512);
  else if (vectorBits == 256)
    rate = bestRate(seconds, latencyBatch256);
#endif
  return 1e9 / rate;
}

double effai::probe::measureDotGops(int vectorBits, double seconds) {
#ifdef EFFAI_X86
  __builtin_cpu_init();
  if (vectorBits == 512 && __builtin_cpu_supports("avx512vnni"))
    return bestRate(seconds, dotBatch512) / 1e9;
  if (vectorBits >= 256 && __builtin_cpu_supports("avxvnni"))
    return bestRate(seconds, dotBatch256) / 1e9;
#endif
  return 0;
}

double effai::probe::measureReadBandwidth(size_t bytes, int threads,
                                          int vectorBits, double seconds) {
  size_t count = std::max<size_t>(bytes / sizeof(float), 128) / 128 * 128;
  std::vector<double> rates(threads);
  auto worker = [&](int index) {
    float *data = static_cast<float *>(
        std::aligned_alloc(64, count * sizeof(float)));
    for (size_t i = 0; i < count; ++i)
      data[i] = float(i % 7);
    // Enough passes per batch that timing overhead stays negligible.
    size_t passes = std::max<size_t>(1, (64u << 20) / (count * sizeof(float)));
    rates[index] = bestRate(seconds, [&] {
      float s = 0;
      for (size_t p = 0; p < passes; ++p)
        s += sumBuffer(data, count, vectorBits);
      sink = s;
      return double(passes * count * sizeof(float));
    });
    std::free(data);
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t)
    pool.emplace_back(worker, t);
  worker(0);
  for (std::thread &thread : pool)
    thread.join();
  double total = 0;
  for (double rate : rates)
    total += rate;
  return total / 1e9;
}
