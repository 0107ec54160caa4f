//===- HostSide.cpp - what the FPGA simulation artifacts share ------------===//

#include "HostSide.h"

#include "effai/Dialect/Effai/IR/EffaiAttrs.h"
#include "effai/Target/FPGA/CSimArtifact.h"
#include "effai/Target/FPGA/HLSEmitter.h"

#include "effai/Utils/ArtifactName.h"
#include "effai/Version.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::effai;
using namespace mlir::effai::fpga;

namespace {

/// The metadata record of a port: float, [batch] + the host frame shape.
std::string describePort(StringRef kind, PortAttr port, int64_t batch) {
  ArrayRef<int64_t> shape = port.getShape().asArrayRef();
  std::string record = kind.str() + " " + escapeArtifactName(port.getName()) +
                       " float " + std::to_string(shape.size() + 1) + " " +
                       std::to_string(batch);
  for (int64_t dim : shape)
    record += " " + std::to_string(dim);
  return record + "\n";
}

} // namespace

std::string mlir::effai::fpga::toCString(StringRef text) {
  std::string literal = "\"";
  for (char c : text) {
    if (c == '\n')
      literal += "\\n\"\n    \"";
    else if (c == '"' || c == '\\')
      literal += std::string("\\") + c;
    else
      literal.push_back(c);
  }
  return literal + "\"";
}

std::string
mlir::effai::fpga::getArtifactMetadata(AcceleratorOp accelerator, int64_t batch,
                                       double clockHz, StringRef device,
                                       ArrayRef<std::string> counters) {
  std::string metadata;
  llvm::raw_string_ostream meta(metadata);
  meta << "effai-artifact 1\nversion " << EFFAI_VERSION_STRING
       << "\nthreading none\nworkspace 0\ndevice " << device << "\nclock "
       << llvm::formatv("{0:F0}", clockHz) << "\n";
  for (Attribute port : accelerator.getInputs())
    meta << describePort("input", cast<PortAttr>(port), batch);
  for (Attribute port : accelerator.getOutputs())
    meta << describePort("output", cast<PortAttr>(port), batch);
  for (const std::string &counter : counters)
    meta << "profile " << escapeArtifactName(counter) << "\n";
  return metadata;
}

std::string mlir::effai::fpga::getHostIndex(StreamType stream) {
  ArrayRef<int64_t> shape = stream.getShape();
  int64_t frame = stream.getNumElements();
  if (shape.size() == 3)
    return llvm::formatv("effai_n * {0} + effai_c * {1} + effai_b", frame,
                         shape[0] * shape[1]);
  return llvm::formatv("effai_n * {0} + effai_b * {1} + effai_c", frame,
                       shape.back());
}

std::string mlir::effai::fpga::getQuantizeFunction() {
  return "/// round_half_even(x / scale) + zero_point in f32, saturated.\n"
         "template <typename T>\n"
         "static T effai_quantize(float x, float scale, float zero, double "
         "lo,\n                       double hi) {\n"
         "  double q = std::nearbyint(x / scale) + zero;\n"
         "  return T(int64_t(q < lo ? lo : q > hi ? hi : q));\n}\n\n";
}

std::string mlir::effai::fpga::getQuantizeCall(PortAttr port, StreamType stream,
                                               StringRef type, StringRef x) {
  auto [lo, hi] = getCodeRange(stream.getElementType());
  return llvm::formatv("effai_quantize<{0}>({1}, {2:e9}f, {3}.f, {4}.0, "
                       "{5}.0)",
                       type, x, float(port.getScales()[0]), port.getZeroPoint(),
                       lo, hi);
}

std::string mlir::effai::fpga::getDequantizeExpr(PortAttr port, StringRef code,
                                                 StringRef scales) {
  return llvm::formatv(
      "static_cast<float>((static_cast<double>({0}) - {1}) * {2}[{3}])", code,
      port.getZeroPoint(), scales,
      port.getScales().size() == 1 ? "0" : "effai_c");
}

std::string mlir::effai::fpga::getScaleList(PortAttr port) {
  std::string list = "{";
  llvm::raw_string_ostream os(list);
  llvm::interleaveComma(port.getScales().asArrayRef(), os,
                        [&](double s) { os << llvm::formatv("{0:e17}", s); });
  return list + "}";
}

FailureOr<SimulationSources> mlir::effai::fpga::getSimulationSources(
    ModuleOp module,
    function_ref<FailureOr<std::vector<ProjectFile>>(AcceleratorOp)> emit) {
  FailureOr<AcceleratorOp> accelerator = getSingleAccelerator(module);
  if (failed(accelerator))
    return failure();
  FailureOr<std::vector<ProjectFile>> files = emit(*accelerator);
  if (failed(files))
    return failure();
  auto target = module->getAttrOfType<TargetAttr>(TargetAttr::getAttrName());
  return SimulationSources{*accelerator, std::move(*files),
                           target.getClockGhz() * 1e9,
                           getTopFunctionName(*accelerator)};
}

SimulationBuild::~SimulationBuild() {
  if (!directory.empty())
    llvm::sys::fs::remove_directories(directory);
}

SmallVector<StringRef> SimulationBuild::getSharedObjectCommand() const {
  return {compiler,
          "-std=c++17",
          "-shared",
          "-fPIC",
          "-pthread",
          "-fvisibility=hidden",
          "-fvisibility-inlines-hidden"};
}

FailureOr<std::unique_ptr<SimulationBuild>>
mlir::effai::fpga::prepareSimulationBuild(ArrayRef<ProjectFile> files,
                                          StringRef what, std::string &error) {
  auto build = std::make_unique<SimulationBuild>();
  for (StringRef name : {"c++", "g++", "clang++", "clang++-22"})
    if (llvm::ErrorOr<std::string> found = llvm::sys::findProgramByName(name)) {
      build->compiler = *found;
      break;
    }
  if (build->compiler.empty()) {
    error = "no C++ compiler (c++, g++ or clang++) on PATH to build the " +
            what.str();
    return failure();
  }
  SmallString<128> directory;
  if (llvm::sys::fs::createUniqueDirectory("effai-sim", directory)) {
    error = "cannot create a directory for the " + what.str() + "'s sources";
    return failure();
  }
  build->directory = directory.str().str();
  if (failed(writeProjectFiles(files, build->directory, error)))
    return failure();
  return build;
}

LogicalResult mlir::effai::fpga::runLogged(ArrayRef<StringRef> args,
                                           StringRef log, StringRef what,
                                           std::string &error) {
  std::optional<StringRef> redirects[] = {std::nullopt, log, log};
  std::string message;
  int status = llvm::sys::ExecuteAndWait(args[0], args, std::nullopt, redirects,
                                         0, 0, &message);
  if (status == 0)
    return success();
  auto output = llvm::MemoryBuffer::getFile(log);
  error = what.str() + " failed" +
          (message.empty() ? "" : " (" + message + ")") + ":\n" +
          (output ? (*output)->getBuffer().take_front(4000).str() : "");
  return failure();
}
