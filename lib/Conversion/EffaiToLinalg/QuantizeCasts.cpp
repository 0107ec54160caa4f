//===- QuantizeCasts.cpp - the effai-lower-quantize-casts pass --*- C++ -*-===//
//
// quant.qcast of float tensors as ONNX QuantizeLinear: round half to even
// and saturate, so that every target computes the same codes (upstream
// lower-quant-ops truncates, and out-of-range values become poison).
//
//===----------------------------------------------------------------------===//

#include "effai/Conversion/Passes.h"
#include "effai/Utils/LinalgBuilders.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::effai {
#define GEN_PASS_DEF_EFFAILOWERQUANTIZECASTS
#include "effai/Conversion/Passes.h.inc"
} // namespace mlir::effai

using namespace mlir;
using namespace mlir::effai;

namespace {
/// Scales and zero points of a per-tensor or per-axis type; the axis is -1
/// for per-tensor.
struct CastParams {
  SmallVector<double> scales;
  SmallVector<double> zeroPoints;
  int64_t axis = -1;
};

std::optional<CastParams> getCastParams(quant::QuantizedType type) {
  CastParams params;
  if (auto uniform = dyn_cast<quant::UniformQuantizedType>(type)) {
    params.scales = {uniform.getScale()};
    params.zeroPoints = {static_cast<double>(uniform.getZeroPoint())};
    return params;
  }
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(type)) {
    params.scales.assign(perAxis.getScales().begin(),
                         perAxis.getScales().end());
    for (int64_t zp : perAxis.getZeroPoints())
      params.zeroPoints.push_back(static_cast<double>(zp));
    params.axis = perAxis.getQuantizedDimension();
    return params;
  }
  return std::nullopt;
}

/// A rank-1 constant of `floatType` holding `values`.
Value buildTable(OpBuilder &b, Location loc, ArrayRef<double> values,
                 FloatType floatType) {
  SmallVector<Attribute> elements;
  for (double value : values)
    elements.push_back(FloatAttr::get(floatType, value));
  auto type =
      RankedTensorType::get({static_cast<int64_t>(values.size())}, floatType);
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(type, elements));
}

struct LowerQuantizeCast : public OpRewritePattern<quant::QuantizeCastOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(quant::QuantizeCastOp op,
                                PatternRewriter &rewriter) const override {
    auto inputType = dyn_cast<RankedTensorType>(op.getInput().getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getResult().getType());
    if (!inputType || !resultType)
      return rewriter.notifyMatchFailure(op, "not a ranked tensor cast");
    auto floatType = dyn_cast<FloatType>(inputType.getElementType());
    auto quantType =
        dyn_cast<quant::QuantizedType>(resultType.getElementType());
    if (!floatType || !quantType)
      return rewriter.notifyMatchFailure(op, "not float to quantized");
    std::optional<CastParams> params = getCastParams(quantType);
    if (!params)
      return rewriter.notifyMatchFailure(op, "sub-channel parameters");

    Location loc = op.getLoc();
    int64_t rank = inputType.getRank();
    MLIRContext *context = rewriter.getContext();
    SmallVector<Value> inputs{op.getInput()};
    AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, context);
    SmallVector<AffineMap> maps{identity};
    Value scale, zeroPoint;
    bool hasZeroPoint =
        llvm::any_of(params->zeroPoints, [](double zp) { return zp != 0.0; });
    if (params->axis < 0) {
      scale = buildScalar(rewriter, loc, floatType, params->scales[0]);
      if (hasZeroPoint)
        zeroPoint =
            buildScalar(rewriter, loc, floatType, params->zeroPoints[0]);
    } else {
      // Per-axis parameters are tables read at the element's channel.
      AffineMap alongAxis = AffineMap::get(
          rank, 0, getAffineDimExpr(params->axis, context), context);
      inputs.push_back(buildTable(rewriter, loc, params->scales, floatType));
      maps.push_back(alongAxis);
      if (hasZeroPoint) {
        inputs.push_back(
            buildTable(rewriter, loc, params->zeroPoints, floatType));
        maps.push_back(alongAxis);
      }
    }
    maps.push_back(identity);

    Type storage = quantType.getStorageType();
    SmallVector<OpFoldResult> sizes =
        tensor::getMixedSizes(rewriter, loc, op.getInput());
    Value init = tensor::EmptyOp::create(rewriter, loc, sizes, storage);
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, init.getType(), inputs, init, maps, iterators,
        [&](OpBuilder &b, Location nestedLoc, ValueRange args) {
          Value channelScale = scale ? scale : args[1];
          Value channelZeroPoint =
              zeroPoint
                  ? zeroPoint
                  : (hasZeroPoint && params->axis >= 0 ? args[2] : Value());
          Value scaled =
              arith::DivFOp::create(b, nestedLoc, args[0], channelScale);
          Value code = buildQuantizeScalar(
              b, nestedLoc, scaled, channelZeroPoint, storage,
              !quantType.isSigned(), quantType.getStorageTypeMin(),
              quantType.getStorageTypeMax());
          linalg::YieldOp::create(b, nestedLoc, code);
        });
    rewriter.replaceOpWithNewOp<quant::StorageCastOp>(op, resultType,
                                                      generic.getResult(0));
    return success();
  }
};

struct EffaiLowerQuantizeCastsPass
    : public effai::impl::EffaiLowerQuantizeCastsBase<
          EffaiLowerQuantizeCastsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<LowerQuantizeCast>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
