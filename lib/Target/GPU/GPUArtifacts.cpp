//===- GPUArtifacts.cpp - PTX and cubin from a model ------------*- C++ -*-===//
//
// The PTX comes out of the gpu.binary effai-gpu-pipeline{format=isa}
// builds (one, since the kernels share a module); the cubin from the
// toolkit's ptxas, run as a program, so that its report is the one users
// know (`ptxas -v`).
//
//===----------------------------------------------------------------------===//

#include "effai/Target/GPU/GPUArtifacts.h"
#include "effai/Pipelines/Pipelines.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <cstdlib>

using namespace mlir;

/// Serialization links libdevice (math functions NVVM calls, such as
/// __nv_exp2) from the toolkit MLIR finds through CUDA_ROOT, CUDA_HOME or
/// CUDA_PATH; with none set, point CUDA_HOME at the toolkit that holds
/// nvvm/libdevice: the one whose ptxas we would run (through symlinks: a
/// ptxas in /usr/local/bin is not a toolkit), else /usr/local/cuda, as a
/// compiler driver locates its own libraries.
static void locateCUDAToolkit() {
  if (std::getenv("CUDA_ROOT") || std::getenv("CUDA_HOME") ||
      std::getenv("CUDA_PATH"))
    return;
  SmallVector<std::string> toolkits;
  std::string error;
  if (std::optional<std::string> ptxas = mlir::effai::findPtxas(error)) {
    SmallString<128> resolved;
    if (!llvm::sys::fs::real_path(*ptxas, resolved))
      toolkits.push_back(llvm::sys::path::parent_path(
                             llvm::sys::path::parent_path(resolved))
                             .str());
    toolkits.push_back(
        llvm::sys::path::parent_path(llvm::sys::path::parent_path(*ptxas))
            .str());
  }
  toolkits.push_back("/usr/local/cuda");
  for (const std::string &toolkit : toolkits) {
    SmallString<128> libdevice(toolkit);
    llvm::sys::path::append(libdevice, "nvvm", "libdevice");
    if (llvm::sys::fs::is_directory(libdevice)) {
      ::setenv("CUDA_HOME", toolkit.c_str(), /*overwrite=*/0);
      return;
    }
  }
}

FailureOr<std::string> mlir::effai::compileToPTX(ModuleOp module,
                                                 StringRef chip,
                                                 bool fuseElementwise) {
  locateCUDAToolkit();
  PassManager pm(module.getContext());
  GPUPipelineOptions options;
  options.chip = chip.str();
  options.format = "isa";
  options.fuseElementwise = fuseElementwise;
  buildEffaiGPUPipeline(pm, options);
  if (failed(pm.run(module)))
    return failure();
  std::string ptx;
  for (auto binary : module.getOps<gpu::BinaryOp>())
    for (Attribute attr : binary.getObjects())
      if (auto object = dyn_cast<gpu::ObjectAttr>(attr);
          object && object.getFormat() == gpu::CompilationTarget::Assembly)
        ptx += object.getObject().getValue();
  if (ptx.empty())
    return module.emitError("the GPU pipeline produced no PTX (a model "
                            "without linalg ops?)");
  return ptx;
}

std::optional<std::string> mlir::effai::findPtxas(std::string &error) {
  if (const char *explicitPath = std::getenv("EFFAI_PTXAS")) {
    if (llvm::sys::fs::can_execute(explicitPath))
      return std::string(explicitPath);
    error = std::string("EFFAI_PTXAS names '") + explicitPath +
            "', which is not an executable";
    return std::nullopt;
  }
  SmallVector<std::string> candidates;
  if (const char *home = std::getenv("CUDA_HOME"))
    candidates.push_back(std::string(home) + "/bin/ptxas");
  candidates.push_back("/usr/local/cuda/bin/ptxas");
  for (const std::string &candidate : candidates)
    if (llvm::sys::fs::can_execute(candidate))
      return candidate;
  if (llvm::ErrorOr<std::string> onPath = llvm::sys::findProgramByName("ptxas"))
    return *onPath;
  error = "ptxas (the CUDA toolkit's PTX assembler) is not in $CUDA_HOME/bin, "
          "/usr/local/cuda/bin or PATH; install the toolkit or set "
          "EFFAI_PTXAS (PTX needs no toolkit: --emit=ptx)";
  return std::nullopt;
}

FailureOr<std::string> mlir::effai::assembleCubin(StringRef ptx, StringRef chip,
                                                  StringRef cubinPath,
                                                  std::string &error) {
  std::optional<std::string> ptxas = findPtxas(error);
  if (!ptxas)
    return failure();
  SmallString<128> ptxPath, reportPath;
  int fd;
  if (llvm::sys::fs::createTemporaryFile("effai", "ptx", fd, ptxPath) ||
      llvm::sys::fs::createTemporaryFile("effai", "ptxas", reportPath)) {
    error = "cannot create temporary files for ptxas";
    return failure();
  }
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << ptx;
  }
  std::string arch = "-arch=" + chip.str();
  SmallVector<StringRef> args = {*ptxas, arch, "-v", "-o", cubinPath, ptxPath};
  std::optional<StringRef> redirects[] = {std::nullopt, reportPath.str(),
                                          reportPath.str()};
  std::string message;
  int status = llvm::sys::ExecuteAndWait(*ptxas, args, std::nullopt, redirects,
                                         /*SecondsToWait=*/300,
                                         /*MemoryLimit=*/0, &message);
  auto report = llvm::MemoryBuffer::getFile(reportPath);
  std::string text = report ? (*report)->getBuffer().str() : "";
  llvm::sys::fs::remove(ptxPath);
  llvm::sys::fs::remove(reportPath);
  if (status != 0) {
    error = "ptxas failed (" +
            (message.empty() ? "exit " + std::to_string(status) : message) +
            "): " + text;
    return failure();
  }
  return text;
}
