//===- Driver.cpp - shared pieces of the effai command-line tools -*- C++ -*-=//

#include "effai/Driver/Driver.h"
#include "effai/InitAll.h"
#include "effai/Target/CPU/TilingReport.h"
#include "effai/runtime.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <vector>

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
  llvm::cl::opt<bool> winograd{
      "winograd",
      llvm::cl::desc("Winograd F(2x2, 3x3) for the 3x3 convolutions the "
                     "roofline predicts faster that way (--winograd=false: "
                     "all direct)"),
      llvm::cl::init(true), llvm::cl::cat(category)};
  llvm::cl::opt<std::string> emulateGPU{
      "emulate-gpu",
      llvm::cl::desc("Compile through the GPU path for this chip (sm_80, "
                     "sm_90) and run its kernels as host loops: tests the "
                     "GPU tiling and mapping on a machine without a GPU"),
      llvm::cl::value_desc("chip"), llvm::cl::init(""),
      llvm::cl::cat(category)};
  llvm::cl::opt<std::string> gpuBinary{
      "gpu-binary",
      llvm::cl::desc("GPU artifacts: embed the kernels as 'ptx' (the driver "
                     "compiles them for the device at load; default) or as "
                     "a 'cubin' for the chip (assembled by ptxas now)"),
      llvm::cl::init("ptx"), llvm::cl::cat(category)};
  llvm::cl::opt<std::string> report{
      "report",
      llvm::cl::desc("Write the per-layer tiling report (JSON): ops, shapes, "
                     "MACs, bytes, intensity, bound, tiles, predicted time; "
                     "with --profile also measured time and % of roofline"),
      llvm::cl::value_desc("report.json"), llvm::cl::cat(category)};
  llvm::cl::opt<std::string> rooflinePlot{
      "roofline-plot",
      llvm::cl::desc("Draw the target's roofs and one point per layer (PNG, "
                     "matplotlib)"),
      llvm::cl::value_desc("plot.png"), llvm::cl::cat(category)};
  llvm::cl::opt<int> reportRuns{
      "report-runs",
      llvm::cl::desc("Profiled runs whose per-layer times the report shows"),
      llvm::cl::init(20), llvm::cl::cat(category)};
  llvm::cl::opt<int> reportThreads{
      "report-threads",
      llvm::cl::desc("Threads for the profiled runs (0: OpenMP's default)"),
      llvm::cl::init(0), llvm::cl::cat(category)};
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
  options.winograd = cl.winograd;
  options.emulateGPU = cl.emulateGPU;
  options.gpuBinary = cl.gpuBinary;
  options.optLevel = std::min(3u, cl.optLevel.getValue());
  return options;
}

mlir::effai::ReportRequest mlir::effai::getReportRequestFromCommandLine() {
  CompileCommandLine &cl = getCommandLine();
  ReportRequest request;
  request.reportPath = cl.report;
  request.plotPath = cl.rooflinePlot;
  request.runs = std::max(1, cl.reportRuns.getValue());
  request.threads = cl.reportThreads;
  return request;
}

LogicalResult mlir::effai::compileWithReport(ModuleOp module,
                                             const CPUCompileOptions &options,
                                             StringRef outputPath,
                                             const ReportRequest &request,
                                             std::string &error) {
  bool wantReport = !request.reportPath.empty() || !request.plotPath.empty();
  CPUCompileOptions withHook = options;
  llvm::json::Object report;
  if (wantReport)
    withHook.afterTiling = [&](ModuleOp tiled) {
      report = buildTilingReport(tiled);
    };
  if (failed(compileToSharedObject(module, withHook, outputPath, error)))
    return failure();
  if (!wantReport)
    return success();
  if (options.profile) {
    std::map<std::string, double> seconds;
    if (!measureLayerTimes(outputPath, request.runs, request.threads, seconds,
                           error))
      return failure();
    addMeasuredTimes(report, seconds, request.runs);
  }
  // The report goes where asked, else next to the plot.
  std::string reportPath = request.reportPath.empty()
                               ? request.plotPath + ".json"
                               : request.reportPath;
  std::error_code ec;
  llvm::raw_fd_ostream os(reportPath, ec);
  if (ec) {
    error = "cannot write '" + reportPath + "': " + ec.message();
    return failure();
  }
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(report))) << "\n";
  os.close();
  if (request.plotPath.empty())
    return success();
  // EFFAI_PYTHON overrides the interpreter CMake configured.
  std::string interpreter = EFFAI_PYTHON_EXECUTABLE;
  if (const char *fromEnv = std::getenv("EFFAI_PYTHON"))
    interpreter = fromEnv;
  llvm::ErrorOr<std::string> python =
      llvm::sys::path::has_parent_path(interpreter)
          ? llvm::ErrorOr<std::string>(interpreter)
          : llvm::sys::findProgramByName(interpreter);
  if (!python || !llvm::sys::fs::can_execute(*python)) {
    error = "--roofline-plot needs python3 with matplotlib ('" + interpreter +
            "' not found; set EFFAI_PYTHON)";
    return failure();
  }
  std::string script =
      std::string(EFFAI_PYTHON_PACKAGES) + "/effai/roofline.py";
  SmallVector<StringRef> args = {*python, script, reportPath, request.plotPath};
  std::string message;
  if (llvm::sys::ExecuteAndWait(*python, args, std::nullopt, {}, 0, 0,
                                &message) != 0) {
    error = "drawing the roofline plot failed (" + script + ")" +
            (message.empty() ? std::string() : ": " + message);
    return failure();
  }
  return success();
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
         (options.kernels && !options.winograd ? " no-winograd" : "") +
         (options.fuseElementwise ? " fuse-elementwise" : "") +
         (options.emulateGPU.empty() ? ""
                                     : " emulate-gpu=" + options.emulateGPU) +
         (options.gpu.empty()
              ? ""
              : " gpu=" + options.gpu + " gpu-binary=" + options.gpuBinary);
}

bool mlir::effai::measureLayerTimes(StringRef path, int runs, int threads,
                                    std::map<std::string, double> &seconds,
                                    std::string &error) {
  effai_model *model = nullptr;
  if (effai_load(path.str().c_str(), &model) != EFFAI_OK) {
    error = effai_last_error();
    return false;
  }
  auto fail = [&](std::string message) {
    error = std::move(message);
    effai_unload(model);
    return false;
  };
  if (effai_profile_count(model) == 0)
    return fail("'" + path.str() +
                "' has no per-layer timers (compile it "
                "with --profile)");
  if (threads > 0 && effai_set_num_threads(model, threads) != EFFAI_OK)
    return fail(effai_last_error());
  // Zero-filled inputs and outputs of the declared shapes.
  std::vector<std::vector<char>> storage;
  std::vector<effai_tensor> inputs, outputs;
  auto describe = [&](size_t count, auto info, std::vector<effai_tensor> &out) {
    for (size_t i = 0; i < count; ++i) {
      const char *name;
      effai_tensor tensor;
      info(model, i, &name, &tensor);
      size_t elements = 1;
      for (int32_t d = 0; d < tensor.rank; ++d)
        elements *= size_t(tensor.shape[d]);
      storage.emplace_back(elements * effai_dtype_size(tensor.dtype) + 1, 0);
      tensor.data = storage.back().data();
      out.push_back(tensor);
    }
  };
  describe(effai_num_inputs(model), effai_input_info, inputs);
  describe(effai_num_outputs(model), effai_output_info, outputs);
  for (int i = 0; i <= runs; ++i) {
    if (i == 1)
      effai_profile_reset(model);
    if (effai_run(model, inputs.data(), inputs.size(), outputs.data(),
                  outputs.size()) != EFFAI_OK)
      return fail(effai_last_error());
  }
  for (size_t i = 0, e = effai_profile_count(model); i < e; ++i) {
    const char *name;
    double layerSeconds;
    if (effai_profile_layer(model, i, &name, &layerSeconds) == EFFAI_OK)
      seconds[name] += layerSeconds;
  }
  effai_unload(model);
  return true;
}
