//===- ShiftQuantize.cpp - weights to sums of powers of two -----*- C++ -*-===//
//
// Multiplication-free weights: every kept weight becomes a scaled sum of one
// or two signed powers of two, stored as exponent codes of #effai.pow2.
//
//===----------------------------------------------------------------------===//

#include "ErrorFeedback.h"
#include "Pow2Rounding.h"
#include "ScaleSearch.h"
#include "WeightRewrite.h"

#include "effai/Dialect/Effai/IR/EffaiOps.h"
#include "effai/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"

#include <algorithm>
#include <cmath>

namespace mlir::effai {
#define GEN_PASS_DEF_SHIFTQUANTIZE
#include "effai/Transforms/Passes.h.inc"

namespace {

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
      scales = searchScales(*weight, perChannel, scales, getPow2ScaleFactors(),
                            [&](double value, double s) {
                              return s * reconstruct(value / s, window);
                            });
    }
    if (errorFeedback)
      feedRoundingErrorsForward(
          pack, *weight, getArgument(),
          [&](size_t index, double value) {
            double s = scales[perChannel ? weight->channels[index] : 0];
            return s * reconstruct(value / s, window);
          },
          refineSweeps);

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
    replacePackWithCodes(pack, newType, codes, "pow2_codes");
  }

  void runOnOperation() override {
    if ((terms != 1 && terms != 2) || bits < 2 || bits > 8) {
      getOperation().emitError("effai-shift-quantize: need terms in {1, 2} "
                               "and bits in [2, 8], got terms = ")
          << static_cast<unsigned>(terms)
          << ", bits = " << static_cast<unsigned>(bits);
      return signalPassFailure();
    }
    if (failed(checkRoundingAndScale(getOperation(), getArgument(), rounding,
                                     scale)))
      return signalPassFailure();
    forEachPack(getOperation(),
                SmallVector<int64_t>(layers.begin(), layers.end()),
                [&](PackOp pack) { quantizeOne(pack); });
  }
};

} // namespace
} // namespace mlir::effai
