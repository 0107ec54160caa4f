//===- SerializeNestedParallel.cpp - one level of threads -------*- C++ -*-===//
//
// Threads go to the outermost parallel band; nested scf.parallel loops
// become sequential scf.for nests.
//
//===----------------------------------------------------------------------===//

#include "effai/Target/CPU/Passes.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

namespace mlir::effai {
#define GEN_PASS_DEF_SERIALIZENESTEDPARALLEL
#include "effai/Target/CPU/Passes.h.inc"

namespace {

/// Replaces `loop` (no reductions) by scf.for loops over the same ranges.
void serialize(scf::ParallelOp loop) {
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  IRMapping mapping;
  for (auto [iv, lower, upper, step] :
       llvm::zip(loop.getInductionVars(), loop.getLowerBound(),
                 loop.getUpperBound(), loop.getStep())) {
    auto forOp = scf::ForOp::create(b, loc, lower, upper, step);
    mapping.map(iv, forOp.getInductionVar());
    b.setInsertionPoint(forOp.getBody()->getTerminator());
  }
  for (Operation &op : loop.getBody()->without_terminator())
    b.clone(op, mapping);
  loop.erase();
}

struct SerializeNestedParallelPass
    : public impl::SerializeNestedParallelBase<SerializeNestedParallelPass> {
  void runOnOperation() override {
    SmallVector<scf::ParallelOp> nested;
    // Post-order: inner loops first, so cloning never copies a loop that is
    // itself about to be rewritten.
    getOperation()->walk([&](scf::ParallelOp loop) {
      if (loop.getNumReductions() == 0 &&
          loop->getParentOfType<scf::ParallelOp>())
        nested.push_back(loop);
    });
    for (scf::ParallelOp loop : nested)
      serialize(loop);
  }
};

} // namespace
} // namespace mlir::effai
