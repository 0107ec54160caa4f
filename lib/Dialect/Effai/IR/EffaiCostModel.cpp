//===- EffaiCostModel.cpp - CostModelOpInterface for effai ops -*- C++ -*-===//
//
// Work and compulsory traffic of the compressible ops. Every stored weight is
// applied once per output position that reads it, so pruning removes work in
// proportion to the weights it drops, and power-of-two weights trade each
// multiply for `terms` shifts and adds.
//
//===----------------------------------------------------------------------===//

#include "effai/Dialect/Effai/IR/EffaiOps.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"

using namespace mlir;
using namespace mlir::effai;

static int64_t getElementBits(Type type) {
  if (auto quantized = dyn_cast<quant::QuantizedType>(type))
    return quantized.getStorageTypeIntegralWidth();
  return type.getIntOrFloatBitWidth();
}

/// Bytes of a static tensor value (0 for a null value).
static FailureOr<int64_t> getTensorBytes(Value value) {
  if (!value)
    return 0;
  auto type = cast<RankedTensorType>(value.getType());
  if (!type.hasStaticShape())
    return failure();
  return llvm::divideCeil(
      type.getNumElements() * getElementBits(type.getElementType()), 8);
}

/// Cost of an op that applies every stored weight `usesPerWeight` times.
static FailureOr<OpCost> getCompressibleOpCost(Value input, WeightType weight,
                                               Value bias, Value result,
                                               int64_t usesPerWeight) {
  FailureOr<int64_t> inputBytes = getTensorBytes(input);
  FailureOr<int64_t> biasBytes = getTensorBytes(bias);
  FailureOr<int64_t> resultBytes = getTensorBytes(result);
  if (failed(inputBytes) || failed(biasBytes) || failed(resultBytes))
    return failure();

  OpCost cost;
  int64_t applications = weight.getNumStoredWeights() * usesPerWeight;
  ValueFormatAttrInterface value = weight.getEncoding().getValue();
  if (value.isMultiplicationFree()) {
    cost.shifts = applications * value.getTermsPerValue();
    cost.adds = applications * value.getTermsPerValue();
    cost.arithmetic = Arithmetic::Int32;
  } else {
    cost.macs = applications;
    if (isa<quant::QuantizedType>(
            cast<ShapedType>(input.getType()).getElementType()))
      cost.arithmetic = Arithmetic::Int8;
  }
  auto resultType = cast<RankedTensorType>(result.getType());
  int64_t outputs = resultType.getNumElements();
  if (bias)
    cost.adds += outputs;
  // Requantizing a quantized result is one fixed-point multiply per output.
  if (isa<quant::QuantizedType>(resultType.getElementType()))
    cost.macs += outputs;
  cost.bytesRead = *inputBytes + weight.getPayloadBytes() + *biasBytes;
  cost.bytesWritten = *resultBytes;
  return cost;
}

FailureOr<OpCost> LinearOp::getCost() {
  RankedTensorType inputType = getInput().getType();
  if (!inputType.hasStaticShape())
    return failure();
  int64_t rows = inputType.getNumElements() / inputType.getShape().back();
  return getCompressibleOpCost(getInput(), getWeight().getType(), getBias(),
                               getResult(), rows);
}

/// Each weight of a convolution is read once per (batch, output pixel).
static FailureOr<OpCost> getConvCost(Value input, WeightType weight, Value bias,
                                     Value result) {
  auto resultType = cast<RankedTensorType>(result.getType());
  if (!resultType.hasStaticShape())
    return failure();
  ArrayRef<int64_t> shape = resultType.getShape();
  return getCompressibleOpCost(input, weight, bias, result,
                               shape[0] * shape[2] * shape[3]);
}

FailureOr<OpCost> Conv2DOp::getCost() {
  return getConvCost(getInput(), getWeight().getType(), getBias(), getResult());
}

FailureOr<OpCost> DepthwiseConv2DOp::getCost() {
  return getConvCost(getInput(), getWeight().getType(), getBias(), getResult());
}

FailureOr<OpCost> RequantizeOp::getCost() {
  FailureOr<int64_t> inputBytes = getTensorBytes(getInput());
  FailureOr<int64_t> resultBytes = getTensorBytes(getResult());
  if (failed(inputBytes) || failed(resultBytes))
    return failure();
  OpCost cost;
  cost.macs = getResult().getType().getNumElements();
  cost.bytesRead = *inputBytes;
  cost.bytesWritten = *resultBytes;
  return cost;
}
