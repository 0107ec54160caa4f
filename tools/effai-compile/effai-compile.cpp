//===- effai-compile.cpp - ahead-of-time model compiler ---------*- C++ -*-===//
//
//   effai-compile model.onnx -o model.so [--mcpu=native] [--parallel]
//   effai-compile model.mlir -o model.so
//
// Imports (ONNX) or parses (MLIR on tensors) a model and writes a shared
// object that libeffai_runtime loads: effai-cpu-pipeline with the runtime
// entry point, LLVM -O3 for the chosen CPU, `cc -shared`.
//
//===----------------------------------------------------------------------===//

#include "effai/Driver/Driver.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace {
enum class EmitKind { SharedObject, LLVMDialect, LLVMIR, Assembly };
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
      "target", llvm::cl::desc("Target device (only 'cpu' so far)"),
      llvm::cl::init("cpu"));
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
                     "The machine code as assembly (spills are annotated)")),
      llvm::cl::init(EmitKind::SharedObject));
  effai::registerCompileCommandLineOptions();
  llvm::cl::ParseCommandLineOptions(argc, argv,
                                    "effai ahead-of-time model compiler\n");

  if (target != "cpu") {
    llvm::errs() << "effai-compile: error: target '" << target
                 << "' is not supported (supported: cpu)\n";
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

  effai::CPUCompileOptions options =
      effai::getCPUCompileOptionsFromCommandLine();
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
    (void)module.release();
    return 0;
  }
  if (emit == EmitKind::Assembly) {
    if (failed(effai::compileToAssembly(*module, options, outputPath,
                                        error))) {
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
