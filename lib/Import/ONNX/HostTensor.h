//===- HostTensor.h - ONNX tensors known at import time ---------*- C++ -*-===//
//
// Initializers, Constant nodes and shapes are known while importing. Keeping
// their bytes on the host lets handlers read them (Slice starts, Pad amounts,
// constant weights to transpose or quantize) and emit them only when used.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_LIB_IMPORT_ONNX_HOSTTENSOR_H
#define EFFAI_LIB_IMPORT_ONNX_HOSTTENSOR_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "onnx/onnx_pb.h"

#include <string>
#include <vector>

namespace mlir::effai::onnx_import {

/// The MLIR element type for an ONNX data type (integers are signless), or
/// null for types effai does not handle (strings, complex, ...).
Type getElementType(MLIRContext *context, int32_t onnxType);
/// True for the unsigned ONNX integer types.
bool isUnsignedOnnxType(int32_t onnxType);
/// ONNX's name of a data type ("float", "uint8", ...).
std::string getOnnxTypeName(int32_t onnxType);

/// A dense tensor in host memory, stored little-endian at the natural width
/// of its element type (booleans one byte each).
class HostTensor {
public:
  HostTensor() = default;
  HostTensor(int32_t onnxType, Type elementType, SmallVector<int64_t> shape);

  /// Reads an initializer or attribute tensor (inline or external data).
  static bool fromProto(MLIRContext *context, const onnx::TensorProto &proto,
                        StringRef externalDataDir, HostTensor &result,
                        std::string &error);
  /// A 1-D int64 tensor (shapes, axes).
  static HostTensor fromInt64s(MLIRContext *context, ArrayRef<int64_t> values);
  /// An f32 tensor of `shape` holding `values`.
  static HostTensor fromFloats(MLIRContext *context, ArrayRef<float> values,
                               ArrayRef<int64_t> shape);

  /// The same elements under another shape of equal element count.
  HostTensor reshaped(ArrayRef<int64_t> newShape) const {
    HostTensor result = *this;
    result.shape.assign(newShape.begin(), newShape.end());
    return result;
  }

  int32_t getOnnxType() const { return onnxType; }
  Type getElementType() const { return elementType; }
  ArrayRef<int64_t> getShape() const { return shape; }
  int64_t getNumElements() const;
  bool isUnsigned() const { return isUnsignedOnnxType(onnxType); }
  RankedTensorType getType() const {
    return RankedTensorType::get(shape, elementType);
  }

  /// Element `i` converted to an integer / a double.
  int64_t getInt(int64_t i) const;
  double getDouble(int64_t i) const;
  SmallVector<int64_t> getInts() const;
  SmallVector<double> getDoubles() const;
  ArrayRef<char> getBytes() const { return bytes; }
  MutableArrayRef<char> getMutableBytes() { return bytes; }

  /// The tensor as an attribute: `dense<...>`, or `dense_resource<name>`
  /// holding a copy of the bytes when it has at least `resourceThreshold`
  /// elements.
  ElementsAttr toAttr(StringRef resourceName, int64_t resourceThreshold) const;

private:
  int64_t getElementBytes() const;

  int32_t onnxType = 0;
  Type elementType;
  SmallVector<int64_t> shape;
  std::vector<char> bytes;
};

} // namespace mlir::effai::onnx_import

#endif // EFFAI_LIB_IMPORT_ONNX_HOSTTENSOR_H
