//===- RTLArtifact.cpp - the Verilog simulated as a runtime artifact ------===//
//
// effai-compile --target=fpga-rtl: the emitted Verilog compiled by
// Verilator into C++, built with the host compiler together with a host
// side that speaks the runtime's C ABI. A run resets the design, streams
// every frame in (a beat per cycle while the design is ready), keeps the
// output ready, and counts clock cycles until the last output beat: the
// accelerator's measured cycles, which the "accelerator" profile counter
// reports. The ROM files travel inside the artifact and are written for
// $readmemh when the design is built for a run.
//
//===----------------------------------------------------------------------===//

#include "effai/Target/FPGA/RTLArtifact.h"

#include "HostSide.h"

#include "effai/Dialect/Effai/IR/EffaiAttrs.h"
#include "effai/Target/FPGA/CSimArtifact.h"
#include "effai/Target/FPGA/Estimator.h"
#include "effai/Target/FPGA/HLSEmitter.h"
#include "effai/Target/FPGA/RTLEmitter.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::effai;
using namespace mlir::effai::fpga;

namespace {

/// The host side: conversions, the clock loop, metadata, ROM files.
std::string emitRTLHost(AcceleratorOp accelerator, int64_t batch,
                        double clockHz, ArrayRef<ProjectFile> roms) {
  Block &block = accelerator.getBlock();
  ValueRange inputs = block.getArguments();
  ValueRange outputs = block.getTerminator()->getOperands();
  std::string metadata = getArtifactMetadata(accelerator, batch, clockHz,
                                             "fpga-rtl", {"accelerator"});
  // A design that moves no beat for longer than its slowest PE takes per
  // frame, many times over, has stopped.
  int64_t idleLimit = 1000000;
  auto module = accelerator->getParentOfType<ModuleOp>();
  if (auto target =
          module->getAttrOfType<TargetAttr>(TargetAttr::getAttrName()))
    idleLimit = std::max<int64_t>(
        idleLimit,
        8 * estimateAccelerator(accelerator, target.getFpga()).interval);
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "// The Verilator simulation of @" << accelerator.getSymName()
     << " behind the effai runtime's C ABI: " << batch << " frames per run.\n"
     << "#include \"Vtop.h\"\n#include \"verilated.h\"\n\n"
     << "#include <cmath>\n#include <cstdint>\n#include <cstdio>\n"
     << "#include <cstdlib>\n#include <memory>\n#include <mutex>\n"
     << "#include <string>\n#include <unistd.h>\n\n"
     << "#define EFFAI_EXPORT extern \"C\" "
        "__attribute__((visibility(\"default\")))\n\n"
     << "EFFAI_EXPORT const char effai_metadata[] =\n    "
     << toCString(metadata) << ";\n"
     << "EFFAI_EXPORT uint64_t effai_profile_cycles[1] = {};\n"
     << "EFFAI_EXPORT void effai_set_num_threads(int32_t) {}\n\n"
     << "static std::string simulation_error;\n"
     << "EFFAI_EXPORT const char *effai_simulation_error(void) {\n"
     << "  return simulation_error.c_str();\n}\n\n"
     << "// The ROM files $readmemh reads.\n"
     << "static const char *const effai_rom_names[] = {";
  for (const ProjectFile &rom : roms)
    os << toCString(rom.path) << ", ";
  os << "nullptr};\nstatic const char *const effai_rom_texts[] = {";
  for (const ProjectFile &rom : roms)
    os << toCString(rom.text) << ",\n    ";
  os << "nullptr};\n\n"
     << getQuantizeFunction()
     << "// Bits [lo, lo + width) of a port, narrow or wide.\n"
     << "template <typename T>\nstatic void effai_put(T &port, int lo, int "
        "width, uint64_t v) {\n"
     << "  for (int i = 0; i < width; ++i) {\n"
     << "    T bit = T(1) << (lo + i);\n"
     << "    port = (v >> i & 1) ? T(port | bit) : T(port & ~bit);\n  }\n}\n"
     << "template <std::size_t N>\nstatic void effai_put(VlWide<N> &port, "
        "int lo, int width, uint64_t v) {\n"
     << "  for (int i = 0; i < width; ++i) {\n"
     << "    uint32_t bit = 1u << ((lo + i) % 32);\n"
     << "    uint32_t &word = port[(lo + i) / 32];\n"
     << "    word = (v >> i & 1) ? (word | bit) : (word & ~bit);\n  }\n}\n"
     << "template <typename T>\nstatic int64_t effai_get(const T &port, int "
        "lo, int width, bool is_signed) {\n"
     << "  uint64_t v = 0;\n"
     << "  for (int i = 0; i < width; ++i)\n"
     << "    v |= uint64_t(port >> (lo + i) & 1) << i;\n"
     << "  if (is_signed && width < 64 && (v >> (width - 1) & 1))\n"
     << "    v |= ~uint64_t(0) << width;\n  return int64_t(v);\n}\n"
     << "template <std::size_t N>\nstatic int64_t effai_get(const VlWide<N> "
        "&port, int lo, int width, bool is_signed) {\n"
     << "  uint64_t v = 0;\n"
     << "  for (int i = 0; i < width; ++i)\n"
     << "    v |= uint64_t(port[(lo + i) / 32] >> ((lo + i) % 32) & 1) << "
        "i;\n"
     << "  if (is_signed && width < 64 && (v >> (width - 1) & 1))\n"
     << "    v |= ~uint64_t(0) << width;\n  return int64_t(v);\n}\n\n";

  os << "EFFAI_EXPORT void effai_entry(void **effai_buffers) {\n"
     << "  static std::mutex effai_mutex;\n"
     << "  std::lock_guard<std::mutex> effai_lock(effai_mutex);\n"
     << "  simulation_error.clear();\n"
     << "  // The ROM files, for the design's initial blocks.\n"
     << "  char dir[] = \"/tmp/effai-rtl-XXXXXX\";\n"
     << "  if (!mkdtemp(dir)) {\n"
     << "    simulation_error = \"cannot create a directory for the ROM "
        "files\";\n    return;\n  }\n"
     << "  for (int i = 0; effai_rom_names[i]; ++i) {\n"
     << "    std::string path = std::string(dir) + \"/\" + "
        "effai_rom_names[i];\n"
     << "    FILE *f = std::fopen(path.c_str(), \"w\");\n"
     << "    if (f) {\n      std::fputs(effai_rom_texts[i], f);\n"
     << "      std::fclose(f);\n    }\n  }\n"
     << "  auto context = std::make_unique<VerilatedContext>();\n"
     << "  std::string arg = std::string(\"+effai_mem=\") + dir;\n"
     << "  const char *argv[] = {\"effai\", arg.c_str()};\n"
     << "  context->commandArgs(2, argv);\n"
     << "  context->fatalOnError(false);\n"
     << "  auto top = std::make_unique<Vtop>(context.get());\n"
     << "  top->clk = 0;\n  top->rst = 1;\n"
     << "  for (int i = 0; i < 2; ++i) {\n"
     << "    top->clk = 0;\n    top->eval();\n    top->clk = 1;\n"
     << "    top->eval();\n  }\n"
     << "  top->clk = 0;\n  top->rst = 0;\n  top->eval();\n"
     << "  for (int i = 0; effai_rom_names[i]; ++i)\n"
     << "    unlink((std::string(dir) + \"/\" + effai_rom_names[i]).c_str());\n"
     << "  rmdir(dir);\n\n";
  // Per port: its buffer and position (frame, beat).
  int64_t slot = 0;
  for (Value port : llvm::concat<Value>(inputs, outputs)) {
    bool in = isa<BlockArgument>(port);
    os << "  " << (in ? "const float" : "float") << " *effai_data_" << slot
       << " = (" << (in ? "const float" : "float") << " *)effai_buffers["
       << slot << "];\n  int64_t effai_n_" << slot << " = 0, effai_b_" << slot
       << " = 0;\n";
    if (in) // whether the beat on the port is effai_b_ already
      os << "  bool effai_put_" << slot << " = false;\n";
    if (!in)
      os << "  static const double effai_scales_" << slot << "[] = "
         << getScaleList(
                cast<PortAttr>(accelerator.getOutputs()[slot - inputs.size()]))
         << ";\n";
    ++slot;
  }
  os << "  uint64_t cycles = 0, idle = 0;\n"
     << "  while (true) {\n    bool done = true;\n";
  // Present the next input beat of each port.
  slot = 0;
  for (auto [port, attr] : llvm::zip(inputs, accelerator.getInputs())) {
    auto type = cast<StreamType>(port.getType());
    std::string name = getPortVariable(accelerator, port);
    int64_t width = type.getElementType().getWidth();
    std::string n = "effai_n_" + std::to_string(slot);
    std::string b = "effai_b_" + std::to_string(slot);
    // A beat is quantized onto the port once, however long it waits.
    std::string put = "effai_put_" + std::to_string(slot);
    os << "    top->" << name << "_valid = " << n << " < " << batch << ";\n"
       << "    if (" << n << " < " << batch << " && !" << put << ") {\n"
       << "      " << put << " = true;\n"
       << "      int64_t effai_n = " << n << ", effai_b = " << b << ";\n"
       << "      for (int effai_c = 0; effai_c < " << type.getShape().back()
       << "; ++effai_c)\n"
       << "        effai_put(top->" << name << "_data, effai_c * " << width
       << ", " << width << ", uint64_t("
       << getQuantizeCall(cast<PortAttr>(attr), type, "int64_t",
                          "effai_data_" + std::to_string(slot) + "[" +
                              getHostIndex(type) + "]")
       << "));\n    }\n";
    ++slot;
  }
  for (Value port : outputs)
    os << "    top->" << getPortVariable(accelerator, port) << "_ready = 1;\n";
  os << "    top->clk = 0;\n    top->eval();\n    bool moved = false;\n";
  // Handshakes at this edge: inputs taken, outputs read.
  slot = 0;
  for (Value port : inputs) {
    auto type = cast<StreamType>(port.getType());
    std::string name = getPortVariable(accelerator, port);
    std::string n = "effai_n_" + std::to_string(slot);
    std::string b = "effai_b_" + std::to_string(slot);
    os << "    if (top->" << name << "_valid && top->" << name
       << "_ready) {\n      moved = true;\n      effai_put_" << slot
       << " = false;\n      if (++" << b << " == " << getBeatCount(type)
       << ") {\n        " << b << " = 0;\n        ++" << n << ";\n      }\n"
       << "    }\n";
    ++slot;
  }
  for (auto [port, attr] : llvm::zip(outputs, accelerator.getOutputs())) {
    auto type = cast<StreamType>(port.getType());
    std::string name = getPortVariable(accelerator, port);
    int64_t width = type.getElementType().getWidth();
    std::string n = "effai_n_" + std::to_string(slot);
    std::string b = "effai_b_" + std::to_string(slot);
    os << "    if (" << n << " < " << batch << ") {\n      done = false;\n"
       << "      if (top->" << name << "_valid) {\n        moved = true;\n"
       << "        int64_t effai_n = " << n << ", effai_b = " << b << ";\n"
       << "        for (int effai_c = 0; effai_c < " << type.getShape().back()
       << "; ++effai_c)\n"
       << "          effai_data_" << slot << "[" << getHostIndex(type) << "] = "
       << getDequantizeExpr(cast<PortAttr>(attr),
                            llvm::formatv("effai_get(top->{0}_data, effai_c * "
                                          "{1}, {1}, {2})",
                                          name, width,
                                          type.getElementType().isUnsigned()
                                              ? "false"
                                              : "true")
                                .str(),
                            "effai_scales_" + std::to_string(slot))
       << ";\n        if (++" << b << " == " << getBeatCount(type)
       << ") {\n          " << b << " = 0;\n          ++" << n
       << ";\n        }\n      }\n    }\n";
    ++slot;
  }
  os << "    if (done)\n      break;\n"
     << "    top->clk = 1;\n    top->eval();\n    ++cycles;\n"
     << "    idle = moved ? 0 : idle + 1;\n"
     << "    if (idle > " << idleLimit << ") {\n"
     << "      simulation_error = \"the design moved no beat for " << idleLimit
     << " cycles (after \" + std::to_string(cycles) + \" cycles)\";\n"
     << "      break;\n    }\n  }\n"
     << "  top->final();\n"
     << "  effai_profile_cycles[0] += cycles;\n}\n";
  return text;
}

} // namespace

LogicalResult mlir::effai::fpga::buildRTLArtifact(ModuleOp module,
                                                  int64_t batch,
                                                  StringRef outputPath,
                                                  std::string &error) {
  FailureOr<SimulationSources> sources =
      getSimulationSources(module, emitVerilogProject);
  if (failed(sources))
    return failure();
  std::string top = sources->top;
  std::vector<ProjectFile> &files = sources->files;
  SmallVector<ProjectFile> roms;
  for (const ProjectFile &file : files)
    if (StringRef(file.path).ends_with(".mem"))
      roms.push_back(file);
  files.push_back({"host.cpp", emitRTLHost(sources->accelerator, batch,
                                           sources->clockHz, roms)});

  llvm::ErrorOr<std::string> verilator =
      llvm::sys::findProgramByName("verilator");
  if (!verilator) {
    error = "no 'verilator' on PATH to build the RTL simulation (apt-get "
            "install verilator)";
    return failure();
  }
  FailureOr<std::unique_ptr<SimulationBuild>> build =
      prepareSimulationBuild(files, "RTL simulation", error);
  if (failed(build))
    return failure();
  std::string dir = (*build)->directory;
  std::string log = dir + "/build.log", mdir = dir + "/obj";
  std::string library = dir + "/effai_rtl.v", design = dir + "/" + top + ".v";
  if (failed(
          // A MAC engine generates a block per lane: fully parallel PEs
          // have more than Verilator's default 1024.
          runLogged({*verilator, "--cc", "--default-language", "1800-2017",
                     "-Wno-fatal", "-Wno-lint", "-Wno-style", "--unroll-count",
                     "1048576", "--top-module", top, "--prefix", "Vtop",
                     "--Mdir", mdir, library, design},
                    log, "verilating the design", error)))
    return failure();

  // Verilator's runtime sources sit next to its headers.
  std::string root = "/usr/share/verilator";
  if (const char *env = std::getenv("VERILATOR_ROOT"))
    root = env;
  std::string include = root + "/include";
  SmallVector<std::string> compiled;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(mdir, ec), end; it != end && !ec;
       it.increment(ec))
    if (StringRef(it->path()).ends_with(".cpp"))
      compiled.push_back(it->path());
  llvm::sort(compiled);
  compiled.push_back(include + "/verilated.cpp");
  compiled.push_back(include + "/verilated_threads.cpp");
  compiled.push_back(dir + "/host.cpp");
  std::string includeDesign = "-I" + mdir, includeRoot = "-I" + include,
              includeStd = "-I" + include + "/vltstd";
  SmallVector<StringRef> args = (*build)->getSharedObjectCommand();
  args.append({"-O1", "-w", includeDesign, includeRoot, includeStd});
  for (const std::string &source : compiled)
    args.push_back(source);
  args.append({"-o", outputPath});
  return runLogged(args, log,
                   "compiling the RTL simulation with " + (*build)->compiler,
                   error);
}
