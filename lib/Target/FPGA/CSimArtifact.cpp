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

#include "HostSide.h"

#include "effai/Dialect/Effai/IR/EffaiAttrs.h"
#include "effai/Target/FPGA/Estimator.h"
#include "effai/Target/FPGA/HLSEmitter.h"

#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::effai;
using namespace mlir::effai::fpga;

std::string mlir::effai::fpga::emitCSimHost(AcceleratorOp accelerator,
                                            int64_t batch, double clockHz) {
  std::string top = getTopFunctionName(accelerator);
  Block &block = accelerator.getBlock();
  ValueRange inputs = block.getArguments();
  ValueRange outputs = block.getTerminator()->getOperands();

  std::vector<std::string> counters;
  for (Operation &op : block.without_terminator())
    counters.push_back(getPEName(&op, counters.size()));
  int64_t numPEs = counters.size();
  std::string metadata =
      getArtifactMetadata(accelerator, batch, clockHz, "fpga-csim", counters);

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
     << getQuantizeFunction()
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
       << "  static const double effai_scales_" << slot
       << "[] = " << getScaleList(cast<PortAttr>(attr)) << ";\n";
    ++slot;
  }
  os << "  try {\n    effai_hls::dataflow effai_host;\n";
  // Feed each input port.
  slot = 0;
  for (auto [stream, attr] : llvm::zip(inputs, accelerator.getInputs())) {
    auto type = cast<StreamType>(stream.getType());
    auto port = cast<PortAttr>(attr);
    std::string name = getPortVariable(accelerator, stream);
    os << "    effai_host.spawn(\"host: writes " << name << "\", [&] {\n"
       << "      for (int effai_n = 0; effai_n < " << batch << "; ++effai_n)\n"
       << "        for (int effai_b = 0; effai_b < " << getBeatCount(type)
       << "; ++effai_b) {\n"
       << "          " << name << "_beat effai_beat;\n"
       << "          for (int effai_c = 0; effai_c < " << type.getShape().back()
       << "; ++effai_c)\n"
       << "            effai_beat[effai_c] = "
       << getQuantizeCall(port, type, name + "_beat::value_type",
                          "effai_data_" + std::to_string(slot++) + "[" +
                              getHostIndex(type) + "]")
       << ";\n"
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
    os << "    effai_host.spawn(\"host: reads " << name << "\", [&] {\n"
       << "      for (int effai_n = 0; effai_n < " << batch << "; ++effai_n)\n"
       << "        for (int effai_b = 0; effai_b < " << getBeatCount(type)
       << "; ++effai_b) {\n"
       << "          " << name << "_beat effai_beat = " << name << ".read();\n"
       << "          for (int effai_c = 0; effai_c < " << type.getShape().back()
       << "; ++effai_c)\n"
       << "            effai_data_" << slot << "[" << getHostIndex(type)
       << "] = "
       << getDequantizeExpr(port, "int64_t(effai_beat[effai_c])",
                            "effai_scales_" + std::to_string(slot))
       << ";\n"
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
  FailureOr<SimulationSources> sources =
      getSimulationSources(module, emitHLSProject);
  if (failed(sources))
    return failure();
  std::string top = sources->top;
  sources->files.push_back(
      {top + "_csim.cpp",
       emitCSimHost(sources->accelerator, batch, sources->clockHz)});

  FailureOr<std::unique_ptr<SimulationBuild>> build =
      prepareSimulationBuild(sources->files, "C simulation", error);
  if (failed(build))
    return failure();
  std::string dir = (*build)->directory;
  std::string log = dir + "/compile.log", include = "-I" + dir;
  std::string topSource = dir + "/" + top + ".cpp";
  std::string hostSource = dir + "/" + top + "_csim.cpp";
  SmallVector<StringRef> args = (*build)->getSharedObjectCommand();
  args.append({"-O2", "-Wno-unknown-pragmas", include, topSource, hostSource,
               "-o", outputPath});
  if (failed(runLogged(args, log,
                       "compiling the C simulation with " + (*build)->compiler,
                       error)))
    return failure();
  return success();
}
