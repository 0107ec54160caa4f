//===- Estimator.h - cycles and resources of a streaming accelerator -*- C++
//-*-//
//
// The FPGA target's cost model. A layer's profile is what it computes per
// frame, independent of folding; an estimate adds a fold and a part:
// cycles per frame (the iterations of the PE's II=1 loops, which the C
// simulation counts), DSPs (exact by rule, packing included), LUTs (a
// per-arithmetic model), flip-flops, BRAM/URAM from widths and depths.
// effai-fpga-fold searches with it; the report prints it.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_TARGET_FPGA_ESTIMATOR_H
#define EFFAI_TARGET_FPGA_ESTIMATOR_H

#include "effai/Dialect/Effai/IR/EffaiAttrs.h"
#include "effai/Dialect/FPGA/IR/FPGA.h"

namespace mlir::effai::fpga {

/// What a PE computes per frame, independent of how it is folded.
struct LayerProfile {
  /// conv2d / linear (0 for PEs without products): output channels O and
  /// weights per output channel K (KH * KW * C / groups, or the inputs).
  int64_t outChannels = 0;
  int64_t reduction = 0;
  /// Inputs the MAC engine picks from: a window's KH * KW * C, a linear
  /// layer's frame.
  int64_t operands = 0;
  /// Output vectors (pixels) per frame: one MAC-array pass each.
  int64_t outputs = 0;
  /// Iterations of the input loop per frame: padded pixels for windows,
  /// beats otherwise.
  int64_t inputIterations = 0;
  /// Input loop iterations until the first output can be computed.
  int64_t firstOutputInputs = 0;
  /// Non-zero weights of each output channel.
  SmallVector<int64_t> kept;
  /// Bits of a stream code, of (code - zero point) signed, of the widest
  /// weight (signed), of the exact worst-case accumulator, of an output.
  int64_t inputBits = 0, operandBits = 0, weightBits = 0, accBits = 0,
          outputBits = 0;
  /// Every weight is a sum of at most this many ±2^k (1 or 2), else 0;
  /// `maxShift` is the largest k.
  int64_t pow2Terms = 0, maxShift = 0;
  /// Bits of one input beat (a pixel); a window's line buffer (a word of
  /// KH - 1 pixels per padded column) and its registers (pixels).
  int64_t pixelBits = 0, lineBufferWidth = 0, lineBufferDepth = 0,
          windowPixels = 0;
  /// Bits of the registers a linear PE holds its whole input frame in.
  int64_t frameBits = 0;
  /// Bits of one beat of the output stream.
  int64_t outputBeatBits = 0;
  /// Whether the output goes through a FIFO to the next PE (not straight
  /// to an output port).
  bool feedsFIFO = true;
  /// Whether the output is requantized (a fixed-point multiply per output).
  bool requantizes = false;
  /// Whether every output channel reads the same inputs (not a grouped
  /// convolution): what packing two channels' products into one DSP needs.
  bool channelsShareInputs = true;

  bool hasProducts() const { return outChannels > 0; }
  int64_t getKeptWeights() const;
};

/// The name of the `index`th PE of its accelerator in reports and the C
/// simulation's counters: its model layer, else e.g. "conv2d0".
std::string getPEName(Operation *pe, int64_t index);

/// The integers of a weight or bias constant.
SmallVector<int64_t> readIntegers(ElementsAttr attr);

/// w = s0 * 2^e0 + s1 * 2^e1 with s0, s1 in {-1, 0, 1}.
struct Pow2Terms {
  int64_t s0 = 0, e0 = 0, s1 = 0, e1 = 0;
};
/// `w` as at most two signed powers of two, or none.
std::optional<Pow2Terms> decomposePow2(int64_t w);

/// Profiles a PE (conv2d, linear, maxpool or clamp).
LayerProfile profileLayer(Operation *pe);

/// Where a memory is built: effai_rtl.v's effai_ram STYLE codes.
enum class MemoryStyle : int64_t { Logic = 0, LUTRAM = 1, BlockRAM = 2 };

/// The cheapest place for a buffer (a FIFO, a line buffer) of `depth`
/// words of `width` bits: registers when it holds two words at most, else
/// LUTRAM up to 64 deep where the part has 6-input LUTs, else block RAM.
MemoryStyle getBufferStyle(int64_t width, int64_t depth, FPGAAttr part);

/// The memory of a fold's weight storage.
MemoryStyle getWeightStyle(FoldAttr fold);

/// Whether MAC lanes read their inputs in chunks of SIMD, chunk c in a
/// group's step c (a dense PE whose channels read the same inputs): the
/// ROM holds no input indices and the lanes share one multiplexer over
/// chunks (none when one chunk covers the reduction).
bool readsInputsInChunks(const LayerProfile &profile, FoldAttr fold);

/// Bits of a MAC lane's weight in a ROM word (shift-add: two 2-bit signs
/// and two exponents), and of its whole entry: the weight and, unless the
/// lanes read their inputs in chunks, the index of its input.
int64_t getROMWeightBits(const LayerProfile &profile, FoldAttr fold);
int64_t getROMEntryBits(const LayerProfile &profile, FoldAttr fold);

/// Iterations of the MAC loop per output vector under a fold: (O / pe) *
/// ceil(K / simd), or with skip_zeros the sum over groups of pe channels of
/// ceil(max kept / simd).
int64_t getStepsPerOutput(const LayerProfile &profile, int64_t pe, int64_t simd,
                          bool skipZeros);

/// skip_zeros: the steps of each group of `pe` output channels.
SmallVector<int64_t> getGroupSteps(const LayerProfile &profile, int64_t pe,
                                   int64_t simd);

/// Resources in the part's units.
struct Resources {
  double dsp = 0, lut = 0, ff = 0, bram = 0, uram = 0;
  Resources &operator+=(const Resources &other);
  /// Whether every resource is within `fraction` of the part's.
  bool fits(FPGAAttr part, double fraction) const;
  /// The largest used fraction of the part over all resources.
  double getPeakShare(FPGAAttr part) const;
};

struct PEEstimate {
  /// Cycles per frame: the PE's loop iterations at II = 1.
  int64_t cycles = 0;
  /// Cycles from the first input to the first output.
  int64_t firstOutput = 0;
  /// Multiply-accumulates per frame (kept weights only).
  int64_t macs = 0;
  /// Products computed per cycle (pe * simd) and multiplier blocks.
  int64_t lanes = 0;
  Resources resources;
  /// Where weights live and how many blocks they take.
  int64_t weightBits = 0;
};

/// The default fold of a PE: fully folded (pe = simd = 1), the cheapest
/// arithmetic its weights allow on `part`, exact accumulators, FIFOs of 2.
FoldAttr getDefaultFold(Operation *pe, const LayerProfile &profile,
                        FPGAAttr part);

/// Estimates one PE under `fold` on `part`.
PEEstimate estimatePE(const LayerProfile &profile, FoldAttr fold,
                      FPGAAttr part);

/// The AXI-Stream ports of an accelerator (LUTs of their interfaces).
Resources getPortResources(AcceleratorOp accelerator);

/// The whole accelerator: PEs in order, totals, the frame interval (the
/// slowest PE) and the latency of one frame.
struct AcceleratorEstimate {
  SmallVector<std::pair<Operation *, PEEstimate>> pes;
  Resources total;
  int64_t interval = 0;
  int64_t latency = 0;
};

/// Estimates every PE with its fold (the default fold where it has none).
AcceleratorEstimate estimateAccelerator(AcceleratorOp accelerator,
                                        FPGAAttr part);

} // namespace mlir::effai::fpga

#endif // EFFAI_TARGET_FPGA_ESTIMATOR_H
