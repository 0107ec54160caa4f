//===- TensorCores.cpp - int8 and f16 contractions on mma.sync --*- C++ -*-===//
//
// mma.sync multiplies signed bytes (s8) or f16 and reads B column-major:
// [n, k]. Weights are constants, so B is transposed at compile time.
// Activations after a ReLU are unsigned (u8): x = (x ^ 0x80) + 128 with x ^
// 0x80 read as s8, so sum_k x * b = sum_k (x ^ 0x80) * b + 128 * sum_k b; the
// flip costs one xor in the op that produces x, the constant sum one add in the
// op that consumes the result (the requantization).
//
//===----------------------------------------------------------------------===//

#include "effai/Target/GPU/TensorCores.h"

#include "effai/Utils/ConstantData.h"
#include "effai/Utils/ContractionAnalysis.h"
#include "effai/Utils/LinalgBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::effai;

namespace {

bool isElementwise(linalg::GenericOp op) {
  return op && op->getNumResults() == 1 &&
         op.getNumLoops() == op.getNumParallelLoops();
}

/// The elementwise op producing `value` (through reshapes), every value on
/// the way used once: flipping its result's top bit changes nothing else.
linalg::GenericOp getFlippableProducer(Value value) {
  while (Operation *def = value.getDefiningOp()) {
    if (!value.hasOneUse())
      return {};
    if (isa<tensor::ReshapeOp, tensor::CollapseShapeOp, tensor::ExpandShapeOp>(
            def)) {
      value = def->getOperand(0);
      continue;
    }
    auto generic = dyn_cast<linalg::GenericOp>(def);
    return isElementwise(generic) ? generic : linalg::GenericOp();
  }
  return {};
}

/// The one elementwise op reading `value` through its result's identity
/// map, as an input: it can add the correction to what it reads.
std::pair<linalg::GenericOp, OpOperand *> getCorrectableConsumer(Value value) {
  if (!value.hasOneUse())
    return {};
  OpOperand &use = *value.getUses().begin();
  auto generic = dyn_cast<linalg::GenericOp>(use.getOwner());
  if (!isElementwise(generic) || !generic.isDpsInput(&use) ||
      !generic.getMatchingIndexingMap(&use).isIdentity() ||
      !generic.getIndexingMapsArray().back().isIdentity())
    return {};
  return {generic, &use};
}

/// The loops `map`'s results are, when each is one.
SmallVector<unsigned> getResultDims(AffineMap map) {
  SmallVector<unsigned> dims;
  for (AffineExpr expr : map.getResults()) {
    auto dim = dyn_cast<AffineDimExpr>(expr);
    if (!dim)
      return {};
    dims.push_back(dim.getPosition());
  }
  return dims;
}

/// The block argument's one extension op.
Operation *getExtension(linalg::GenericOp op, unsigned input) {
  Value arg = op.getBody()->getArgument(input);
  return arg.hasOneUse() ? *arg.getUsers().begin() : nullptr;
}

} // namespace

std::optional<TensorCoreContraction>
mlir::effai::matchTensorCoreContraction(linalg::LinalgOp op) {
  if (!isa<linalg::GenericOp>(op) || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || op->getNumResults() != 1 ||
      !op.hasPureTensorSemantics())
    return std::nullopt;
  Type accType = getElementTypeOrSelf(op->getResult(0));
  Type typeA = getElementTypeOrSelf(op.getDpsInputOperand(0)->get());
  Type typeB = getElementTypeOrSelf(op.getDpsInputOperand(1)->get());
  bool integer = accType.isInteger(32);
  if (!integer && !(accType.isF32() && typeA.isF16() && typeB.isF16()))
    return std::nullopt;
  FailureOr<ContractionDims> dims = analyzeContraction(op);
  if (failed(dims) || !hasMultiplyAccumulateBody(op) || !dims->batch.empty() ||
      dims->m.size() != 1 || dims->n.size() != 1 || dims->k.size() != 1)
    return std::nullopt;
  std::optional<InputWidening> widenA = getInputWidening(op, 0);
  std::optional<InputWidening> widenB = getInputWidening(op, 1);
  if (integer ? (widenA != InputWidening::Signed8 &&
                 widenA != InputWidening::Unsigned8) ||
                    widenB != InputWidening::Signed8
              : widenA != InputWidening::Half || widenB != InputWidening::Half)
    return std::nullopt;
  TensorCoreContraction match;
  match.operandType = typeB;
  match.m = dims->m.front();
  match.n = dims->n.front();
  match.k = dims->k.front();
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (getResultDims(maps[0]) != SmallVector<unsigned>{match.m, match.k} ||
      getResultDims(maps[2]) != SmallVector<unsigned>{match.m, match.n})
    return std::nullopt;
  SmallVector<unsigned> dimsB = getResultDims(maps[1]);
  if (dimsB == SmallVector<unsigned>{match.n, match.k})
    match.transposeB = false;
  else if (dimsB == SmallVector<unsigned>{match.k, match.n})
    match.transposeB = true;
  else
    return std::nullopt;
  if (dims->ranges[match.m] % kMmaM != 0 ||
      dims->ranges[match.n] % kMmaN != 0 ||
      dims->ranges[match.k] % getMmaK(match.operandType) != 0)
    return std::nullopt;
  // mma.sync saturates (.satfinite) where the CPU wraps: from a zero
  // fill, |sum| <= k * 128 * 128 stays below 2^31 for k < 2^17. (The
  // kernels also start their accumulators from that fill.)
  auto fill = op.getDpsInitOperand(0)->get().getDefiningOp<linalg::FillOp>();
  if (!fill ||
      !(matchPattern(fill.getInputs().front(), m_Zero()) ||
        matchPattern(fill.getInputs().front(), m_PosZeroFloat())) ||
      (integer && dims->ranges[match.k] >= (int64_t(1) << 17)))
    return std::nullopt;
  match.unsignedA = widenA == InputWidening::Unsigned8;
  bool constantB = matchPattern(op.getDpsInputOperand(1)->get(), m_Constant());
  if ((match.transposeB || match.unsignedA) && !constantB)
    return std::nullopt;
  if (match.unsignedA &&
      (!getFlippableProducer(op.getDpsInputOperand(0)->get()) ||
       !getCorrectableConsumer(op->getResult(0)).first))
    return std::nullopt;
  return match;
}

FailureOr<linalg::GenericOp>
mlir::effai::prepareTensorCoreOperands(RewriterBase &rewriter,
                                       linalg::LinalgOp op,
                                       const TensorCoreContraction &match) {
  Location loc = op.getLoc();
  MLIRContext *context = op.getContext();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t n = ranges[match.n], k = ranges[match.k];
  Value b = op.getDpsInputOperand(1)->get();
  std::optional<std::vector<int64_t>> values;
  bool integer = match.operandType.isInteger(8);
  if (integer && (match.transposeB || match.unsignedA)) {
    values = readIntegerConstant(b);
    if (!values || int64_t(values->size()) != n * k)
      return op->emitError("effai-gpu-tile-and-map: the tensor-core operand "
                           "B is not a constant of ")
             << n * k << " codes";
  }
  // B element (k, n) of the constant as stored.
  auto codeAt = [&](int64_t kk, int64_t nn) {
    return (*values)[match.transposeB ? kk * n + nn : nn * k + kk];
  };

  rewriter.setInsertionPoint(op);
  // Float weights are transposed as they are stored (bytes).
  if (match.transposeB && !integer) {
    b = buildPermutedView(rewriter, loc, b, {k, n}, {1, 0});
  } else if (match.transposeB) {
    std::vector<int8_t> transposed(n * k);
    for (int64_t nn = 0; nn < n; ++nn)
      for (int64_t kk = 0; kk < k; ++kk)
        transposed[nn * k + kk] = static_cast<int8_t>(codeAt(kk, nn));
    b = buildConstant<int8_t>(
        rewriter, loc,
        RankedTensorType::get({n, k}, IntegerType::get(context, 8)), transposed,
        "mma_weight");
  }

  if (match.unsignedA) {
    // x ^ 0x80 where the activations are made.
    linalg::GenericOp producer =
        getFlippableProducer(op.getDpsInputOperand(0)->get());
    auto yield = cast<linalg::YieldOp>(producer.getBody()->getTerminator());
    rewriter.setInsertionPoint(yield);
    Value flip = arith::ConstantIntOp::create(
        rewriter, loc, yield.getOperand(0).getType(), -128);
    Value flipped =
        arith::XOrIOp::create(rewriter, loc, yield.getOperand(0), flip);
    rewriter.modifyOpInPlace(yield, [&] { yield->setOperand(0, flipped); });

    // + 128 * sum_k b[k, n] where the result is read.
    auto [consumer, use] = getCorrectableConsumer(op->getResult(0));
    std::vector<int32_t> correction(n);
    for (int64_t nn = 0; nn < n; ++nn) {
      int64_t sum = 0;
      for (int64_t kk = 0; kk < k; ++kk)
        sum += codeAt(kk, nn);
      correction[nn] = static_cast<int32_t>(128 * sum);
    }
    rewriter.setInsertionPoint(consumer);
    Value sums = buildConstant<int32_t>(
        rewriter, loc,
        RankedTensorType::get({n}, IntegerType::get(context, 32)), correction,
        "mma_correction");
    unsigned rank = consumer.getNumLoops();
    SmallVector<Value> inputs(consumer.getDpsInputs());
    inputs.push_back(sums);
    SmallVector<AffineMap> maps = consumer.getIndexingMapsArray();
    maps.insert(maps.end() - 1,
                AffineMap::get(rank, 0, getAffineDimExpr(rank - 1, context)));
    auto corrected = linalg::GenericOp::create(
        rewriter, consumer.getLoc(), consumer->getResultTypes(), inputs,
        consumer.getDpsInits(), maps, consumer.getIteratorTypesArray());
    corrected->setDiscardableAttrs(consumer->getDiscardableAttrDictionary());
    Block *body = consumer.getBody();
    unsigned numInputs = consumer.getNumDpsInputs();
    Block *newBody = rewriter.createBlock(&corrected.getRegion());
    IRMapping mapping;
    for (BlockArgument arg : body->getArguments().take_front(numInputs))
      mapping.map(arg, newBody->addArgument(arg.getType(), arg.getLoc()));
    Value sumArg = newBody->addArgument(rewriter.getI32Type(), loc);
    for (BlockArgument arg : body->getArguments().drop_front(numInputs))
      mapping.map(arg, newBody->addArgument(arg.getType(), arg.getLoc()));
    rewriter.setInsertionPointToStart(newBody);
    Value read = mapping.lookup(body->getArgument(use->getOperandNumber()));
    mapping.map(body->getArgument(use->getOperandNumber()),
                arith::AddIOp::create(rewriter, loc, read, sumArg));
    for (Operation &inner : *body)
      rewriter.clone(inner, mapping);
    rewriter.replaceOp(consumer, corrected->getResults());
  }

  // The contraction with B as [n, k] (s8 x s8 for integers).
  rewriter.setInsertionPoint(op);
  auto prepared = cast<linalg::GenericOp>(rewriter.clone(*op));
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  maps[1] = AffineMap::get(
      op.getNumLoops(), 0,
      {getAffineDimExpr(match.n, context), getAffineDimExpr(match.k, context)},
      context);
  rewriter.modifyOpInPlace(prepared, [&] {
    prepared.getDpsInputOperand(1)->set(b);
    prepared.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
  });
  if (match.unsignedA) {
    Operation *extension = getExtension(prepared, 0);
    rewriter.setInsertionPoint(extension);
    rewriter.replaceOpWithNewOp<arith::ExtSIOp>(
        extension, extension->getResult(0).getType(), extension->getOperand(0));
  }
  rewriter.replaceOp(op, prepared->getResults());
  return prepared;
}
