//===- FuseElementwise.cpp - elementwise fusion without recomputation -----===//
//
// Upstream's linalg elementwise fusion fuses a producer into any consumer
// operand, even one read through a projection (the A operand of a matmul
// ignores n): the fused op then recomputes the producer for every point of
// the dropped loops. This pass keeps upstream's patterns and only fuses
// when every produced value is read once.
//
//===----------------------------------------------------------------------===//

#include "effai/Transforms/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::effai {
#define GEN_PASS_DEF_FUSEELEMENTWISE
#include "effai/Transforms/Passes.h.inc"
} // namespace mlir::effai

using namespace mlir;

namespace {

/// True when fusing the producer of `operand` computes each of its values
/// once: it has no other user and the consumer reads the operand through a
/// permutation of all the consumer's loops.
bool fusesWithoutRecomputation(OpOperand *operand) {
  Operation *producer = operand->get().getDefiningOp();
  if (!producer || !producer->hasOneUse())
    return false;
  auto consumer = dyn_cast<linalg::LinalgOp>(operand->getOwner());
  if (!consumer)
    return true; // Reshape folding: no loops to repeat over.
  return consumer.getMatchingIndexingMap(operand).isPermutation();
}

struct FuseElementwisePass
    : effai::impl::FuseElementwiseBase<FuseElementwisePass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    linalg::ControlFusionFn control = fusesWithoutRecomputation;
    linalg::populateElementwiseOpsFusionPatterns(patterns, control);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, control);
    tensor::populateBubbleUpExpandShapePatterns(patterns);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, context);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, context);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, context);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, context);
    context->getLoadedDialect<linalg::LinalgDialect>()
        ->getCanonicalizationPatterns(patterns);
    linalg::populateConstantFoldLinalgOperations(patterns, control);
    // Top-down, as upstream does, for compile time.
    GreedyRewriteConfig config;
    config.setUseTopDownTraversal(true);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns),
                                     config)))
      return signalPassFailure();
  }
};

} // namespace
