//===- FloatOps.cpp - float compressible ops to linalg ----------*- C++ -*-===//
//
// effai.linear / conv2d / depthwise_conv2d with float activations: a
// contraction or grouped-convolution generic on the decoded float weight,
// plus the bias.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "effai/Conversion/EffaiToLinalg/EffaiToLinalg.h"
#include "effai/Utils/LinalgBuilders.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

using namespace mlir;
using namespace mlir::effai;

namespace {
bool hasFloatActivations(Operation *op) {
  return isa<FloatType>(
             cast<ShapedType>(op->getOperand(0).getType()).getElementType()) &&
         isa<FloatType>(
             cast<ShapedType>(op->getResult(0).getType()).getElementType());
}

/// result + bias broadcast along `axis` of `type`.
Value addBias(OpBuilder &b, Location loc, Value result, Value bias,
              int64_t axis) {
  if (!bias)
    return result;
  auto type = cast<RankedTensorType>(result.getType());
  SmallVector<int64_t> shape(type.getRank() - axis, 1);
  shape[0] = type.getDimSize(axis);
  Value shaped = buildReshape(
      b, loc, bias,
      RankedTensorType::get(shape,
                            cast<ShapedType>(bias.getType()).getElementType()));
  return buildElementwise(
      b, loc, type, {result, shaped},
      [](OpBuilder &b, Location loc, ValueRange a) {
        return arith::AddFOp::create(b, loc, a[0], a[1]).getResult();
      });
}

struct LowerFloatLinear : public OpRewritePattern<LinearOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(LinearOp op,
                                PatternRewriter &rewriter) const override {
    if (!hasFloatActivations(op))
      return rewriter.notifyMatchFailure(op, "quantized activations");
    RankedTensorType resultType = op.getResult().getType();
    RankedTensorType inputType = op.getInput().getType();
    if (!inputType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shapes");
    Location loc = op.getLoc();
    Type elt = resultType.getElementType();
    Value w = getDecodedWeight(rewriter, loc, op.getWeight());
    // The result keeps the input's leading dims, so bias and whatever
    // elementwise ops follow fuse into one consumer of the contraction.
    Value y = buildLinearContraction(rewriter, loc, op.getInput(), w, elt);
    rewriter.replaceOp(op, addBias(rewriter, loc, y, op.getBias(),
                                   resultType.getRank() - 1));
    return success();
  }
};

template <typename OpTy> struct LowerFloatConv : public OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    if (!hasFloatActivations(op))
      return rewriter.notifyMatchFailure(op, "quantized activations");
    RankedTensorType resultType = op.getResult().getType();
    if (!resultType.hasStaticShape() ||
        !op.getInput().getType().hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shapes");
    Location loc = op.getLoc();
    int64_t groups = getGroups(op);
    Value w = getDecodedWeight(rewriter, loc, op.getWeight());
    Value y = buildConvGeneric(rewriter, loc, op.getInput(), w, resultType,
                               op.getStrides(), op.getPads(), op.getDilations(),
                               groups, /*mulAdd=*/nullptr, /*directNCHW=*/true);
    rewriter.replaceOp(op, addBias(rewriter, loc, y, op.getBias(), 1));
    return success();
  }

  static int64_t getGroups(Conv2DOp op) { return op.getGroups(); }
  static int64_t getGroups(DepthwiseConv2DOp op) {
    return op.getInput().getType().getDimSize(1);
  }
};
} // namespace

void mlir::effai::populateFloatOpsToLinalgPatterns(
    RewritePatternSet &patterns) {
  patterns.add<LowerFloatLinear, LowerFloatConv<Conv2DOp>,
               LowerFloatConv<DepthwiseConv2DOp>>(patterns.getContext());
}
