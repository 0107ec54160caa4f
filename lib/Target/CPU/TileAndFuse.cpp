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
#include "UnrolledKernel.h"

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
#include "mlir/IR/IRMapping.h"
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
  rewriter.setInsertionPoint(fill);
  Value flat = cpu::buildFlatView(rewriter, fill.getLoc(), buffer);
  rewriter.modifyOpInPlace(fill, [&] { fill.getOutputsMutable()[0].set(flat); });
}

/// A generic whose reduction loops are innermost (a window pool, a
/// reduction over the last axes) as loops that keep each output's running
/// value in a register: the reduction loops carry it (iter_args) and it is
/// loaded and stored once. linalg's own loops load and store it on every
/// reduction step, and LLVM cannot drop those stores when it cannot prove
/// the input and output buffers apart (both live in one workspace). The
/// parallel loops are an scf.parallel when the op runs on threads.
LogicalResult lowerInnerReduction(RewriterBase &rewriter,
                                  linalg::GenericOp op, bool threaded,
                                  llvm::SmallPtrSetImpl<Operation *> &erased) {
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  unsigned parallel = 0;
  while (parallel < iterators.size() &&
         iterators[parallel] == utils::IteratorType::parallel)
    ++parallel;
  if (parallel == 0 || parallel == iterators.size() ||
      op.getNumReductionLoops() != iterators.size() - parallel ||
      op.getNumDpsInits() != 1 || op.hasIndexSemantics() ||
      !op.hasPureBufferSemantics() || op.hasDynamicShape())
    return failure();
  OpOperand *init = op.getDpsInitOperand(0);
  AffineMap outMap = op.getMatchingIndexingMap(init);
  for (AffineExpr expr : outMap.getResults())
    for (unsigned d = parallel; d < iterators.size(); ++d)
      if (expr.isFunctionOfDim(d))
        return failure();
  Location loc = op.getLoc();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  // A fill of the output just before (the pool's -inf) is where every
  // output starts: the constant replaces the fill and its load, when the op
  // writes every output element.
  auto fill = dyn_cast_or_null<linalg::FillOp>(op->getPrevNode());
  Value fillValue;
  if (fill && fill.getOutputs()[0] == init->get() &&
      outMap.isProjectedPermutation() && outMap.getNumResults() == parallel)
    fillValue = fill.getInputs()[0];
  auto indices = [&](OpBuilder &b, AffineMap map, ValueRange ivs) {
    SmallVector<Value> values;
    for (AffineExpr expr : map.getResults())
      values.push_back(affine::makeComposedAffineApply(
          b, loc, AffineMap::get(map.getNumDims(), 0, expr),
          llvm::map_to_vector(ivs, [](Value v) { return OpFoldResult(v); })));
    return values;
  };
  auto index = [&](OpBuilder &b, int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  };
  // The reductions over dims [parallel, n) at the parallel point `outer`.
  auto reduce = [&](OpBuilder &b, SmallVector<Value> outer) {
    // The output map only uses parallel dims: the reduction ivs are 0.
    SmallVector<Value> padded = outer;
    padded.append(iterators.size() - parallel, index(b, 0));
    SmallVector<Value> outIndices = indices(b, outMap, padded);
    Value start = fillValue ? fillValue
                            : memref::LoadOp::create(b, loc, init->get(),
                                                     outIndices)
                                  .getResult();
    std::function<Value(OpBuilder &, SmallVector<Value>, unsigned, Value)>
        loops = [&](OpBuilder &b, SmallVector<Value> ivs, unsigned d,
                    Value acc) -> Value {
      if (d == iterators.size()) {
        IRMapping mapping;
        Block *body = op.getBlock();
        for (OpOperand *input : op.getDpsInputOperands())
          mapping.map(body->getArgument(input->getOperandNumber()),
                      memref::LoadOp::create(
                          b, loc, input->get(),
                          indices(b, op.getMatchingIndexingMap(input), ivs)));
        mapping.map(body->getArgument(init->getOperandNumber()), acc);
        for (Operation &inner : body->without_terminator())
          b.clone(inner, mapping);
        return mapping.lookupOrDefault(
            cast<linalg::YieldOp>(body->getTerminator()).getOperand(0));
      }
      auto loop = scf::ForOp::create(
          b, loc, index(b, 0), index(b, ranges[d]), index(b, 1),
          ValueRange{acc},
          [&](OpBuilder &b, Location, Value iv, ValueRange carried) {
            SmallVector<Value> next = ivs;
            next.push_back(iv);
            scf::YieldOp::create(b, loc,
                                 loops(b, next, d + 1, carried.front()));
          });
      return loop.getResult(0);
    };
    Value result = loops(b, outer, parallel, start);
    memref::StoreOp::create(b, loc, result, init->get(), outIndices);
  };
  rewriter.setInsertionPoint(op);
  SmallVector<Value> lower, upper, steps;
  for (unsigned d = 0; d < parallel; ++d) {
    lower.push_back(index(rewriter, 0));
    upper.push_back(index(rewriter, ranges[d]));
    steps.push_back(index(rewriter, 1));
  }
  if (threaded) {
    scf::ParallelOp::create(rewriter, loc, lower, upper, steps,
                            [&](OpBuilder &b, Location, ValueRange ivs) {
                              reduce(b, SmallVector<Value>(ivs));
                            });
  } else {
    scf::buildLoopNest(rewriter, loc, lower, upper, steps,
                       [&](OpBuilder &b, Location, ValueRange ivs) {
                         reduce(b, SmallVector<Value>(ivs));
                       });
  }
  rewriter.eraseOp(op);
  if (fillValue) {
    erased.insert(fill);
    rewriter.eraseOp(fill);
  }
  return success();
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
    SmallVector<std::pair<linalg::GenericOp, bool>> reductions;
    SmallVector<std::pair<linalg::LinalgOp, bool>> unrolled;
    func.walk([&](linalg::LinalgOp op) {
      auto tiling = op->getAttrOfType<TilingAttr>(TilingAttr::getAttrName());
      if (tiling && tiling.getKernel() == "unrolled" &&
          op.hasPureBufferSemantics()) {
        unrolled.emplace_back(op, tiling.getThreads() > 1);
        return;
      }
      if (tiling && tiling.getKernel() == "reduction") {
        allowReassociation(op);
        if (auto generic = dyn_cast<linalg::GenericOp>(op.getOperation())) {
          reductions.emplace_back(generic, tiling.getThreads() > 1);
          return;
        }
      }
      bool oneThread = !tiling || (tiling.getKernel() != "contraction" &&
                                   tiling.getThreads() == 1);
      if (oneThread && op.hasPureBufferSemantics())
        sequential.push_back(op);
    });
    // Reductions and unrolled kernels first: they may absorb the fill of
    // their output.
    llvm::SmallPtrSet<Operation *, 8> erased;
    for (auto [op, threaded] : unrolled) {
      std::string reason;
      if (failed(cpu::emitUnrolledKernel(rewriter, op, threaded, erased,
                                         reason))) {
        op->emitWarning("effai-tile-and-fuse: keeping loops: ") << reason;
        if (!threaded)
          sequential.push_back(op);
      }
    }
    for (auto [op, threaded] : reductions)
      if (failed(lowerInnerReduction(rewriter, op, threaded, erased)) &&
          !threaded) {
        rewriter.setInsertionPoint(op);
        if (succeeded(linalg::linalgOpToLoops(rewriter, op)))
          rewriter.eraseOp(op);
      }
    // Fills on one thread or several alike.
    func.walk([&](linalg::FillOp fill) {
      if (fill.hasPureBufferSemantics())
        flattenFill(rewriter, fill);
    });
    for (linalg::LinalgOp op : sequential) {
      if (erased.contains(op))
        continue;
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
