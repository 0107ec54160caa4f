//===- TilingModel.h - analytic GPU tiling from #effai.target ---*- C++ -*-===//
//
// The policy half of GPU tiling: from a GPU machine description and an
// op's loops and cost, choose the tile one thread block computes and the
// tile each of its threads computes, and predict the time on a roofline.
// Nothing here changes IR; effai-select-tiling records the result as
// #effai.gpu_tiling.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_TARGET_GPU_TILINGMODEL_H
#define EFFAI_TARGET_GPU_TILINGMODEL_H

#include "effai/Dialect/Effai/IR/EffaiAttrs.h"
#include "effai/Dialect/Effai/IR/EffaiInterfaces.h"
#include "effai/Target/GPU/TensorCores.h"
#include "effai/Utils/ContractionAnalysis.h"

namespace mlir::effai {

/// Set by effai-select-tiling on an elementwise op that runs in the kernel
/// of the contraction it reads (the number of that input operand): the
/// contraction's threads apply it to their tile, in place when it keeps
/// the contraction's element type, else as they store it (an f32 sum
/// rounded to f16, an i32 sum requantized to i8).
inline constexpr StringLiteral kGPUEpilogueOfAttrName = "effai.epilogue_of";

/// The parallel loops of `op` in the order of its result's dimensions,
/// innermost first: the order consecutive threads (and blocks) walk.
SmallVector<unsigned> getGPUThreadOrder(linalg::LinalgOp op);

/// The tiling of a multiply-accumulate contraction for the GPU `target`:
/// the block tile over the innermost `m` and `n` dimensions and the
/// register tile of one thread, from the candidate that the roofline
/// (CUDA-core peak, shared/L1, L2 and HBM traffic, partial tiles, idle
/// SMs, launch cost) predicts fastest within the register file.
GPUTilingAttr selectGPUContractionTiling(linalg::LinalgOp op,
                                         const ContractionDims &dims,
                                         const OpCost &cost, TargetAttr target);

/// The tensor-core tiling of `op`, which matchTensorCoreContraction took:
/// whole block tiles of whole warps, each warp computing a tile of 16 x 8
/// mma.sync results along the whole reduction, from the candidate the
/// roofline (int8 or fp16 tensor-core peak, operand loads through L1, L2
/// and HBM traffic) predicts fastest; null when no tiling fits.
GPUTilingAttr selectGPUTensorCoreTiling(linalg::LinalgOp op,
                                        const TensorCoreContraction &match,
                                        const OpCost &cost, TargetAttr target);

/// The tiling of any other op (`kernel`: elementwise, reduction or loops):
/// one thread per point of the parallel loops, consecutive threads along
/// the result's innermost dimension (coalesced), reductions sequential in
/// each thread.
GPUTilingAttr selectGPULoopTiling(linalg::LinalgOp op, StringRef kernel,
                                  const OpCost &cost, TargetAttr target);

} // namespace mlir::effai

#endif // EFFAI_TARGET_GPU_TILINGMODEL_H
