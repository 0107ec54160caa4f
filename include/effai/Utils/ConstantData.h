//===- ConstantData.h - read and write constant tensor payloads -*- C++ -*-===//
//
// Passes that rewrite weights at compile time (relayout, pruning,
// quantization) read constants whether they are inline `dense<...>` or
// `dense_resource` blobs (what the ONNX importer emits), and write large
// results back as blobs.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_UTILS_CONSTANTDATA_H
#define EFFAI_UTILS_CONSTANTDATA_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/BuiltinTypes.h"

#include <optional>
#include <vector>

namespace mlir::effai {

/// The raw bytes of a constant's elements when they are byte-addressable
/// and stored one by one (not a splat, not packed i1).
std::optional<ArrayRef<char>> getDenseBytes(ElementsAttr attr);

/// Appends the elements of `attr` to `bytes` as they lie in memory
/// (little-endian, row-major; splats expanded; i1 one byte per element,
/// index 8 bytes). False, appending nothing, for other element types.
bool appendElementBytes(ElementsAttr attr, std::vector<char> &bytes);

/// The values of `value` when it is an f32 constant (splats expanded).
std::optional<std::vector<float>> readFloatConstant(Value value);

/// The values of `value` when it is an integer constant (i8 to i64,
/// sign-extended; splats expanded).
std::optional<std::vector<int64_t>> readIntegerConstant(Value value);

/// `value`'s elements as a DenseElementsAttr when it is a constant, inline
/// or a byte-addressable `dense_resource` blob (copied); null otherwise.
DenseElementsAttr readDenseConstant(Value value);

/// Constants with fewer elements are written inline (`dense<...>`).
constexpr int64_t kInlineConstantLimit = 16;

/// `bytes` as the elements of `type`: inline `dense<...>` when small, else
/// a `dense_resource` blob named after `resourceName` (uniqued by MLIR).
ElementsAttr buildElementsFromBytes(ShapedType type, ArrayRef<char> bytes,
                                    StringRef resourceName);

/// An `arith.constant` of `type` with `bytes` as its elements: inline when
/// small, else a `dense_resource` blob named after `resourceName` (uniqued
/// by MLIR).
Value buildConstantFromBytes(OpBuilder &b, Location loc, RankedTensorType type,
                             ArrayRef<char> bytes, StringRef resourceName);

/// The same for typed host data.
template <typename T>
Value buildConstant(OpBuilder &b, Location loc, RankedTensorType type,
                    ArrayRef<T> data, StringRef resourceName) {
  return buildConstantFromBytes(
      b, loc, type,
      ArrayRef<char>(reinterpret_cast<const char *>(data.data()),
                     data.size() * sizeof(T)),
      resourceName);
}

} // namespace mlir::effai

#endif // EFFAI_UTILS_CONSTANTDATA_H
