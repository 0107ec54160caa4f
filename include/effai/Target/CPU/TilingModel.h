//===- TilingModel.h - analytic CPU tiling from #effai.target ---*- C++ -*-===//
//
// The policy half of CPU tiling: from a machine description and an op's
// loop structure and cost, choose the register tile, cache blocks, packing
// and thread split, and predict the time on a roofline. Nothing here
// changes IR; effai-select-tiling records the result as #effai.tiling.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_TARGET_CPU_TILINGMODEL_H
#define EFFAI_TARGET_CPU_TILINGMODEL_H

#include "effai/Dialect/Effai/IR/EffaiAttrs.h"
#include "effai/Dialect/Effai/IR/EffaiInterfaces.h"
#include "effai/Utils/ContractionAnalysis.h"

namespace mlir::effai {

/// What the CPU kernels can register-block: f32 operands, one `n`
/// dimension, a result contiguous along `n` or along the innermost `m`
/// dimension. `reason` says why not.
bool isCPUContractionCandidate(linalg::LinalgOp op, const ContractionDims &dims,
                               std::string &reason);

/// The analytic tiling of a contraction for `target` (Low et al. 2016:
/// register tile from FMA latency x throughput and the register file, kc
/// from L1, mc from L2, nc from the last-level cache), with `maxThreads`
/// cores at most and the elementwise consumer fused when `epilogue`.
TilingAttr selectCPUContractionTiling(linalg::LinalgOp op,
                                      const ContractionDims &dims,
                                      const OpCost &cost, TargetAttr target,
                                      int64_t maxThreads, bool epilogue);

/// The roofline record of an op that runs as plain (vectorized) loops:
/// `kernel` is "elementwise", "reduction" or "loops"; threads only where
/// the predicted gain exceeds the fork/join cost.
TilingAttr selectCPULoopTiling(linalg::LinalgOp op, StringRef kernel,
                               const OpCost &cost, TargetAttr target,
                               int64_t maxThreads);

} // namespace mlir::effai

#endif // EFFAI_TARGET_CPU_TILINGMODEL_H
