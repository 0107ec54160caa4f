//===- TilingModel.cpp - analytic GPU tiling from #effai.target -*- C++ -*-===//
//
// A thread block computes a tile of the result, each of its threads a
// register tile of that. Bigger register tiles load fewer operands per
// multiply-accumulate (TM + TN loads for TM x TN FMAs) but need registers;
// bigger block tiles read each input fewer times through L2 but leave SMs
// idle and waste work at the edges on small layers. The model predicts
// every candidate's time on the target's roofline and takes the fastest.
// Consecutive threads always walk the result's innermost dimension, so
// their stores (and the loads of inputs laid out like the result) coalesce.
//
//===----------------------------------------------------------------------===//

#include "effai/Target/GPU/TilingModel.h"

#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <cmath>

using namespace mlir;
using namespace mlir::effai;

namespace {

/// Round to the precision the attribute prints.
double rounded(double value) { return std::round(value * 1000) / 1000; }

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// Spreads a budget of `budget` points over `dims` (innermost first): each
/// takes what it can of what is left, so a small innermost dim (a 7-wide
/// feature map) leaves the rest of the budget to the next one out.
void spreadTile(ArrayRef<unsigned> dims, ArrayRef<int64_t> ranges,
                int64_t budget, SmallVectorImpl<int64_t> &tile) {
  for (unsigned dim : dims) {
    tile[dim] = std::max<int64_t>(1, std::min(ranges[dim], budget));
    budget = std::max<int64_t>(1, budget / tile[dim]);
  }
}

/// The machine numbers the model reads.
struct Machine {
  explicit Machine(TargetAttr target) : target(target), gpu(target.getGpu()) {
    SmallVector<MemoryLevelAttr> levels = target.getMemoryLevels();
    shared = levels.front();
    l2 = levels.size() > 2 ? levels[levels.size() - 2] : levels.front();
    hbm = levels.back();
    sms = target.getCores();
  }
  /// GB/s of `level` for `active` SMs.
  static double bandwidth(MemoryLevelAttr level, int64_t active) {
    if (level.getSharedBy() <= 1)
      return level.getBandwidth() * active;
    return std::min<double>(level.getBandwidth() * active,
                            level.getSharedBandwidth());
  }
  double launchUs() const { return target.getForkJoinUs(); }
  /// Blocks of `threads` threads using `registers` registers each that one
  /// SM holds at once (at least one).
  int64_t residentBlocks(int64_t threads, int64_t registers) const {
    return std::max<int64_t>(
        1, std::min(gpu.getMaxThreadsPerSm() / threads,
                    gpu.getRegistersPerSm() / (registers * threads)));
  }

  TargetAttr target;
  GPUAttr gpu;
  MemoryLevelAttr shared, l2, hbm;
  int64_t sms;
};

/// The grid size of a tiling.
int64_t countBlocks(ArrayRef<int64_t> ranges, ArrayRef<int64_t> block) {
  int64_t blocks = 1;
  for (auto [range, tile] : llvm::zip(ranges, block))
    if (tile > 0)
      blocks *= ceilDiv(range, tile);
  return blocks;
}

int64_t countThreads(ArrayRef<int64_t> block, ArrayRef<int64_t> thread) {
  int64_t threads = 1;
  for (auto [b, t] : llvm::zip(block, thread))
    if (b > 0)
      threads *= b / t;
  return threads;
}

/// One register-tile candidate and what the model predicts for it.
struct Candidate {
  SmallVector<int64_t> block, thread;
  int64_t splitK = 1;
  double us = 0, computeUs = 0, sharedUs = 0, l2Us = 0, hbmUs = 0;
};

/// Whether upstream's split reduction applies to `op`: one result, inputs
/// read through plain dimensions (no broadcast constants), and one
/// combiner of the output with a neutral element to start the slices from.
bool canSplitReduction(linalg::LinalgOp op) {
  if (op.getNumDpsInits() != 1 || !op.hasOnlyProjectedPermutations() ||
      op->getNumRegions() != 1 || op->getRegion(0).empty())
    return false;
  Block &body = op->getRegion(0).front();
  SmallVector<Operation *> combiners;
  if (!matchReduction(body.getArguments().take_back(1), 0, combiners) ||
      combiners.size() != 1)
    return false;
  return arith::getNeutralElement(combiners.front()).has_value();
}

/// Reduction splits worth trying: powers of two that divide the one
/// reduction loop into slices of at least 256, for ops with fewer outputs
/// than the GPU holds threads that a split reduction applies to (1
/// otherwise, or with several reduction loops).
SmallVector<int64_t> getSplitCandidates(linalg::LinalgOp op,
                                        ArrayRef<int64_t> ranges,
                                        ArrayRef<unsigned> kDims,
                                        double outputs,
                                        double residentThreads) {
  SmallVector<int64_t> splits = {1};
  if (kDims.size() != 1 || outputs >= residentThreads || !canSplitReduction(op))
    return splits;
  int64_t k = ranges[kDims.front()];
  for (int64_t split = 2; split <= 64 && k % split == 0 && k / split >= 256;
       split *= 2)
    splits.push_back(split);
  return splits;
}

/// Bytes of shared memory one block may stage into: a quarter of what a
/// block may declare statically (48 KiB without the opt-in to more), so
/// that several blocks stay resident on an SM.
int64_t getStagingBudget(GPUAttr gpu) {
  constexpr int64_t kStaticSharedLimit = 48 * 1024;
  return std::min(gpu.getSharedPerBlock(), kStaticSharedLimit) / 4;
}

/// The chunk of the reduction a block stages its operands for through
/// shared memory (0: none): the largest of 32, 16 and 8 that divides the
/// one reduction loop and whose operand slices fit the staging budget.
/// Staged are the inputs the reduction reads, through plain dimensions;
/// the block tiles must be whole (no partial tile, whose idle threads
/// would skip the barriers) and the body free of memory effects.
int64_t selectStageK(linalg::LinalgOp op, const ContractionDims &dims,
                     const Candidate &c, GPUAttr gpu) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (c.splitK != 1 || dims.k.size() != 1 || op.getNumDpsInits() != 1 ||
      !op.hasOnlyProjectedPermutations() || countThreads(c.block, c.thread) < 2)
    return 0;
  for (auto [range, tile] : llvm::zip(ranges, c.block))
    if (ShapedType::isDynamic(range) || (tile > 0 && range % tile != 0))
      return 0;
  for (Operation &inner : op.getBlock()->without_terminator())
    if (!isPure(&inner) || inner.getNumRegions() != 0)
      return 0;
  unsigned k = dims.k.front();
  for (int64_t chunk : {32, 16, 8}) {
    if (ranges[k] % chunk != 0)
      continue;
    int64_t bytes = 0;
    for (OpOperand *input : op.getDpsInputOperands()) {
      auto type = dyn_cast<ShapedType>(input->get().getType());
      AffineMap map = op.getMatchingIndexingMap(input);
      if (!type || !map.isFunctionOfDim(k))
        continue;
      int64_t elements = 1;
      for (AffineExpr expr : map.getResults()) {
        unsigned dim = cast<AffineDimExpr>(expr).getPosition();
        elements *= dim == k ? chunk : c.block[dim];
      }
      bytes += elements * llvm::divideCeil(type.getElementTypeBitWidth(), 8);
    }
    if (bytes > 0 && bytes <= getStagingBudget(gpu))
      return chunk;
  }
  return 0;
}

/// The roof that limits `c`: compute or the slowest memory level.
StringRef getBound(const Machine &machine, const Candidate &c) {
  StringRef bound = "compute";
  double worst = c.computeUs;
  for (auto [name, us] : {std::pair{machine.shared.getName(), c.sharedUs},
                          std::pair{machine.l2.getName(), c.l2Us},
                          std::pair{machine.hbm.getName(), c.hbmUs}})
    if (us > worst) {
      worst = us;
      bound = name;
    }
  return bound;
}

} // namespace

SmallVector<unsigned> mlir::effai::getGPUThreadOrder(linalg::LinalgOp op) {
  SmallVector<unsigned> order;
  AffineMap map = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  for (AffineExpr expr : llvm::reverse(map.getResults()))
    if (auto dim = dyn_cast<AffineDimExpr>(expr))
      if (!llvm::is_contained(order, dim.getPosition()))
        order.push_back(dim.getPosition());
  for (auto [i, iterator] : llvm::enumerate(op.getIteratorTypesArray()))
    if (iterator == utils::IteratorType::parallel &&
        !llvm::is_contained(order, i))
      order.push_back(i);
  return order;
}

GPUTilingAttr
mlir::effai::selectGPUContractionTiling(linalg::LinalgOp op,
                                        const ContractionDims &dims,
                                        const OpCost &cost, TargetAttr target) {
  Machine machine(target);
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  unsigned numLoops = ranges.size();
  // The dims of each group, innermost (in the result) first.
  SmallVector<unsigned> order = getGPUThreadOrder(op);
  auto innermostFirst = [&](ArrayRef<unsigned> group) {
    SmallVector<unsigned> sorted;
    for (unsigned dim : order)
      if (llvm::is_contained(group, dim))
        sorted.push_back(dim);
    return sorted;
  };
  SmallVector<unsigned> mDims = innermostFirst(dims.m);
  SmallVector<unsigned> nDims = innermostFirst(dims.n);
  // Reduction length: what one block streams per output tile.
  int64_t k = dims.getK();
  int64_t maxThreads =
      std::min<int64_t>(machine.gpu.getMaxThreadsPerBlock(), 512);
  // Registers one thread may use and keep two blocks resident per SM.
  int64_t registerBudget =
      std::min<int64_t>(machine.gpu.getMaxRegistersPerThread(), 128);

  // The outputs, for what a split writes and reads back.
  double outputs = 1;
  for (auto [i, iterator] : llvm::enumerate(op.getIteratorTypesArray()))
    if (iterator == utils::IteratorType::parallel)
      outputs *= ranges[i];
  int64_t maxWarpsPerSm =
      machine.gpu.getMaxThreadsPerSm() / machine.gpu.getWarpSize();

  std::optional<Candidate> best;
  double residentThreads =
      double(machine.sms) * machine.gpu.getMaxThreadsPerSm();
  for (int64_t split :
       getSplitCandidates(op, ranges, dims.k, outputs, residentThreads))
    for (int64_t bm : {8, 16, 32, 64, 128})
      for (int64_t bn : {8, 16, 32, 64, 128})
        for (int64_t tm : {1, 2, 4, 8})
          for (int64_t tn : {1, 2, 4, 8}) {
            Candidate c;
            c.splitK = split;
            c.block.assign(numLoops, 1);
            c.thread.assign(numLoops, 1);
            for (unsigned dim : dims.k) {
              c.block[dim] = 0;
              c.thread[dim] = 0;
            }
            spreadTile(mDims, ranges, bm, c.block);
            spreadTile(nDims, ranges, bn, c.block);
            // The register tile lies along the innermost m and n dims.
            int64_t tmDim = mDims.empty() ? 1 : c.block[mDims.front()];
            int64_t tnDim = nDims.empty() ? 1 : c.block[nDims.front()];
            if (tmDim % tm != 0 || tnDim % tn != 0)
              continue;
            if (!mDims.empty())
              c.thread[mDims.front()] = tm;
            if (!nDims.empty())
              c.thread[nDims.front()] = tn;
            int64_t threads = countThreads(c.block, c.thread);
            if (threads < machine.gpu.getWarpSize() && threads < bm * bn)
              continue;
            if (threads > maxThreads || tm * tn + tm + tn + 24 > registerBudget)
              continue;
            // Each reduction slice is a block of its own.
            int64_t blocks = countBlocks(ranges, c.block) * split;
            // Work the grid does, partial tiles included.
            double points = 1;
            for (auto [range, tile] : llvm::zip(ranges, c.block))
              points *= tile > 0 ? double(ceilDiv(range, tile) * tile) : range;
            int64_t registers = tm * tn + tm + tn + 24;
            int64_t resident = machine.residentBlocks(threads, registers);
            int64_t active = std::min(machine.sms, blocks);
            // Each SM runs its share of the blocks at its FMA peak, scaled
            // by the share of issue slots FMAs get (the tm + tn operand
            // loads take the rest) and by how well its resident warps hide
            // the FMA latency (tm x tn independent FMAs each, 4 schedulers).
            int64_t blocksPerSm = ceilDiv(blocks, machine.sms);
            double warps = double(std::min(blocksPerSm, resident) * threads) /
                           machine.gpu.getWarpSize();
            double hiding = std::min(1.0, warps / 4 * tm * tn /
                                              double(target.getFmaLatency()));
            double issue = double(tm * tn) / double(tm * tn + tm + tn);
            // A warp issues for 32 lanes whether or not all have a thread.
            int64_t warpSize = machine.gpu.getWarpSize();
            double lanes =
                double(threads) / double(ceilDiv(threads, warpSize) * warpSize);
            double blockOps = 2 * points / blocks;
            c.computeUs =
                blocksPerSm * blockOps /
                (target.getPeaks().getFp32() * 1e3 * hiding * issue * lanes);
            // Each thread loads tm + tn operands per tm x tn FMAs.
            double operandBytes = cost.macs * (1.0 / tm + 1.0 / tn) * 4;
            c.sharedUs = operandBytes /
                         (Machine::bandwidth(machine.shared, active) * 1e3);
            // Each block streams its (bm + bn) x k/split slices through L2.
            double l2Bytes = double(blocks) * double(bm + bn) * (k / split) * 4;
            c.l2Us = l2Bytes / (Machine::bandwidth(machine.l2, active) * 1e3);
            // DRAM streams only with enough loads in flight: an SM reaches
            // its share of the bandwidth from half its warps resident on
            // (Little's law with the latencies of recent parts). A split
            // writes its partial sums and a second kernel reads them back.
            double occupancy = std::min(1.0, 2 * warps / double(maxWarpsPerSm));
            double hbmBytes = cost.getBytes() +
                              (split > 1 ? 2 * double(split) * outputs * 4 : 0);
            c.hbmUs = hbmBytes / (Machine::bandwidth(machine.hbm, active) *
                                  occupancy * 1e3);
            c.us = std::max({c.computeUs, c.sharedUs, c.l2Us, c.hbmUs}) +
                   machine.launchUs() * (split > 1 ? 2 : 1);
            if (!best || c.us < best->us * 0.999 ||
                (c.us <= best->us * 1.001 &&
                 threads > countThreads(best->block, best->thread)))
              best = std::move(c);
          }
  // A contraction too small for any candidate (a 1x1 product) still runs:
  // one thread.
  if (!best) {
    best.emplace();
    best->block.assign(numLoops, 1);
    best->thread.assign(numLoops, 1);
    for (unsigned dim : dims.k) {
      best->block[dim] = 0;
      best->thread[dim] = 0;
    }
    best->us = best->computeUs = machine.launchUs();
  }
  return GPUTilingAttr::get(
      op.getContext(), "contraction", best->block, best->thread,
      countThreads(best->block, best->thread),
      countBlocks(ranges, best->block) * best->splitK,
      rounded(cost.getIntensity()), getBound(machine, *best), rounded(best->us),
      best->splitK, selectStageK(op, dims, *best, machine.gpu));
}

GPUTilingAttr
mlir::effai::selectGPUTensorCoreTiling(linalg::LinalgOp op,
                                       const TensorCoreContraction &match,
                                       const OpCost &cost, TargetAttr target) {
  Machine machine(target);
  bool integer = match.operandType.isInteger(8);
  double peak =
      integer ? machine.gpu.getTensorInt8() : machine.gpu.getTensorFp16();
  int64_t operandBytes = integer ? 1 : 2;
  if (peak <= 0)
    return {};
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t m = ranges[match.m], n = ranges[match.n], k = ranges[match.k];
  int64_t warpSize = machine.gpu.getWarpSize();
  int64_t registerBudget =
      std::min<int64_t>(machine.gpu.getMaxRegistersPerThread(), 128);
  int64_t maxWarpsPerSm = machine.gpu.getMaxThreadsPerSm() / warpSize;
  std::optional<Candidate> best;
  for (int64_t bm : {16, 32, 64, 128})
    for (int64_t bn : {8, 16, 32, 64, 128})
      for (int64_t wm : {16, 32, 64})
        for (int64_t wn : {8, 16, 32, 64}) {
          // Whole tiles only: the warps read and write without guards.
          if (m % bm != 0 || n % bn != 0 || bm % wm != 0 || bn % wn != 0)
            continue;
          int64_t warps = (bm / wm) * (bn / wn);
          int64_t tilesM = wm / kMmaM, tilesN = wn / kMmaN;
          // Per lane: 4 accumulators per 16 x 8 tile, the A (4) and B (2)
          // fragments of one k step, addresses.
          int64_t registers =
              tilesM * tilesN * 4 + tilesM * 4 + tilesN * 2 + 32;
          int64_t threads = warps * warpSize;
          if (warps > 16 || registers > registerBudget)
            continue;
          Candidate c;
          c.block.assign(ranges.size(), 0);
          c.thread.assign(ranges.size(), 0);
          c.block[match.m] = bm;
          c.block[match.n] = bn;
          c.thread[match.m] = wm;
          c.thread[match.n] = wn;
          int64_t blocks = (m / bm) * (n / bn);
          int64_t resident = machine.residentBlocks(threads, registers);
          int64_t active = std::min(machine.sms, blocks);
          int64_t blocksPerSm = ceilDiv(blocks, machine.sms);
          double warpsPerSm = double(std::min(blocksPerSm, resident) * warps);
          // The SM's four tensor cores stay busy with about four
          // independent mma.sync each in flight: a warp has one per tile.
          double hiding = std::min(1.0, warpsPerSm * tilesM * tilesN / 16.0);
          c.computeUs = blocksPerSm * 2.0 * bm * bn * k / (peak * 1e3 * hiding);
          // Each warp loads wm + wn operand elements per wm x wn MACs.
          double warpBytes =
              cost.macs * (1.0 / wm + 1.0 / wn) * double(operandBytes);
          c.sharedUs =
              warpBytes / (Machine::bandwidth(machine.shared, active) * 1e3);
          double l2Bytes = double(blocks) * double(bm + bn) * k * operandBytes;
          c.l2Us = l2Bytes / (Machine::bandwidth(machine.l2, active) * 1e3);
          double occupancy =
              std::min(1.0, 2 * warpsPerSm / double(maxWarpsPerSm));
          c.hbmUs = cost.getBytes() /
                    (Machine::bandwidth(machine.hbm, active) * occupancy * 1e3);
          c.us = std::max({c.computeUs, c.sharedUs, c.l2Us, c.hbmUs}) +
                 machine.launchUs();
          if (!best || c.us < best->us * 0.999 ||
              (c.us <= best->us * 1.001 &&
               threads > countThreads(best->block, best->thread) * warpSize))
            best = std::move(c);
        }
  if (!best)
    return {};
  // Over warp tiles, the thread count is the block's warps.
  int64_t warps = countThreads(best->block, best->thread);
  return GPUTilingAttr::get(
      op.getContext(), "mma", best->block, best->thread, warps * warpSize,
      countBlocks(ranges, best->block), rounded(cost.getIntensity()),
      getBound(machine, *best), rounded(best->us), /*splitK=*/1,
      /*stageK=*/0);
}

GPUTilingAttr mlir::effai::selectGPULoopTiling(linalg::LinalgOp op,
                                               StringRef kernel,
                                               const OpCost &cost,
                                               TargetAttr target) {
  Machine machine(target);
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<int64_t> block(ranges.size(), 0), thread(ranges.size(), 0);
  SmallVector<unsigned> reductions;
  int64_t points = 1;
  for (auto [i, iterator] : llvm::enumerate(op.getIteratorTypesArray())) {
    if (iterator == utils::IteratorType::parallel) {
      block[i] = thread[i] = 1;
      points *= ranges[i];
    } else {
      reductions.push_back(i);
    }
  }
  // 256 threads a block (fewer for a small op, at least a warp).
  int64_t threads =
      std::min<int64_t>(256, std::max<int64_t>(machine.gpu.getWarpSize(),
                                               llvm::PowerOf2Ceil(points)));
  spreadTile(getGPUThreadOrder(op), ranges, threads, block);
  // A long reduction over too few outputs to fill the GPU (a batch-1 shift
  // kernel) is split, as contractions are, until the slices give half the
  // threads the GPU holds; unless it streams less than a launch costs (a
  // second kernel would only add its launch) and computes less than that
  // on the whole GPU.
  double residentThreads =
      double(machine.sms) * machine.gpu.getMaxThreadsPerSm();
  double streamUs = cost.getBytes() / (machine.hbm.getSharedBandwidth() * 1e3);
  double wholeGpuUs =
      cost.getOps() / (target.getPeaks().getFp32() / 2 * machine.sms * 1e3);
  int64_t split = 1;
  if (std::max(streamUs, wholeGpuUs) > machine.launchUs())
    for (int64_t candidate : getSplitCandidates(
             op, ranges, reductions, double(points), residentThreads))
      if (candidate > split && double(points) * split < residentThreads / 2)
        split = candidate;
  int64_t blocks = countBlocks(ranges, block) * split;
  int64_t active = std::min(machine.sms, blocks);
  // Plain loops reach about half the CUDA-core peak.
  double computeUs =
      cost.getOps() / (target.getPeaks().getFp32() / 2 * active * 1e3);
  double bytes = cost.getBytes() +
                 (split > 1 ? 2 * double(split) * double(points) * 4 : 0);
  double memoryUs = bytes / (Machine::bandwidth(machine.hbm, active) * 1e3);
  double launches = split > 1 ? 2 : 1;
  return GPUTilingAttr::get(
      op.getContext(), kernel, block, thread, countThreads(block, thread),
      blocks, rounded(cost.getIntensity()),
      computeUs >= memoryUs ? StringRef("compute") : machine.hbm.getName(),
      rounded(std::max(computeUs, memoryUs) + machine.launchUs() * launches),
      split, /*stageK=*/0);
}
