//===- SharedObject.cpp - compile a model to a loadable .so -----*- C++ -*-===//
//
// MLIR (tensors) -> effai-cpu-pipeline{entry-point} -> LLVM IR -> O3 for the
// target CPU -> object file -> `cc -shared`. The artifact depends only on
// libc/libm (and libomp when threaded).
//
//===----------------------------------------------------------------------===//

#include "effai/Target/CPU/SharedObject.h"
#include "effai/Pipelines/Pipelines.h"
#include "effai/Target/CPU/HostCPU.h"
#include "effai/Target/TargetDescription.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/BuryPointer.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"

using namespace mlir;

namespace {

/// Calls `callback` on the module after the pass named `argument` ran.
struct AfterPassHook : public PassInstrumentation {
  AfterPassHook(StringRef argument, std::function<void(ModuleOp)> callback)
      : argument(argument), callback(std::move(callback)) {}
  void runAfterPass(Pass *pass, Operation *op) override {
    if (pass->getArgument() == argument)
      if (auto module = dyn_cast<ModuleOp>(op))
        callback(module);
  }
  std::string argument;
  std::function<void(ModuleOp)> callback;
};

/// The TargetMachine for the CPU and ISA features of `target`. For the
/// running machine, features the host lacks are disabled explicitly (a VM
/// may hide some that the CPU name implies).
std::unique_ptr<llvm::TargetMachine>
createTargetMachine(mlir::effai::TargetAttr target, unsigned optLevel,
                    std::string &error) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::Triple triple(llvm::sys::getProcessTriple());
  const llvm::Target *llvmTarget =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!llvmTarget)
    return nullptr;
  std::string features;
  for (Attribute feature : target.getFeatures())
    features += "+" + cast<StringAttr>(feature).getValue().str() + ",";
  if (target.getCpu() == llvm::sys::getHostCPUName())
    for (const auto &feature : llvm::sys::getHostCPUFeatures())
      if (!feature.second)
        features += "-" + feature.first().str() + ",";
  llvm::CodeGenOptLevel level = optLevel >= 3
                                    ? llvm::CodeGenOptLevel::Aggressive
                                : optLevel == 2 ? llvm::CodeGenOptLevel::Default
                                : optLevel == 1 ? llvm::CodeGenOptLevel::Less
                                                : llvm::CodeGenOptLevel::None;
  std::unique_ptr<llvm::TargetMachine> machine(llvmTarget->createTargetMachine(
      triple, target.getCpu(), features, llvm::TargetOptions(),
      llvm::Reloc::PIC_, std::nullopt, level));
  if (!machine) {
    error = "cannot create an LLVM target machine for CPU '" +
            target.getCpu().str() + "'";
    return nullptr;
  }
  return machine;
}

/// Writes `module` as an object (or assembly) file for `machine` to `path`.
LogicalResult
emitObjectFile(llvm::Module &module, llvm::TargetMachine &machine,
               StringRef path, std::string &error,
               llvm::CodeGenFileType kind = llvm::CodeGenFileType::ObjectFile) {
  std::error_code ec;
  llvm::ToolOutputFile out(path, ec, llvm::sys::fs::OF_None);
  if (ec) {
    error = "cannot write '" + path.str() + "': " + ec.message();
    return failure();
  }
  llvm::legacy::PassManager codegen;
  if (machine.addPassesToEmitFile(codegen, out.os(), nullptr, kind)) {
    error = "the LLVM target cannot emit object files";
    return failure();
  }
  codegen.run(module);
  out.keep();
  return success();
}

/// `cc -shared` the object into `outputPath`.
LogicalResult linkSharedObject(StringRef objectPath, StringRef outputPath,
                               bool openmp, std::string &error) {
  llvm::ErrorOr<std::string> cc = llvm::sys::findProgramByName("cc");
  if (!cc) {
    error = "no C compiler driver 'cc' on PATH to link the shared object";
    return failure();
  }
  std::string rpath = std::string("-Wl,-rpath,") + EFFAI_OPENMP_LIBRARY_DIR;
  std::string libDir = std::string("-L") + EFFAI_OPENMP_LIBRARY_DIR;
  SmallVector<StringRef> args = {*cc, "-shared", "-o", outputPath, objectPath};
  if (openmp)
    args.append({libDir, rpath, "-lomp"});
  args.push_back("-lm");
  std::string message;
  int status =
      llvm::sys::ExecuteAndWait(*cc, args, std::nullopt, {}, 0, 0, &message);
  if (status != 0) {
    error = "linking '" + outputPath.str() + "' failed" +
            (message.empty() ? std::string() : ": " + message) +
            " (exit status " + std::to_string(status) + ")";
    return failure();
  }
  return success();
}

} // namespace

FailureOr<mlir::effai::TargetAttr>
mlir::effai::attachCompileTarget(ModuleOp module,
                                 const CPUCompileOptions &options,
                                 std::string &errorMessage) {
  auto target = TargetAttr::lookup(module);
  if (!options.machine.empty() || !target) {
    FailureOr<TargetAttr> resolved = resolveTarget(
        module.getContext(),
        options.machine.empty() ? "host" : StringRef(options.machine),
        errorMessage);
    if (failed(resolved))
      return failure();
    target = *resolved;
  }
  if (!options.cpu.empty()) {
    FailureOr<TargetAttr> retargeted =
        retargetCPU(target, options.cpu, errorMessage);
    if (failed(retargeted))
      return failure();
    target = *retargeted;
  }
  if (target.getKind() != TargetKind::CPU) {
    errorMessage = "machine '" + target.getName().str() +
                   "' is not a CPU; the shared-object backend needs one";
    return failure();
  }
  module->setAttr(TargetAttr::getAttrName(), target);
  return target;
}

LogicalResult mlir::effai::lowerToArtifactIR(ModuleOp module,
                                             const CPUCompileOptions &options) {
  std::string error;
  if (failed(attachCompileTarget(module, options, error)))
    return module.emitError(error);
  PassManager pm(module.getContext());
  if (options.afterTiling)
    pm.addInstrumentation(std::make_unique<AfterPassHook>("effai-select-tiling",
                                                          options.afterTiling));
  if (!options.emulateGPU.empty() || !options.gpu.empty()) {
    bool emulate = !options.emulateGPU.empty();
    if (options.parallel || options.profile)
      return module.emitError(
          emulate ? "GPU emulation runs on one thread without per-layer "
                    "timers (drop --parallel and --profile)"
                  : "GPU artifacts have no OpenMP threads or per-layer "
                    "timers (drop --parallel and --profile)");
    if (!emulate && options.gpuBinary != "ptx" && options.gpuBinary != "cubin")
      return module.emitError("the GPU kernels are embedded as ptx or "
                              "cubin, not '")
             << options.gpuBinary << "'";
    GPUPipelineOptions gpu;
    gpu.chip = emulate ? options.emulateGPU : options.gpu;
    gpu.emulate = emulate;
    gpu.format = options.gpuBinary == "cubin" ? "bin" : "isa";
    gpu.entryPoint = true;
    gpu.hostTarget =
        options.machine.empty() ? std::string("host") : options.machine;
    gpu.fuseElementwise = options.fuseElementwise;
    buildEffaiGPUPipeline(pm, gpu);
    return pm.run(module);
  }
  CPUPipelineOptions pipeline;
  pipeline.entryPoint = true;
  pipeline.parallel = options.parallel;
  pipeline.fuseElementwise = options.fuseElementwise;
  pipeline.kernels = options.kernels;
  pipeline.winograd = options.winograd;
  pipeline.profile = options.profile;
  buildEffaiCPUPipeline(pm, pipeline);
  return pm.run(module);
}

namespace {
/// The optimized LLVM module of `module` for `machine`.
std::unique_ptr<llvm::Module> translateAndOptimize(
    ModuleOp module, const mlir::effai::CPUCompileOptions &options,
    llvm::TargetMachine &machine, llvm::LLVMContext &llvmContext,
    std::string &errorMessage) {
  if (failed(mlir::effai::lowerToArtifactIR(module, options))) {
    errorMessage = "lowering to the LLVM dialect failed";
    return nullptr;
  }
  MLIRContext *context = module.getContext();
  registerBuiltinDialectTranslation(*context);
  registerLLVMDialectTranslation(*context);
  registerOpenMPDialectTranslation(*context);
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext, "effai_model");
  if (!llvmModule) {
    errorMessage = "translation to LLVM IR failed";
    return nullptr;
  }
  llvmModule->setDataLayout(machine.createDataLayout());
  llvmModule->setTargetTriple(machine.getTargetTriple());
  if (llvm::Error error = makeOptimizingTransformer(
          options.optLevel, /*sizeLevel=*/0, &machine)(llvmModule.get())) {
    errorMessage = "LLVM optimization failed: " + toString(std::move(error));
    return nullptr;
  }
  return llvmModule;
}
} // namespace

std::unique_ptr<llvm::Module> mlir::effai::compileToOptimizedLLVMIR(
    ModuleOp module, const CPUCompileOptions &options,
    llvm::LLVMContext &llvmContext, std::string &errorMessage) {
  FailureOr<TargetAttr> target =
      attachCompileTarget(module, options, errorMessage);
  if (failed(target))
    return nullptr;
  std::unique_ptr<llvm::TargetMachine> machine =
      createTargetMachine(*target, options.optLevel, errorMessage);
  if (!machine)
    return nullptr;
  return translateAndOptimize(module, options, *machine, llvmContext,
                              errorMessage);
}

LogicalResult mlir::effai::compileToAssembly(ModuleOp module,
                                             const CPUCompileOptions &options,
                                             StringRef outputPath,
                                             std::string &errorMessage) {
  FailureOr<TargetAttr> target =
      attachCompileTarget(module, options, errorMessage);
  if (failed(target))
    return failure();
  std::unique_ptr<llvm::TargetMachine> machine =
      createTargetMachine(*target, options.optLevel, errorMessage);
  if (!machine)
    return failure();
  // Comments name loops, spills and reloads.
  machine->Options.MCOptions.AsmVerbose = true;
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule = translateAndOptimize(
      module, options, *machine, llvmContext, errorMessage);
  if (!llvmModule)
    return failure();
  return emitObjectFile(*llvmModule, *machine, outputPath, errorMessage,
                        llvm::CodeGenFileType::AssemblyFile);
}

LogicalResult mlir::effai::compileToSharedObject(
    ModuleOp module, const CPUCompileOptions &options, StringRef outputPath,
    std::string &errorMessage) {
  FailureOr<TargetAttr> target =
      attachCompileTarget(module, options, errorMessage);
  if (failed(target))
    return failure();
  std::unique_ptr<llvm::TargetMachine> machine =
      createTargetMachine(*target, options.optLevel, errorMessage);
  if (!machine)
    return failure();
  auto llvmContext = std::make_unique<llvm::LLVMContext>();
  std::unique_ptr<llvm::Module> llvmModule = translateAndOptimize(
      module, options, *machine, *llvmContext, errorMessage);
  llvm::scope_exit keepForExit([&] {
    if (options.freeMemory)
      return;
    // Still reachable, so LeakSanitizer does not report them (clang's
    // -disable-free does the same).
    llvm::BuryPointer(std::move(llvmModule));
    llvm::BuryPointer(std::move(llvmContext));
  });
  if (!llvmModule)
    return failure();

  SmallString<128> objectPath;
  if (std::error_code ec =
          llvm::sys::fs::createTemporaryFile("effai-model", "o", objectPath)) {
    errorMessage = "cannot create a temporary object file: " + ec.message();
    return failure();
  }
  llvm::scope_exit removeObject([&] { llvm::sys::fs::remove(objectPath); });
  if (failed(emitObjectFile(*llvmModule, *machine, objectPath, errorMessage)))
    return failure();
  return linkSharedObject(objectPath, outputPath, options.parallel,
                          errorMessage);
}
