//===- FoldPolicy.cpp - effai-fpga-fold: PE builds for a part ---*- C++ -*-===//
//
// For a candidate frame interval T, each PE takes the cheapest build that
// meets T; builds that overflow a resource are traded for ones lighter on
// it; a binary search over T finds the fastest design that fits.
//
//===----------------------------------------------------------------------===//

#include "effai/Target/FPGA/Estimator.h"
#include "effai/Target/FPGA/Passes.h"

#include "llvm/Support/FormatVariadic.h"

namespace mlir::effai {
#define GEN_PASS_DEF_FPGAFOLD
#include "effai/Target/FPGA/Passes.h.inc"
} // namespace mlir::effai

using namespace mlir;
using namespace mlir::effai;
using namespace mlir::effai::fpga;

namespace {

SmallVector<int64_t> getDivisors(int64_t n) {
  SmallVector<int64_t> divisors;
  for (int64_t d = 1; d <= n; ++d)
    if (n % d == 0)
      divisors.push_back(d);
  return divisors;
}

/// One way to build a PE, with its estimate.
struct Build {
  FoldAttr fold;
  PEEstimate estimate;
  double cost = 0; // shares of the budget, summed
};

/// A PE and every way to build it, fastest builds first.
struct PEChoices {
  Operation *op;
  LayerProfile profile;
  SmallVector<Build> builds;
};

double getCost(const Resources &r, FPGAAttr part) {
  auto share = [](double used, int64_t available) {
    if (used <= 0)
      return 0.0;
    return available > 0 ? used / double(available) : 1e9;
  };
  return share(r.dsp, part.getDsp()) + share(r.lut, part.getLut()) +
         share(r.ff, part.getFf()) + share(r.bram, part.getBram()) +
         share(r.uram, part.getUram());
}

/// The arithmetics a PE's weights allow on `part`.
SmallVector<StringRef> getArithmetics(const LayerProfile &profile,
                                      FPGAAttr part) {
  SmallVector<StringRef> options = {"lut-mul"};
  if (part.getDsp() > 0) {
    options.push_back("dsp");
    if (part.getDspABits() >= 27 && part.getDspBBits() >= 18 &&
        profile.channelsShareInputs && profile.weightBits <= 8 &&
        profile.weightBits + profile.operandBits <= 18)
      options.push_back("dsp-packed");
  }
  if (profile.pow2Terms > 0)
    options.push_back("shift-add");
  return options;
}

/// Every build of a PE: pe x simd x arithmetic x dense/skip-zeros, each
/// with its cheapest weight storage.
SmallVector<Build> enumerateBuilds(Operation *op, const LayerProfile &profile,
                                   FPGAAttr part, int64_t fifoDepth) {
  MLIRContext *context = op->getContext();
  SmallVector<Build> builds;
  if (!profile.hasProducts()) {
    FoldAttr fold = FoldAttr::get(context, 1, 1, "none", "registers",
                                  std::max<int64_t>(1, profile.inputBits),
                                  fifoDepth, false);
    PEEstimate estimate = estimatePE(profile, fold, part);
    builds.push_back({fold, estimate, getCost(estimate.resources, part)});
    return builds;
  }
  bool pruned =
      2 * profile.getKeptWeights() <= profile.outChannels * profile.reduction;
  // Weights are a ROM: URAM (and iCE40 SPRAM) has no initial contents.
  SmallVector<StringRef> storages = {"registers", "lutram", "bram"};
  for (StringRef arithmetic : getArithmetics(profile, part))
    for (int64_t pe : getDivisors(profile.outChannels)) {
      if (arithmetic == "dsp-packed" && pe % 2 != 0)
        continue;
      for (int64_t simd : getDivisors(profile.reduction))
        for (bool skipZeros : {false, true}) {
          // Packed channel pairs read one input: not a per-channel gather.
          if (skipZeros && (!pruned || arithmetic == "dsp-packed"))
            continue;
          int64_t steps = getStepsPerOutput(profile, pe, simd, skipZeros);
          std::optional<Build> best;
          for (StringRef storage : storages) {
            if (storage == "registers" && steps != 1)
              continue;
            if (storage == "lutram" && part.getLutInputs() < 6)
              continue;
            FoldAttr fold =
                FoldAttr::get(context, pe, simd, arithmetic, storage,
                              profile.accBits, fifoDepth, skipZeros);
            PEEstimate estimate = estimatePE(profile, fold, part);
            double cost = getCost(estimate.resources, part);
            if (!best || cost < best->cost)
              best = Build{fold, estimate, cost};
          }
          builds.push_back(*best);
        }
    }
  return builds;
}

/// The design at interval `interval`: one build per PE, or none when a PE
/// cannot meet it or the builds cannot be made to fit.
std::optional<SmallVector<const Build *>>
chooseBuilds(ArrayRef<PEChoices> pes, int64_t interval, FPGAAttr part,
             double utilization, const Resources &ports) {
  SmallVector<const Build *> chosen;
  for (const PEChoices &pe : pes) {
    const Build *best = nullptr;
    for (const Build &build : pe.builds)
      if (build.estimate.cycles <= interval &&
          (!best || build.cost < best->cost))
        best = &build;
    if (!best)
      return std::nullopt;
    chosen.push_back(best);
  }
  auto total = [&](ArrayRef<const Build *> builds) {
    Resources sum = ports;
    for (const Build *build : builds)
      sum += build->estimate.resources;
    return sum;
  };
  // Trade builds until the peak share of the budget fits: each round takes
  // the single change that lowers the peak share most.
  for (int round = 0; round < 256; ++round) {
    double peak = total(chosen).getPeakShare(part);
    if (peak <= utilization)
      return chosen;
    double bestPeak = peak;
    std::pair<size_t, const Build *> change = {0, nullptr};
    for (auto [index, pe] : llvm::enumerate(pes))
      for (const Build &build : pe.builds) {
        if (build.estimate.cycles > interval || &build == chosen[index])
          continue;
        SmallVector<const Build *> trial(chosen);
        trial[index] = &build;
        double trialPeak = total(trial).getPeakShare(part);
        if (trialPeak < bestPeak - 1e-12) {
          bestPeak = trialPeak;
          change = {index, &build};
        }
      }
    if (!change.second)
      return std::nullopt;
    chosen[change.first] = change.second;
  }
  return std::nullopt;
}

/// FIFO depth of each PE's output. With `frames`, a whole frame (up to
/// 1024 beats): every PE can run a frame ahead of its reader and the
/// slowest PE alone sets the interval, as the estimator assumes. Otherwise
/// 2, or a frame before a linear layer that reads a map (it takes the
/// frame before computing); such FIFOs couple neighbours that produce and
/// consume in bursts (a conv's MAC phases): the digits CNN on xczu9eg ran
/// 11% slower than estimated in Verilator with depth 2, at the estimate
/// with frame FIFOs. The output port has none.
int64_t getFIFODepth(Operation *op, bool frames) {
  Operation *reader = *op->getResult(0).getUsers().begin();
  if (isa<YieldOp>(reader))
    return 2;
  auto stream = cast<StreamType>(op->getResult(0).getType());
  int64_t beats = getBeatCount(stream);
  if (!frames && !isa<LinearOp>(reader))
    return 2;
  return std::clamp<int64_t>(beats, 2, 1024);
}

struct FPGAFold : public mlir::effai::impl::FPGAFoldBase<FPGAFold> {
  using FPGAFoldBase::FPGAFoldBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto target = module->getAttrOfType<TargetAttr>(TargetAttr::getAttrName());
    if (!target || !target.getFpga()) {
      module.emitError("effai-fpga-fold needs an FPGA target: run "
                       "effai-set-target{target=xczu9eg} (or another FPGA "
                       "preset) first");
      return signalPassFailure();
    }
    if (!(utilization > 0 && utilization <= 1)) {
      module.emitError("effai-fpga-fold: utilization must be in (0, 1]");
      return signalPassFailure();
    }
    for (AcceleratorOp accelerator : module.getOps<AcceleratorOp>())
      if (failed(fold(accelerator, target.getFpga())))
        return signalPassFailure();
  }

  /// The fastest design with frame FIFOs, else with shallow ones (a small
  /// part may not hold frame FIFOs).
  LogicalResult fold(AcceleratorOp accelerator, FPGAAttr part) {
    return success(succeeded(fold(accelerator, part, /*frameFIFOs=*/true,
                                  /*quiet=*/true)) ||
                   succeeded(fold(accelerator, part, /*frameFIFOs=*/false,
                                  /*quiet=*/false)));
  }

  LogicalResult fold(AcceleratorOp accelerator, FPGAAttr part, bool frameFIFOs,
                     bool quiet) {
    std::vector<PEChoices> pes;
    SmallVector<int64_t> intervals;
    for (Operation &op : accelerator.getBlock().without_terminator()) {
      PEChoices choices{&op, profileLayer(&op), {}};
      choices.builds = enumerateBuilds(&op, choices.profile, part,
                                       getFIFODepth(&op, frameFIFOs));
      for (const Build &build : choices.builds)
        intervals.push_back(build.estimate.cycles);
      pes.push_back(std::move(choices));
    }
    llvm::sort(intervals);
    intervals.erase(llvm::unique(intervals), intervals.end());
    // The AXI-Stream ports, as the estimator counts them.
    Resources ports = getPortResources(accelerator);
    // The smallest feasible interval (feasibility grows with the interval).
    size_t lo = 0, hi = intervals.size();
    std::optional<SmallVector<const Build *>> best;
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      auto design = chooseBuilds(pes, intervals[mid], part, utilization, ports);
      if (design) {
        best = design;
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    if (!best && quiet)
      return failure();
    if (!best) {
      Resources least;
      for (const PEChoices &pe : pes) {
        const Build *cheapest = &pe.builds.front();
        for (const Build &build : pe.builds)
          if (build.cost < cheapest->cost)
            cheapest = &build;
        least += cheapest->estimate.resources;
      }
      return accelerator.emitError(llvm::formatv(
          "does not fit {0} within {1}% of its resources even fully "
          "folded: needs about {2} DSP, {3} LUT, {4} FF, {5} BRAM, {6} "
          "URAM; the part has {7} DSP, {8} LUT, {9} FF, {10} BRAM, {11} "
          "URAM",
          part.getPart(), int(utilization * 100), int64_t(least.dsp),
          int64_t(least.lut), int64_t(least.ff), int64_t(least.bram),
          int64_t(least.uram), part.getDsp(), part.getLut(), part.getFf(),
          part.getBram(), part.getUram()));
    }
    for (auto [pe, build] : llvm::zip_equal(pes, *best))
      pe.op->setAttr("fold", build->fold);
    return success();
  }
};

} // namespace
