//===- EffaiOps.h - effai operations ----------------------------*- C++ -*-===//
//
// Declares the effai ops; include this to use the dialect.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_DIALECT_EFFAI_IR_EFFAIOPS_H
#define EFFAI_DIALECT_EFFAI_IR_EFFAIOPS_H

#include "effai/Dialect/Effai/IR/EffaiDialect.h"
#include "effai/Dialect/Effai/IR/EffaiInterfaces.h"
#include "effai/Dialect/Effai/IR/EffaiTypes.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "effai/Dialect/Effai/IR/EffaiOps.h.inc"

#endif // EFFAI_DIALECT_EFFAI_IR_EFFAIOPS_H
