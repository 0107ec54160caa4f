//===- CSimArtifact.cpp - the C simulation as a runtime artifact ----------===//
//
// The host side speaks the runtime's C ABI (effai_metadata, effai_entry,
// effai_set_num_threads, effai_profile_cycles) plus
// effai_simulation_error. Its conversions are the ones effai's CPU path
// does around an integer model: inputs quantized in f32 (x / scale rounded
// half to even, plus the zero point, saturated), outputs dequantized in f64
// ((code - zero point) * scale).
//
//===----------------------------------------------------------------------===//

#include "effai/Target/FPGA/CSimArtifact.h"

#include "effai/Dialect/Effai/IR/EffaiAttrs.h"
#include "effai/Target/FPGA/Estimator.h"
#include "effai/Target/FPGA/HLSEmitter.h"
#include "effai/Utils/ArtifactName.h"
#include "effai/Version.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::effai;
using namespace mlir::effai::fpga;

namespace {

/// A C string literal holding `text`.
std::string toCString(StringRef text) {
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

/// The element of frame `n` that beat `b`, channel `c` of `stream` carries
/// in the host tensor: [C, H, W] frames for [H, W, C] streams.
std::string getHostIndex(StreamType stream, StringRef frameSize) {
  ArrayRef<int64_t> shape = stream.getShape();
  if (shape.size() == 3)
    return llvm::formatv("effai_n * {0} + effai_c * {1} + effai_b", frameSize,
                         shape[0] * shape[1]);
  return llvm::formatv("effai_n * {0} + effai_b * {1} + effai_c", frameSize,
                       shape.back());
}

} // namespace

std::string mlir::effai::fpga::emitCSimHost(AcceleratorOp accelerator,
                                            int64_t batch, double clockHz) {
  std::string top = getTopFunctionName(accelerator);
  Block &block = accelerator.getBlock();
  ValueRange inputs = block.getArguments();
  ValueRange outputs = block.getTerminator()->getOperands();

  std::string metadata;
  llvm::raw_string_ostream meta(metadata);
  meta << "effai-artifact 1\nversion " << EFFAI_VERSION_STRING
       << "\nthreading none\nworkspace 0\ndevice fpga-csim\nclock "
       << llvm::formatv("{0:F0}", clockHz) << "\n";
  for (Attribute port : accelerator.getInputs())
    meta << describePort("input", cast<PortAttr>(port), batch);
  for (Attribute port : accelerator.getOutputs())
    meta << describePort("output", cast<PortAttr>(port), batch);
  int64_t numPEs = 0;
  for (Operation &op : block.without_terminator())
    meta << "profile " << escapeArtifactName(getPEName(&op, numPEs++)) << "\n";

  std::string text;
  llvm::raw_string_ostream os(text);
  os << "// The C simulation of @" << accelerator.getSymName()
     << " behind the effai runtime's C ABI: " << batch
     << " frames per run.\n#include \"" << top
     << ".h\"\n\n#include <cmath>\n#include <cstdint>\n#include "
        "<mutex>\n#include <string>\n\n"
     << "#define EFFAI_EXPORT extern \"C\" "
        "__attribute__((visibility(\"default\")))\n\n"
     << "EFFAI_EXPORT const char effai_metadata[] =\n    "
     << toCString(metadata) << ";\n"
     << "EFFAI_EXPORT uint64_t effai_profile_cycles[" << numPEs << "] = {};\n"
     << "EFFAI_EXPORT void effai_set_num_threads(int32_t) {}\n\n"
     << "static std::string simulation_error;\n"
     << "EFFAI_EXPORT const char *effai_simulation_error(void) {\n"
     << "  return simulation_error.c_str();\n}\n\n"
     << "/// round_half_even(x / scale) + zero_point in f32, saturated.\n"
     << "template <typename T>\nstatic T quantize(float x, float scale, "
        "float zero, double lo, double hi) {\n"
     << "  double q = std::nearbyint(x / scale) + zero;\n"
     << "  return T(int64_t(q < lo ? lo : q > hi ? hi : q));\n}\n\n"
     << "EFFAI_EXPORT void effai_entry(void **effai_buffers) {\n"
     << "  // One simulation at a time: its state is this library's.\n"
     << "  static std::mutex effai_mutex;\n"
     << "  std::lock_guard<std::mutex> effai_lock(effai_mutex);\n"
     << "  effai_hls::simulation::get().reset();\n"
     << "  for (int i = 0; i < " << numPEs << "; ++i)\n"
     << "    effai_hls::cycles[i] = 0;\n"
     << "  simulation_error.clear();\n";
  // Ports, and the host buffers (declared before the processes that use
  // them: the dataflow region joins its threads when it goes).
  int64_t slot = 0;
  for (Value stream : llvm::concat<Value>(inputs, outputs)) {
    std::string name = getPortVariable(accelerator, stream);
    os << "  hls::stream<" << name << "_beat> " << name << "(\"" << name
       << "\");\n";
  }
  for (Value stream : inputs) {
    os << "  const float *effai_data_" << slot << " = (const float "
       << "*)effai_buffers[" << slot << "]; // "
       << getPortVariable(accelerator, stream) << "\n";
    ++slot;
  }
  for (auto [stream, attr] : llvm::zip(outputs, accelerator.getOutputs())) {
    os << "  float *effai_data_" << slot << " = (float *)effai_buffers[" << slot
       << "]; // " << getPortVariable(accelerator, stream) << "\n"
       << "  static const double effai_scales_" << slot << "[] = {";
    llvm::interleaveComma(cast<PortAttr>(attr).getScales().asArrayRef(), os,
                          [&](double s) { os << llvm::formatv("{0:e17}", s); });
    os << "};\n";
    ++slot;
  }
  os << "  try {\n    effai_hls::dataflow effai_host;\n";
  // Feed each input port.
  slot = 0;
  for (auto [stream, attr] : llvm::zip(inputs, accelerator.getInputs())) {
    auto type = cast<StreamType>(stream.getType());
    auto port = cast<PortAttr>(attr);
    auto [lo, hi] = getCodeRange(type.getElementType());
    std::string name = getPortVariable(accelerator, stream);
    std::string frame = std::to_string(type.getNumElements());
    os << "    effai_host.spawn(\"host: writes " << name << "\", [&] {\n"
       << "      for (int effai_n = 0; effai_n < " << batch << "; ++effai_n)\n"
       << "        for (int effai_b = 0; effai_b < "
       << type.getNumElements() / type.getShape().back() << "; ++effai_b) {\n"
       << "          " << name << "_beat effai_beat;\n"
       << "          for (int effai_c = 0; effai_c < " << type.getShape().back()
       << "; ++effai_c)\n"
       << "            effai_beat[effai_c] = quantize<" << name
       << "_beat::value_type>(effai_data_" << slot++ << "["
       << getHostIndex(type, frame) << "], "
       << llvm::formatv("{0:e9}f, {1}.f, {2}.0, {3}.0",
                        float(port.getScales()[0]), port.getZeroPoint(), lo, hi)
       << ");\n"
       << "          " << name << ".write(effai_beat);\n        }\n    });\n";
  }
  // The accelerator, one frame per call.
  os << "    effai_host.spawn(\"" << top << "\", [&] {\n"
     << "      for (int effai_n = 0; effai_n < " << batch << "; ++effai_n)\n"
     << "        " << top << "(";
  llvm::interleaveComma(llvm::concat<Value>(inputs, outputs), os, [&](Value v) {
    os << getPortVariable(accelerator, v);
  });
  os << ");\n    });\n";
  // Drain each output port.
  for (auto [stream, attr] : llvm::zip(outputs, accelerator.getOutputs())) {
    auto type = cast<StreamType>(stream.getType());
    auto port = cast<PortAttr>(attr);
    std::string name = getPortVariable(accelerator, stream);
    std::string frame = std::to_string(type.getNumElements());
    os << "    effai_host.spawn(\"host: reads " << name << "\", [&] {\n"
       << "      for (int effai_n = 0; effai_n < " << batch << "; ++effai_n)\n"
       << "        for (int effai_b = 0; effai_b < "
       << type.getNumElements() / type.getShape().back() << "; ++effai_b) {\n"
       << "          " << name << "_beat effai_beat = " << name << ".read();\n"
       << "          for (int effai_c = 0; effai_c < " << type.getShape().back()
       << "; ++effai_c)\n"
       << "            effai_data_" << slot << "[" << getHostIndex(type, frame)
       << "] = static_cast<float>((static_cast<double>(effai_beat[effai_c]) - "
       << port.getZeroPoint() << ") * effai_scales_" << slot << "["
       << (port.getScales().size() == 1 ? "0" : "effai_c") << "]);\n"
       << "        }\n    });\n";
    ++slot;
  }
  os << "  } catch (const effai_hls::deadlock &) {\n"
     << "    simulation_error = effai_hls::simulation::get().report;\n  }\n"
     << "  for (int i = 0; i < " << numPEs << "; ++i)\n"
     << "    effai_profile_cycles[i] += effai_hls::cycles[i];\n}\n";
  return text;
}

FailureOr<AcceleratorOp>
mlir::effai::fpga::getSingleAccelerator(ModuleOp module) {
  auto accelerators = module.getOps<AcceleratorOp>();
  if (std::distance(accelerators.begin(), accelerators.end()) != 1)
    return module.emitError("expected one effai_fpga.accelerator (run "
                            "effai-fpga-pipeline on an integer-only model)");
  return *accelerators.begin();
}

LogicalResult mlir::effai::fpga::buildCSimArtifact(ModuleOp module,
                                                   int64_t batch,
                                                   StringRef outputPath,
                                                   std::string &error) {
  FailureOr<AcceleratorOp> accelerator = getSingleAccelerator(module);
  if (failed(accelerator))
    return failure();
  FailureOr<std::vector<HLSFile>> files = emitHLSProject(*accelerator);
  if (failed(files))
    return failure();
  auto target = module->getAttrOfType<TargetAttr>(TargetAttr::getAttrName());
  std::string top = getTopFunctionName(*accelerator);
  files->push_back(
      {top + "_csim.cpp",
       emitCSimHost(*accelerator, batch, target.getClockGhz() * 1e9)});

  // Compilers in the order effai's own build would use them.
  std::optional<std::string> compiler;
  for (StringRef name : {"c++", "g++", "clang++", "clang++-22"})
    if (llvm::ErrorOr<std::string> found = llvm::sys::findProgramByName(name)) {
      compiler = *found;
      break;
    }
  if (!compiler) {
    error = "no C++ compiler (c++, g++ or clang++) on PATH to build the C "
            "simulation";
    return failure();
  }
  SmallString<128> directory;
  if (llvm::sys::fs::createUniqueDirectory("effai-csim", directory)) {
    error = "cannot create a directory for the C simulation's sources";
    return failure();
  }
  auto cleanup = llvm::make_scope_exit(
      [&] { llvm::sys::fs::remove_directories(directory); });
  for (const HLSFile &file : *files) {
    SmallString<128> path(directory);
    llvm::sys::path::append(path, file.path);
    llvm::sys::fs::create_directories(llvm::sys::path::parent_path(path));
    std::error_code ec;
    llvm::raw_fd_ostream out(path, ec);
    if (ec) {
      error = "cannot write '" + path.str().str() + "': " + ec.message();
      return failure();
    }
    out << file.text;
  }
  SmallString<128> log(directory);
  llvm::sys::path::append(log, "compile.log");
  std::string include = "-I" + directory.str().str();
  std::string topSource = (directory + "/" + top + ".cpp").str();
  std::string hostSource = (directory + "/" + top + "_csim.cpp").str();
  // Hidden symbols: two simulations in one process must not share the
  // inline functions and statics their headers define alike.
  SmallVector<StringRef> args = {*compiler,
                                 "-std=c++17",
                                 "-O2",
                                 "-shared",
                                 "-fPIC",
                                 "-pthread",
                                 "-fvisibility=hidden",
                                 "-fvisibility-inlines-hidden",
                                 "-Wno-unknown-pragmas",
                                 include,
                                 topSource,
                                 hostSource,
                                 "-o",
                                 outputPath};
  std::optional<StringRef> redirects[] = {std::nullopt, log.str(), log.str()};
  std::string message;
  int status = llvm::sys::ExecuteAndWait(*compiler, args, std::nullopt,
                                         redirects, 0, 0, &message);
  if (status != 0) {
    auto output = llvm::MemoryBuffer::getFile(log);
    error = "compiling the C simulation with " + *compiler + " failed" +
            (message.empty() ? "" : " (" + message + ")") + ":\n" +
            (output ? (*output)->getBuffer().take_front(4000).str() : "");
    return failure();
  }
  return success();
}
