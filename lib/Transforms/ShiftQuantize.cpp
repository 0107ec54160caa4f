//===- ShiftQuantize.cpp - weights to sums of powers of two -----*- C++ -*-===//
//
// Multiplication-free weights: every kept weight becomes a scaled sum of one
// or two signed powers of two, stored as exponent codes of #effai.pow2.
//
//===----------------------------------------------------------------------===//

#include "ScaleSearch.h"
#include "WeightRewrite.h"

#include "effai/Dialect/Effai/IR/EffaiOps.h"
#include "effai/Transforms/Passes.h"
#include "effai/Utils/ConstantData.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"

#include <algorithm>
#include <cmath>

namespace mlir::effai {
#define GEN_PASS_DEF_SHIFTQUANTIZE
#include "effai/Transforms/Passes.h.inc"

namespace {

/// The exponent window of a code: `±k` means `±2^(minExp + k - 1)`.
struct ExponentWindow {
  int64_t minExp;
  int64_t maxExp;
};

/// The nearest of 0 and ±2^p (p in the window) to `v`, as a code: in value
/// (`logRounding` false) or in log2 (e = round(log2 |v|), clamped to the
/// window). Either way magnitudes below half the smallest level become 0.
int8_t nearestTerm(double v, ExponentWindow window, bool logRounding) {
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

double termValue(int8_t code, ExponentWindow window) {
  if (code == 0)
    return 0.0;
  double magnitude = std::ldexp(1.0, window.minExp + std::abs(code) - 1);
  return code < 0 ? -magnitude : magnitude;
}

struct ShiftQuantizePass : public impl::ShiftQuantizeBase<ShiftQuantizePass> {
  using Base::Base;

  int64_t getLevels() const { return (int64_t(1) << (bits - 1)) - 1; }

  /// The codes of a normalized weight `v` (1 or 2 terms).
  SmallVector<int8_t, 2> encode(double v, ExponentWindow window) const {
    bool logRounding = rounding == "log";
    SmallVector<int8_t, 2> codes{nearestTerm(v, window, logRounding)};
    if (terms == 2)
      codes.push_back(
          nearestTerm(v - termValue(codes[0], window), window, logRounding));
    return codes;
  }

  /// What the codes of normalized `v` stand for.
  double reconstruct(double v, ExponentWindow window) const {
    double sum = 0.0;
    for (int8_t code : encode(v, window))
      sum += termValue(code, window);
    return sum;
  }

  /// The window for normalized magnitudes in (0, 1]: its top at 2^0, or
  /// (focused) spanning the kept magnitudes when the budget allows.
  ExponentWindow chooseWindow(ArrayRef<double> normalized) const {
    int64_t levels = getLevels();
    ExponentWindow window{-(levels - 1), 0};
    if (!focused)
      return window;
    double smallest = 1.0, largest = 0.0;
    for (double v : normalized)
      if (v != 0.0) {
        smallest = std::min(smallest, std::fabs(v));
        largest = std::max(largest, std::fabs(v));
      }
    if (largest == 0.0)
      return window;
    window.maxExp = static_cast<int64_t>(std::round(std::log2(largest)));
    int64_t bottom = static_cast<int64_t>(std::floor(std::log2(smallest)));
    window.minExp = std::max(bottom, window.maxExp - (levels - 1));
    return window;
  }

  void quantizeOne(PackOp pack) {
    std::optional<FloatWeight> weight =
        readFloatWeight(pack, minElements, getArgument());
    if (!weight)
      return;
    WeightType type = weight->type;
    EncodingAttr encoding = type.getEncoding();
    // Scales: the largest kept magnitude per output channel (or tensor).
    SmallVector<double> scales = weight->getMaxMagnitudes(perChannel);
    auto normalize = [&]() {
      SmallVector<double> normalized;
      for (auto [value, channel] :
           llvm::zip_equal(weight->values, weight->channels))
        normalized.push_back(value / scales[perChannel ? channel : 0]);
      return normalized;
    };
    ExponentWindow window = chooseWindow(normalize());
    if (scale == "search") {
      SmallVector<double> factors;
      for (int k = -16; k <= 16; ++k)
        factors.push_back(std::exp2(k / 16.0));
      scales = searchScales(*weight, perChannel, scales, factors,
                            [&](double value, double s) {
                              return s * reconstruct(value / s, window);
                            });
    }

    std::vector<int8_t> codes;
    for (double v : normalize())
      llvm::append_range(codes, encode(v, window));

    MLIRContext *ctx = &getContext();
    auto format =
        Pow2FormatAttr::get(ctx, terms, bits, window.minExp, window.maxExp,
                            DenseF64ArrayAttr::get(ctx, scales));
    auto newType =
        WeightType::get(ctx, type.getShape(), type.getElementType(),
                        EncodingAttr::get(ctx, format, encoding.getSparsity()));
    OpBuilder b(pack);
    Value codesValue = buildConstant<int8_t>(
        b, pack.getLoc(), newType.getValuesType(), codes, "pow2_codes");
    replacePack(pack, newType, codesValue, pack.getIndices());
  }

  void runOnOperation() override {
    if ((terms != 1 && terms != 2) || bits < 2 || bits > 8) {
      getOperation().emitError("effai-shift-quantize: need terms in {1, 2} "
                               "and bits in [2, 8], got terms = ")
          << static_cast<unsigned>(terms)
          << ", bits = " << static_cast<unsigned>(bits);
      return signalPassFailure();
    }
    if (rounding != "value" && rounding != "log") {
      getOperation().emitError("effai-shift-quantize: rounding must be value "
                               "or log, got '")
          << static_cast<std::string>(rounding) << "'";
      return signalPassFailure();
    }
    if (scale != "max" && scale != "search") {
      getOperation().emitError("effai-shift-quantize: scale must be max or "
                               "search, got '")
          << static_cast<std::string>(scale) << "'";
      return signalPassFailure();
    }
    SmallVector<int64_t> selected(layers.begin(), layers.end());
    forEachPack(getOperation(), selected,
                [&](PackOp pack) { quantizeOne(pack); });
  }
};

} // namespace
} // namespace mlir::effai
