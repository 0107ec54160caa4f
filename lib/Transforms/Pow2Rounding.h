//===- Pow2Rounding.h - rounding to signed powers of two --------*- C++ -*-===//
//
// The term codes of #effai.pow2 and #effai.focused: 0 for none, ±k for
// ±2^(minExp + k - 1), and how a number is rounded to one.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_LIB_TRANSFORMS_POW2ROUNDING_H
#define EFFAI_LIB_TRANSFORMS_POW2ROUNDING_H

#include <cstdint>

namespace mlir::effai {

/// The exponent window of a code: `±k` means `±2^(minExp + k - 1)`.
struct ExponentWindow {
  int64_t minExp;
  int64_t maxExp;
};

/// The nearest of 0 and ±2^p (p in the window) to `v`, as a code: in value
/// (`logRounding` false) or in log2 (e = round(log2 |v|), clamped to the
/// window). Either way magnitudes below half the smallest level become 0.
int8_t nearestTerm(double v, ExponentWindow window, bool logRounding);

/// What a term code stands for.
double termValue(int8_t code, ExponentWindow window);

} // namespace mlir::effai

#endif // EFFAI_LIB_TRANSFORMS_POW2ROUNDING_H
