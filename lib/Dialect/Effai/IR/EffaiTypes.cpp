//===- EffaiTypes.cpp - effai types -----------------------------*- C++ -*-===//
//
// The compressed weight type: syntax, verification, and the payload layout
// derived from its encoding.
//
//===----------------------------------------------------------------------===//

#include "effai/Dialect/Effai/IR/EffaiTypes.h"
#include "effai/Dialect/Effai/IR/EffaiDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::effai;

#define GET_TYPEDEF_CLASSES
#include "effai/Dialect/Effai/IR/EffaiTypes.cpp.inc"

void EffaiDialect::registerTypes() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "effai/Dialect/Effai/IR/EffaiTypes.cpp.inc"
      >();
}

/// `!effai.weight<64x3x3x3xf32, #effai.encoding<...>>`
Type WeightType::parse(AsmParser &parser) {
  SmallVector<int64_t> shape;
  FloatType elementType;
  EncodingAttr encoding;
  SMLoc loc = parser.getCurrentLocation();
  if (parser.parseLess() ||
      parser.parseDimensionList(shape, /*allowDynamic=*/false,
                                /*withTrailingX=*/true) ||
      parser.parseType(elementType) || parser.parseComma() ||
      parser.parseAttribute(encoding) || parser.parseGreater())
    return {};
  return parser.getChecked<WeightType>(loc, parser.getContext(), shape,
                                       elementType, encoding);
}

void WeightType::print(AsmPrinter &printer) const {
  printer << "<";
  for (int64_t dim : getShape())
    printer << dim << "x";
  printer << getElementType() << ", " << getEncoding() << ">";
}

LogicalResult WeightType::verify(function_ref<InFlightDiagnostic()> emitError,
                                 ArrayRef<int64_t> shape, FloatType elementType,
                                 EncodingAttr encoding) {
  if (shape.size() < 2)
    return emitError() << "weights have rank >= 2 (output channels first), "
                          "got rank "
                       << shape.size();
  for (int64_t dim : shape)
    if (dim < 1)
      return emitError() << "weight dimensions must be static and positive, "
                            "got "
                         << dim;
  if (failed(
          encoding.getValue().verifyForWeight(emitError, shape, elementType)))
    return failure();
  return encoding.getSparsity().verifyForShape(emitError, shape);
}

int64_t WeightType::getReductionSize() const {
  return effai::getReductionSize(getShape());
}

int64_t WeightType::getNumElements() const {
  return getNumOutputChannels() * getReductionSize();
}

int64_t WeightType::getNumStoredWeights() const {
  int64_t count = 1;
  for (int64_t dim : getEncoding().getSparsity().getValuesShape(getShape()))
    count *= dim;
  return count;
}

RankedTensorType WeightType::getValuesType() const {
  ValueFormatAttrInterface value = getEncoding().getValue();
  SmallVector<int64_t> shape =
      getEncoding().getSparsity().getValuesShape(getShape());
  if (value.getTermsPerValue() != 1)
    shape.push_back(value.getTermsPerValue());
  return RankedTensorType::get(shape,
                               value.getStorageElementType(getElementType()));
}

RankedTensorType WeightType::getIndicesType() const {
  return getEncoding().getSparsity().getIndicesType(getShape());
}

int64_t WeightType::getPayloadBytes() const {
  ValueFormatAttrInterface value = getEncoding().getValue();
  int64_t valueBits =
      getValuesType().getNumElements() * value.getStorageBits(getElementType());
  int64_t indexBits = 0;
  if (RankedTensorType indices = getIndicesType())
    indexBits = indices.getNumElements() *
                indices.getElementType().getIntOrFloatBitWidth();
  return llvm::divideCeil(valueBits + indexBits, 8);
}

RankedTensorType WeightType::getLogicalType() const {
  return RankedTensorType::get(getShape(), getElementType());
}
