//===- Quantize.cpp - weight-only affine quantization -----------*- C++ -*-===//
//
// Symmetric per-channel (or per-tensor) integer weights with the scales in
// an upstream !quant.uniform type, so the IR states exactly how to decode.
//
//===----------------------------------------------------------------------===//

#include "ErrorFeedback.h"
#include "ScaleSearch.h"
#include "WeightRewrite.h"

#include "effai/Dialect/Effai/IR/EffaiOps.h"
#include "effai/Transforms/Passes.h"
#include "effai/Utils/ConstantData.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"

#include <cmath>

namespace mlir::effai {
#define GEN_PASS_DEF_QUANTIZE
#include "effai/Transforms/Passes.h.inc"

namespace {

struct QuantizePass : public impl::QuantizeBase<QuantizePass> {
  using Base::Base;

  /// The !quant.uniform type of symmetric codes with these scales.
  quant::QuantizedType getQuantType(ArrayRef<double> scales) {
    MLIRContext *ctx = &getContext();
    auto storage = IntegerType::get(ctx, weightBits);
    auto f32 = Float32Type::get(ctx);
    int64_t qmin = -(int64_t(1) << (weightBits - 1));
    int64_t qmax = (int64_t(1) << (weightBits - 1)) - 1;
    if (!perChannel)
      return quant::UniformQuantizedType::get(quant::QuantizationFlags::Signed,
                                              storage, f32, scales.front(), 0,
                                              qmin, qmax);
    SmallVector<int64_t> zeroPoints(scales.size(), 0);
    return quant::UniformQuantizedPerAxisType::get(
        quant::QuantizationFlags::Signed, storage, f32, scales, zeroPoints,
        /*quantizedDimension=*/0, qmin, qmax);
  }

  void quantizeOne(PackOp pack) {
    std::optional<FloatWeight> weight =
        readFloatWeight(pack, minElements, getArgument());
    if (!weight)
      return;
    int64_t qmax = (int64_t(1) << (weightBits - 1)) - 1;
    SmallVector<double> scales = weight->getMaxMagnitudes(perChannel);
    for (double &s : scales)
      s /= static_cast<double>(qmax);
    auto code = [&](double value, double s) {
      return std::clamp(std::nearbyint(value / s), static_cast<double>(-qmax),
                        static_cast<double>(qmax));
    };
    if (scale == "search") {
      SmallVector<double> factors;
      for (int k = 0; k <= 25; ++k)
        factors.push_back(1.0 - 0.02 * k);
      scales = searchScales(
          *weight, perChannel, scales, factors,
          [&](double value, double s) { return s * code(value, s); });
    }
    if (errorFeedback)
      feedRoundingErrorsForward(
          pack, *weight, getArgument(),
          [&](size_t index, double value) {
            double s = scales[perChannel ? weight->channels[index] : 0];
            return s * code(value, s);
          },
          refineSweeps);

    SmallVector<APInt> codes;
    for (auto [value, channel] :
         llvm::zip_equal(weight->values, weight->channels)) {
      double q = code(value, scales[perChannel ? channel : 0]);
      codes.emplace_back(weightBits, static_cast<int64_t>(q),
                         /*isSigned=*/true);
    }

    MLIRContext *ctx = &getContext();
    WeightType type = weight->type;
    auto newType = WeightType::get(
        ctx, type.getShape(), type.getElementType(),
        EncodingAttr::get(ctx, AffineFormatAttr::get(ctx, getQuantType(scales)),
                          type.getEncoding().getSparsity()));
    OpBuilder b(pack);
    Value values;
    if (weightBits == 8) { // Byte codes: a blob when large.
      std::vector<int8_t> bytes;
      for (const APInt &code : codes)
        bytes.push_back(static_cast<int8_t>(code.getSExtValue()));
      values = buildConstant<int8_t>(b, pack.getLoc(), newType.getValuesType(),
                                     bytes, "int8_weights");
    } else {
      values = arith::ConstantOp::create(
          b, pack.getLoc(),
          DenseElementsAttr::get(newType.getValuesType(), codes));
    }
    replacePack(pack, newType, values, pack.getIndices());
  }

  /// Quantizes `op`'s input to uint8 from its calibrated range, when its
  /// weight has integer codes; the op then runs integer-only.
  void quantizeInput(Operation *op) {
    auto range = op->getAttrOfType<DenseF64ArrayAttr>("effai.input_range");
    Value input = op->getOperand(0);
    auto inputType = cast<RankedTensorType>(input.getType());
    if (!inputType.getElementType().isF32())
      return;
    auto weightType = cast<WeightType>(op->getOperand(1).getType());
    if (isa<FloatFormatAttr>(weightType.getEncoding().getValue())) {
      op->emitWarning("effai-quantize: input left in float: the weight is "
                      "not quantized");
      return;
    }
    if (!range || range.size() != 2) {
      op->emitWarning("effai-quantize: input left in float: no calibrated "
                      "effai.input_range");
      return;
    }
    // Asymmetric uint8 over the range widened to contain 0 (so 0 is exact).
    double lo = std::min(range[0], 0.0), hi = std::max(range[1], 0.0);
    double scale = hi > lo ? (hi - lo) / 255.0 : 1.0;
    int64_t zeroPoint = std::clamp<int64_t>(
        static_cast<int64_t>(std::nearbyint(-lo / scale)), 0, 255);
    MLIRContext *ctx = &getContext();
    auto quantType = quant::UniformQuantizedType::get(
        /*flags=*/0, IntegerType::get(ctx, 8), Float32Type::get(ctx), scale,
        zeroPoint, 0, 255);
    OpBuilder b(op);
    Value quantized = quant::QuantizeCastOp::create(
        b, op->getLoc(), RankedTensorType::get(inputType.getShape(), quantType),
        input);
    op->setOperand(0, quantized);
  }

  void runOnOperation() override {
    if (activations != "none" && activations != "int8") {
      getOperation().emitError("effai-quantize: activations must be none or "
                               "int8, got '")
          << static_cast<std::string>(activations) << "'";
      return signalPassFailure();
    }
    if (weightBits < 2 || weightBits > 8) {
      getOperation().emitError("effai-quantize: weight-bits must be in "
                               "[2, 8], got ")
          << static_cast<unsigned>(weightBits);
      return signalPassFailure();
    }
    if (failed(checkOptionValue(getOperation(), getArgument(), "scale", scale,
                                {"max", "search"})))
      return signalPassFailure();
    SmallVector<int64_t> selected(layers.begin(), layers.end());
    forEachPack(getOperation(), selected,
                [&](PackOp pack) { quantizeOne(pack); });
    if (activations == "int8")
      getOperation().walk([&](Operation *op) {
        if (isa<LinearOp, Conv2DOp, DepthwiseConv2DOp>(op))
          quantizeInput(op);
      });
  }
};

} // namespace
} // namespace mlir::effai
