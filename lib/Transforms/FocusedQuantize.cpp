//===- FocusedQuantize.cpp - recentred power-of-two weights -----*- C++ -*-===//
//
// Focused quantization (Zhao et al., ICLR 2019): a pruned layer's kept
// weights gather around two modes away from zero, so each is stored as its
// mode's centre plus a power-of-two offset (#effai.focused): levels where
// the weights are.
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

#include <cmath>

namespace mlir::effai {
#define GEN_PASS_DEF_FOCUSEDQUANTIZE
#include "effai/Transforms/Passes.h.inc"

namespace {

struct FocusedQuantizePass
    : public impl::FocusedQuantizeBase<FocusedQuantizePass> {
  using Base::Base;

  /// Offset levels per mode: 2L + 1 codes (none, ±L) fit beside zero in
  /// 2^(bits-1) - 1 magnitudes.
  int64_t getLevels() const { return ((int64_t(1) << (bits - 1)) - 2) / 2; }

  void quantizeOne(PackOp pack) {
    std::optional<FloatWeight> weight =
        readFloatWeight(pack, minElements, getArgument());
    if (!weight)
      return;
    size_t groups = perChannel ? weight->type.getNumOutputChannels() : 1;
    auto groupOf = [&](int64_t channel) {
      return perChannel ? size_t(channel) : 0;
    };
    // The modes' centre: the mean kept magnitude (zeros are fillers).
    SmallVector<double> centres(groups, 0.0), counts(groups, 0.0);
    for (auto [value, channel] :
         llvm::zip_equal(weight->values, weight->channels))
      if (value != 0.0f) {
        centres[groupOf(channel)] += std::fabs(double(value));
        counts[groupOf(channel)] += 1.0;
      }
    for (auto [centre, count] : llvm::zip_equal(centres, counts))
      centre = count > 0 ? centre / count : 0.0;

    // Zeros are fillers of the sparse encoding: they stay exact zeros.
    std::vector<bool> fillers;
    for (float value : weight->values)
      fillers.push_back(value == 0.0f);
    auto modeOf = [&](double value, int64_t channel) {
      return std::copysign(centres[groupOf(channel)], value);
    };
    // Offsets from the modes; their scale as for power-of-two weights.
    auto getOffsets = [&]() {
      FloatWeight offsets{
          weight->type, {}, weight->channels, weight->positions};
      for (auto [value, channel, filler] :
           llvm::zip_equal(weight->values, weight->channels, fillers))
        offsets.values.push_back(
            filler ? 0.0f : float(double(value) - modeOf(value, channel)));
      return offsets;
    };
    FloatWeight offsets = getOffsets();
    SmallVector<double> scales = offsets.getMaxMagnitudes(perChannel);
    int64_t levels = getLevels();
    ExponentWindow window{-(levels - 1), 0};
    bool logRounding = rounding == "log";
    auto level = [&](double offset, int64_t channel) {
      return nearestTerm(offset / scales[groupOf(channel)], window,
                         logRounding);
    };
    if (scale == "search") {
      scales = searchScales(
          offsets, perChannel, scales, getPow2ScaleFactors(),
          [&](double r, double s) {
            return s *
                   termValue(nearestTerm(r / s, window, logRounding), window);
          });
    }
    if (errorFeedback &&
        feedRoundingErrorsForward(
            pack, *weight, getArgument(),
            [&](size_t index, double value) {
              if (fillers[index])
                return 0.0;
              int64_t channel = weight->channels[index];
              double mode = modeOf(value, channel);
              return mode + scales[groupOf(channel)] *
                                termValue(level(value - mode, channel), window);
            },
            refineSweeps))
      offsets = getOffsets();

    std::vector<int8_t> codes;
    for (auto [value, offset, channel, filler] : llvm::zip_equal(
             weight->values, offsets.values, weight->channels, fillers)) {
      if (filler) {
        codes.push_back(0);
        continue;
      }
      int64_t magnitude = level(offset, channel) + levels + 1;
      codes.push_back(int8_t(value < 0 ? -magnitude : magnitude));
    }

    MLIRContext *ctx = &getContext();
    WeightType type = weight->type;
    auto format =
        FocusedFormatAttr::get(ctx, bits, window.minExp, window.maxExp,
                               DenseF64ArrayAttr::get(ctx, centres),
                               DenseF64ArrayAttr::get(ctx, scales));
    auto newType = WeightType::get(
        ctx, type.getShape(), type.getElementType(),
        EncodingAttr::get(ctx, format, type.getEncoding().getSparsity()));
    replacePackWithCodes(pack, newType, codes, "focused_codes");
  }

  void runOnOperation() override {
    if (bits < 3 || bits > 8) {
      getOperation().emitError("effai-focused-quantize: bits must be in "
                               "[3, 8], got ")
          << static_cast<unsigned>(bits);
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
