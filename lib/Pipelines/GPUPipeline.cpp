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
#include "effai/Target/CPU/Passes.h"
#include "effai/Target/GPU/CUDAToolkit.h"
#include "effai/Target/GPU/Passes.h"
#include "effai/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/Pipelines/Passes.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void mlir::effai::buildEffaiGPUPipeline(OpPassManager &pm,
                                        const GPUPipelineOptions &options) {
  // The machine every decision below is made for.
  SetTargetOptions setTarget;
  setTarget.target = options.chip.getValue();
  pm.addPass(createSetTarget(setTarget));
  // Power-of-two layers and convolutions keep their shift kernels: codes
  // read as stored, and no multiply on data (what the multiplier-free
  // model promises).
  // Sparse layers gather per output: one kernel, no host loop over their
  // stored weights; bitmap rows are scanned position by position, the
  // same trip count in every thread (set-bit walks also spilled on sm_90).
  LinalgFrontEndOptions frontEnd;
  frontEnd.fuseElementwise = options.fuseElementwise;
  frontEnd.integerShiftCodes = false;
  frontEnd.shiftConvolutions = true;
  frontEnd.sparseBatchInner = false;
  frontEnd.sparseSetBitWalk = false;
  buildEffaiLinalgFrontEnd(pm, frontEnd);

  // Every piece of work must become a kernel, a pad's border included.
  pm.addNestedPass<func::FuncOp>(createGPUDecomposePads());
  // Policy: block and thread tiles from the GPU roofline; mechanism: the
  // forall nests (before canonicalization, which would fold their unit
  // loops away with the mapping).
  pm.addPass(createSelectTiling());
  pm.addNestedPass<func::FuncOp>(createGPUTileAndMap());

  buildEffaiBufferization(pm);
  // Tensor-core tiles: warp-level contractions in the m16n8k32 shape,
  // distributed over the lanes as nvgpu.mma.sync (on the GPU only: the
  // emulation runs the warp-level form).
  GPUWarpMmaOptions warpMma;
  warpMma.distribute = !options.emulate;
  pm.addNestedPass<func::FuncOp>(createGPUWarpMma(warpMma));
  // The thread tiles of reductions accumulate in registers (the register
  // tiles effai-select-tiling sized), their operands staged through
  // shared memory where it chose to (emulation: no barriers, each thread
  // copies whole chunks).
  GPURegisterAccumulatorsOptions accumulators;
  accumulators.distribute = !options.emulate;
  pm.addNestedPass<func::FuncOp>(createGPURegisterAccumulators(accumulators));
  pm.addNestedPass<func::FuncOp>(createGPUMapToLaunch());
  // cse before canonicalize: bufferization leaves copies between identical
  // subviews of a thread's tile, which cse merges and canonicalize then
  // drops (in a kernel they would call memrefCopy).
  pm.addPass(createCSEPass());
  pm.addPass(createCanonicalizerPass());

  if (options.emulate) {
    // The same kernels, as host loops, through the CPU back end.
    pm.addNestedPass<func::FuncOp>(createGPUCopiesToLaunches());
    pm.addNestedPass<func::FuncOp>(createGPULaunchToHostLoops());
    VectorTransferToSCFOptions transfers;
    transfers.enableFullUnroll();
    pm.addNestedPass<func::FuncOp>(createConvertVectorToSCFPass(transfers));
    SetTargetOptions host;
    host.target = options.hostTarget.getValue();
    pm.addPass(createSetTarget(host));
    CPUPipelineOptions cpu;
    cpu.kernels = false;
    cpu.entryPoint = options.entryPoint;
    buildEffaiCPUBackEnd(pm, cpu);
    return;
  }

  // An artifact: results into the runtime's buffers, intermediates planned
  // in one device workspace (before deallocation, as on the CPU).
  // Slots at multiples of 64 bytes: the tensor-core kernels' aligned
  // fragment accesses count on at least 16 (effai-gpu-warp-mma).
  if (options.entryPoint) {
    PlanBuffersOptions plan;
    plan.alignment = 64;
    pm.addPass(createPlanBuffers(plan));
  }
  // The host cannot touch device buffers: strided copies become kernels.
  pm.addNestedPass<func::FuncOp>(createGPUCopiesToLaunches());
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
  pm.addNestedPass<func::FuncOp>(createGPURebaseLaunchViews());
  pm.addPass(createGpuLaunchSinkIndexComputationsPass());
  pm.addPass(createGpuKernelOutliningPass());
  pm.addPass(createGPUMergeKernelModules());
  // Staging buffers: the kernels' shared memory.
  pm.addNestedPass<gpu::GPUModuleOp>(createGPUWorkgroupBuffers());
  pm.addNestedPass<gpu::GPUModuleOp>(createGPUNativeMath());
  pm.addNestedPass<gpu::GPUModuleOp>(createGPUFuseMultiplyAdd());
  // Serialization links libdevice from the toolkit (and runs its ptxas).
  locateCUDAToolkit();
  if (!options.entryPoint) {
    // The module as upstream's NVVM pipeline leaves it: host code in the
    // LLVM dialect calling MLIR's CUDA runtime wrappers.
    gpu::GPUToNVVMPipelineOptions nvvm;
    nvvm.cubinChip = options.chip.getValue();
    nvvm.cubinFeatures = "+ptx80";
    nvvm.cubinFormat = options.format.getValue();
    nvvm.kernelUseBarePtrCallConv = true;
    gpu::buildLowerToNVVMPassPipeline(pm, nvvm);
    return;
  }

  // The artifact: kernels to NVVM and one image; host code calling the
  // effai runtime's launcher, lowered for the host CPU with the C entry
  // point.
  GpuNVVMAttachTargetOptions attach;
  attach.chip = options.chip.getValue();
  attach.features = "+ptx80";
  attach.optLevel = 3;
  pm.addPass(createGpuNVVMAttachTarget(attach));
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  kernels.addPass(createSCFToControlFlowPass());
  kernels.addPass(memref::createExpandStridedMetadataPass());
  kernels.addPass(createLowerAffinePass());
  kernels.addPass(createConvertNVGPUToNVVMPass());
  kernels.addPass(createConvertVectorToLLVMPass());
  ConvertGpuOpsToNVVMOpsOptions toNVVM;
  toNVVM.useBarePtrCallConv = true;
  toNVVM.indexBitwidth = 64;
  kernels.addPass(createConvertGpuOpsToNVVMOps(toNVVM));
  kernels.addPass(createCanonicalizerPass());
  kernels.addPass(createCSEPass());
  kernels.addPass(createReconcileUnrealizedCastsPass());
  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = options.format.getValue();
  pm.addPass(createGpuModuleToBinaryPass(binary));
  pm.addPass(createGPUHostToRuntime());
  SetTargetOptions host;
  host.target = options.hostTarget.getValue();
  pm.addPass(createSetTarget(host));
  pm.addPass(createEmitEntryPoint());
  buildEffaiLoopsToLLVM(pm, /*parallel=*/false);
}
