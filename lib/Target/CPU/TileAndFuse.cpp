//===- TileAndFuse.cpp - apply effai.tiling on the CPU ----------*- C++ -*-===//
//
// effai-tile-and-fuse: every contraction that effai-select-tiling gave a
// `contraction` tiling becomes a register-blocked kernel, with its
// elementwise consumer fused when the tiling says so. Register transposes
// the kernels use are lowered here with the shuffle network that suits the
// vector width.
//
//===----------------------------------------------------------------------===//

#include "ContractionKernel.h"

#include "effai/Target/CPU/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::effai {
#define GEN_PASS_DEF_TILEANDFUSE
#include "effai/Target/CPU/Passes.h.inc"

namespace {
/// Lets LLVM reassociate the floating-point combiner of a reduction (the
/// ops that fold an element into the output's running value), so that the
/// loop vectorizer can keep partial sums in vector lanes: a scalar chain of
/// dependent adds runs at one add per FMA latency.
void allowReassociation(linalg::LinalgOp op) {
  Block *body = op.getBlock();
  for (OpOperand &init : op.getDpsInitsMutable()) {
    for (Operation *user : op.getMatchingBlockArgument(&init).getUsers()) {
      auto fastMath = dyn_cast<arith::ArithFastMathInterface>(user);
      if (!fastMath || user->getBlock() != body)
        continue;
      arith::FastMathFlags flags = fastMath.getFastMathFlagsAttr().getValue();
      user->setAttr(fastMath.getFastMathAttrName(),
                    arith::FastMathFlagsAttr::get(
                        op.getContext(), flags | arith::FastMathFlags::reassoc));
    }
  }
}

/// A fill of a whole contiguous buffer as one loop over its elements: LLVM
/// turns that into wide stores (or a memset), where a loop nest over a
/// small innermost dim gets unrolled and vectorized across rows (scatters).
void flattenFill(RewriterBase &rewriter, linalg::FillOp fill) {
  Value buffer = fill.getOutputs()[0];
  auto type = dyn_cast<MemRefType>(buffer.getType());
  if (!type || type.getRank() < 2 || !type.getLayout().isIdentity() ||
      !type.hasStaticShape())
    return;
  ReassociationIndices all = llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
  rewriter.setInsertionPoint(fill);
  Value flat = memref::CollapseShapeOp::create(
      rewriter, fill.getLoc(), buffer, ArrayRef<ReassociationIndices>{all});
  rewriter.modifyOpInPlace(fill, [&] { fill.getOutputsMutable()[0].set(flat); });
}

struct TileAndFusePass : public impl::TileAndFuseBase<TileAndFusePass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    SmallVector<std::pair<linalg::LinalgOp, TilingAttr>> work;
    func.walk([&](linalg::LinalgOp op) {
      auto tiling = op->getAttrOfType<TilingAttr>(TilingAttr::getAttrName());
      if (tiling && tiling.getKernel() == "contraction" &&
          op.hasPureBufferSemantics())
        work.emplace_back(op, tiling);
    });
    IRRewriter rewriter(&getContext());
    int64_t lanes = 0;
    for (auto [op, tiling] : work) {
      FailureOr<ContractionDims> dims = analyzeContraction(op);
      std::string reason = "not a contraction";
      if (failed(dims) ||
          failed(cpu::checkKernelSupport(op, *dims, tiling, reason))) {
        op->emitWarning("effai-tile-and-fuse: keeping loops: ") << reason;
        continue;
      }
      std::optional<cpu::Epilogue> epilogue;
      if (tiling.getEpilogue()) {
        std::string why;
        epilogue = cpu::findEpilogue(op, why);
        if (!epilogue)
          op->emitWarning("effai-tile-and-fuse: not fusing the epilogue: ")
              << why;
      }
      rewriter.setInsertionPoint(op);
      cpu::emitContractionKernel(rewriter, op, *dims, tiling, epilogue);
      lanes = std::max(lanes, tiling.getLanes());
    }
    // Ops the model keeps on one thread become plain loops now, so that a
    // parallel pipeline does not fork a region for them; so do ops it never
    // saw (pad fills, copies made by bufferization, an epilogue that could
    // not be fused): no decision, no threads.
    SmallVector<linalg::LinalgOp> sequential;
    func.walk([&](linalg::LinalgOp op) {
      auto tiling = op->getAttrOfType<TilingAttr>(TilingAttr::getAttrName());
      if (tiling && tiling.getKernel() == "reduction")
        allowReassociation(op);
      bool oneThread = !tiling || (tiling.getKernel() != "contraction" &&
                                   tiling.getThreads() == 1);
      if (oneThread && op.hasPureBufferSemantics())
        sequential.push_back(op);
    });
    // Fills on one thread or several alike.
    func.walk([&](linalg::FillOp fill) {
      if (fill.hasPureBufferSemantics())
        flattenFill(rewriter, fill);
    });
    for (linalg::LinalgOp op : sequential) {
      rewriter.setInsertionPoint(op);
      if (succeeded(linalg::linalgOpToLoops(rewriter, op)))
        rewriter.eraseOp(op);
    }
    if (lanes == 0)
      return;
    // 16x16 f32 transposes have an AVX-512 shuffle network; others become
    // one shuffle each, which LLVM's backend lowers well at 8 lanes.
    RewritePatternSet patterns(&getContext());
    vector::populateVectorTransposeLoweringPatterns(
        patterns, lanes == 16 ? vector::VectorTransposeLowering::Shuffle16x16
                              : vector::VectorTransposeLowering::Shuffle1D);
    if (failed(applyPatternsGreedily(func, std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
} // namespace mlir::effai
