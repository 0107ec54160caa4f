//===- effai-probe-target.cpp - measure the machine's roofs -----*- C++ -*-===//
//
//   effai-probe-target -o machine.json [--base=host] [--seconds=0.2]
//   effai-compile model.onnx -o model.so --machine=machine.json
//
// `host` derives peak rates from the ISA and the nominal clock, and cache
// bandwidths from typical bytes per cycle; virtual machines report a base
// clock below what the cores run at, and bandwidths vary with the part.
// This tool measures instead: vector FMA throughput and latency (hence the
// running clock and FMA issue width), VNNI dot-product throughput, and the
// read bandwidth of every memory level on one core and on all cores, and
// writes the base description with those numbers as JSON (the format of
// lib/Target/Presets/, which --machine and effai-set-target read).
//
//===----------------------------------------------------------------------===//

#include "Probes.h"

#include "effai/Dialect/Effai/IR/EffaiDialect.h"
#include "effai/Target/TargetDescription.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace mlir::effai;

namespace {

/// Read-bandwidth working sets: half of a cache level (what stays resident
/// next to the stack and code), main memory at several times the last
/// cache, bounded so that the probe stays quick.
size_t getProbeBytes(MemoryLevelAttr level, bool isMainMemory,
                     int64_t lastCacheBytes, int threads) {
  if (isMainMemory)
    return std::clamp<int64_t>(4 * lastCacheBytes, 256 << 20, 1 << 30) /
           threads;
  int64_t sharers = std::min<int64_t>(threads, level.getSharedBy());
  return std::max<int64_t>(level.getSize() / 2 / sharers, 4096);
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  llvm::cl::opt<std::string> outputPath(
      "o", llvm::cl::desc("Where to write the JSON description (default: "
                          "stdout)"),
      llvm::cl::value_desc("machine.json"), llvm::cl::init("-"));
  llvm::cl::opt<std::string> base(
      "base",
      llvm::cl::desc("Description to start from: host, a preset or a .json "
                     "file (its caches, cores and ISA are kept)"),
      llvm::cl::init("host"));
  llvm::cl::opt<std::string> name(
      "name", llvm::cl::desc("Name of the written description"),
      llvm::cl::init("probed"));
  llvm::cl::opt<double> seconds(
      "seconds", llvm::cl::desc("Time spent on each measurement"),
      llvm::cl::init(0.2));
  llvm::cl::list<uint64_t> readBytes(
      "read-bytes",
      llvm::cl::desc("Also report the read bandwidth of a working set of "
                     "this many bytes (e.g. a model's weights); not written "
                     "to the JSON"),
      llvm::cl::CommaSeparated);
  llvm::cl::ParseCommandLineOptions(
      argc, argv, "effai machine probe: measures the roofs of this CPU\n");
  if (!(seconds > 0 && seconds <= 10)) {
    llvm::errs() << "effai-probe-target: error: --seconds must be in (0, 10], "
                    "got "
                 << seconds << "\n";
    return 1;
  }

  MLIRContext context;
  std::string error;
  FailureOr<TargetAttr> resolved = resolveTarget(&context, base, error);
  if (failed(resolved)) {
    llvm::errs() << "effai-probe-target: error: " << error << "\n";
    return 1;
  }
  TargetAttr target = *resolved;
  if (target.getKind() != TargetKind::CPU) {
    llvm::errs() << "effai-probe-target: error: --base must describe a CPU, "
                    "'"
                 << base << "' is not one\n";
    return 1;
  }
  // The probes run here: they can only use vectors this CPU has.
  int vectorBits = std::min<int>(target.getVectorBits(),
                                 ::effai::probe::getVectorBits());
  if (vectorBits != target.getVectorBits())
    llvm::errs() << "effai-probe-target: warning: this CPU runs "
                 << vectorBits << "-bit vectors, the base describes "
                 << target.getVectorBits() << "-bit ones; probing "
                 << vectorBits << "\n";
  int lanes = std::max(1, vectorBits / 32);

  double fp32 = ::effai::probe::measureFmaGflops(vectorBits, seconds);
  double latencyNs = ::effai::probe::measureFmaLatencyNs(vectorBits, seconds);
  // The FMA latency in cycles is a property of the design (4 or 5 on every
  // current core); with it the measured latency gives the running clock,
  // and the throughput the FMA issue width.
  double clockGhz = target.getFmaLatency() / latencyNs;
  int64_t fmaPerCycle = std::max<int64_t>(
      1, std::lround(fp32 / (2.0 * lanes * clockGhz)));
  double dot = ::effai::probe::measureDotGops(vectorBits, seconds);
  double scale = clockGhz / target.getClockGhz();
  PeaksAttr basePeaks = target.getPeaks();
  PeaksAttr peaks = PeaksAttr::get(
      &context, fp32, basePeaks.getBf16() * scale,
      dot > 0 ? dot : basePeaks.getInt8() * scale,
      basePeaks.getInt32() * scale);

  int cores = std::max<int64_t>(1, target.getCores());
  SmallVector<MemoryLevelAttr> levels = target.getMemoryLevels();
  int64_t lastCache = levels.size() > 1 ? levels[levels.size() - 2].getSize()
                                        : 8 << 20;
  SmallVector<double> one, all;
  llvm::errs() << llvm::format("fp32 FMA: %.1f GFLOP/s per core, latency "
                               "%.2f ns -> %.2f GHz, %lld FMA/cycle\n",
                               fp32, latencyNs, clockGhz,
                               (long long)fmaPerCycle);
  if (dot > 0)
    llvm::errs() << llvm::format("int8 dot (VNNI): %.1f GOP/s per core\n",
                                 dot);
  for (auto [index, level] : llvm::enumerate(levels)) {
    bool isMain = index + 1 == levels.size();
    one.push_back(::effai::probe::measureReadBandwidth(
        getProbeBytes(level, isMain, lastCache, 1), 1, vectorBits, seconds));
    all.push_back(cores == 1 ? one.back()
                             : ::effai::probe::measureReadBandwidth(
                                   getProbeBytes(level, isMain, lastCache,
                                                 cores),
                                   cores, vectorBits, seconds));
    llvm::errs() << llvm::format("%-5s read: %7.1f GB/s on 1 core, %7.1f GB/s "
                                 "on %d\n",
                                 level.getName().str().c_str(), one.back(),
                                 all.back(), cores);
  }
  // A level measured slower than the one below it was really served from
  // below (a cache shared with other tenants, or smaller than reported):
  // it is at least as fast.
  for (size_t i = levels.size() - 1; i-- > 0;) {
    one[i] = std::max(one[i], one[i + 1]);
    all[i] = std::max(all[i], all[i + 1]);
  }
  SmallVector<Attribute> measured;
  for (auto [index, level] : llvm::enumerate(levels))
    measured.push_back(MemoryLevelAttr::get(
        &context, level.getName(), level.getSize(), level.getLine(),
        level.getWays(), level.getSharedBy(), one[index],
        std::max(one[index], all[index])));

  for (uint64_t bytes : readBytes) {
    double one = ::effai::probe::measureReadBandwidth(bytes, 1, vectorBits,
                                                      seconds);
    double all = cores == 1 ? one
                            : ::effai::probe::measureReadBandwidth(
                                  bytes / cores, cores, vectorBits, seconds);
    llvm::errs() << llvm::format("%llu bytes read: %7.1f GB/s on 1 core, "
                                 "%7.1f GB/s on %d\n",
                                 (unsigned long long)bytes, one, all, cores);
  }

  TargetAttr probed = TargetAttr::get(
      &context, name, target.getKind(), target.getTriple(), target.getCpu(),
      target.getFeatures(), target.getVectorBits(),
      target.getVectorRegisters(), target.getFmaLatency(), fmaPerCycle,
      target.getLoadsPerCycle(), clockGhz, target.getCores(), peaks,
      Builder(&context).getArrayAttr(measured), target.getForkJoinUs(),
      target.getGpu(), target.getFpga());

  std::error_code ec;
  llvm::ToolOutputFile out(outputPath, ec, llvm::sys::fs::OF_Text);
  if (ec) {
    llvm::errs() << "effai-probe-target: error: cannot write '" << outputPath
                 << "': " << ec.message() << "\n";
    return 1;
  }
  out.os() << printTargetJSON(probed) << "\n";
  out.keep();
  return 0;
}
