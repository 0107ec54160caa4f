//===- GPUArtifacts.h - PTX and cubin from a model --------------*- C++ -*-===//
//
// What effai-compile --target=gpu writes: the PTX of a model's kernels
// (effai-gpu-pipeline, one kernel module) and, through the CUDA toolkit's
// ptxas, the cubin with ptxas's resource report per kernel.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_TARGET_GPU_GPUARTIFACTS_H
#define EFFAI_TARGET_GPU_GPUARTIFACTS_H

#include "effai/Target/GPU/CUDAToolkit.h"
#include "mlir/IR/BuiltinOps.h"

#include <optional>
#include <string>

namespace mlir::effai {

/// Lowers `module` in place with effai-gpu-pipeline{chip} and returns the
/// PTX of its kernels; errors are diagnostics on the module. Math
/// functions come from the CUDA toolkit's libdevice when one is found
/// (CUDA_ROOT, CUDA_HOME, CUDA_PATH, else where findPtxas finds ptxas).
FailureOr<std::string> compileToPTX(ModuleOp module, StringRef chip,
                                    bool fuseElementwise);

/// Assembles `ptx` for `chip` into the cubin at `cubinPath` with
/// `ptxas -v`; returns ptxas's report (registers, spills, shared memory
/// per kernel).
FailureOr<std::string> assembleCubin(StringRef ptx, StringRef chip,
                                     StringRef cubinPath, std::string &error);

} // namespace mlir::effai

#endif // EFFAI_TARGET_GPU_GPUARTIFACTS_H
