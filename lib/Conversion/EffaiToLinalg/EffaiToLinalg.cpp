//===- EffaiToLinalg.cpp - the effai-lower-to-linalg pass -------*- C++ -*-===//
//
// Applies the lowering patterns and checks that no effai op survives.
//
//===----------------------------------------------------------------------===//

#include "effai/Conversion/EffaiToLinalg/EffaiToLinalg.h"
#include "effai/Conversion/Passes.h"
#include "effai/Dialect/Effai/IR/EffaiOps.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::effai {
#define GEN_PASS_DEF_EFFAILOWERTOLINALG
#include "effai/Conversion/Passes.h.inc"
} // namespace mlir::effai

using namespace mlir;
using namespace mlir::effai;

void mlir::effai::populateEffaiToLinalgPatterns(RewritePatternSet &patterns) {
  populateUnpackToLinalgPatterns(patterns);
  populateFloatOpsToLinalgPatterns(patterns);
  populateQuantizedOpsToLinalgPatterns(patterns);
}

namespace {
struct EffaiLowerToLinalgPass
    : public effai::impl::EffaiLowerToLinalgBase<EffaiLowerToLinalgPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateEffaiToLinalgPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    // Packs die with their consumers; anything left could not be lowered.
    getOperation()->walk([&](Operation *op) {
      if (isa<PackOp>(op) && op->use_empty()) {
        op->erase();
        return;
      }
      if (isa<EffaiDialect>(op->getDialect())) {
        op->emitError("effai-lower-to-linalg cannot lower this op: ")
            << (isa<PackOp>(op)
                    ? "its weight is used by an op that was not lowered"
                    : "unsupported operand combination (see the pass "
                      "description)");
        signalPassFailure();
      }
    });
  }
};
} // namespace
