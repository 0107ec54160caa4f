//===- EffaiDialect.h - effai dialect ---------------------------*- C++ -*-===//
//
// Declares the effai dialect class.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_DIALECT_EFFAI_IR_EFFAIDIALECT_H
#define EFFAI_DIALECT_EFFAI_IR_EFFAIDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Dialect.h"

#include "effai/Dialect/Effai/IR/EffaiDialect.h.inc"

#endif // EFFAI_DIALECT_EFFAI_IR_EFFAIDIALECT_H
