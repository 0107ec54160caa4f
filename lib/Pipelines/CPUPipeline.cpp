//===- CPUPipeline.cpp - effai-cpu-pipeline ---------------------*- C++ -*-===//
//
// The CPU code-generation pipeline, from imported tensors to the LLVM
// dialect. Each step is a registered pass that is tested on its own.
//
//===----------------------------------------------------------------------===//

#include "effai/Conversion/Passes.h"
#include "effai/Pipelines/Pipelines.h"
#include "effai/Target/CPU/Passes.h"
#include "effai/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/Quant/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void mlir::effai::buildEffaiLinalgFrontEnd(
    OpPassManager &pm, const LinalgFrontEndOptions &options) {
  // Graph level: BatchNormalization into the conv before it.
  pm.addNestedPass<func::FuncOp>(effai::createFoldBatchNorm());

  // effai ops -> linalg/tensor/arith/math/scf; quantized values -> integers.
  EffaiConvertShiftKernelsOptions shift;
  shift.integerCodes = options.integerShiftCodes;
  shift.convolutions = options.shiftConvolutions;
  pm.addPass(createEffaiConvertShiftKernels(shift));
  EffaiConvertSparseKernelsOptions sparse;
  sparse.batchInner = options.sparseBatchInner;
  sparse.setBitWalk = options.sparseSetBitWalk;
  pm.addPass(createEffaiConvertSparseKernels(sparse));
  pm.addPass(createEffaiLowerToLinalg());
  // Quantize with rounding and saturation; lower-quant-ops truncates.
  pm.addPass(createEffaiLowerQuantizeCasts());
  pm.addNestedPass<func::FuncOp>(quant::createLowerQuantOps());
  pm.addPass(quant::createStripFuncQuantTypes());
  // lower-quant-ops emits arith on whole tensors: make those generics.
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  pm.addPass(createCanonicalizerPass());
  if (options.fuseElementwise)
    pm.addNestedPass<func::FuncOp>(effai::createFuseElementwise());
  pm.addPass(createCSEPass());
}

void mlir::effai::buildEffaiBufferization(OpPassManager &pm) {
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
}

void mlir::effai::buildEffaiCPUBackEnd(OpPassManager &pm,
                                       const CPUPipelineOptions &options) {
  // Weights the kernels packed at compile time are no longer read in their
  // original layout: drop those globals before LLVM has to translate them.
  if (options.kernels)
    pm.addPass(createSymbolDCEPass());
  if (options.entryPoint)
    pm.addPass(createPlanBuffers());
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createConvertBufferizationToMemRefPass());
  // Timers go in once the buffer code is final (deallocation cannot reason
  // about the counter reads).
  if (options.profile)
    pm.addPass(createProfileLayers());
  if (options.entryPoint) {
    EmitEntryPointOptions entry;
    entry.openmp = options.parallel;
    pm.addPass(createEmitEntryPoint(entry));
    // The artifact cannot call MLIR's runner utilities.
    pm.addPass(createExpandStridedCopies());
  }

  buildEffaiLoopsToLLVM(pm, options.parallel);
}

void mlir::effai::buildEffaiLoopsToLLVM(OpPassManager &pm, bool parallel) {
  // Loops -> LLVM. Math ops without LLVM intrinsics go to libm or to
  // generated functions (integer powers).
  if (parallel) {
    pm.addNestedPass<func::FuncOp>(createConvertLinalgToParallelLoopsPass());
    pm.addPass(createSerializeNestedParallel());
    pm.addPass(createLowerAffinePass());
    pm.addPass(createConvertSCFToOpenMPPass());
    // Inline the alloca scopes scf-to-openmp wraps loop bodies in (they
    // allocate nothing here); scf-to-cf would split them into blocks.
    pm.addPass(createCanonicalizerPass());
  } else {
    pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
    pm.addPass(createLowerAffinePass());
  }
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createApproximateMath());
  pm.addPass(createExpandArith());
  // The kernels' u8 x s8 dot products -> vpdpbusd where the target has it.
  pm.addPass(createLowerDotProducts());
  // 4-bit weight-code decodes -> vpermps table lookups on AVX-512.
  pm.addPass(createLowerCodeLookups());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToFuncs());
  pm.addPass(createConvertMathToLibmPass());
  // Kernels' vector ops (masks, n-D vectors) need the vector dialect's own
  // lowering before the generic one.
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createConvertToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createAttachLoopAnnotations());
  pm.addPass(createExportTarget());
}

void mlir::effai::buildEffaiCPUPipeline(OpPassManager &pm,
                                        const CPUPipelineOptions &options) {
  // The machine every decision below is made for.
  SetTargetOptions setTarget;
  setTarget.target =
      options.target.empty() ? std::string("host") : options.target.getValue();
  setTarget.ifMissing = options.target.empty();
  pm.addPass(createSetTarget(setTarget));

  // A CPU multiplies as fast as it adds: power-of-two layers that fit
  // become exact 8-bit codes for the f32 x i8 kernels.
  LinalgFrontEndOptions frontEnd;
  frontEnd.fuseElementwise = options.fuseElementwise;
  buildEffaiLinalgFrontEnd(pm, frontEnd);

  // Policy, then mechanism: direct or Winograd for each 3x3 convolution.
  // After canonicalization, which would fold the transforms' reshapes
  // into the GEMM and leave it a contraction no kernel tiles well.
  if (options.kernels && options.winograd) {
    SelectConvAlgorithmOptions conv;
    conv.maxThreads = options.parallel ? 0 : 1;
    pm.addPass(createSelectConvAlgorithm(conv));
    pm.addNestedPass<func::FuncOp>(createWinogradConv());
  }

  // Policy: tiles, packing, fusion and threads from the target's roofline.
  if (options.kernels) {
    SelectTilingOptions select;
    select.maxThreads = options.parallel ? 0 : 1;
    pm.addPass(createSelectTiling(select));
  }

  // Producers of padded tensors write into the padded buffers.
  pm.addNestedPass<func::FuncOp>(createPadInPlace());

  // Tensors -> buffers, with deallocation of temporaries.
  buildEffaiBufferization(pm);
  // Mechanism: contractions with a tiling become register-blocked kernels
  // (their packing buffers are planned with the rest).
  if (options.kernels)
    pm.addNestedPass<func::FuncOp>(createTileAndFuse());

  buildEffaiCPUBackEnd(pm, options);
}

void mlir::effai::registerEffaiPipelines() {
  PassPipelineRegistration<CPUPipelineOptions>(
      "effai-cpu-pipeline",
      "Lower effai and imported ONNX IR on tensors to the LLVM dialect for "
      "the host CPU",
      buildEffaiCPUPipeline);
  PassPipelineRegistration<GPUPipelineOptions>(
      "effai-gpu-pipeline",
      "Lower effai and imported ONNX IR on tensors to NVVM kernels (PTX or "
      "cubin in a gpu.binary) and host code launching them",
      buildEffaiGPUPipeline);
  PassPipelineRegistration<FPGAPipelineOptions>(
      "effai-fpga-pipeline",
      "Convert an integer-only model to an effai_fpga accelerator folded "
      "for an FPGA part",
      buildEffaiFPGAPipeline);
}
