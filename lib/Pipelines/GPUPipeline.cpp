//===- GPUPipeline.cpp - effai-gpu-pipeline ---------------------*- C++ -*-===//
//
// The NVIDIA GPU code-generation pipeline, from imported tensors to a
// module whose kernels are PTX (or cubin) in a gpu.binary and whose host
// code launches them. Policy (effai-select-tiling on the GPU preset) and
// mechanism (effai-gpu-tile-and-map, effai-gpu-map-to-launch) are separate
// passes; everything after the launch is upstream MLIR's NVVM path.
//
//===----------------------------------------------------------------------===//

#include "effai/Pipelines/Pipelines.h"
#include "effai/Target/GPU/Passes.h"
#include "effai/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/Pipelines/Passes.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void mlir::effai::buildEffaiGPUPipeline(OpPassManager &pm,
                                        const GPUPipelineOptions &options) {
  // The machine every decision below is made for.
  SetTargetOptions setTarget;
  setTarget.target = options.chip.getValue();
  pm.addPass(createSetTarget(setTarget));
  // Power-of-two layers keep their shift kernels: codes read as stored,
  // and no multiply on data (what the multiplier-free model promises).
  buildEffaiLinalgFrontEnd(pm, options.fuseElementwise,
                           /*integerShiftCodes=*/false);

  // Policy: block and thread tiles from the GPU roofline; mechanism: the
  // forall nests (before canonicalization, which would fold their unit
  // loops away with the mapping).
  pm.addPass(createSelectTiling());
  pm.addNestedPass<func::FuncOp>(createGPUTileAndMap());

  buildEffaiBufferization(pm);
  pm.addNestedPass<func::FuncOp>(createGPUMapToLaunch());
  // cse before canonicalize: bufferization leaves copies between identical
  // subviews of a thread's tile, which cse merges and canonicalize then
  // drops (in a kernel they would call memrefCopy).
  pm.addPass(createCSEPass());
  pm.addPass(createCanonicalizerPass());

  if (options.emulate) {
    // The same kernels, as host loops, through the CPU back end.
    pm.addNestedPass<func::FuncOp>(createGPULaunchToHostLoops());
    SetTargetOptions host;
    host.target = options.hostTarget.getValue();
    pm.addPass(createSetTarget(host));
    CPUPipelineOptions cpu;
    cpu.kernels = false;
    cpu.entryPoint = options.entryPoint;
    buildEffaiCPUBackEnd(pm, cpu);
    return;
  }

  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createConvertBufferizationToMemRefPass());
  // Each thread's tile: loops.
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createCSEPass());
  pm.addPass(createCanonicalizerPass());

  // Outlining into one kernel module (one PTX file for the model), NVVM,
  // serialization: PTX always needs the explicit ISA version (the
  // default, 6.0, predates sm_80).
  // Constants (delinearization bases, loop bounds) into the kernels first:
  // outlining alone passes them as parameters, and a division by a
  // parameter is a 64-bit division subroutine, whose call spills.
  pm.addPass(createGpuLaunchSinkIndexComputationsPass());
  pm.addPass(createGpuKernelOutliningPass());
  pm.addPass(createGPUMergeKernelModules());
  pm.addNestedPass<gpu::GPUModuleOp>(createGPUNativeMath());
  pm.addNestedPass<gpu::GPUModuleOp>(createGPUFuseMultiplyAdd());
  gpu::GPUToNVVMPipelineOptions nvvm;
  nvvm.cubinChip = options.chip.getValue();
  nvvm.cubinFeatures = "+ptx80";
  nvvm.cubinFormat = options.format.getValue();
  nvvm.kernelUseBarePtrCallConv = true;
  gpu::buildLowerToNVVMPassPipeline(pm, nvvm);
}
