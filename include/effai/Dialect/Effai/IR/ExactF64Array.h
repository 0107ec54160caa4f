//===- ExactF64Array.h - f64 arrays that round-trip through text -*- C++
//-*-===//
//
// The printer and parser of Effai_ExactF64ArrayParameter: `[v, ...]` with
// each value printed as MLIR prints a FloatAttr (shortest form that parses
// back to the same double).
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_DIALECT_EFFAI_IR_EXACTF64ARRAY_H
#define EFFAI_DIALECT_EFFAI_IR_EXACTF64ARRAY_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"

namespace mlir::effai {

inline void printExactF64Array(AsmPrinter &printer, DenseF64ArrayAttr values) {
  printer << "[";
  llvm::interleaveComma(values.asArrayRef(), printer, [&](double value) {
    printer.printFloat(llvm::APFloat(value));
  });
  printer << "]";
}

inline FailureOr<DenseF64ArrayAttr> parseExactF64Array(AsmParser &parser) {
  SmallVector<double> values;
  if (parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] {
        return parser.parseFloat(values.emplace_back());
      }))
    return failure();
  return DenseF64ArrayAttr::get(parser.getContext(), values);
}

} // namespace mlir::effai

#endif // EFFAI_DIALECT_EFFAI_IR_EXACTF64ARRAY_H
