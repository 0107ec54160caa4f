//===- AnnotateCost.cpp - record op costs as attributes ---------*- C++ -*-===//
//
// Analysis-only pass: materializes CostModelOpInterface answers in the IR so
// they can be inspected, tested and consumed by later decisions.
//
//===----------------------------------------------------------------------===//

#include "effai/Dialect/Effai/IR/EffaiInterfaces.h"
#include "effai/Transforms/Passes.h"
#include "mlir/IR/Builders.h"

namespace mlir::effai {
#define GEN_PASS_DEF_ANNOTATECOST
#include "effai/Transforms/Passes.h.inc"

namespace {
/// Attaches `effai.cost = {...}` to every op that can report its cost.
struct AnnotateCostPass : public impl::AnnotateCostBase<AnnotateCostPass> {
  void runOnOperation() override {
    Builder b(&getContext());
    getOperation()->walk([&](CostModelOpInterface op) {
      FailureOr<OpCost> cost = op.getCost();
      if (failed(cost)) {
        op->emitRemark("cost unknown: the op has dynamic shapes");
        return;
      }
      NamedAttribute fields[] = {
          b.getNamedAttr("macs", b.getI64IntegerAttr(cost->macs)),
          b.getNamedAttr("shifts", b.getI64IntegerAttr(cost->shifts)),
          b.getNamedAttr("adds", b.getI64IntegerAttr(cost->adds)),
          b.getNamedAttr("ops", b.getI64IntegerAttr(cost->getOps())),
          b.getNamedAttr("bytes_read", b.getI64IntegerAttr(cost->bytesRead)),
          b.getNamedAttr("bytes_written",
                         b.getI64IntegerAttr(cost->bytesWritten)),
          b.getNamedAttr("intensity", b.getF64FloatAttr(cost->getIntensity())),
      };
      op->setAttr("effai.cost", b.getDictionaryAttr(fields));
    });
  }
};
} // namespace
} // namespace mlir::effai
