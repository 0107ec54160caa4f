//===- WeightSchedule.h - what the FPGA emitters share ----------*- C++ -*-===//
//
// What every FPGA emitter (HLS C++, Verilog) checks and lays out the same
// way: whether a PE's fold can be built, and the order a MAC
// PE's weights one word of pe x simd lanes per cycle, groups of pe output
// channels one after another; each lane a weight and the index of the
// input it multiplies (all weights, or under skip_zeros the kept ones).
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_TARGET_FPGA_WEIGHTSCHEDULE_H
#define EFFAI_TARGET_FPGA_WEIGHTSCHEDULE_H

#include "effai/Dialect/FPGA/IR/FPGA.h"
#include "effai/Target/FPGA/Estimator.h"

namespace mlir::effai::fpga {

struct WeightSchedule {
  /// [step][lane]: (input index, weight); lanes of channel p are
  /// p * simd ... p * simd + simd - 1. Unused lanes hold (0, 0).
  SmallVector<SmallVector<std::pair<int64_t, int64_t>>> steps;
  /// Cycles of each group of pe output channels (they sum to steps).
  SmallVector<int64_t> groupSteps;
  /// Inputs the indices address: a window's KH * KW * C, or the linear
  /// layer's input frame.
  int64_t inputs = 0;
};

/// Whether `pe` can be built as `fold` says (a fold is present, its
/// accumulators hold every sum, its weights suit its arithmetic and
/// storage); an error at the PE, prefixed with `emitter`, otherwise.
LogicalResult checkBuildable(Operation *pe, const LayerProfile &profile,
                             FoldAttr fold, StringRef emitter);

/// Bits of an unsigned index up to `count - 1` (at least 1): input
/// indices, shift-add exponents.
int64_t getIndexBits(int64_t count);

/// The schedule of a conv2d or linear PE under `fold`.
WeightSchedule scheduleWeights(Operation *pe, FoldAttr fold);

/// The input of output channel `o`'s k-th weight in the PE's input vector:
/// a window's [KH][KW][C] with the channel offset of `o`'s group, or `k`.
int64_t getInputIndex(Operation *pe, int64_t o, int64_t k);

} // namespace mlir::effai::fpga

#endif // EFFAI_TARGET_FPGA_WEIGHTSCHEDULE_H
