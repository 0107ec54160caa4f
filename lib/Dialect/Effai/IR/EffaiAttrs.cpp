//===- EffaiAttrs.cpp - weight encoding attributes --------------*- C++ -*-===//
//
// Verifiers of the value and sparsity formats and their interface methods:
// what each format stores, and the payload shapes it prescribes.
//
//===----------------------------------------------------------------------===//

#include "effai/Dialect/Effai/IR/EffaiAttrs.h"
#include "effai/Dialect/Effai/IR/EffaiDialect.h"
#include "effai/Dialect/Effai/IR/ExactF64Array.h"
#include "effai/Dialect/Effai/IR/PackedIndices.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::effai;

#include "effai/Dialect/Effai/IR/EffaiAttrInterfaces.cpp.inc"
#define GET_ATTRDEF_CLASSES
#include "effai/Dialect/Effai/IR/EffaiAttrs.cpp.inc"

void EffaiDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "effai/Dialect/Effai/IR/EffaiAttrs.cpp.inc"
      >();
}

/// The `tensor<bytes x i8>` a packed index stream is stored in.
static RankedTensorType getPackedIndicesType(MLIRContext *ctx, int64_t bytes) {
  return RankedTensorType::get({bytes}, IntegerType::get(ctx, 8));
}

/// Unstructured formats keep at most every weight of the [O, R] view.
static LogicalResult
verifyStoredCount(function_ref<InFlightDiagnostic()> emitError,
                  StringRef format, int64_t nnz, ArrayRef<int64_t> shape) {
  int64_t total = shape.front() * getReductionSize(shape);
  if (nnz > total)
    return emitError() << format << " sparsity keeps " << nnz
                       << " weights but the weight has only " << total;
  return success();
}

int64_t mlir::effai::getReductionSize(ArrayRef<int64_t> shape) {
  int64_t size = 1;
  for (int64_t dim : shape.drop_front())
    size *= dim;
  return size;
}

//===----------------------------------------------------------------------===//
// FloatFormatAttr
//===----------------------------------------------------------------------===//

Type FloatFormatAttr::getStorageElementType(Type elementType) const {
  return elementType;
}

unsigned FloatFormatAttr::getStorageBits(Type elementType) const {
  return elementType.getIntOrFloatBitWidth();
}

bool FloatFormatAttr::hasIntegerStorage() const { return false; }

LogicalResult
FloatFormatAttr::verifyForWeight(function_ref<InFlightDiagnostic()> emitError,
                                 ArrayRef<int64_t> shape,
                                 Type elementType) const {
  return success();
}

//===----------------------------------------------------------------------===//
// AffineFormatAttr
//===----------------------------------------------------------------------===//

LogicalResult
AffineFormatAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                         quant::QuantizedType quantType) {
  if (!isa<quant::UniformQuantizedType, quant::UniformQuantizedPerAxisType>(
          quantType))
    return emitError() << "affine weights need a !quant.uniform type, got "
                       << quantType;
  unsigned width = quantType.getStorageTypeIntegralWidth();
  if (width < 2 || width > 8)
    return emitError() << "affine weights must have 2 to 8 storage bits, got "
                       << width;
  return success();
}

Type AffineFormatAttr::getStorageElementType(Type elementType) const {
  return getQuantType().getStorageType();
}

unsigned AffineFormatAttr::getStorageBits(Type elementType) const {
  return getQuantType().getStorageTypeIntegralWidth();
}

LogicalResult
AffineFormatAttr::verifyForWeight(function_ref<InFlightDiagnostic()> emitError,
                                  ArrayRef<int64_t> shape,
                                  Type elementType) const {
  if (getQuantType().getExpressedType() != elementType)
    return emitError() << "affine weight expresses "
                       << getQuantType().getExpressedType()
                       << " but the weight element type is " << elementType;
  auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(getQuantType());
  if (!perAxis)
    return success();
  if (perAxis.getQuantizedDimension() != 0)
    return emitError() << "per-axis weight quantization must be along the "
                          "output-channel dimension 0, got dimension "
                       << perAxis.getQuantizedDimension();
  if (static_cast<int64_t>(perAxis.getScales().size()) != shape.front())
    return emitError() << "per-axis weight quantization has "
                       << perAxis.getScales().size() << " scales but the "
                       << "weight has " << shape.front() << " output channels";
  return success();
}

//===----------------------------------------------------------------------===//
// Pow2FormatAttr
//===----------------------------------------------------------------------===//

LogicalResult
Pow2FormatAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                       unsigned terms, unsigned bits, int64_t minExp,
                       int64_t maxExp, DenseF64ArrayAttr scales) {
  if (terms != 1 && terms != 2)
    return emitError() << "power-of-two weights have 1 or 2 terms, got "
                       << terms;
  if (bits < 2 || bits > 8)
    return emitError() << "power-of-two term codes have 2 to 8 bits, got "
                       << bits;
  if (minExp > maxExp)
    return emitError() << "power-of-two exponent range is empty: min_exp "
                       << minExp << " > max_exp " << maxExp;
  // One sign bit; of the remaining codes, one means "no term".
  int64_t levels = (int64_t(1) << (bits - 1)) - 1;
  if (maxExp - minExp + 1 > levels)
    return emitError() << "exponent range [" << minExp << ", " << maxExp
                       << "] needs " << (maxExp - minExp + 1) << " levels but "
                       << bits << " bits encode only " << levels;
  if (scales) {
    if (scales.empty())
      return emitError() << "power-of-two scales must not be empty";
    for (double scale : scales.asArrayRef())
      if (!(scale > 0.0))
        return emitError() << "power-of-two scales must be positive, got "
                           << scale;
  }
  return success();
}

double Pow2FormatAttr::getScaleForChannel(int64_t channel) const {
  if (!getScales())
    return 1.0;
  ArrayRef<double> scales = getScales().asArrayRef();
  return scales.size() == 1 ? scales.front() : scales[channel];
}

Type Pow2FormatAttr::getStorageElementType(Type elementType) const {
  return IntegerType::get(elementType.getContext(), 8);
}

unsigned Pow2FormatAttr::getStorageBits(Type elementType) const {
  return getBits();
}

int64_t Pow2FormatAttr::getTermsPerValue() const { return getTerms(); }

bool Pow2FormatAttr::isMultiplicationFree() const { return true; }

LogicalResult
Pow2FormatAttr::verifyForWeight(function_ref<InFlightDiagnostic()> emitError,
                                ArrayRef<int64_t> shape,
                                Type elementType) const {
  if (!getScales())
    return success();
  int64_t numScales = getScales().size();
  if (numScales != 1 && numScales != shape.front())
    return emitError() << "power-of-two weight has " << numScales
                       << " scales; expected 1 or one per output channel ("
                       << shape.front() << ")";
  return success();
}

//===----------------------------------------------------------------------===//
// FocusedFormatAttr
//===----------------------------------------------------------------------===//

LogicalResult
FocusedFormatAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                          unsigned bits, int64_t minExp, int64_t maxExp,
                          DenseF64ArrayAttr centres, DenseF64ArrayAttr scales) {
  if (bits < 3 || bits > 8)
    return emitError() << "focused codes have 3 to 8 bits, got " << bits;
  if (minExp > maxExp)
    return emitError() << "focused exponent range is empty: min_exp " << minExp
                       << " > max_exp " << maxExp;
  // A sign (the mode), and 2L + 1 offsets (none, ±L levels) besides zero.
  int64_t levels = maxExp - minExp + 1;
  int64_t codes = (int64_t(1) << (bits - 1)) - 1;
  if (2 * levels + 1 > codes)
    return emitError() << "exponent range [" << minExp << ", " << maxExp
                       << "] needs " << 2 * levels + 1
                       << " offset codes per mode but " << bits
                       << " bits encode only " << codes;
  if (centres.empty() || scales.empty())
    return emitError() << "focused weights need centres and scales";
  for (double centre : centres.asArrayRef())
    if (!(centre >= 0.0))
      return emitError() << "focused centres must not be negative, got "
                         << centre;
  for (double scale : scales.asArrayRef())
    if (!(scale > 0.0))
      return emitError() << "focused scales must be positive, got " << scale;
  return success();
}

/// Entry `channel` of a per-channel (or single) parameter list.
static double getChannelParam(ArrayRef<double> params, int64_t channel) {
  return params.size() == 1 ? params.front() : params[channel];
}

double FocusedFormatAttr::getCentreForChannel(int64_t channel) const {
  return getChannelParam(getCentres().asArrayRef(), channel);
}

double FocusedFormatAttr::getScaleForChannel(int64_t channel) const {
  return getChannelParam(getScales().asArrayRef(), channel);
}

double FocusedFormatAttr::decode(int64_t code, int64_t channel) const {
  if (code == 0)
    return 0.0;
  int64_t offsetLevel = std::abs(code) - 1 - getLevels();
  double offset = 0.0;
  if (offsetLevel != 0) {
    offset = std::ldexp(1.0, getMinExp() + std::abs(offsetLevel) - 1);
    offset = offsetLevel < 0 ? -offset : offset;
  }
  double mode = code < 0 ? -1.0 : 1.0;
  return mode * getCentreForChannel(channel) +
         getScaleForChannel(channel) * offset;
}

Type FocusedFormatAttr::getStorageElementType(Type elementType) const {
  return IntegerType::get(elementType.getContext(), 8);
}

unsigned FocusedFormatAttr::getStorageBits(Type elementType) const {
  return getBits();
}

// The centres are not multiples of one integer unit: no integer-only
// arithmetic on these codes.
bool FocusedFormatAttr::hasIntegerStorage() const { return false; }

LogicalResult
FocusedFormatAttr::verifyForWeight(function_ref<InFlightDiagnostic()> emitError,
                                   ArrayRef<int64_t> shape,
                                   Type elementType) const {
  for (auto [what, count] :
       {std::pair<StringRef, int64_t>{"centres", int64_t(getCentres().size())},
        {"scales", int64_t(getScales().size())}})
    if (count != 1 && count != shape.front())
      return emitError() << "focused weight has " << count << " " << what
                         << "; expected 1 or one per output channel ("
                         << shape.front() << ")";
  return success();
}

//===----------------------------------------------------------------------===//
// Sparsity formats
//===----------------------------------------------------------------------===//

LogicalResult
DenseSparsityAttr::verifyForShape(function_ref<InFlightDiagnostic()> emitError,
                                  ArrayRef<int64_t> shape) const {
  return success();
}

SmallVector<int64_t>
DenseSparsityAttr::getValuesShape(ArrayRef<int64_t> shape) const {
  return llvm::to_vector(shape);
}

/// `#effai.nm<2:4>`
Attribute NMSparsityAttr::parse(AsmParser &parser, Type) {
  int64_t n, m;
  SMLoc loc = parser.getCurrentLocation();
  if (parser.parseLess() || parser.parseInteger(n) || parser.parseColon() ||
      parser.parseInteger(m) || parser.parseGreater())
    return {};
  return parser.getChecked<NMSparsityAttr>(loc, parser.getContext(), n, m);
}

void NMSparsityAttr::print(AsmPrinter &printer) const {
  printer << "<" << getN() << ":" << getM() << ">";
}

LogicalResult
NMSparsityAttr::verify(function_ref<InFlightDiagnostic()> emitError, int64_t n,
                       int64_t m) {
  // Positions inside a group are fields of up to 7 bits.
  if (m < 2 || m > 128)
    return emitError() << "N:M sparsity needs 2 <= M <= 128, got M = " << m;
  if (n < 1 || n >= m)
    return emitError() << "N:M sparsity needs 1 <= N < M, got " << n << ":"
                       << m;
  return success();
}

LogicalResult
NMSparsityAttr::verifyForShape(function_ref<InFlightDiagnostic()> emitError,
                               ArrayRef<int64_t> shape) const {
  int64_t reduction = getReductionSize(shape);
  if (reduction % getM() != 0)
    return emitError() << getN() << ":" << getM()
                       << " sparsity needs M to divide the reduction size "
                       << reduction;
  return success();
}

SmallVector<int64_t>
NMSparsityAttr::getValuesShape(ArrayRef<int64_t> shape) const {
  return {shape.front(), getReductionSize(shape) / getM() * getN()};
}

RankedTensorType NMSparsityAttr::getIndicesType(ArrayRef<int64_t> shape) const {
  int64_t kept = shape.front() * (getReductionSize(shape) / getM() * getN());
  return getPackedIndicesType(
      getContext(), getPackedIndexBytes(kept, getNMPositionBits(getM())));
}

LogicalResult
BlockSparsityAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                          ArrayRef<int64_t> blockShape, int64_t blocks) {
  if (blockShape.size() != 2)
    return emitError() << "block sparsity needs a 2-D block shape [bo, br], "
                          "got "
                       << blockShape.size() << " dimensions";
  if (blockShape[0] < 1 || blockShape[1] < 1)
    return emitError() << "block sizes must be positive";
  if (blocks < 0)
    return emitError() << "block count must not be negative, got " << blocks;
  return success();
}

LogicalResult
BlockSparsityAttr::verifyForShape(function_ref<InFlightDiagnostic()> emitError,
                                  ArrayRef<int64_t> shape) const {
  int64_t rows = shape.front(), cols = getReductionSize(shape);
  ArrayRef<int64_t> block = getBlockShape();
  if (rows % block[0] != 0 || cols % block[1] != 0)
    return emitError() << "block [" << block[0] << ", " << block[1]
                       << "] does not tile the [" << rows << ", " << cols
                       << "] weight view";
  int64_t total = (rows / block[0]) * (cols / block[1]);
  if (getBlocks() > total)
    return emitError() << "block sparsity keeps " << getBlocks()
                       << " blocks but the weight has only " << total;
  return success();
}

SmallVector<int64_t>
BlockSparsityAttr::getValuesShape(ArrayRef<int64_t> shape) const {
  return {getBlocks(), getBlockShape()[0], getBlockShape()[1]};
}

RankedTensorType
BlockSparsityAttr::getIndicesType(ArrayRef<int64_t> shape) const {
  return RankedTensorType::get({getBlocks(), 2},
                               IntegerType::get(getContext(), 32));
}

LogicalResult
ChannelSparsityAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                            int64_t kept) {
  if (kept < 0)
    return emitError() << "kept channel count must not be negative, got "
                       << kept;
  return success();
}

LogicalResult ChannelSparsityAttr::verifyForShape(
    function_ref<InFlightDiagnostic()> emitError,
    ArrayRef<int64_t> shape) const {
  if (getKept() > shape.front())
    return emitError() << "channel sparsity keeps " << getKept()
                       << " channels but the weight has only " << shape.front();
  return success();
}

SmallVector<int64_t>
ChannelSparsityAttr::getValuesShape(ArrayRef<int64_t> shape) const {
  SmallVector<int64_t> valuesShape(shape);
  valuesShape.front() = getKept();
  return valuesShape;
}

RankedTensorType
ChannelSparsityAttr::getIndicesType(ArrayRef<int64_t> shape) const {
  return RankedTensorType::get({getKept()}, IntegerType::get(getContext(), 32));
}

LogicalResult
UnstructuredSparsityAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 int64_t nnz) {
  if (nnz < 0)
    return emitError() << "non-zero count must not be negative, got " << nnz;
  return success();
}

LogicalResult UnstructuredSparsityAttr::verifyForShape(
    function_ref<InFlightDiagnostic()> emitError,
    ArrayRef<int64_t> shape) const {
  return verifyStoredCount(emitError, "unstructured", getNnz(), shape);
}

SmallVector<int64_t>
UnstructuredSparsityAttr::getValuesShape(ArrayRef<int64_t> shape) const {
  return {getNnz()};
}

RankedTensorType
UnstructuredSparsityAttr::getIndicesType(ArrayRef<int64_t> shape) const {
  return RankedTensorType::get({getNnz(), 2},
                               IntegerType::get(getContext(), 32));
}

LogicalResult
DeltaSparsityAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                          int64_t nnz, unsigned bits) {
  if (nnz < 0)
    return emitError() << "non-zero count must not be negative, got " << nnz;
  if (bits < 1 || bits > kMaxPackedFieldBits)
    return emitError() << "delta sparsity needs 1 <= bits <= "
                       << kMaxPackedFieldBits << ", got " << bits;
  return success();
}

LogicalResult
DeltaSparsityAttr::verifyForShape(function_ref<InFlightDiagnostic()> emitError,
                                  ArrayRef<int64_t> shape) const {
  return verifyStoredCount(emitError, "delta", getNnz(), shape);
}

SmallVector<int64_t>
DeltaSparsityAttr::getValuesShape(ArrayRef<int64_t> shape) const {
  return {getNnz()};
}

RankedTensorType
DeltaSparsityAttr::getIndicesType(ArrayRef<int64_t> shape) const {
  return getPackedIndicesType(getContext(),
                              getPackedIndexBytes(getNnz(), getBits()));
}

LogicalResult
BitmapSparsityAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                           int64_t nnz) {
  if (nnz < 0)
    return emitError() << "non-zero count must not be negative, got " << nnz;
  return success();
}

LogicalResult
BitmapSparsityAttr::verifyForShape(function_ref<InFlightDiagnostic()> emitError,
                                   ArrayRef<int64_t> shape) const {
  return verifyStoredCount(emitError, "bitmap", getNnz(), shape);
}

SmallVector<int64_t>
BitmapSparsityAttr::getValuesShape(ArrayRef<int64_t> shape) const {
  return {getNnz()};
}

RankedTensorType
BitmapSparsityAttr::getIndicesType(ArrayRef<int64_t> shape) const {
  return getPackedIndicesType(
      getContext(),
      getPackedIndexBytes(shape.front() * getReductionSize(shape), 1));
}
