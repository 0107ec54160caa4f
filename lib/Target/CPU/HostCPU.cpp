//===- HostCPU.cpp - describe the running CPU -------------------*- C++ -*-===//
//
// `host` is read, not assumed: LLVM's CPUID-based detection gives the CPU
// name and ISA features, sysfs the caches, the affinity mask the cores, and
// cpufreq or /proc/cpuinfo the clock. What CPUID cannot tell (FMA ports and
// latency) comes from a small per-micro-architecture table; unknown CPUs get
// the common case. Peak rates follow from the ISA and the clock.
//
//===----------------------------------------------------------------------===//

#include "effai/Target/CPU/HostCPU.h"
#include "effai/Dialect/Effai/IR/EffaiDialect.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <sched.h>
#include <unistd.h>

using namespace mlir;
using namespace mlir::effai;

namespace {

/// What CPUID does not say about a micro-architecture's vector unit.
struct VectorUnit {
  int64_t fmaLatency = 4;
  int64_t fmaPerCycle = 2;   ///< Widest-vector FMAs issued per cycle.
  int64_t loadsPerCycle = 2; ///< Widest-vector loads per cycle.
  double dotPerCycle = 1;    ///< Widest-vector 8-bit dot products per cycle.
};

/// Per-micro-architecture facts, by LLVM CPU name.
VectorUnit getVectorUnit(StringRef cpu) {
  struct Entry {
    const char *cpu;
    VectorUnit unit;
  };
  static const Entry table[] = {
      {"znver5", {4, 2, 2, 2}},   {"znver4", {4, 1, 1, 1}},
      {"znver3", {4, 2, 2, 1}},   {"znver2", {5, 2, 2, 1}},
      {"znver1", {5, 1, 2, 1}},   {"haswell", {5, 2, 2, 1}},
      {"broadwell", {4, 2, 2, 1}}, {"skylake", {4, 2, 2, 1}},
      {"icelake-client", {4, 1, 2, 1}}, {"tigerlake", {4, 1, 2, 1}},
  };
  for (const Entry &entry : table)
    if (cpu == entry.cpu)
      return entry.unit;
  return VectorUnit();
}

std::optional<std::string> readFile(const Twine &path) {
  auto buffer = llvm::MemoryBuffer::getFileAsStream(path);
  if (!buffer)
    return std::nullopt;
  return (*buffer)->getBuffer().trim().str();
}

/// Parses sysfs sizes such as "48K", "2048K", "300M".
int64_t parseSize(StringRef text) {
  int64_t scale = 1;
  if (text.consume_back("K"))
    scale = 1024;
  else if (text.consume_back("M"))
    scale = 1024 * 1024;
  int64_t value = 0;
  return text.getAsInteger(10, value) ? 0 : value * scale;
}

/// Number of CPUs in a sysfs list such as "0-1,4".
int64_t countCPUList(StringRef list) {
  int64_t count = 0;
  SmallVector<StringRef> ranges;
  list.split(ranges, ',', -1, false);
  for (StringRef range : ranges) {
    auto [first, last] = range.split('-');
    int64_t lo = 0, hi = 0;
    if (first.trim().getAsInteger(10, lo))
      continue;
    hi = lo;
    if (!last.empty() && last.trim().getAsInteger(10, hi))
      continue;
    count += hi - lo + 1;
  }
  return count;
}

int64_t getUsableCores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0)
    return std::max(1, CPU_COUNT(&set));
  return std::max<long>(1, sysconf(_SC_NPROCESSORS_ONLN));
}

double getClockGhz() {
  if (auto khz = readFile("/sys/devices/system/cpu/cpu0/cpufreq/"
                          "cpuinfo_max_freq")) {
    double value;
    if (!StringRef(*khz).getAsDouble(value) && value > 0)
      return value / 1e6;
  }
  if (auto info = readFile("/proc/cpuinfo")) {
    SmallVector<StringRef> lines;
    StringRef(*info).split(lines, '\n');
    for (StringRef line : lines) {
      if (!line.starts_with("cpu MHz"))
        continue;
      double mhz;
      if (!line.split(':').second.trim().getAsDouble(mhz) && mhz > 0)
        return mhz / 1000;
    }
  }
  return 2.0;
}

struct CacheLevel {
  int64_t level = 0, size = 0, line = 64, ways = 0, sharedBy = 1;
};

/// Data and unified caches from sysfs, by level.
SmallVector<CacheLevel> readCaches(int64_t cores) {
  SmallVector<CacheLevel> caches;
  for (int index = 0; index < 16; ++index) {
    std::string dir =
        "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index);
    auto type = readFile(dir + "/type");
    if (!type)
      break;
    if (*type == "Instruction")
      continue;
    CacheLevel cache;
    auto field = [&](const char *name) {
      auto text = readFile(dir + "/" + name);
      return text ? *text : std::string();
    };
    if (StringRef(field("level")).getAsInteger(10, cache.level))
      continue;
    cache.size = parseSize(field("size"));
    StringRef(field("coherency_line_size")).getAsInteger(10, cache.line);
    StringRef(field("ways_of_associativity")).getAsInteger(10, cache.ways);
    cache.sharedBy = std::clamp<int64_t>(
        countCPUList(field("shared_cpu_list")), 1, cores);
    if (cache.size > 0 && llvm::isPowerOf2_64(cache.line))
      caches.push_back(cache);
  }
  llvm::sort(caches, [](const CacheLevel &a, const CacheLevel &b) {
    return a.level < b.level;
  });
  return caches;
}

int64_t getVectorBits(const llvm::StringMap<bool> &features) {
  if (features.lookup("avx512f"))
    return 512;
  if (features.lookup("avx"))
    return 256;
  return 128;
}

/// Builds a CPU target from its ISA facts and machine numbers; bandwidths
/// are the usual bytes per cycle of each level (the probe measures them).
TargetAttr buildCPUTarget(MLIRContext *context, StringRef name,
                          StringRef triple, StringRef cpu,
                          const llvm::StringMap<bool> &features,
                          double clockGhz, int64_t cores,
                          ArrayRef<CacheLevel> caches, int64_t dramBytes,
                          double forkJoinUs) {
  Builder b(context);
  SmallVector<Attribute> featureAttrs;
  for (StringRef feature : getRelevantCPUFeatures())
    if (features.lookup(feature))
      featureAttrs.push_back(b.getStringAttr(feature));
  int64_t vectorBits = getVectorBits(features);
  bool avx512 = vectorBits == 512;
  VectorUnit unit = getVectorUnit(cpu);
  bool fma = features.lookup("fma") || avx512;
  int64_t fmaLatency = fma ? unit.fmaLatency : 7; // mul + add
  int64_t fmaPerCycle = fma ? unit.fmaPerCycle : 1;
  double lanes32 = vectorBits / 32.0;
  double fp32 = fmaPerCycle * lanes32 * 2 * clockGhz;
  bool vnni = (avx512 && features.lookup("avx512vnni")) ||
              features.lookup("avxvnni");
  double int8 = vnni ? unit.dotPerCycle * (vectorBits / 8.0) * 2 * clockGhz
                     : fp32;
  double bf16 = avx512 && features.lookup("avx512bf16") ? 2 * fp32 : 0.0;
  double int32 = 2 * lanes32 * clockGhz;

  double vectorBytes = vectorBits / 8.0;
  double l1 = unit.loadsPerCycle * vectorBytes * clockGhz;
  // Typical sustained rates per core: L2 ~32 B/cycle, L3 ~12 B/cycle.
  double perCycle[] = {0, l1 / clockGhz, 32, 12};
  SmallVector<Attribute> levels;
  double lastBandwidth = l1;
  int64_t lastSize = 0;
  for (const CacheLevel &cache : caches) {
    if (cache.level < 1 || cache.level > 3 || cache.size <= lastSize)
      continue;
    double bandwidth =
        std::min(lastBandwidth, perCycle[cache.level] * clockGhz);
    double shared = bandwidth * std::max<int64_t>(1, cache.sharedBy) * 0.8;
    levels.push_back(MemoryLevelAttr::get(
        context, "L" + std::to_string(cache.level), cache.size, cache.line,
        cache.ways, cache.sharedBy, bandwidth, std::max(bandwidth, shared)));
    lastBandwidth = bandwidth;
    lastSize = cache.size;
  }
  double dram = std::min(lastBandwidth, 12.0);
  double dramShared = std::max(dram, std::min(8.0 * cores, 100.0));
  levels.push_back(MemoryLevelAttr::get(
      context, "DRAM", std::max(dramBytes, lastSize + 1), 64, 0, cores, dram,
      dramShared));
  return TargetAttr::get(
      context, name, TargetKind::CPU, triple, cpu, b.getArrayAttr(featureAttrs),
      vectorBits, avx512 ? 32 : 16, fmaLatency, fmaPerCycle,
      unit.loadsPerCycle, clockGhz, cores,
      PeaksAttr::get(context, fp32, bf16, int8, int32),
      b.getArrayAttr(levels), forkJoinUs, GPUAttr(), FPGAAttr());
}

} // namespace

ArrayRef<StringRef> mlir::effai::getRelevantCPUFeatures() {
  static const StringRef features[] = {
      "sse2",       "sse4.2",     "avx",        "avx2",     "fma",
      "f16c",       "avx512f",    "avx512bw",   "avx512dq", "avx512vl",
      "avx512vnni", "avx512bf16", "avx512fp16", "avxvnni",  "amx-tile",
      "amx-int8",   "amx-bf16"};
  return features;
}

TargetAttr mlir::effai::getHostCPUTarget(MLIRContext *context) {
  // See parseTargetJSON: the caller's module may not use effai.
  context->getOrLoadDialect<EffaiDialect>();
  int64_t cores = getUsableCores();
  long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
  int64_t dramBytes = pages > 0 && pageSize > 0 ? int64_t(pages) * pageSize
                                                 : (int64_t(8) << 30);
  SmallVector<CacheLevel> caches = readCaches(cores);
  if (caches.empty())
    caches = {{1, 32 << 10, 64, 8, 1}, {2, 1 << 20, 64, 16, 1},
              {3, 8 << 20, 64, 16, cores}};
  return buildCPUTarget(context, "host", llvm::sys::getProcessTriple(),
                        llvm::sys::getHostCPUName(),
                        llvm::sys::getHostCPUFeatures(), getClockGhz(), cores,
                        caches, dramBytes, /*forkJoinUs=*/2.0);
}

FailureOr<TargetAttr> mlir::effai::retargetCPU(TargetAttr target,
                                               StringRef cpu,
                                               std::string &error) {
  llvm::InitializeNativeTarget();
  llvm::Triple triple(target.getTriple());
  const llvm::Target *llvmTarget =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!llvmTarget)
    return failure();
  std::string cpuName = cpu == "native" ? llvm::sys::getHostCPUName().str()
                                        : cpu.str();
  std::unique_ptr<llvm::MCSubtargetInfo> subtarget(
      llvmTarget->createMCSubtargetInfo(triple, cpuName, ""));
  if (!subtarget || !subtarget->isCPUStringValid(cpuName)) {
    error = "unknown CPU '" + cpuName + "' for " + triple.str() +
            " (try 'native' or 'generic')";
    return failure();
  }
  llvm::StringMap<bool> features;
  for (StringRef feature : getRelevantCPUFeatures())
    features[feature] = subtarget->checkFeatures(("+" + feature).str());
  if (cpu == "native")
    features = llvm::sys::getHostCPUFeatures();
  SmallVector<CacheLevel> caches;
  for (MemoryLevelAttr level : target.getMemoryLevels()) {
    int64_t number = 0;
    if (level.getName().starts_with("L") &&
        !level.getName().drop_front().getAsInteger(10, number))
      caches.push_back({number, level.getSize(), level.getLine(),
                        level.getWays(), level.getSharedBy()});
  }
  return buildCPUTarget(target.getContext(), target.getName(),
                        target.getTriple(), cpuName, features,
                        target.getClockGhz(), target.getCores(), caches,
                        target.getMainMemory().getSize(),
                        target.getForkJoinUs());
}
