//===- ShiftQuantize.cpp - weights to sums of powers of two -----*- C++ -*-===//
//
// Multiplication-free weights: every kept weight becomes a scaled sum of one
// or two signed powers of two, stored as exponent codes of #effai.pow2.
//
//===----------------------------------------------------------------------===//

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

/// The nearest of 0 and ±2^p (p in the window) to `v`, as a code.
int8_t nearestTerm(double v, ExponentWindow window) {
  double magnitude = std::fabs(v);
  int8_t best = 0;
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
    SmallVector<double> normalized;
    for (auto [value, channel] :
         llvm::zip_equal(weight->values, weight->channels))
      normalized.push_back(value / scales[perChannel ? channel : 0]);
    ExponentWindow window = chooseWindow(normalized);

    std::vector<int8_t> codes;
    for (double v : normalized) {
      int8_t first = nearestTerm(v, window);
      codes.push_back(first);
      if (terms == 2)
        codes.push_back(nearestTerm(v - termValue(first, window), window));
    }

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
    SmallVector<int64_t> selected(layers.begin(), layers.end());
    forEachPack(getOperation(), selected,
                [&](PackOp pack) { quantizeOne(pack); });
  }
};

} // namespace
} // namespace mlir::effai
