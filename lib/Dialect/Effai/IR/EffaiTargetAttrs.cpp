//===- EffaiTargetAttrs.cpp - machine model and tiling ----------*- C++ -*-===//
//
// Verifiers and accessors of #effai.target, #effai.memory, #effai.peaks and
// #effai.tiling: a machine description must be physically sensible (sizes
// grow and bandwidths shrink away from the core) so that analytic models
// reading it never divide by zero or invert a hierarchy.
//
//===----------------------------------------------------------------------===//

#include "effai/Dialect/Effai/IR/EffaiAttrs.h"
#include "effai/Dialect/Effai/IR/EffaiDialect.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::effai;

#include "effai/Dialect/Effai/IR/EffaiEnums.cpp.inc"

#include <charconv>

std::string mlir::effai::formatReal(double value) {
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  std::string text(buffer, error == std::errc() ? end : buffer);
  if (text.find_first_of(".en") == std::string::npos)
    text += ".0";
  return text;
}

void mlir::effai::printReal(AsmPrinter &printer, double value) {
  printer << formatReal(value);
}

//===----------------------------------------------------------------------===//
// MemoryLevelAttr
//===----------------------------------------------------------------------===//

LogicalResult
MemoryLevelAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                        StringRef name, int64_t size, int64_t line,
                        int64_t ways, int64_t sharedBy, Real bandwidth,
                        Real sharedBandwidth) {
  if (name.empty())
    return emitError() << "memory level needs a name";
  if (size <= 0)
    return emitError() << "memory level '" << name
                       << "': size must be positive, got " << size;
  if (line <= 0 || !llvm::isPowerOf2_64(line))
    return emitError() << "memory level '" << name
                       << "': line must be a positive power of two, got "
                       << line;
  if (ways < 0)
    return emitError() << "memory level '" << name
                       << "': ways must be >= 0 (0: not a cache), got " << ways;
  if (sharedBy < 1)
    return emitError() << "memory level '" << name
                       << "': shared_by must be >= 1, got " << sharedBy;
  if (!(bandwidth > 0) || !(sharedBandwidth > 0))
    return emitError() << "memory level '" << name
                       << "': bandwidths must be positive";
  if (sharedBandwidth < bandwidth)
    return emitError() << "memory level '" << name
                       << "': shared_bandwidth (" << formatReal(sharedBandwidth)
                       << " GB/s) is below one core's bandwidth ("
                       << formatReal(bandwidth) << " GB/s)";
  return success();
}

//===----------------------------------------------------------------------===//
// PeaksAttr
//===----------------------------------------------------------------------===//

LogicalResult PeaksAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                Real fp32, Real bf16, Real int8,
                                Real int32) {
  if (!(fp32 > 0))
    return emitError() << "peaks: fp32 must be positive, got "
                       << formatReal(fp32);
  if (bf16 < 0 || int8 < 0 || int32 < 0)
    return emitError() << "peaks must not be negative";
  return success();
}

//===----------------------------------------------------------------------===//
// TargetAttr
//===----------------------------------------------------------------------===//

LogicalResult TargetAttr::verify(
    function_ref<InFlightDiagnostic()> emitError, StringRef name,
    TargetKind kind, StringRef triple, StringRef cpu, ArrayAttr features,
    int64_t vectorBits, int64_t vectorRegisters, int64_t fmaLatency,
    int64_t fmaPerCycle, int64_t loadsPerCycle, Real clockGhz, int64_t cores,
    PeaksAttr peaks, ArrayAttr memory, Real forkJoinUs) {
  if (name.empty())
    return emitError() << "target needs a name";
  for (Attribute feature : features)
    if (!isa<StringAttr>(feature))
      return emitError() << "target '" << name
                         << "': features must be strings, got " << feature;
  if (vectorBits < 32 || vectorBits % 32 != 0)
    return emitError() << "target '" << name
                       << "': vector_bits must be a positive multiple of 32, "
                          "got "
                       << vectorBits;
  if (vectorRegisters < 1)
    return emitError() << "target '" << name
                       << "': vector_registers must be positive";
  if (fmaLatency < 1 || fmaPerCycle < 1 || loadsPerCycle < 1)
    return emitError() << "target '" << name
                       << "': fma_latency, fma_per_cycle and "
                          "loads_per_cycle must be positive";
  if (!(clockGhz > 0))
    return emitError() << "target '" << name << "': clock_ghz must be positive";
  if (cores < 1)
    return emitError() << "target '" << name << "': cores must be positive";
  if (forkJoinUs < 0)
    return emitError() << "target '" << name
                       << "': fork_join_us must not be negative";
  if (memory.empty())
    return emitError() << "target '" << name
                       << "': memory needs at least main memory";
  MemoryLevelAttr previous;
  for (Attribute attr : memory) {
    auto level = dyn_cast<MemoryLevelAttr>(attr);
    if (!level)
      return emitError() << "target '" << name
                         << "': memory must list #effai.memory levels, got "
                         << attr;
    if (level.getSharedBy() > cores)
      return emitError() << "target '" << name << "': memory level '"
                         << level.getName() << "' is shared by "
                         << level.getSharedBy() << " cores but the target has "
                         << cores;
    if (previous) {
      if (level.getSize() <= previous.getSize())
        return emitError() << "target '" << name << "': memory level '"
                           << level.getName() << "' (" << level.getSize()
                           << " bytes) must be larger than '"
                           << previous.getName() << "' ("
                           << previous.getSize() << " bytes)";
      if (level.getBandwidth() > previous.getBandwidth())
        return emitError() << "target '" << name << "': memory level '"
                           << level.getName() << "' is faster ("
                           << formatReal(level.getBandwidth()) << " GB/s) than '"
                           << previous.getName() << "' ("
                           << formatReal(previous.getBandwidth()) << " GB/s)";
    }
    previous = level;
  }
  return success();
}

bool TargetAttr::hasFeature(StringRef feature) const {
  return llvm::any_of(getFeatures(), [&](Attribute attr) {
    return cast<StringAttr>(attr).getValue() == feature;
  });
}

SmallVector<MemoryLevelAttr> TargetAttr::getMemoryLevels() const {
  return llvm::map_to_vector(getMemory(), [](Attribute attr) {
    return cast<MemoryLevelAttr>(attr);
  });
}

MemoryLevelAttr TargetAttr::getMemoryLevel(StringRef name) const {
  for (Attribute attr : getMemory())
    if (auto level = cast<MemoryLevelAttr>(attr); level.getName() == name)
      return level;
  return {};
}

MemoryLevelAttr TargetAttr::getMainMemory() const {
  return cast<MemoryLevelAttr>(getMemory()[getMemory().size() - 1]);
}

TargetAttr TargetAttr::lookup(Operation *op) {
  for (; op; op = op->getParentOp())
    if (auto target = op->getAttrOfType<TargetAttr>(getAttrName()))
      return target;
  return {};
}

//===----------------------------------------------------------------------===//
// TilingAttr
//===----------------------------------------------------------------------===//

LogicalResult TilingAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 StringRef kernel, int64_t lanes,
                                 ArrayRef<int64_t> mr, int64_t nr, int64_t dot,
                                 int64_t kc,
                                 int64_t mc, int64_t nc, bool packA,
                                 StringRef packB, int64_t threads,
                                 StringRef parallel, bool epilogue,
                                 Real intensity, StringRef bound,
                                 Real predictedUs) {
  if (!llvm::is_contained(
          {"contraction", "unrolled", "elementwise", "reduction", "loops"},
          kernel))
    return emitError() << "tiling: unknown kernel '" << kernel
                       << "' (expected contraction, unrolled, elementwise, "
                          "reduction or loops)";
  if (lanes < 0)
    return emitError() << "tiling: lanes must not be negative";
  if (kernel == "contraction") {
    if (lanes < 1)
      return emitError() << "tiling: a contraction needs lanes >= 1";
    if (mr.empty() || llvm::any_of(mr, [](int64_t r) { return r < 1; }))
      return emitError() << "tiling: a contraction needs positive mr entries";
    if (nr < lanes || nr % lanes != 0)
      return emitError() << "tiling: nr (" << nr
                         << ") must be a positive multiple of lanes ("
                         << lanes << ")";
    if (kc < 1 || mc < 1 || nc < 1)
      return emitError() << "tiling: kc, mc and nc must be positive";
    if (mc % mr.front() != 0)
      return emitError() << "tiling: mc (" << mc
                         << ") must be a multiple of the outermost mr entry ("
                         << mr.front() << ")";
    if (nc % nr != 0)
      return emitError() << "tiling: nc (" << nc
                         << ") must be a multiple of nr (" << nr << ")";
  }
  if (dot != 1 && dot != 4)
    return emitError() << "tiling: dot must be 1 or 4, got " << dot;
  if (dot != 1 && kernel != "contraction")
    return emitError() << "tiling: dot products need a contraction kernel";
  if (!llvm::is_contained({"none", "compile", "runtime"}, packB))
    return emitError() << "tiling: pack_b must be none, compile or runtime, "
                          "got '"
                       << packB << "'";
  if (threads < 1)
    return emitError() << "tiling: threads must be positive";
  if (!llvm::is_contained({"none", "m", "n", "batch"}, parallel))
    return emitError() << "tiling: parallel must be none, m, n or batch, got '"
                       << parallel << "'";
  if (threads > 1 && parallel == "none")
    return emitError() << "tiling: " << threads
                       << " threads need a parallel group";
  if (intensity < 0 || predictedUs < 0)
    return emitError() << "tiling: intensity and predicted_us must not be "
                          "negative";
  if (bound.empty())
    return emitError() << "tiling: bound must name a roof";
  return success();
}

int64_t TilingAttr::getRegisterRows() const {
  int64_t rows = 1;
  for (int64_t r : getMr())
    rows *= r;
  return rows;
}

LogicalResult
ConvAlgorithmAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                          StringRef algorithm, Real directUs, Real winogradUs) {
  if (!llvm::is_contained({"direct", "winograd-f2x2-3x3"}, algorithm))
    return emitError() << "conv_algorithm: unknown algorithm '" << algorithm
                       << "' (expected direct or winograd-f2x2-3x3)";
  if (directUs < 0 || winogradUs < 0)
    return emitError() << "conv_algorithm: direct_us and winograd_us must not "
                          "be negative";
  return success();
}
