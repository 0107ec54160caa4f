//===- TileAndMap.cpp - block and thread forall nests -----------*- C++ -*-===//
//
// effai-gpu-tile-and-map: the mechanism applying #effai.gpu_tiling. Two
// rounds of upstream tile-and-fuse (TilingInterface) make the block loop
// and, inside it, the thread loop; the mapping attributes say which
// hardware index each loop becomes.
//
//===----------------------------------------------------------------------===//

#include "effai/Dialect/Effai/IR/EffaiAttrs.h"
#include "effai/Target/GPU/Passes.h"
#include "effai/Target/GPU/TensorCores.h"
#include "effai/Target/GPU/TileUtils.h"
#include "effai/Target/GPU/TilingModel.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/TilingInterface.h"

namespace mlir::effai {
#define GEN_PASS_DEF_GPUTILEANDMAP
#include "effai/Target/GPU/Passes.h.inc"

namespace {

/// What the loops of a tiling level are mapped to.
enum class MappingLevel { Block, Warp, Thread };

Attribute getMappingId(MLIRContext *context, MappingLevel level,
                       gpu::MappingId id) {
  switch (level) {
  case MappingLevel::Block:
    return gpu::GPUBlockMappingAttr::get(context, id);
  case MappingLevel::Warp:
    return gpu::GPUWarpMappingAttr::get(context, id);
  case MappingLevel::Thread:
    return gpu::GPUThreadMappingAttr::get(context, id);
  }
  llvm_unreachable("unknown mapping level");
}

/// The mapping of the loops `sizes` tiles (non-zero entries, in loop
/// order): linear ids in the order of the result's dimensions, innermost
/// first, so that linear_dim_0 (the fastest) walks the innermost one.
SmallVector<Attribute> getMapping(linalg::LinalgOp op, ArrayRef<int64_t> sizes,
                                  MappingLevel level) {
  SmallVector<unsigned> order = getGPUThreadOrder(op);
  // Tiled loops, fastest first.
  SmallVector<unsigned> tiled;
  for (unsigned dim : order)
    if (dim < sizes.size() && sizes[dim] > 0)
      tiled.push_back(dim);
  SmallVector<Attribute> mapping;
  MLIRContext *context = op.getContext();
  // An op without parallel loops runs on one block of one thread.
  if (tiled.empty())
    return {getMappingId(context, level, gpu::MappingId::LinearDim0)};
  for (auto [dim, size] : llvm::enumerate(sizes)) {
    if (size == 0)
      continue;
    auto id = static_cast<gpu::MappingId>(
        static_cast<uint64_t>(gpu::MappingId::LinearDim0) +
        llvm::find(tiled, unsigned(dim)) - tiled.begin());
    mapping.push_back(getMappingId(context, level, id));
  }
  return mapping;
}

/// An op without parallel loops (a reduction to a scalar) is one tile:
/// wraps it in a one-point scf.forall mapped to `mapping`.
FailureOr<linalg::LinalgOp> wrapInOnePointLoop(RewriterBase &rewriter,
                                               linalg::LinalgOp op,
                                               Attribute mapping,
                                               scf::ForallOp &loop) {
  auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (op->getNumResults() != 1 || !type || !type.hasStaticShape())
    return failure();
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  OpOperand *init = op.getDpsInitOperand(0);
  loop = scf::ForallOp::create(
      rewriter, loc, ArrayRef<OpFoldResult>{rewriter.getIndexAttr(1)},
      ValueRange{init->get()}, rewriter.getArrayAttr({mapping}));
  Value out = loop.getRegionIterArgs().front();
  rewriter.setInsertionPointToStart(loop.getBody());
  auto tile = cast<linalg::LinalgOp>(rewriter.clone(*op));
  rewriter.modifyOpInPlace(tile, [&] { tile.getDpsInitOperand(0)->set(out); });
  rewriter.setInsertionPointToStart(loop.getTerminator().getBody());
  SmallVector<OpFoldResult> zeros(type.getRank(), rewriter.getIndexAttr(0));
  SmallVector<OpFoldResult> ones(type.getRank(), rewriter.getIndexAttr(1));
  tensor::ParallelInsertSliceOp::create(
      rewriter, loc, tile->getResult(0), out, zeros,
      getAsIndexOpFoldResult(rewriter.getContext(), type.getShape()), ones);
  rewriter.replaceOp(op, loop.getResults());
  return tile;
}

/// Tiles `op` into an scf.forall with `sizes` and `mapping`, fusing the
/// linalg.fill that produces its init and an epilogue's contraction: its
/// init in place, or `inputProducer`, the contraction an epilogue of
/// another element type reads. Returns the tiled op.
FailureOr<linalg::LinalgOp>
tileToForall(RewriterBase &rewriter, linalg::LinalgOp op,
             ArrayRef<int64_t> sizes, ArrayRef<Attribute> mapping,
             scf::ForallOp &loop, Operation *inputProducer = nullptr) {
  if (llvm::all_of(sizes, [](int64_t size) { return size == 0; }))
    return wrapInOnePointLoop(rewriter, op, mapping.front(), loop);
  scf::SCFTilingOptions tiling;
  tiling.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
  tiling.setTileSizes(getAsIndexOpFoldResult(op.getContext(), sizes));
  tiling.setMapping(mapping);
  scf::SCFTileAndFuseOptions options;
  options.setTilingOptions(tiling);
  // Destinations are computed in the tile: a contraction's zero fill, and
  // an in-place epilogue's contraction (then the contraction's fill). So is
  // the contraction an epilogue of another type reads, its result yielded
  // by the loops: its tiles are written in place into their slice of the
  // whole (bufferization writes no tensor from outside a parallel loop in
  // place), and its fill is fused as their destination.
  options.setFusionControlFn(
      [inputProducer](tensor::ExtractSliceOp, OpResult producer,
                      bool isDestination)
          -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
        auto linalgOp = dyn_cast<linalg::LinalgOp>(producer.getOwner());
        if (!linalgOp)
          return std::nullopt;
        if (isDestination && (isa<linalg::FillOp>(linalgOp) ||
                              linalgOp.getNumReductionLoops() > 0))
          return scf::SCFTileAndFuseOptions::ControlFnResult{};
        if (!isDestination && linalgOp == inputProducer)
          return scf::SCFTileAndFuseOptions::ControlFnResult{
              /*yieldProducerReplacement=*/true};
        return std::nullopt;
      });
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTileAndFuseResult> result =
      scf::tileConsumerAndFuseProducersUsingSCF(
          rewriter, cast<TilingInterface>(op.getOperation()), options);
  if (failed(result))
    return failure();
  // The root's results, and those of the producer the loops yield, read
  // after them (at the thread level: the block tile's slice of it); its
  // uses in the loop and its shape queries (dropDeadBlockTiles moves those
  // to the loop's init) stay.
  loop = cast<scf::ForallOp>(result->loops.front().getOperation());
  for (auto [value, replacement] : result->replacements) {
    if (value.getDefiningOp() == op.getOperation()) {
      rewriter.replaceAllUsesWith(value, replacement);
      continue;
    }
    rewriter.replaceUsesWithIf(value, replacement, [&](OpOperand &use) {
      return !loop->isAncestor(use.getOwner()) &&
             !isa<tensor::DimOp>(use.getOwner());
    });
  }
  // The fused producers die with their consumer (an epilogue's
  // contraction first, then its fill). An input's producer (an epilogue's
  // contraction of another element type) is fused through a slice of its
  // result that stays behind unread: it goes first.
  rewriter.eraseOp(op);
  loop.walk([&](tensor::ExtractSliceOp slice) {
    if (slice->use_empty())
      rewriter.eraseOp(slice);
  });
  SmallVector<Operation *> producers(result->fusedProducers.begin(),
                                     result->fusedProducers.end());
  for (bool erased = true; erased;) {
    erased = false;
    for (Operation *&producer : producers)
      if (producer && producer->use_empty()) {
        rewriter.eraseOp(producer);
        producer = nullptr;
        erased = true;
      }
  }
  return cast<linalg::LinalgOp>(result->tiledAndFusedOps.front());
}

/// The epilogue effai-select-tiling fused into `op` (its result's one
/// reader, marked `effai.epilogue_of` at the operand reading it), or null.
linalg::GenericOp getMarkedEpilogue(linalg::LinalgOp op) {
  Value result = op->getResult(0);
  if (!result.hasOneUse())
    return {};
  auto epilogue = dyn_cast<linalg::GenericOp>(*result.getUsers().begin());
  auto index =
      epilogue ? epilogue->getAttrOfType<IntegerAttr>(kGPUEpilogueOfAttrName)
               : IntegerAttr();
  if (!index || epilogue->getOperand(index.getInt()) != result)
    return {};
  return epilogue;
}

/// `epilogue` (the marked epilogue of `op`, of `op`'s element type)
/// rewritten to update `op`'s result in place: `op`'s result becomes its
/// init, and the block argument that read it reads the init's instead.
linalg::GenericOp makeInPlaceEpilogue(RewriterBase &rewriter,
                                      linalg::LinalgOp op,
                                      linalg::GenericOp epilogue) {
  Value result = op->getResult(0);
  auto index = epilogue->getAttrOfType<IntegerAttr>(kGPUEpilogueOfAttrName);
  OpOperand &read = epilogue->getOpOperand(index.getInt());
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  for (OpOperand *input : epilogue.getDpsInputOperands()) {
    if (input == &read)
      continue;
    inputs.push_back(input->get());
    maps.push_back(epilogue.getMatchingIndexingMap(input));
  }
  maps.push_back(epilogue.getIndexingMapsArray().back());
  rewriter.setInsertionPoint(epilogue);
  auto inPlace = linalg::GenericOp::create(
      rewriter, epilogue.getLoc(), epilogue->getResultTypes(), inputs, result,
      maps, epilogue.getIteratorTypesArray());
  // The old body, with the contraction's value read from the init.
  Block *body = epilogue.getBody();
  unsigned readArg = read.getOperandNumber();
  Block *newBody = rewriter.createBlock(&inPlace.getRegion());
  IRMapping mapping;
  for (BlockArgument arg : body->getArguments()) {
    if (arg.getArgNumber() == readArg)
      continue;
    bool isInit = arg.getArgNumber() == body->getNumArguments() - 1;
    Value replacement = newBody->addArgument(arg.getType(), arg.getLoc());
    mapping.map(arg, replacement);
    if (isInit)
      mapping.map(body->getArgument(readArg), replacement);
  }
  rewriter.setInsertionPointToStart(newBody);
  for (Operation &inner : *body)
    rewriter.clone(inner, mapping);
  rewriter.replaceOp(epilogue, inPlace->getResults());
  return inPlace;
}

/// `tiling`'s sizes (over `op`'s loops) for `epilogue`, whose loops are
/// `op`'s result dimensions.
SmallVector<int64_t> getEpilogueSizes(linalg::LinalgOp op,
                                      ArrayRef<int64_t> sizes) {
  SmallVector<int64_t> epilogueSizes;
  AffineMap map = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  for (AffineExpr expr : map.getResults())
    epilogueSizes.push_back(sizes[cast<AffineDimExpr>(expr).getPosition()]);
  return epilogueSizes;
}

/// Drops what the block-level tile left behind once the thread loop took
/// over its work: fused ops now only read for their shape (tensor.dim
/// reads the shape of the init they write, through a chain of them: a
/// contraction's, then its fill's), and ops that became dead.
void dropDeadBlockTiles(RewriterBase &rewriter, scf::ForallOp blockLoop) {
  blockLoop.walk([&](tensor::DimOp dim) {
    Value source = dim.getSource();
    while (auto producer = source.getDefiningOp<DestinationStyleOpInterface>())
      source = producer.getTiedOpOperand(cast<OpResult>(source))->get();
    if (source != dim.getSource())
      rewriter.modifyOpInPlace(dim,
                               [&] { dim.getSourceMutable().assign(source); });
  });
  // Users before their operands, so one sweep erases chains.
  for (Operation &op : llvm::make_early_inc_range(
           llvm::reverse(blockLoop.getBody()->getOperations())))
    if (isOpTriviallyDead(&op))
      rewriter.eraseOp(&op);
}

/// Splits `op`'s one reduction loop into `slices` parallel slices (a new
/// outermost dimension of the partial result) and a sum over them.
FailureOr<linalg::SplitReductionResult>
splitReductionInto(RewriterBase &rewriter, linalg::LinalgOp op,
                   int64_t slices) {
  rewriter.setInsertionPoint(op);
  return linalg::splitReduction(
      rewriter, op,
      [&](linalg::LinalgOp) {
        return linalg::SplitReductionOptions{slices, /*index=*/0,
                                             /*innerParallel=*/false};
      },
      /*useAlloc=*/false);
}

/// `sizes` (over the split op's loops) for `part`, a piece of its split:
/// each of `part`'s parallel loops takes the size of the original loop
/// indexing the same result dimension (`originalDims`, the loops of the
/// original result's dimensions) (the slice dimension, the partial
/// result's first, takes 1), reductions stay whole.
SmallVector<int64_t> getSplitSizes(ArrayRef<unsigned> originalDims,
                                   linalg::LinalgOp part,
                                   ArrayRef<int64_t> sizes) {
  AffineMap partMap = part.getMatchingIndexingMap(part.getDpsInitOperand(0));
  // The partial result has one more dimension, the slices, in front.
  unsigned skip = partMap.getNumResults() - originalDims.size();
  SmallVector<int64_t> partSizes(part.getNumLoops(), 0);
  for (auto [i, expr] : llvm::enumerate(partMap.getResults())) {
    unsigned dim = cast<AffineDimExpr>(expr).getPosition();
    partSizes[dim] = i < skip ? 1 : sizes[originalDims[i - skip]];
  }
  return partSizes;
}

/// Remembers the ops a rewrite erased (fused producers die with their
/// consumer's tile), so that the driver does not visit them.
struct ErasedOps : public RewriterBase::Listener {
  void notifyOperationErased(Operation *op) override { erased.insert(op); }
  llvm::DenseSet<Operation *> erased;
};

struct GPUTileAndMapPass : public impl::GPUTileAndMapBase<GPUTileAndMapPass> {
  void runOnOperation() override {
    auto target = TargetAttr::lookup(getOperation());
    if (target && target.getKind() != TargetKind::GPU) {
      getOperation().emitError("effai-gpu-tile-and-map: the target '")
          << target.getName() << "' is not a GPU";
      return signalPassFailure();
    }
    // Tensor-core contractions read their operands as mma.sync does.
    SmallVector<linalg::LinalgOp> mmaOps;
    getOperation().walk([&](linalg::LinalgOp op) {
      auto tiling =
          op->getAttrOfType<GPUTilingAttr>(GPUTilingAttr::getAttrName());
      if (tiling && tiling.getKernel() == "mma")
        mmaOps.push_back(op);
    });
    for (linalg::LinalgOp op : mmaOps) {
      IRRewriter rewriter(op);
      std::optional<TensorCoreContraction> match =
          matchTensorCoreContraction(op);
      if (!match) {
        op->emitError("effai-gpu-tile-and-map: an mma tiling on an op tensor "
                      "cores cannot compute (i8 x i8 -> i32 or f16 x f16 -> "
                      "f32, dimensions multiples of 16, 8 and 32 or 16)");
        return signalPassFailure();
      }
      if (failed(prepareTensorCoreOperands(rewriter, op, *match)))
        return signalPassFailure();
    }
    // Contractions first: their fills are fused, not tiled on their own.
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics() &&
          (op->hasAttr(GPUTilingAttr::getAttrName()) ||
           llvm::is_contained(op.getStaticLoopRanges(), 0)))
        ops.push_back(op);
    });
    std::stable_partition(ops.begin(), ops.end(), [](linalg::LinalgOp op) {
      return !isa<linalg::FillOp>(op);
    });
    ErasedOps listener;
    IRRewriter rewriter(&getContext(), &listener);
    for (linalg::LinalgOp op : ops) {
      if (listener.erased.contains(op))
        continue;
      // A fill fused into every contraction reading it is gone.
      if (isa<linalg::FillOp>(op) && op->use_empty()) {
        rewriter.eraseOp(op);
        continue;
      }
      // No iterations (a zero-size tensor): the result is the init as is.
      if (llvm::is_contained(op.getStaticLoopRanges(), 0)) {
        rewriter.replaceOp(op, op.getDpsInits());
        continue;
      }
      auto tiling =
          op->getAttrOfType<GPUTilingAttr>(GPUTilingAttr::getAttrName());
      if (tiling.getBlock().size() != op.getNumLoops()) {
        op->emitError("effai-gpu-tile-and-map: the tiling has ")
            << tiling.getBlock().size() << " entries but the op has "
            << op.getNumLoops() << " loops";
        return signalPassFailure();
      }
      SmallVector<int64_t> blockSizes(tiling.getBlock());
      SmallVector<int64_t> threadSizes(tiling.getThread());
      // A split reduction: the slices first, each block one slice of one
      // output tile; then the sum of the slices (with the epilogue) over
      // the same output tiles.
      if (tiling.getSplitK() > 1) {
        SmallVector<unsigned> resultDims;
        for (AffineExpr expr :
             op.getMatchingIndexingMap(op.getDpsInitOperand(0)).getResults())
          resultDims.push_back(cast<AffineDimExpr>(expr).getPosition());
        FailureOr<linalg::SplitReductionResult> split =
            splitReductionInto(rewriter, op, tiling.getSplitK());
        if (failed(split)) {
          op->emitError("effai-gpu-tile-and-map: cannot split the reduction "
                        "into ")
              << tiling.getSplitK() << " slices";
          return signalPassFailure();
        }
        // The split op took the original's place (and its epilogue mark's
        // target): `op` is gone.
        linalg::LinalgOp slices = split->splitLinalgOp;
        if (failed(tileAndMap(
                rewriter, slices, getSplitSizes(resultDims, slices, blockSizes),
                getSplitSizes(resultDims, slices, threadSizes), tiling)))
          return signalPassFailure();
        SmallVector<int64_t> sumBlock = getSplitSizes(
            resultDims, split->resultCombiningLinalgOp, blockSizes);
        SmallVector<int64_t> sumThread = getSplitSizes(
            resultDims, split->resultCombiningLinalgOp, threadSizes);
        if (failed(tileAndMap(rewriter, split->resultCombiningLinalgOp,
                              sumBlock, sumThread, tiling)))
          return signalPassFailure();
        continue;
      }
      if (failed(tileAndMap(rewriter, op, blockSizes, threadSizes, tiling)))
        return signalPassFailure();
    }
  }

  /// Tiles `op` (or its in-place epilogue, with `op` fused) into block and
  /// thread foralls of the given sizes; the block loop keeps `tiling`.
  LogicalResult tileAndMap(RewriterBase &rewriter, linalg::LinalgOp op,
                           SmallVector<int64_t> blockSizes,
                           SmallVector<int64_t> threadSizes,
                           GPUTilingAttr tiling) {
    // With a fused epilogue the epilogue is the root and the contraction
    // (and its fill) are fused into its tiles: as its init when it keeps
    // the contraction's element type, else as the input it reads.
    linalg::LinalgOp root = op;
    // The operand of the epilogue that reads the contraction, when it is
    // not in place.
    std::optional<int64_t> epilogueInput;
    if (linalg::GenericOp epilogue = getMarkedEpilogue(op)) {
      bool inPlace = getElementTypeOrSelf(epilogue->getResult(0)) ==
                     getElementTypeOrSelf(op->getResult(0));
      if (!inPlace)
        epilogueInput =
            epilogue->getAttrOfType<IntegerAttr>(kGPUEpilogueOfAttrName)
                .getInt();
      root = inPlace ? makeInPlaceEpilogue(rewriter, op, epilogue) : epilogue;
      blockSizes = getEpilogueSizes(op, blockSizes);
      threadSizes = getEpilogueSizes(op, threadSizes);
    }
    scf::ForallOp blockLoop, threadLoop;
    FailureOr<linalg::LinalgOp> blockTile =
        tileToForall(rewriter, root, blockSizes,
                     getMapping(root, blockSizes, MappingLevel::Block),
                     blockLoop, epilogueInput ? op.getOperation() : nullptr);
    if (failed(blockTile))
      return op->emitError("effai-gpu-tile-and-map: cannot tile into blocks");
    linalg::LinalgOp tileOp = *blockTile;
    // Tensor-core tiles belong to warps: all 32 lanes compute one.
    bool mma = tiling.getKernel() == "mma";
    FailureOr<linalg::LinalgOp> threadTile = tileToForall(
        rewriter, tileOp, threadSizes,
        getMapping(tileOp, threadSizes,
                   mma ? MappingLevel::Warp : MappingLevel::Thread),
        threadLoop,
        epilogueInput ? tileOp->getOperand(*epilogueInput).getDefiningOp()
                      : nullptr);
    if (failed(threadTile))
      return blockLoop->emitError("effai-gpu-tile-and-map: cannot tile into "
                                  "threads");
    // The contraction's tile: the root's, or the one the epilogue reads.
    Operation *contractionTile =
        epilogueInput
            ? (*threadTile)->getOperand(*epilogueInput).getDefiningOp()
            : threadTile->getOperation();
    if (!isa_and_nonnull<linalg::LinalgOp>(contractionTile))
      return op->emitError("effai-gpu-tile-and-map: the contraction was not "
                           "fused into its epilogue's thread tiles");
    if (mma)
      contractionTile->setAttr(kGPUMmaTileAttrName, rewriter.getUnitAttr());
    if (epilogueInput)
      (*threadTile)->setAttr(kGPUEpilogueTileAttrName, rewriter.getUnitAttr());
    dropDeadBlockTiles(rewriter, blockLoop);
    // The tiles (and fused fills) are not tiled again.
    blockLoop.walk([](linalg::LinalgOp tile) {
      tile->removeAttr(GPUTilingAttr::getAttrName());
      tile->removeAttr(kGPUEpilogueOfAttrName);
    });
    blockLoop->setAttr(GPUTilingAttr::getAttrName(), tiling);
    return success();
  }
};

} // namespace
} // namespace mlir::effai
