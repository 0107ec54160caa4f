//===- FixedPoint.cpp - integer requantization arithmetic -------*- C++ -*-===//

#include "effai/Utils/FixedPoint.h"

#include <algorithm>
#include <cmath>

using namespace mlir::effai;

std::optional<std::pair<int64_t, int64_t>>
mlir::effai::getFixedPoint(double multiplier) {
  if (!(multiplier > 0) || multiplier >= std::ldexp(1.0, 30))
    return std::nullopt;
  int exponent;
  double mantissa = std::frexp(multiplier, &exponent); // [0.5, 1)
  int64_t m = std::llround(std::ldexp(mantissa, 31));
  if (m == (int64_t(1) << 31)) {
    m >>= 1;
    ++exponent;
  }
  int64_t shift = 31 - exponent;
  if (shift > 62) { // Tiny: scale m down, losing bits that cannot matter.
    m >>= std::min<int64_t>(shift - 62, 62);
    shift = 62;
  }
  return std::make_pair(m, shift);
}

int64_t mlir::effai::multiplyFixedPoint(int64_t x, int64_t m, int64_t shift) {
  int64_t product = x * m;
  int64_t floor = product >> shift; // arithmetic: rounds toward -inf
  int64_t remainder = product - (floor << shift);
  int64_t half = int64_t(1) << (shift - 1);
  bool up = remainder > half || (remainder == half && (floor & 1));
  return floor + (up ? 1 : 0);
}

int64_t mlir::effai::roundToUnits(double value, double scale) {
  return int64_t(std::nearbyint(value / scale)); // default mode: half even
}
