//===- runtime-stress.cpp - the runtime under concurrent load -------------===//
//
// Runs one compiled model the ways a server embeds the runtime, and checks
// every result against a single-threaded run of the same inputs:
//   own      N threads, each with its own effai_load of the model
//   shared   N threads running one loaded model (effai_run serializes)
//   cycles   load, run and unload in a loop; resident memory must not grow
// Prints one line per phase (threads, runs, mismatches) and exits 1 on any
// mismatch, runtime error or growth. Built with TSan by scripts/sanitize.sh.
//
// Usage: effai-runtime-stress MODEL.so [--threads N] [--runs R]
//                              [--load-cycles L]
//
//===----------------------------------------------------------------------===//

#include "effai/runtime.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace {

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define EFFAI_STRESS_ASAN 1
#endif
#endif
#ifdef EFFAI_STRESS_ASAN
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif

struct Buffers {
  std::vector<std::vector<char>> data;
  std::vector<std::vector<int64_t>> shapes;
  std::vector<effai_tensor> tensors;
};

/// Buffers shaped like the model's inputs (or outputs); inputs are filled
/// from `seed` so every run has its own values.
bool allocate(effai_model *model, bool inputs, unsigned seed, Buffers &out) {
  size_t count = inputs ? effai_num_inputs(model) : effai_num_outputs(model);
  out.data.resize(count);
  out.shapes.resize(count);
  out.tensors.resize(count);
  for (size_t i = 0; i < count; ++i) {
    const char *name;
    effai_tensor info;
    if ((inputs ? effai_input_info : effai_output_info)(model, i, &name,
                                                        &info) != EFFAI_OK)
      return false;
    size_t elements = 1;
    out.shapes[i].assign(info.shape, info.shape + info.rank);
    for (int64_t dim : out.shapes[i])
      elements *= size_t(dim);
    size_t bytes = elements * effai_dtype_size(info.dtype);
    out.data[i].assign(bytes, 0);
    // Small values of any dtype: the low bits of each element vary.
    uint32_t state = seed * 2654435761u + uint32_t(i) + 1;
    for (size_t e = 0; inputs && e < elements; ++e) {
      state = state * 1664525u + 1013904223u;
      char *element = out.data[i].data() + e * effai_dtype_size(info.dtype);
      if (info.dtype == EFFAI_FLOAT) {
        float value = float(state >> 8) / float(1 << 24) - 0.5f;
        std::memcpy(element, &value, sizeof value);
      } else if (info.dtype == EFFAI_BOOL) {
        *element = char(state >> 31);
      } else {
        *element = char(state >> 24);
      }
    }
    out.tensors[i] = {out.data[i].data(), info.dtype, info.rank,
                      out.shapes[i].data()};
  }
  return true;
}

/// The outputs of `model` on the inputs of `seed`, concatenated.
bool runOnce(effai_model *model, unsigned seed, std::vector<char> &result) {
  Buffers inputs, outputs;
  if (!allocate(model, true, seed, inputs) ||
      !allocate(model, false, seed, outputs))
    return false;
  if (effai_run(model, inputs.tensors.data(), inputs.tensors.size(),
                outputs.tensors.data(), outputs.tensors.size()) != EFFAI_OK)
    return false;
  result.clear();
  for (const std::vector<char> &data : outputs.data)
    result.insert(result.end(), data.begin(), data.end());
  return true;
}

long residentKB() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * 4;
}

int parseFlag(int argc, char **argv, const char *flag, int fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], flag) == 0)
      return std::atoi(argv[i + 1]);
  return fallback;
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: effai-runtime-stress MODEL.so [--threads N] "
                         "[--runs R] [--load-cycles L]\n");
    return 2;
  }
  const char *path = argv[1];
  int threads = parseFlag(argc, argv, "--threads", 8);
  int runs = parseFlag(argc, argv, "--runs", 50);
  int cycles = parseFlag(argc, argv, "--load-cycles", 200);

  // The reference: every seed, one thread, one model.
  effai_model *reference = nullptr;
  if (effai_load(path, &reference) != EFFAI_OK) {
    std::fprintf(stderr, "error: %s\n", effai_last_error());
    return 1;
  }
  std::vector<std::vector<char>> expected(runs);
  for (int seed = 0; seed < runs; ++seed)
    if (!runOnce(reference, unsigned(seed), expected[seed])) {
      std::fprintf(stderr, "error: %s\n", effai_last_error());
      return 1;
    }

  std::atomic<int> mismatches{0}, errors{0};
  auto work = [&](effai_model *model, int thread) {
    std::vector<char> result;
    for (int r = 0; r < runs; ++r) {
      int seed = (r + thread) % runs; // threads run different inputs at once
      if (!runOnce(model, unsigned(seed), result))
        ++errors;
      else if (result != expected[seed])
        ++mismatches;
    }
  };
  auto report = [&](const char *phase) {
    std::printf("%s: threads %d runs %d mismatches %d errors %d\n", phase,
                threads, threads * runs, mismatches.load(), errors.load());
  };

  // Each thread with its own model.
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      effai_model *own = nullptr;
      if (effai_load(path, &own) != EFFAI_OK) {
        ++errors;
        return;
      }
      work(own, t);
      effai_unload(own);
    });
  for (std::thread &thread : pool)
    thread.join();
  report("own models");
  bool failed = mismatches || errors;

  // All threads on one model.
  mismatches = errors = 0;
  pool.clear();
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] { work(reference, t); });
  for (std::thread &thread : pool)
    thread.join();
  report("shared model");
  failed |= mismatches || errors;
  effai_unload(reference);

  // Load, run, unload: after a warm-up, resident memory stays flat.
  long before = 0;
  int cycleErrors = 0;
  const int warmUp = 10;
  for (int c = 0; c < warmUp + cycles; ++c) {
    if (c == warmUp)
      before = residentKB();
    effai_model *model = nullptr;
    std::vector<char> result;
    if (effai_load(path, &model) != EFFAI_OK ||
        !runOnce(model, unsigned(c % runs), result) ||
        result != expected[c % runs])
      ++cycleErrors;
    effai_unload(model);
  }
  long grown = residentKB() - before;
  // Allocator noise is a few pages; a leaked workspace per cycle is more.
  // (ASan's quarantine holds freed memory back: no bound under it.)
  const long allowedKB = kAddressSanitizer ? -1 : 2048;
  std::printf("load/unload: cycles %d errors %d resident memory grew %ld KB "
              "(allowed %ld)\n",
              cycles, cycleErrors, grown, allowedKB);
  failed |= cycleErrors || (allowedKB >= 0 && grown > allowedKB);
  return failed ? 1 : 0;
}
