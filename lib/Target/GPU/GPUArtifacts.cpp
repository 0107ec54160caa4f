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
