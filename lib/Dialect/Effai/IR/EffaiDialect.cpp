//===- EffaiDialect.cpp - effai dialect -------------------------*- C++ -*-===//
//
// Registers the dialect's ops, attributes and types, and gives encodings a
// printed alias (`#enc`, `#target`) so IR with many weights stays readable.
//
//===----------------------------------------------------------------------===//

#include "effai/Dialect/Effai/IR/EffaiDialect.h"
#include "effai/Dialect/Effai/IR/EffaiOps.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace mlir::effai;

#include "effai/Dialect/Effai/IR/EffaiDialect.cpp.inc"

namespace {
/// Prints every weight encoding once at the top of the module as `#enc...`.
struct EffaiOpAsmInterface : public OpAsmDialectInterface {
  using OpAsmDialectInterface::OpAsmDialectInterface;

  AliasResult getAlias(Attribute attr, raw_ostream &os) const override {
    if (isa<EncodingAttr>(attr)) {
      os << "enc";
      return AliasResult::OverridableAlias;
    }
    if (isa<TargetAttr>(attr)) {
      os << "target";
      return AliasResult::OverridableAlias;
    }
    return AliasResult::NoAlias;
  }
};
} // namespace

void EffaiDialect::initialize() {
  registerAttributes();
  registerTypes();
  addOperations<
#define GET_OP_LIST
#include "effai/Dialect/Effai/IR/EffaiOps.cpp.inc"
      >();
  addInterfaces<EffaiOpAsmInterface>();
}
