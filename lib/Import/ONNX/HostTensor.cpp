//===- HostTensor.cpp - ONNX tensors known at import time -------*- C++ -*-===//
//
// Decoding of TensorProto payloads (raw_data or the typed repeated fields,
// inline or external) into one uniform host representation.
//
//===----------------------------------------------------------------------===//

#include "HostTensor.h"
#include "ModelLoader.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/MathExtras.h"

#include <cstring>

using namespace mlir;
using namespace mlir::effai;
using namespace mlir::effai::onnx_import;
using onnx::TensorProto_DataType;

Type mlir::effai::onnx_import::getElementType(MLIRContext *context,
                                              int32_t onnxType) {
  Builder b(context);
  switch (onnxType) {
  case onnx::TensorProto::FLOAT:
    return b.getF32Type();
  case onnx::TensorProto::DOUBLE:
    return b.getF64Type();
  case onnx::TensorProto::FLOAT16:
    return b.getF16Type();
  case onnx::TensorProto::BFLOAT16:
    return b.getBF16Type();
  case onnx::TensorProto::BOOL:
    return b.getI1Type();
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8:
    return b.getIntegerType(8);
  case onnx::TensorProto::INT16:
  case onnx::TensorProto::UINT16:
    return b.getIntegerType(16);
  case onnx::TensorProto::INT32:
  case onnx::TensorProto::UINT32:
    return b.getIntegerType(32);
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::UINT64:
    return b.getIntegerType(64);
  default:
    return {};
  }
}

bool mlir::effai::onnx_import::isUnsignedOnnxType(int32_t onnxType) {
  return onnxType == onnx::TensorProto::UINT8 ||
         onnxType == onnx::TensorProto::UINT16 ||
         onnxType == onnx::TensorProto::UINT32 ||
         onnxType == onnx::TensorProto::UINT64;
}

std::string mlir::effai::onnx_import::getOnnxTypeName(int32_t onnxType) {
  if (!onnx::TensorProto_DataType_IsValid(onnxType))
    return "type #" + std::to_string(onnxType);
  std::string name =
      onnx::TensorProto_DataType_Name(TensorProto_DataType(onnxType));
  for (char &c : name)
    c = std::tolower(c);
  return name;
}

HostTensor::HostTensor(int32_t onnxType, Type elementType,
                       SmallVector<int64_t> shape)
    : onnxType(onnxType), elementType(elementType), shape(std::move(shape)) {
  bytes.resize(getNumElements() * getElementBytes());
}

int64_t HostTensor::getNumElements() const {
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  return count;
}

int64_t HostTensor::getElementBytes() const {
  return elementType.isInteger(1)
             ? 1
             : llvm::divideCeil(elementType.getIntOrFloatBitWidth(), 8);
}

/// Copies the typed repeated field of `proto` into `bytes`, narrowing each
/// value to the tensor's element width.
template <typename FieldT>
static void copyNarrowed(const FieldT &field, int64_t elementBytes,
                         std::vector<char> &bytes) {
  bytes.resize(field.size() * elementBytes);
  for (int i = 0, e = field.size(); i < e; ++i) {
    auto value = field.Get(i);
    std::memcpy(bytes.data() + i * elementBytes, &value, elementBytes);
  }
}

bool HostTensor::fromProto(MLIRContext *context, const onnx::TensorProto &proto,
                           StringRef externalDataDir, HostTensor &result,
                           std::string &error) {
  Type elementType = onnx_import::getElementType(context, proto.data_type());
  if (!elementType) {
    error = "tensor '" + proto.name() + "' has unsupported data type " +
            getOnnxTypeName(proto.data_type());
    return false;
  }
  SmallVector<int64_t> shape;
  int64_t count = 1;
  for (int64_t dim : proto.dims()) {
    // Guard against overflow and absurd sizes before allocating anything.
    if (dim < 0 || (dim != 0 && count > (int64_t(1) << 40) / dim)) {
      error = "tensor '" + proto.name() +
              "' has an invalid or huge dimension " + std::to_string(dim);
      return false;
    }
    count *= dim;
    shape.push_back(dim);
  }
  result = HostTensor(proto.data_type(), elementType, shape);
  int64_t elementBytes = result.getElementBytes();
  std::vector<char> &bytes = result.bytes;

  if (proto.data_location() == onnx::TensorProto::EXTERNAL) {
    std::string raw;
    if (!readExternalData(proto, externalDataDir, raw, error))
      return false;
    bytes.assign(raw.begin(), raw.end());
  } else if (proto.has_raw_data()) {
    bytes.assign(proto.raw_data().begin(), proto.raw_data().end());
  } else {
    switch (proto.data_type()) {
    case onnx::TensorProto::FLOAT:
      copyNarrowed(proto.float_data(), elementBytes, bytes);
      break;
    case onnx::TensorProto::DOUBLE:
      copyNarrowed(proto.double_data(), elementBytes, bytes);
      break;
    case onnx::TensorProto::INT64:
      copyNarrowed(proto.int64_data(), elementBytes, bytes);
      break;
    case onnx::TensorProto::UINT32:
    case onnx::TensorProto::UINT64:
      copyNarrowed(proto.uint64_data(), elementBytes, bytes);
      break;
    default: // int32_data holds every narrower type, fp16 bits included.
      copyNarrowed(proto.int32_data(), elementBytes, bytes);
      break;
    }
  }
  int64_t expected = count * elementBytes;
  if (int64_t(bytes.size()) != expected) {
    error = "tensor '" + proto.name() + "' holds " +
            std::to_string(bytes.size() / elementBytes) +
            " values but its shape needs " + std::to_string(count);
    return false;
  }
  return true;
}

HostTensor HostTensor::fromInt64s(MLIRContext *context,
                                  ArrayRef<int64_t> values) {
  HostTensor tensor(onnx::TensorProto::INT64, IntegerType::get(context, 64),
                    {int64_t(values.size())});
  std::memcpy(tensor.bytes.data(), values.data(), values.size() * 8);
  return tensor;
}

HostTensor HostTensor::fromFloats(MLIRContext *context, ArrayRef<float> values,
                                  ArrayRef<int64_t> shape) {
  HostTensor tensor(onnx::TensorProto::FLOAT, Float32Type::get(context),
                    SmallVector<int64_t>(shape));
  std::memcpy(tensor.bytes.data(), values.data(), values.size() * 4);
  return tensor;
}

int64_t HostTensor::getInt(int64_t i) const {
  const char *p = bytes.data() + i * getElementBytes();
  if (auto floatType = dyn_cast<FloatType>(elementType))
    return int64_t(getDouble(i));
  switch (getElementBytes()) {
  case 1:
    return isUnsigned() ? int64_t(*reinterpret_cast<const uint8_t *>(p))
                        : int64_t(*reinterpret_cast<const int8_t *>(p));
  case 2:
    return isUnsigned() ? int64_t(*reinterpret_cast<const uint16_t *>(p))
                        : int64_t(*reinterpret_cast<const int16_t *>(p));
  case 4:
    return isUnsigned() ? int64_t(*reinterpret_cast<const uint32_t *>(p))
                        : int64_t(*reinterpret_cast<const int32_t *>(p));
  default:
    return *reinterpret_cast<const int64_t *>(p);
  }
}

double HostTensor::getDouble(int64_t i) const {
  auto floatType = dyn_cast<FloatType>(elementType);
  if (!floatType)
    return double(getInt(i));
  const char *p = bytes.data() + i * getElementBytes();
  if (floatType.isF32()) {
    float value;
    std::memcpy(&value, p, 4);
    return value;
  }
  if (floatType.isF64()) {
    double value;
    std::memcpy(&value, p, 8);
    return value;
  }
  uint16_t bits;
  std::memcpy(&bits, p, 2);
  APFloat value(floatType.getFloatSemantics(), APInt(16, bits));
  return value.convertToDouble();
}

SmallVector<int64_t> HostTensor::getInts() const {
  SmallVector<int64_t> values;
  for (int64_t i = 0, e = getNumElements(); i < e; ++i)
    values.push_back(getInt(i));
  return values;
}

SmallVector<double> HostTensor::getDoubles() const {
  SmallVector<double> values;
  for (int64_t i = 0, e = getNumElements(); i < e; ++i)
    values.push_back(getDouble(i));
  return values;
}

ElementsAttr HostTensor::toAttr(StringRef resourceName,
                                int64_t resourceThreshold) const {
  RankedTensorType type = getType();
  if (elementType.isInteger(1)) {
    SmallVector<bool> values;
    for (char byte : bytes)
      values.push_back(byte != 0);
    return DenseElementsAttr::get(type, values);
  }
  if (getNumElements() >= resourceThreshold && getNumElements() > 1) {
    AsmResourceBlob blob =
        HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, alignof(int64_t));
    return DenseResourceElementsAttr::get(type, resourceName, std::move(blob));
  }
  bool detectedSplat = false;
  if (!DenseElementsAttr::isValidRawBuffer(type, bytes, detectedSplat))
    return {};
  return DenseElementsAttr::getFromRawBuffer(type, bytes);
}
