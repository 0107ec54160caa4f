//===- TileUtils.cpp - what the GPU mechanism reads off its tiles -*- C++ -*-=//

#include "effai/Target/GPU/TileUtils.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"

namespace mlir::effai {

linalg::FillOp getTileFill(Operation *op, Value init) {
  for (Operation *prev = op->getPrevNode(); prev; prev = prev->getPrevNode()) {
    if (auto fill = dyn_cast<linalg::FillOp>(prev)) {
      if (fill.getDpsInitOperand(0)->get() != init ||
          !matchPattern(fill.getInputs().front(), m_Constant()))
        return {};
      return fill;
    }
    if (!isa<memref::SubViewOp, arith::ConstantOp>(prev))
      return {};
  }
  return {};
}

std::optional<int64_t> getConstantUpperBound(OpFoldResult size) {
  if (std::optional<int64_t> constant = getConstantIntValue(size))
    return constant;
  FailureOr<int64_t> largest = ValueBoundsConstraintSet::computeConstantBound(
      presburger::BoundType::UB, ValueBoundsConstraintSet::Variable(size),
      /*stopCondition=*/nullptr, /*closedUB=*/true);
  if (failed(largest))
    return std::nullopt;
  return *largest;
}

SmallVector<Value> applyMap(OpBuilder &builder, Location loc, AffineMap map,
                            ArrayRef<OpFoldResult> loopIndices) {
  SmallVector<Value> indices;
  for (unsigned i = 0; i < map.getNumResults(); ++i)
    indices.push_back(getValueOrCreateConstantIndexOp(
        builder, loc,
        affine::makeComposedFoldedAffineApply(builder, loc, map.getSubMap({i}),
                                              loopIndices)));
  return indices;
}

bool isSameView(Value a, Value b) {
  if (a == b)
    return true;
  auto viewA = a.getDefiningOp<memref::SubViewOp>();
  auto viewB = b.getDefiningOp<memref::SubViewOp>();
  return viewA && viewB && viewA.getType() == viewB.getType() &&
         viewA.getStaticOffsets() == viewB.getStaticOffsets() &&
         viewA.getStaticSizes() == viewB.getStaticSizes() &&
         viewA.getStaticStrides() == viewB.getStaticStrides() &&
         llvm::equal(viewA.getOffsets(), viewB.getOffsets()) &&
         llvm::equal(viewA.getSizes(), viewB.getSizes()) &&
         llvm::equal(viewA.getStrides(), viewB.getStrides()) &&
         isSameView(viewA.getSource(), viewB.getSource());
}

/// Whether `op` only views, or copies a view onto itself (what
/// bufferization leaves between a tile and its readers).
static bool isViewOrSelfCopy(Operation *op) {
  if (auto copy = dyn_cast<memref::CopyOp>(op))
    return isSameView(copy.getSource(), copy.getTarget());
  return isa<memref::SubViewOp, arith::ConstantOp>(op);
}

linalg::GenericOp getStoreEpilogue(Operation *tile, Value result) {
  Operation *next = tile->getNextNode();
  while (next && isViewOrSelfCopy(next))
    next = next->getNextNode();
  auto epilogue = dyn_cast_or_null<linalg::GenericOp>(next);
  if (!epilogue || !epilogue->hasAttr(kGPUEpilogueTileAttrName) ||
      !epilogue.hasPureBufferSemantics() || epilogue.getNumDpsInits() != 1 ||
      epilogue.getNumParallelLoops() != epilogue.getNumLoops() ||
      !epilogue.getIndexingMapsArray().back().isIdentity())
    return {};
  SmallVector<OpOperand *> reads;
  for (OpOperand &operand : epilogue->getOpOperands())
    if (isSameView(operand.get(), result))
      reads.push_back(&operand);
  if (reads.size() != 1 || !epilogue.isDpsInput(reads.front()) ||
      !epilogue.getMatchingIndexingMap(reads.front()).isIdentity())
    return {};
  if (!llvm::all_of(
          epilogue.getBlock()->without_terminator(), [](Operation &inner) {
            return inner.getNumRegions() == 0 && isMemoryEffectFree(&inner);
          }))
    return {};
  for (Operation *later = epilogue->getNextNode(); later;
       later = later->getNextNode())
    if (!isViewOrSelfCopy(later) &&
        llvm::any_of(later->getOperands(),
                     [&](Value value) { return isSameView(value, result); }))
      return {};
  return epilogue;
}

void storeThroughEpilogue(OpBuilder &builder, Location loc,
                          linalg::GenericOp epilogue, Value result, Value value,
                          ArrayRef<Value> indices) {
  // The epilogue's loops are the result's dimensions: its loop values are
  // the indices into the result.
  SmallVector<OpFoldResult> loopIndices(indices.begin(), indices.end());
  Block *body = epilogue.getBlock();
  IRMapping mapping;
  for (OpOperand *input : epilogue.getDpsInputOperands()) {
    Value read = input->get();
    if (isSameView(read, result))
      read = value;
    else if (isa<MemRefType>(read.getType()))
      read = memref::LoadOp::create(
          builder, loc, read,
          applyMap(builder, loc, epilogue.getMatchingIndexingMap(input),
                   loopIndices));
    mapping.map(epilogue.getMatchingBlockArgument(input), read);
  }
  OpOperand *output = epilogue.getDpsInitOperand(0);
  BlockArgument outArg = epilogue.getMatchingBlockArgument(output);
  if (!outArg.use_empty())
    mapping.map(outArg,
                memref::LoadOp::create(builder, loc, output->get(), indices));
  for (Operation &inner : body->without_terminator()) {
    if (auto index = dyn_cast<linalg::IndexOp>(inner)) {
      mapping.map(index.getResult(), indices[index.getDim()]);
      continue;
    }
    builder.clone(inner, mapping);
  }
  memref::StoreOp::create(
      builder, loc,
      mapping.lookupOrDefault(body->getTerminator()->getOperand(0)),
      output->get(), indices);
}

} // namespace mlir::effai
