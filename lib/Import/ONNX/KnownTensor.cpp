//===- KnownTensor.cpp - small tensors known at import time -----*- C++ -*-===//
//
// Decoding and encoding of the TensorProtos shape folding reads and writes,
// and the element-type rules (wrapping, rounding) its arithmetic follows.
//
//===----------------------------------------------------------------------===//

#include "KnownTensor.h"

#include <cstring>

using namespace mlir::effai::onnx_import;
using onnx::TensorProto;
using Shape = std::vector<int64_t>;

//===----------------------------------------------------------------------===//
// Element types
//===----------------------------------------------------------------------===//

bool mlir::effai::onnx_import::isRealType(int32_t type) {
  return type == TensorProto::FLOAT || type == TensorProto::DOUBLE;
}

static bool isIntegerType(int32_t type) {
  switch (type) {
  case TensorProto::INT8:
  case TensorProto::INT16:
  case TensorProto::INT32:
  case TensorProto::INT64:
  case TensorProto::UINT8:
  case TensorProto::UINT16:
  case TensorProto::UINT32:
  case TensorProto::UINT64:
  case TensorProto::BOOL:
    return true;
  default:
    return false;
  }
}

bool mlir::effai::onnx_import::isSupportedType(int32_t type) {
  return isRealType(type) || isIntegerType(type);
}

static int64_t getElementBytes(int32_t type) {
  switch (type) {
  case TensorProto::INT8:
  case TensorProto::UINT8:
  case TensorProto::BOOL:
    return 1;
  case TensorProto::INT16:
  case TensorProto::UINT16:
    return 2;
  case TensorProto::INT32:
  case TensorProto::UINT32:
  case TensorProto::FLOAT:
    return 4;
  default:
    return 8;
  }
}

/// `value` wrapped to the range of integer type `type` (C++ conversion
/// semantics, as ONNX runtimes compute).
int64_t mlir::effai::onnx_import::wrapInteger(int32_t type, int64_t value) {
  switch (type) {
  case TensorProto::INT8:
    return int8_t(value);
  case TensorProto::INT16:
    return int16_t(value);
  case TensorProto::INT32:
    return int32_t(value);
  case TensorProto::UINT8:
    return uint8_t(value);
  case TensorProto::UINT16:
    return uint16_t(value);
  case TensorProto::UINT32:
    return uint32_t(value);
  case TensorProto::BOOL:
    return value != 0;
  default:
    return value;
  }
}

/// `value` rounded to the precision of real type `type`.
double mlir::effai::onnx_import::roundReal(int32_t type, double value) {
  return type == TensorProto::FLOAT ? double(float(value)) : value;
}

//===----------------------------------------------------------------------===//
// KnownTensor
//===----------------------------------------------------------------------===//

bool KnownTensor::isReal() const { return isRealType(dataType); }

int64_t KnownTensor::getNumElements() const {
  int64_t count = 1;
  for (int64_t dim : dims)
    count *= dim;
  return count;
}

double KnownTensor::real(int64_t i) const {
  return isReal() ? reals[i] : double(ints[i]);
}

int64_t KnownTensor::integer(int64_t i) const {
  return isReal() ? int64_t(reals[i]) : ints[i];
}

/// An empty tensor of `type` and `dims`, storage sized.
KnownTensor mlir::effai::onnx_import::makeTensor(int32_t type, Shape dims) {
  KnownTensor t;
  t.dataType = type;
  t.dims = std::move(dims);
  if (isRealType(type))
    t.reals.resize(t.getNumElements());
  else
    t.ints.resize(t.getNumElements());
  return t;
}

KnownTensor mlir::effai::onnx_import::makeInt64s(Shape dims,
                                                 std::vector<int64_t> values) {
  KnownTensor t;
  t.dataType = TensorProto::INT64;
  t.dims = std::move(dims);
  t.ints = std::move(values);
  return t;
}

/// Copies element `from` of `src` into element `to` of `dst` (same type).
void mlir::effai::onnx_import::copyElement(const KnownTensor &src, int64_t from,
                                           KnownTensor &dst, int64_t to) {
  if (src.isReal())
    dst.reals[to] = src.reals[from];
  else
    dst.ints[to] = src.ints[from];
}

/// Decodes one little-endian element of `type` at `p`.
static void decodeElement(int32_t type, const char *p, KnownTensor &t,
                          int64_t i) {
  switch (type) {
  case TensorProto::FLOAT: {
    float v;
    std::memcpy(&v, p, 4);
    t.reals[i] = v;
    return;
  }
  case TensorProto::DOUBLE:
    std::memcpy(&t.reals[i], p, 8);
    return;
  default: {
    uint64_t bits = 0;
    std::memcpy(&bits, p, getElementBytes(type));
    int64_t bytes = getElementBytes(type);
    int64_t value = int64_t(bits);
    // Sign-extend the signed narrow types.
    if (bytes < 8 && type != TensorProto::UINT8 &&
        type != TensorProto::UINT16 && type != TensorProto::UINT32 &&
        type != TensorProto::BOOL) {
      int shift = int(64 - 8 * bytes);
      value = int64_t(bits << shift) >> shift;
    }
    t.ints[i] = wrapInteger(type, value);
    return;
  }
  }
}

std::optional<KnownTensor>
mlir::effai::onnx_import::readKnownTensor(const TensorProto &proto,
                                          int64_t maxElements) {
  int32_t type = proto.data_type();
  if (!isSupportedType(type) || proto.data_location() == TensorProto::EXTERNAL)
    return std::nullopt;
  Shape dims;
  int64_t count = 1;
  for (int64_t dim : proto.dims()) {
    if (dim < 0 || (dim != 0 && count > maxElements / dim))
      return std::nullopt;
    count *= dim;
    dims.push_back(dim);
  }
  if (count > maxElements)
    return std::nullopt;
  KnownTensor t = makeTensor(type, dims);
  if (proto.has_raw_data()) {
    const std::string &raw = proto.raw_data();
    int64_t bytes = getElementBytes(type);
    if (int64_t(raw.size()) != count * bytes)
      return std::nullopt;
    for (int64_t i = 0; i < count; ++i)
      decodeElement(type, raw.data() + i * bytes, t, i);
    return t;
  }
  auto fill = [&](const auto &field) -> bool {
    if (field.size() != count)
      return false;
    for (int64_t i = 0; i < count; ++i) {
      if (t.isReal())
        t.reals[i] = double(field.Get(i));
      else
        t.ints[i] = wrapInteger(type, int64_t(field.Get(i)));
    }
    return true;
  };
  bool filled;
  switch (type) {
  case TensorProto::FLOAT:
    filled = fill(proto.float_data());
    break;
  case TensorProto::DOUBLE:
    filled = fill(proto.double_data());
    break;
  case TensorProto::INT64:
    filled = fill(proto.int64_data());
    break;
  case TensorProto::UINT32:
  case TensorProto::UINT64:
    filled = fill(proto.uint64_data());
    break;
  default:
    filled = fill(proto.int32_data());
    break;
  }
  if (!filled)
    return std::nullopt;
  return t;
}

void mlir::effai::onnx_import::writeKnownTensor(const KnownTensor &tensor,
                                                const std::string &name,
                                                TensorProto &proto) {
  proto.Clear();
  proto.set_name(name);
  proto.set_data_type(tensor.dataType);
  for (int64_t dim : tensor.dims)
    proto.add_dims(dim);
  for (int64_t i = 0, e = tensor.getNumElements(); i < e; ++i) {
    switch (tensor.dataType) {
    case TensorProto::FLOAT:
      proto.add_float_data(float(tensor.reals[i]));
      break;
    case TensorProto::DOUBLE:
      proto.add_double_data(tensor.reals[i]);
      break;
    case TensorProto::INT64:
      proto.add_int64_data(tensor.ints[i]);
      break;
    case TensorProto::UINT32:
    case TensorProto::UINT64:
      proto.add_uint64_data(uint64_t(tensor.ints[i]));
      break;
    default:
      proto.add_int32_data(int32_t(tensor.ints[i]));
      break;
    }
  }
}
