//===- TargetDescription.cpp - machine descriptions as data -----*- C++ -*-===//
//
// One JSON format for presets, probe results and user files; its keys are
// the `#effai.target` parameter names, so a file and the attribute it
// becomes read the same. The attribute verifier checks the numbers.
//
//===----------------------------------------------------------------------===//

#include "effai/Target/TargetDescription.h"
#include "effai/Dialect/Effai/IR/EffaiDialect.h"
#include "effai/Target/CPU/HostCPU.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace mlir;
using namespace mlir::effai;

namespace {

struct Preset {
  const char *name;
  const char *json;
};

/// lib/Target/Presets/*.json, embedded at configure time.
const Preset kPresets[] = {
#include "TargetPresets.inc"
};

/// Reads typed fields of one JSON object, remembering the first problem.
class FieldReader {
public:
  FieldReader(const llvm::json::Object &object, std::string where,
              std::string &error)
      : object(object), where(std::move(where)), error(error) {}

  std::string string(StringRef key) {
    if (auto value = object.getString(key))
      return value->str();
    fail(key, "a string");
    return "";
  }
  int64_t integer(StringRef key) {
    if (auto value = object.getInteger(key))
      return *value;
    fail(key, "an integer");
    return 0;
  }
  double number(StringRef key) {
    if (auto value = object.getNumber(key))
      return *value;
    fail(key, "a number");
    return 0;
  }
  const llvm::json::Array *array(StringRef key) {
    if (const llvm::json::Array *value = object.getArray(key))
      return value;
    fail(key, "an array");
    return nullptr;
  }
  const llvm::json::Object *child(StringRef key) {
    if (const llvm::json::Object *value = object.getObject(key))
      return value;
    fail(key, "an object");
    return nullptr;
  }
  bool ok() const { return error.empty(); }

private:
  void fail(StringRef key, StringRef expected) {
    if (error.empty())
      error = where + ": '" + key.str() + "' must be " + expected.str();
  }

  const llvm::json::Object &object;
  std::string where;
  std::string &error;
};

std::optional<TargetKind> parseKind(StringRef text) {
  return symbolizeTargetKind(text);
}

/// Verifies attribute parameters through the attribute's own verifier,
/// capturing its message instead of printing it.
template <typename AttrT, typename... Args>
AttrT getChecked(MLIRContext *context, std::string &error, Args &&...args) {
  std::string message;
  auto emitError = [&]() { return mlir::emitError(UnknownLoc::get(context)); };
  ScopedDiagnosticHandler capture(context, [&](Diagnostic &diag) {
    if (message.empty())
      message = diag.str();
    return success();
  });
  AttrT attr =
      AttrT::getChecked(emitError, context, std::forward<Args>(args)...);
  if (!attr && error.empty())
    error = message;
  return attr;
}

/// The "gpu" object of a GPU target.
GPUAttr parseGPU(MLIRContext *context, const llvm::json::Object &object,
                 std::string &error) {
  FieldReader reader(object, "target.gpu", error);
  std::string chip = reader.string("chip");
  int64_t ptx = reader.integer("ptx"), warpSize = reader.integer("warp_size");
  int64_t registersPerSm = reader.integer("registers_per_sm");
  int64_t maxRegisters = reader.integer("max_registers_per_thread");
  int64_t sharedPerSm = reader.integer("shared_per_sm");
  int64_t sharedPerBlock = reader.integer("shared_per_block");
  int64_t threadsPerSm = reader.integer("max_threads_per_sm");
  int64_t threadsPerBlock = reader.integer("max_threads_per_block");
  Real fp16 = reader.number("tensor_fp16"), bf16 = reader.number("tensor_bf16");
  Real tf32 = reader.number("tensor_tf32"), int8 = reader.number("tensor_int8");
  if (!reader.ok())
    return {};
  return getChecked<GPUAttr>(context, error, StringRef(chip), ptx, warpSize,
                             registersPerSm, maxRegisters, sharedPerSm,
                             sharedPerBlock, threadsPerSm, threadsPerBlock,
                             fp16, bf16, tf32, int8);
}

llvm::json::Object printGPU(GPUAttr gpu) {
  return llvm::json::Object{
      {"chip", gpu.getChip()},
      {"ptx", gpu.getPtx()},
      {"warp_size", gpu.getWarpSize()},
      {"registers_per_sm", gpu.getRegistersPerSm()},
      {"max_registers_per_thread", gpu.getMaxRegistersPerThread()},
      {"shared_per_sm", gpu.getSharedPerSm()},
      {"shared_per_block", gpu.getSharedPerBlock()},
      {"max_threads_per_sm", gpu.getMaxThreadsPerSm()},
      {"max_threads_per_block", gpu.getMaxThreadsPerBlock()},
      {"tensor_fp16", double(gpu.getTensorFp16())},
      {"tensor_bf16", double(gpu.getTensorBf16())},
      {"tensor_tf32", double(gpu.getTensorTf32())},
      {"tensor_int8", double(gpu.getTensorInt8())}};
}

/// The "fpga" object of an FPGA target.
FPGAAttr parseFPGA(MLIRContext *context, const llvm::json::Object &object,
                   std::string &error) {
  FieldReader reader(object, "target.fpga", error);
  std::string family = reader.string("family"), part = reader.string("part");
  int64_t dsp = reader.integer("dsp"), dspA = reader.integer("dsp_a_bits");
  int64_t dspB = reader.integer("dsp_b_bits"), lut = reader.integer("lut");
  int64_t lutInputs = reader.integer("lut_inputs"), ff = reader.integer("ff");
  int64_t bram = reader.integer("bram"), bramBits = reader.integer("bram_bits");
  int64_t uram = reader.integer("uram"), uramBits = reader.integer("uram_bits");
  if (!reader.ok())
    return {};
  return getChecked<FPGAAttr>(context, error, StringRef(family),
                              StringRef(part), dsp, dspA, dspB, lut, lutInputs,
                              ff, bram, bramBits, uram, uramBits);
}

llvm::json::Object printFPGA(FPGAAttr fpga) {
  return llvm::json::Object{{"family", fpga.getFamily()},
                            {"part", fpga.getPart()},
                            {"dsp", fpga.getDsp()},
                            {"dsp_a_bits", fpga.getDspABits()},
                            {"dsp_b_bits", fpga.getDspBBits()},
                            {"lut", fpga.getLut()},
                            {"lut_inputs", fpga.getLutInputs()},
                            {"ff", fpga.getFf()},
                            {"bram", fpga.getBram()},
                            {"bram_bits", fpga.getBramBits()},
                            {"uram", fpga.getUram()},
                            {"uram_bits", fpga.getUramBits()}};
}

} // namespace

SmallVector<StringRef> mlir::effai::getTargetPresetNames() {
  SmallVector<StringRef> names;
  for (const Preset &preset : kPresets)
    names.push_back(preset.name);
  llvm::sort(names);
  return names;
}

FailureOr<TargetAttr> mlir::effai::parseTargetJSON(MLIRContext *context,
                                                   StringRef text,
                                                   std::string &error) {
  // A module of upstream ops only (linalg on tensors) has not loaded the
  // dialect the target attributes belong to.
  context->getOrLoadDialect<EffaiDialect>();
  llvm::Expected<llvm::json::Value> value = llvm::json::parse(text);
  if (!value) {
    error = "invalid JSON: " + llvm::toString(value.takeError());
    return failure();
  }
  const llvm::json::Object *object = value->getAsObject();
  if (!object) {
    error = "a target must be a JSON object";
    return failure();
  }
  FieldReader top(*object, "target", error);
  std::string name = top.string("name");
  std::string kindText = top.string("kind");
  std::string triple = top.string("triple");
  std::string cpu = top.string("cpu");
  const llvm::json::Array *featureList = top.array("features");
  int64_t vectorBits = top.integer("vector_bits");
  int64_t vectorRegisters = top.integer("vector_registers");
  int64_t fmaLatency = top.integer("fma_latency");
  int64_t fmaPerCycle = top.integer("fma_per_cycle");
  int64_t loadsPerCycle = top.integer("loads_per_cycle");
  Real clockGhz = top.number("clock_ghz");
  int64_t cores = top.integer("cores");
  Real forkJoinUs = top.number("fork_join_us");
  const llvm::json::Object *peakObject = top.child("peaks");
  const llvm::json::Array *memoryList = top.array("memory");
  if (!top.ok())
    return failure();
  std::optional<TargetKind> kind = parseKind(kindText);
  if (!kind) {
    error = "target: 'kind' must be cpu, gpu or fpga, got '" + kindText + "'";
    return failure();
  }

  Builder b(context);
  SmallVector<Attribute> features;
  for (const llvm::json::Value &feature : *featureList) {
    std::optional<StringRef> text = feature.getAsString();
    if (!text) {
      error = "target: 'features' must hold strings";
      return failure();
    }
    features.push_back(b.getStringAttr(*text));
  }

  FieldReader peakReader(*peakObject, "target.peaks", error);
  Real fp32 = peakReader.number("fp32"), bf16 = peakReader.number("bf16");
  Real int8 = peakReader.number("int8"), int32 = peakReader.number("int32");
  if (!peakReader.ok())
    return failure();
  auto peaks = getChecked<PeaksAttr>(context, error, fp32, bf16, int8, int32);
  if (!peaks)
    return failure();

  SmallVector<Attribute> levels;
  for (auto [i, entry] : llvm::enumerate(*memoryList)) {
    std::string where = "target.memory[" + std::to_string(i) + "]";
    const llvm::json::Object *level = entry.getAsObject();
    if (!level) {
      error = where + " must be an object";
      return failure();
    }
    FieldReader reader(*level, where, error);
    std::string levelName = reader.string("name");
    int64_t size = reader.integer("size"), line = reader.integer("line");
    int64_t ways = reader.integer("ways");
    int64_t sharedBy = reader.integer("shared_by");
    Real bandwidth = reader.number("bandwidth");
    Real sharedBandwidth = reader.number("shared_bandwidth");
    if (!reader.ok())
      return failure();
    auto attr = getChecked<MemoryLevelAttr>(
        context, error, StringRef(levelName), size, line, ways, sharedBy,
        bandwidth, sharedBandwidth);
    if (!attr)
      return failure();
    levels.push_back(attr);
  }
  GPUAttr gpu;
  if (const llvm::json::Value *gpuValue = object->get("gpu")) {
    const llvm::json::Object *gpuObject = gpuValue->getAsObject();
    if (!gpuObject) {
      error = "target: 'gpu' must be an object";
      return failure();
    }
    gpu = parseGPU(context, *gpuObject, error);
    if (!gpu)
      return failure();
  }
  FPGAAttr fpga;
  if (const llvm::json::Value *fpgaValue = object->get("fpga")) {
    const llvm::json::Object *fpgaObject = fpgaValue->getAsObject();
    if (!fpgaObject) {
      error = "target: 'fpga' must be an object";
      return failure();
    }
    fpga = parseFPGA(context, *fpgaObject, error);
    if (!fpga)
      return failure();
  }
  auto target = getChecked<TargetAttr>(
      context, error, StringRef(name), *kind, StringRef(triple), StringRef(cpu),
      b.getArrayAttr(features), vectorBits, vectorRegisters, fmaLatency,
      fmaPerCycle, loadsPerCycle, clockGhz, cores, peaks,
      b.getArrayAttr(levels), forkJoinUs, gpu, fpga);
  if (!target)
    return failure();
  return target;
}

std::string mlir::effai::printTargetJSON(TargetAttr target) {
  llvm::json::Array features;
  for (Attribute feature : target.getFeatures())
    features.push_back(cast<StringAttr>(feature).getValue());
  llvm::json::Array memory;
  for (MemoryLevelAttr level : target.getMemoryLevels())
    memory.push_back(llvm::json::Object{
        {"name", level.getName()},
        {"size", level.getSize()},
        {"line", level.getLine()},
        {"ways", level.getWays()},
        {"shared_by", level.getSharedBy()},
        {"bandwidth", double(level.getBandwidth())},
        {"shared_bandwidth", double(level.getSharedBandwidth())}});
  PeaksAttr peaks = target.getPeaks();
  llvm::json::Object object{
      {"name", target.getName()},
      {"kind", stringifyTargetKind(target.getKind())},
      {"triple", target.getTriple()},
      {"cpu", target.getCpu()},
      {"features", std::move(features)},
      {"vector_bits", target.getVectorBits()},
      {"vector_registers", target.getVectorRegisters()},
      {"fma_latency", target.getFmaLatency()},
      {"fma_per_cycle", target.getFmaPerCycle()},
      {"loads_per_cycle", target.getLoadsPerCycle()},
      {"clock_ghz", double(target.getClockGhz())},
      {"cores", target.getCores()},
      {"peaks", llvm::json::Object{{"fp32", double(peaks.getFp32())},
                                   {"bf16", double(peaks.getBf16())},
                                   {"int8", double(peaks.getInt8())},
                                   {"int32", double(peaks.getInt32())}}},
      {"memory", std::move(memory)},
      {"fork_join_us", double(target.getForkJoinUs())}};
  if (GPUAttr gpu = target.getGpu())
    object["gpu"] = printGPU(gpu);
  if (FPGAAttr fpga = target.getFpga())
    object["fpga"] = printFPGA(fpga);
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(object))) << "\n";
  return text;
}

FailureOr<TargetAttr> mlir::effai::resolveTarget(MLIRContext *context,
                                                 StringRef spec,
                                                 std::string &error) {
  if (spec == "host")
    return getHostCPUTarget(context);
  if (spec.ends_with(".json")) {
    auto buffer = llvm::MemoryBuffer::getFile(spec);
    if (!buffer) {
      error = "cannot read target file '" + spec.str() +
              "': " + buffer.getError().message();
      return failure();
    }
    FailureOr<TargetAttr> target =
        parseTargetJSON(context, (*buffer)->getBuffer(), error);
    if (failed(target))
      error = spec.str() + ": " + error;
    return target;
  }
  for (const Preset &preset : kPresets)
    if (spec == preset.name) {
      FailureOr<TargetAttr> target =
          parseTargetJSON(context, preset.json, error);
      if (failed(target))
        error = "preset '" + spec.str() + "': " + error;
      return target;
    }
  error = "unknown target '" + spec.str() + "' (expected host, a .json file " +
          "or one of: " + llvm::join(getTargetPresetNames(), ", ") + ")";
  return failure();
}
