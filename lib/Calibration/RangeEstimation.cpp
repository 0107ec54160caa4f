//===- RangeEstimation.cpp - activation ranges from observed values -------===//

#include "effai/Calibration/RangeEstimation.h"

#include "llvm/ADT/StringSwitch.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir::effai;

std::optional<RangeMethod> mlir::effai::parseRangeMethod(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<RangeMethod>>(name)
      .Case("minmax", RangeMethod::MinMax)
      .Case("percentile", RangeMethod::Percentile)
      .Case("entropy", RangeMethod::Entropy)
      .Default(std::nullopt);
}

namespace {

/// numpy.percentile(values, q) with its default linear interpolation, the
/// same float64 operations in the same order.
double percentileOf(std::vector<float> &values, double q) {
  double quantile = q / 100.0;
  double n = double(values.size());
  double virtualIndex = (n - 1.0) * quantile;
  virtualIndex = std::clamp(virtualIndex, 0.0, n - 1.0);
  size_t below = size_t(std::floor(virtualIndex));
  size_t above = std::min(below + 1, values.size() - 1);
  std::nth_element(values.begin(), values.begin() + below, values.end());
  double a = values[below];
  double b = a;
  if (above != below)
    b = *std::min_element(values.begin() + below + 1, values.end());
  double t = virtualIndex - double(below);
  double diff = b - a;
  return t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
}

/// Spreads a little mass onto the empty bins of a histogram (taking it
/// from the others), so KL divergences stay finite; then normalizes.
void smoothAndNormalize(std::vector<double> &counts) {
  constexpr double kEpsilon = 1e-4;
  size_t zeros = std::count(counts.begin(), counts.end(), 0.0);
  size_t nonZeros = counts.size() - zeros;
  double take = nonZeros ? kEpsilon * double(zeros) / double(nonZeros) : 0.0;
  double total = 0.0;
  for (double &c : counts) {
    c = c == 0.0 ? kEpsilon : std::max(c - take, kEpsilon);
    total += c;
  }
  for (double &c : counts)
    c /= total;
}

/// Upper clip by minimum KL divergence (TensorRT's entropy calibration,
/// 256 levels): P is the histogram of values in [lo, max] cut at a
/// candidate bin with the tail folded into its last bin; Q is the cut
/// histogram merged into 256 levels and spread back over P's non-empty
/// bins. The clip that loses least is the cut's upper edge.
double entropyClip(const std::vector<float> &values, double lo, double hi) {
  constexpr int kBins = 2048, kLevels = 256;
  if (!(hi > lo))
    return hi;
  double width = (hi - lo) / kBins;
  std::vector<double> histogram(kBins, 0.0);
  for (float v : values)
    histogram[std::min(kBins - 1, int((double(v) - lo) / width))] += 1.0;
  std::vector<double> tail(kBins + 1, 0.0); // tail[i] = sum of bins >= i
  for (int i = kBins - 1; i >= 0; --i)
    tail[i] = tail[i + 1] + histogram[i];

  double bestDivergence = std::numeric_limits<double>::infinity();
  int bestBins = kBins;
  std::vector<double> p, q;
  for (int bins = kLevels; bins <= kBins; ++bins) {
    p.assign(histogram.begin(), histogram.begin() + bins);
    p.back() += tail[bins];
    q.assign(bins, 0.0);
    for (int level = 0; level < kLevels; ++level) {
      int begin = level * bins / kLevels, end = (level + 1) * bins / kLevels;
      double total = 0.0;
      int used = 0;
      for (int i = begin; i < end; ++i) {
        total += histogram[i];
        used += p[i] > 0.0;
      }
      for (int i = begin; i < end; ++i)
        if (p[i] > 0.0)
          q[i] = total / used;
    }
    smoothAndNormalize(p);
    smoothAndNormalize(q);
    double divergence = 0.0;
    for (int i = 0; i < bins; ++i)
      divergence += p[i] * std::log(p[i] / q[i]);
    if (divergence < bestDivergence) {
      bestDivergence = divergence;
      bestBins = bins;
    }
  }
  return lo + bestBins * width;
}

} // namespace

std::pair<double, double> mlir::effai::estimateRange(std::vector<float> &values,
                                                     RangeMethod method,
                                                     double percentile) {
  auto [minIt, maxIt] = std::minmax_element(values.begin(), values.end());
  double lo = *minIt, hi = *maxIt;
  switch (method) {
  case RangeMethod::MinMax:
    return {lo, hi};
  case RangeMethod::Percentile: {
    double low = percentileOf(values, 100.0 - percentile);
    return {low, percentileOf(values, percentile)};
  }
  case RangeMethod::Entropy:
    return {lo, entropyClip(values, lo, hi)};
  }
  return {lo, hi};
}
