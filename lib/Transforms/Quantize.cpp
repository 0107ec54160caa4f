//===- Quantize.cpp - weight-only affine quantization -----------*- C++ -*-===//
//
// Symmetric per-channel (or per-tensor) integer weights with the scales in
// an upstream !quant.uniform type, so the IR states exactly how to decode.
//
//===----------------------------------------------------------------------===//

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
    for (double &scale : scales)
      scale /= static_cast<double>(qmax);

    SmallVector<APInt> codes;
    for (auto [value, channel] :
         llvm::zip_equal(weight->values, weight->channels)) {
      double q = std::nearbyint(value / scales[perChannel ? channel : 0]);
      q = std::clamp(q, static_cast<double>(-qmax), static_cast<double>(qmax));
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

  void runOnOperation() override {
    if (weightBits < 2 || weightBits > 8) {
      getOperation().emitError("effai-quantize: weight-bits must be in "
                               "[2, 8], got ")
          << static_cast<unsigned>(weightBits);
      return signalPassFailure();
    }
    forEachPack(getOperation(), [&](PackOp pack) { quantizeOne(pack); });
  }
};

} // namespace
} // namespace mlir::effai
