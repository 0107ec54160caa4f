//===- FoldQDQ.cpp - fold quant casts into effai ops ------------*- C++ -*-===//
//
// Rewrites the QDQ form of quantized models (float ops between quant.dcast
// and quant.qcast) into integer-only effai ops with affine weights.
//
//===----------------------------------------------------------------------===//

#include "effai/Transforms/FoldQDQ.h"
#include "effai/Dialect/Effai/IR/EffaiOps.h"
#include "effai/Transforms/Passes.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::effai {
#define GEN_PASS_DEF_FOLDQDQ
#include "effai/Transforms/Passes.h.inc"
} // namespace mlir::effai

using namespace mlir;
using namespace mlir::effai;

namespace {
/// The integer codes behind a quantized tensor: the operand of the
/// quant.scast that made it, or a new quant.scast.
Value getStorage(PatternRewriter &rewriter, Location loc, Value quantized) {
  if (auto cast = quantized.getDefiningOp<quant::StorageCastOp>())
    return cast.getInput();
  auto type = cast<RankedTensorType>(quantized.getType());
  auto qtype = cast<quant::QuantizedType>(type.getElementType());
  return quant::StorageCastOp::create(
      rewriter, loc,
      RankedTensorType::get(type.getShape(), qtype.getStorageType()),
      quantized);
}

/// effai.pack(quant.dcast(q)) with a dense float encoding -> affine pack.
struct FoldDequantizedWeight : public OpRewritePattern<PackOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(PackOp pack,
                                PatternRewriter &rewriter) const override {
    WeightType type = pack.getResult().getType();
    if (!isa<FloatFormatAttr>(type.getEncoding().getValue()) ||
        !isa<DenseSparsityAttr>(type.getEncoding().getSparsity()))
      return rewriter.notifyMatchFailure(pack, "not a dense float weight");
    auto dcast = pack.getValues().getDefiningOp<quant::DequantizeCastOp>();
    if (!dcast)
      return rewriter.notifyMatchFailure(pack, "values are not dequantized");
    auto qtype = cast<quant::QuantizedType>(
        cast<RankedTensorType>(dcast.getInput().getType()).getElementType());
    MLIRContext *context = rewriter.getContext();
    // The format and type verifiers decide what is representable (2-8 bits,
    // per-axis only along output channels); failing them is a non-match, not
    // an error, so their diagnostics are swallowed here.
    ScopedDiagnosticHandler swallow(context,
                                    [](Diagnostic &) { return success(); });
    auto silent = [&] { return emitError(pack.getLoc()); };
    if (failed(AffineFormatAttr::verify(silent, qtype)))
      return rewriter.notifyMatchFailure(pack, "not an affine weight type");
    auto encoding =
        EncodingAttr::get(context, AffineFormatAttr::get(context, qtype));
    if (failed(WeightType::verify(silent, type.getShape(),
                                  type.getElementType(), encoding)))
      return rewriter.notifyMatchFailure(pack, "parameters do not fit");
    auto newType = WeightType::get(context, type.getShape(),
                                   type.getElementType(), encoding);
    Value codes = getStorage(rewriter, pack.getLoc(), dcast.getInput());
    rewriter.replaceOpWithNewOp<PackOp>(pack, newType, codes, Value());
    return success();
  }
};

/// A compressible op with an integer weight reads quant.dcast(x): use x.
template <typename OpTy>
struct FoldDequantizedInput : public OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    auto dcast =
        op.getInput().template getDefiningOp<quant::DequantizeCastOp>();
    if (!dcast)
      return rewriter.notifyMatchFailure(op, "input is not dequantized");
    if (!op.getWeight().getType().getEncoding().getValue().hasIntegerStorage())
      return rewriter.notifyMatchFailure(op, "weight is not integer");
    auto inputType = cast<RankedTensorType>(dcast.getInput().getType());
    if (!isa<quant::UniformQuantizedType>(inputType.getElementType()))
      return rewriter.notifyMatchFailure(op, "per-axis activations");
    rewriter.modifyOpInPlace(
        op, [&] { op.getInputMutable().assign(dcast.getInput()); });
    return success();
  }
};

/// quant.qcast of the only result of a compressible op with a quantized
/// input: the op requantizes itself.
template <typename OpTy>
struct FoldQuantizedResult : public OpRewritePattern<quant::QuantizeCastOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(quant::QuantizeCastOp qcast,
                                PatternRewriter &rewriter) const override {
    auto op = qcast.getInput().getDefiningOp<OpTy>();
    if (!op || !op->hasOneUse())
      return rewriter.notifyMatchFailure(qcast, "no single-use effai op");
    if (!isa<quant::QuantizedType>(op.getInput().getType().getElementType()))
      return rewriter.notifyMatchFailure(qcast, "op input is not quantized");
    auto resultType = cast<RankedTensorType>(qcast.getResult().getType());
    if (!isa<quant::UniformQuantizedType>(resultType.getElementType()))
      return rewriter.notifyMatchFailure(qcast, "per-axis result");
    rewriter.modifyOpInPlace(op, [&] { op.getResult().setType(resultType); });
    rewriter.replaceOp(qcast, op.getResult());
    return success();
  }
};

/// scast(scast(x)) with x's type: the storage round trip is the identity.
struct FoldStorageRoundTrip : public OpRewritePattern<quant::StorageCastOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(quant::StorageCastOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<quant::StorageCastOp>();
    if (!inner || inner.getInput().getType() != op.getType())
      return rewriter.notifyMatchFailure(op, "not a round trip");
    rewriter.replaceOp(op, inner.getInput());
    return success();
  }
};

struct FoldQDQPass : public effai::impl::FoldQDQBase<FoldQDQPass> {
  void runOnOperation() override {
    if (failed(applyFoldQDQ(getOperation())))
      signalPassFailure();
  }
};
} // namespace

void mlir::effai::populateFoldQDQPatterns(RewritePatternSet &patterns) {
  MLIRContext *context = patterns.getContext();
  patterns.add<FoldStorageRoundTrip, FoldDequantizedWeight,
               FoldDequantizedInput<LinearOp>, FoldDequantizedInput<Conv2DOp>,
               FoldDequantizedInput<DepthwiseConv2DOp>,
               FoldQuantizedResult<LinearOp>, FoldQuantizedResult<Conv2DOp>,
               FoldQuantizedResult<DepthwiseConv2DOp>>(context);
}

LogicalResult mlir::effai::applyFoldQDQ(Operation *op) {
  RewritePatternSet patterns(op->getContext());
  populateFoldQDQPatterns(patterns);
  // Change nothing but the QDQ patterns: no folding, no constant CSE.
  GreedyRewriteConfig config;
  config.enableFolding(false);
  config.enableConstantCSE(false);
  return applyPatternsGreedily(op, std::move(patterns), config);
}
