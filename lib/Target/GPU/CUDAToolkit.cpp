//===- CUDAToolkit.cpp - where the CUDA toolkit is --------------*- C++ -*-===//
//
// Serializing kernels needs two things from the CUDA toolkit: libdevice
// (linked by gpu-module-to-binary) and, for cubins, ptxas. This finds them
// as a compiler driver finds its own libraries.
//
//===----------------------------------------------------------------------===//

#include "effai/Target/GPU/CUDAToolkit.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <cstdlib>

using namespace llvm;

/// Serialization links libdevice (math functions NVVM calls, such as
/// __nv_exp2) from the toolkit MLIR finds through CUDA_ROOT, CUDA_HOME or
/// CUDA_PATH; with none set, point CUDA_HOME at the toolkit that holds
/// nvvm/libdevice: the one whose ptxas we would run (through symlinks: a
/// ptxas in /usr/local/bin is not a toolkit), else /usr/local/cuda, as a
/// compiler driver locates its own libraries.
void mlir::effai::locateCUDAToolkit() {
  if (std::getenv("CUDA_ROOT") || std::getenv("CUDA_HOME") ||
      std::getenv("CUDA_PATH"))
    return;
  SmallVector<std::string> toolkits;
  std::string error;
  if (std::optional<std::string> ptxas = mlir::effai::findPtxas(error)) {
    SmallString<128> resolved;
    if (!llvm::sys::fs::real_path(*ptxas, resolved))
      toolkits.push_back(
          llvm::sys::path::parent_path(llvm::sys::path::parent_path(resolved))
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
