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
#include "mlir/Dialect/Utils/StaticValueUtils.h"

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

/// Keeps the leading dims of `loop` whose iterations reach `enough` parallel
/// and runs the others as scf.for inside: OpenMP collapses all the dims of
/// a loop into one and recovers every index per iteration, which costs more
/// than a short inner iteration does (an element copy).
void keepLeadingDims(scf::ParallelOp loop, int64_t enough) {
  unsigned keep = 0;
  int64_t iterations = 1;
  for (auto [lower, upper, step] : llvm::zip(
           loop.getLowerBound(), loop.getUpperBound(), loop.getStep())) {
    std::optional<int64_t> lo = getConstantIntValue(lower);
    std::optional<int64_t> hi = getConstantIntValue(upper);
    std::optional<int64_t> st = getConstantIntValue(step);
    if (!lo || !hi || !st || *st <= 0)
      return;
    ++keep;
    iterations *= llvm::divideCeil(*hi - *lo, *st);
    if (iterations >= enough)
      break;
  }
  if (keep == loop.getNumLoops())
    return;
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  auto outer = scf::ParallelOp::create(
      b, loc, loop.getLowerBound().take_front(keep),
      loop.getUpperBound().take_front(keep), loop.getStep().take_front(keep));
  IRMapping mapping;
  SmallVector<Value> ivs = loop.getInductionVars();
  for (auto [from, to] : llvm::zip(ArrayRef<Value>(ivs).take_front(keep),
                                   outer.getInductionVars()))
    mapping.map(from, to);
  b.setInsertionPoint(outer.getBody()->getTerminator());
  for (unsigned d = keep; d < loop.getNumLoops(); ++d) {
    auto forOp = scf::ForOp::create(b, loc, loop.getLowerBound()[d],
                                    loop.getUpperBound()[d], loop.getStep()[d]);
    mapping.map(loop.getInductionVars()[d], forOp.getInductionVar());
    b.setInsertionPoint(forOp.getBody()->getTerminator());
  }
  for (Operation &op : loop.getBody()->without_terminator())
    b.clone(op, mapping);
  loop.erase();
}

struct SerializeNestedParallelPass
    : public impl::SerializeNestedParallelBase<SerializeNestedParallelPass> {
  using Base::Base;

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
    SmallVector<scf::ParallelOp> outermost;
    getOperation()->walk([&](scf::ParallelOp loop) {
      if (loop.getNumReductions() == 0 && loop.getNumLoops() > 1)
        outermost.push_back(loop);
    });
    for (scf::ParallelOp loop : outermost)
      keepLeadingDims(loop, parallelIterations);
  }
};

} // namespace
} // namespace mlir::effai
