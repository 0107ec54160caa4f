//===- ScaleSearch.h - scales that minimize reconstruction error -*- C++
//-*-===//
//
// Quantizers scale weights so their largest magnitude lands on the top
// level. At low bit widths a smaller (clipping) or shifted scale often
// reconstructs the weights better; the search here picks, per channel, the
// candidate with the least squared error.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_LIB_TRANSFORMS_SCALESEARCH_H
#define EFFAI_LIB_TRANSFORMS_SCALESEARCH_H

#include "WeightRewrite.h"

namespace mlir::effai {

/// For each scale group (output channel with `perChannel`, else the whole
/// tensor), the scale among `baseScales[g] * f` for `f` in `factors` whose
/// `reconstruct(value, scale)` is closest to `weight`'s values in squared
/// error (ties: the earlier factor).
SmallVector<double>
searchScales(const FloatWeight &weight, bool perChannel,
             ArrayRef<double> baseScales, ArrayRef<double> factors,
             function_ref<double(double value, double scale)> reconstruct);

/// Candidate factors for power-of-two levels: 2^(k/16), k = -16..16 (a
/// factor of 2 moves every level to the next, so this spans them all).
SmallVector<double> getPow2ScaleFactors();

} // namespace mlir::effai

#endif // EFFAI_LIB_TRANSFORMS_SCALESEARCH_H
