//===- ContractionKernel.cpp - register-blocked contraction kernels -*- C++ -*-//
//
// Emits, for C[..] += A[..] * B[..] on buffers, the BLIS loop nest
//
//   for jc in n step nc                      (B panel in the last-level cache)
//     for pc in k step kc                    (B micro-panel kc x nr in L1)
//       for ic in m step mc                  (A block in L2; packed if pack_a)
//         for jr in jc..jc+nc step nr
//           for ir in ic..ic+mc step mr      (register tile mr x nr)
//             acc[mr][nr/V] += broadcast(A[ir+r][k]) * B[k][jr..jr+nr]
//
// where the second input is vectorized (V lanes along the `n` dimension),
// the first input broadcast one scalar per row, and the register tile is a
// box over the innermost `m` dimensions (a convolution's output rows and
// columns). Constant second inputs are packed at compile time into the
// [N/nr][K][nr] panels the micro-kernel streams. Results are stored as
// vectors along `n`, or, when the result's innermost dimension is an `m`
// dimension (NCHW convolutions), transposed in registers and stored along
// it. The fused epilogue runs on the tile before that store.
//
// With `dot = 4` (u8 activations, i8 weight codes, i32 results on AVX-512
// VNNI) one step covers four consecutive values of a reduction dim the
// first input holds contiguously: their four bytes are broadcast as one
// i32 and `vpdpbusd` multiplies them with a [nr][4] slice of B packed as
// [N/nr][K/4][nr][4], summing each lane's four products.
//
//===----------------------------------------------------------------------===//

#include "ContractionKernel.h"

#include "effai/Utils/ConstantData.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/FormatVariadic.h"

#include <cstring>
#include "mlir/IR/SymbolTable.h"

using namespace mlir;
using namespace mlir::effai;

namespace {

bool hasUnitInnermostStride(Value memref) {
  auto type = cast<MemRefType>(memref.getType());
  if (type.getRank() == 0)
    return false;
  SmallVector<int64_t> strides;
  int64_t offset;
  return succeeded(type.getStridesAndOffset(strides, offset)) &&
         strides.back() == 1;
}

//===----------------------------------------------------------------------===//
// Uses of the result buffer
//===----------------------------------------------------------------------===//

/// The buffer `value` is a view of (through subviews, reshapes, casts).
Value getBaseBuffer(Value value) {
  while (auto view = value.getDefiningOp<ViewLikeOpInterface>())
    value = view.getViewSource();
  return value;
}

/// The ops of `block` that use `buffer` or a view of it (the top-level
/// ancestor of each use), in block order; deallocations aside.
SmallVector<Operation *> getBlockUsers(Value buffer, Block *block) {
  llvm::SetVector<Operation *> users;
  SmallVector<Value> worklist = {buffer};
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    for (Operation *user : value.getUsers()) {
      if (auto view = dyn_cast<ViewLikeOpInterface>(user);
          view && view.getViewSource() == value) {
        worklist.push_back(user->getResult(0));
        continue;
      }
      // A dealloc ends the buffer's life; it reads nothing.
      if (isa<memref::DeallocOp>(user))
        continue;
      if (Operation *top = block->findAncestorOpInBlock(*user))
        users.insert(top);
    }
  }
  SmallVector<Operation *> sorted = users.takeVector();
  llvm::sort(sorted,
             [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  return sorted;
}

/// Whether `user` only overwrites all of `buffer` (a fill, or a linalg op
/// whose body never reads it), so the value it held before is dead.
bool overwritesWithoutReading(Operation *user, Value buffer) {
  if (auto fill = dyn_cast<linalg::FillOp>(user))
    return fill.getOutputs()[0] == buffer;
  auto linalgOp = dyn_cast<linalg::LinalgOp>(user);
  if (!linalgOp || linalgOp.getNumDpsInits() != 1 ||
      linalgOp.getDpsInitOperand(0)->get() != buffer ||
      linalgOp.payloadUsesValueFromOperand(linalgOp.getDpsInitOperand(0)))
    return false;
  return llvm::none_of(linalgOp.getDpsInputOperands(), [&](OpOperand *input) {
    return getBaseBuffer(input->get()) == getBaseBuffer(buffer);
  });
}

/// The constant global a `memref.get_global` reads, or null.
memref::GlobalOp lookupConstantGlobal(Value value) {
  auto get = value.getDefiningOp<memref::GetGlobalOp>();
  if (!get)
    return {};
  auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
      get, get.getNameAttr());
  return global && global.getConstant() ? global : memref::GlobalOp();
}

/// The constant `g` broadcasts into all of `buffer` along result dim `dim`
/// (values [1, .., C, .., 1] or [C]: a per-channel accumulator start such
/// as -zp * sum w), or null.
Value getChannelBroadcast(linalg::GenericOp g, Value buffer, unsigned dim) {
  if (g.getNumDpsInputs() != 1 || g.getNumDpsInits() != 1 ||
      g.getDpsInitOperand(0)->get() != buffer ||
      !g.getMatchingIndexingMap(g.getDpsInitOperand(0)).isIdentity())
    return {};
  auto yield = cast<linalg::YieldOp>(g.getBlock()->getTerminator());
  if (yield.getNumOperands() != 1 ||
      yield.getOperand(0) != g.getBlock()->getArgument(0))
    return {};
  OpOperand *input = g.getDpsInputOperand(0);
  if (!lookupConstantGlobal(input->get()))
    return {};
  // Indexed by `dim` alone; every other input dim has extent 1.
  AffineMap map = g.getMatchingIndexingMap(input);
  ArrayRef<int64_t> shape = cast<MemRefType>(input->get().getType()).getShape();
  int64_t alongDim = 0;
  for (auto [expr, extent] : llvm::zip(map.getResults(), shape)) {
    if (expr == getAffineDimExpr(dim, g.getContext()))
      ++alongDim;
    else if (extent != 1)
      return {};
  }
  return alongDim == 1 ? input->get() : Value();
}

/// How the result buffer of a contraction is used around it in its block.
struct ResultUses {
  /// The zero fill that is the last write before the contraction, if any.
  linalg::FillOp zeroFill;
  /// Or the per-channel constant broadcast that is, and its values.
  linalg::GenericOp channelInit;
  Value channelValues;
  /// Something reads the buffer between that fill and the contraction.
  bool readAfterFill = false;
  /// The first and second users after the contraction.
  Operation *next = nullptr, *afterNext = nullptr;
};

/// (`nResultDim`: the result dim along n, for a per-channel broadcast init.)
ResultUses getResultUses(linalg::LinalgOp op,
                         std::optional<unsigned> nResultDim = std::nullopt) {
  Value result = op.getDpsInitOperand(0)->get();
  SmallVector<Operation *> users = getBlockUsers(result, op->getBlock());
  ResultUses uses;
  auto self = llvm::find(users, op.getOperation());
  for (auto it = self; it != users.begin();) {
    Operation *user = *--it;
    auto fill = dyn_cast<linalg::FillOp>(user);
    if (fill && fill.getOutputs()[0] == result) {
      if (matchPattern(fill.getInputs()[0], m_AnyZeroFloat()) ||
          matchPattern(fill.getInputs()[0], m_Zero()))
        uses.zeroFill = fill;
      break;
    }
    if (overwritesWithoutReading(user, result)) {
      if (auto generic = dyn_cast<linalg::GenericOp>(user); generic && nResultDim)
        if (Value values = getChannelBroadcast(generic, result, *nResultDim)) {
          uses.channelInit = generic;
          uses.channelValues = values;
        }
      break;
    }
    // A reader (a copy made for another op sharing the fill) or an unknown
    // writer: with a writer there is no zero fill to rely on.
    auto effects = dyn_cast<MemoryEffectOpInterface>(user);
    if (!effects || effects.hasEffect<MemoryEffects::Write>())
      break;
    uses.readAfterFill = true;
  }
  if (self != users.end() && self + 1 != users.end()) {
    uses.next = self[1];
    if (self + 2 != users.end())
      uses.afterNext = self[2];
  }
  return uses;
}

/// Whether any op strictly between `from` and `to` (same block) may write
/// one of `buffers`: then a kernel cannot move from `from` down to `to`.
bool mayWriteBetween(Operation *from, Operation *to,
                            ArrayRef<Value> buffers) {
  SmallVector<Value> bases = llvm::map_to_vector(buffers, getBaseBuffer);
  for (Operation *op = from->getNextNode(); op && op != to;
       op = op->getNextNode()) {
    WalkResult result = op->walk([&](Operation *inner) {
      auto effects = dyn_cast<MemoryEffectOpInterface>(inner);
      if (!effects) {
        // Ops without effects of their own (loops, ifs) are judged by the
        // ops they contain; anything else is unknown.
        return inner->hasTrait<OpTrait::HasRecursiveMemoryEffects>() ||
                       inner->getNumRegions() == 0
                   ? WalkResult::advance()
                   : WalkResult::interrupt();
      }
      SmallVector<MemoryEffects::EffectInstance> instances;
      effects.getEffects(instances);
      for (auto &instance : instances) {
        if (!isa<MemoryEffects::Write>(instance.getEffect()))
          continue;
        Value written = instance.getValue();
        if (!written || llvm::is_contained(bases, getBaseBuffer(written)))
          return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return true;
  }
  return false;
}

//===----------------------------------------------------------------------===//
// Compile-time packing of constant second inputs
//===----------------------------------------------------------------------===//

} // namespace

std::optional<cpu::ConstantGlobal> mlir::effai::cpu::getConstantGlobal(Value value) {
  memref::GlobalOp global = lookupConstantGlobal(value);
  if (!global || !global.getInitialValue())
    return std::nullopt;
  auto elements = dyn_cast<ElementsAttr>(*global.getInitialValue());
  if (!elements || !global.getType().getLayout().isIdentity())
    return std::nullopt;
  if (auto splat = dyn_cast<SplatElementsAttr>(elements)) {
    // One element's bytes (f32, or an integer of whole bytes), repeated.
    Attribute value = splat.getSplatValue<Attribute>();
    APInt bits;
    if (auto f = dyn_cast<FloatAttr>(value); f && f.getType().isF32())
      bits = f.getValue().bitcastToAPInt();
    else if (auto i = dyn_cast<IntegerAttr>(value);
             i && i.getType().getIntOrFloatBitWidth() % 8 == 0)
      bits = i.getValue();
    else
      return std::nullopt;
    unsigned width = bits.getBitWidth() / 8;
    ConstantGlobal result{global, {}, {}};
    result.expanded.resize(splat.getNumElements() * width);
    for (int64_t i = 0, e = splat.getNumElements(); i < e; ++i)
      for (unsigned byte = 0; byte < width; ++byte)
        result.expanded[i * width + byte] =
            char(bits.extractBitsAsZExtValue(8, 8 * byte));
    return result;
  }
  std::optional<ArrayRef<char>> bytes = getDenseBytes(elements);
  if (!bytes)
    return std::nullopt;
  return ConstantGlobal{global, *bytes, {}};
}

namespace {
using cpu::ConstantGlobal;
using cpu::getConstantGlobal;

//===----------------------------------------------------------------------===//
// The emitter
//===----------------------------------------------------------------------===//

/// Static facts about one kernel and the code that builds it.
class KernelEmitter {
public:
  KernelEmitter(RewriterBase &rewriter, linalg::LinalgOp op,
                const ContractionDims &dims, TilingAttr tiling,
                std::optional<cpu::Epilogue> epilogue)
      : rewriter(rewriter), loc(op.getLoc()), op(op), dims(dims),
        tiling(tiling), epilogue(epilogue) {}

  /// Fills in the static facts; fails with a reason for what the emitter
  /// does not support.
  LogicalResult analyze(std::string &reason);
  void emit();

private:
  using Point = SmallVector<Value>;

  // Index arithmetic.
  Value index(OpBuilder &b, int64_t value) {
    return arith::ConstantIndexOp::create(b, loc, value);
  }
  Value add(OpBuilder &b, Value v, int64_t c) {
    if (c == 0)
      return v;
    return affine::makeComposedAffineApply(
        b, loc, b.getAffineDimExpr(0) + c, ArrayRef<OpFoldResult>{v});
  }
  SmallVector<Value> apply(OpBuilder &b, AffineMap map, ArrayRef<Value> point);
  Value kFlat(OpBuilder &b, const Point &point);

  // Loop nest.
  void emitOuterLoops(OpBuilder &b, Point point, unsigned depth);
  void emitChunk(OpBuilder &b, Point point, Value nLo, Value nHi, Value mLo,
                 Value mHi, Value packBuffer);
  void emitBoxLoops(OpBuilder &b, Point point, unsigned boxIndex,
                    SmallVector<int64_t> boxSizes, Value mLo, Value mHi,
                    Value n0, Value kLo, Value kHi, bool blocked,
                    Value packA, Value icBase);
  void packABlock(OpBuilder &b, const Point &point, Value ic, Value rows,
                  Value kLo, Value kHi, Value buffer);

  // One register tile.
  void emitTile(OpBuilder &b, Point origin, ArrayRef<int64_t> boxSizes,
                Value n0, Value kLo, Value kHi, bool blocked, Value packA,
                Value icBase);
  SmallVector<Value> emitKLoops(OpBuilder &b, const Point &origin,
                                ArrayRef<int64_t> boxSizes, Value n0,
                                Value kLo, Value kHi, ValueRange init,
                                Value packA, Value icBase);
  SmallVector<Value> loadPartial(OpBuilder &b, const Point &origin,
                                 ArrayRef<int64_t> boxSizes, Value n0);
  void storePartial(OpBuilder &b, const Point &origin,
                    ArrayRef<int64_t> boxSizes, Value n0, ValueRange acc);
  void storeFinal(OpBuilder &b, const Point &origin,
                  ArrayRef<int64_t> boxSizes, Value n0, ValueRange acc);
  void storeTransposed(OpBuilder &b, const Point &origin,
                       ArrayRef<int64_t> boxSizes, Value n0, ValueRange acc);

  // Rows and lanes.
  int64_t rowsOf(ArrayRef<int64_t> boxSizes) const {
    int64_t rows = 1;
    for (int64_t s : boxSizes)
      rows *= s;
    return rows;
  }
  Point rowPoint(OpBuilder &b, const Point &origin, ArrayRef<int64_t> boxSizes,
                 int64_t row);
  Value laneMask(OpBuilder &b, Value n0, int64_t v);
  Value loadB(OpBuilder &b, const Point &point, Value n0, int64_t v);
  /// Vector v of the tile's codes from packed B (b_bits), as i32.
  Value loadPackedCodes(OpBuilder &b, const Point &point, Value n0, int64_t v);
  /// The codes in slot `slot` of each of `bytes` (b_bits wide), as i32.
  Value decodeCodes(OpBuilder &b, Value bytes, int64_t slot);
  /// Indices of the packed B panel row holding `point`'s k for the tile at
  /// n0, before the element index within the row.
  SmallVector<Value> packedRowIndices(OpBuilder &b, const Point &point,
                                      Value n0);
  /// acc + x * y on vectors: one FMA for f32, a multiply and an add for i32.
  Value multiplyAdd(OpBuilder &b, Value x, Value y, Value acc);
  Value epilogueValue(OpBuilder &b, ArrayRef<Value> coords, unsigned laneDim,
                      int64_t lanes, Value mask, Value value);

  void packConstantB(Operation *anchor);

  RewriterBase &rewriter;
  Location loc;
  linalg::LinalgOp op;
  ContractionDims dims;
  TilingAttr tiling;
  std::optional<cpu::Epilogue> epilogue;

  Value inputA, inputB, result, destination;
  AffineMap mapA, mapB, mapC;
  unsigned numLoops = 0;
  unsigned nDim = 0;
  SmallVector<unsigned> boxDims;   // innermost m dims, register-blocked
  SmallVector<int64_t> box;        // register tile per box dim
  SmallVector<unsigned> outerDims; // batch and other m dims: plain loops
  SmallVector<unsigned> kOrder;    // k dims, outer to inner
  SmallVector<unsigned> kUnrolled; // outer k dims, unrolled
  SmallVector<unsigned> kLoopDims; // inner k dims iterated by scf.for
  int64_t lanes = 0, nr = 0, vectorsPerTile = 0, n = 0;
  int64_t kc = 0, mc = 0, nc = 0;
  int64_t kcOuter = 0; // kc in steps of the outermost k dimension
  bool transposed = false; // results stored along the innermost box dim
  bool zeroInit = true;
  linalg::FillOp initFill; // the zero fill the kernel replaces, if erasable
  // Or accumulators start from per-n constants (the broadcast is replaced).
  linalg::GenericOp channelInit;
  Value channelValues; // 1-D view of the constants along n
  SmallVector<Value> loadChannelInit(OpBuilder &b, int64_t rows, Value n0);
  /// Accumulator vector v of the tile at n0 from `memref` (masked past n).
  Value loadAccumulatorVector(OpBuilder &b, Value memref, ValueRange indices,
                              Value n0, int64_t v);
  bool packA = false;
  Value packedB; // [batch...][N/nr][K][nr], or null: B read in place
  // 4 or 2: packed B holds i8 codes 8 / bBits to a byte
  // ([batch...][N/nr][K][nr * bBits / 8]).
  int64_t bBits = 0;
  VectorType vectorType;
  Type elementType;
  // B as stored: f32, or i8 weight codes converted to f32 once loaded.
  InputWidening widenB = InputWidening::None;
  // A as stored: the accumulator type, or (i32) i8 codes widened once loaded.
  InputWidening widenA = InputWidening::None;
  VectorType bVectorType;
  // With dot = 4: the reduction dim grouped by four, else none.
  std::optional<unsigned> dotDim;
  /// Range of dim `d` as the kernel iterates it (groups for the dot dim).
  int64_t steps(unsigned d) const {
    return dotDim == d ? llvm::divideCeil(dims.ranges[d], 4) : dims.ranges[d];
  }
  Value loadA(OpBuilder &b, const Point &at);
  Value dotProduct(OpBuilder &b, Value acc, Value a, Value bBytes);
};

SmallVector<Value> KernelEmitter::apply(OpBuilder &b, AffineMap map,
                                        ArrayRef<Value> point) {
  SmallVector<OpFoldResult> operands(point.begin(), point.end());
  SmallVector<Value> values;
  for (AffineExpr expr : map.getResults()) {
    OpFoldResult folded = affine::makeComposedFoldedAffineApply(
        b, loc, AffineMap::get(map.getNumDims(), 0, expr), operands);
    values.push_back(getValueOrCreateConstantIndexOp(b, loc, folded));
  }
  return values;
}

Value KernelEmitter::kFlat(OpBuilder &b, const Point &point) {
  // Flat index of the k point in B's packed k dimension: the k dims in
  // kOrder, the dot dim in groups of 4 (C * KH * ceil(KW / 4) for a conv).
  AffineExpr expr = b.getAffineConstantExpr(0);
  int64_t stride = 1;
  for (unsigned d : llvm::reverse(kOrder)) {
    AffineExpr coordinate = b.getAffineDimExpr(d);
    if (dotDim == d)
      coordinate = coordinate.floorDiv(4);
    expr = expr + coordinate * stride;
    stride *= steps(d);
  }
  return apply(b, AffineMap::get(numLoops, 0, expr), point)[0];
}

LogicalResult KernelEmitter::analyze(std::string &reason) {
  numLoops = op.getNumLoops();
  inputA = op.getDpsInputOperand(0)->get();
  inputB = op.getDpsInputOperand(1)->get();
  result = op.getDpsInitOperand(0)->get();
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  mapA = maps[0];
  mapB = maps[1];
  mapC = maps[2];
  elementType = getElementTypeOrSelf(result.getType());
  if (!hasKernelElementTypes(op)) {
    reason = "only f32 or i32 contractions (optionally against i8 weights) "
             "have a kernel";
    return failure();
  }
  widenA = *getInputWidening(op, 0);
  widenB = *getInputWidening(op, 1);
  if (dims.n.size() != 1) {
    reason = "needs exactly one vectorized (n) dimension";
    return failure();
  }
  nDim = dims.n[0];
  n = dims.ranges[nDim];
  lanes = tiling.getLanes();
  nr = tiling.getNr();
  vectorsPerTile = nr / lanes;
  kc = tiling.getKc();
  mc = tiling.getMc();
  nc = tiling.getNc();
  packA = tiling.getPackA();
  vectorType = VectorType::get({lanes}, elementType);
  bVectorType =
      VectorType::get({lanes}, getElementTypeOrSelf(inputB.getType()));

  ArrayRef<int64_t> mr = tiling.getMr();
  if (mr.size() > dims.m.size()) {
    reason = "mr has more entries than the op has m dimensions";
    return failure();
  }
  boxDims.assign(dims.m.end() - mr.size(), dims.m.end());
  box.assign(mr.begin(), mr.end());
  outerDims.assign(dims.batch.begin(), dims.batch.end());
  outerDims.append(dims.m.begin(), dims.m.end() - mr.size());
  llvm::sort(outerDims);

  // Results: along n, or along the innermost box dim (transposed).
  if (!hasUnitInnermostStride(result)) {
    reason = "the result buffer's innermost stride is not 1";
    return failure();
  }
  if (isContiguousAlong(mapC, nDim)) {
    transposed = false;
  } else if (!boxDims.empty() && isContiguousAlong(mapC, boxDims.back())) {
    transposed = true;
    if (lanes > 64) {
      reason = "transposed stores need at most 64 lanes";
      return failure();
    }
  } else {
    reason = "the result is contiguous along neither n nor an m dimension";
    return failure();
  }

  // The k dims, outer to inner. The innermost loop is a reduction dim that
  // indexes the first input on its own (a convolution's input channel):
  // consecutive steps then read different elements. (With the filter
  // offsets innermost, neighbouring rows read the same elements a step
  // apart; LLVM keeps those broadcasts alive across the unrolled steps and
  // spills accumulators.) Small outer k dims are unrolled around it.
  unsigned inner = dims.k.back();
  for (unsigned d : llvm::reverse(dims.k)) {
    bool alone = llvm::all_of(mapA.getResults(), [&](AffineExpr expr) {
      return !expr.isFunctionOfDim(d) ||
             llvm::none_of(dims.m, [&](unsigned m) {
               return expr.isFunctionOfDim(m);
             });
    });
    if (alone) {
      inner = d;
      break;
    }
  }
  kOrder.clear();
  for (unsigned d : dims.k)
    if (d != inner)
      kOrder.push_back(d);
  kOrder.push_back(inner);
  int64_t unrolledSize = 1;
  unsigned split = 0;
  while (split + 1 < kOrder.size() &&
         unrolledSize * dims.ranges[kOrder[split]] <= 64)
    unrolledSize *= dims.ranges[kOrder[split++]];
  kUnrolled.assign(kOrder.begin(), kOrder.begin() + split);
  kLoopDims.assign(kOrder.begin() + split, kOrder.end());
  kcOuter = std::max<int64_t>(1, kc / unrolledSize);
  for (unsigned i = 1; i < kLoopDims.size(); ++i)
    kcOuter = std::max<int64_t>(1, kcOuter / dims.ranges[kLoopDims[i]]);
  int64_t kOuterRange = dims.ranges[kLoopDims[0]];
  if (kLoopDims.size() > 1 || kcOuter >= kOuterRange)
    kcOuter = kOuterRange; // block only a single k loop
  if (transposed && kcOuter < kOuterRange) {
    reason = "transposed results need the whole reduction per tile (kc = K)";
    return failure();
  }
  if (packA && tiling.getThreads() > 1 && tiling.getParallel() == "batch") {
    reason = "pack_a needs one buffer per thread: split m or n, not batch";
    return failure();
  }
  if (packA && (boxDims.size() != 1 || dims.m.size() != 1 ||
                kLoopDims.size() != 1 || !kUnrolled.empty())) {
    reason = "pack_a needs a single m and a single k dimension";
    return failure();
  }
  if (packA && widenA != InputWidening::None) {
    reason = "pack_a copies activations of the accumulator type only";
    return failure();
  }
  if (tiling.getDot() != 1) {
    std::optional<unsigned> grouped = getDotProductDim(op, dims);
    if (!grouped || !hasUnitInnermostStride(inputA) || packA ||
        tiling.getPackB() != "compile") {
      reason = "dot = 4 needs u8 activations read contiguously along a "
               "reduction dim (in bounds in groups of 4), i8 weight codes "
               "packed at compile time and no A packing";
      return failure();
    }
    dotDim = *grouped;
    bVectorType = VectorType::get({lanes * 4}, IntegerType::get(op.getContext(), 8));
    // k blocks start on group boundaries.
    if (dotDim == kLoopDims[0] && kcOuter < kOuterRange)
      kcOuter = llvm::divideCeil(kcOuter, 4) * 4;
  }

  // The second input: packed at compile time, or read in place along n.
  StringRef packB = tiling.getPackB();
  if (packB == "compile") {
    if (!getConstantGlobal(inputB)) {
      reason = "pack_b = compile needs a constant second input";
      return failure();
    }
    for (AffineExpr expr : mapB.getResults())
      if (!getLinearForm(expr, numLoops)) {
        reason = "the second input's indexing is not linear";
        return failure();
      }
  } else if (packB == "none") {
    if (!isContiguousAlong(mapB, nDim) || !hasUnitInnermostStride(inputB)) {
      reason = "the second input is not contiguous along n (pack it)";
      return failure();
    }
  } else {
    reason = "pack_b = " + packB.str() + " is not supported";
    return failure();
  }
  bBits = tiling.getBBits();
  if (bBits) {
    std::optional<ConstantGlobal> codes = getConstantGlobal(inputB);
    if (widenB == InputWidening::None || !codes ||
        !fitBits(codes->data(), widenB, bBits)) {
      int64_t half = int64_t(1) << (bBits - 1);
      reason = llvm::formatv("b_bits = {0} needs constant i8 codes in [{1}, "
                             "{2}] (or [0, {3}] when read unsigned)",
                             bBits, -half, half - 1, 2 * half - 1)
                   .str();
      return failure();
    }
  }

  // The accumulator starts at zero when the result is a zero fill.
  unsigned nResultDim = 0;
  for (auto [i, expr] : llvm::enumerate(mapC.getResults()))
    if (expr == getAffineDimExpr(nDim, op.getContext()))
      nResultDim = i;
  ResultUses uses = getResultUses(op, nResultDim);
  zeroInit = bool(uses.zeroFill);
  initFill = uses.readAfterFill ? linalg::FillOp() : uses.zeroFill;
  if (uses.channelInit && !uses.readAfterFill) {
    channelInit = uses.channelInit;
    channelValues = uses.channelValues;
  }
  if (transposed && !zeroInit && !channelInit) {
    reason = "transposed results are only written, never read: the result "
             "must start as a zero fill";
    return failure();
  }
  destination = epilogue ? epilogue->op.getDpsInitOperand(0)->get() : result;
  return success();
}

KernelEmitter::Point KernelEmitter::rowPoint(OpBuilder &b,
                                             const Point &origin,
                                             ArrayRef<int64_t> boxSizes,
                                             int64_t row) {
  Point point = origin;
  for (int64_t i = boxDims.size() - 1; i >= 0; --i) {
    point[boxDims[i]] = add(b, origin[boxDims[i]], row % boxSizes[i]);
    row /= boxSizes[i];
  }
  return point;
}

Value KernelEmitter::laneMask(OpBuilder &b, Value n0, int64_t v) {
  if (n % nr == 0)
    return {};
  // Lanes of vector v of the tile at n0 that are below n.
  AffineExpr valid =
      b.getAffineConstantExpr(n - v * lanes) - b.getAffineDimExpr(0);
  Value count = affine::makeComposedAffineApply(b, loc, valid,
                                                ArrayRef<OpFoldResult>{n0});
  return vector::CreateMaskOp::create(
      b, loc, VectorType::get({lanes}, b.getI1Type()), ValueRange{count});
}

Value KernelEmitter::loadB(OpBuilder &b, const Point &point, Value n0,
                           int64_t v) {
  if (bBits) {
    Value codes = loadPackedCodes(b, point, n0, v);
    if (isa<IntegerType>(elementType))
      return codes;
    // Exact either way: the i32 holds the signed or unsigned code.
    return arith::SIToFPOp::create(b, loc, vectorType, codes);
  }
  Value loaded;
  if (packedB) {
    SmallVector<Value> indices = packedRowIndices(b, point, n0);
    indices.push_back(index(b, v * lanes * tiling.getDot()));
    loaded = vector::LoadOp::create(b, loc, bVectorType, packedB, indices);
    if (dotDim)
      return loaded; // bytes for vpdpbusd
  } else {
    Point at = point;
    at[nDim] = add(b, n0, v * lanes);
    SmallVector<Value> indices = apply(b, mapB, at);
    if (Value mask = laneMask(b, n0, v)) {
      Value zero = arith::ConstantOp::create(
          b, loc,
          DenseElementsAttr::get(bVectorType,
                                 b.getZeroAttr(bVectorType.getElementType())));
      loaded = vector::MaskedLoadOp::create(b, loc, bVectorType, inputB,
                                            indices, mask, zero);
    } else {
      loaded = vector::LoadOp::create(b, loc, bVectorType, inputB, indices);
    }
  }
  // i8 weight codes: one widening per loaded vector, shared by all rows.
  switch (widenB) {
  case InputWidening::None:
    return loaded;
  case InputWidening::Signed8:
    if (isa<IntegerType>(elementType))
      return arith::ExtSIOp::create(b, loc, vectorType, loaded);
    return arith::SIToFPOp::create(b, loc, vectorType, loaded);
  case InputWidening::Unsigned8:
    if (isa<IntegerType>(elementType))
      return arith::ExtUIOp::create(b, loc, vectorType, loaded);
    return arith::UIToFPOp::create(b, loc, vectorType, loaded);
  case InputWidening::Half:
    break; // hasKernelElementTypes keeps half floats out of the kernels.
  }
  llvm_unreachable("unknown widening");
}

SmallVector<Value>
KernelEmitter::packedRowIndices(OpBuilder &b, const Point &point, Value n0) {
  SmallVector<Value> indices;
  for (unsigned d : dims.batch)
    indices.push_back(point[d]);
  indices.push_back(affine::makeComposedAffineApply(
      b, loc, b.getAffineDimExpr(0).floorDiv(nr), ArrayRef<OpFoldResult>{n0}));
  indices.push_back(kFlat(b, point));
  return indices;
}

Value KernelEmitter::decodeCodes(OpBuilder &b, Value bytes, int64_t slot) {
  // Slot q of a byte holds bits [q * w, (q + 1) * w). The bytes are widened
  // to i32 first: x86 has no byte shifts, and an i32 shift is one
  // instruction.
  bool isSigned = widenB == InputWidening::Signed8;
  auto wideType = cast<VectorType>(bytes.getType()).clone(b.getI32Type());
  Value wide =
      isSigned ? arith::ExtSIOp::create(b, loc, wideType, bytes).getResult()
               : arith::ExtUIOp::create(b, loc, wideType, bytes).getResult();
  auto splat = [&](int64_t c) -> Value {
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(wideType, b.getI32IntegerAttr(c)));
  };
  int64_t low = slot * bBits;
  bool top = low + bBits == 8; // the byte's extension fills the bits above
  if (isSigned) {
    if (top)
      return arith::ShRSIOp::create(b, loc, wide, splat(low));
    Value up = arith::ShLIOp::create(b, loc, wide, splat(32 - bBits - low));
    return arith::ShRSIOp::create(b, loc, up, splat(32 - bBits));
  }
  Value shifted =
      low ? arith::ShRUIOp::create(b, loc, wide, splat(low)).getResult() : wide;
  if (top)
    return shifted;
  return arith::AndIOp::create(b, loc, shifted, splat((1 << bBits) - 1));
}

Value KernelEmitter::loadPackedCodes(OpBuilder &b, const Point &point, Value n0,
                                     int64_t v) {
  // Byte j of a panel row holds the codes of columns j + q * nr / perByte
  // in its slots q.
  int64_t perByte = 8 / bBits;
  SmallVector<Value> indices = packedRowIndices(b, point, n0);
  int64_t groups = vectorsPerTile / perByte;
  if (vectorsPerTile % perByte == 0) {
    // Vector v reads slot v / groups of the bytes of vector v % groups.
    indices.push_back(index(b, (v % groups) * lanes));
    Value bytes = vector::LoadOp::create(
        b, loc, VectorType::get({lanes}, b.getI8Type()), packedB, indices);
    return decodeCodes(b, bytes, v / groups);
  }
  // Otherwise the row's nr / perByte bytes give every slot, joined into the
  // row, and vector v is a slice of it.
  indices.push_back(index(b, 0));
  Value bytes = vector::LoadOp::create(
      b, loc, VectorType::get({nr / perByte}, b.getI8Type()), packedB, indices);
  Value row = decodeCodes(b, bytes, 0);
  for (int64_t slot = 1; slot < perByte; ++slot) {
    Value next = decodeCodes(b, bytes, slot);
    int64_t length = cast<VectorType>(row.getType()).getDimSize(0);
    SmallVector<int64_t> joined =
        llvm::to_vector(llvm::seq<int64_t>(0, length + nr / perByte));
    row = vector::ShuffleOp::create(b, loc, row, next, joined);
  }
  return vector::ExtractStridedSliceOp::create(
      b, loc, row, ArrayRef<int64_t>{v * lanes}, ArrayRef<int64_t>{lanes},
      ArrayRef<int64_t>{1});
}

Value KernelEmitter::loadA(OpBuilder &b, const Point &at) {
  SmallVector<Value> indices = apply(b, mapA, at);
  if (dotDim) {
    // Four consecutive u8 values as one i32, in every lane, as bytes.
    Value bytes = vector::LoadOp::create(
        b, loc, VectorType::get({4}, b.getI8Type()), inputA, indices);
    Value word = vector::ExtractOp::create(
        b, loc,
        vector::BitCastOp::create(b, loc, VectorType::get({1}, elementType),
                                  bytes),
        ArrayRef<int64_t>{0});
    return vector::BitCastOp::create(
        b, loc, bVectorType,
        vector::BroadcastOp::create(b, loc, vectorType, word));
  }
  Value scalar = memref::LoadOp::create(b, loc, inputA, indices);
  if (widenA == InputWidening::Signed8)
    scalar = arith::ExtSIOp::create(b, loc, elementType, scalar);
  else if (widenA == InputWidening::Unsigned8)
    scalar = arith::ExtUIOp::create(b, loc, elementType, scalar);
  return vector::BroadcastOp::create(b, loc, vectorType, scalar);
}

Value KernelEmitter::dotProduct(OpBuilder &b, Value acc, Value a,
                                Value bBytes) {
  // acc[i] += sum_j u8(a[4i+j]) * s8(b[4i+j]), written as what it computes
  // (pure ops the buffer passes reason about); effai-lower-dot-products
  // selects vpdpbusd for it.
  auto wide = VectorType::get({lanes * 4}, elementType);
  Value product = arith::MulIOp::create(
      b, loc, arith::ExtUIOp::create(b, loc, wide, a),
      arith::ExtSIOp::create(b, loc, wide, bBytes));
  Value groups = vector::ShapeCastOp::create(
      b, loc, VectorType::get({lanes, 4}, elementType), product);
  return vector::MultiDimReductionOp::create(
      b, loc, groups, acc, ArrayRef<bool>{false, true},
      vector::CombiningKind::ADD);
}

Value KernelEmitter::multiplyAdd(OpBuilder &b, Value x, Value y, Value acc) {
  if (isa<FloatType>(elementType))
    return vector::FMAOp::create(b, loc, x, y, acc);
  return arith::AddIOp::create(b, loc, acc,
                               arith::MulIOp::create(b, loc, x, y));
}

void KernelEmitter::packConstantB(Operation *anchor) {
  std::optional<ConstantGlobal> source = getConstantGlobal(inputB);
  auto sourceType = cast<MemRefType>(inputB.getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  (void)sourceType.getStridesAndOffset(strides, offset);
  // Element offset of B as a linear function of the loop dims.
  SmallVector<int64_t> coeffs(numLoops, 0);
  int64_t base = offset;
  for (auto [expr, stride] : llvm::zip(mapB.getResults(), strides)) {
    LinearForm form = *getLinearForm(expr, numLoops);
    for (unsigned d = 0; d < numLoops; ++d)
      coeffs[d] += form.coeffs[d] * stride;
    base += form.constant * stride;
  }
  // [batch...][N/nr][K][nr], or with dot products [N/nr][K/4][nr][4]
  // (flattened as [K/4][nr * 4]; codes past the grouped dim's end are 0).
  int64_t panels = llvm::divideCeil(n, nr);
  int64_t dot = tiling.getDot();
  int64_t kSize = 1;
  for (unsigned d : kOrder)
    kSize *= steps(d);
  int64_t batchSize = dims.getBatch();
  SmallVector<int64_t> shape;
  for (unsigned d : dims.batch)
    shape.push_back(dims.ranges[d]);
  shape.append({panels, kSize, nr * dot});
  const char *src = source->expanded.empty() ? source->bytes.data()
                                              : source->expanded.data();
  // Elements are moved as bytes: f32 values or i8 codes alike.
  Type storedType = bVectorType.getElementType();
  int64_t width = storedType.getIntOrFloatBitWidth() / 8;
  std::vector<char> packed(batchSize * panels * kSize * nr * dot * width, 0);
  for (int64_t batch = 0; batch < batchSize; ++batch) {
    int64_t batchOffset = base, rest = batch;
    for (unsigned d : llvm::reverse(dims.batch)) {
      batchOffset += (rest % dims.ranges[d]) * coeffs[d];
      rest /= dims.ranges[d];
    }
    for (int64_t k = 0; k < kSize; ++k) {
      for (int64_t j = 0; j < dot; ++j) {
        int64_t kOffset = batchOffset, kRest = k;
        bool inside = true;
        for (unsigned d : llvm::reverse(kOrder)) {
          int64_t coordinate = kRest % steps(d);
          if (dotDim == d) {
            coordinate = coordinate * dot + j;
            inside = coordinate < dims.ranges[d];
          }
          kOffset += coordinate * coeffs[d];
          kRest /= steps(d);
        }
        if (!inside)
          continue;
        for (int64_t col = 0; col < n; ++col)
          std::memcpy(
              &packed[((((batch * panels + col / nr) * kSize + k) * nr +
                        col % nr) *
                           dot +
                       j) *
                      width],
              &src[(kOffset + col * coeffs[nDim]) * width], width);
      }
    }
  }
  if (bBits) {
    // Each panel row of nr codes becomes nr / perByte bytes: column
    // j + q * nr / perByte in slot q of byte j.
    int64_t perByte = 8 / bBits, rowBytes = nr / perByte;
    std::vector<char> slots(packed.size() / perByte);
    for (size_t row = 0; row < packed.size() / nr; ++row)
      for (int64_t j = 0; j < rowBytes; ++j) {
        unsigned byte = 0;
        for (int64_t q = 0; q < perByte; ++q)
          byte |= (static_cast<uint8_t>(packed[row * nr + j + q * rowBytes]) &
                   ((1u << bBits) - 1))
                  << (q * bBits);
        slots[row * rowBytes + j] = static_cast<char>(byte);
      }
    packed = std::move(slots);
    shape.back() = rowBytes;
  }
  auto tensorType = RankedTensorType::get(shape, storedType);
  auto memrefType = MemRefType::get(shape, storedType);
  OpBuilder b(source->global);
  ElementsAttr value =
      buildElementsFromBytes(tensorType, packed, "packed_weight");
  auto global = memref::GlobalOp::create(
      b, source->global.getLoc(),
      (source->global.getSymName() + "_packed").str(),
      b.getStringAttr("private"), memrefType, value, /*constant=*/true,
      b.getI64IntegerAttr(64));
  SymbolTable(source->global->getParentOp()).insert(global);
  OpBuilder atOp(anchor);
  packedB = memref::GetGlobalOp::create(atOp, loc, memrefType,
                                        global.getSymName());
}

//===----------------------------------------------------------------------===//
// Loop nest
//===----------------------------------------------------------------------===//

void KernelEmitter::emit() {
  // A fused kernel replaces the consumer, after the contraction: where the
  // consumer's other operands are defined.
  Operation *anchor = epilogue ? epilogue->op.getOperation() : op.getOperation();
  if (tiling.getPackB() == "compile")
    packConstantB(anchor);
  OpBuilder b(anchor);
  if (channelInit) {
    // A 1-D view of the per-n constants ([1, .., C, .., 1] -> [C]).
    channelValues = cpu::buildFlatView(b, loc, channelValues);
  }
  // Per-chunk A packing buffers live in the function's entry block, where
  // the workspace planner finds them.
  Value packBuffers;
  int64_t chunks = tiling.getThreads();
  if (packA) {
    OpBuilder entry(op);
    auto func = op->getParentOfType<FunctionOpInterface>();
    if (func && op->getBlock() == &func.getFunctionBody().front())
      entry.setInsertionPointToStart(op->getBlock());
    int64_t tiles = mc / box[0] + 1;
    packBuffers = memref::AllocOp::create(
        entry, loc,
        MemRefType::get({chunks, tiles, kcOuter, box[0]}, elementType),
        ValueRange{}, entry.getI64IntegerAttr(64));
  }

  Point point(numLoops, Value());
  Value zero = index(b, 0);
  for (unsigned d = 0; d < numLoops; ++d)
    point[d] = zero;

  // Threads: the chosen group is split into `chunks` ranges, one per
  // iteration of an scf.parallel (OpenMP threads later).
  StringRef parallel = tiling.getParallel();
  int64_t mRange = dims.ranges[boxDims[0]];
  auto runChunks = [&](OpBuilder &b, Point point) {
    if (chunks <= 1 || parallel == "batch") {
      Value slot = packBuffers ? memref::SubViewOp::create(
                                     b, loc, packBuffers,
                                     ArrayRef<OpFoldResult>{
                                         b.getIndexAttr(0), b.getIndexAttr(0),
                                         b.getIndexAttr(0), b.getIndexAttr(0)},
                                     ArrayRef<OpFoldResult>{
                                         b.getIndexAttr(1),
                                         b.getIndexAttr(mc / box[0] + 1),
                                         b.getIndexAttr(kcOuter),
                                         b.getIndexAttr(box[0])},
                                     ArrayRef<OpFoldResult>{
                                         b.getIndexAttr(1), b.getIndexAttr(1),
                                         b.getIndexAttr(1), b.getIndexAttr(1)})
                                     .getResult()
                               : Value();
      emitChunk(b, point, index(b, 0), index(b, n), index(b, 0),
                index(b, mRange), slot);
      return;
    }
    // Chunk boundaries on tile multiples, so only the last chunk has edges.
    int64_t unit = parallel == "n" ? nr : box[0];
    int64_t range = parallel == "n" ? n : mRange;
    int64_t perChunk = llvm::divideCeil(llvm::divideCeil(range, unit), chunks) *
                       unit;
    scf::ParallelOp::create(
        b, loc, ValueRange{index(b, 0)}, ValueRange{index(b, chunks)},
        ValueRange{index(b, 1)},
        [&](OpBuilder &b, Location loc, ValueRange ivs) {
          Value t = ivs[0];
          Value lo = affine::makeComposedAffineApply(
              b, loc, b.getAffineDimExpr(0) * perChunk,
              ArrayRef<OpFoldResult>{t});
          Value hi = affine::AffineMinOp::create(
              b, loc,
              AffineMap::get(1, 0,
                             {b.getAffineDimExpr(0) * perChunk + perChunk,
                              b.getAffineConstantExpr(range)},
                             b.getContext()),
              ValueRange{t});
          Value slot;
          if (packBuffers) {
            SmallVector<OpFoldResult> offsets = {t, b.getIndexAttr(0),
                                                 b.getIndexAttr(0),
                                                 b.getIndexAttr(0)};
            SmallVector<OpFoldResult> sizes = {
                b.getIndexAttr(1), b.getIndexAttr(mc / box[0] + 1),
                b.getIndexAttr(kcOuter), b.getIndexAttr(box[0])};
            SmallVector<OpFoldResult> steps(4, b.getIndexAttr(1));
            slot = memref::SubViewOp::create(b, loc, packBuffers, offsets,
                                             sizes, steps);
          }
          if (parallel == "n")
            emitChunk(b, point, lo, hi, index(b, 0), index(b, mRange), slot);
          else
            emitChunk(b, point, index(b, 0), index(b, n), lo, hi, slot);
          scf::ReduceOp::create(b, loc);
        });
  };

  // Outer dims (batch, other m dims) as loops around the chunks; with
  // parallel = batch the outermost of them is the parallel loop.
  std::function<void(OpBuilder &, Point, unsigned)> outer =
      [&](OpBuilder &b, Point point, unsigned depth) {
        if (depth == outerDims.size()) {
          runChunks(b, point);
          return;
        }
        unsigned d = outerDims[depth];
        auto body = [&](OpBuilder &b, Value iv) {
          Point inner = point;
          inner[d] = iv;
          outer(b, inner, depth + 1);
        };
        if (depth == 0 && parallel == "batch" && chunks > 1) {
          scf::ParallelOp::create(
              b, loc, ValueRange{index(b, 0)},
              ValueRange{index(b, dims.ranges[d])}, ValueRange{index(b, 1)},
              [&](OpBuilder &b, Location, ValueRange ivs) {
                body(b, ivs[0]);
                scf::ReduceOp::create(b, loc);
              });
          return;
        }
        scf::ForOp::create(b, loc, index(b, 0), index(b, dims.ranges[d]),
                           index(b, 1), ValueRange{},
                           [&](OpBuilder &b, Location, Value iv, ValueRange) {
                             body(b, iv);
                             scf::YieldOp::create(b, loc);
                           });
      };
  outer(b, point, 0);

  // The contraction, its zero fill and the fused epilogue are replaced.
  // (The fill stays when something else reads the zeros: a copy made for
  // another op that shared it.)
  if (epilogue)
    rewriter.eraseOp(epilogue->op);
  rewriter.eraseOp(op);
  if (initFill)
    rewriter.eraseOp(initFill);
  if (channelInit)
    rewriter.eraseOp(channelInit);
  // The result buffer goes too when nothing but its deallocation is left.
  if (auto alloc = result.getDefiningOp<memref::AllocOp>())
    if (llvm::all_of(alloc->getUsers(), llvm::IsaPred<memref::DeallocOp>)) {
      for (Operation *dealloc : llvm::make_early_inc_range(alloc->getUsers()))
        rewriter.eraseOp(dealloc);
      rewriter.eraseOp(alloc);
    }
}

void KernelEmitter::emitChunk(OpBuilder &b, Point point, Value nLo, Value nHi,
                              Value mLo, Value mHi, Value packBuffer) {
  // jc: panels of nc columns; pc: blocks of kc along the first k loop;
  // ic: blocks of mc rows of the first box dim.
  int64_t kOuterRange = dims.ranges[kLoopDims[0]];
  bool blocked = kcOuter < kOuterRange;
  scf::ForOp::create(
      b, loc, nLo, nHi, index(b, nc), ValueRange{},
      [&](OpBuilder &b, Location, Value jc, ValueRange) {
        Value jcEnd = affine::AffineMinOp::create(
            b, loc,
            AffineMap::get(2, 0,
                           {b.getAffineDimExpr(0) + nc, b.getAffineDimExpr(1)},
                           b.getContext()),
            ValueRange{jc, nHi});
        scf::ForOp::create(
            b, loc, index(b, 0), index(b, kOuterRange), index(b, kcOuter),
            ValueRange{}, [&](OpBuilder &b, Location, Value pc, ValueRange) {
              Value pcEnd = affine::AffineMinOp::create(
                  b, loc,
                  AffineMap::get(1, 0,
                                 {b.getAffineDimExpr(0) + kcOuter,
                                  b.getAffineConstantExpr(kOuterRange)},
                                 b.getContext()),
                  ValueRange{pc});
              scf::ForOp::create(
                  b, loc, mLo, mHi, index(b, mc), ValueRange{},
                  [&](OpBuilder &b, Location, Value ic, ValueRange) {
                    Value icEnd = affine::AffineMinOp::create(
                        b, loc,
                        AffineMap::get(2, 0,
                                       {b.getAffineDimExpr(0) + mc,
                                        b.getAffineDimExpr(1)},
                                       b.getContext()),
                        ValueRange{ic, mHi});
                    if (packBuffer) {
                      Value rows = affine::makeComposedAffineApply(
                          b, loc, b.getAffineDimExpr(0) - b.getAffineDimExpr(1),
                          ArrayRef<OpFoldResult>{icEnd, ic});
                      packABlock(b, point, ic, rows, pc, pcEnd, packBuffer);
                    }
                    scf::ForOp::create(
                        b, loc, jc, jcEnd, index(b, nr), ValueRange{},
                        [&](OpBuilder &b, Location, Value jr, ValueRange) {
                          emitBoxLoops(b, point, 0, {}, ic, icEnd, jr, pc,
                                       pcEnd, blocked, packBuffer, ic);
                          scf::YieldOp::create(b, loc);
                        });
                    scf::YieldOp::create(b, loc);
                  });
              scf::YieldOp::create(b, loc);
            });
        scf::YieldOp::create(b, loc);
      });
}

void KernelEmitter::packABlock(OpBuilder &b, const Point &point, Value ic,
                               Value rows, Value kLo, Value kHi,
                               Value buffer) {
  // buffer[tile][k - kLo][r] = A[ic + tile * mr + r][k]
  int64_t mr = box[0];
  unsigned mDim = boxDims[0], kDim = kLoopDims[0];
  scf::ForOp::create(
      b, loc, index(b, 0), rows, index(b, 1), ValueRange{},
      [&](OpBuilder &b, Location, Value row, ValueRange) {
        Point at = point;
        at[mDim] = affine::makeComposedAffineApply(
            b, loc, b.getAffineDimExpr(0) + b.getAffineDimExpr(1),
            ArrayRef<OpFoldResult>{ic, row});
        Value tile = affine::makeComposedAffineApply(
            b, loc, b.getAffineDimExpr(0).floorDiv(mr),
            ArrayRef<OpFoldResult>{row});
        Value lane = affine::makeComposedAffineApply(
            b, loc, b.getAffineDimExpr(0) % mr, ArrayRef<OpFoldResult>{row});
        scf::ForOp::create(
            b, loc, kLo, kHi, index(b, 1), ValueRange{},
            [&](OpBuilder &b, Location, Value k, ValueRange) {
              Point atK = at;
              atK[kDim] = k;
              Value value = memref::LoadOp::create(b, loc, inputA,
                                                   apply(b, mapA, atK));
              Value kk = affine::makeComposedAffineApply(
                  b, loc, b.getAffineDimExpr(0) - b.getAffineDimExpr(1),
                  ArrayRef<OpFoldResult>{k, kLo});
              memref::StoreOp::create(
                  b, loc, value, buffer,
                  ValueRange{index(b, 0), tile, kk, lane});
              scf::YieldOp::create(b, loc);
            });
        scf::YieldOp::create(b, loc);
      });
}

void KernelEmitter::emitBoxLoops(OpBuilder &b, Point point, unsigned boxIndex,
                                 SmallVector<int64_t> boxSizes, Value mLo,
                                 Value mHi, Value n0, Value kLo, Value kHi,
                                 bool blocked, Value packABuffer,
                                 Value icBase) {
  if (boxIndex == boxDims.size()) {
    emitTile(b, point, boxSizes, n0, kLo, kHi, blocked, packABuffer, icBase);
    return;
  }
  // Full tiles, then (statically sized) the remainder. The first box dim
  // runs over [mLo, mHi) (a block); the others over their whole range.
  unsigned d = boxDims[boxIndex];
  int64_t tile = box[boxIndex];
  int64_t range = dims.ranges[d];
  Value lo = boxIndex == 0 ? mLo : index(b, 0);
  Value hi = boxIndex == 0 ? mHi : index(b, range);
  int64_t remainder = range % tile;
  // End of the full tiles: hi rounded down to a tile multiple.
  Value fullEnd =
      boxIndex == 0
          ? affine::makeComposedAffineApply(
                b, loc,
                b.getAffineDimExpr(1) +
                    (b.getAffineDimExpr(0) - b.getAffineDimExpr(1))
                            .floorDiv(tile) *
                        tile,
                ArrayRef<OpFoldResult>{hi, lo})
          : index(b, range - remainder);
  auto inner = [&](OpBuilder &b, Value iv, int64_t size) {
    Point at = point;
    at[d] = iv;
    SmallVector<int64_t> sizes = boxSizes;
    sizes.push_back(size);
    emitBoxLoops(b, at, boxIndex + 1, sizes, mLo, mHi, n0, kLo, kHi, blocked,
                 packABuffer, icBase);
  };
  scf::ForOp::create(b, loc, lo, fullEnd, index(b, tile), ValueRange{},
                     [&](OpBuilder &b, Location, Value iv, ValueRange) {
                       inner(b, iv, tile);
                       scf::YieldOp::create(b, loc);
                     });
  if (remainder == 0)
    return;
  // The remainder tile exists only where the range ends (the last block).
  Value needed = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                       fullEnd, hi);
  scf::IfOp::create(b, loc, needed, [&](OpBuilder &b, Location) {
    inner(b, fullEnd, remainder);
    scf::YieldOp::create(b, loc);
  });
}

//===----------------------------------------------------------------------===//
// One register tile
//===----------------------------------------------------------------------===//

void KernelEmitter::emitTile(OpBuilder &b, Point origin,
                             ArrayRef<int64_t> boxSizes, Value n0, Value kLo,
                             Value kHi, bool blocked, Value packABuffer,
                             Value icBase) {
  int64_t count = rowsOf(boxSizes) * vectorsPerTile;
  Value zero = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(vectorType, b.getZeroAttr(elementType)));
  SmallVector<Value> init;
  Value isFirst, isLast;
  if (blocked) {
    isFirst = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, kLo,
                                    index(b, 0));
    isLast = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::eq, kHi,
        index(b, dims.ranges[kLoopDims[0]]));
  }
  // What the first k block starts from: zeros, per-n constants, or what
  // the result held.
  auto start = [&](OpBuilder &b) {
    if (zeroInit)
      return SmallVector<Value>(count, zero);
    if (channelInit)
      return loadChannelInit(b, rowsOf(boxSizes), n0);
    return loadPartial(b, origin, boxSizes, n0);
  };
  if (!blocked) {
    init = start(b);
  } else {
    // Later blocks continue from the partial sums stored in the result.
    auto branch = scf::IfOp::create(
        b, loc, SmallVector<Type>(count, vectorType), isFirst, true);
    OpBuilder thenB = branch.getThenBodyBuilder();
    scf::YieldOp::create(thenB, loc, start(thenB));
    OpBuilder elseB = branch.getElseBodyBuilder();
    scf::YieldOp::create(elseB, loc, loadPartial(elseB, origin, boxSizes, n0));
    init.assign(branch.getResults().begin(), branch.getResults().end());
  }

  SmallVector<Value> acc = emitKLoops(b, origin, boxSizes, n0, kLo, kHi, init,
                                      packABuffer, icBase);
  if (!blocked) {
    storeFinal(b, origin, boxSizes, n0, acc);
    return;
  }
  scf::IfOp::create(
      b, loc, isLast,
      [&](OpBuilder &b, Location) {
        storeFinal(b, origin, boxSizes, n0, acc);
        scf::YieldOp::create(b, loc);
      },
      [&](OpBuilder &b, Location) {
        storePartial(b, origin, boxSizes, n0, acc);
        scf::YieldOp::create(b, loc);
      });
}

SmallVector<Value> KernelEmitter::emitKLoops(OpBuilder &b, const Point &origin,
                                             ArrayRef<int64_t> boxSizes,
                                             Value n0, Value kLo, Value kHi,
                                             ValueRange init,
                                             Value packABuffer, Value icBase) {
  int64_t rows = rowsOf(boxSizes);
  // Row points hold the tile's m coordinates; k coordinates are filled in
  // per step. They are built once, outside the k loops.
  SmallVector<Point> rowPoints;
  for (int64_t r = 0; r < rows; ++r)
    rowPoints.push_back(rowPoint(b, origin, boxSizes, r));
  Value tileIndex;
  if (packABuffer)
    tileIndex = affine::makeComposedAffineApply(
        b, loc, (b.getAffineDimExpr(0) - b.getAffineDimExpr(1)).floorDiv(box[0]),
        ArrayRef<OpFoldResult>{origin[boxDims[0]], icBase});

  // One step of the micro-kernel at k coordinates `kPoint`.
  auto step = [&](OpBuilder &b, const Point &kPoint,
                  SmallVector<Value> acc) -> SmallVector<Value> {
    SmallVector<Value> bVectors;
    for (int64_t v = 0; v < vectorsPerTile; ++v)
      bVectors.push_back(loadB(b, kPoint, n0, v));
    Value packedK;
    if (packABuffer)
      packedK = affine::makeComposedAffineApply(
          b, loc, b.getAffineDimExpr(0) - b.getAffineDimExpr(1),
          ArrayRef<OpFoldResult>{kPoint[kLoopDims[0]], kLo});
    for (int64_t r = 0; r < rows; ++r) {
      Value broadcast;
      if (packABuffer) {
        Value scalar = memref::LoadOp::create(
            b, loc, packABuffer,
            ValueRange{index(b, 0), tileIndex, packedK, index(b, r)});
        broadcast = vector::BroadcastOp::create(b, loc, vectorType, scalar);
      } else {
        Point at = rowPoints[r];
        for (unsigned d : dims.k)
          at[d] = kPoint[d];
        broadcast = loadA(b, at);
      }
      for (int64_t v = 0; v < vectorsPerTile; ++v) {
        int64_t i = r * vectorsPerTile + v;
        acc[i] = dotDim ? dotProduct(b, acc[i], broadcast, bVectors[v])
                        : multiplyAdd(b, broadcast, bVectors[v], acc[i]);
      }
    }
    return acc;
  };

  MLIRContext *context = b.getContext();
  auto noUnroll = LLVM::LoopAnnotationAttr::get(
      context, {}, {}, {},
      LLVM::LoopUnrollAttr::get(context, BoolAttr::get(context, true), {}, {},
                                {}, {}, {}, {}),
      {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {});

  // The k loops, carrying the accumulators; `step` in the innermost.
  std::function<SmallVector<Value>(OpBuilder &, Point, unsigned,
                                   SmallVector<Value>)>
      loops = [&](OpBuilder &b, Point kPoint, unsigned depth,
                  SmallVector<Value> acc) -> SmallVector<Value> {
    if (depth == kLoopDims.size())
      return step(b, kPoint, acc);
    unsigned d = kLoopDims[depth];
    Value lo = depth == 0 ? kLo : index(b, 0);
    Value hi = depth == 0 ? kHi : index(b, dims.ranges[d]);
    auto loop = scf::ForOp::create(
        b, loc, lo, hi, index(b, dotDim == d ? 4 : 1), acc,
        [&](OpBuilder &b, Location, Value iv, ValueRange carried) {
          Point at = kPoint;
          at[d] = iv;
          SmallVector<Value> next = loops(
              b, at, depth + 1, SmallVector<Value>(carried.begin(),
                                                   carried.end()));
          scf::YieldOp::create(b, loc, next);
        });
    // The micro-kernel's loops stay rolled: unrolled, LLVM would merge the
    // broadcasts that neighbouring rows share across steps (a strided or
    // windowed input) and keep them live, spilling accumulators.
    loop->setAttr("llvm.loop_annotation", noUnroll);
    return SmallVector<Value>(loop.getResults().begin(),
                              loop.getResults().end());
  };

  // The outer k dims unrolled: one copy of the loops per combination.
  int64_t total = 1;
  for (unsigned d : kUnrolled)
    total *= steps(d);
  SmallVector<Value> acc(init.begin(), init.end());
  for (int64_t i = 0; i < total; ++i) {
    Point kPoint = origin;
    int64_t rest = i;
    for (unsigned d : llvm::reverse(kUnrolled)) {
      int64_t step = rest % steps(d);
      kPoint[d] = index(b, dotDim == d ? 4 * step : step);
      rest /= steps(d);
    }
    acc = loops(b, kPoint, 0, acc);
  }
  return acc;
}

SmallVector<Value> KernelEmitter::loadChannelInit(OpBuilder &b, int64_t rows,
                                                  Value n0) {
  // The same per-n vectors start every row.
  SmallVector<Value> vectors;
  for (int64_t v = 0; v < vectorsPerTile; ++v)
    vectors.push_back(loadAccumulatorVector(b, channelValues,
                                            {add(b, n0, v * lanes)}, n0, v));
  SmallVector<Value> values;
  for (int64_t r = 0; r < rows; ++r)
    values.append(vectors);
  return values;
}

SmallVector<Value> KernelEmitter::loadPartial(OpBuilder &b, const Point &origin,
                                              ArrayRef<int64_t> boxSizes,
                                              Value n0) {
  // Only non-transposed results are blocked along k (see analyze).
  SmallVector<Value> values;
  for (int64_t r = 0, e = rowsOf(boxSizes); r < e; ++r) {
    Point at = rowPoint(b, origin, boxSizes, r);
    for (int64_t v = 0; v < vectorsPerTile; ++v) {
      at[nDim] = add(b, n0, v * lanes);
      values.push_back(
          loadAccumulatorVector(b, result, apply(b, mapC, at), n0, v));
    }
  }
  return values;
}

Value KernelEmitter::loadAccumulatorVector(OpBuilder &b, Value memref,
                                           ValueRange indices, Value n0,
                                           int64_t v) {
  // Lanes past n (the last tile's) read as zero.
  Value mask = laneMask(b, n0, v);
  if (!mask)
    return vector::LoadOp::create(b, loc, vectorType, memref, indices);
  Value zero = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(vectorType, b.getZeroAttr(elementType)));
  return vector::MaskedLoadOp::create(b, loc, vectorType, memref, indices,
                                      mask, zero);
}

void KernelEmitter::storePartial(OpBuilder &b, const Point &origin,
                                 ArrayRef<int64_t> boxSizes, Value n0,
                                 ValueRange acc) {
  for (int64_t r = 0, e = rowsOf(boxSizes); r < e; ++r) {
    Point at = rowPoint(b, origin, boxSizes, r);
    for (int64_t v = 0; v < vectorsPerTile; ++v) {
      at[nDim] = add(b, n0, v * lanes);
      SmallVector<Value> indices = apply(b, mapC, at);
      Value value = acc[r * vectorsPerTile + v];
      if (Value mask = laneMask(b, n0, v))
        vector::MaskedStoreOp::create(b, loc, result, indices, mask, value);
      else
        vector::StoreOp::create(b, loc, value, result, indices);
    }
  }
}

Value KernelEmitter::epilogueValue(OpBuilder &b, ArrayRef<Value> coords,
                                   unsigned laneDim, int64_t count, Value mask,
                                   Value value) {
  if (!epilogue)
    return value;
  linalg::GenericOp generic = epilogue->op;
  IRMapping mapping;
  Block *body = generic.getBody();
  for (OpOperand *input : generic.getDpsInputOperands()) {
    BlockArgument arg = body->getArgument(input->getOperandNumber());
    if (input->getOperandNumber() == epilogue->resultInput) {
      mapping.map(arg, value);
      continue;
    }
    AffineMap map = generic.getMatchingIndexingMap(input);
    Type argType = arg.getType();
    auto argVector = VectorType::get({count}, argType);
    SmallVector<Value> indices = apply(b, map, coords);
    Value loaded;
    if (map.isFunctionOfDim(laneDim)) {
      if (mask) {
        Value zero = arith::ConstantOp::create(
            b, loc, DenseElementsAttr::get(argVector, b.getZeroAttr(argType)));
        loaded = vector::MaskedLoadOp::create(b, loc, argVector, input->get(),
                                              indices, mask, zero);
      } else {
        loaded = vector::LoadOp::create(b, loc, argVector, input->get(),
                                        indices);
      }
    } else {
      Value scalar = memref::LoadOp::create(b, loc, input->get(), indices);
      loaded = vector::BroadcastOp::create(b, loc, argVector, scalar);
    }
    mapping.map(arg, loaded);
  }
  // The body's scalar ops, on vectors of `count` lanes: values from outside
  // the body are broadcast, constants splatted, and every other op cloned
  // with vector operands and result types.
  for (Operation &inner : body->without_terminator()) {
    if (auto constant = dyn_cast<arith::ConstantOp>(inner)) {
      auto attr = cast<TypedAttr>(constant.getValue());
      mapping.map(constant.getResult(),
                  arith::ConstantOp::create(
                      b, loc,
                      DenseElementsAttr::get(
                          VectorType::get({count}, attr.getType()), attr)));
      continue;
    }
    for (Value operand : inner.getOperands())
      if (!mapping.contains(operand))
        mapping.map(operand,
                    vector::BroadcastOp::create(
                        b, loc, VectorType::get({count}, operand.getType()),
                        operand));
    Operation *vectorized = b.clone(inner, mapping);
    for (OpResult res : vectorized->getResults())
      res.setType(VectorType::get({count}, res.getType()));
  }
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  return mapping.lookup(yield.getOperand(0));
}

void KernelEmitter::storeFinal(OpBuilder &b, const Point &origin,
                               ArrayRef<int64_t> boxSizes, Value n0,
                               ValueRange acc) {
  if (transposed) {
    storeTransposed(b, origin, boxSizes, n0, acc);
    return;
  }
  // The epilogue's iteration space is the result's: its coordinates are
  // the result's indices, and the lanes run along the result dim that n
  // indexes (the innermost).
  unsigned laneDim = mapC.getNumResults() - 1;
  for (int64_t r = 0, e = rowsOf(boxSizes); r < e; ++r) {
    Point at = rowPoint(b, origin, boxSizes, r);
    for (int64_t v = 0; v < vectorsPerTile; ++v) {
      at[nDim] = add(b, n0, v * lanes);
      SmallVector<Value> indices = apply(b, mapC, at);
      Value mask = laneMask(b, n0, v);
      Value value = epilogueValue(b, indices, laneDim, lanes, mask,
                                  acc[r * vectorsPerTile + v]);
      if (mask)
        vector::MaskedStoreOp::create(b, loc, destination, indices, mask,
                                      value);
      else
        vector::StoreOp::create(b, loc, value, destination, indices);
    }
  }
}

void KernelEmitter::storeTransposed(OpBuilder &b, const Point &origin,
                                    ArrayRef<int64_t> boxSizes, Value n0,
                                    ValueRange acc) {
  // Rows come in groups of `width` along the innermost box dim, which the
  // result is contiguous along: transpose each [width x lanes] block (padded
  // to a square) and store `width` values per n.
  int64_t width = boxSizes.back();
  int64_t groups = rowsOf(boxSizes) / width;
  int64_t square = std::max(width, lanes);
  auto squareType = VectorType::get({square, square}, elementType);
  auto rowType = VectorType::get({square}, elementType);
  unsigned laneDim = mapC.getNumResults() - 1;
  Value zeroRow = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(rowType, b.getZeroAttr(elementType)));
  for (int64_t g = 0; g < groups; ++g) {
    Point at = rowPoint(b, origin, boxSizes, g * width);
    for (int64_t v = 0; v < vectorsPerTile; ++v) {
      Value matrix = arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(squareType, b.getZeroAttr(elementType)));
      for (int64_t i = 0; i < width; ++i) {
        Value row = acc[(g * width + i) * vectorsPerTile + v];
        if (square > lanes)
          row = vector::InsertStridedSliceOp::create(b, loc, row, zeroRow,
                                                     ArrayRef<int64_t>{0},
                                                     ArrayRef<int64_t>{1});
        matrix = vector::InsertOp::create(b, loc, row, matrix,
                                          ArrayRef<int64_t>{i});
      }
      Value transposed = vector::TransposeOp::create(
          b, loc, matrix, ArrayRef<int64_t>{1, 0});
      for (int64_t j = 0; j < lanes; ++j) {
        int64_t column = v * lanes + j;
        Value channelValue = vector::ExtractOp::create(
            b, loc, transposed, ArrayRef<int64_t>{j});
        if (width < square)
          channelValue = vector::ExtractStridedSliceOp::create(
              b, loc, channelValue, ArrayRef<int64_t>{0},
              ArrayRef<int64_t>{width}, ArrayRef<int64_t>{1});
        auto emitStore = [&](OpBuilder &b) {
          Point channel = at;
          channel[nDim] = add(b, n0, column);
          SmallVector<Value> indices = apply(b, mapC, channel);
          Value value = epilogueValue(b, indices, laneDim, width, Value(),
                                      channelValue);
          vector::StoreOp::create(b, loc, value, destination, indices);
        };
        if (n % nr == 0) {
          emitStore(b);
          continue;
        }
        // Columns past n exist only in the last tile.
        Value inRange = arith::CmpIOp::create(
            b, loc, arith::CmpIPredicate::ult, add(b, n0, column),
            index(b, n));
        scf::IfOp::create(b, loc, inRange, [&](OpBuilder &b, Location) {
          emitStore(b);
          scf::YieldOp::create(b, loc);
        });
      }
    }
  }
}

} // namespace

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

Value mlir::effai::cpu::buildFlatView(OpBuilder &b, Location loc,
                                      Value memref) {
  auto type = cast<MemRefType>(memref.getType());
  ReassociationIndices all =
      llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
  return memref::CollapseShapeOp::create(b, loc, memref,
                                         ArrayRef<ReassociationIndices>{all});
}


std::optional<cpu::Epilogue>
mlir::effai::cpu::findEpilogue(linalg::LinalgOp contraction,
                               std::string &reason) {
  auto none = [&](const char *why) -> std::optional<cpu::Epilogue> {
    reason = why;
    return std::nullopt;
  };
  Value result = contraction.getDpsInitOperand(0)->get();
  if (!result.getDefiningOp<memref::AllocOp>())
    return none("the result is not a fresh allocation");
  // The consumer must be the next user, and the one after it must not read
  // the sums (the buffer may be reused for a later value).
  ResultUses uses = getResultUses(contraction);
  auto consumer = dyn_cast_or_null<linalg::GenericOp>(uses.next);
  if (!consumer) {
    reason = "the next user of the result is " +
             (uses.next ? uses.next->getName().getStringRef().str()
                        : std::string("missing"));
    return std::nullopt;
  }
  // Later readers see the consumer's values when it writes in place.
  bool inPlace = consumer.getNumDpsInits() == 1 &&
                 consumer.getDpsInitOperand(0)->get() == result;
  if (!inPlace && uses.afterNext &&
      !overwritesWithoutReading(uses.afterNext, result)) {
    reason = "the result is read again after its consumer, by " +
             uses.afterNext->getName().getStringRef().str();
    return std::nullopt;
  }
  // The fused kernel runs where the consumer was (its other operands may be
  // defined in between): nothing in between may change the inputs.
  if (mayWriteBetween(contraction, consumer,
                      {contraction.getDpsInputOperand(0)->get(),
                       contraction.getDpsInputOperand(1)->get()}))
    return none("an op between the contraction and its consumer may write its inputs");
  if (consumer.getNumDpsInits() != 1 || consumer.getNumReductionLoops() != 0 ||
      consumer.hasIndexSemantics())
    return none("the consumer is not a single-output elementwise op");
  // The consumer reads the result once, element for element, and writes a
  // buffer of the same shape with a unit innermost stride (possibly the
  // result's own: an element's final value replaces only its own sum).
  std::optional<unsigned> resultInput;
  for (OpOperand *input : consumer.getDpsInputOperands()) {
    if (input->get() != result)
      continue;
    if (resultInput ||
        !consumer.getMatchingIndexingMap(input).isIdentity())
      return none("the consumer reads the result twice or not element for element");
    resultInput = input->getOperandNumber();
  }
  OpOperand *output = consumer.getDpsInitOperand(0);
  if (!resultInput || !consumer.getMatchingIndexingMap(output).isIdentity() ||
      cast<MemRefType>(output->get().getType()).getShape() !=
          cast<MemRefType>(result.getType()).getShape() ||
      consumer.payloadUsesValueFromOperand(output) ||
      !hasUnitInnermostStride(output->get()))
    return none("the consumer's output does not match the result");
  // The fused kernel stores final values tile by tile while later tiles
  // still read the contraction's inputs.
  for (OpOperand *input : contraction.getDpsInputOperands())
    if (getBaseBuffer(input->get()) == getBaseBuffer(output->get()))
      return none("the consumer writes a buffer the contraction reads");
  // Every input must be linear in the result's coordinates (loads), and
  // the body scalar elementwise ops.
  unsigned laneDim = consumer.getNumLoops() - 1;
  for (OpOperand *input : consumer.getDpsInputOperands()) {
    if (input->getOperandNumber() != *resultInput &&
        getBaseBuffer(input->get()) == getBaseBuffer(result))
      return none("another consumer input reads the result's buffer");
    AffineMap map = consumer.getMatchingIndexingMap(input);
    for (AffineExpr expr : map.getResults())
      if (!getLinearForm(expr, consumer.getNumLoops()))
        return none("a consumer input is not linear in the result coordinates");
    // Lanes run along the innermost dimension: vector loads or broadcasts.
    if (map.isFunctionOfDim(laneDim) &&
        (!isContiguousAlong(map, laneDim) ||
         !hasUnitInnermostStride(input->get())))
      return none("a consumer input is not contiguous along the vector lanes");
  }
  for (Operation &inner : consumer.getBody()->without_terminator())
    if (!inner.hasTrait<OpTrait::Elementwise>() &&
        !isa<arith::ConstantOp>(inner))
      return none("the consumer's body is not elementwise");
  if (!hasByteSizedInputs(consumer))
    return none("a consumer input has sub-byte (i1) elements");
  if (!isEpilogueElementType(getElementTypeOrSelf(output->get().getType())))
    return none("the consumer produces neither f32 nor an integer of 8 to 32 bits");
  return Epilogue{consumer, *resultInput};
}

LogicalResult mlir::effai::cpu::checkKernelSupport(linalg::LinalgOp op,
                                                   const ContractionDims &dims,
                                                   TilingAttr tiling,
                                                   std::string &reason) {
  IRRewriter rewriter(op.getContext());
  KernelEmitter emitter(rewriter, op, dims, tiling, std::nullopt);
  return emitter.analyze(reason);
}

void mlir::effai::cpu::emitContractionKernel(RewriterBase &rewriter,
                                             linalg::LinalgOp op,
                                             const ContractionDims &dims,
                                             TilingAttr tiling,
                                             std::optional<Epilogue> epilogue) {
  KernelEmitter emitter(rewriter, op, dims, tiling, epilogue);
  std::string reason;
  if (failed(emitter.analyze(reason)))
    llvm_unreachable("checkKernelSupport must succeed first");
  emitter.emit();
}
