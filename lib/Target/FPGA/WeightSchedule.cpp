//===- WeightSchedule.cpp - what the FPGA emitters share ------------------===//

#include "effai/Target/FPGA/WeightSchedule.h"

#include "effai/Target/FPGA/Estimator.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::effai;
using namespace mlir::effai::fpga;

LogicalResult mlir::effai::fpga::checkBuildable(Operation *pe,
                                                const LayerProfile &profile,
                                                FoldAttr fold,
                                                StringRef emitter) {
  auto error = [&]() { return pe->emitError(emitter) << ": "; };
  if (!fold)
    return error() << "the PE has no fold (run effai-fpga-fold, or give it "
                      "#effai_fpga.fold)";
  if (!profile.hasProducts())
    return success();
  StringRef arithmetic = fold.getArithmetic();
  if (fold.getAccBits() < profile.accBits)
    return error() << "fold acc_bits " << fold.getAccBits()
                   << " is narrower than the " << profile.accBits
                   << " bits the weights can sum to";
  if (profile.requantizes && profile.accBits > 32)
    return error() << "requantization takes i32 accumulators; the weights "
                      "can sum to "
                   << profile.accBits << " bits";
  if (fold.getStorage() == "uram")
    return error() << "weights are a ROM, which URAM cannot hold (it has no "
                      "initial contents): use bram";
  if (arithmetic == "shift-add" && profile.pow2Terms == 0)
    return error() << "shift-add needs weights that are sums of at most two "
                      "powers of two";
  if (arithmetic == "dsp-packed" &&
      (fold.getPe() % 2 != 0 || fold.getSkipZeros() ||
       !profile.channelsShareInputs || profile.weightBits > 8 ||
       profile.weightBits + profile.operandBits > 18))
    return error() << "dsp-packed needs an even pe, channels that read the "
                      "same inputs (no groups, no skip_zeros), int8 weights "
                      "and products within 18 bits";
  return success();
}

int64_t mlir::effai::fpga::getIndexBits(int64_t count) {
  return std::max<int64_t>(1, llvm::Log2_64_Ceil(count));
}

int64_t mlir::effai::fpga::getInputIndex(Operation *pe, int64_t o, int64_t k) {
  auto conv = dyn_cast<Conv2DOp>(pe);
  if (!conv || conv.getGroups() == 1)
    return k;
  int64_t channels = conv.getInput().getType().getShape()[2];
  int64_t groupChannels = channels / conv.getGroups();
  int64_t groupOutputs =
      conv.getOutput().getType().getShape()[2] / conv.getGroups();
  return k / groupChannels * channels + o / groupOutputs * groupChannels +
         k % groupChannels;
}

WeightSchedule mlir::effai::fpga::scheduleWeights(Operation *pe,
                                                  FoldAttr fold) {
  ElementsAttr weights = isa<Conv2DOp>(pe) ? cast<Conv2DOp>(pe).getWeights()
                                           : cast<LinearOp>(pe).getWeights();
  SmallVector<int64_t> codes = readIntegers(weights);
  int64_t outChannels = weights.getShapedType().getDimSize(0);
  int64_t reduction = codes.size() / outChannels;
  int64_t lanesPE = fold.getPe(), simd = fold.getSimd();
  bool skipZeros = fold.getSkipZeros();

  WeightSchedule schedule;
  auto input = cast<StreamType>(pe->getOperand(0).getType());
  schedule.inputs = input.getNumElements();
  if (auto conv = dyn_cast<Conv2DOp>(pe)) {
    ArrayRef<int64_t> kernel = weights.getShapedType().getShape();
    schedule.inputs = kernel[1] * kernel[2] * input.getShape()[2];
  }
  for (int64_t g = 0; g < outChannels / lanesPE; ++g) {
    // Each channel's weights in the order the PE visits them.
    SmallVector<SmallVector<std::pair<int64_t, int64_t>>> visits(lanesPE);
    size_t most = 0;
    for (int64_t p = 0; p < lanesPE; ++p) {
      int64_t o = g * lanesPE + p;
      for (int64_t k = 0; k < reduction; ++k) {
        int64_t w = codes[o * reduction + k];
        if (!skipZeros || w != 0)
          visits[p].push_back({getInputIndex(pe, o, k), w});
      }
      most = std::max(most, visits[p].size());
    }
    int64_t steps = std::max<int64_t>(1, (most + simd - 1) / simd);
    schedule.groupSteps.push_back(steps);
    for (int64_t step = 0; step < steps; ++step) {
      SmallVector<std::pair<int64_t, int64_t>> word;
      for (int64_t p = 0; p < lanesPE; ++p)
        for (int64_t l = 0; l < simd; ++l) {
          size_t i = step * simd + l;
          word.push_back(i < visits[p].size()
                             ? visits[p][i]
                             : std::pair<int64_t, int64_t>{0, 0});
        }
      schedule.steps.push_back(std::move(word));
    }
  }
  return schedule;
}
