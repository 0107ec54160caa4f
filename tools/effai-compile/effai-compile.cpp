//===- effai-compile.cpp - ahead-of-time model compiler ---------*- C++ -*-===//
//
//   effai-compile model.onnx -o model.so [--mcpu=native] [--parallel]
//   effai-compile model.mlir -o model.so
//   effai-compile model.onnx --target=gpu --chip=sm_90 -o model.so
//   effai-compile model.onnx --target=gpu --chip=sm_90 --emit=ptx -o model.ptx
//   effai-compile model.onnx --target=gpu --emit=cubin -o model.cubin
//   effai-compile model.mlir --target=fpga-hls --fpga-part=xczu9eg -o prj/
//   effai-compile model.mlir --target=fpga-csim -o model.so
//   effai-compile model.mlir --target=fpga-rtl -o model.so   (Verilator)
//   effai-compile model.mlir --target=fpga-synth -o syn/     (yosys)
//   effai-compile model.mlir --target=fpga-bitstream --fpga-part=ice40up5k
//       -o ice40/                         (yosys, nextpnr-ice40, icepack)
//
// Imports (ONNX) or parses (MLIR on tensors) a model and writes a shared
// object that libeffai_runtime loads: effai-cpu-pipeline with the runtime
// entry point, LLVM -O3 for the chosen CPU, `cc -shared`. For the GPU, the
// same shared object holds the host code and the kernels of
// effai-gpu-pipeline (PTX, or a cubin with --gpu-binary=cubin); --emit=ptx
// and --emit=cubin write the kernels alone (a cubin with ptxas's
// per-kernel report on stdout). For an FPGA, an integer-only model goes
// through effai-fpga-pipeline to a Vitis HLS project (a directory), or to
// its C simulation as a shared object the runtime runs.
//
//===----------------------------------------------------------------------===//

#include "effai/Driver/Driver.h"
#include "effai/Target/GPU/GPUArtifacts.h"
#include "effai/Target/TargetDescription.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/BuryPointer.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace {
enum class EmitKind { SharedObject, LLVMDialect, LLVMIR, Assembly, PTX, Cubin };

/// Writes `text` to `path`; false after printing why not.
bool writeFile(StringRef path, StringRef text) {
  std::error_code ec;
  llvm::ToolOutputFile out(path, ec, llvm::sys::fs::OF_None);
  if (ec) {
    llvm::errs() << "effai-compile: error: cannot write '" << path
                 << "': " << ec.message() << "\n";
    return false;
  }
  out.os() << text;
  out.keep();
  return true;
}

/// False after saying why when `chip` names no GPU preset.
bool checkGPUChip(MLIRContext *context, StringRef chip) {
  std::string error;
  FailureOr<effai::TargetAttr> target =
      effai::resolveTarget(context, chip, error);
  if (succeeded(target) && target->getKind() != effai::TargetKind::GPU)
    error = "'" + chip.str() + "' is not a GPU (expected sm_80 or sm_90)";
  if (failed(target) || !error.empty()) {
    llvm::errs() << "effai-compile: error: --chip: " << error << "\n";
    return false;
  }
  return true;
}

/// --target=gpu --emit=ptx|cubin: the kernels alone, as PTX or, through
/// ptxas, a cubin.
int compileKernelsForGPU(ModuleOp module, EmitKind emit, StringRef chip,
                         StringRef outputPath) {
  std::string error;
  FailureOr<std::string> ptx =
      effai::compileToPTX(module, chip, /*fuseElementwise=*/true);
  if (failed(ptx))
    return 1;
  if (emit == EmitKind::PTX)
    return writeFile(outputPath, *ptx) ? 0 : 1;
  FailureOr<std::string> report =
      effai::assembleCubin(*ptx, chip, outputPath, error);
  if (failed(report)) {
    llvm::errs() << "effai-compile: error: " << error << "\n";
    return 1;
  }
  llvm::outs() << *report;
  return 0;
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  llvm::cl::opt<std::string> inputPath(
      llvm::cl::Positional, llvm::cl::desc("<model.onnx | model.mlir>"),
      llvm::cl::Required);
  llvm::cl::opt<std::string> outputPath("o", llvm::cl::desc("Output file"),
                                        llvm::cl::value_desc("model.so"),
                                        llvm::cl::Required);
  llvm::cl::opt<std::string> target(
      "target",
      llvm::cl::desc("Target device: cpu, gpu, fpga-hls (an HLS project "
                     "directory), fpga-csim (its C simulation), fpga-verilog "
                     "(a Verilog design directory), fpga-rtl (its "
                     "Verilator simulation), fpga-synth (its yosys "
                     "resources next to the estimate) or fpga-bitstream "
                     "(the iCE40 flow: Fmax and bitstream)"),
      llvm::cl::init("cpu"));
  llvm::cl::opt<std::string> fpgaPart(
      "fpga-part",
      llvm::cl::desc("FPGA to fold for with --target=fpga-*: xczu9eg, "
                     "xcvu9p, xcu250, ice40up5k or a .json description"),
      llvm::cl::init("xczu9eg"));
  llvm::cl::opt<int64_t> fpgaBatch(
      "fpga-batch",
      llvm::cl::desc("Frames per run of --target=fpga-csim|fpga-rtl "
                     "(default: the model's batch)"),
      llvm::cl::init(0));
  llvm::cl::opt<double> fpgaUtilization(
      "fpga-utilization",
      llvm::cl::desc("Share of each FPGA resource the accelerator may use"),
      llvm::cl::init(0.8));
  llvm::cl::opt<std::string> chip(
      "chip",
      llvm::cl::desc("GPU to compile for with --target=gpu: sm_80 "
                     "(A100-class) or sm_90 (H100/H200-class)"),
      llvm::cl::init("sm_90"));
  llvm::cl::opt<EmitKind> emit(
      "emit", llvm::cl::desc("What to write"),
      llvm::cl::values(
          clEnumValN(EmitKind::SharedObject, "so",
                     "A shared object for the runtime (default)"),
          clEnumValN(EmitKind::LLVMDialect, "llvm-dialect",
                     "The lowered module in the LLVM dialect, with the entry "
                     "point"),
          clEnumValN(EmitKind::LLVMIR, "llvm-ir",
                     "The optimized LLVM IR that goes into the object"),
          clEnumValN(EmitKind::Assembly, "asm",
                     "The machine code as assembly (spills are annotated)"),
          clEnumValN(EmitKind::PTX, "ptx", "--target=gpu: the kernels' PTX"),
          clEnumValN(EmitKind::Cubin, "cubin",
                     "--target=gpu: the kernels assembled by ptxas for the "
                     "chip, with ptxas's per-kernel report")),
      llvm::cl::init(EmitKind::SharedObject));
  effai::registerCompileCommandLineOptions();
  llvm::cl::ParseCommandLineOptions(argc, argv,
                                    "effai ahead-of-time model compiler\n");

  std::optional<effai::FPGAOutput> fpga =
      llvm::StringSwitch<std::optional<effai::FPGAOutput>>(target)
          .Case("fpga-hls", effai::FPGAOutput::HLS)
          .Case("fpga-csim", effai::FPGAOutput::CSim)
          .Case("fpga-verilog", effai::FPGAOutput::Verilog)
          .Case("fpga-rtl", effai::FPGAOutput::RTL)
          .Case("fpga-synth", effai::FPGAOutput::Synthesis)
          .Case("fpga-bitstream", effai::FPGAOutput::Bitstream)
          .Default(std::nullopt);
  if (target != "cpu" && target != "gpu" && !fpga) {
    llvm::errs() << "effai-compile: error: target '" << target
                 << "' is not supported (supported: cpu, gpu, fpga-hls, "
                    "fpga-csim, fpga-verilog, fpga-rtl, fpga-synth, "
                    "fpga-bitstream)\n";
    return 1;
  }
  if (fpga && emit != EmitKind::SharedObject) {
    llvm::errs() << "effai-compile: error: --emit does not apply to "
                    "--target="
                 << target << "\n";
    return 1;
  }
  if (target == "cpu" && (emit == EmitKind::PTX || emit == EmitKind::Cubin)) {
    llvm::errs() << "effai-compile: error: --emit=ptx and --emit=cubin need "
                    "--target=gpu\n";
    return 1;
  }
  effai::OnnxImportOptions importOptions;
  std::string error;
  if (!effai::getImportOptionsFromCommandLine(importOptions, error)) {
    llvm::errs() << "effai-compile: error: " << error << "\n";
    return 1;
  }

  effai::DriverContext driver;
  OwningOpRef<ModuleOp> module = driver.loadModelFile(inputPath, importOptions);
  if (!module)
    return 1;

  if (fpga) {
    effai::FPGACompileOptions options;
    options.part = fpgaPart;
    options.utilization = fpgaUtilization;
    options.output = *fpga;
    options.batch = fpgaBatch;
    if (failed(effai::compileForFPGA(*module, options, outputPath, error))) {
      llvm::errs() << "effai-compile: error: " << error << "\n";
      return 1;
    }
    // What the open tools measured, next to the estimate.
    if (*fpga == effai::FPGAOutput::Synthesis ||
        *fpga == effai::FPGAOutput::Bitstream) {
      SmallString<128> report(outputPath.getValue());
      llvm::sys::path::append(report, "report.txt");
      if (auto text = llvm::MemoryBuffer::getFile(report))
        llvm::outs() << (*text)->getBuffer();
    }
    return 0;
  }
  if (target == "gpu" && !checkGPUChip(module->getContext(), chip))
    return 1;
  if (target == "gpu" && (emit == EmitKind::PTX || emit == EmitKind::Cubin)) {
    int status = compileKernelsForGPU(*module, emit, chip, outputPath);
    llvm::BuryPointer(module.release()); // reachable: no leak report
    return status;
  }

  effai::CPUCompileOptions options =
      effai::getCPUCompileOptionsFromCommandLine();
  if (target == "gpu") {
    if (!options.emulateGPU.empty()) {
      llvm::errs() << "effai-compile: error: --emulate-gpu compiles for the "
                      "CPU; drop --target=gpu\n";
      return 1;
    }
    options.gpu = chip;
  }
  // The process ends after one compilation: skip freeing its IR.
  options.freeMemory = false;
  effai::ReportRequest report = effai::getReportRequestFromCommandLine();
  if (emit != EmitKind::SharedObject &&
      (!report.reportPath.empty() || !report.plotPath.empty())) {
    llvm::errs() << "effai-compile: error: --report and --roofline-plot "
                    "need --emit=so (the report is measured on the artifact)\n";
    return 1;
  }
  if (emit == EmitKind::SharedObject) {
    if (failed(effai::compileWithReport(*module, options, outputPath, report,
                                        error))) {
      llvm::errs() << "effai-compile: error: " << error << "\n";
      return 1;
    }
    // Exit without tearing down the module and its weights.
    llvm::BuryPointer(module.release()); // reachable: no leak report
    return 0;
  }
  if (emit == EmitKind::Assembly) {
    if (failed(effai::compileToAssembly(*module, options, outputPath, error))) {
      llvm::errs() << "effai-compile: error: " << error << "\n";
      return 1;
    }
    return 0;
  }

  // Textual outputs.
  std::error_code ec;
  llvm::ToolOutputFile out(outputPath, ec, llvm::sys::fs::OF_None);
  if (ec) {
    llvm::errs() << "effai-compile: error: cannot write '" << outputPath
                 << "': " << ec.message() << "\n";
    return 1;
  }
  if (emit == EmitKind::LLVMDialect) {
    if (failed(effai::lowerToArtifactIR(*module, options)))
      return 1;
    module->print(out.os());
  } else {
    llvm::LLVMContext llvmContext;
    std::unique_ptr<llvm::Module> llvmModule =
        effai::compileToOptimizedLLVMIR(*module, options, llvmContext, error);
    if (!llvmModule) {
      llvm::errs() << "effai-compile: error: " << error << "\n";
      return 1;
    }
    llvmModule->print(out.os(), nullptr);
  }
  out.keep();
  return 0;
}
