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
    return emitError() << "memory level '" << name << "': shared_bandwidth ("
                       << formatReal(sharedBandwidth)
                       << " GB/s) is below one core's bandwidth ("
                       << formatReal(bandwidth) << " GB/s)";
  return success();
}

//===----------------------------------------------------------------------===//
// PeaksAttr
//===----------------------------------------------------------------------===//

LogicalResult PeaksAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                Real fp32, Real bf16, Real int8, Real int32) {
  if (!(fp32 > 0))
    return emitError() << "peaks: fp32 must be positive, got "
                       << formatReal(fp32);
  if (bf16 < 0 || int8 < 0 || int32 < 0)
    return emitError() << "peaks must not be negative";
  return success();
}

//===----------------------------------------------------------------------===//
// GPUAttr
//===----------------------------------------------------------------------===//

/// The number in `sm_90` or `sm_90a`, or -1.
static int64_t parseArchitecture(StringRef chip) {
  int64_t number;
  if (!chip.consume_front("sm_"))
    return -1;
  chip.consume_back("a");
  if (chip.getAsInteger(10, number))
    return -1;
  return number;
}

LogicalResult
GPUAttr::verify(function_ref<InFlightDiagnostic()> emitError, StringRef chip,
                int64_t ptx, int64_t warpSize, int64_t registersPerSm,
                int64_t maxRegistersPerThread, int64_t sharedPerSm,
                int64_t sharedPerBlock, int64_t maxThreadsPerSm,
                int64_t maxThreadsPerBlock, Real tensorFp16, Real tensorBf16,
                Real tensorTf32, Real tensorInt8) {
  // CUDA 13's ptxas assembles nothing older than Turing.
  if (parseArchitecture(chip) < 75)
    return emitError() << "gpu: chip must be sm_75 or newer (sm_<number>), "
                          "got '"
                       << chip << "'";
  if (ptx < 60)
    return emitError() << "gpu: ptx must be a PTX ISA version such as 80 "
                          "(8.0), got "
                       << ptx;
  if (warpSize != 32)
    return emitError() << "gpu: warp_size must be 32, got " << warpSize;
  if (maxRegistersPerThread < 16 || registersPerSm < maxRegistersPerThread)
    return emitError() << "gpu: need 16 <= max_registers_per_thread <= "
                          "registers_per_sm";
  if (sharedPerBlock < 1 || sharedPerSm < sharedPerBlock)
    return emitError() << "gpu: need 0 < shared_per_block (" << sharedPerBlock
                       << ") <= shared_per_sm (" << sharedPerSm << ")";
  if (maxThreadsPerBlock < warpSize || maxThreadsPerSm < maxThreadsPerBlock)
    return emitError() << "gpu: need warp_size <= max_threads_per_block ("
                       << maxThreadsPerBlock << ") <= max_threads_per_sm ("
                       << maxThreadsPerSm << ")";
  if (tensorFp16 < 0 || tensorBf16 < 0 || tensorTf32 < 0 || tensorInt8 < 0)
    return emitError() << "gpu: tensor-core peaks must not be negative";
  return success();
}

int64_t GPUAttr::getArchitecture() const {
  return parseArchitecture(getChip());
}

//===----------------------------------------------------------------------===//
// TargetAttr
//===----------------------------------------------------------------------===//

LogicalResult TargetAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 StringRef name, TargetKind kind,
                                 StringRef triple, StringRef cpu,
                                 ArrayAttr features, int64_t vectorBits,
                                 int64_t vectorRegisters, int64_t fmaLatency,
                                 int64_t fmaPerCycle, int64_t loadsPerCycle,
                                 Real clockGhz, int64_t cores, PeaksAttr peaks,
                                 ArrayAttr memory, Real forkJoinUs, GPUAttr gpu,
                                 FPGAAttr fpga) {
  if (name.empty())
    return emitError() << "target needs a name";
  if ((kind == TargetKind::GPU) != bool(gpu))
    return emitError() << "target '" << name << "': "
                       << (gpu ? "only a gpu target takes gpu parameters"
                               : "a gpu target needs gpu = #effai.gpu<...>");
  if ((kind == TargetKind::FPGA) != bool(fpga))
    return emitError() << "target '" << name << "': "
                       << (fpga ? "only an fpga target takes fpga parameters"
                                : "an fpga target needs fpga = "
                                  "#effai.fpga<...>");
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
                           << previous.getName() << "' (" << previous.getSize()
                           << " bytes)";
      if (level.getBandwidth() > previous.getBandwidth())
        return emitError() << "target '" << name << "': memory level '"
                           << level.getName() << "' is faster ("
                           << formatReal(level.getBandwidth())
                           << " GB/s) than '" << previous.getName() << "' ("
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
  return llvm::map_to_vector(
      getMemory(), [](Attribute attr) { return cast<MemoryLevelAttr>(attr); });
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

double TargetAttr::getPeakGops(Arithmetic arithmetic) const {
  PeaksAttr peaks = getPeaks();
  switch (arithmetic) {
  case Arithmetic::FP32:
    return peaks.getFp32();
  case Arithmetic::BF16:
    return peaks.getBf16() > 0 ? double(peaks.getBf16())
                               : double(peaks.getFp32());
  case Arithmetic::Int8:
    return peaks.getInt8();
  case Arithmetic::Int32:
    return peaks.getInt32();
  }
  return peaks.getFp32();
}

double TargetAttr::getUsableBytes(MemoryLevelAttr level) {
  int64_t ways = level.getWays();
  double size = level.getSize();
  return ways > 1 ? size * (ways - 1) / ways : size;
}

MemoryLevelAttr TargetAttr::getStreamingLevel(double bytes) const {
  SmallVector<MemoryLevelAttr> levels = getMemoryLevels();
  for (size_t i = 0; i + 1 < levels.size(); ++i)
    if (bytes <= getUsableBytes(levels[i]) /
                     std::max<int64_t>(1, levels[i].getSharedBy()))
      return levels[i];
  return levels.back();
}

double TargetAttr::predictRooflineUs(const OpCost &cost) const {
  // A peak of 0 means no such instructions: the code falls back to fp32.
  double peak = getPeakGops(cost.arithmetic);
  if (peak <= 0.0)
    peak = getPeaks().getFp32();
  // GOP/s and GB/s are ops and bytes per ns: x 1e3 per µs.
  double computeUs = cost.getOps() / (std::max(peak, 1e-9) * 1e3);
  MemoryLevelAttr level = getStreamingLevel(cost.getBytes());
  double memoryUs =
      cost.getBytes() / (std::max<double>(level.getBandwidth(), 1e-9) * 1e3);
  return std::max(computeUs, memoryUs);
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
                                 int64_t kc, int64_t mc, int64_t nc, bool packA,
                                 StringRef packB, int64_t bBits,
                                 int64_t threads, StringRef parallel,
                                 bool epilogue, Real intensity, StringRef bound,
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
                         << ") must be a positive multiple of lanes (" << lanes
                         << ")";
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
  if (bBits != 0 && bBits != 2 && bBits != 4)
    return emitError() << "tiling: b_bits must be 0 (as stored), 2 or 4, got "
                       << bBits;
  if (bBits != 0 && (kernel != "contraction" || packB != "compile" ||
                     dot != 1 || nr % (8 / bBits) != 0))
    return emitError() << "tiling: b_bits = " << bBits
                       << " needs a contraction with pack_b = \"compile\", "
                          "dot = 1 and nr a multiple of "
                       << 8 / bBits;
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

//===----------------------------------------------------------------------===//
// GPUTilingAttr
//===----------------------------------------------------------------------===//

LogicalResult FPGAAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                               StringRef family, StringRef part, int64_t dsp,
                               int64_t dspABits, int64_t dspBBits, int64_t lut,
                               int64_t lutInputs, int64_t ff, int64_t bram,
                               int64_t bramBits, int64_t uram,
                               int64_t uramBits) {
  if (family.empty() || part.empty())
    return emitError() << "fpga: family and part must be named";
  if (dsp < 0 || lut < 1 || ff < 1 || bram < 0 || uram < 0)
    return emitError() << "fpga: lut and ff must be positive, dsp, bram and "
                          "uram not negative";
  if (dspABits < 2 || dspBBits < 2 || dspABits > 64 || dspBBits > 64)
    return emitError() << "fpga: dsp_a_bits and dsp_b_bits must be 2 to 64";
  if (lutInputs < 2 || lutInputs > 8)
    return emitError() << "fpga: lut_inputs must be 2 to 8, got " << lutInputs;
  if (bramBits < 1 || uramBits < 1)
    return emitError() << "fpga: bram_bits and uram_bits must be positive";
  return success();
}

LogicalResult
GPUTilingAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                      StringRef kernel, ArrayRef<int64_t> block,
                      ArrayRef<int64_t> thread, int64_t threads, int64_t blocks,
                      Real intensity, StringRef bound, Real predictedUs,
                      int64_t splitK, int64_t stageK) {
  if (!llvm::is_contained(
          {"contraction", "mma", "elementwise", "reduction", "loops"}, kernel))
    return emitError() << "gpu_tiling: unknown kernel '" << kernel
                       << "' (expected contraction, mma, elementwise, "
                          "reduction or loops)";
  if (kernel == "mma" && (splitK != 1 || threads % 32 != 0))
    return emitError() << "gpu_tiling: an mma tiling has whole warps (threads "
                          "a multiple of 32) and no split_k";
  if (block.size() != thread.size())
    return emitError() << "gpu_tiling: block has " << block.size()
                       << " entries but thread has " << thread.size();
  for (auto [b, t] : llvm::zip_equal(block, thread)) {
    if (b < 0 || t < 0 || (b == 0) != (t == 0))
      return emitError() << "gpu_tiling: block and thread tiles must be "
                            "positive, or both 0 for a loop left whole";
    if (b > 0 && b % t != 0)
      return emitError() << "gpu_tiling: thread tile " << t
                         << " does not divide block tile " << b;
  }
  if (threads < 1 || blocks < 1)
    return emitError() << "gpu_tiling: threads and blocks must be positive";
  if (intensity < 0 || predictedUs < 0)
    return emitError() << "gpu_tiling: intensity and predicted_us must not be "
                          "negative";
  if (bound.empty())
    return emitError() << "gpu_tiling: bound must name a roof";
  if (splitK < 1)
    return emitError() << "gpu_tiling: split_k must be at least 1";
  if (stageK < 0 || (stageK > 0 && (kernel != "contraction" || splitK != 1)))
    return emitError() << "gpu_tiling: stage_k (shared-memory chunks of the "
                          "reduction) is for contractions without split_k";
  return success();
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
