//===- SelectTiling.cpp - tiling decisions from the roofline ----*- C++ -*-===//
//
// effai-select-tiling: records, for every linalg op on tensors, the tiles,
// packing, fusion and threads the target's model chooses, with the
// predicted time. The models live with their targets (lib/Target/CPU);
// this pass finds the ops, their costs and their epilogues.
//
//===----------------------------------------------------------------------===//

#include "effai/Dialect/Effai/IR/EffaiDialect.h"
#include "effai/Dialect/Effai/IR/LinalgCostModel.h"
#include "effai/Target/CPU/TilingModel.h"
#include "effai/Target/GPU/TilingModel.h"
#include "effai/Transforms/Passes.h"
#include "effai/Utils/ContractionAnalysis.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir::effai {
#define GEN_PASS_DEF_SELECTTILING
#include "effai/Transforms/Passes.h.inc"

namespace {

/// A kernel starts from zeros in registers when its result buffer is a
/// zero fill of its own; CSE may have shared one fill between several
/// contractions (bufferization would then copy it), so each gets a clone.
void giveOwnFill(linalg::LinalgOp op) {
  OpOperand *init = op.getDpsInitOperand(0);
  auto fill = init->get().getDefiningOp<linalg::FillOp>();
  if (!fill || fill->getResult(0).hasOneUse())
    return;
  OpBuilder b(op);
  Operation *clone = b.clone(*fill);
  init->set(clone->getResult(0));
}

/// The tensor.empty `init` starts from, cloned for `user` alone when CSE
/// shared it: bufferization then gives `user` a buffer of its own. Sharing
/// one empty lets it write in place into a buffer whose value died, e.g.
/// a fused epilogue into the buffer its contraction is still reading.
void giveOwnEmpty(Operation *user, OpOperand &init) {
  auto empty = init.get().getDefiningOp<tensor::EmptyOp>();
  if (!empty || empty->hasOneUse())
    return;
  OpBuilder b(user);
  init.set(b.clone(*empty)->getResult(0));
}

StringRef getLoopKernel(linalg::LinalgOp op) {
  if (op.getNumReductionLoops() > 0)
    return "reduction";
  if (op.getNumLoops() == op.getNumParallelLoops() &&
      isa<linalg::GenericOp>(op))
    return "elementwise";
  return "loops";
}

struct SelectTilingPass : public impl::SelectTilingBase<SelectTilingPass> {
  using SelectTilingBase::SelectTilingBase;

  /// On a GPU every static linalg op becomes a kernel: contractions get
  /// register tiles, the rest one thread per result point. The elementwise
  /// consumer of a contraction (bias, activation, residual, the rounding
  /// of an f32 sum to f16, a requantization; on tensor cores only those
  /// that change the type) runs in the contraction's kernel on each
  /// thread's tile: `effai.epilogue_of` names the input it reads the
  /// contraction from, and it has no tiling of its own.
  void selectGPUTilings(ModuleOp module, TargetAttr target) {
    SmallVector<linalg::LinalgOp> contractions;
    module.walk([&](linalg::LinalgOp op) {
      // No iterations (a zero-size tensor): no tiling (a grid needs a
      // block); effai-gpu-tile-and-map replaces the op by its init.
      if (!op.hasPureTensorSemantics() ||
          op->hasAttr(GPUTilingAttr::getAttrName()) ||
          llvm::is_contained(op.getStaticLoopRanges(), 0))
        return;
      FailureOr<OpCost> cost = getLinalgCost(op);
      if (failed(cost))
        return;
      FailureOr<ContractionDims> dims = analyzeContraction(op);
      bool contraction = succeeded(dims) && hasMultiplyAccumulateBody(op);
      GPUTilingAttr tiling =
          contraction
              ? selectGPUContractionTiling(op, *dims, *cost, target)
              : selectGPULoopTiling(op, getLoopKernel(op), *cost, target);
      // i8 and f16 products on tensor cores where the roofline predicts them
      // faster.
      if (std::optional<TensorCoreContraction> match =
              contraction ? matchTensorCoreContraction(op) : std::nullopt)
        if (GPUTilingAttr mma =
                selectGPUTensorCoreTiling(op, *match, *cost, target))
          if (mma.getPredictedUs() <= tiling.getPredictedUs())
            tiling = mma;
      op->setAttr(GPUTilingAttr::getAttrName(), tiling);
      if (contraction)
        contractions.push_back(op);
    });
    for (linalg::LinalgOp op : contractions) {
      linalg::GenericOp epilogue =
          findFusableEpilogue(op, /*halfResults=*/true);
      Value result = op->getResult(0);
      // One of another element type reads the contraction instead of
      // updating it: it writes a tensor of its own, and the result is not
      // a scalar (whose tiling is one point, no loops to fuse into). A
      // tensor-core kernel takes only those: its warps apply them to their
      // fragments as they store them.
      bool inPlace = epilogue && getElementTypeOrSelf(epilogue->getResult(0)) ==
                                     getElementTypeOrSelf(result);
      bool mma = op->getAttrOfType<GPUTilingAttr>(GPUTilingAttr::getAttrName())
                     .getKernel() == "mma";
      bool ownResult = epilogue &&
                       epilogue.getDpsInitOperand(0)
                           ->get()
                           .getDefiningOp<tensor::EmptyOp>() &&
                       cast<ShapedType>(result.getType()).getRank() > 0;
      if (epilogue && (inPlace ? mma : !ownResult))
        continue;
      if (!epilogue || epilogue->hasAttr(kGPUEpilogueOfAttrName) ||
          !epilogue.getIndexingMapsArray().back().isIdentity() ||
          !op.getMatchingIndexingMap(op.getDpsInitOperand(0))
               .isProjectedPermutation())
        continue;
      OpOperand *input = llvm::find_singleton<OpOperand>(
          epilogue.getDpsInputOperands(), [&](OpOperand *operand, bool) {
            return operand->get() == result ? operand : nullptr;
          });
      if (!input)
        continue;
      epilogue->setAttr(kGPUEpilogueOfAttrName,
                        IntegerAttr::get(IntegerType::get(&getContext(), 64),
                                         input->getOperandNumber()));
      epilogue->removeAttr(GPUTilingAttr::getAttrName());
    }
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (auto target = TargetAttr::lookup(module);
        target && target.getKind() == TargetKind::GPU)
      return selectGPUTilings(module, target);
    TargetAttr target =
        lookupCPUTarget(module, "effai-select-tiling", "tiling");
    if (!target)
      return signalPassFailure();
    int64_t threads = maxThreads > 0 ? int64_t(maxThreads) : target.getCores();
    MLIRContext *context = &getContext();
    // Contractions the kernels take, and the elementwise consumer each could
    // fuse. A consumer of several contractions (a residual add of two
    // convolutions) is fused into the one with the most work; the others
    // store their results for it to read.
    SmallVector<std::tuple<linalg::LinalgOp, ContractionDims, OpCost>, 8>
        kernels;
    llvm::DenseMap<Operation *, linalg::LinalgOp> owner;
    // Every contraction with a kernel tiling, chosen here or given (by hand,
    // or an earlier run: kept as is), needs a zero fill of its own.
    SmallVector<linalg::LinalgOp> tiled;
    module.walk([&](linalg::LinalgOp op) {
      if (!op.hasPureTensorSemantics())
        return;
      if (auto tiling =
              op->getAttrOfType<TilingAttr>(TilingAttr::getAttrName())) {
        if (tiling.getKernel() == "contraction")
          tiled.push_back(op);
        return;
      }
      FailureOr<OpCost> cost = getLinalgCost(op);
      if (failed(cost))
        return;
      FailureOr<ContractionDims> dims = analyzeContraction(op);
      std::string reason;
      if (succeeded(dims) && isCPUContractionCandidate(op, *dims, reason)) {
        kernels.emplace_back(op, *dims, *cost);
        if (linalg::GenericOp epilogue = findFusableEpilogue(op)) {
          linalg::LinalgOp &best = owner[epilogue];
          if (!best || getLinalgCost(best)->macs < cost->macs)
            best = op;
        }
        return;
      }
      StringRef kernel = succeeded(dims) && isCPUUnrolledCandidate(op, *dims)
                             ? StringRef("unrolled")
                             : getLoopKernel(op);
      op->setAttr(TilingAttr::getAttrName(),
                  selectCPULoopTiling(op, kernel, *cost, target, threads));
    });
    for (auto &[op, dims, cost] : kernels) {
      linalg::GenericOp epilogue = findFusableEpilogue(op);
      bool fused = epilogue && owner.lookup(epilogue) == op;
      op->setAttr(
          TilingAttr::getAttrName(),
          selectCPUContractionTiling(op, dims, cost, target, threads, fused));
      // The fused consumer runs inside the kernel: no loops of its own.
      if (fused) {
        epilogue->setAttr("effai.epilogue", UnitAttr::get(context));
        epilogue->removeAttr(TilingAttr::getAttrName());
        giveOwnEmpty(epilogue, *epilogue.getDpsInitOperand(0));
      }
      tiled.push_back(op);
    }
    for (linalg::LinalgOp op : tiled) {
      giveOwnFill(op);
      if (auto fill =
              op.getDpsInitOperand(0)->get().getDefiningOp<linalg::FillOp>())
        giveOwnEmpty(fill, *fill.getDpsInitOperand(0));
    }
  }
};
} // namespace
} // namespace mlir::effai
