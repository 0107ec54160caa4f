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

#define GET_ATTRDEF_CLASSES
#include "effai/Dialect/Effai/IR/EffaiAttrs.h.inc"

#endif // EFFAI_DIALECT_EFFAI_IR_EFFAIATTRS_H
