//===- SparseKernels.cpp - kernels that skip pruned weights -----*- C++ -*-===//
//
// A pruned linear or convolution layer computed from its stored weights
// only: every output walks the stored weights of its channel (a compressed
// row, CSR-style) and gathers the activations they touch, so the work is
// proportional to what was kept. Values are decoded in the loop: floats as
// they are, affine codes as integers (scale once per output), power-of-two
// codes as exponent-field adds (no multiply at all).
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "effai/Conversion/Passes.h"
#include "effai/Dialect/Effai/IR/PackedIndices.h"
#include "effai/Dialect/Effai/IR/WeightCodec.h"
#include "effai/Utils/ConstantData.h"
#include "effai/Utils/LinalgBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <numeric>

namespace mlir::effai {
#define GEN_PASS_DEF_EFFAICONVERTSPARSEKERNELS
#include "effai/Conversion/Passes.h.inc"
} // namespace mlir::effai

using namespace mlir;
using namespace mlir::effai;

namespace {

/// A sparse weight ready for a row-wise kernel: its pack and, per output
/// channel o, the stored weights [rowStart[o], rowStart[o + 1]) in payload
/// order.
struct SparseRows {
  PackOp pack;
  WeightType type;
  SmallVector<int32_t> rowStart;
  /// When the payload interleaves rows (block payloads: a block spans
  /// several rows), the kernel's weight order as payload slots, and the
  /// column of each; empty when payload order already goes row by row.
  SmallVector<int32_t> slots, columns;
  /// Delta payloads: per row, the position its first delta is added to
  /// (that of the previous row's last stored weight; 0 before slot 0).
  SmallVector<int32_t> previousPosition;
  /// How kernels find a bitmap row's stored weights.
  BitmapWalk bitmapWalk = BitmapWalk::Positions;
};

/// The rows of `weight` when it is a sparse pack with constant indices:
/// row offsets over payload order (N:M, channel and unstructured payloads
/// go row by row), or over a reordering computed here (block payloads);
/// kernels walk its bitmap rows as `bitmapWalk` says.
FailureOr<SparseRows>
getSparseRows(Value weight, double minSparsity,
              BitmapWalk bitmapWalk = BitmapWalk::Positions) {
  auto pack = weight.getDefiningOp<PackOp>();
  if (!pack || !pack.getIndices())
    return failure();
  WeightType type = pack.getResult().getType();
  if (isa<DenseSparsityAttr>(type.getEncoding().getSparsity()))
    return failure();
  double kept =
      double(type.getNumStoredWeights()) / double(type.getNumElements());
  if (1.0 - kept < minSparsity)
    return failure();
  std::optional<std::vector<int64_t>> indices =
      readIntegerConstant(pack.getIndices());
  if (!indices)
    return failure();
  std::string error;
  FailureOr<SmallVector<int64_t>> positions =
      getStoredWeightPositions(type, *indices, error);
  if (failed(positions))
    return failure();
  int64_t channels = type.getNumOutputChannels();
  int64_t cols = type.getReductionSize();
  SparseRows rows{pack, type, SmallVector<int32_t>(channels + 1, 0),
                  {},   {},   {}};
  rows.bitmapWalk = bitmapWalk;
  for (int64_t position : *positions)
    ++rows.rowStart[position / cols + 1];
  for (int64_t o = 0; o < channels; ++o)
    rows.rowStart[o + 1] += rows.rowStart[o];
  if (isa<DeltaSparsityAttr>(type.getEncoding().getSparsity()))
    for (int64_t o = 0; o < channels; ++o)
      rows.previousPosition.push_back(
          rows.rowStart[o] == 0 ? 0
                                : int32_t((*positions)[rows.rowStart[o] - 1]));
  auto byRow = [&](int64_t a, int64_t b) {
    return (*positions)[a] / cols < (*positions)[b] / cols;
  };
  SmallVector<int64_t> order(positions->size());
  std::iota(order.begin(), order.end(), 0);
  if (!llvm::is_sorted(order, byRow)) {
    std::stable_sort(order.begin(), order.end(), byRow);
    for (int64_t slot : order) {
      rows.slots.push_back(int32_t(slot));
      rows.columns.push_back(int32_t((*positions)[slot] % cols));
    }
  }
  return rows;
}

/// The per-output-channel factor the kernel applies after its reduction
/// (empty when there is none): affine and power-of-two codes are summed
/// unscaled.
SmallVector<float> getOutputScales(WeightType type) {
  ValueFormatAttrInterface format = type.getEncoding().getValue();
  SmallVector<float> scales;
  int64_t channels = type.getNumOutputChannels();
  if (auto affine = dyn_cast<AffineFormatAttr>(format)) {
    ChannelParams params = getParams(affine.getQuantType());
    for (int64_t c = 0; c < channels; ++c)
      scales.push_back(float(params.scale(c)));
  } else if (auto pow2 = dyn_cast<Pow2FormatAttr>(format);
             pow2 && pow2.getScales()) {
    for (int64_t c = 0; c < channels; ++c)
      scales.push_back(float(pow2.getScaleForChannel(c)));
  }
  return scales;
}

/// Builds, in a kernel body, `x` times one stored weight without its output
/// scale. Tables the decoding needs are created once, where it is built.
class StoredWeightProduct {
public:
  StoredWeightProduct(OpBuilder &b, Location loc, WeightType type)
      : format(type.getEncoding().getValue()),
        integerCodes(b, loc, type, DecodeMode::IntegerCodes),
        values(b, loc, type, DecodeMode::Values) {}

  Value build(OpBuilder &b, Location loc, Value x, ArrayRef<Value> codes,
              Value row) const {
    if (auto pow2 = dyn_cast<Pow2FormatAttr>(format)) {
      Value sum;
      for (Value code : codes) {
        Value term = buildShiftTerm(b, loc, x, code, pow2.getMinExp());
        sum = sum ? arith::AddFOp::create(b, loc, sum, term) : term;
      }
      return sum;
    }
    // `contract`: the multiply and the row sum's add may fuse into an FMA.
    return arith::MulFOp::create(
        b, loc, x, buildScalarWeight(b, loc, codes, row),
        arith::FastMathFlagsAttr::get(b.getContext(),
                                      arith::FastMathFlags::contract));
  }

  /// Whether a stored weight of `type` is one f32 factor
  /// (`buildScalarWeight`): every format but power-of-two, whose terms
  /// shift exponents instead.
  static bool hasScalarWeights(WeightType type) {
    return !isa<Pow2FormatAttr>(type.getEncoding().getValue());
  }

  /// The stored weight as an f32 without its output scale: affine codes
  /// unscaled (the scale comes after the sum), focused codes decoded to
  /// their value (centre plus offset), float values as they are.
  Value buildScalarWeight(OpBuilder &b, Location loc, ArrayRef<Value> codes,
                          Value row) const {
    assert(!isa<Pow2FormatAttr>(format) && "power-of-two weights are shifts");
    Value w =
        isa<AffineFormatAttr>(format) ? integerCodes.decode(b, loc, codes, row)
        : isa<FocusedFormatAttr>(format) ? values.decode(b, loc, codes, row)
                                         : codes[0];
    return castScalar(b, loc, w, b.getF32Type(), false, false);
  }

  /// The i32 `x` times the stored weight's integer code (affine:
  /// q - zero point; power of two: shifts, no multiply).
  Value buildInteger(OpBuilder &b, Location loc, Value x, ArrayRef<Value> codes,
                     Value row) const {
    Value zero = arith::ConstantIntOp::create(b, loc, b.getI32Type(), 0);
    if (isa<Pow2FormatAttr>(format)) {
      Value sum = zero;
      for (Value code : codes)
        sum = buildIntegerShiftMulAdd(b, loc, sum, x, code);
      return sum;
    }
    return arith::MulIOp::create(b, loc, x,
                                 integerCodes.decode(b, loc, codes, row));
  }

private:
  ValueFormatAttrInterface format;
  ValueDecoder integerCodes, values;
};

/// The body of a row loop: values to carry on, given a stored weight's
/// slot and its column in the [O, R] view.
using RowBodyFn = function_ref<SmallVector<Value>(
    OpBuilder &, Location, Value slot, Value column, ValueRange carried)>;

/// Reads the stored weights of a SparseRows weight inside kernel bodies.
/// Weights are addressed by their payload-order slot: values as
/// [slots, terms]; the row offsets are a constant table.
class StoredRowReader {
public:
  StoredRowReader(OpBuilder &b, Location loc, const SparseRows &rows)
      : product(b, loc, rows.type),
        sparsity(rows.type.getEncoding().getSparsity()),
        cols(rows.type.getReductionSize()), bitmapWalk(rows.bitmapWalk) {
    PackOp pack = rows.pack;
    auto i32Table = [&](ArrayRef<int32_t> data) -> Value {
      if (data.empty())
        return nullptr;
      auto type = RankedTensorType::get({int64_t(data.size())}, b.getI32Type());
      return arith::ConstantOp::create(b, loc,
                                       DenseElementsAttr::get(type, data));
    };
    rowStart = i32Table(rows.rowStart);
    slotTable = i32Table(rows.slots);
    columnTable = i32Table(rows.columns);
    previousPosition = i32Table(rows.previousPosition);
    int64_t slots = rows.type.getNumStoredWeights();
    terms = rows.type.getEncoding().getValue().getTermsPerValue();
    auto valuesType = cast<RankedTensorType>(pack.getValues().getType());
    values = buildReshape(
        b, loc, pack.getValues(),
        RankedTensorType::get({slots, terms}, valuesType.getElementType()));
    indices = pack.getIndices();
  }

  /// Loops over the stored weights of output channel `o`'s row, carrying
  /// `init` through `body`; returns the carried values at the end.
  SmallVector<Value> buildRowLoop(OpBuilder &b, Location loc, Value o,
                                  ValueRange init, RowBodyFn body) const {
    auto idx = [&](int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, loc, v);
    };
    Value next = arith::AddIOp::create(b, loc, o, idx(1));
    Value first = readTable(b, loc, rowStart, o),
          end = readTable(b, loc, rowStart, next);
    if (hasSequentialPositions(sparsity)) {
      Value rowBegin = arith::MulIOp::create(b, loc, o, idx(cols));
      StoredWalkRange range{
          first, end,
          previousPosition ? readTable(b, loc, previousPosition, o) : Value(),
          rowBegin, arith::MulIOp::create(b, loc, next, idx(cols))};
      return buildStoredWeightWalk(
          b, loc, sparsity, indices, range, init,
          [&](OpBuilder &b, Location loc, Value slot, Value position,
              ValueRange carried) {
            Value col = arith::SubIOp::create(b, loc, position, rowBegin);
            return body(b, loc, slot, col, carried);
          },
          bitmapWalk);
    }
    auto loop = scf::ForOp::create(
        b, loc, first, end, idx(1), init,
        [&](OpBuilder &b, Location loc, Value s, ValueRange carried) {
          scf::YieldOp::create(
              b, loc, body(b, loc, s, getColumn(b, loc, s, o), carried));
        });
    return SmallVector<Value>(loop.getResults());
  }

  /// The codes of the `slot`-th weight of the kernel's order, one per term.
  SmallVector<Value> getCodes(OpBuilder &b, Location loc, Value slot) const {
    if (slotTable)
      slot = readTable(b, loc, slotTable, slot);
    SmallVector<Value> codes;
    for (int64_t t = 0; t < terms; ++t)
      codes.push_back(tensor::ExtractOp::create(
          b, loc, values,
          ValueRange{slot, arith::ConstantIndexOp::create(b, loc, t)}));
    return codes;
  }

  StoredWeightProduct product;

private:
  /// Entry `at` of an i32 table, as an index.
  static Value readTable(OpBuilder &b, Location loc, Value table, Value at) {
    Value raw = tensor::ExtractOp::create(b, loc, table, at);
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), raw);
  }

  /// The column in the [O, R] view of the `slot`-th weight of the
  /// kernel's order, in row `o`. Reordered payloads: from the table; N:M:
  /// group j / N (j: the slot's rank in its row), position from the i8
  /// indices; channel: rows are stored whole; unstructured: the stored pair.
  Value getColumn(OpBuilder &b, Location loc, Value slot, Value o) const {
    auto idx = [&](int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, loc, v);
    };
    auto asIndex = [&](Value v) -> Value {
      return arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
    };
    if (columnTable)
      return asIndex(tensor::ExtractOp::create(b, loc, columnTable, slot));
    if (isa<UnstructuredSparsityAttr>(sparsity))
      return asIndex(
          tensor::ExtractOp::create(b, loc, indices, ValueRange{slot, idx(1)}));
    Value j =
        arith::SubIOp::create(b, loc, slot, readTable(b, loc, rowStart, o));
    auto nm = dyn_cast<NMSparsityAttr>(sparsity);
    if (!nm)
      return j;
    Value group = arith::DivUIOp::create(b, loc, j, idx(nm.getN()));
    Value pos = buildPackedFieldRead(b, loc, indices, slot,
                                     getNMPositionBits(nm.getM()));
    return arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, group, idx(nm.getM())), pos);
  }

  SparsityFormatAttrInterface sparsity;
  int64_t cols;
  BitmapWalk bitmapWalk;
  Value rowStart, values, indices, slotTable, columnTable, previousPosition;
  int64_t terms;
};

/// The per-channel output scales as a constant tensor of `shape` (channels
/// along the non-unit dimension), or null when there are none.
Value buildScaleConstant(OpBuilder &b, Location loc, WeightType type,
                         ArrayRef<int64_t> shape) {
  SmallVector<float> scales = getOutputScales(type);
  if (scales.empty())
    return nullptr;
  return arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(RankedTensorType::get(shape, b.getF32Type()),
                             ArrayRef<float>(scales)));
}

/// The row sum's add: reassociable so LLVM may vectorize the reduction.
Value buildAccumulate(OpBuilder &b, Location loc, Value acc, Value term) {
  auto fastmath = arith::FastMathFlagsAttr::get(
      b.getContext(),
      arith::FastMathFlags::reassoc | arith::FastMathFlags::contract);
  return arith::AddFOp::create(b, loc, acc, term, fastmath);
}

/// Reads activation element `at` of `input` for stored column `col`.
using GatherFn =
    function_ref<Value(OpBuilder &, Location, ArrayRef<Value>, Value col)>;

/// A generic over the output (channel dimension `channelDim`) whose body
/// reduces over the stored weights of its channel:
///   out[i] = scale[o] * sum_{s in row o} gather(i, col(s)) * w(s) + bias[o]
/// in f32; with an i32 `resultType`, the integer-code sum alone (the
/// quantized lowering scales and requantizes it).
Value buildRowKernel(OpBuilder &b, Location loc, const SparseRows &rows,
                     RankedTensorType resultType, unsigned channelDim,
                     Value bias, GatherFn gather) {
  MLIRContext *ctx = b.getContext();
  Type elt = resultType.getElementType();
  bool integer = elt.isInteger(32);
  int64_t channels = rows.type.getNumOutputChannels();
  unsigned rank = resultType.getRank();
  StoredRowReader reader(b, loc, rows);

  // Per-channel operands: scale and bias, read at the output's channel.
  SmallVector<Value> inputs;
  Value scales =
      integer ? Value() : buildScaleConstant(b, loc, rows.type, {channels});
  if (scales)
    inputs.push_back(scales);
  if (bias)
    inputs.push_back(bias);
  SmallVector<AffineMap> maps(
      inputs.size(),
      AffineMap::get(rank, 0, getAffineDimExpr(channelDim, ctx), ctx));
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  Value init = tensor::EmptyOp::create(b, loc, resultType.getShape(), elt);

  auto kernel = linalg::GenericOp::create(
      b, loc, resultType, inputs, init, maps, iterators,
      [&](OpBuilder &b, Location loc, ValueRange args) {
        SmallVector<Value> at;
        for (unsigned d = 0; d < rank; ++d)
          at.push_back(linalg::IndexOp::create(b, loc, d));
        Value o = at[channelDim];
        Value zero = buildScalar(b, loc, elt, 0.0);
        SmallVector<Value> loop = reader.buildRowLoop(
            b, loc, o, zero,
            [&](OpBuilder &b, Location loc, Value s, Value col,
                ValueRange acc) -> SmallVector<Value> {
              Value x = gather(b, loc, at, col);
              SmallVector<Value> codes = reader.getCodes(b, loc, s);
              Value sum =
                  integer ? arith::AddIOp::create(b, loc, acc[0],
                                                  reader.product.buildInteger(
                                                      b, loc, x, codes, o))
                                .getResult()
                          : buildAccumulate(
                                b, loc, acc[0],
                                reader.product.build(b, loc, x, codes, o));
              return {sum};
            });
        Value result = loop.front();
        unsigned next = 0;
        if (scales)
          result = arith::MulFOp::create(b, loc, result, args[next++]);
        if (bias)
          result = arith::AddFOp::create(b, loc, result, args[next++]);
        linalg::YieldOp::create(b, loc, result);
      });
  return kernel.getResult(0);
}

/// The layer's [M, N] result from its unscaled transposed sums yT [N, M]:
/// the transpose back, then the per-channel scale and the bias.
Value finishTransposed(OpBuilder &b, Location loc, const SparseRows &rows,
                       Value yT, Value bias) {
  Type f32 = b.getF32Type();
  auto yTType = cast<RankedTensorType>(yT.getType());
  int64_t n = yTType.getDimSize(0), m = yTType.getDimSize(1);
  Value y = buildTranspose(b, loc, yT, {1, 0});
  auto yType = RankedTensorType::get({m, n}, f32);
  auto perChannel = [&](Value y, Value row, bool multiply) {
    return buildElementwise(
        b, loc, yType, {y, row}, [&](OpBuilder &b, Location loc, ValueRange a) {
          return multiply
                     ? arith::MulFOp::create(b, loc, a[0], a[1]).getResult()
                     : arith::AddFOp::create(b, loc, a[0], a[1]).getResult();
        });
  };
  if (Value scales = buildScaleConstant(b, loc, rows.type, {1, n}))
    y = perChannel(y, scales, /*multiply=*/true);
  if (bias)
    y = perChannel(
        y, buildReshape(b, loc, bias, RankedTensorType::get({1, n}, f32)),
        /*multiply=*/false);
  return y;
}

/// A power-of-two linear layer over a batch (x is [M, K]): for each output
/// channel o and stored weight s of its row, yT[o, :] += x[:, col(s)] *
/// w(s), one contiguous pass over the transposed batch per stored weight
/// (its shifts vectorized like a dense kernel); then `finishTransposed`.
Value buildBatchInnerShifts(OpBuilder &b, Location loc, const SparseRows &rows,
                            Value x, Value bias) {
  MLIRContext *ctx = b.getContext();
  Type f32 = b.getF32Type();
  int64_t m = cast<RankedTensorType>(x.getType()).getDimSize(0);
  int64_t n = rows.type.getNumOutputChannels();
  StoredRowReader reader(b, loc, rows);
  Value xT = buildTranspose(b, loc, x, {1, 0});
  Value yT = buildFill(b, loc, RankedTensorType::get({n, m}, f32),
                       getScalarAttr(f32, 0.0));
  auto rowType = RankedTensorType::get({m}, f32);
  auto rowAt = [&](Value row) -> SmallVector<OpFoldResult> {
    return {row, b.getIndexAttr(0)};
  };
  SmallVector<OpFoldResult> sizes = {b.getIndexAttr(1), b.getIndexAttr(m)};
  SmallVector<OpFoldResult> strides(2, b.getIndexAttr(1));
  AffineMap identity = AffineMap::getMultiDimIdentityMap(1, ctx);
  auto idx = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  auto channels = scf::ForOp::create(
      b, loc, idx(0), idx(n), idx(1), ValueRange{yT},
      [&](OpBuilder &b, Location loc, Value o, ValueRange outer) {
        SmallVector<Value> row = reader.buildRowLoop(
            b, loc, o, outer,
            [&](OpBuilder &b, Location loc, Value s, Value col,
                ValueRange acc) -> SmallVector<Value> {
              SmallVector<Value> codes = reader.getCodes(b, loc, s);
              Value xRow = tensor::ExtractSliceOp::create(
                  b, loc, rowType, xT, rowAt(col), sizes, strides);
              Value yRow = tensor::ExtractSliceOp::create(
                  b, loc, rowType, acc[0], rowAt(o), sizes, strides);
              Value updated =
                  linalg::GenericOp::create(
                      b, loc, rowType, xRow, yRow,
                      ArrayRef<AffineMap>{identity, identity},
                      utils::IteratorType::parallel,
                      [&](OpBuilder &b, Location loc, ValueRange a) {
                        Value term =
                            reader.product.build(b, loc, a[0], codes, o);
                        linalg::YieldOp::create(
                            b, loc, buildAccumulate(b, loc, a[1], term));
                      })
                      .getResult(0);
              return {tensor::InsertSliceOp::create(b, loc, updated, acc[0],
                                                    rowAt(o), sizes, strides)
                          .getResult()};
            });
        scf::YieldOp::create(b, loc, row);
      });
  return finishTransposed(b, loc, rows, channels.getResult(0), bias);
}

/// A linear layer over a batch (x is [M, K]) with scalar stored weights
/// (float, affine, focused): for each output channel o and chunk c of the
/// transposed batch, the chunk's sums stay in vector registers across the
/// row's stored weights, yT[o, c] = sum_s w(s) * xT[col(s), c]: one load
/// and one FMA per vector and stored weight, one store per row and chunk
/// (a pass over yT per stored weight would also load and store it). Chunks
/// hold `maxChunk` rows, or the batch rounded up to a power of two if
/// smaller; when the batch is not a multiple of the chunk, the reads and
/// writes are masked (in_bounds is one flag for the whole loop).
Value buildBatchChunkLinear(OpBuilder &b, Location loc, const SparseRows &rows,
                            Value x, Value bias, int64_t maxChunk) {
  Type f32 = b.getF32Type();
  int64_t m = cast<RankedTensorType>(x.getType()).getDimSize(0);
  int64_t n = rows.type.getNumOutputChannels();
  int64_t chunk = std::min<int64_t>(maxChunk, llvm::PowerOf2Ceil(m));
  bool wholeChunks = m % chunk == 0;
  auto vectorType = VectorType::get({chunk}, f32);
  StoredRowReader reader(b, loc, rows);
  Value xT = buildTranspose(b, loc, x, {1, 0});
  Value yT = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{n, m}, f32);
  auto idx = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  Value zeros = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(vectorType, b.getF32FloatAttr(0.0f)));
  Value padding = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  // Chunks outside channels: a chunk's columns of xT (K x 64 floats) stay
  // in cache while every row reads them.
  auto chunks = scf::ForOp::create(
      b, loc, idx(0), idx(m), idx(chunk), ValueRange{yT},
      [&](OpBuilder &b, Location loc, Value c, ValueRange outer) {
        auto channels = scf::ForOp::create(
            b, loc, idx(0), idx(n), idx(1), outer,
            [&](OpBuilder &b, Location loc, Value o, ValueRange inner) {
              SmallVector<Value> sums = reader.buildRowLoop(
                  b, loc, o, zeros,
                  [&](OpBuilder &b, Location loc, Value s, Value col,
                      ValueRange acc) -> SmallVector<Value> {
                    Value xs = vector::TransferReadOp::create(
                        b, loc, vectorType, xT, ValueRange{col, c}, padding,
                        ArrayRef<bool>{wholeChunks});
                    Value w = reader.product.buildScalarWeight(
                        b, loc, reader.getCodes(b, loc, s), o);
                    Value ws =
                        vector::BroadcastOp::create(b, loc, vectorType, w);
                    return {vector::FMAOp::create(b, loc, xs, ws, acc[0])};
                  });
              Value written = vector::TransferWriteOp::create(
                                  b, loc, sums.front(), inner[0],
                                  ValueRange{o, c}, ArrayRef<bool>{wholeChunks})
                                  .getResult();
              scf::YieldOp::create(b, loc, written);
            });
        scf::YieldOp::create(b, loc, channels.getResults());
      });
  return finishTransposed(b, loc, rows, chunks.getResult(0), bias);
}

/// A linear layer over a batch: the register-resident chunk kernel for
/// scalar weights, one pass per stored weight for power-of-two shifts.
Value buildBatchInnerLinear(OpBuilder &b, Location loc, const SparseRows &rows,
                            Value x, Value bias, int64_t maxChunk) {
  if (StoredWeightProduct::hasScalarWeights(rows.type))
    return buildBatchChunkLinear(b, loc, rows, x, bias, maxChunk);
  return buildBatchInnerShifts(b, loc, rows, x, bias);
}

/// Below this batch, linear layers gather per output instead (nothing to
/// vectorize over the batch).
constexpr int64_t kMinBatchForBatchInner = 8;

bool hasF32Activations(Operation *op) {
  auto input = cast<RankedTensorType>(op->getOperand(0).getType());
  auto result = cast<RankedTensorType>(op->getResult(0).getType());
  return input.getElementType().isF32() && result.getElementType().isF32() &&
         input.hasStaticShape() && result.hasStaticShape();
}

/// Below this fraction pruned, the dense kernels are faster.
constexpr double kDefaultMinSparsity = 0.5;

/// The row kernel of a linear layer on `x` ([..., K]) -> `resultType`.
Value buildLinearRowKernel(OpBuilder &b, Location loc, const SparseRows &rows,
                           Value x, RankedTensorType resultType, Value bias) {
  auto inputType = cast<RankedTensorType>(x.getType());
  int64_t k = inputType.getShape().back();
  int64_t m = inputType.getNumElements() / k;
  int64_t n = rows.type.getNumOutputChannels();
  Type elt = resultType.getElementType();
  Value x2 = buildReshape(
      b, loc, x, RankedTensorType::get({m, k}, inputType.getElementType()));
  Value y = buildRowKernel(
      b, loc, rows, RankedTensorType::get({m, n}, elt), /*channelDim=*/1, bias,
      [&](OpBuilder &b, Location loc, ArrayRef<Value> at, Value col) {
        return tensor::ExtractOp::create(b, loc, x2, ValueRange{at[0], col})
            .getResult();
      });
  return buildReshape(b, loc, y, resultType);
}

/// The row kernel of a one-group convolution on `input` (NCHW).
Value buildConvRowKernel(OpBuilder &b, Location loc, const SparseRows &rows,
                         Value input, RankedTensorType resultType, Value bias,
                         ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                         ArrayRef<int64_t> dilations) {
  Value padded = buildZeroPad(b, loc, input, pads);
  // Column c of the [O, C*KH*KW] view is (channel, kh, kw).
  ArrayRef<int64_t> wShape = rows.type.getShape();
  SmallVector<int64_t> window = {wShape[1], wShape[2], wShape[3]};
  return buildRowKernel(
      b, loc, rows, resultType, /*channelDim=*/1, bias,
      [&](OpBuilder &b, Location loc, ArrayRef<Value> at, Value col) {
        SmallVector<Value> tap = delinearize(b, loc, col, window);
        auto coordinate = [&](Value out, Value k, int64_t stride,
                              int64_t dilation) -> Value {
          auto idx = [&](int64_t v) -> Value {
            return arith::ConstantIndexOp::create(b, loc, v);
          };
          return arith::AddIOp::create(
              b, loc, arith::MulIOp::create(b, loc, out, idx(stride)),
              arith::MulIOp::create(b, loc, k, idx(dilation)));
        };
        Value h = coordinate(at[2], tap[1], strides[0], dilations[0]);
        Value w = coordinate(at[3], tap[2], strides[1], dilations[1]);
        return tensor::ExtractOp::create(b, loc, padded,
                                         ValueRange{at[0], tap[0], h, w})
            .getResult();
      });
}

} // namespace

FailureOr<Value>
mlir::effai::buildSparseIntegerAccumulator(OpBuilder &b, Location loc,
                                           Operation *op, Value centred,
                                           RankedTensorType accType) {
  FailureOr<SparseRows> rows =
      getSparseRows(op->getOperand(1), kDefaultMinSparsity);
  if (failed(rows))
    return failure();
  if (isa<LinearOp>(op))
    return buildLinearRowKernel(b, loc, *rows, centred, accType, Value());
  auto conv = dyn_cast<Conv2DOp>(op);
  if (!conv || conv.getGroups() != 1)
    return failure();
  // Padding with 0 is padding with the zero point: the input is centred.
  return buildConvRowKernel(b, loc, *rows, centred, accType, Value(),
                            conv.getStrides(), conv.getPads(),
                            conv.getDilations());
}

namespace {

struct SparseLinear : public OpRewritePattern<LinearOp> {
  SparseLinear(MLIRContext *ctx, double minSparsity, BitmapWalk bitmapWalk,
               bool batchInner, int64_t batchChunk)
      : OpRewritePattern(ctx), minSparsity(minSparsity), bitmapWalk(bitmapWalk),
        batchInner(batchInner), batchChunk(batchChunk) {}

  LogicalResult matchAndRewrite(LinearOp op,
                                PatternRewriter &rewriter) const override {
    if (!hasF32Activations(op))
      return rewriter.notifyMatchFailure(op, "needs static f32 activations");
    FailureOr<SparseRows> rows =
        getSparseRows(op.getWeight(), minSparsity, bitmapWalk);
    if (failed(rows))
      return rewriter.notifyMatchFailure(
          op, "no sparse weight with constant indices, pruned enough");
    Location loc = op.getLoc();
    RankedTensorType inputType = op.getInput().getType();
    int64_t k = inputType.getShape().back();
    int64_t m = inputType.getNumElements() / k;
    if (batchInner && m >= kMinBatchForBatchInner) {
      Value x =
          buildReshape(rewriter, loc, op.getInput(),
                       RankedTensorType::get({m, k}, rewriter.getF32Type()));
      Value y = buildBatchInnerLinear(rewriter, loc, *rows, x, op.getBias(),
                                      batchChunk);
      rewriter.replaceOp(
          op, buildReshape(rewriter, loc, y, op.getResult().getType()));
      return success();
    }
    rewriter.replaceOp(
        op, buildLinearRowKernel(rewriter, loc, *rows, op.getInput(),
                                 op.getResult().getType(), op.getBias()));
    return success();
  }

  double minSparsity;
  BitmapWalk bitmapWalk;
  bool batchInner;
  int64_t batchChunk;
};

struct SparseConv : public OpRewritePattern<Conv2DOp> {
  SparseConv(MLIRContext *ctx, double minSparsity, BitmapWalk bitmapWalk)
      : OpRewritePattern(ctx), minSparsity(minSparsity),
        bitmapWalk(bitmapWalk) {}

  LogicalResult matchAndRewrite(Conv2DOp op,
                                PatternRewriter &rewriter) const override {
    if (!hasF32Activations(op) || op.getGroups() != 1)
      return rewriter.notifyMatchFailure(
          op, "needs static f32 activations and one group");
    FailureOr<SparseRows> rows =
        getSparseRows(op.getWeight(), minSparsity, bitmapWalk);
    if (failed(rows))
      return rewriter.notifyMatchFailure(
          op, "no sparse weight with constant indices, pruned enough");
    rewriter.replaceOp(op, buildConvRowKernel(rewriter, op.getLoc(), *rows,
                                              op.getInput(),
                                              op.getResult().getType(),
                                              op.getBias(), op.getStrides(),
                                              op.getPads(), op.getDilations()));
    return success();
  }

  double minSparsity;
  BitmapWalk bitmapWalk;
};

struct ConvertSparseKernelsPass
    : public effai::impl::EffaiConvertSparseKernelsBase<
          ConvertSparseKernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    if (minSparsity < 0.0 || minSparsity > 1.0) {
      getOperation()->emitError()
          << "effai-convert-sparse-kernels: min-sparsity must be in [0, 1], "
             "got "
          << static_cast<double>(minSparsity);
      return signalPassFailure();
    }
    if (batchChunk < 1 || batchChunk > 1024 ||
        !llvm::isPowerOf2_64(batchChunk)) {
      getOperation()->emitError()
          << "effai-convert-sparse-kernels: batch-chunk must be a power of "
             "two from 1 to 1024, got "
          << static_cast<int64_t>(batchChunk);
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    BitmapWalk walk = setBitWalk ? BitmapWalk::SetBits : BitmapWalk::Positions;
    patterns.add<SparseLinear>(&getContext(), minSparsity, walk, batchInner,
                               batchChunk);
    patterns.add<SparseConv>(&getContext(), minSparsity, walk);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
