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

namespace mlir::effai {
/// Product of all but the leading dimension: the reduction size `R` of the
/// `[O, R]` view that sparsity formats and cost models work on.
int64_t getReductionSize(ArrayRef<int64_t> shape);
} // namespace mlir::effai

#define GET_ATTRDEF_CLASSES
#include "effai/Dialect/Effai/IR/EffaiAttrs.h.inc"

#endif // EFFAI_DIALECT_EFFAI_IR_EFFAIATTRS_H
