//===- UnrolledKernel.cpp - contractions against a small constant -*- C++ -*-//
//
// A contraction whose second input is a small compile-time constant (the
// 0/+-1 matrices of a Winograd transform, a fixed stencil) wastes most of a
// register-blocked kernel: its n and k ranges are a few elements and most
// coefficients are 0 or +-1. Here the n and k loops are unrolled with the
// coefficients folded in: zeros vanish, +-1 become adds and subtracts, and
// each input element is loaded once per output point. The m loops stay
// loops, the innermost one last in the result's layout, for LLVM's loop
// vectorizer (it turns strided reads such as `2 * x + j` into wide loads
// and shuffles).
//
//===----------------------------------------------------------------------===//

#include "UnrolledKernel.h"

#include "ContractionKernel.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Matchers.h"

#include <cstring>

using namespace mlir;
using namespace mlir::effai;

namespace {
/// All points of the box `ranges`, last coordinate fastest.
SmallVector<SmallVector<int64_t>> enumeratePoints(ArrayRef<int64_t> ranges) {
  SmallVector<SmallVector<int64_t>> points(1);
  for (int64_t range : ranges) {
    SmallVector<SmallVector<int64_t>> next;
    for (const SmallVector<int64_t> &point : points)
      for (int64_t v = 0; v < range; ++v) {
        next.push_back(point);
        next.back().push_back(v);
      }
    points = std::move(next);
  }
  return points;
}
} // namespace

LogicalResult mlir::effai::cpu::emitUnrolledKernel(
    RewriterBase &rewriter, linalg::LinalgOp op, bool threaded,
    llvm::SmallPtrSetImpl<Operation *> &erased, std::string &reason) {
  FailureOr<ContractionDims> dims = analyzeContraction(op);
  if (failed(dims) || !dims->batch.empty() || dims->m.empty()) {
    reason = "not a contraction with m dims and no batch dims";
    return failure();
  }
  OpOperand *inputA = op.getDpsInputOperand(0);
  OpOperand *inputB = op.getDpsInputOperand(1);
  OpOperand *init = op.getDpsInitOperand(0);
  if (!op.hasPureBufferSemantics() || !hasOnlyF32Operands(op)) {
    reason = "needs f32 buffers";
    return failure();
  }
  std::optional<ConstantGlobal> constant = getConstantGlobal(inputB->get());
  if (!constant) {
    reason = "the second input is not a constant";
    return failure();
  }
  Location loc = op.getLoc();
  unsigned numLoops = op.getNumLoops();
  AffineMap mapA = op.getMatchingIndexingMap(inputA);
  AffineMap mapB = op.getMatchingIndexingMap(inputB);
  AffineMap mapC = op.getMatchingIndexingMap(init);

  // The m loops in the result's layout order (innermost = fastest in C).
  SmallVector<unsigned> mOrder;
  for (AffineExpr expr : mapC.getResults()) {
    unsigned d = cast<AffineDimExpr>(expr).getPosition();
    if (llvm::is_contained(dims->m, d))
      mOrder.push_back(d);
  }
  SmallVector<int64_t> nRanges, kRanges;
  for (unsigned d : dims->n)
    nRanges.push_back(dims->ranges[d]);
  for (unsigned d : dims->k)
    kRanges.push_back(dims->ranges[d]);
  SmallVector<SmallVector<int64_t>> nPoints = enumeratePoints(nRanges);
  SmallVector<SmallVector<int64_t>> kPoints = enumeratePoints(kRanges);

  // The coefficient of every (n, k) point, read from the global's bytes.
  auto shapeB = cast<MemRefType>(inputB->get().getType()).getShape();
  ArrayRef<char> bytes = constant->data();
  auto coefficient = [&](ArrayRef<int64_t> n, ArrayRef<int64_t> k) {
    SmallVector<int64_t> point(numLoops, 0);
    for (auto [d, v] : llvm::zip(dims->n, n))
      point[d] = v;
    for (auto [d, v] : llvm::zip(dims->k, k))
      point[d] = v;
    int64_t offset = 0;
    for (auto [index, size] : llvm::zip(mapB.compose(point), shapeB))
      offset = offset * size + index;
    float value;
    std::memcpy(&value, &bytes[offset * sizeof(float)], sizeof(float));
    return value;
  };

  // A fill of the output just before is where every output starts: the
  // constant replaces the fill and the load.
  auto fill = dyn_cast_or_null<linalg::FillOp>(op->getPrevNode());
  Value start;
  if (fill && fill.getOutputs()[0] == init->get())
    start = fill.getInputs()[0];
  // From a zero start the first term is the sum itself.
  APFloat startValue(0.0f);
  bool startsAtZero = start &&
                      matchPattern(start, m_ConstantFloat(&startValue)) &&
                      startValue.isZero();

  // `map`'s indices with the m dims at `mIvs` and the n and k dims at
  // constants.
  auto indices = [&](OpBuilder &b, AffineMap map, ValueRange mIvs,
                     ArrayRef<int64_t> n, ArrayRef<int64_t> k) {
    SmallVector<AffineExpr> replacements(numLoops);
    for (auto [i, d] : llvm::enumerate(mOrder))
      replacements[d] = b.getAffineDimExpr(i);
    for (auto [d, v] : llvm::zip(dims->n, n))
      replacements[d] = b.getAffineConstantExpr(v);
    for (auto [d, v] : llvm::zip(dims->k, k))
      replacements[d] = b.getAffineConstantExpr(v);
    SmallVector<OpFoldResult> operands =
        llvm::map_to_vector(mIvs, [](Value v) { return OpFoldResult(v); });
    SmallVector<Value> values;
    for (AffineExpr expr : map.getResults())
      values.push_back(affine::makeComposedAffineApply(
          b, loc,
          AffineMap::get(mOrder.size(), 0,
                         expr.replaceDimsAndSymbols(replacements, {})),
          operands));
    return values;
  };

  auto body = [&](OpBuilder &b, ValueRange mIvs) {
    DenseMap<unsigned, Value> loadedA;
    auto loadA = [&](unsigned kIndex) {
      Value &value = loadedA[kIndex];
      if (!value)
        value = memref::LoadOp::create(
            b, loc, inputA->get(), indices(b, mapA, mIvs, {}, kPoints[kIndex]));
      return value;
    };
    // c * a, without a multiply for c = 1.
    auto scaled = [&](Value a, float c) -> Value {
      if (c == 1.0f)
        return a;
      return arith::MulFOp::create(
          b, loc, a, arith::ConstantOp::create(b, loc, b.getF32FloatAttr(c)));
    };
    for (const SmallVector<int64_t> &n : nPoints) {
      SmallVector<Value> outIndices = indices(b, mapC, mIvs, n, {});
      Value acc = start
                      ? start
                      : memref::LoadOp::create(b, loc, init->get(), outIndices)
                            .getResult();
      bool empty = startsAtZero;
      for (auto [kIndex, k] : llvm::enumerate(kPoints)) {
        float c = coefficient(n, k);
        if (c == 0.0f)
          continue;
        Value a = loadA(kIndex);
        if (empty)
          acc = c == -1.0f ? arith::NegFOp::create(b, loc, a).getResult()
                           : scaled(a, c);
        else if (c == -1.0f)
          acc = arith::SubFOp::create(b, loc, acc, a);
        else
          acc = arith::AddFOp::create(b, loc, acc, scaled(a, c));
        empty = false;
      }
      memref::StoreOp::create(b, loc, acc, init->get(), outIndices);
    }
  };

  rewriter.setInsertionPoint(op);
  auto index = [&](OpBuilder &b, int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  };
  SmallVector<Value> lower, upper, steps;
  for (unsigned d : mOrder) {
    lower.push_back(index(rewriter, 0));
    upper.push_back(index(rewriter, dims->ranges[d]));
    steps.push_back(index(rewriter, 1));
  }
  auto nest = [&](OpBuilder &b, ValueRange outer) {
    SmallVector<Value> rest(llvm::drop_begin(lower, outer.size())),
        restUpper(llvm::drop_begin(upper, outer.size())),
        restSteps(llvm::drop_begin(steps, outer.size()));
    scf::buildLoopNest(b, loc, rest, restUpper, restSteps,
                       [&](OpBuilder &b, Location, ValueRange inner) {
                         SmallVector<Value> ivs(outer);
                         ivs.append(inner.begin(), inner.end());
                         body(b, ivs);
                       });
  };
  if (threaded && mOrder.size() > 1) {
    // The outermost m loop on threads.
    scf::ParallelOp::create(
        rewriter, loc, lower[0], upper[0], steps[0],
        [&](OpBuilder &b, Location, ValueRange ivs) { nest(b, ivs); });
  } else {
    nest(rewriter, {});
  }
  rewriter.eraseOp(op);
  if (start) {
    erased.insert(fill);
    rewriter.eraseOp(fill);
  }
  return success();
}
