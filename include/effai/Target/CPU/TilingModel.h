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
#include "effai/Utils/Winograd.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir::effai {

/// The CPU #effai.target of `module` for the policy pass `pass`, or null
/// after an error naming the pass: none attached, or one of another kind
/// (`model` says which model is missing, e.g. "tiling").
TargetAttr lookupCPUTarget(ModuleOp module, StringRef pass, StringRef model);

/// What the CPU kernels can register-block: f32 operands, one `n`
/// dimension, a result contiguous along `n` or along the innermost `m`
/// dimension. `reason` says why not.
bool isCPUContractionCandidate(linalg::LinalgOp op, const ContractionDims &dims,
                               std::string &reason);

/// What the `unrolled` kernel takes: an f32 contraction without batch
/// dims whose second input is a small constant (its n and k loops are
/// unrolled with the coefficients folded in).
bool isCPUUnrolledCandidate(linalg::LinalgOp op, const ContractionDims &dims);

/// The analytic tiling of a contraction for `target` (Low et al. 2016:
/// register tile from FMA latency x throughput and the register file, kc
/// from L1, mc from L2, nc from the last-level cache), with `maxThreads`
/// cores at most and the elementwise consumer fused when `epilogue`.
TilingAttr selectCPUContractionTiling(linalg::LinalgOp op,
                                      const ContractionDims &dims,
                                      const OpCost &cost, TargetAttr target,
                                      int64_t maxThreads, bool epilogue);

/// The roofline record of an op that runs as plain (vectorized) loops:
/// `kernel` is "unrolled", "elementwise", "reduction" or "loops"; threads only where
/// the predicted gain exceeds the fork/join cost.
TilingAttr selectCPULoopTiling(linalg::LinalgOp op, StringRef kernel,
                               const OpCost &cost, TargetAttr target,
                               int64_t maxThreads);

/// Predicted time of `conv` as Winograd F(2x2, 3x3) on `target` with
/// `threads` cores: the channel GEMMs at the rate `direct` (the tiling of
/// the direct form) predicts, bounded by the transformed filter's bytes,
/// plus both transforms and an unfused epilogue as plain loops.
double predictCPUWinogradUs(const WinogradConvShape &conv, TilingAttr direct,
                            TargetAttr target, int64_t threads);

} // namespace mlir::effai

#endif // EFFAI_TARGET_CPU_TILINGMODEL_H
