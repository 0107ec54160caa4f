//===- RangeEstimation.h - activation ranges from observed values -*- C++ -*-//
//
// Calibration reduces the values an activation took on sample inputs to the
// range its 8-bit quantization covers. effai-calibrate and the Python API
// (effai.calibrate) share this one implementation.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_CALIBRATION_RANGEESTIMATION_H
#define EFFAI_CALIBRATION_RANGEESTIMATION_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <utility>
#include <vector>

namespace mlir::effai {

enum class RangeMethod {
  /// The extremes seen.
  MinMax,
  /// The `percentile`-th and (100 - `percentile`)-th percentiles, linearly
  /// interpolated like numpy.percentile: ignores rare outliers.
  Percentile,
  /// The minimum, and the upper clip whose 256-level quantization of the
  /// values' histogram loses the least information (smallest KL
  /// divergence from the clipped histogram, as in TensorRT's entropy
  /// calibration).
  Entropy,
};

/// "minmax", "percentile" or "entropy"; nullopt for anything else.
std::optional<RangeMethod> parseRangeMethod(llvm::StringRef name);

/// The [lo, hi] range of `values` by `method` (`values` may be reordered).
/// `values` must not be empty.
std::pair<double, double> estimateRange(std::vector<float> &values,
                                        RangeMethod method,
                                        double percentile = 99.99);

} // namespace mlir::effai

#endif // EFFAI_CALIBRATION_RANGEESTIMATION_H
