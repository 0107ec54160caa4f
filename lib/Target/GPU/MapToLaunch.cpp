//===- MapToLaunch.cpp - block/thread forall nests to gpu.launch -*- C++ -*-=//
//
// effai-gpu-map-to-launch: one-dimensional grids and blocks, whatever the
// number of tiled loops: the hardware id is delinearized into the loops'
// induction variables, linear_dim_0 fastest, and threads past the edge of
// a partial tile skip the body. A 1-D launch never runs into the y/z
// limits (65535 blocks) and keeps the coalescing order the tiling chose.
//
//===----------------------------------------------------------------------===//

#include "effai/Dialect/Effai/IR/EffaiAttrs.h"
#include "effai/Target/GPU/Passes.h"
#include "effai/Target/GPU/TileUtils.h"

#include "mlir/Dialect/SCF/IR/DeviceMappingInterface.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::effai {
#define GEN_PASS_DEF_GPUMAPTOLAUNCH
#include "effai/Target/GPU/Passes.h.inc"

namespace {

/// Binds the induction variables of `loop` to the hardware id `linear`:
/// delinearized over the loops' largest trip counts (linear_dim_0
/// fastest), scaled by the steps. Returns the values, the product of the
/// trip counts in `total`, and in `guard` the condition that the point is
/// inside the loops (null when always); `surplusIds` when `linear` may
/// exceed the points of the loops.
LogicalResult bindToId(RewriterBase &rewriter, scf::ForallOp loop, Value linear,
                       bool surplusIds, SmallVectorImpl<Value> &ivs,
                       int64_t &total, Value &guard) {
  Location loc = loop.getLoc();
  std::optional<ArrayAttr> mapping = loop.getMapping();
  SmallVector<OpFoldResult> lbs = loop.getMixedLowerBound();
  SmallVector<OpFoldResult> ubs = loop.getMixedUpperBound();
  SmallVector<OpFoldResult> steps = loop.getMixedStep();
  unsigned rank = lbs.size();
  if (!mapping || mapping->size() != rank)
    return loop.emitError("effai-gpu-map-to-launch: loop without a mapping "
                          "per induction variable");
  SmallVector<int64_t> order(rank), counts(rank);
  bool partial = false;
  for (unsigned i = 0; i < rank; ++i) {
    auto id = dyn_cast<DeviceMappingAttrInterface>((*mapping)[i]);
    if (!id || !id.isLinearMapping())
      return loop.emitError("effai-gpu-map-to-launch: mapping ")
             << (*mapping)[i] << " is not a linear block or thread id";
    order[i] = id.getRelativeIndex();
    std::optional<int64_t> lb = getConstantIntValue(lbs[i]);
    std::optional<int64_t> step = getConstantIntValue(steps[i]);
    std::optional<int64_t> ub = getConstantUpperBound(ubs[i]);
    if (!lb || !step || !ub || *step < 1)
      return loop.emitError("effai-gpu-map-to-launch: induction variable ")
             << i << " has no static trip count bound";
    counts[i] = std::max<int64_t>(0, llvm::divideCeil(*ub - *lb, *step));
    partial |= !getConstantIntValue(ubs[i]).has_value();
  }
  // The delinearization basis, outermost (highest linear id) first.
  SmallVector<unsigned> byId(rank);
  std::iota(byId.begin(), byId.end(), 0);
  llvm::sort(byId, [&](unsigned a, unsigned b) { return order[a] > order[b]; });
  SmallVector<int64_t> basis;
  for (unsigned i : byId)
    basis.push_back(counts[i]);
  total = 1;
  for (int64_t count : counts)
    total *= count;
  auto delinearized =
      affine::AffineDelinearizeIndexOp::create(rewriter, loc, linear, basis);
  ivs.assign(rank, Value());
  guard = Value();
  auto conjoin = [&](Value condition) {
    guard =
        guard
            ? arith::AndIOp::create(rewriter, loc, guard, condition).getResult()
            : condition;
  };
  // Ids past the last point (a block with more threads than one tile has
  // points) and points past a partial tile's end do nothing.
  if (surplusIds)
    conjoin(arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::ult, linear,
        arith::ConstantIndexOp::create(rewriter, loc, total)));
  for (auto [position, i] : llvm::enumerate(byId)) {
    Value index = delinearized.getResult(position);
    Value step = getValueOrCreateConstantIndexOp(rewriter, loc, steps[i]);
    Value lb = getValueOrCreateConstantIndexOp(rewriter, loc, lbs[i]);
    Value iv = arith::AddIOp::create(
        rewriter, loc, lb, arith::MulIOp::create(rewriter, loc, index, step));
    ivs[i] = iv;
    if (partial && !getConstantIntValue(ubs[i]))
      conjoin(arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::slt, iv,
          getValueOrCreateConstantIndexOp(rewriter, loc, ubs[i])));
  }
  return success();
}

/// Whether `loop` is mapped to ids of `kind` (blocks or threads).
template <typename MappingAttrT> bool isMappedTo(scf::ForallOp loop) {
  std::optional<ArrayAttr> mapping = loop.getMapping();
  return mapping && !mapping->empty() &&
         llvm::all_of(*mapping,
                      [](Attribute a) { return isa<MappingAttrT>(a); });
}

/// Moves the body of `loop` before `point` with its induction variables
/// replaced, and erases the loop.
void inlineBody(RewriterBase &rewriter, scf::ForallOp loop, Block *into,
                Block::iterator point, ValueRange ivs) {
  Block *body = loop.getBody();
  rewriter.eraseOp(body->getTerminator());
  rewriter.inlineBlockBefore(body, into, point, ivs);
  rewriter.eraseOp(loop);
}

/// The lanes of a warp on the target of `op`'s module (32 without one).
int64_t getWarpSize(Operation *op) {
  TargetAttr target = TargetAttr::lookup(op);
  return target && target.getGpu() ? target.getGpu().getWarpSize() : 32;
}

/// A thread (or warp) loop inside a launch: its body under `if (in
/// bounds)`. A warp loop's id is the thread id over the warp size: the 32
/// lanes of a warp run the same iteration (warp-level operations).
LogicalResult mapThreads(RewriterBase &rewriter, scf::ForallOp loop,
                         Value threadId, int64_t blockThreads,
                         int64_t warpSize) {
  rewriter.setInsertionPoint(loop);
  bool warps = isMappedTo<gpu::GPUWarpMappingAttr>(loop);
  int64_t ids = warps ? blockThreads / warpSize : blockThreads;
  Value id = threadId;
  if (warps)
    id = arith::DivUIOp::create(
        rewriter, loop.getLoc(), threadId,
        arith::ConstantIndexOp::create(rewriter, loop.getLoc(), warpSize));
  SmallVector<Value> ivs;
  int64_t total;
  Value guard;
  if (failed(
          bindToId(rewriter, loop, id, /*surplusIds=*/true, ivs, total, guard)))
    return failure();
  if (total > ids)
    return loop.emitError("effai-gpu-map-to-launch: ")
           << total << (warps ? " warp" : " thread") << " tiles but the block "
           << "has " << ids << (warps ? " warps" : " threads");
  auto ifOp = scf::IfOp::create(rewriter, loop.getLoc(), guard,
                                /*withElseRegion=*/false);
  Block *then = ifOp.thenBlock();
  inlineBody(rewriter, loop, then, then->getTerminator()->getIterator(), ivs);
  return success();
}

/// An outermost block loop: a gpu.launch over its iterations.
LogicalResult mapBlocks(RewriterBase &rewriter, scf::ForallOp loop) {
  if (loop.getNumResults() != 0)
    return loop.emitError("effai-gpu-map-to-launch: the loop is not "
                          "bufferized (it has results)");
  SmallVector<scf::ForallOp> threadLoops;
  loop.getBody()->walk([&](scf::ForallOp inner) {
    if (isMappedTo<gpu::GPUThreadMappingAttr>(inner) ||
        isMappedTo<gpu::GPUWarpMappingAttr>(inner))
      threadLoops.push_back(inner);
  });
  // Threads of the block: as the tiling says, else the largest thread loop.
  int64_t blockThreads = 1;
  if (auto tiling =
          loop->getAttrOfType<GPUTilingAttr>(GPUTilingAttr::getAttrName()))
    blockThreads = tiling.getThreads();
  else
    for (scf::ForallOp inner : threadLoops) {
      int64_t count = 1;
      for (auto [lb, ub, step] :
           llvm::zip(inner.getMixedLowerBound(), inner.getMixedUpperBound(),
                     inner.getMixedStep()))
        count *= llvm::divideCeil(
            std::max<int64_t>(0, getConstantUpperBound(ub).value_or(1) -
                                     getConstantIntValue(lb).value_or(0)),
            std::max<int64_t>(1, getConstantIntValue(step).value_or(1)));
      // A warp loop's iterations are warps of the target's lanes.
      if (isMappedTo<gpu::GPUWarpMappingAttr>(inner))
        count *= getWarpSize(loop);
      blockThreads = std::max(blockThreads, count);
    }

  Location loc = loop.getLoc();
  rewriter.setInsertionPoint(loop);
  SmallVector<Value> ivs;
  int64_t blocks;
  Value guard;
  int64_t gridSize = 1;
  for (auto [lb, ub, step] :
       llvm::zip(loop.getMixedLowerBound(), loop.getMixedUpperBound(),
                 loop.getMixedStep())) {
    std::optional<int64_t> l = getConstantIntValue(lb),
                           u = getConstantIntValue(ub),
                           s = getConstantIntValue(step);
    if (!l || !u || !s)
      return loop.emitError("effai-gpu-map-to-launch: the block loop has a "
                            "dynamic trip count");
    gridSize *= llvm::divideCeil(*u - *l, *s);
  }
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  Value grid = arith::ConstantIndexOp::create(rewriter, loc, gridSize);
  Value threads = arith::ConstantIndexOp::create(rewriter, loc, blockThreads);
  auto launch =
      gpu::LaunchOp::create(rewriter, loc, grid, one, one, threads, one, one);
  Block &body = launch.getBody().front();
  rewriter.setInsertionPointToEnd(&body);
  auto terminator = gpu::TerminatorOp::create(rewriter, loc);
  rewriter.setInsertionPoint(terminator);
  // The grid is sized to the loop: every block id is a point of it.
  if (failed(bindToId(rewriter, loop, launch.getBlockIds().x,
                      /*surplusIds=*/false, ivs, blocks, guard)))
    return failure();
  inlineBody(rewriter, loop, &body, terminator->getIterator(), ivs);
  for (scf::ForallOp inner : threadLoops)
    if (failed(mapThreads(rewriter, inner, launch.getThreadIds().x,
                          blockThreads, getWarpSize(launch))))
      return failure();
  return success();
}

struct GPUMapToLaunchPass
    : public impl::GPUMapToLaunchBase<GPUMapToLaunchPass> {
  void runOnOperation() override {
    SmallVector<scf::ForallOp> blockLoops;
    getOperation().walk([&](scf::ForallOp loop) {
      if (isMappedTo<gpu::GPUBlockMappingAttr>(loop) &&
          !loop->getParentOfType<scf::ForallOp>())
        blockLoops.push_back(loop);
    });
    IRRewriter rewriter(&getContext());
    for (scf::ForallOp loop : blockLoops)
      if (failed(mapBlocks(rewriter, loop)))
        return signalPassFailure();
  }
};

} // namespace
} // namespace mlir::effai
