//===- CUDAToolkit.h - where the CUDA toolkit is ----------------*- C++ -*-===//
//
// libdevice and ptxas, found the way a compiler driver finds its own
// libraries; no MLIR dependency, so pipelines and tools can both ask.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_TARGET_GPU_CUDATOOLKIT_H
#define EFFAI_TARGET_GPU_CUDATOOLKIT_H

#include <optional>
#include <string>

namespace mlir::effai {

/// Points CUDA_HOME (unless CUDA_ROOT, CUDA_HOME or CUDA_PATH is set) at
/// the toolkit holding nvvm/libdevice: the one whose ptxas findPtxas finds
/// (symlinks resolved), else /usr/local/cuda. gpu-module-to-binary links
/// libdevice (math functions such as __nv_exp2) and finds ptxas from there.
void locateCUDAToolkit();

/// The ptxas to run: $EFFAI_PTXAS when set, else the first of
/// $CUDA_HOME/bin, /usr/local/cuda/bin and PATH that has one; `error`
/// says where it looked when there is none.
std::optional<std::string> findPtxas(std::string &error);

} // namespace mlir::effai

#endif // EFFAI_TARGET_GPU_CUDATOOLKIT_H
