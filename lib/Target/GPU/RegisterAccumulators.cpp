//===- RegisterAccumulators.cpp - thread tiles in registers -----*- C++ -*-===//
//
// effai-gpu-register-accumulators: the mechanism behind the register tile
// of a GPU tiling. A thread's tile of a reduction (a matmul's 8 x 8
// outputs over all of k) is computed with the reduction loops outside and
// the tile's points unrolled inside, so each point's accumulator is an
// SSA value the loop carries (a register) and the operands of one step
// are loaded once for the whole tile. Where the tiling stages operands
// (stage_k), the reduction runs in chunks the block's threads first copy
// into shared memory together, between barriers.
//
//===----------------------------------------------------------------------===//

#include "effai/Dialect/Effai/IR/EffaiAttrs.h"
#include "effai/Target/GPU/Passes.h"
#include "effai/Target/GPU/TileUtils.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

namespace mlir::effai {
#define GEN_PASS_DEF_GPUREGISTERACCUMULATORS
#include "effai/Target/GPU/Passes.h.inc"

namespace {

/// The most output points one thread's tile keeps in registers: the
/// tiling model's register budget keeps its tiles well below.
constexpr int64_t kMaxAccumulators = 256;

/// Whether `op` is a bufferized tile this pass may rewrite: in a loop
/// mapped to threads, with reductions, one result read through a
/// projected permutation, and a body of pure ops and reads (each is
/// cloned once per point).
bool isThreadReductionTile(linalg::LinalgOp op) {
  auto loop = dyn_cast<scf::ForallOp>(op->getParentOp());
  std::optional<ArrayAttr> mapping =
      loop ? loop.getMapping() : std::optional<ArrayAttr>();
  if (!mapping || mapping->empty() ||
      !isa<gpu::GPUThreadMappingAttr>(mapping->getValue().front()))
    return false;
  if (!op.hasPureBufferSemantics() || op.getNumDpsInits() != 1 ||
      op.getNumReductionLoops() == 0 ||
      !op.getMatchingIndexingMap(op.getDpsInitOperand(0))
           .isProjectedPermutation())
    return false;
  return llvm::all_of(op.getBlock()->without_terminator(), [](Operation &op) {
    return op.getNumRegions() == 0 && (isPure(&op) || isa<memref::LoadOp>(op));
  });
}

/// The tiling of the block loop around `op` (null when none).
GPUTilingAttr getBlockTiling(Operation *op) {
  for (auto loop = op->getParentOfType<scf::ForallOp>(); loop;
       loop = loop->getParentOfType<scf::ForallOp>())
    if (auto tiling =
            loop->getAttrOfType<GPUTilingAttr>(GPUTilingAttr::getAttrName()))
      return tiling;
  return {};
}

/// An input the block stages through shared memory, chunk by chunk of
/// the reduction: the block's view the thread's view is a slice of
/// (whole along the reduction), the thread view's offsets into it, the
/// position of the reduction among its indices, and the chunk's buffer.
struct StagedInput {
  Value blockView;
  SmallVector<OpFoldResult> offsets;
  unsigned reductionPosition;
  SmallVector<int64_t> chunkShape;
  Value buffer;
};

/// How `input`, read by `op` in the thread loop `threadLoop`, is staged
/// in chunks of `stageK` of the reduction loop `reductionDim`: a slice of
/// a static block view made outside the thread loop, whole along the
/// reduction, with unit strides. Nullopt when it is read directly.
std::optional<StagedInput> getStagedInput(linalg::LinalgOp op, OpOperand *input,
                                          scf::ForallOp threadLoop,
                                          unsigned reductionDim,
                                          int64_t stageK) {
  AffineMap map = op.getMatchingIndexingMap(input);
  std::optional<unsigned> position =
      map.getResultPosition(getAffineDimExpr(reductionDim, op.getContext()));
  auto view = input->get().getDefiningOp<memref::SubViewOp>();
  if (!position || !map.isProjectedPermutation() || !view ||
      !threadLoop.isDefinedOutsideOfLoop(view.getSource()))
    return std::nullopt;
  auto blockType = cast<MemRefType>(view.getSource().getType());
  if (!blockType.hasStaticShape() ||
      blockType.getRank() != view.getType().getRank() ||
      !llvm::all_of(view.getStaticStrides(),
                    [](int64_t stride) { return stride == 1; }) ||
      getConstantIntValue(view.getMixedOffsets()[*position]) != 0 ||
      getConstantIntValue(view.getMixedSizes()[*position]) !=
          blockType.getDimSize(*position))
    return std::nullopt;
  StagedInput staged{view.getSource(), view.getMixedOffsets(), *position,
                     llvm::to_vector(blockType.getShape()), Value()};
  staged.chunkShape[*position] = stageK;
  return staged;
}

/// Rewrites a thread's tile of a reduction (isThreadReductionTile) as its
/// reduction loops around the unrolled points of the tile.
class RegisterTile {
public:
  RegisterTile(RewriterBase &rewriter, linalg::LinalgOp op, bool distribute)
      : rewriter(rewriter), op(op), loc(op.getLoc()), distribute(distribute) {}

  /// Failure (with an error) when the tiling stages operands this tile
  /// cannot stage. A tile of more than kMaxAccumulators points, or with a
  /// size without a bound, is left to the plain loops.
  LogicalResult run();

private:
  /// The loop values of `point` at the reduction values `reduction`: the
  /// point clamped to the partial tile when `clamp`.
  SmallVector<OpFoldResult> loopIndicesOf(OpBuilder &builder,
                                          ArrayRef<int64_t> point,
                                          ArrayRef<OpFoldResult> reduction,
                                          bool clamp);
  /// `input` read from its own buffer at a point's loop values.
  Value loadDirect(OpBuilder &builder, OpOperand *input,
                   ArrayRef<OpFoldResult> indices);
  /// Every point's next accumulator after one reduction step; `load`
  /// reads an input at a point's loop values.
  using Loader =
      function_ref<Value(OpBuilder &, OpOperand *, ArrayRef<OpFoldResult>)>;
  scf::ValueVector computePoints(OpBuilder &builder,
                                 ArrayRef<OpFoldResult> reduction,
                                 ValueRange accumulators, Loader load);
  /// The reduction in chunks, each staged through `staged` first.
  SmallVector<Value> buildStagedLoop(ArrayRef<Value> initial, int64_t stageK);
  /// The block's threads copy the chunk of `staged` starting at `k0`
  /// into its buffer, consecutive threads taking consecutive elements.
  void copyChunk(OpBuilder &builder, const StagedInput &staged, Value k0);
  /// Stores one point's final accumulator at `indices` of the result, or,
  /// with `epilogue`, what the epilogue makes of it at `indices` of the
  /// epilogue's result.
  void storePoint(OpBuilder &builder, Value accumulator,
                  ArrayRef<Value> indices, linalg::GenericOp epilogue);

  RewriterBase &rewriter;
  linalg::LinalgOp op;
  Location loc;
  bool distribute;
  SmallVector<Range> ranges;
  SmallVector<unsigned> parallelDims, reductionDims;
  SmallVector<SmallVector<int64_t>> points;
  /// Per parallel dim of a partial tile: its size - 1.
  SmallVector<Value> lastIndex;
  /// Per input: its staging, if staged.
  SmallVector<std::optional<StagedInput>> staged;
};

SmallVector<OpFoldResult>
RegisterTile::loopIndicesOf(OpBuilder &builder, ArrayRef<int64_t> point,
                            ArrayRef<OpFoldResult> reduction, bool clamp) {
  SmallVector<OpFoldResult> indices(ranges.size());
  for (auto [dim, value] : llvm::zip(parallelDims, point)) {
    indices[dim] = builder.getIndexAttr(value);
    if (clamp && value > 0 && lastIndex[dim])
      indices[dim] = arith::MinUIOp::create(
                         builder, loc, lastIndex[dim],
                         arith::ConstantIndexOp::create(builder, loc, value))
                         .getResult();
  }
  for (auto [dim, value] : llvm::zip(reductionDims, reduction))
    indices[dim] = value;
  return indices;
}

Value RegisterTile::loadDirect(OpBuilder &builder, OpOperand *input,
                               ArrayRef<OpFoldResult> indices) {
  return memref::LoadOp::create(
      builder, loc, input->get(),
      applyMap(builder, loc, op.getMatchingIndexingMap(input), indices));
}

scf::ValueVector RegisterTile::computePoints(OpBuilder &builder,
                                             ArrayRef<OpFoldResult> reduction,
                                             ValueRange accumulators,
                                             Loader load) {
  Block *body = op.getBlock();
  scf::ValueVector results;
  for (auto [point, accumulator] : llvm::zip(points, accumulators)) {
    SmallVector<OpFoldResult> indices =
        loopIndicesOf(builder, point, reduction, /*clamp=*/true);
    IRMapping mapping;
    for (OpOperand *input : op.getDpsInputOperands()) {
      Value value = input->get();
      if (isa<MemRefType>(value.getType()))
        value = load(builder, input, indices);
      mapping.map(op.getMatchingBlockArgument(input), value);
    }
    mapping.map(op.getMatchingBlockArgument(op.getDpsInitOperand(0)),
                accumulator);
    for (Operation &inner : body->without_terminator()) {
      if (auto index = dyn_cast<linalg::IndexOp>(inner)) {
        mapping.map(index.getResult(),
                    getValueOrCreateConstantIndexOp(builder, loc,
                                                    indices[index.getDim()]));
        continue;
      }
      builder.clone(inner, mapping);
    }
    results.push_back(
        mapping.lookupOrDefault(body->getTerminator()->getOperand(0)));
  }
  return results;
}

void RegisterTile::copyChunk(OpBuilder &builder, const StagedInput &input,
                             Value k0) {
  int64_t threads = getBlockTiling(op).getThreads();
  int64_t elements = 1;
  for (int64_t size : input.chunkShape)
    elements *= size;
  auto copyFrom = [&](OpBuilder &builder, Value thread) {
    Value end = arith::ConstantIndexOp::create(builder, loc, elements);
    Value step = arith::ConstantIndexOp::create(builder, loc, threads);
    scf::ForOp::create(
        builder, loc, thread, end, step, ValueRange{},
        [&](OpBuilder &builder, Location loc, Value element, ValueRange) {
          ValueRange index = affine::AffineDelinearizeIndexOp::create(
                                 builder, loc, element, input.chunkShape)
                                 .getResults();
          SmallVector<Value> from(index);
          unsigned k = input.reductionPosition;
          from[k] = arith::AddIOp::create(builder, loc, k0, index[k]);
          Value value =
              memref::LoadOp::create(builder, loc, input.blockView, from);
          memref::StoreOp::create(builder, loc, value, input.buffer, index);
          scf::YieldOp::create(builder, loc);
        });
  };
  if (distribute) {
    copyFrom(builder, gpu::ThreadIdOp::create(builder, loc, gpu::Dimension::x));
    return;
  }
  // Emulation runs the block's threads one after another, with no
  // barrier between them: each copies the whole chunk, thread by thread
  // as they would share it.
  scf::ForOp::create(
      builder, loc, arith::ConstantIndexOp::create(builder, loc, 0),
      arith::ConstantIndexOp::create(builder, loc, threads),
      arith::ConstantIndexOp::create(builder, loc, 1), ValueRange{},
      [&](OpBuilder &builder, Location loc, Value thread, ValueRange) {
        copyFrom(builder, thread);
        scf::YieldOp::create(builder, loc);
      });
}

SmallVector<Value> RegisterTile::buildStagedLoop(ArrayRef<Value> initial,
                                                 int64_t stageK) {
  unsigned k = reductionDims.front();
  // Reads at a point's loop values, the reduction's at `kk` within the
  // chunk: staged inputs from their chunk, the others as they are.
  auto loaderAt = [this, k](Value kk) {
    return [this, k, kk](OpBuilder &builder, OpOperand *input,
                         ArrayRef<OpFoldResult> indices) -> Value {
      const std::optional<StagedInput> &stage =
          staged[input->getOperandNumber()];
      if (!stage)
        return loadDirect(builder, input, indices);
      AffineMap map = op.getMatchingIndexingMap(input);
      // The chunk is the block's view along a chunk of the reduction: the
      // thread view's offsets added, the reduction's index within it.
      SmallVector<OpFoldResult> inChunk(indices);
      inChunk[k] = kk;
      SmallVector<Value> local = applyMap(builder, loc, map, inChunk);
      AffineExpr d0, d1;
      bindDims(builder.getContext(), d0, d1);
      for (auto [position, index] : llvm::enumerate(local))
        if (position != stage->reductionPosition)
          index = getValueOrCreateConstantIndexOp(
              builder, loc,
              affine::makeComposedFoldedAffineApply(
                  builder, loc, d0 + d1,
                  {stage->offsets[position], OpFoldResult(index)}));
      return memref::LoadOp::create(builder, loc, stage->buffer, local);
    };
  };
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  Value chunk = arith::ConstantIndexOp::create(rewriter, loc, stageK);
  Value total = getValueOrCreateConstantIndexOp(rewriter, loc, ranges[k].size);
  auto chunks = scf::ForOp::create(
      rewriter, loc, zero, total, chunk, initial,
      [&](OpBuilder &builder, Location loc, Value k0, ValueRange accs) {
        for (const std::optional<StagedInput> &input : staged)
          if (input)
            copyChunk(builder, *input, k0);
        // The chunk is whole before any thread reads it.
        if (distribute)
          gpu::BarrierOp::create(builder, loc);
        auto steps = scf::ForOp::create(
            builder, loc, zero, chunk, one, accs,
            [&](OpBuilder &builder, Location loc, Value kk, ValueRange accs) {
              Value fullK = arith::AddIOp::create(builder, loc, k0, kk);
              auto load = loaderAt(kk);
              scf::YieldOp::create(
                  builder, loc,
                  computePoints(builder, {OpFoldResult(fullK)}, accs, load));
            });
        // Every thread is done with the chunk before the next overwrites
        // it.
        if (distribute)
          gpu::BarrierOp::create(builder, loc);
        scf::YieldOp::create(builder, loc, steps.getResults());
      });
  return chunks.getResults();
}

void RegisterTile::storePoint(OpBuilder &builder, Value accumulator,
                              ArrayRef<Value> indices,
                              linalg::GenericOp epilogue) {
  Value result = op.getDpsInitOperand(0)->get();
  if (!epilogue) {
    memref::StoreOp::create(builder, loc, accumulator, result, indices);
    return;
  }
  storeThroughEpilogue(builder, loc, epilogue, result, accumulator, indices);
}

LogicalResult RegisterTile::run() {
  OpOperand *init = op.getDpsInitOperand(0);
  linalg::FillOp tileFill = getTileFill(op, init->get());
  rewriter.setInsertionPoint(op);
  ranges = op.createLoopRanges(rewriter, loc);
  for (auto [dim, iterator] : llvm::enumerate(op.getIteratorTypesArray()))
    (iterator == utils::IteratorType::parallel ? parallelDims : reductionDims)
        .push_back(dim);
  // The tile's points: parallel loop values up to their bounds, row-major.
  points = {{}};
  for (unsigned dim : parallelDims) {
    std::optional<int64_t> bound = getConstantUpperBound(ranges[dim].size);
    if (!bound || points.size() * *bound > kMaxAccumulators)
      return success();
    SmallVector<SmallVector<int64_t>> next;
    for (ArrayRef<int64_t> point : points)
      for (int64_t value = 0; value < *bound; ++value) {
        next.emplace_back(point);
        next.back().push_back(value);
      }
    points = std::move(next);
  }

  // Staging, as the block's tiling says.
  GPUTilingAttr tiling = getBlockTiling(op);
  int64_t stageK = tiling ? tiling.getStageK() : 0;
  staged.assign(op->getNumOperands(), std::nullopt);
  if (stageK > 0) {
    std::optional<int64_t> depth =
        reductionDims.size() == 1
            ? getConstantIntValue(ranges[reductionDims.front()].size)
            : std::nullopt;
    bool partial = llvm::any_of(parallelDims, [&](unsigned dim) {
      return !getConstantIntValue(ranges[dim].size);
    });
    if (!depth || *depth % stageK != 0 || partial)
      return op->emitError("effai-gpu-register-accumulators: the tiling "
                           "stages chunks of ")
             << stageK << " of the reduction, but the tile is partial or "
             << "does not have one static reduction loop of a multiple of "
             << "that";
    // Every thread of the block reaches the barriers: the thread loop has
    // exactly as many iterations as the block threads (none idles behind
    // a guard), and stages only this one reduction.
    auto threadLoop = cast<scf::ForallOp>(op->getParentOp());
    int64_t iterations = 1;
    for (auto [lb, ub, step] : llvm::zip(threadLoop.getStaticLowerBound(),
                                         threadLoop.getStaticUpperBound(),
                                         threadLoop.getStaticStep()))
      iterations *= ShapedType::isDynamic(lb) || ShapedType::isDynamic(ub) ||
                            ShapedType::isDynamic(step) || step < 1
                        ? 0
                        : llvm::divideCeil(ub - lb, step);
    auto isReduction = [](Operation &other) {
      auto linalgOp = dyn_cast<linalg::LinalgOp>(other);
      return linalgOp && linalgOp.getNumReductionLoops() > 0;
    };
    if (iterations != tiling.getThreads() ||
        llvm::count_if(threadLoop.getBody()->getOperations(), isReduction) != 1)
      return op->emitError("effai-gpu-register-accumulators: the tiling "
                           "stages the reduction through shared memory, but "
                           "the thread loop is not one static iteration per "
                           "thread (")
             << tiling.getThreads()
             << ") around this one reduction: threads would miss barriers";
    for (OpOperand *input : op.getDpsInputOperands())
      staged[input->getOperandNumber()] =
          getStagedInput(op, input, threadLoop, reductionDims.front(), stageK);
    // One buffer per staged input: in the block's shared memory on the
    // GPU (made before the thread loop); in emulation, which runs blocks
    // and threads one after another, one host buffer for the function.
    OpBuilder::InsertionGuard guard(rewriter);
    Attribute memorySpace = gpu::AddressSpaceAttr::get(
        rewriter.getContext(), gpu::AddressSpace::Workgroup);
    if (distribute) {
      rewriter.setInsertionPoint(threadLoop);
    } else {
      memorySpace = nullptr;
      rewriter.setInsertionPointToStart(
          &op->getParentOfType<FunctionOpInterface>()
               .getFunctionBody()
               .front());
    }
    // 16 bytes: 128-bit shared-memory loads of a thread's row.
    for (std::optional<StagedInput> &input : staged)
      if (input)
        input->buffer = memref::AllocaOp::create(
            rewriter, loc,
            MemRefType::get(input->chunkShape,
                            getElementTypeOrSelf(input->blockView.getType()),
                            nullptr, memorySpace),
            ValueRange{}, ValueRange{}, rewriter.getI64IntegerAttr(16));
  }

  // A partial tile (a dynamic parallel size) computes its missing points
  // on the last real one, so every read stays inside the operands, and
  // stores only the real ones.
  lastIndex.assign(ranges.size(), Value());
  for (unsigned dim : parallelDims)
    if (!getConstantIntValue(ranges[dim].size))
      lastIndex[dim] = arith::SubIOp::create(
          rewriter, loc, cast<Value>(ranges[dim].size),
          arith::ConstantIndexOp::create(rewriter, loc, 1));

  AffineMap initMap = op.getMatchingIndexingMap(init);
  Value fill = tileFill ? tileFill.getInputs().front() : Value();
  SmallVector<OpFoldResult> noReduction(reductionDims.size(),
                                        rewriter.getIndexAttr(0));
  SmallVector<Value> initial;
  for (ArrayRef<int64_t> point : points)
    initial.push_back(
        fill ? fill
             : memref::LoadOp::create(
                   rewriter, loc, init->get(),
                   applyMap(rewriter, loc, initMap,
                            loopIndicesOf(rewriter, point, noReduction,
                                          /*clamp=*/true))));

  SmallVector<Value> results;
  if (llvm::any_of(staged, [](const auto &input) { return input.has_value(); }))
    results = buildStagedLoop(initial, stageK);
  else {
    SmallVector<Value> lbs, ubs, steps;
    for (unsigned dim : reductionDims) {
      lbs.push_back(
          getValueOrCreateConstantIndexOp(rewriter, loc, ranges[dim].offset));
      ubs.push_back(
          getValueOrCreateConstantIndexOp(rewriter, loc, ranges[dim].size));
      steps.push_back(
          getValueOrCreateConstantIndexOp(rewriter, loc, ranges[dim].stride));
    }
    auto load = [this](OpBuilder &builder, OpOperand *input,
                       ArrayRef<OpFoldResult> indices) {
      return loadDirect(builder, input, indices);
    };
    scf::LoopNest nest = scf::buildLoopNest(
        rewriter, loc, lbs, ubs, steps, initial,
        [&](OpBuilder &builder, Location loc, ValueRange ivs,
            ValueRange accumulators) {
          SmallVector<OpFoldResult> reduction(ivs.begin(), ivs.end());
          return computePoints(builder, reduction, accumulators, load);
        });
    results = nest.results;
  }

  // An epilogue of another element type is applied as the points are
  // stored (where it is, after the views it reads): the accumulators go
  // to its result, not to the tile's.
  linalg::GenericOp epilogue = getStoreEpilogue(op, init->get());
  if (epilogue)
    rewriter.setInsertionPoint(epilogue);
  for (auto [point, result] : llvm::zip(points, results)) {
    SmallVector<Value> indices =
        applyMap(rewriter, loc, initMap,
                 loopIndicesOf(rewriter, point, noReduction, /*clamp=*/false));
    // A point past a partial tile's edge is not stored.
    Value inside;
    for (auto [dim, value] : llvm::zip(parallelDims, point)) {
      if (!lastIndex[dim] || value == 0)
        continue;
      Value in = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::ult,
          arith::ConstantIndexOp::create(rewriter, loc, value),
          cast<Value>(ranges[dim].size));
      inside = inside ? arith::AndIOp::create(rewriter, loc, inside, in) : in;
    }
    if (!inside) {
      storePoint(rewriter, result, indices, epilogue);
      continue;
    }
    auto guard = scf::IfOp::create(rewriter, loc, inside);
    OpBuilder::InsertionGuard insideGuard(rewriter);
    rewriter.setInsertionPointToStart(guard.thenBlock());
    storePoint(rewriter, result, indices, epilogue);
  }
  if (epilogue)
    rewriter.eraseOp(epilogue);
  rewriter.eraseOp(op);
  if (tileFill)
    rewriter.eraseOp(tileFill);
  return success();
}

struct GPURegisterAccumulatorsPass
    : public impl::GPURegisterAccumulatorsBase<GPURegisterAccumulatorsPass> {
  using Base::Base;
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> tiles;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (isThreadReductionTile(op))
        tiles.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : tiles)
      if (failed(RegisterTile(rewriter, op, distribute).run()))
        return signalPassFailure();
  }
};

} // namespace
} // namespace mlir::effai
