//===- EffaiOps.cpp - effai operations --------------------------*- C++ -*-===//
//
// Verifiers and folders of the effai ops. Compressible ops share one set of
// element-type rules; the two convolutions share their window arithmetic.
//
//===----------------------------------------------------------------------===//

#include "effai/Dialect/Effai/IR/EffaiOps.h"
#include "effai/Dialect/Effai/IR/WeightCodec.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::effai;

#define GET_OP_CLASSES
#include "effai/Dialect/Effai/IR/EffaiOps.cpp.inc"

//===----------------------------------------------------------------------===//
// PackOp / UnpackOp
//===----------------------------------------------------------------------===//

LogicalResult PackOp::verify() {
  WeightType type = getResult().getType();
  RankedTensorType expectedValues = type.getValuesType();
  if (getValues().getType() != expectedValues)
    return emitOpError() << "values payload must be " << expectedValues
                         << " for this encoding, got " << getValues().getType();
  RankedTensorType expectedIndices = type.getIndicesType();
  if (!expectedIndices) {
    if (getIndices())
      return emitOpError() << "encoding " << type.getEncoding()
                           << " stores no indices, but an indices payload "
                              "was given";
    return success();
  }
  if (!getIndices())
    return emitOpError() << "encoding needs an indices payload of type "
                         << expectedIndices;
  if (getIndices().getType() != expectedIndices)
    return emitOpError() << "indices payload must be " << expectedIndices
                         << " for this encoding, got "
                         << getIndices().getType();
  return success();
}

LogicalResult UnpackOp::verify() {
  RankedTensorType expected = getWeight().getType().getLogicalType();
  if (getResult().getType() != expected)
    return emitOpError() << "result must be the weight's logical type "
                         << expected << ", got " << getResult().getType();
  return success();
}

/// Unpacking a dense float weight gives back its payload unchanged.
OpFoldResult UnpackOp::fold(FoldAdaptor adaptor) {
  auto pack = getWeight().getDefiningOp<PackOp>();
  if (!pack)
    return {};
  EncodingAttr encoding = pack.getResult().getType().getEncoding();
  if (isa<FloatFormatAttr>(encoding.getValue()) &&
      isa<DenseSparsityAttr>(encoding.getSparsity()))
    return pack.getValues();
  return {};
}

namespace {
/// Decodes `unpack(pack(constant, constant))` into one dense float constant.
struct DecodeConstantWeight : public OpRewritePattern<UnpackOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(UnpackOp op,
                                PatternRewriter &rewriter) const override {
    auto pack = op.getWeight().getDefiningOp<PackOp>();
    if (!pack)
      return rewriter.notifyMatchFailure(op, "weight is not packed here");
    DenseElementsAttr values, indices;
    if (!matchPattern(pack.getValues(), m_Constant(&values)))
      return rewriter.notifyMatchFailure(op, "values are not constant");
    if (pack.getIndices() &&
        !matchPattern(pack.getIndices(), m_Constant(&indices)))
      return rewriter.notifyMatchFailure(op, "indices are not constant");

    std::string error;
    FailureOr<SmallVector<double>> decoded =
        decodeWeight(pack.getResult().getType(), values, indices, error);
    if (failed(decoded))
      return rewriter.notifyMatchFailure(op, error);

    RankedTensorType type = op.getResult().getType();
    const llvm::fltSemantics &semantics =
        cast<FloatType>(type.getElementType()).getFloatSemantics();
    SmallVector<APFloat> elements;
    elements.reserve(decoded->size());
    for (double value : *decoded) {
      APFloat element(value);
      bool losesInfo;
      element.convert(semantics, APFloat::rmNearestTiesToEven, &losesInfo);
      elements.push_back(element);
    }
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        op, type, DenseElementsAttr::get(type, elements));
    return success();
  }
};
} // namespace

void UnpackOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                           MLIRContext *context) {
  results.add<DecodeConstantWeight>(context);
}

//===----------------------------------------------------------------------===//
// Element-type rules shared by the compressible ops
//===----------------------------------------------------------------------===//

/// Checks the input/bias/result element types against the weight: float
/// activations match the weight's element type; quantized ones express it,
/// need integer weight storage, and allow an i32 quantized bias.
static LogicalResult verifyElementTypes(Operation *op, Type inputElt,
                                        WeightType weight, Type biasElt,
                                        Type resultElt) {
  Type weightElt = weight.getElementType();
  auto expressedOf = [](Type t) {
    auto quantized = dyn_cast<quant::QuantizedType>(t);
    return quantized ? quantized.getExpressedType() : t;
  };
  bool quantizedInput = isa<quant::QuantizedType>(inputElt);
  if (expressedOf(inputElt) != weightElt)
    return op->emitOpError()
           << "input element type " << inputElt
           << " does not match the weight element type " << weightElt;
  if (quantizedInput && !weight.getEncoding().getValue().hasIntegerStorage())
    return op->emitOpError()
           << "quantized input needs an integer weight encoding (affine or "
              "pow2), got "
           << weight.getEncoding().getValue();
  if (expressedOf(resultElt) != weightElt)
    return op->emitOpError()
           << "result element type " << resultElt
           << " does not match the weight element type " << weightElt;
  if (isa<quant::QuantizedType>(resultElt) && !quantizedInput)
    return op->emitOpError()
           << "a quantized result needs a quantized input, got " << inputElt;
  if (!biasElt)
    return success();
  if (expressedOf(biasElt) != weightElt)
    return op->emitOpError()
           << "bias element type " << biasElt
           << " does not match the weight element type " << weightElt;
  if (auto quantizedBias = dyn_cast<quant::QuantizedType>(biasElt)) {
    if (!quantizedInput)
      return op->emitOpError() << "a quantized bias needs a quantized input";
    if (quantizedBias.getStorageTypeIntegralWidth() != 32)
      return op->emitOpError() << "a quantized bias must have 32-bit storage, "
                                  "got "
                               << quantizedBias;
  }
  return success();
}

/// Two sizes agree unless both are static and differ.
static bool compatible(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

static LogicalResult verifyBiasShape(Operation *op, Value bias,
                                     int64_t outChannels) {
  if (!bias)
    return success();
  auto type = cast<RankedTensorType>(bias.getType());
  if (type.getRank() != 1 || !compatible(type.getDimSize(0), outChannels))
    return op->emitOpError()
           << "bias must be [" << outChannels << "], got " << type;
  return success();
}

static Type getElementTypeOrNull(Value value) {
  return value ? cast<ShapedType>(value.getType()).getElementType() : Type();
}

//===----------------------------------------------------------------------===//
// LinearOp
//===----------------------------------------------------------------------===//

LogicalResult LinearOp::verify() {
  RankedTensorType inputType = getInput().getType();
  RankedTensorType resultType = getResult().getType();
  WeightType weight = getWeight().getType();
  if (weight.getShape().size() != 2)
    return emitOpError() << "weight must be 2-D [N, K], got rank "
                         << weight.getShape().size();
  int64_t n = weight.getShape()[0], k = weight.getShape()[1];
  if (inputType.getRank() < 1)
    return emitOpError() << "input must have rank >= 1";
  if (!compatible(inputType.getShape().back(), k))
    return emitOpError() << "input has " << inputType.getShape().back()
                         << " features but the weight expects " << k;
  if (resultType.getRank() != inputType.getRank())
    return emitOpError() << "result rank " << resultType.getRank()
                         << " differs from input rank " << inputType.getRank();
  for (int64_t i = 0, e = inputType.getRank() - 1; i < e; ++i)
    if (!compatible(inputType.getDimSize(i), resultType.getDimSize(i)))
      return emitOpError() << "result dimension " << i << " is "
                           << resultType.getDimSize(i) << ", expected "
                           << inputType.getDimSize(i);
  if (!compatible(resultType.getShape().back(), n))
    return emitOpError() << "result has " << resultType.getShape().back()
                         << " features but the weight produces " << n;
  if (failed(verifyBiasShape(*this, getBias(), n)))
    return failure();
  return verifyElementTypes(*this, inputType.getElementType(), weight,
                            getElementTypeOrNull(getBias()),
                            resultType.getElementType());
}

//===----------------------------------------------------------------------===//
// Conv2DOp / DepthwiseConv2DOp
//===----------------------------------------------------------------------===//

/// Output size of one spatial dimension, or kDynamic when the input is.
static int64_t getConvOutputSize(int64_t input, int64_t kernel, int64_t stride,
                                 int64_t padBefore, int64_t padAfter,
                                 int64_t dilation) {
  if (ShapedType::isDynamic(input))
    return ShapedType::kDynamic;
  int64_t span = dilation * (kernel - 1) + 1;
  int64_t padded = input + padBefore + padAfter;
  if (padded < span)
    return 0;
  return (padded - span) / stride + 1;
}

/// Checks shapes and window attributes of a 2-D NCHW/OIHW convolution with
/// `groups` groups, or depthwise (one group per input channel) without.
static LogicalResult
verifyConv2D(Operation *op, RankedTensorType inputType, WeightType weight,
             Value bias, RankedTensorType resultType, ArrayRef<int64_t> strides,
             ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations,
             std::optional<int64_t> groups) {
  if (inputType.getRank() != 4)
    return op->emitOpError() << "input must be 4-D NCHW, got " << inputType;
  if (weight.getShape().size() != 4)
    return op->emitOpError()
           << "weight must be 4-D OIHW, got rank " << weight.getShape().size();
  if (resultType.getRank() != 4)
    return op->emitOpError() << "result must be 4-D NCHW, got " << resultType;
  if (strides.size() != 2 ||
      llvm::any_of(strides, [](int64_t s) { return s < 1; }))
    return op->emitOpError() << "strides must be 2 positive values";
  if (dilations.size() != 2 ||
      llvm::any_of(dilations, [](int64_t d) { return d < 1; }))
    return op->emitOpError() << "dilations must be 2 positive values";
  if (pads.size() != 4 || llvm::any_of(pads, [](int64_t p) { return p < 0; }))
    return op->emitOpError()
           << "pads must be 4 non-negative values [top, left, bottom, right]";

  ArrayRef<int64_t> w = weight.getShape();
  int64_t channels = inputType.getDimSize(1), outChannels = w[0];
  if (!groups) {
    if (w[1] != 1)
      return op->emitOpError() << "depthwise weight must be [C*multiplier, 1, "
                                  "KH, KW], got "
                               << w[1] << " input channels per filter";
    if (!ShapedType::isDynamic(channels) && outChannels % channels != 0)
      return op->emitOpError()
             << "depthwise output channels " << outChannels
             << " must be a multiple of the input channels " << channels;
  } else {
    if (*groups < 1)
      return op->emitOpError() << "groups must be positive, got " << *groups;
    if (outChannels % *groups != 0)
      return op->emitOpError() << "output channels " << outChannels
                               << " are not divisible by groups " << *groups;
    if (!ShapedType::isDynamic(channels) && channels != w[1] * *groups)
      return op->emitOpError()
             << "input has " << channels << " channels but the weight expects "
             << w[1] << " x " << *groups << " groups";
  }

  int64_t expected[4] = {
      inputType.getDimSize(0), outChannels,
      getConvOutputSize(inputType.getDimSize(2), w[2], strides[0], pads[0],
                        pads[2], dilations[0]),
      getConvOutputSize(inputType.getDimSize(3), w[3], strides[1], pads[1],
                        pads[3], dilations[1])};
  if (expected[2] == 0 || expected[3] == 0)
    return op->emitOpError() << "the " << w[2] << "x" << w[3]
                             << " window (with dilation) is larger than the "
                                "padded input";
  for (int i = 0; i < 4; ++i)
    if (!compatible(resultType.getDimSize(i), expected[i]))
      return op->emitOpError()
             << "result dimension " << i << " is " << resultType.getDimSize(i)
             << ", expected " << expected[i];
  if (failed(verifyBiasShape(op, bias, outChannels)))
    return failure();
  return verifyElementTypes(op, inputType.getElementType(), weight,
                            getElementTypeOrNull(bias),
                            resultType.getElementType());
}

LogicalResult Conv2DOp::verify() {
  return verifyConv2D(*this, getInput().getType(), getWeight().getType(),
                      getBias(), getResult().getType(), getStrides(), getPads(),
                      getDilations(), getGroups());
}

LogicalResult DepthwiseConv2DOp::verify() {
  return verifyConv2D(*this, getInput().getType(), getWeight().getType(),
                      getBias(), getResult().getType(), getStrides(), getPads(),
                      getDilations(), /*groups=*/std::nullopt);
}

//===----------------------------------------------------------------------===//
// RequantizeOp
//===----------------------------------------------------------------------===//

LogicalResult RequantizeOp::verify() {
  auto inputElt =
      cast<quant::QuantizedType>(getInput().getType().getElementType());
  auto resultElt =
      cast<quant::QuantizedType>(getResult().getType().getElementType());
  if (inputElt.getExpressedType() != resultElt.getExpressedType())
    return emitOpError() << "input expresses " << inputElt.getExpressedType()
                         << " but the result expresses "
                         << resultElt.getExpressedType();
  for (quant::QuantizedType type : {inputElt, resultElt}) {
    if (!isa<quant::UniformQuantizedType, quant::UniformQuantizedPerAxisType>(
            type))
      return emitOpError() << "needs !quant.uniform types, got " << type;
    auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(type);
    if (perAxis &&
        perAxis.getQuantizedDimension() >= getInput().getType().getRank())
      return emitOpError() << "quantized dimension "
                           << perAxis.getQuantizedDimension()
                           << " is out of range for rank "
                           << getInput().getType().getRank();
  }
  return success();
}

OpFoldResult RequantizeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getResult().getType())
    return getInput();
  return {};
}
