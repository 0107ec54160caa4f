//===- IntegerLayers.cpp - compressible layers as integer PEs ---*- C++ -*-===//
//
// A quantized effai.conv2d, depthwise_conv2d or linear becomes a PE with
// its exact integer weights (decoded at compile time from any encoding), an
// i32 bias in accumulator units and the fixed-point requantization of
// effai's integer CPU path (QuantizedOps.cpp): the same arithmetic, so the
// accelerator's codes equal the CPU's bit for bit.
//
//===----------------------------------------------------------------------===//

#include "StreamMapping.h"

#include "effai/Dialect/Effai/IR/EffaiOps.h"
#include "effai/Dialect/Effai/IR/WeightCodec.h"
#include "effai/Utils/ConstantData.h"
#include "effai/Utils/FixedPoint.h"
#include "mlir/Dialect/Quant/IR/Quant.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::effai;

namespace {

/// Integer weight codes of a layer in effai's layout ([O, C/g, KH, KW] or
/// [O, K]), with value = code * scales[o].
struct IntegerWeights {
  SmallVector<int64_t> codes;
  SmallVector<double> scales;
};

FailureOr<IntegerWeights> readWeights(Operation *op, Value weight) {
  auto pack = weight.getDefiningOp<PackOp>();
  if (!pack)
    return refuseForFPGA(op, "the weight is not an effai.pack of constants");
  DenseElementsAttr values = readDenseConstant(pack.getValues());
  DenseElementsAttr indices;
  if (pack.getIndices())
    indices = readDenseConstant(pack.getIndices());
  if (!values || (pack.getIndices() && !indices))
    return refuseForFPGA(op, "the weight's payload is not constant");
  WeightType type = pack.getResult().getType();
  FailureOr<SmallVector<double>> scales = getIntegerCodeScales(type);
  if (failed(scales))
    return refuseForFPGA(op,
                         "its weights have no integer codes (float or focused "
                         "values, or power-of-two codes past 2^15): quantize "
                         "them");
  std::string error;
  FailureOr<SmallVector<int64_t>> codes =
      decodeIntegerCodes(type, values, indices, error);
  if (failed(codes))
    return refuseForFPGA(op, "invalid weight payload: " + error);
  return IntegerWeights{std::move(*codes), std::move(*scales)};
}

/// The bias in accumulator units, rounded as the CPU path rounds it.
FailureOr<SmallVector<int64_t>> readBias(Operation *op, Value bias,
                                         ArrayRef<double> accScales) {
  SmallVector<int64_t> units(accScales.size(), 0);
  if (!bias)
    return units;
  Type elt = cast<RankedTensorType>(bias.getType()).getElementType();
  if (auto quantType = dyn_cast<quant::QuantizedType>(elt)) {
    auto cast = bias.getDefiningOp<quant::StorageCastOp>();
    std::optional<std::vector<int64_t>> codes;
    if (cast)
      codes = readIntegerConstant(cast.getInput());
    if (!codes)
      return refuseForFPGA(op, "its quantized bias is not a constant");
    auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(quantType);
    auto perTensor = dyn_cast<quant::UniformQuantizedType>(quantType);
    for (size_t c = 0; c < units.size(); ++c) {
      double scale = perAxis ? perAxis.getScales()[c] : perTensor.getScale();
      int64_t zeroPoint =
          perAxis ? perAxis.getZeroPoints()[c] : perTensor.getZeroPoint();
      auto fixed = getFixedPoint(scale / accScales[c]);
      if (!fixed)
        return refuseForFPGA(op,
                             "its bias scale is out of the fixed-point range");
      units[c] = int32_t(multiplyFixedPoint((*codes)[c] - zeroPoint,
                                            fixed->first, fixed->second));
    }
    return units;
  }
  std::optional<std::vector<float>> values = readFloatConstant(bias);
  if (!values)
    return refuseForFPGA(op, "its bias is not an f32 constant");
  for (size_t c = 0; c < units.size(); ++c) {
    double rounded = std::nearbyint(double((*values)[c]) / accScales[c]);
    if (std::abs(rounded) > std::numeric_limits<int32_t>::max())
      return refuseForFPGA(op, "its bias does not fit the i32 accumulator");
    units[c] = roundToUnits((*values)[c], accScales[c]);
  }
  return units;
}

/// Refuses layers whose accumulators could pass 32 bits (the CPU path's
/// i32 would wrap, and no PE could be exact).
LogicalResult checkAccumulatorRange(Operation *op, ArrayRef<int64_t> codes,
                                    ArrayRef<int64_t> bias,
                                    quant::UniformQuantizedType input) {
  int64_t zp = input.getZeroPoint();
  int64_t maxInput = std::max(std::abs(input.getStorageTypeMin() - zp),
                              std::abs(input.getStorageTypeMax() - zp));
  int64_t perChannel = codes.size() / bias.size();
  for (size_t o = 0; o < bias.size(); ++o) {
    int64_t bound = std::abs(bias[o]);
    for (int64_t w : codes.slice(o * perChannel, perChannel))
      bound += std::abs(w) * maxInput;
    if (bound > std::numeric_limits<int32_t>::max())
      return refuseForFPGA(op, "the accumulator of output channel " + Twine(o) +
                                   " could reach " + Twine(bound) +
                                   ", past 32 bits");
  }
  return success();
}

/// `codes` as integers of `shape`, in the narrowest of i8, i16 and i32.
DenseElementsAttr buildWeightsAttr(MLIRContext *context,
                                   ArrayRef<int64_t> shape,
                                   ArrayRef<int64_t> codes) {
  int64_t largest = 0;
  for (int64_t c : codes)
    largest = std::max(largest, c < 0 ? -c - 1 : c);
  unsigned width = largest < 128 ? 8 : largest < 32768 ? 16 : 32;
  auto type = RankedTensorType::get(shape, IntegerType::get(context, width));
  SmallVector<APInt> values;
  values.reserve(codes.size());
  for (int64_t c : codes)
    values.push_back(APInt(width, c, /*isSigned=*/true));
  return DenseElementsAttr::get(type, values);
}

DenseElementsAttr buildBiasAttr(MLIRContext *context, ArrayRef<int64_t> bias) {
  auto type = RankedTensorType::get({int64_t(bias.size())},
                                    IntegerType::get(context, 32));
  SmallVector<APInt> values;
  for (int64_t b : bias)
    values.push_back(APInt(32, b, /*isSigned=*/true));
  return DenseElementsAttr::get(type, values);
}

/// The requantization of accumulators to `result`'s codes, one multiplier
/// per channel (or one when they agree).
FailureOr<fpga::RequantAttr> buildRequant(Operation *op,
                                          ArrayRef<double> accScales,
                                          quant::UniformQuantizedType result) {
  SmallVector<int64_t> multipliers, shifts;
  for (double scale : accScales) {
    auto fixed = getFixedPoint(scale / result.getScale());
    if (!fixed)
      return refuseForFPGA(op,
                           "its requantization scale is out of the fixed-point "
                           "range");
    multipliers.push_back(fixed->first);
    shifts.push_back(fixed->second);
  }
  if (llvm::all_equal(multipliers) && llvm::all_equal(shifts)) {
    multipliers.resize(1);
    shifts.resize(1);
  }
  return fpga::RequantAttr::get(
      op->getContext(), multipliers, shifts, result.getZeroPoint(),
      result.getStorageTypeMin(), result.getStorageTypeMax());
}

/// What a layer's result becomes: codes with a requantization, or i32
/// accumulators for a float result.
struct LayerOutput {
  IntegerType elementType;
  fpga::RequantAttr requant;
  MappedTensor mapping;
};

FailureOr<LayerOutput> planOutput(Operation *op, ArrayRef<double> accScales,
                                  StreamLayout layout) {
  LayerOutput output;
  output.mapping.layout = layout;
  Type elt =
      cast<RankedTensorType>(op->getResult(0).getType()).getElementType();
  if (isa<FloatType>(elt)) {
    output.elementType = IntegerType::get(op->getContext(), 32);
    output.mapping.accumulatorScales.assign(accScales.begin(), accScales.end());
    output.mapping.isFloat = true;
    return output;
  }
  auto result = dyn_cast<quant::UniformQuantizedType>(elt);
  if (!result)
    return refuseForFPGA(op,
                         "its result needs per-tensor quantization parameters");
  FailureOr<fpga::RequantAttr> requant = buildRequant(op, accScales, result);
  if (failed(requant))
    return failure();
  output.elementType = getCodeType(result);
  output.requant = *requant;
  output.mapping.codes = result;
  return output;
}

FailureOr<MappedTensor>
convertConv(OpBuilder &b, Operation *op, const MappedTensor &input,
            quant::UniformQuantizedType inputCodes,
            const IntegerWeights &weights, ArrayRef<int64_t> bias,
            int64_t groups, ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
            ArrayRef<int64_t> dilations) {
  if (llvm::any_of(dilations, [](int64_t d) { return d != 1; }))
    return refuseForFPGA(op, "dilated convolutions have no PE yet");
  if (input.layout != StreamLayout::FeatureMap)
    return refuseForFPGA(op, "its input is not an NCHW feature map");
  auto weightType = cast<WeightType>(op->getOperand(1).getType());
  ArrayRef<int64_t> w = weightType.getShape(); // [O, C/g, KH, KW]
  int64_t outChannels = w[0], perGroup = w[1], kh = w[2], kw = w[3];
  // [O, C/g, KH, KW] -> [O, KH, KW, C/g]: the channels of a pixel arrive
  // together.
  SmallVector<int64_t> hwc(weights.codes.size());
  for (int64_t o = 0; o < outChannels; ++o)
    for (int64_t c = 0; c < perGroup; ++c)
      for (int64_t y = 0; y < kh; ++y)
        for (int64_t x = 0; x < kw; ++x)
          hwc[((o * kh + y) * kw + x) * perGroup + c] =
              weights.codes[((o * perGroup + c) * kh + y) * kw + x];

  FailureOr<LayerOutput> output =
      planOutput(op, weights.scales, StreamLayout::FeatureMap);
  if (failed(output))
    return failure();
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  auto streamType = fpga::StreamType::get(
      b.getContext(),
      {resultType.getDimSize(2), resultType.getDimSize(3), outChannels},
      output->elementType);
  MLIRContext *context = b.getContext();
  auto conv = fpga::Conv2DOp::create(
      b, op->getLoc(), streamType, input.stream,
      buildWeightsAttr(context, {outChannels, kh, kw, perGroup}, hwc),
      buildBiasAttr(context, bias), inputCodes.getZeroPoint(),
      b.getDenseI64ArrayAttr(strides), b.getDenseI64ArrayAttr(pads), groups,
      output->requant, fpga::FoldAttr());
  output->mapping.stream = conv.getOutput();
  return output->mapping;
}

FailureOr<MappedTensor> convertLinear(OpBuilder &b, LinearOp op,
                                      const MappedTensor &input,
                                      quant::UniformQuantizedType inputCodes,
                                      const IntegerWeights &weights,
                                      ArrayRef<int64_t> bias) {
  if (op.getInput().getType().getRank() != 2 ||
      input.layout == StreamLayout::FeatureMap)
    return refuseForFPGA(op, "its input must be an [N, K] matrix");
  ArrayRef<int64_t> w = op.getWeight().getType().getShape(); // [O, K]
  int64_t outChannels = w[0], k = w[1];
  SmallVector<int64_t> columns(weights.codes);
  if (input.layout == StreamLayout::FlattenedMap) {
    // Column c*H*W + y*W + x of the flattened CHW tensor multiplies stream
    // element (y*W + x)*C + c.
    ArrayRef<int64_t> hwc = input.getStreamType().getShape();
    int64_t h = hwc[0], wd = hwc[1], c = hwc[2];
    for (int64_t o = 0; o < outChannels; ++o)
      for (int64_t ch = 0; ch < c; ++ch)
        for (int64_t y = 0; y < h; ++y)
          for (int64_t x = 0; x < wd; ++x)
            columns[o * k + (y * wd + x) * c + ch] =
                weights.codes[o * k + (ch * h + y) * wd + x];
  }
  FailureOr<LayerOutput> output =
      planOutput(op, weights.scales, StreamLayout::Vector);
  if (failed(output))
    return failure();
  auto streamType =
      fpga::StreamType::get(b.getContext(), {outChannels}, output->elementType);
  MLIRContext *context = b.getContext();
  auto linear = fpga::LinearOp::create(
      b, op.getLoc(), streamType, input.stream,
      buildWeightsAttr(context, {outChannels, k}, columns),
      buildBiasAttr(context, bias), inputCodes.getZeroPoint(), output->requant,
      fpga::FoldAttr());
  output->mapping.stream = linear.getOutput();
  return output->mapping;
}

} // namespace

IntegerType mlir::effai::getCodeType(quant::UniformQuantizedType type) {
  return IntegerType::get(type.getContext(), type.getStorageTypeIntegralWidth(),
                          type.isSigned() ? IntegerType::Signless
                                          : IntegerType::Unsigned);
}

FailureOr<MappedTensor>
mlir::effai::convertIntegerLayer(OpBuilder &b, Operation *op,
                                 const MappedTensor &input) {
  Value inputTensor = op->getOperand(0), weight = op->getOperand(1);
  auto inputCodes = dyn_cast<quant::UniformQuantizedType>(
      cast<RankedTensorType>(inputTensor.getType()).getElementType());
  if (!inputCodes)
    return refuseForFPGA(op,
                         "its input needs per-tensor quantization parameters");
  FailureOr<IntegerWeights> weights = readWeights(op, weight);
  if (failed(weights))
    return failure();
  SmallVector<double> accScales;
  for (double s : weights->scales)
    accScales.push_back(inputCodes.getScale() * s);
  weights->scales = accScales;
  Value bias = op->getNumOperands() > 2 ? op->getOperand(2) : Value();
  FailureOr<SmallVector<int64_t>> units = readBias(op, bias, accScales);
  if (failed(units) ||
      failed(checkAccumulatorRange(op, weights->codes, *units, inputCodes)))
    return failure();

  if (auto conv = dyn_cast<Conv2DOp>(op))
    return convertConv(b, op, input, inputCodes, *weights, *units,
                       conv.getGroups(), conv.getStrides(), conv.getPads(),
                       conv.getDilations());
  if (auto conv = dyn_cast<DepthwiseConv2DOp>(op))
    return convertConv(b, op, input, inputCodes, *weights, *units,
                       conv.getInput().getType().getDimSize(1),
                       conv.getStrides(), conv.getPads(), conv.getDilations());
  return convertLinear(b, cast<LinearOp>(op), input, inputCodes, *weights,
                       *units);
}
