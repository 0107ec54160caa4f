//===- SelectConvAlgorithm.cpp - direct or Winograd convolution -*- C++ -*-===//
//
// effai-select-conv-algorithm: for each convolution Winograd F(2x2, 3x3)
// can compute, compares the roofline's prediction of the direct kernel with
// that of the transformed form and records the choice. The prices live
// with the target (lib/Target/CPU/TilingModel.cpp); this pass finds the
// convolutions and their epilogues.
//
//===----------------------------------------------------------------------===//

#include "effai/Dialect/Effai/IR/EffaiDialect.h"
#include "effai/Dialect/Effai/IR/LinalgCostModel.h"
#include "effai/Target/CPU/TilingModel.h"
#include "effai/Transforms/Passes.h"
#include "effai/Utils/ContractionAnalysis.h"
#include "effai/Utils/Winograd.h"

#include "mlir/IR/BuiltinOps.h"

#include <cmath>

namespace mlir::effai {
#define GEN_PASS_DEF_SELECTCONVALGORITHM
#include "effai/Transforms/Passes.h.inc"

namespace {

double roundUs(double us) { return std::round(us * 1000) / 1000; }

struct SelectConvAlgorithmPass
    : public impl::SelectConvAlgorithmBase<SelectConvAlgorithmPass> {
  using SelectConvAlgorithmBase::SelectConvAlgorithmBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    TargetAttr target =
        lookupCPUTarget(module, "effai-select-conv-algorithm", "convolution");
    if (!target)
      return signalPassFailure();
    int64_t threads = maxThreads > 0 ? int64_t(maxThreads) : target.getCores();
    module.walk([&](linalg::GenericOp op) {
      if (!op.hasPureTensorSemantics() ||
          op->hasAttr(ConvAlgorithmAttr::getAttrName()))
        return;
      std::string reason;
      FailureOr<WinogradConvShape> conv = matchWinogradConv(op, reason);
      if (failed(conv))
        return;
      FailureOr<ContractionDims> dims = analyzeContraction(op);
      FailureOr<OpCost> cost = getLinalgCost(op);
      if (failed(dims) || failed(cost) ||
          !isCPUContractionCandidate(op, *dims, reason))
        return;
      // The direct kernel as effai-select-tiling would tile it, its
      // elementwise consumer fused when it has one.
      TilingAttr direct = selectCPUContractionTiling(
          op, *dims, *cost, target, threads, bool(findFusableEpilogue(op)));
      double directUs = direct.getPredictedUs();
      double winogradUs = predictCPUWinogradUs(*conv, direct, target, threads);
      StringRef algorithm =
          winogradUs < directUs ? "winograd-f2x2-3x3" : "direct";
      op->setAttr(ConvAlgorithmAttr::getAttrName(),
                  ConvAlgorithmAttr::get(&getContext(), algorithm,
                                         roundUs(directUs),
                                         roundUs(winogradUs)));
    });
  }
};
} // namespace
} // namespace mlir::effai
