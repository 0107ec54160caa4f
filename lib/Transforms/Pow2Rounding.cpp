//===- Pow2Rounding.cpp - rounding to signed powers of two ------*- C++ -*-===//

#include "Pow2Rounding.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

using namespace mlir::effai;

int8_t mlir::effai::nearestTerm(double v, ExponentWindow window,
                                bool logRounding) {
  double magnitude = std::fabs(v);
  int8_t best = 0;
  if (logRounding) {
    if (magnitude >= std::ldexp(1.0, window.minExp - 1)) {
      int64_t e = std::clamp<int64_t>(
          static_cast<int64_t>(std::round(std::log2(magnitude))), window.minExp,
          window.maxExp);
      best = static_cast<int8_t>(e - window.minExp + 1);
    }
    return v < 0 ? static_cast<int8_t>(-best) : best;
  }
  double bestError = magnitude; // the zero term
  for (int64_t p = window.minExp; p <= window.maxExp; ++p) {
    double error = std::fabs(magnitude - std::ldexp(1.0, p));
    if (error < bestError) {
      bestError = error;
      best = static_cast<int8_t>(p - window.minExp + 1);
    }
  }
  return v < 0 ? static_cast<int8_t>(-best) : best;
}

double mlir::effai::termValue(int8_t code, ExponentWindow window) {
  if (code == 0)
    return 0.0;
  double magnitude = std::ldexp(1.0, window.minExp + std::abs(code) - 1);
  return code < 0 ? -magnitude : magnitude;
}
