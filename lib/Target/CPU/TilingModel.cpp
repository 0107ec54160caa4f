//===- TilingModel.cpp - analytic CPU tiling from #effai.target -*- C++ -*-===//
//
// A register tile is good when its accumulators cover the FMA pipeline
// (latency x throughput), fit the register file with room for the operand
// vectors, and need few loads per FMA; the best one for an op also wastes
// few lanes and rows at the edges. The model scores every candidate by the
// cycles it predicts for the whole op and takes the cheapest. Cache blocks
// follow Low et al. (2016): the B micro-panel and A sliver share L1 minus
// one way, the A block half of L2, the B panel half of the core's share of
// the last-level cache. Threads are added while the predicted time,
// including the fork/join cost, drops.
//
//===----------------------------------------------------------------------===//

#include "effai/Target/CPU/TilingModel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Matchers.h"

#include <cmath>

using namespace mlir;
using namespace mlir::effai;

namespace {

constexpr int64_t kElementBytes = 4; // f32 kernels

/// The numbers of #effai.target the model uses.
struct Machine {
  explicit Machine(TargetAttr target)
      : target(target), levels(target.getMemoryLevels()) {
    ghz = target.getClockGhz();
    lanes = target.getLanes(32);
    fmaPorts = target.getFmaPerCycle();
    fmaLatency = target.getFmaLatency();
    loadPorts = target.getLoadsPerCycle();
    registers = target.getVectorRegisters();
  }

  /// Bandwidth (GB/s) of `level` for `threads` cores.
  double bandwidth(MemoryLevelAttr level, int64_t threads) const {
    double each = level.getBandwidth();
    if (level.getSharedBy() <= 1)
      return each * threads;
    return std::min<double>(each * threads, level.getSharedBandwidth());
  }
  TargetAttr target;
  SmallVector<MemoryLevelAttr> levels;
  double ghz;
  int64_t lanes, fmaPorts, fmaLatency, loadPorts, registers;
};

/// A register tile candidate and its predicted cost.
struct Candidate {
  SmallVector<int64_t> box; // per box dim, innermost last
  int64_t vectors = 1;      // nr / lanes
  double cycles = 0;        // whole op, one thread
};

/// Facts about a contraction the model needs.
struct Problem {
  ContractionDims dims;
  int64_t n = 0, k = 0;
  bool transposed = false;     // result contiguous along an m dim, not n
  SmallVector<unsigned> boxDims;
  int64_t outer = 1;           // iterations of the dims outside the box
  int64_t epilogueOps = 0;     // vector ops of the fused consumer
  double macCost = 1.0;        // issue cost of a vector MAC, in FMAs
  double decodeOps = 0;        // extra ops per loaded B vector (4-bit codes)
  // B holds codes of this many bits (2 or 4; 0: a byte each). A number of
  // vectors that is not a multiple of the codes a byte holds decodes
  // through shuffles of the whole row, so multiples are taken.
  int64_t codeBits = 0;
};

/// Cycles of one reduction step of a tile with `rows` rows and `vectors`
/// vectors: FMA issue (integer multiply-adds cost `macCost` FMAs, and the
/// decode of each B vector shares those ports), load issue and the FMA
/// latency each bound it.
double cyclesPerStep(const Machine &m, const Problem &p, int64_t rows,
                     int64_t vectors) {
  double fmas =
      (double(rows * vectors) * p.macCost + double(vectors) * p.decodeOps) /
      m.fmaPorts;
  double loads = double(rows + vectors) / m.loadPorts;
  return std::max({fmas, loads, double(m.fmaLatency)});
}

/// Cycles to store (and finish) one tile: a store per vector, plus for
/// transposed results a shuffle network per [width x lanes] block.
double storeCycles(const Machine &m, const Problem &p, int64_t rows,
                   int64_t width, int64_t vectors) {
  double perVector = 1 + p.epilogueOps;
  if (!p.transposed)
    return rows * vectors * perVector;
  int64_t groups = rows / width;
  double shuffles = m.lanes * std::log2(double(m.lanes));
  return groups * vectors * (shuffles + m.lanes * perVector);
}

/// Predicted single-thread cycles of the whole op with this tile: every
/// tile shape (full, and the remainders along each box dim) times its
/// count.
double predictCycles(const Machine &m, const Problem &p,
                     ArrayRef<int64_t> box, int64_t vectors) {
  int64_t tilesN = llvm::divideCeil(p.n, vectors * m.lanes);
  // Shapes: each box dim contributes full tiles and possibly one remainder.
  struct Shape {
    int64_t rows, width, count;
  };
  SmallVector<Shape> shapes = {{1, 1, 1}};
  for (auto [i, d] : llvm::enumerate(p.boxDims)) {
    int64_t range = p.dims.ranges[d], tile = box[i];
    int64_t full = range / tile, rest = range % tile;
    SmallVector<Shape> next;
    for (const Shape &shape : shapes) {
      if (full)
        next.push_back({shape.rows * tile, tile, shape.count * full});
      if (rest)
        next.push_back({shape.rows * rest, rest, shape.count});
    }
    shapes = std::move(next);
  }
  double cycles = 0;
  for (const Shape &shape : shapes)
    cycles +=
        shape.count * (p.k * cyclesPerStep(m, p, shape.rows, vectors) +
                       storeCycles(m, p, shape.rows, shape.width, vectors));
  return cycles * tilesN * p.outer;
}

/// Enumerates register tiles within the register budget and keeps the one
/// with the fewest predicted cycles.
Candidate chooseRegisterTile(const Machine &m, Problem &p) {
  // Accumulators may take three quarters of the register file; the rest
  // holds the B vectors, a broadcast and addresses (more spills).
  int64_t maxAccumulators = m.registers * 3 / 4;
  Candidate best;
  best.cycles = std::numeric_limits<double>::infinity();
  auto consider = [&](SmallVector<int64_t> box, int64_t vectors) {
    double cycles = predictCycles(m, p, box, vectors);
    int64_t rows = 1;
    for (int64_t b : box)
      rows *= b;
    int64_t bestRows = 1;
    for (int64_t b : best.box)
      bestRows *= b;
    bool better = cycles < best.cycles * 0.999 ||
                  (cycles <= best.cycles * 1.001 &&
                   rows * vectors > bestRows * best.vectors);
    if (better)
      best = Candidate{box, vectors, cycles};
  };
  for (int64_t vectors = 1; vectors <= std::min<int64_t>(8, maxAccumulators);
       ++vectors) {
    if ((vectors - 1) * m.lanes >= p.n)
      break;
    if (p.codeBits) {
      int64_t perByte = 8 / p.codeBits;
      if (vectors % perByte != 0 && (perByte - 1) * m.lanes < p.n)
        continue;
    }
    int64_t maxRows = std::min<int64_t>(maxAccumulators / vectors, 16);
    if (p.boxDims.size() == 1) {
      int64_t range = p.dims.ranges[p.boxDims[0]];
      for (int64_t mr = 1; mr <= std::min(maxRows, range); ++mr)
        consider({mr}, vectors);
      continue;
    }
    int64_t height = p.dims.ranges[p.boxDims[0]];
    int64_t width = p.dims.ranges[p.boxDims[1]];
    for (int64_t w = 1; w <= std::min(maxRows, width); ++w)
      for (int64_t h = 1; h * w <= maxRows && h <= height; ++h)
        consider({h, w}, vectors);
  }
  return best;
}

/// Whether the tile's A rows fall into few L1 sets (their stride is a
/// multiple of the L1 way size, as with 1024 f32 columns): then packing
/// them contiguously avoids conflict misses.
bool rowsAlias(const Machine &m, int64_t rowStrideBytes, int64_t rows) {
  MemoryLevelAttr l1 = m.levels.front();
  int64_t ways = std::max<int64_t>(1, l1.getWays());
  int64_t sets = std::max<int64_t>(1, l1.getSize() / (l1.getLine() * ways));
  llvm::SmallDenseSet<int64_t> distinct;
  for (int64_t r = 0; r < rows; ++r)
    distinct.insert((r * rowStrideBytes / l1.getLine()) % sets);
  return int64_t(distinct.size()) < rows;
}

/// Row stride in bytes of A along its innermost m dim (row-major tensor).
int64_t getRowStrideBytes(linalg::LinalgOp op, unsigned mDim) {
  Value a = op.getDpsInputOperand(0)->get();
  auto type = cast<ShapedType>(a.getType());
  AffineMap map = op.getMatchingIndexingMap(op.getDpsInputOperand(0));
  int64_t stride = 1, offset = 0;
  for (int64_t i = map.getNumResults() - 1; i >= 0; --i) {
    if (auto form = getLinearForm(map.getResult(i), map.getNumDims()))
      offset += form->coeffs[mDim] * stride;
    stride *= type.getDimSize(i);
  }
  return offset * kElementBytes;
}

int64_t getBytes(Value value) {
  auto type = cast<ShapedType>(value.getType());
  return type.getNumElements() * type.getElementType().getIntOrFloatBitWidth() /
         8;
}

int64_t roundUp(int64_t value, int64_t multiple) {
  return llvm::divideCeil(value, multiple) * multiple;
}

/// Whether a time with more threads beats `best` by enough: 3%, and more
/// than the fork/join it already includes. The predictions are estimates
/// (the host's peaks are conservative); on a small op a wrong parallel
/// choice costs a whole fork/join, so threads must pay for it twice.
bool threadsPay(double time, double best, TargetAttr target) {
  return time < best * 0.97 && best - time > double(target.getForkJoinUs());
}

/// The roof that bounds `time`s: "compute" or the slowest memory level.
StringRef getBound(const Machine &m, double computeUs,
                   ArrayRef<double> levelUs) {
  StringRef bound = "compute";
  double worst = computeUs;
  for (auto [level, us] : llvm::zip(m.levels, levelUs))
    if (us > worst) {
      worst = us;
      bound = level.getName();
    }
  return bound;
}

} // namespace

TargetAttr mlir::effai::lookupCPUTarget(ModuleOp module, StringRef pass,
                                        StringRef model) {
  auto target = TargetAttr::lookup(module);
  if (!target) {
    module.emitError(pass) << ": the module has no #effai.target (run "
                              "effai-set-target first)";
    return {};
  }
  if (target.getKind() != TargetKind::CPU) {
    module.emitError(pass) << ": no " << model << " model for "
                           << stringifyTargetKind(target.getKind())
                           << " targets";
    return {};
  }
  return target;
}

bool mlir::effai::isCPUContractionCandidate(linalg::LinalgOp op,
                                            const ContractionDims &dims,
                                            std::string &reason) {
  // f32 or i32 (integer-only quantized layers), activations of the
  // accumulator type (or, for i32, i8 codes) against weights of that type
  // or i8 codes.
  if (!hasKernelElementTypes(op)) {
    reason = "only f32 or i32 contractions (optionally against i8 weights) "
             "have register-blocked kernels";
    return false;
  }
  if (dims.n.size() != 1) {
    reason = "needs exactly one n dimension to vectorize";
    return false;
  }
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  unsigned nDim = dims.n[0];
  bool alongN = isContiguousAlong(maps[2], nDim);
  bool alongM = !dims.m.empty() && isContiguousAlong(maps[2], dims.m.back());
  if (!alongN && !alongM) {
    reason = "the result is contiguous along neither n nor an m dimension";
    return false;
  }
  Value b = op.getDpsInputOperand(1)->get();
  bool constantB = matchPattern(b, m_Constant());
  for (AffineExpr expr : maps[1].getResults())
    if (!getLinearForm(expr, op.getNumLoops()))
      constantB = false;
  if (!constantB && !isContiguousAlong(maps[1], nDim)) {
    reason = "the second input is neither constant nor contiguous along n";
    return false;
  }
  // Narrow n wastes lanes; plain loops vectorize better unless their
  // innermost loop is a reduction (then they would not vectorize at all).
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  bool innermostReduced = iterators.back() == utils::IteratorType::reduction;
  if (dims.ranges[nDim] < 4 && !innermostReduced) {
    reason = "n is too narrow for vectors; plain loops vectorize along m";
    return false;
  }
  return true;
}

bool mlir::effai::isCPUUnrolledCandidate(linalg::LinalgOp op,
                                          const ContractionDims &dims) {
  // Unrolling every (n, k) coefficient pays while they are few: the
  // transforms of Winograd convolutions have 16 to 1296.
  constexpr int64_t kMaxCoefficients = 4096;
  if (!dims.batch.empty() || dims.m.empty() || !hasOnlyF32Operands(op))
    return false;
  OpOperand *b = op.getDpsInputOperand(1);
  auto type = dyn_cast<ShapedType>(b->get().getType());
  return matchPattern(b->get(), m_Constant()) && type &&
         type.hasStaticShape() && type.getNumElements() <= kMaxCoefficients &&
         op.getMatchingIndexingMap(b).isProjectedPermutation();
}

namespace {

/// Vector ops that codes of `bits` bits add to the decode of one loaded
/// vector of B, against i8 codes (whose conversion, the same either way,
/// the model leaves out): the shifts that take each code out of its byte,
/// averaged over its slots (4 bits: a low nibble costs two shifts signed,
/// a mask unsigned; a high one a shift; 2 bits: middle slots a shift more).
/// With AVX-512's 16-entry permute (effai-lower-code-lookups) a table
/// lookup of the byte's low 4 bits gives a code's value in place of the
/// conversion: only slots above them need a shift (under f32), and under
/// i32, where i8 codes need no op, each slot costs its lookup or shift.
double getCodeDecodeOps(linalg::LinalgOp op, const Machine &m, int64_t bits) {
  bool toFloat = isa<FloatType>(
      getElementTypeOrSelf(op.getDpsInitOperand(0)->get().getType()));
  if (m.lanes == 16 && m.target.hasFeature("avx512f")) {
    if (toFloat)
      return 0.5;
    return bits == 4 ? 1.0 : 1.25;
  }
  bool isSigned = getInputWidening(op, 1) == InputWidening::Signed8;
  if (bits == 4)
    return isSigned ? 1.5 : 1.0;
  return isSigned ? 1.75 : 1.5;
}

/// The tiling of a kernel contraction with B's codes as stored (`codeBits`
/// 0) or packed at `codeBits` bits.
TilingAttr selectContractionTiling(linalg::LinalgOp op,
                                   const ContractionDims &dims,
                                   const OpCost &cost, TargetAttr target,
                                   int64_t maxThreads, bool epilogue,
                                   int64_t codeBits) {
  Machine machine(target);
  MLIRContext *context = op.getContext();
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  Problem p;
  p.dims = dims;
  unsigned nDim = dims.n[0];
  p.n = dims.ranges[nDim];
  p.k = dims.getK();
  p.transposed = !isContiguousAlong(maps[2], nDim);
  // Transposed results tile a 2-D box over the two innermost m dims (a
  // convolution's output rows and columns); others one m dim.
  size_t boxRank = p.transposed && dims.m.size() >= 2 ? 2 : 1;
  p.boxDims.assign(dims.m.end() - boxRank, dims.m.end());
  for (unsigned d : dims.batch)
    p.outer *= dims.ranges[d];
  for (unsigned d : ArrayRef<unsigned>(dims.m).drop_back(boxRank))
    p.outer *= dims.ranges[d];
  if (epilogue)
    p.epilogueOps = 2;
  // i32 accumulators: a multiply and an add per MAC, at the int32 peak.
  PeaksAttr peaks = target.getPeaks();
  if (getElementTypeOrSelf(op.getDpsInitOperand(0)->get().getType())
          .isInteger(32) &&
      peaks.getInt32() > 0)
    p.macCost = double(peaks.getFp32()) / double(peaks.getInt32());

  p.codeBits = codeBits;
  if (codeBits)
    p.decodeOps = getCodeDecodeOps(op, machine, codeBits);
  Candidate tile = chooseRegisterTile(machine, p);
  bool constantB = matchPattern(op.getDpsInputOperand(1)->get(), m_Constant());
  // u8 x s8 dot products (AVX-512 VNNI): one instruction per four values
  // of the grouped reduction dim (rounded up), at the int8 peak.
  int64_t dot = 1;
  // (B is packed into [N/nr][K/4][nr][4] at compile time: a constant.)
  std::optional<unsigned> dotDim = getDotProductDim(op, dims);
  if (dotDim && !codeBits && target.hasFeature("avx512vnni") &&
      machine.lanes == 16 && peaks.getInt8() > 0 && constantB) {
    Problem grouped = p;
    int64_t range = dims.ranges[*dotDim];
    grouped.k = p.k / range * llvm::divideCeil(range, 4);
    grouped.macCost = 4 * double(peaks.getFp32()) / double(peaks.getInt8());
    Candidate dotTile = chooseRegisterTile(machine, grouped);
    if (dotTile.cycles < tile.cycles) {
      tile = dotTile;
      dot = 4;
    }
  }
  int64_t lanes = machine.lanes;
  int64_t nr = tile.vectors * lanes;
  int64_t mr0 = tile.box.front();
  int64_t rows = 1;
  for (int64_t b : tile.box)
    rows *= b;
  int64_t mRange = dims.ranges[p.boxDims.front()];

  // Cache blocks.
  int64_t kc = p.k, mc = roundUp(mRange, mr0), nc = roundUp(p.n, nr);
  bool singleK = dims.k.size() == 1;
  // Blocking k keeps the B micro-panel in L1 for the next row tile: with a
  // single row tile there is no next one. It pays only when the L2 cannot
  // feed the micro-kernel's loads (bytes per step against L2 bytes per
  // cycle): otherwise each k block just reloads and stores the C tile (rows
  // of C a page apart: latency-bound misses).
  int64_t rowTiles = p.outer * llvm::divideCeil(mRange, mr0);
  bool l2FeedsKernel = false;
  if (machine.levels.size() > 2) {
    double stepBytes = double(nr + rows) * kElementBytes;
    double stepCycles = cyclesPerStep(machine, p, rows, tile.vectors);
    double l2BytesPerCycle = machine.levels[1].getBandwidth() / machine.ghz;
    double panelBytes = double(p.k) * nr * kElementBytes;
    l2FeedsKernel =
        stepBytes <= l2BytesPerCycle * stepCycles &&
        panelBytes <= TargetAttr::getUsableBytes(machine.levels[1]) / 4;
  }
  if (!p.transposed && singleK && rowTiles > 1 && !l2FeedsKernel) {
    double l1 = TargetAttr::getUsableBytes(machine.levels.front());
    int64_t fit = int64_t(l1 / double((nr + rows) * kElementBytes)) / 8 * 8;
    fit = std::max<int64_t>(fit, 8);
    if (p.k > fit + fit / 4)
      kc = fit;
  }
  if (machine.levels.size() > 2) {
    double l2 = TargetAttr::getUsableBytes(machine.levels[1]) / 2;
    int64_t fit = int64_t(l2 / double(kc * kElementBytes)) / mr0 * mr0;
    mc = std::clamp<int64_t>(fit, mr0, roundUp(mRange, mr0));
    MemoryLevelAttr llc = machine.levels[machine.levels.size() - 2];
    double share = TargetAttr::getUsableBytes(llc) /
                   std::max<int64_t>(1, llc.getSharedBy()) / 2;
    int64_t fitN = int64_t(share / double(kc * kElementBytes)) / nr * nr;
    nc = std::clamp<int64_t>(fitN, nr, roundUp(p.n, nr));
  }
  if (p.transposed) {
    mc = roundUp(mRange, mr0);
    nc = roundUp(p.n, nr);
  }
  bool packA = false;
  if (!p.transposed && dims.m.size() == 1 && singleK && mRange >= 2 * rows &&
      p.n >= 4 * nr)
    packA = rowsAlias(machine, getRowStrideBytes(op, dims.m[0]), rows);
  // Dot products read A's four-value groups in place; widened A (i8 codes)
  // is read in place too.
  if (dot != 1 || getInputWidening(op, 0) != InputWidening::None)
    packA = false;
  StringRef packB = constantB ? "compile" : "none";

  // Traffic per memory level (bytes), from the loop nest's reuse.
  double aBytes = getBytes(op.getDpsInputOperand(0)->get());
  double bBytes = getBytes(op.getDpsInputOperand(1)->get()) *
                  (codeBits ? double(codeBits) / 8 : 1.0);
  double cBytes = getBytes(op.getDpsInitOperand(0)->get());
  double tilesN = llvm::divideCeil(p.n, nr);
  double blocksM = llvm::divideCeil(mRange, mc);
  double blocksN = llvm::divideCeil(p.n, nc);
  double partials = llvm::divideCeil(p.k, kc);
  SmallVector<double> traffic;
  double compulsory = aBytes + bBytes + cBytes;
  size_t last = machine.levels.size() - 1;
  double llcShare =
      last > 0
          ? TargetAttr::getUsableBytes(machine.levels[last - 1]) /
                std::max<int64_t>(1, machine.levels[last - 1].getSharedBy())
          : 0.0;
  for (size_t i = 0; i <= last; ++i) {
    if (i == last) // main memory: compulsory, B again per A block if spilled
      traffic.push_back(compulsory +
                        (compulsory > llcShare ? bBytes * (blocksM - 1) : 0.0));
    else if (i == 0) // every operand load of the micro-kernel
      traffic.push_back(double(p.outer) * mRange * tilesN * p.k *
                        (rows + nr) * kElementBytes / rows);
    else if (i == 1) // A blocks once per n tile, B panels once per m block
      traffic.push_back(aBytes * tilesN / std::max(1.0, blocksN) +
                        bBytes * blocksM);
    else // A per n block, B per m block, partial results per k block
      traffic.push_back(aBytes * blocksN + bBytes * blocksM +
                        cBytes * (2 * partials - 1));
  }

  // Threads: split the group with the best balance while it pays.
  double cycles = tile.cycles;
  double packCycles = packA ? aBytes / kElementBytes * blocksN : 0;
  int64_t threads = 1;
  StringRef parallel = "none";
  // Splitting n makes every thread read all of A; splitting m, all of B:
  // the input the threads share crosses the cache hierarchy once per thread.
  // The busiest thread's share of `range` split into tiles of `tile`
  // (the last one short), against an even split.
  auto predict = [&](int64_t t, int64_t range, int64_t tile,
                     bool duplicatesPacking, double sharedBytes,
                     double &computeUs, SmallVector<double> &levelUs) {
    int64_t tiles = llvm::divideCeil(range, tile);
    int64_t busiest =
        std::min<int64_t>(range, llvm::divideCeil(tiles, t) * tile);
    double balance = range > 0 ? double(busiest) * t / range : 1.0;
    double pack = duplicatesPacking ? packCycles : packCycles / t;
    computeUs = ((cycles / t) * balance + pack) / (machine.ghz * 1e3);
    levelUs.clear();
    for (auto [i, level] : llvm::enumerate(machine.levels)) {
      double bytes = traffic[i];
      if (i > 0 && i + 1 < machine.levels.size())
        bytes += sharedBytes * (t - 1);
      levelUs.push_back(bytes / (machine.bandwidth(level, t) * 1e3));
    }
    double memoryUs = *llvm::max_element(levelUs);
    return std::max(computeUs, memoryUs) +
           (t > 1 ? double(target.getForkJoinUs()) : 0.0);
  };
  double computeUs;
  SmallVector<double> levelUs;
  double best = predict(1, 1, 1, false, 0.0, computeUs, levelUs);
  double bestComputeUs = computeUs;
  SmallVector<double> bestLevelUs = levelUs;
  int64_t outerMost = 1;
  SmallVector<unsigned> outerDims(dims.batch.begin(), dims.batch.end());
  outerDims.append(dims.m.begin(), dims.m.end() - boxRank);
  llvm::sort(outerDims);
  if (!outerDims.empty())
    outerMost = dims.ranges[outerDims.front()];
  struct Split {
    StringRef name;
    int64_t range, tile;
    bool duplicatesPacking;
    double sharedBytes;
  };
  SmallVector<Split> splits = {{"m", mRange, mr0, false, bBytes},
                               {"n", p.n, nr, packA, aBytes}};
  if (outerMost > 1 && !packA)
    splits.push_back({"batch", outerMost, 1, false, bBytes});
  for (int64_t t = 2; t <= maxThreads; ++t)
    for (const Split &split : splits) {
      if (llvm::divideCeil(split.range, split.tile) < t)
        continue;
      double time =
          predict(t, split.range, split.tile, split.duplicatesPacking,
                  split.sharedBytes, computeUs, levelUs);
      if (threadsPay(time, best, target)) {
        best = time;
        threads = t;
        parallel = split.name;
        bestComputeUs = computeUs;
        bestLevelUs = levelUs;
      }
    }

  double intensity = double(cost.getOps()) / std::max(1.0, traffic.back());
  StringRef bound = getBound(machine, bestComputeUs, bestLevelUs);
  return TilingAttr::get(context, "contraction", lanes, tile.box, nr, dot, kc,
                         mc, nc, packA, packB, codeBits, threads, parallel,
                         epilogue, std::round(intensity * 1000) / 1000, bound,
                         std::round(best * 1000) / 1000);
}

} // namespace

TilingAttr mlir::effai::selectCPUContractionTiling(
    linalg::LinalgOp op, const ContractionDims &dims, const OpCost &cost,
    TargetAttr target, int64_t maxThreads, bool epilogue) {
  TilingAttr asStored =
      selectContractionTiling(op, dims, cost, target, maxThreads, epilogue, 0);
  // Codes that all fit 4 or 2 bits (int4, int3, ternary weights, small
  // power-of-two sums) may be packed two or four to a byte: fewer bytes
  // for a costlier decode, which pays where the weight bytes bound the
  // time (batch-1 layers). Within 2% (the model's resolution) the smaller
  // weight wins. Not against dot products: a vpdpbusd takes four codes a
  // lane in one instruction, while unpacked codes need a decode and a
  // widened i32 multiply each (on AVX-512 VNNI, a 4096 x 4096 u8 layer at
  // batch 1 measured 617 us on dot products, 809 us at 4 bits).
  int64_t fewest = getPackableCodeBits(op, 1);
  TilingAttr best = asStored;
  if (!fewest || asStored.getDot() != 1)
    return best;
  for (int64_t bits : {4, 2}) {
    if (bits < fewest || asStored.getLanes() % (8 / bits) != 0)
      continue;
    TilingAttr packed = selectContractionTiling(op, dims, cost, target,
                                                maxThreads, epilogue, bits);
    if (double(packed.getPredictedUs()) <= 1.02 * double(best.getPredictedUs()))
      best = packed;
  }
  return best;
}

namespace {

/// Roofline time of plain vectorized loops doing `cost` on `threads`
/// cores: about half the vector peak of their arithmetic, or the bandwidth
/// of `level`, whichever bounds; fork/join included.
double predictLoopUs(const Machine &machine, const OpCost &cost,
                     MemoryLevelAttr level, int64_t threads,
                     double &computeUs, double &memoryUs) {
  double gops = machine.target.getPeakGops(cost.arithmetic) / 2;
  computeUs = cost.getOps() / (gops * threads * 1e3);
  memoryUs = cost.getBytes() / (machine.bandwidth(level, threads) * 1e3);
  return std::max(computeUs, memoryUs) +
         (threads > 1 ? double(machine.target.getForkJoinUs()) : 0.0);
}

} // namespace

TilingAttr mlir::effai::selectCPULoopTiling(linalg::LinalgOp op,
                                            StringRef kernel,
                                            const OpCost &cost,
                                            TargetAttr target,
                                            int64_t maxThreads) {
  Machine machine(target);
  MemoryLevelAttr level = machine.target.getStreamingLevel(cost.getBytes());
  // Threads split the leading parallel loops (one collapsed OpenMP loop
  // nest): with batch 1, a pool's channels and rows.
  int64_t outer = 1;
  for (auto [range, iterator] : llvm::zip(op.getStaticLoopRanges(),
                                          op.getIteratorTypesArray())) {
    if (iterator != utils::IteratorType::parallel || ShapedType::isDynamic(range))
      break;
    outer *= range;
  }
  double computeUs, memoryUs;
  double best = predictLoopUs(machine, cost, level, 1, computeUs, memoryUs);
  double bestCompute = computeUs, bestMemory = memoryUs;
  int64_t threads = 1;
  for (int64_t t = 2; t <= std::min(maxThreads, outer); ++t) {
    double time = predictLoopUs(machine, cost, level, t, computeUs, memoryUs);
    if (threadsPay(time, best, target)) {
      best = time;
      threads = t;
      bestCompute = computeUs;
      bestMemory = memoryUs;
    }
  }
  double intensity = cost.getIntensity();
  StringRef bound = bestCompute >= bestMemory ? StringRef("compute")
                                              : level.getName();
  return TilingAttr::get(op.getContext(), kernel, machine.lanes,
                         ArrayRef<int64_t>{}, 0, 1, 0, 0, 0, false, "none",
                         /*bBits=*/0, threads, threads > 1 ? "batch" : "none",
                         false, std::round(intensity * 1000) / 1000, bound,
                         std::round(best * 1000) / 1000);
}

double mlir::effai::predictCPUWinogradUs(const WinogradConvShape &conv,
                                         TilingAttr direct, TargetAttr target,
                                         int64_t threads) {
  Machine machine(target);
  threads = std::max<int64_t>(1, threads);
  double computeUs, memoryUs;
  auto loopUs = [&](const OpCost &cost) {
    return predictLoopUs(machine, cost,
                         machine.target.getStreamingLevel(cost.getBytes()),
                         threads, computeUs, memoryUs);
  };
  // The 16 channel GEMMs run on the same register-blocked kernel as the
  // direct form: its predicted rate, on 16/36 of the multiplies (fewer
  // when the padding to whole tiles is small), unless the transformed
  // filter's bytes bound them.
  double gemmComputeUs = double(direct.getPredictedUs()) *
                         double(conv.getGemmMacs()) /
                         double(conv.getDirectMacs());
  OpCost gemmTraffic;
  gemmTraffic.bytesRead =
      conv.getTransformedFilterBytes() + conv.getTransformedInputBytes();
  gemmTraffic.bytesWritten = conv.getTransformedOutputBytes();
  double gemmUs = std::max(gemmComputeUs, loopUs(gemmTraffic));
  OpCost input;
  input.adds = conv.getInputTransformAdds();
  input.bytesRead = conv.getInputBytes();
  input.bytesWritten = conv.getTransformedInputBytes();
  OpCost output;
  output.adds = conv.getOutputTransformAdds();
  output.bytesRead = conv.getTransformedOutputBytes();
  output.bytesWritten = conv.getResultBytes();
  double total = gemmUs + loopUs(input) + loopUs(output);
  // A direct kernel computes its elementwise consumer on the register
  // tile; after the output transform it is a pass of its own.
  if (direct.getEpilogue()) {
    OpCost epilogue;
    epilogue.adds = conv.filters * conv.height * conv.width;
    epilogue.bytesRead = 2 * conv.getResultBytes();
    epilogue.bytesWritten = conv.getResultBytes();
    total += loopUs(epilogue);
  }
  return total;
}
