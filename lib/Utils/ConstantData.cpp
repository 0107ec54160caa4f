//===- ConstantData.cpp - read and write constant tensor payloads -*- C++ -*-//

#include "effai/Utils/ConstantData.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"

#include <cstring>

using namespace mlir;

std::optional<ArrayRef<char>> mlir::effai::getDenseBytes(ElementsAttr attr) {
  Type elt = attr.getShapedType().getElementType();
  if (!elt.isIntOrFloat() || elt.getIntOrFloatBitWidth() % 8 != 0)
    return std::nullopt;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    if (dense.isSplat())
      return std::nullopt;
    return dense.getRawData();
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr))
    if (AsmResourceBlob *blob = resource.getRawHandle().getBlob())
      return blob->getData();
  return std::nullopt;
}

bool mlir::effai::appendElementBytes(ElementsAttr attr,
                                     std::vector<char> &bytes) {
  Type elt = attr.getShapedType().getElementType();
  int64_t count = attr.getShapedType().getNumElements();
  if (std::optional<ArrayRef<char>> raw = getDenseBytes(attr)) {
    bytes.insert(bytes.end(), raw->begin(), raw->end());
    return true;
  }
  // Splats, i1 and index: element by element, at their memory width.
  unsigned width;
  if (elt.isIndex())
    width = 8;
  else if (elt.isInteger(1))
    width = 1;
  else if (elt.isIntOrFloat() && elt.getIntOrFloatBitWidth() % 8 == 0)
    width = elt.getIntOrFloatBitWidth() / 8;
  else
    return false;
  auto append = [&](const APInt &value) {
    APInt word = value.zextOrTrunc(8 * width);
    for (unsigned i = 0; i < width; ++i)
      bytes.push_back(static_cast<char>(word.extractBitsAsZExtValue(8, 8 * i)));
  };
  size_t start = bytes.size();
  if (auto floats = attr.tryGetValues<APFloat>()) {
    for (const APFloat &value : *floats)
      append(value.bitcastToAPInt());
  } else if (auto integers = attr.tryGetValues<APInt>()) {
    for (const APInt &value : *integers)
      append(value);
  }
  if (bytes.size() - start == static_cast<size_t>(count) * width)
    return true;
  bytes.resize(start);
  return false;
}

std::optional<std::vector<float>> mlir::effai::readFloatConstant(Value value) {
  ElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)) ||
      !attr.getShapedType().getElementType().isF32())
    return std::nullopt;
  int64_t count = attr.getShapedType().getNumElements();
  if (auto splat = dyn_cast<SplatElementsAttr>(attr))
    return std::vector<float>(count,
                              splat.getSplatValue<APFloat>().convertToFloat());
  std::optional<ArrayRef<char>> bytes = getDenseBytes(attr);
  if (!bytes || bytes->size() != count * sizeof(float))
    return std::nullopt;
  std::vector<float> values(count);
  std::memcpy(values.data(), bytes->data(), bytes->size());
  return values;
}

std::optional<std::vector<int64_t>>
mlir::effai::readIntegerConstant(Value value) {
  ElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  auto intType = dyn_cast<IntegerType>(attr.getShapedType().getElementType());
  if (!intType || intType.getWidth() % 8 != 0 || intType.getWidth() > 64)
    return std::nullopt;
  int64_t count = attr.getShapedType().getNumElements();
  if (auto splat = dyn_cast<SplatElementsAttr>(attr))
    return std::vector<int64_t>(count,
                                splat.getSplatValue<APInt>().getSExtValue());
  std::optional<ArrayRef<char>> bytes = getDenseBytes(attr);
  unsigned width = intType.getWidth() / 8;
  if (!bytes || bytes->size() != count * width)
    return std::nullopt;
  std::vector<int64_t> values(count);
  for (int64_t i = 0; i < count; ++i) {
    int64_t v = 0;
    std::memcpy(&v, bytes->data() + i * width, width); // little-endian
    int shift = 64 - 8 * width;
    values[i] = shift ? (v << shift) >> shift : v;
  }
  return values;
}

DenseElementsAttr mlir::effai::readDenseConstant(Value value) {
  ElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return {};
  if (auto dense = dyn_cast<DenseElementsAttr>(attr))
    return dense;
  std::optional<ArrayRef<char>> bytes = getDenseBytes(attr);
  if (!bytes)
    return {};
  return DenseElementsAttr::getFromRawBuffer(attr.getShapedType(), *bytes);
}

ElementsAttr mlir::effai::buildElementsFromBytes(ShapedType type,
                                                 ArrayRef<char> bytes,
                                                 StringRef resourceName) {
  // Like the importer: small constants stay inline and readable.
  if (type.getNumElements() < kInlineConstantLimit)
    return DenseElementsAttr::getFromRawBuffer(type, bytes);
  AsmResourceBlob blob =
      HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, alignof(int64_t));
  return DenseResourceElementsAttr::get(type, resourceName, std::move(blob));
}

Value mlir::effai::buildConstantFromBytes(OpBuilder &b, Location loc,
                                          RankedTensorType type,
                                          ArrayRef<char> bytes,
                                          StringRef resourceName) {
  return arith::ConstantOp::create(
      b, loc,
      cast<TypedAttr>(buildElementsFromBytes(type, bytes, resourceName)));
}
