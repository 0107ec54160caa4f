//===- KnownTensor.h - small tensors known at import time -------*- C++ -*-===//
//
// What shape folding computes with: the values of initializers, Constant
// nodes and folded nodes, read from and written back to TensorProtos. Kept
// apart from HostTensor (the importer's MLIR-typed constants) because
// folding runs on the ModelProto, before any MLIR exists.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_LIB_IMPORT_ONNX_KNOWNTENSOR_H
#define EFFAI_LIB_IMPORT_ONNX_KNOWNTENSOR_H

#include "onnx/onnx_pb.h"

#include <optional>
#include <vector>

namespace mlir::effai::onnx_import {

/// A tensor known at import time, in row-major order: integer and boolean
/// types hold `ints`, float and double hold `reals`.
struct KnownTensor {
  int32_t dataType = 0;
  std::vector<int64_t> dims;
  std::vector<int64_t> ints;
  std::vector<double> reals;

  bool isReal() const;
  int64_t getNumElements() const;
  /// Element `i` as a double / an integer, whatever the storage.
  double real(int64_t i) const;
  int64_t integer(int64_t i) const;
};

/// Element types folding computes with: float and double (reals), and
/// integers and bool.
bool isRealType(int32_t type);
bool isSupportedType(int32_t type);
/// `value` wrapped to the range of integer type `type` (C++ conversion
/// semantics, as ONNX runtimes compute).
int64_t wrapInteger(int32_t type, int64_t value);
/// `value` rounded to the precision of real type `type`.
double roundReal(int32_t type, double value);

/// A tensor of `type` and `dims` with zeroed storage.
KnownTensor makeTensor(int32_t type, std::vector<int64_t> dims);
/// An int64 tensor of `dims` holding `values`.
KnownTensor makeInt64s(std::vector<int64_t> dims, std::vector<int64_t> values);
/// Copies element `from` of `src` into element `to` of `dst` (same type).
void copyElement(const KnownTensor &src, int64_t from, KnownTensor &dst,
                 int64_t to);

/// Reads an inline tensor of a supported type with at most `maxElements`
/// elements; nullopt otherwise (external data, float16, strings, too big).
std::optional<KnownTensor> readKnownTensor(const onnx::TensorProto &proto,
                                           int64_t maxElements);
/// Writes `tensor` as the initializer `name`.
void writeKnownTensor(const KnownTensor &tensor, const std::string &name,
                      onnx::TensorProto &proto);

} // namespace mlir::effai::onnx_import

#endif // EFFAI_LIB_IMPORT_ONNX_KNOWNTENSOR_H
