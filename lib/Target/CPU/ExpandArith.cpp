//===- ExpandArith.cpp - arith expansions that keep loops vectorizable ----===//
//
// effai-expand-arith: upstream's arith-expand also rewrites float min/max
// into compare/select chains (for targets without such instructions); a
// reduction over those is not recognized by LLVM's loop vectorizer, while
// one over llvm.maximum is.
//
//===----------------------------------------------------------------------===//

#include "effai/Target/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::effai {
#define GEN_PASS_DEF_EXPANDARITH
#include "effai/Target/CPU/Passes.h.inc"

namespace {
struct ExpandArithPass : public impl::ExpandArithBase<ExpandArithPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    arith::populateCeilFloorDivExpandOpsPatterns(patterns);
    arith::populateExpandScalingExtTruncPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
} // namespace mlir::effai
