//===- FixedPoint.h - integer requantization arithmetic ---------*- C++ -*-===//
//
// The fixed-point arithmetic of effai's integer path: a real multiplier
// M ≈ m * 2^-s applied to an integer, rounding half to even. The CPU and GPU
// lowerings build it in IR; the FPGA conversion folds constants with it and
// its emitted C++ computes the same thing.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_UTILS_FIXEDPOINT_H
#define EFFAI_UTILS_FIXEDPOINT_H

#include <cstdint>
#include <optional>
#include <utility>

namespace mlir::effai {

/// M ≈ m * 2^-shift with 2^30 <= m < 2^31 and 1 <= shift <= 62, or none for
/// multipliers outside what an i32 accumulator can use.
std::optional<std::pair<int64_t, int64_t>> getFixedPoint(double multiplier);

/// round_half_even(x * m / 2^shift), for |x * m| < 2^63.
int64_t multiplyFixedPoint(int64_t x, int64_t m, int64_t shift);

/// round_half_even(value / scale) as an i32 accumulator term: how a float
/// bias enters an integer layer (computed in double, as the lowering does).
int64_t roundToUnits(double value, double scale);

} // namespace mlir::effai

#endif // EFFAI_UTILS_FIXEDPOINT_H
