//===- ScaleSearch.cpp - scales that minimize reconstruction error -*- C++ -*-//

#include "ScaleSearch.h"

#include <cmath>

using namespace mlir;

SmallVector<double> mlir::effai::searchScales(
    const FloatWeight &weight, bool perChannel, ArrayRef<double> baseScales,
    ArrayRef<double> factors,
    function_ref<double(double value, double scale)> reconstruct) {
  // Errors per group and candidate, accumulated in one pass over the values.
  size_t groups = baseScales.size();
  std::vector<double> errors(groups * factors.size(), 0.0);
  for (auto [value, channel] :
       llvm::zip_equal(weight.values, weight.channels)) {
    size_t group = perChannel ? size_t(channel) : 0;
    for (auto [k, factor] : llvm::enumerate(factors)) {
      double diff =
          double(value) - reconstruct(value, baseScales[group] * factor);
      errors[group * factors.size() + k] += diff * diff;
    }
  }
  SmallVector<double> scales;
  for (size_t group = 0; group < groups; ++group) {
    size_t best = 0;
    for (size_t k = 1; k < factors.size(); ++k)
      if (errors[group * factors.size() + k] <
          errors[group * factors.size() + best])
        best = k;
    scales.push_back(baseScales[group] * factors[best]);
  }
  return scales;
}

SmallVector<double> mlir::effai::getPow2ScaleFactors() {
  SmallVector<double> factors;
  for (int k = -16; k <= 16; ++k)
    factors.push_back(std::exp2(k / 16.0));
  return factors;
}
