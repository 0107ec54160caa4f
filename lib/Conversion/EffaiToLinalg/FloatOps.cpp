//===- FloatOps.cpp - float compressible ops to linalg ----------*- C++ -*-===//
//
// effai.linear / conv2d / depthwise_conv2d with float activations: a
// contraction or grouped-convolution generic on the decoded float weight,
// plus the bias. A linear layer with symmetric integer weights (2-8 bits)
// reads the codes instead and scales its sums.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "effai/Conversion/EffaiToLinalg/EffaiToLinalg.h"
#include "effai/Utils/ConstantData.h"
#include "effai/Utils/LinalgBuilders.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::effai;

namespace {
bool hasFloatActivations(Operation *op) {
  return isa<FloatType>(
             cast<ShapedType>(op->getOperand(0).getType()).getElementType()) &&
         isa<FloatType>(
             cast<ShapedType>(op->getResult(0).getType()).getElementType());
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
    int64_t axis = resultType.getRank() - 1;
    // Weight-only int2-int8: the kernel reads i8 codes (a quarter of the
    // f32 bytes) and converts them in registers; the scales join the bias.
    if (std::optional<SymmetricCodes> codes =
            getSymmetricCodes(rewriter, loc, op.getWeight())) {
      rewriter.replaceOp(op, buildCodesLinear(rewriter, loc, op.getInput(),
                                              codes->codes, codes->isSigned,
                                              codes->scales, op.getBias()));
      return success();
    }
    Value w = getDecodedWeight(rewriter, loc, op.getWeight());
    // The result keeps the input's leading dims, so bias and whatever
    // elementwise ops follow fuse into one consumer of the contraction.
    Value y = buildLinearContraction(rewriter, loc, op.getInput(), w, elt);
    rewriter.replaceOp(op, addBias(rewriter, loc, y, op.getBias(), axis));
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
    int64_t groups = getConvGroups(op);
    Value w = getDecodedWeight(rewriter, loc, op.getWeight());
    Value y = buildConvGeneric(rewriter, loc, op.getInput(), w, resultType,
                               op.getStrides(), op.getPads(), op.getDilations(),
                               groups, /*mulAdd=*/nullptr, /*directNCHW=*/true);
    rewriter.replaceOp(op, addBias(rewriter, loc, y, op.getBias(), 1));
    return success();
  }
};
} // namespace

Value mlir::effai::addBias(OpBuilder &b, Location loc, Value result, Value bias,
                           int64_t axis) {
  if (!bias)
    return result;
  return combineAlong<arith::AddFOp>(b, loc, result, bias, axis);
}

/// Constant integer codes narrower than a byte as an i8 constant,
/// sign- or zero-extended; none when `codes` is not a constant.
static std::optional<Value> widenConstantCodes(OpBuilder &b, Location loc,
                                               Value codes, bool isSigned) {
  ElementsAttr attr;
  if (!matchPattern(codes, m_Constant(&attr)))
    return std::nullopt;
  auto values = attr.tryGetValues<APInt>();
  if (!values)
    return std::nullopt;
  std::vector<int8_t> bytes;
  bytes.reserve(attr.getNumElements());
  for (const APInt &value : *values)
    bytes.push_back(static_cast<int8_t>(isSigned ? value.getSExtValue()
                                                 : value.getZExtValue()));
  auto type = cast<RankedTensorType>(codes.getType());
  return buildConstant<int8_t>(b, loc, type.clone(b.getI8Type()), bytes,
                               "int_codes");
}

std::optional<SymmetricCodes>
mlir::effai::getSymmetricCodes(OpBuilder &b, Location loc, Value weight) {
  auto type = cast<WeightType>(weight.getType());
  auto affine = dyn_cast<AffineFormatAttr>(type.getEncoding().getValue());
  auto pack = weight.getDefiningOp<PackOp>();
  auto codeType =
      pack ? dyn_cast<IntegerType>(getElementTypeOrSelf(pack.getValues()))
           : IntegerType();
  if (!affine || !pack || pack.getIndices() ||
      !isa<DenseSparsityAttr>(type.getEncoding().getSparsity()) || !codeType ||
      codeType.getWidth() > 8 || !type.getElementType().isF32())
    return std::nullopt;
  quant::QuantizedType quantType = affine.getQuantType();
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(quantType))
    if (perAxis.getQuantizedDimension() != 0)
      return std::nullopt;
  ChannelParams params = getParams(quantType);
  if (llvm::any_of(params.zeroPoints, [](int64_t zp) { return zp != 0; }))
    return std::nullopt;
  Value codes = pack.getValues();
  if (codeType.getWidth() < 8) {
    std::optional<Value> wide =
        widenConstantCodes(b, loc, codes, params.isSigned);
    if (!wide)
      return std::nullopt;
    codes = *wide;
  }
  int64_t rows = type.getLogicalType().getDimSize(0);
  SymmetricCodes result{codes, {}, params.isSigned};
  for (int64_t row = 0; row < rows; ++row)
    result.scales.push_back(
        params.scales[params.scales.size() == 1 ? 0 : row]);
  return result;
}

Value mlir::effai::buildCodesLinear(OpBuilder &b, Location loc, Value x,
                                   Value codes, bool isSigned,
                                   ArrayRef<float> scales, Value bias) {
  Type elt = cast<ShapedType>(x.getType()).getElementType();
  Value y = buildLinearContraction(
      b, loc, x, codes, elt,
      [&](OpBuilder &b, Location loc, Value acc, Value x, Value w) {
        return buildWidenedMulAdd(b, loc, acc, x, w, isSigned);
      });
  int64_t axis = cast<ShapedType>(y.getType()).getRank() - 1;
  auto scaleType =
      RankedTensorType::get({int64_t(scales.size())}, b.getF32Type());
  Value scaleValues = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(scaleType, scales));
  y = combineAlong<arith::MulFOp>(b, loc, y, scaleValues, axis);
  return addBias(b, loc, y, bias, axis);
}

Value mlir::effai::buildWidenedMulAdd(OpBuilder &b, Location loc, Value acc,
                                      Value x, Value code, bool isSigned) {
  return buildMulAdd(b, loc, acc, x,
                     castScalar(b, loc, code, x.getType(),
                                /*fromUnsigned=*/!isSigned,
                                /*toUnsigned=*/false));
}

void mlir::effai::populateFloatOpsToLinalgPatterns(
    RewritePatternSet &patterns) {
  patterns.add<LowerFloatLinear, LowerFloatConv<Conv2DOp>,
               LowerFloatConv<DepthwiseConv2DOp>>(patterns.getContext());
}
