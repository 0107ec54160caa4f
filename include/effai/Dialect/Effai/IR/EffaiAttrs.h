//===- EffaiAttrs.h - weight encoding attributes ----------------*- C++ -*-===//
//
// Value formats, sparsity formats and the encoding that combines them.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_DIALECT_EFFAI_IR_EFFAIATTRS_H
#define EFFAI_DIALECT_EFFAI_IR_EFFAIATTRS_H

#include "effai/Dialect/Effai/IR/EffaiInterfaces.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/bit.h"

#include "effai/Dialect/Effai/IR/EffaiEnums.h.inc"

namespace mlir::effai {
/// A `double` attribute parameter. MLIR's attribute storage hashes its
/// parameters and LLVM has no hash_value(double); Real converts to and from
/// double implicitly, so accessors read as plain numbers.
struct Real {
  double value = 0;
  Real() = default;
  Real(double value) : value(value) {}
  operator double() const { return value; }
};
inline bool operator==(Real a, Real b) { return a.value == b.value; }
inline llvm::hash_code hash_value(Real r) {
  return llvm::hash_value(llvm::bit_cast<uint64_t>(r.value));
}
/// The shortest decimal that parses back to the same double, always with a
/// decimal point or exponent ("2.5", "160.0", "1e-07").
std::string formatReal(double value);

/// Prints formatReal(value).
void printReal(AsmPrinter &printer, double value);

/// Parses `[i, j, ...]` (possibly empty).
inline FailureOr<SmallVector<int64_t>> parseIntList(AsmParser &parser) {
  SmallVector<int64_t> values;
  if (parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&]() {
        return parser.parseInteger(values.emplace_back());
      }))
    return failure();
  return values;
}
} // namespace mlir::effai

namespace mlir {
template <>
struct FieldParser<effai::Real> {
  static FailureOr<effai::Real> parse(AsmParser &parser) {
    double value;
    if (parser.parseFloat(value))
      return failure();
    return effai::Real(value);
  }
};
} // namespace mlir

namespace mlir::effai {
/// Product of all but the leading dimension: the reduction size `R` of the
/// `[O, R]` view that sparsity formats and cost models work on.
int64_t getReductionSize(ArrayRef<int64_t> shape);
} // namespace mlir::effai

#define GET_ATTRDEF_CLASSES
#include "effai/Dialect/Effai/IR/EffaiAttrs.h.inc"

#endif // EFFAI_DIALECT_EFFAI_IR_EFFAIATTRS_H
