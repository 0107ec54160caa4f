//===- EffaiTypes.h - effai types -------------------------------*- C++ -*-===//
//
// The compressed weight type.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_DIALECT_EFFAI_IR_EFFAITYPES_H
#define EFFAI_DIALECT_EFFAI_IR_EFFAITYPES_H

#include "effai/Dialect/Effai/IR/EffaiAttrs.h"
#include "mlir/IR/Types.h"

#define GET_TYPEDEF_CLASSES
#include "effai/Dialect/Effai/IR/EffaiTypes.h.inc"

#endif // EFFAI_DIALECT_EFFAI_IR_EFFAITYPES_H
