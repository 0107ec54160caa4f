//===- Driver.cpp - shared pieces of the effai command-line tools -*- C++ -*-=//

#include "effai/Driver/Driver.h"
#include "effai/InitAll.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/CommandLine.h"

using namespace mlir;

namespace {

struct CompileCommandLine {
  llvm::cl::OptionCategory category{"effai model compilation options"};
  llvm::cl::list<std::string> inputShapes{
      "input-shape",
      llvm::cl::desc("Static shape of an ONNX graph input, NAME=DxDx... "
                     "(repeat for several inputs)"),
      llvm::cl::cat(category)};
  llvm::cl::list<std::string> constantInputs{
      "constant-input",
      llvm::cl::desc("Freeze an ONNX graph input to a constant, "
                     "NAME=TENSOR.pb (repeat for several)"),
      llvm::cl::cat(category)};
  llvm::cl::opt<bool> keepQDQ{
      "onnx-keep-qdq",
      llvm::cl::desc("Keep QDQ pairs instead of folding them into "
                     "integer-only effai ops"),
      llvm::cl::init(false), llvm::cl::cat(category)};
  llvm::cl::opt<std::string> machine{
      "machine",
      llvm::cl::desc("Machine to tile and generate code for: 'host' (the "
                     "running CPU), a preset (generic, x86-avx2, "
                     "x86-avx512-vnni, sapphirerapids, zen5) or a .json "
                     "description (effai-probe-target); default: the "
                     "model's effai.target, else host"),
      llvm::cl::init(""), llvm::cl::cat(category)};
  llvm::cl::opt<std::string> cpu{
      "mcpu",
      llvm::cl::desc("LLVM CPU to generate code for, re-deriving the "
                     "machine's ISA features: 'native' (the host, with all "
                     "its features), 'generic', or an LLVM CPU name; "
                     "default: the machine's own CPU"),
      llvm::cl::init(""), llvm::cl::cat(category)};
  llvm::cl::opt<bool> parallel{
      "parallel",
      llvm::cl::desc("Run each op's parallel loops on OpenMP threads"),
      llvm::cl::init(false), llvm::cl::cat(category)};
  llvm::cl::opt<bool> profile{
      "profile",
      llvm::cl::desc("Count each layer's time in the artifact (effai-run "
                     "prints the per-layer table)"),
      llvm::cl::init(false), llvm::cl::cat(category)};
  llvm::cl::opt<bool> kernels{
      "kernels",
      llvm::cl::desc("Register-blocked contraction kernels (--kernels=false: "
                     "plain loops)"),
      llvm::cl::init(true), llvm::cl::cat(category)};
  llvm::cl::opt<unsigned> optLevel{
      "O", llvm::cl::desc("LLVM optimization level (0-3)"), llvm::cl::Prefix,
      llvm::cl::init(3), llvm::cl::cat(category)};
};

CompileCommandLine &getCommandLine() {
  static CompileCommandLine commandLine;
  return commandLine;
}

} // namespace

void mlir::effai::registerCompileCommandLineOptions() {
  (void)getCommandLine();
}

bool mlir::effai::getImportOptionsFromCommandLine(OnnxImportOptions &options,
                                                  std::string &error) {
  CompileCommandLine &cl = getCommandLine();
  options.foldQDQ = !cl.keepQDQ;
  for (const std::string &text : cl.inputShapes)
    if (!parseInputShapeOverride(text, options, error)) {
      error = "--input-shape: " + error;
      return false;
    }
  for (const std::string &text : cl.constantInputs)
    if (!parseConstantInput(text, options, error)) {
      error = "--constant-input: " + error;
      return false;
    }
  return true;
}

mlir::effai::CPUCompileOptions
mlir::effai::getCPUCompileOptionsFromCommandLine() {
  CompileCommandLine &cl = getCommandLine();
  CPUCompileOptions options;
  options.cpu = cl.cpu;
  options.machine = cl.machine;
  options.parallel = cl.parallel;
  options.profile = cl.profile;
  options.kernels = cl.kernels;
  options.optLevel = std::min(3u, cl.optLevel.getValue());
  return options;
}

mlir::effai::DriverContext::DriverContext() {
  DialectRegistry registry;
  effai::registerAllDialects(registry);
  registerOnnxImportDialects(registry);
  context = std::make_unique<MLIRContext>(registry);
  sourceMgr = std::make_unique<llvm::SourceMgr>();
  diagnostics =
      std::make_unique<SourceMgrDiagnosticHandler>(*sourceMgr, context.get());
}

mlir::effai::DriverContext::~DriverContext() = default;

OwningOpRef<ModuleOp>
mlir::effai::DriverContext::loadModelFile(StringRef path,
                                          const OnnxImportOptions &options) {
  if (path.ends_with(".onnx"))
    return importOnnxFile(context.get(), path, options);
  return parseSourceFile<ModuleOp>(path, context.get());
}

std::string
mlir::effai::describeCompileOptions(const CPUCompileOptions &options) {
  return "machine=" + options.machine + " cpu=" + options.cpu + " O" +
         std::to_string(options.optLevel) +
         (options.parallel ? " parallel" : "") +
         (options.profile ? " profile" : "") +
         (options.kernels ? "" : " no-kernels") +
         (options.fuseElementwise ? " fuse-elementwise" : "");
}
