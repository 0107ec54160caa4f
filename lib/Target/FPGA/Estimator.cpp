//===- Estimator.cpp - cycles and resources of a streaming accelerator ----===//
//
// Cycles follow the PE templates of the emitted HLS C++ exactly: each
// iteration of a per-cycle loop (a pixel or beat read, a MAC step) is one
// cycle, as the C simulation counts them; pipeline fill, which Vitis adds
// per loop entry, is not modelled. DSPs
// follow from the multiplier widths; LUTs, FFs and RAM blocks from the
// models below, after FINN-R's (LUT ~ products, adders and control; BRAM
// from width and depth over the block's aspect ratios).
//
//===----------------------------------------------------------------------===//

#include "effai/Target/FPGA/Estimator.h"
#include "effai/Target/FPGA/WeightSchedule.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>

using namespace mlir;
using namespace mlir::effai;
using namespace mlir::effai::fpga;

namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// Bits of a signed integer holding every value in [lo, hi].
int64_t getSignedBits(int64_t lo, int64_t hi) {
  int64_t bits = 1;
  while (lo < -(int64_t(1) << (bits - 1)) ||
         hi > (int64_t(1) << (bits - 1)) - 1)
    ++bits;
  return bits;
}

/// Terms of w as a sum or difference of powers of two (1 or 2), else 0;
/// raises `maxShift` to the largest exponent used.
int64_t getPow2Terms(int64_t w, int64_t &maxShift) {
  std::optional<Pow2Terms> terms = decomposePow2(w);
  if (!terms)
    return 0;
  maxShift = std::max({maxShift, terms->e0, terms->e1});
  return terms->s1 != 0 ? 2 : 1;
}

/// The MAC part of a conv2d or linear PE.
void profileProducts(LayerProfile &profile, StreamType input,
                     ElementsAttr weights, ElementsAttr bias, int64_t zeroPoint,
                     bool requantizes, StreamType output) {
  auto [lo, hi] = getCodeRange(input.getElementType());
  profile.inputBits = input.getElementType().getWidth();
  profile.operandBits = getSignedBits(lo - zeroPoint, hi - zeroPoint);
  profile.outChannels = weights.getShapedType().getDimSize(0);
  profile.reduction =
      weights.getShapedType().getNumElements() / profile.outChannels;
  SmallVector<int64_t> codes = readIntegers(weights);
  SmallVector<int64_t> biases = readIntegers(bias);
  int64_t wMin = 0, wMax = 0, accMin = 0, accMax = 0, terms = 1;
  for (int64_t o = 0; o < profile.outChannels; ++o) {
    int64_t kept = 0, high = biases[o], low = biases[o];
    for (int64_t w :
         ArrayRef(codes).slice(o * profile.reduction, profile.reduction)) {
      kept += w != 0;
      wMin = std::min(wMin, w);
      wMax = std::max(wMax, w);
      high += std::max(w * (lo - zeroPoint), w * (hi - zeroPoint));
      low += std::min(w * (lo - zeroPoint), w * (hi - zeroPoint));
      int64_t t = getPow2Terms(w, profile.maxShift);
      terms = (t == 0 || terms == 0) ? 0 : std::max(terms, t);
    }
    profile.kept.push_back(kept);
    accMin = std::min(accMin, low);
    accMax = std::max(accMax, high);
  }
  profile.weightBits = std::max<int64_t>(2, getSignedBits(wMin, wMax));
  profile.accBits = getSignedBits(accMin, accMax);
  profile.pow2Terms = terms;
  profile.requantizes = requantizes;
  profile.outputBits = output.getElementType().getWidth();
  profile.outputBeatBits = output.getShape().back() * profile.outputBits;
}

/// The line buffer and window of a KH x KW window sliding over [H, W, C]
/// padded to Wp columns: KH - 1 rows, a word per column, and KH x KW
/// pixels are held.
void profileWindow(LayerProfile &profile, StreamType input, int64_t kh,
                   int64_t kw, int64_t paddedWidth) {
  profile.pixelBits = input.getShape()[2] * input.getElementType().getWidth();
  if (kh > 1) {
    profile.lineBufferWidth = (kh - 1) * profile.pixelBits;
    profile.lineBufferDepth = paddedWidth;
  }
  profile.windowPixels = kh * kw;
  profile.firstOutputInputs = (kh - 1) * paddedWidth + kw;
}

/// Blocks of a memory `width` bits wide and `depth` deep, over the
/// block's aspect ratios (BRAM18: 16K x 1 ... 512 x 36; iCE40 EBR: 2K x 2
/// ... 256 x 16).
int64_t getRAMBlocks(int64_t width, int64_t depth, int64_t blockBits) {
  if (width <= 0 || depth <= 0 || blockBits <= 0)
    return 0;
  SmallVector<std::pair<int64_t, int64_t>> aspects;
  if (blockBits == 18432)
    aspects = {{1, 16384}, {2, 8192},  {4, 4096},
               {9, 2048},  {18, 1024}, {36, 512}};
  else // iCE40 EBR: 2K x 2 ... 256 x 16
    for (int64_t w = 2; w <= 16 && w <= blockBits; w *= 2)
      aspects.push_back({w, blockBits / w});
  int64_t best = std::numeric_limits<int64_t>::max();
  for (auto [w, d] : aspects)
    best = std::min(best, ceilDiv(width, w) * ceilDiv(depth, d));
  return best;
}

/// LUTs of logic per 6-input LUT's worth, per LUT size (calibrated on
/// yosys's synth_xilinx and synth_ice40: benchmarks/fpga/
/// calibrate_synthesis.py); shift-add's shifters pack better into 4-input
/// LUTs than the rest.
double getLUTFactor(FPGAAttr part) {
  return part.getLutInputs() >= 6 ? 1.0 : 2.0;
}
/// Adder bits per LUT relative to a 6-input LUT's one (calibrated on
/// yosys: an iCE40 adder bit's LUT4 takes no other logic).
double getAdderLUTFactor(FPGAAttr part) {
  return part.getLutInputs() >= 6 ? 1.0 : 1.4;
}
double getMultiplierLUTFactor(FPGAAttr part) {
  return part.getLutInputs() >= 6 ? 1.0 : 0.75;
}

/// Multiplier blocks for an a x b-bit product (`unsignedB`: b's bits are
/// unsigned), split as yosys's mul2dsp splits it: the wider operand on the
/// A port, each operand cut into chunks a port wide, a bit less (its sign)
/// where the block multiplies signed numbers only (Xilinx DSPs; iCE40
/// SB_MAC16s take unsigned too).
int64_t getDSPsPerProduct(int64_t a, int64_t b, FPGAAttr part,
                          bool unsignedB = false) {
  int64_t pa = part.getDspABits(), pb = part.getDspBBits();
  bool signedOnly = part.getFamily() != "ice40";
  if (signedOnly && unsignedB)
    ++b;
  int64_t wide = std::max(a, b), narrow = std::min(a, b);
  if (wide <= pa && narrow <= pb)
    return 1;
  // Chunks of a port's width (less the sign where only signed numbers
  // multiply); a last chunk of one bit is added in logic, not a DSP.
  auto chunks = [&](int64_t bits, int64_t port) {
    int64_t width = port - (signedOnly ? 1 : 0);
    return std::max<int64_t>(1, bits / width + (bits % width >= 2 ? 1 : 0));
  };
  return chunks(wide, pa) * chunks(narrow, pb);
}

/// Adds a memory of `depth` words of `width` bits built as `style` (the
/// Verilog's effai_ram): registers (none for a ROM: LUTs, 2^k words per
/// k-input LUT) and a read multiplexer; LUTRAM (UltraScale's RAM32M16:
/// 32 x 14 bits in 8 LUTs; RAM64M8: 64 x 7, in banks); block RAM over its
/// aspect ratios. `registeredRead`: the read data is a register (effai_ram's
/// synchronous read; a block RAM has its own).
void addMemory(Resources &r, MemoryStyle style, int64_t width, int64_t depth,
               bool rom, bool registeredRead, FPGAAttr part) {
  if (width <= 0 || depth <= 0)
    return;
  // (A logic ROM's read register moves to its address in synthesis.)
  if (registeredRead && style != MemoryStyle::BlockRAM &&
      !(rom && style == MemoryStyle::Logic))
    r.ff += width;
  switch (style) {
  case MemoryStyle::Logic:
    if (rom) {
      // A LUT per distinct bit column (at most 2^depth of them).
      int64_t columns =
          depth < 16 ? std::min(width, int64_t(1) << depth) : width;
      r.lut += columns * ceilDiv(depth, int64_t(1) << part.getLutInputs());
    } else {
      r.ff += width * depth;
      r.lut += depth > 1 ? width : 0;
    }
    break;
  case MemoryStyle::LUTRAM: {
    // Deeper than 64: banks of 64 and a multiplexer over them per bit.
    int64_t banks = ceilDiv(depth, 64);
    r.lut += depth <= 32 ? width * 8.0 / 14
                         : width * banks * 8.0 / 7 + width * (banks - 1);
    break;
  }
  case MemoryStyle::BlockRAM:
    r.bram += getRAMBlocks(width, depth, part.getBramBits());
    break;
  }
}

/// A line buffer where getBufferStyle puts it (read a cycle ahead, into a
/// register).
void addLineBuffer(Resources &r, int64_t width, int64_t depth, FPGAAttr part) {
  addMemory(r, getBufferStyle(width, depth, part), width, depth,
            /*rom=*/false, /*registeredRead=*/true, part);
}

/// A FIFO where getBufferStyle puts it: registers and LUTRAM read
/// asynchronously, a block RAM FIFO into an output register.
void addFIFO(Resources &r, int64_t width, int64_t depth, FPGAAttr part) {
  MemoryStyle style = getBufferStyle(width, depth, part);
  addMemory(r, style, width, depth, /*rom=*/false, /*registeredRead=*/false,
            part);
  if (style == MemoryStyle::BlockRAM)
    r.ff += width;
}

} // namespace

MemoryStyle mlir::effai::fpga::getBufferStyle(int64_t width, int64_t depth,
                                              FPGAAttr part) {
  if (depth <= 2)
    return MemoryStyle::Logic;
  if (part.getLutInputs() >= 6 && depth <= 64)
    return MemoryStyle::LUTRAM;
  return MemoryStyle::BlockRAM;
}

MemoryStyle mlir::effai::fpga::getWeightStyle(FoldAttr fold) {
  StringRef storage = fold.getStorage();
  return storage == "bram"     ? MemoryStyle::BlockRAM
         : storage == "lutram" ? MemoryStyle::LUTRAM
                               : MemoryStyle::Logic;
}

bool mlir::effai::fpga::readsInputsInChunks(const LayerProfile &profile,
                                            FoldAttr fold) {
  return !fold.getSkipZeros() && profile.channelsShareInputs;
}

int64_t mlir::effai::fpga::getROMWeightBits(const LayerProfile &profile,
                                            FoldAttr fold) {
  return fold.getArithmetic() == "shift-add"
             ? 4 + 2 * getIndexBits(profile.maxShift + 1)
             : profile.weightBits;
}

int64_t mlir::effai::fpga::getROMEntryBits(const LayerProfile &profile,
                                           FoldAttr fold) {
  return getROMWeightBits(profile, fold) +
         (readsInputsInChunks(profile, fold) ? 0
                                             : getIndexBits(profile.operands));
}

SmallVector<int64_t> mlir::effai::fpga::readIntegers(ElementsAttr attr) {
  SmallVector<int64_t> values;
  for (const APInt &v : attr.getValues<APInt>())
    values.push_back(v.getSExtValue());
  return values;
}

std::optional<Pow2Terms> mlir::effai::fpga::decomposePow2(int64_t w) {
  uint64_t m = w < 0 ? uint64_t(-w) : uint64_t(w);
  int64_t sign = w < 0 ? -1 : 1;
  if (m == 0)
    return Pow2Terms{};
  if (llvm::isPowerOf2_64(m))
    return Pow2Terms{sign, int64_t(llvm::Log2_64(m)), 0, 0};
  uint64_t low = m & (~m + 1); // the lowest set bit
  int64_t lowShift = llvm::Log2_64(low);
  if (llvm::isPowerOf2_64(m - low)) // 2^a + 2^b
    return Pow2Terms{sign, int64_t(llvm::Log2_64(m - low)), sign, lowShift};
  if (llvm::isPowerOf2_64(m + low)) // 2^a - 2^b
    return Pow2Terms{sign, int64_t(llvm::Log2_64(m + low)), -sign, lowShift};
  return std::nullopt;
}

int64_t LayerProfile::getKeptWeights() const {
  int64_t total = 0;
  for (int64_t k : kept)
    total += k;
  return total;
}

LayerProfile mlir::effai::fpga::profileLayer(Operation *pe) {
  LayerProfile profile;
  profile.feedsFIFO = llvm::none_of(
      pe->getUsers(), [](Operation *user) { return isa<YieldOp>(user); });
  if (auto conv = dyn_cast<Conv2DOp>(pe)) {
    StreamType input = conv.getInput().getType();
    ArrayRef<int64_t> in = input.getShape(),
                      out = conv.getOutput().getType().getShape();
    ArrayRef<int64_t> pads = conv.getPads();
    ArrayRef<int64_t> w = conv.getWeights().getShapedType().getShape();
    int64_t paddedHeight = in[0] + pads[0] + pads[2];
    int64_t paddedWidth = in[1] + pads[1] + pads[3];
    profileProducts(profile, input, conv.getWeights(), conv.getBias(),
                    conv.getInputZeroPoint(), bool(conv.getRequant()),
                    conv.getOutput().getType());
    profileWindow(profile, input, w[1], w[2], paddedWidth);
    profile.operands = w[1] * w[2] * in[2];
    profile.outputs = out[0] * out[1];
    profile.inputIterations = paddedHeight * paddedWidth;
    profile.channelsShareInputs = conv.getGroups() == 1;
    return profile;
  }
  if (auto linear = dyn_cast<LinearOp>(pe)) {
    StreamType input = linear.getInput().getType();
    profileProducts(profile, input, linear.getWeights(), linear.getBias(),
                    linear.getInputZeroPoint(), bool(linear.getRequant()),
                    linear.getOutput().getType());
    profile.outputs = 1;
    profile.operands = input.getNumElements();
    profile.inputIterations = getBeatCount(input);
    profile.firstOutputInputs = profile.inputIterations;
    // The whole input frame is held in registers for the MAC loop.
    profile.pixelBits =
        input.getShape().back() * input.getElementType().getWidth();
    profile.frameBits = input.getNumElements() * profile.operandBits;
    return profile;
  }
  auto output = cast<StreamType>(pe->getResult(0).getType());
  auto input = cast<StreamType>(pe->getOperand(0).getType());
  profile.inputBits = input.getElementType().getWidth();
  profile.outputBits = output.getElementType().getWidth();
  profile.outputBeatBits = output.getShape().back() * profile.outputBits;
  if (auto pool = dyn_cast<MaxPoolOp>(pe)) {
    ArrayRef<int64_t> in = input.getShape(), out = output.getShape();
    profileWindow(profile, input, pool.getWindow()[0], pool.getWindow()[1],
                  in[1]);
    profile.outputs = out[0] * out[1];
    profile.inputIterations = in[0] * in[1];
    return profile;
  }
  profile.inputIterations = getBeatCount(input);
  profile.outputs = profile.inputIterations;
  profile.firstOutputInputs = 1;
  return profile;
}

SmallVector<int64_t>
mlir::effai::fpga::getGroupSteps(const LayerProfile &profile, int64_t pe,
                                 int64_t simd) {
  SmallVector<int64_t> steps;
  for (int64_t group = 0; group < profile.outChannels / pe; ++group) {
    int64_t most = 0;
    for (int64_t p = 0; p < pe; ++p)
      most = std::max(most, profile.kept[group * pe + p]);
    steps.push_back(std::max<int64_t>(1, ceilDiv(most, simd)));
  }
  return steps;
}

int64_t mlir::effai::fpga::getStepsPerOutput(const LayerProfile &profile,
                                             int64_t pe, int64_t simd,
                                             bool skipZeros) {
  if (!profile.hasProducts())
    return 0;
  if (!skipZeros)
    return profile.outChannels / pe * ceilDiv(profile.reduction, simd);
  int64_t total = 0;
  for (int64_t s : getGroupSteps(profile, pe, simd))
    total += s;
  return total;
}

Resources &Resources::operator+=(const Resources &other) {
  dsp += other.dsp;
  lut += other.lut;
  ff += other.ff;
  bram += other.bram;
  uram += other.uram;
  return *this;
}

double Resources::getPeakShare(FPGAAttr part) const {
  auto share = [](double used, int64_t available) {
    if (used <= 0)
      return 0.0;
    return available > 0 ? used / double(available)
                         : std::numeric_limits<double>::infinity();
  };
  return std::max({share(dsp, part.getDsp()), share(lut, part.getLut()),
                   share(ff, part.getFf()), share(bram, part.getBram()),
                   share(uram, part.getUram())});
}

bool Resources::fits(FPGAAttr part, double fraction) const {
  return getPeakShare(part) <= fraction;
}

FoldAttr mlir::effai::fpga::getDefaultFold(Operation *pe,
                                           const LayerProfile &profile,
                                           FPGAAttr part) {
  MLIRContext *context = pe->getContext();
  if (!profile.hasProducts())
    return FoldAttr::get(context, 1, 1, "none", "registers",
                         std::max<int64_t>(1, profile.inputBits), 2, false);
  StringRef arithmetic = part.getDsp() > 0       ? "dsp"
                         : profile.pow2Terms > 0 ? "shift-add"
                                                 : "lut-mul";
  int64_t steps = getStepsPerOutput(profile, 1, 1, false);
  return FoldAttr::get(context, 1, 1, arithmetic,
                       steps == 1 ? "registers" : "bram", profile.accBits, 2,
                       false);
}

PEEstimate mlir::effai::fpga::estimatePE(const LayerProfile &profile,
                                         FoldAttr fold, FPGAAttr part) {
  PEEstimate estimate;
  Resources &r = estimate.resources;
  double k = getLUTFactor(part);
  // Line buffer and window registers of window PEs, a linear PE's frame;
  // the FIFO to the next PE.
  addLineBuffer(r, profile.lineBufferWidth, profile.lineBufferDepth, part);
  r.ff += profile.windowPixels * profile.pixelBits + profile.frameBits;
  if (profile.feedsFIFO)
    addFIFO(r, profile.outputBeatBits, fold.getFifoDepth(), part);

  if (!profile.hasProducts()) {
    estimate.cycles = profile.inputIterations;
    estimate.firstOutput = profile.firstOutputInputs;
    int64_t lanes = profile.outputBeatBits / profile.outputBits;
    // Comparators per lane: a max tree over the window, or two bounds.
    r.lut += 250 + lanes * std::max<int64_t>(2, profile.windowPixels - 1) *
                       profile.inputBits * 2.0 * k;
    r.ff += profile.outputBeatBits;
    return estimate;
  }

  int64_t pe = fold.getPe(), simd = fold.getSimd();
  int64_t lanes = pe * simd;
  bool skipZeros = fold.getSkipZeros();
  int64_t steps = getStepsPerOutput(profile, pe, simd, skipZeros);
  estimate.cycles = profile.inputIterations + profile.outputs * steps;
  estimate.firstOutput = profile.firstOutputInputs + steps;
  estimate.macs = profile.getKeptWeights() * profile.outputs;
  estimate.lanes = lanes;

  StringRef arithmetic = fold.getArithmetic();
  int64_t x = profile.operandBits, w = profile.weightBits;
  // Accumulators as wide as the fold builds them.
  int64_t acc = std::max(fold.getAccBits(), profile.accBits);
  bool constants = fold.getStorage() == "registers" && steps == 1;
  // Products by constant weights are by the kept ones only in LUTs
  // (synthesis removes products by zero), not in DSPs (yosys maps products
  // to DSPs before it knows a ROM's contents).
  double live = constants ? double(profile.getKeptWeights()) /
                                double(profile.outChannels * profile.reduction)
                          : 1.0;
  // Products.
  if (arithmetic == "dsp") {
    r.dsp += lanes * getDSPsPerProduct(x, w, part);
  } else if (arithmetic == "dsp-packed") {
    // Two channels' products as one: x * (w1 * 2^18 + w0); splitting
    // them back is part of the adder tree.
    r.dsp += ceilDiv(lanes, 2) * getDSPsPerProduct(18 + w, x, part);
  } else if (arithmetic == "lut-mul") {
    // AND-array partial products: w - 1 carry-chain adders of x + w bits;
    // a fifth of that where the weights are constants (rows of zero bits
    // vanish, the rest merge into the tree; calibrated on yosys).
    r.lut += lanes * live * (w - 1) * (x + w) * (constants ? 0.2 : 1.0) *
             getAdderLUTFactor(part);
  } else if (arithmetic == "shift-add") {
    int64_t shiftBits = llvm::Log2_64_Ceil(profile.maxShift + 1);
    if (!constants)
      r.lut += lanes * profile.pow2Terms * (x + profile.maxShift) *
               std::max<int64_t>(1, shiftBits) * 4.5 *
               getMultiplierLUTFactor(part);
    // The second term's adder; where the shifts are constants, yosys
    // merges most of it into the tree's first adders.
    r.lut += lanes * live * (profile.pow2Terms - 1) *
             (constants ? 0.25 * (x + profile.maxShift) : acc * k);
  }
  // The adder trees (simd - 1 adders per PE, their sums a bit wider each
  // level; none for products by zero built in LUTs, DSP outputs are not
  // known to be zero) and the accumulators: a LUT per bit on a carry
  // chain, whatever the LUT's size.
  bool inDSPs = arithmetic == "dsp" || arithmetic == "dsp-packed";
  int64_t shiftTermBits =
      constants ? x + profile.maxShift + 2
                : x + (int64_t(1) << getIndexBits(profile.maxShift + 1)) + 1;
  int64_t termBits = arithmetic == "dsp-packed"  ? 18
                     : arithmetic == "shift-add" ? shiftTermBits
                                                 : x + w;
  r.lut += ((lanes - pe) * (inDSPs ? 1.0 : live) *
                (termBits + llvm::Log2_64_Ceil(simd) / 2.0) +
            pe * acc) *
           getAdderLUTFactor(part);
  // The accumulators (none where a group is one step); the result
  // register (groups shift in: a multiplexer per bit) and the output
  // register (one register where a single step makes the whole output).
  bool groupsOfOneStep = steps == profile.outChannels / pe;
  r.ff += (groupsOfOneStep ? 0 : pe * acc) +
          (steps == 1 ? 1 : 2) * profile.outChannels * profile.outputBits;
  if (steps > 1)
    r.lut += profile.outChannels * profile.outputBits;
  // Inputs: dense lanes share a multiplexer over chunks of SIMD inputs;
  // a sparse lane picks any input with its own (wires where its index is
  // a constant).
  if (!readsInputsInChunks(profile, fold)) {
    if (!constants)
      r.lut += lanes * x * ceilDiv(profile.operands, 3) * k;
  } else if (int64_t chunks = ceilDiv(profile.operands, simd); chunks > 1) {
    r.lut += simd * x * ceilDiv(chunks, 3) * k;
  }
  // Requantization: a fixed-point multiply per output lane (by an unsigned
  // 32-bit multiplier), in DSPs where the part has them, rounding and
  // clamping.
  if (profile.requantizes) {
    if (part.getDsp() > 0)
      r.dsp += pe * getDSPsPerProduct(acc, 32, part,
                                      /*unsignedB=*/true);
    else
      r.lut += pe * 0.6 * acc * 32 * k;
    r.lut += pe * ((2 * profile.outputBits + 32) * k + 120);
  }
  // Control.
  r.lut += 200;
  r.ff += 100;
  // Weights: one word of pe x simd weights (and input indices) per step,
  // and whether it ends a group; shift-add weights as signs and exponents.
  int64_t indexBits = skipZeros ? llvm::Log2_64_Ceil(profile.reduction) : 0;
  estimate.weightBits = (skipZeros ? profile.getKeptWeights()
                                   : profile.outChannels * profile.reduction) *
                        (w + indexBits);
  if (!constants)
    addMemory(r, getWeightStyle(fold),
              1 + lanes * getROMEntryBits(profile, fold), steps,
              /*rom=*/true, /*registeredRead=*/true, part);
  return estimate;
}

Resources mlir::effai::fpga::getPortResources(AcceleratorOp accelerator) {
  Resources ports;
  ports.lut =
      100 * (accelerator.getInputs().size() + accelerator.getOutputs().size());
  return ports;
}

AcceleratorEstimate
mlir::effai::fpga::estimateAccelerator(AcceleratorOp accelerator,
                                       FPGAAttr part) {
  AcceleratorEstimate estimate;
  int64_t firstOutputs = 0;
  for (Operation &op : accelerator.getBlock().without_terminator()) {
    LayerProfile profile = profileLayer(&op);
    auto fold = op.getAttrOfType<FoldAttr>("fold");
    if (!fold)
      fold = getDefaultFold(&op, profile, part);
    PEEstimate pe = estimatePE(profile, fold, part);
    estimate.total += pe.resources;
    estimate.interval = std::max(estimate.interval, pe.cycles);
    firstOutputs += pe.firstOutput;
    estimate.pes.push_back({&op, pe});
  }
  estimate.total += getPortResources(accelerator);
  estimate.latency = firstOutputs + estimate.interval;
  return estimate;
}
