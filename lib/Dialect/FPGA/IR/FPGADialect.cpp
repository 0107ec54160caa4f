//===- FPGADialect.cpp - effai_fpga dialect, types, attributes --*- C++ -*-===//
//
// Registration, the stream type's syntax (`!effai_fpga.stream<8x8x16xui8>`)
// and the attributes' verifiers.
//
//===----------------------------------------------------------------------===//

#include "effai/Dialect/FPGA/IR/FPGA.h"

#include "effai/Dialect/Effai/IR/ExactF64Array.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::effai::fpga;

#include "effai/Dialect/FPGA/IR/FPGADialect.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "effai/Dialect/FPGA/IR/FPGATypes.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "effai/Dialect/FPGA/IR/FPGAAttrs.cpp.inc"

void FPGADialect::initialize() {
  registerAttributes();
  registerTypes();
  addOperations<
#define GET_OP_LIST
#include "effai/Dialect/FPGA/IR/FPGAOps.cpp.inc"
      >();
}

void FPGADialect::registerTypes() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "effai/Dialect/FPGA/IR/FPGATypes.cpp.inc"
      >();
}

void FPGADialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "effai/Dialect/FPGA/IR/FPGAAttrs.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// StreamType
//===----------------------------------------------------------------------===//

Type StreamType::parse(AsmParser &parser) {
  SmallVector<int64_t> shape;
  Type element;
  if (parser.parseLess() ||
      parser.parseDimensionList(shape, /*allowDynamic=*/false,
                                /*withTrailingX=*/true) ||
      parser.parseType(element) || parser.parseGreater())
    return {};
  auto integer = dyn_cast<IntegerType>(element);
  if (!integer) {
    parser.emitError(parser.getNameLoc(),
                     "stream elements must be integer codes, got ")
        << element;
    return {};
  }
  return StreamType::getChecked(
      [&] { return parser.emitError(parser.getNameLoc()); },
      parser.getContext(), shape, integer);
}

void StreamType::print(AsmPrinter &printer) const {
  printer << '<';
  printer.printDimensionList(getShape());
  printer << 'x' << getElementType() << '>';
}

LogicalResult StreamType::verify(function_ref<InFlightDiagnostic()> emitError,
                                 ArrayRef<int64_t> shape,
                                 IntegerType elementType) {
  if (shape.empty() || shape.size() > 3)
    return emitError() << "a stream frame is [N] or [H, W, C], got rank "
                       << shape.size();
  if (llvm::any_of(shape, [](int64_t d) { return d < 1; }))
    return emitError() << "stream dimensions must be positive";
  if (elementType.getWidth() > 32)
    return emitError() << "stream codes are at most 32 bits, got "
                       << elementType;
  return success();
}

int64_t StreamType::getNumElements() const {
  return ShapedType::getNumElements(getShape());
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

LogicalResult RequantAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                  ArrayRef<int64_t> multipliers,
                                  ArrayRef<int64_t> shifts, int64_t zeroPoint,
                                  int64_t min, int64_t max) {
  if (multipliers.empty() || multipliers.size() != shifts.size())
    return emitError() << "requant: one shift per multiplier (and at least "
                          "one)";
  for (auto [m, s] : llvm::zip_equal(multipliers, shifts))
    if (m < 0 || m >= (int64_t(1) << 31) || s < 1 || s > 62)
      return emitError() << "requant: multipliers must be in [0, 2^31) and "
                            "shifts in [1, 62], got "
                         << m << " >> " << s;
  if (min > max)
    return emitError() << "requant: need min <= max, got [" << min << ", "
                       << max << "]";
  return success();
}

LogicalResult FoldAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                               int64_t pe, int64_t simd, StringRef arithmetic,
                               StringRef storage, int64_t accBits,
                               int64_t fifoDepth, bool skipZeros) {
  if (pe < 1 || simd < 1)
    return emitError() << "fold: pe and simd must be positive";
  if (!llvm::is_contained({"dsp", "dsp-packed", "lut-mul", "shift-add", "none"},
                          arithmetic))
    return emitError() << "fold: unknown arithmetic '" << arithmetic
                       << "' (expected dsp, dsp-packed, lut-mul, shift-add "
                          "or none)";
  if (arithmetic == "dsp-packed" && pe % 2 != 0)
    return emitError() << "fold: dsp-packed pairs output channels: pe must "
                          "be even, got "
                       << pe;
  if (!llvm::is_contained({"registers", "lutram", "bram", "uram"}, storage))
    return emitError() << "fold: unknown storage '" << storage
                       << "' (expected registers, lutram, bram or uram)";
  if (accBits < 1 || accBits > 48)
    return emitError() << "fold: acc_bits must be 1 to 48, got " << accBits;
  if (fifoDepth < 1)
    return emitError() << "fold: fifo_depth must be positive";
  return success();
}
