//===- weight-codec-fuzzer.cpp - libFuzzer target for the weight codec ---===//
//
// Input: an effai weight type in IR syntax, a NUL, then payload bytes. The
// bytes fill the type's packed values and indices payloads; the reference
// decoder either decodes them or says what is invalid (an index out of
// range, a code past the exponent range ...). It never crashes.
//
//===----------------------------------------------------------------------===//

#include "FuzzContext.h"

#include "effai/Dialect/Effai/IR/EffaiDialect.h"
#include "effai/Dialect/Effai/IR/EffaiTypes.h"
#include "effai/Dialect/Effai/IR/WeightCodec.h"
#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Quant/IR/Quant.h"

#include <cstdlib>
#include <cstring>

using namespace mlir;

/// Larger payloads only make the fuzzer slower, not the decoder different.
static constexpr int64_t kMaxPayloadElements = 1 << 16;

/// A payload of `type` from the next bytes of `bytes` (zero-filled when
/// they run out), in DenseElementsAttr's raw layout: i1 packed 8 to a byte,
/// other elements in whole bytes (an i4 code per byte, its high bits
/// ignored); null if `type` is too large.
static DenseElementsAttr takePayload(RankedTensorType type, StringRef &bytes) {
  if (!type || type.getNumElements() > kMaxPayloadElements)
    return {};
  unsigned bits = type.getElementTypeBitWidth();
  size_t elements = size_t(type.getNumElements());
  size_t size =
      bits == 1 ? (elements + 7) / 8 : elements * llvm::alignTo(bits, 8) / 8;
  std::vector<char> raw(size, 0);
  size_t taken = std::min(size, bytes.size());
  if (taken)
    std::memcpy(raw.data(), bytes.data(), taken);
  bytes = bytes.drop_front(taken);
  bool splat = false;
  if (!DenseElementsAttr::isValidRawBuffer(type, raw, splat))
    return {};
  return DenseElementsAttr::getFromRawBuffer(type, raw);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  effai::fuzz::FuzzContext context(
      effai::fuzz::getFuzzRegistry([](DialectRegistry &registry) {
        registry.insert<effai::EffaiDialect, quant::QuantDialect>();
      }));
  StringRef input(reinterpret_cast<const char *>(data), size);
  auto [typeText, payload] = input.split('\0');
  auto type =
      dyn_cast_or_null<effai::WeightType>(parseType(typeText, context.get()));
  if (!type || type.getNumElements() > kMaxPayloadElements)
    return 0;
  DenseElementsAttr values = takePayload(type.getValuesType(), payload);
  if (!values)
    return 0;
  DenseElementsAttr indices;
  if (RankedTensorType indicesType = type.getIndicesType()) {
    indices = takePayload(indicesType, payload);
    if (!indices)
      return 0;
  }
  std::string error;
  if (failed(effai::decodeWeight(type, values, indices, error)) &&
      error.empty())
    abort(); // a refusal must say why
  error.clear();
  (void)effai::decodeIntegerCodes(type, values, indices, error);
  return 0;
}
