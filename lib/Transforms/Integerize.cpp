//===- Integerize.cpp - quantized models without float glue -----*- C++ -*-===//
//
// effai-integerize: a post-training-quantized model runs each compressible
// op on integers but keeps ReLU, max pooling and reshapes in float between
// a dequantized result and the next layer's quant.qcast. Quantizing
// commutes exactly with all of them (they are monotone and ReLU's zero is
// the zero point), so the qcast moves above them onto the producing op's
// result, which then produces the quantized result itself (effai-fold-qdq):
// integer codes flow from layer to layer, as a streaming accelerator needs.
//
//===----------------------------------------------------------------------===//

#include "effai/Dialect/Effai/IR/EffaiOps.h"
#include "effai/Transforms/FoldQDQ.h"
#include "effai/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

namespace mlir::effai {
#define GEN_PASS_DEF_INTEGERIZE
#include "effai/Transforms/Passes.h.inc"
} // namespace mlir::effai

using namespace mlir;
using namespace mlir::effai;

namespace {

/// A linalg.generic whose body is one float max yielded: ReLU (the input
/// against a constant 0, the result elementwise) or a max reduction (the
/// output against the input, as max pooling is written).
enum class MaxKind { None, Relu, Pool };

MaxKind classify(linalg::GenericOp op) {
  Block &body = op.getRegion().front();
  if (body.getOperations().size() != 2 || op.getNumDpsInits() != 1)
    return MaxKind::None;
  Operation *max = &body.front();
  if (!isa<arith::MaximumFOp, arith::MaxNumFOp>(max) ||
      body.getTerminator()->getOperand(0) != max->getResult(0))
    return MaxKind::None;
  Value in = body.getArgument(0), out = body.getArguments().back();
  Value lhs = max->getOperand(0), rhs = max->getOperand(1);
  if (op.getNumReductionLoops() == 0 && op.getNumDpsInputs() == 1 &&
      (lhs == in || rhs == in) &&
      (matchPattern(lhs == in ? rhs : lhs, m_AnyZeroFloat())))
    return MaxKind::Relu;
  if (op.getNumReductionLoops() > 0 &&
      ((lhs == in && rhs == out) || (lhs == out && rhs == in)))
    return MaxKind::Pool;
  return MaxKind::None;
}

RankedTensorType withElementType(Type type, Type elt) {
  return RankedTensorType::get(cast<RankedTensorType>(type).getShape(), elt);
}

/// The integer codes of qcast(`source`) to `qtype`.
Value quantizeToCodes(PatternRewriter &rewriter, Location loc, Value source,
                      quant::UniformQuantizedType qtype) {
  return quant::StorageCastOp::create(
      rewriter, loc, withElementType(source.getType(), qtype.getStorageType()),
      quant::QuantizeCastOp::create(
          rewriter, loc, withElementType(source.getType(), qtype), source));
}

/// qcast(reshape(x)) -> reshape(qcast(x)), the reshape on the integer
/// codes (the lowering takes no quantized reshapes).
template <typename ReshapeOp>
LogicalResult
hoistThroughReshape(PatternRewriter &rewriter, quant::QuantizeCastOp qcast,
                    ReshapeOp reshape, quant::UniformQuantizedType qtype) {
  Location loc = qcast.getLoc();
  Value source = reshape->getOperand(0);
  IRMapping mapping;
  mapping.map(source, quantizeToCodes(rewriter, loc, source, qtype));
  Operation *moved = rewriter.clone(*reshape, mapping);
  moved->getResult(0).setType(
      withElementType(reshape->getResult(0).getType(), qtype.getStorageType()));
  rewriter.replaceOpWithNewOp<quant::StorageCastOp>(
      qcast, qcast.getResult().getType(), moved->getResult(0));
  rewriter.eraseOp(reshape);
  return success();
}

/// qcast(relu(x)) -> max(qcast(x), zero point); qcast(maxpool(x)) ->
/// maxpool(qcast(x)) with the storage minimum as its start, both on the
/// integer codes.
LogicalResult hoistThroughMax(PatternRewriter &rewriter,
                              quant::QuantizeCastOp qcast, linalg::GenericOp op,
                              MaxKind kind) {
  // The quantization keeps its location; the max on codes is still the
  // model's ReLU or pooling layer (reports and timers name it so).
  Location loc = op.getLoc();
  auto qtype = cast<quant::UniformQuantizedType>(
      getElementTypeOrSelf(qcast.getResult().getType()));
  Type storage = qtype.getStorageType();
  Value source = op.getDpsInputOperand(0)->get();
  Value codes = quantizeToCodes(rewriter, qcast.getLoc(), source, qtype);
  auto resultType = withElementType(op.getResult(0).getType(), storage);
  Value init =
      tensor::EmptyOp::create(rewriter, loc, resultType.getShape(), storage);
  int64_t start =
      kind == MaxKind::Relu ? qtype.getZeroPoint() : qtype.getStorageTypeMin();
  Value startValue = arith::ConstantOp::create(
      rewriter, loc, rewriter.getIntegerAttr(storage, start));
  if (kind == MaxKind::Pool)
    init = linalg::FillOp::create(rewriter, loc, startValue, init).getResult(0);
  SmallVector<Value> inputs = {codes};
  // A named vector: drop_begin of the returned temporary would outlive it.
  SmallVector<OpOperand *> operands = op.getDpsInputOperands();
  for (OpOperand *input : llvm::drop_begin(operands))
    inputs.push_back(input->get());
  bool isSigned = qtype.isSigned();
  auto generic = linalg::GenericOp::create(
      rewriter, loc, resultType, inputs, init, op.getIndexingMapsArray(),
      op.getIteratorTypesArray(),
      [&](OpBuilder &b, Location loc, ValueRange args) {
        Value other = kind == MaxKind::Relu ? startValue : args.back();
        Value max =
            isSigned
                ? arith::MaxSIOp::create(b, loc, args[0], other).getResult()
                : arith::MaxUIOp::create(b, loc, args[0], other).getResult();
        linalg::YieldOp::create(b, loc, max);
      });
  rewriter.replaceOpWithNewOp<quant::StorageCastOp>(
      qcast, qcast.getResult().getType(), generic.getResult(0));
  rewriter.eraseOp(op);
  return success();
}

struct HoistQuantize : public OpRewritePattern<quant::QuantizeCastOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(quant::QuantizeCastOp qcast,
                                PatternRewriter &rewriter) const override {
    auto qtype = dyn_cast<quant::UniformQuantizedType>(
        getElementTypeOrSelf(qcast.getResult().getType()));
    Operation *producer = qcast.getInput().getDefiningOp();
    if (!qtype || !producer || !producer->hasOneUse() ||
        !isa<RankedTensorType>(qcast.getInput().getType()))
      return rewriter.notifyMatchFailure(qcast, "no single-use producer");
    rewriter.setInsertionPoint(producer);
    if (auto reshape = dyn_cast<tensor::ReshapeOp>(producer))
      return hoistThroughReshape(rewriter, qcast, reshape, qtype);
    if (auto reshape = dyn_cast<tensor::CollapseShapeOp>(producer))
      return hoistThroughReshape(rewriter, qcast, reshape, qtype);
    if (auto reshape = dyn_cast<tensor::ExpandShapeOp>(producer))
      return hoistThroughReshape(rewriter, qcast, reshape, qtype);
    auto generic = dyn_cast<linalg::GenericOp>(producer);
    MaxKind kind = generic ? classify(generic) : MaxKind::None;
    if (kind == MaxKind::None)
      return rewriter.notifyMatchFailure(qcast, "no ReLU, max or reshape");
    return hoistThroughMax(rewriter, qcast, generic, kind);
  }
};

struct IntegerizePass : public effai::impl::IntegerizeBase<IntegerizePass> {
  void runOnOperation() override {
    // Hoist with a walk, not the greedy driver, whose folding would undo
    // QDQ pairs the models rely on (as effai-fold-qdq notes). Each hoist
    // moves a qcast one op up; repeat until none moves.
    HoistQuantize hoist(&getContext());
    PatternRewriter rewriter(&getContext());
    for (bool changed = true; changed;) {
      changed = false;
      SmallVector<quant::QuantizeCastOp> qcasts;
      getOperation()->walk(
          [&](quant::QuantizeCastOp op) { qcasts.push_back(op); });
      for (quant::QuantizeCastOp qcast : qcasts)
        changed |= succeeded(hoist.matchAndRewrite(qcast, rewriter));
    }
    if (failed(applyFoldQDQ(getOperation())))
      return signalPassFailure();
  }
};

} // namespace
