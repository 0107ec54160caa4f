//===- EffaiInterfaces.cpp - effai op interfaces ----------------*- C++ -*-===//
//
// Definitions generated for the cost-model op interface.
//
//===----------------------------------------------------------------------===//

#include "effai/Dialect/Effai/IR/EffaiInterfaces.h"

#include "effai/Dialect/Effai/IR/EffaiOpInterfaces.cpp.inc"
