//===- Pipelines.h - named effai pass pipelines -----------------*- C++ -*-===//
//
// Named pipelines compose effai and upstream passes. They are registered
// with pipeline options (never global flags), so one pipeline string
// reproduces a run from effai-opt or Python.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_PIPELINES_PIPELINES_H
#define EFFAI_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir::effai {

struct CPUPipelineOptions : public PassPipelineOptions<CPUPipelineOptions> {
  Option<bool> fuseElementwise{
      *this, "fuse-elementwise",
      llvm::cl::desc("Fuse producer/consumer elementwise linalg ops"),
      llvm::cl::init(true)};
  Option<bool> entryPoint{
      *this, "entry-point",
      llvm::cl::desc("Build an artifact for the runtime: results become "
                     "out-parameters, intermediates share one workspace "
                     "planned at compile time, and the C entry point and "
                     "metadata are exported (effai-plan-buffers, "
                     "effai-emit-entry-point)"),
      llvm::cl::init(false)};
  Option<bool> parallel{
      *this, "parallel",
      llvm::cl::desc("Run the parallel loops of each op on OpenMP threads "
                     "(link the result with libomp)"),
      llvm::cl::init(false)};
};

/// effai (+ linalg/tensor/quant) on tensors -> LLVM dialect for the host CPU:
/// lower effai ops, lower quant casts, fuse, bufferize, loops (OpenMP when
/// `parallel`), LLVM; with `entry-point`, the runtime's C ABI.
void buildEffaiCPUPipeline(OpPassManager &pm,
                           const CPUPipelineOptions &options);

/// Registers `effai-cpu-pipeline`.
void registerEffaiPipelines();

} // namespace mlir::effai

#endif // EFFAI_PIPELINES_PIPELINES_H
