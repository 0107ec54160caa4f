//===- ErrorFeedback.h - rounding errors the output can absorb --*- C++ -*-===//
//
// Rounding each weight to its nearest level minimizes the weight error, not
// the layer's output error. With the input's Gram matrix G (InputGram.h),
// GPTQ (Frantar et al., 2023, after Optimal Brain Surgeon) rounds the
// columns of the weight in order and moves each rounding error onto the
// columns not yet rounded, where G says the output can absorb it. Pruning
// is the same with "round to 0" at the pruned positions (SparseGPT). One
// pass in column order leaves single values that another level would
// serve better: coordinate descent on the same error finds them (CDQuant,
// Nair and Suggala, 2024).
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_LIB_TRANSFORMS_ERRORFEEDBACK_H
#define EFFAI_LIB_TRANSFORMS_ERRORFEEDBACK_H

#include "WeightRewrite.h"

namespace mlir::effai {

/// Rewrites `weight`'s stored values to the values that the rounding should
/// see: column by column (reduction order) of the `[O, R]` view, each
/// value is what remains after earlier columns' errors were fed forward
/// through `gram` (`[R, R]`, row-major). `round(index, value)` is what the
/// caller's rounding makes of stored value `index` when it sees `value`;
/// positions not stored round to 0 (stored zeros, such as the fillers of
/// relative indices, may take values: they are stored either way). The caller
/// then rounds the rewritten values as it would have rounded the originals.
/// With `refineSweeps` > 0, up to that many sweeps of coordinate descent on
/// the output error follow (CDQuant); a value it moves is stored as its new
/// level (only levels `round` maps to themselves are taken). On float
/// values (pruning) the descent is Gauss-Seidel on the kept weights' least
/// squares: it lowers the error every sweep but need not converge in them.
/// Returns false (values unchanged) when `gram` is not positive definite even
/// after damping.
bool feedRoundingErrorsForward(
    FloatWeight &weight, ArrayRef<double> gram,
    function_ref<double(size_t index, double value)> round,
    unsigned refineSweeps);

/// feedRoundingErrorsForward with the Gram matrix recorded on `pack`'s
/// consumer, if any (a warning prefixed by `passName` when it cannot be
/// used). Returns whether `weight` changed.
bool feedRoundingErrorsForward(
    PackOp pack, FloatWeight &weight, StringRef passName,
    function_ref<double(size_t index, double value)> round,
    unsigned refineSweeps);

} // namespace mlir::effai

#endif // EFFAI_LIB_TRANSFORMS_ERRORFEEDBACK_H
