//===- ApproximateMath.cpp - vectorizable transcendental functions --------===//
//
// effai-approximate-math: libm calls keep the loop vectorizer from
// vectorizing softmax, GELU or sigmoid loops, and the kernels' vector
// epilogues would be scalarized into one call per lane. MLIR's polynomial
// approximations are plain arithmetic.
//
//===----------------------------------------------------------------------===//

#include "effai/Target/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "llvm/ADT/StringSet.h"

#include <cstring>

namespace mlir::effai {
#define GEN_PASS_DEF_APPROXIMATEMATH
#include "effai/Target/CPU/Passes.h.inc"

namespace {
/// Accurate to a few ULP in MLIR's tests, and common in models.
constexpr StringLiteral kDefaultOps[] = {"exp",   "expm1", "erf", "tanh",
                                         "log",   "log1p", "log2"};

struct ApproximateMathPass
    : public impl::ApproximateMathBase<ApproximateMathPass> {
  using Base::Base;

  void runOnOperation() override {
    llvm::StringSet<> chosen;
    if (ops.empty())
      chosen.insert(std::begin(kDefaultOps), std::end(kDefaultOps));
    else
      chosen.insert(ops.begin(), ops.end());
    RewritePatternSet patterns(&getContext());
    populateMathPolynomialApproximationPatterns(
        patterns, [&](StringRef name) {
          // The patterns are keyed by the full op name ("math.exp").
          return chosen.contains(name.drop_front(strlen("math.")));
        });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
} // namespace mlir::effai
