//===- ShiftKernels.cpp - multiplication-free power-of-two kernels -*- C++ -*-//
//
// x * ±2^p without a multiplier: add p to the exponent field of x. The
// reduction loop of a power-of-two linear layer is then integer adds and
// shifts on bit patterns plus float adds; the per-channel scale is one
// multiply per output, outside the loop.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "effai/Conversion/Passes.h"
#include "effai/Dialect/Effai/IR/EffaiOps.h"
#include "effai/Utils/ConstantData.h"
#include "effai/Utils/LinalgBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::effai {
#define GEN_PASS_DEF_EFFAICONVERTSHIFTKERNELS
#include "effai/Conversion/Passes.h.inc"
} // namespace mlir::effai

using namespace mlir;
using namespace mlir::effai;

/// One term of a power-of-two weight applied to an f32 activation: `code`
/// (i8) is 0 for no term, ±k for ±2^(minExp + k - 1). Integer and select
/// ops only, plus a negation.
Value mlir::effai::buildShiftTerm(OpBuilder &b, Location loc, Value x,
                                  Value code, int64_t minExp) {
  Type i32 = b.getI32Type();
  auto constant = [&](int64_t v) -> Value {
    return arith::ConstantIntOp::create(b, loc, i32, v);
  };
  using P = arith::CmpIPredicate;
  auto cmp = [&](P predicate, Value l, Value r) -> Value {
    return arith::CmpIOp::create(b, loc, predicate, l, r);
  };
  Value c = arith::ExtSIOp::create(b, loc, i32, code);
  Value isNegative = cmp(P::slt, c, constant(0));
  Value magnitude = arith::SelectOp::create(
      b, loc, isNegative, arith::SubIOp::create(b, loc, constant(0), c), c);
  Value p = arith::AddIOp::create(b, loc, magnitude, constant(minExp - 1));

  Value bits = arith::BitcastOp::create(b, loc, i32, x);
  Value exponent = arith::AndIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, bits, constant(23)),
      constant(255));
  Value newExponent = arith::AddIOp::create(b, loc, exponent, p);
  Value sign = arith::AndIOp::create(b, loc, bits, constant(INT32_MIN));

  Value isNormal =
      arith::AndIOp::create(b, loc, cmp(P::sgt, exponent, constant(0)),
                            cmp(P::slt, exponent, constant(255)));
  Value staysNormal =
      arith::AndIOp::create(b, loc, cmp(P::sgt, newExponent, constant(0)),
                            cmp(P::slt, newExponent, constant(255)));
  Value shifted = arith::AddIOp::create(
      b, loc, bits, arith::ShLIOp::create(b, loc, p, constant(23)));
  Value overflows = arith::AndIOp::create(
      b, loc, isNormal, cmp(P::sge, newExponent, constant(255)));
  Value infinity = arith::OrIOp::create(b, loc, sign, constant(0x7F800000));
  // Normal -> shifted; inf/NaN -> unchanged; overflow -> ±inf; zero,
  // subnormal or underflow -> signed zero.
  Value resultBits = arith::SelectOp::create(
      b, loc, arith::AndIOp::create(b, loc, isNormal, staysNormal), shifted,
      arith::SelectOp::create(
          b, loc, cmp(P::eq, exponent, constant(255)), bits,
          arith::SelectOp::create(b, loc, overflows, infinity, sign)));
  Value scaled = arith::BitcastOp::create(b, loc, x.getType(), resultBits);
  Value signedTerm = arith::SelectOp::create(
      b, loc, isNegative, arith::NegFOp::create(b, loc, scaled), scaled);
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  return arith::SelectOp::create(b, loc, cmp(P::eq, c, constant(0)), zero,
                                 signedTerm);
}

Value mlir::effai::buildIntegerShiftMulAdd(OpBuilder &b, Location loc,
                                           Value acc, Value x, Value code) {
  Type i32 = b.getI32Type();
  auto constant = [&](int64_t v) -> Value {
    return arith::ConstantIntOp::create(b, loc, i32, v);
  };
  using P = arith::CmpIPredicate;
  Value c = arith::ExtSIOp::create(b, loc, i32, code);
  Value isNegative = arith::CmpIOp::create(b, loc, P::slt, c, constant(0));
  Value magnitude = arith::SelectOp::create(
      b, loc, isNegative, arith::SubIOp::create(b, loc, constant(0), c), c);
  Value shift = arith::MaxSIOp::create(
      b, loc, arith::SubIOp::create(b, loc, magnitude, constant(1)),
      constant(0));
  Value term = arith::ShLIOp::create(b, loc, x, shift);
  term = arith::SelectOp::create(
      b, loc, isNegative, arith::SubIOp::create(b, loc, constant(0), term),
      term);
  term = arith::SelectOp::create(
      b, loc, arith::CmpIOp::create(b, loc, P::eq, c, constant(0)), constant(0),
      term);
  return arith::AddIOp::create(b, loc, acc, term);
}

SmallVector<Value> mlir::effai::getPow2TermCodes(OpBuilder &b, Location loc,
                                                 PackOp pack) {
  WeightType type = pack.getResult().getType();
  auto pow2 = dyn_cast<Pow2FormatAttr>(type.getEncoding().getValue());
  if (!pow2 || !isa<DenseSparsityAttr>(type.getEncoding().getSparsity()))
    return {};
  if (pow2.getTerms() == 1)
    return {pack.getValues()};
  // [shape..., terms]: one rank-reduced slice per term.
  SmallVector<Value> codes;
  int64_t rank = type.getShape().size();
  auto termType = RankedTensorType::get(type.getShape(), b.getI8Type());
  // Constant codes are split now, once (a GPU would copy each slice into
  // its own buffer on every call).
  ElementsAttr attr;
  std::optional<ArrayRef<char>> bytes;
  if (matchPattern(pack.getValues(), m_Constant(&attr)))
    bytes = getDenseBytes(attr);
  if (bytes) {
    unsigned terms = pow2.getTerms();
    for (unsigned t = 0; t < terms; ++t) {
      SmallVector<int8_t> plane;
      for (size_t i = t; i < bytes->size(); i += terms)
        plane.push_back(static_cast<int8_t>((*bytes)[i]));
      codes.push_back(arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(termType, ArrayRef<int8_t>(plane))));
    }
    return codes;
  }
  for (unsigned t = 0; t < pow2.getTerms(); ++t) {
    SmallVector<OpFoldResult> offsets(rank + 1, b.getIndexAttr(0));
    offsets.back() = b.getIndexAttr(t);
    SmallVector<OpFoldResult> sizes;
    for (int64_t d : type.getShape())
      sizes.push_back(b.getIndexAttr(d));
    sizes.push_back(b.getIndexAttr(1));
    SmallVector<OpFoldResult> strides(rank + 1, b.getIndexAttr(1));
    codes.push_back(tensor::ExtractSliceOp::create(
        b, loc, termType, pack.getValues(), offsets, sizes, strides));
  }
  return codes;
}

std::optional<Value> mlir::effai::buildPow2Int8Codes(OpBuilder &b, Location loc,
                                                     PackOp pack) {
  WeightType type = pack.getResult().getType();
  auto pow2 = dyn_cast<Pow2FormatAttr>(type.getEncoding().getValue());
  ElementsAttr payload;
  if (!pow2 || !isa<DenseSparsityAttr>(type.getEncoding().getSparsity()) ||
      !matchPattern(pack.getValues(), m_Constant(&payload)) ||
      !payload.getElementType().isInteger(8))
    return std::nullopt;
  // Large payloads are read in place; small or splat ones expanded.
  std::optional<ArrayRef<char>> bytes = getDenseBytes(payload);
  std::optional<std::vector<int64_t>> expanded;
  if (!bytes && !(expanded = readIntegerConstant(pack.getValues())))
    return std::nullopt;
  int64_t terms = pow2.getTerms(), weights = type.getNumElements();
  std::vector<int8_t> codes(weights);
  for (int64_t i = 0; i < weights; ++i) {
    int64_t sum = 0;
    for (int64_t t = 0; t < terms; ++t) {
      int64_t c =
          bytes ? int8_t((*bytes)[i * terms + t]) : (*expanded)[i * terms + t];
      if (c != 0)
        sum += (c < 0 ? -1 : 1) * (int64_t(1) << (std::abs(c) - 1));
    }
    if (sum < -127 || sum > 127)
      return std::nullopt;
    codes[i] = int8_t(sum);
  }
  auto codesType = RankedTensorType::get(type.getShape(), b.getI8Type());
  return buildConstantFromBytes(
      b, loc, codesType,
      ArrayRef<char>(reinterpret_cast<const char *>(codes.data()),
                     codes.size()),
      "pow2_codes");
}

/// Two signed 4-bit codes in one byte: `low` in bits 0-3, `high` in 4-7.
static int8_t packNibbles(int64_t low, int64_t high) {
  return static_cast<int8_t>((low & 0xF) | ((high & 0xF) << 4));
}

/// The codes of a dense power-of-two weight of at most 4 bits, two to a
/// byte, laid out [K', N] (n innermost: consecutive outputs, consecutive
/// bytes): with two terms, a weight's two codes in one byte ([K, N]); with
/// one, the codes of k = 2kk and 2kk + 1 ([K/2, N]). None when the codes
/// are not constant, wider than 4 bits or (one term) K is odd.
static std::optional<Value> buildPackedCodes(OpBuilder &b, Location loc,
                                             ArrayRef<Value> termCodes,
                                             Pow2FormatAttr pow2, int64_t n,
                                             int64_t k) {
  unsigned terms = pow2.getTerms();
  if (pow2.getBits() > 4 || termCodes.size() != terms ||
      (terms == 1 && k % 2 != 0))
    return std::nullopt;
  SmallVector<std::vector<int64_t>> codes;
  for (Value term : termCodes) {
    std::optional<std::vector<int64_t>> values = readIntegerConstant(term);
    if (!values || static_cast<int64_t>(values->size()) != n * k)
      return std::nullopt;
    codes.push_back(std::move(*values));
  }
  int64_t rows = terms == 2 ? k : k / 2;
  std::vector<int8_t> bytes(rows * n);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t o = 0; o < n; ++o)
      bytes[r * n + o] =
          terms == 2 ? packNibbles(codes[0][o * k + r], codes[1][o * k + r])
                     : packNibbles(codes[0][o * k + 2 * r],
                                   codes[0][o * k + 2 * r + 1]);
  return buildConstant(b, loc, RankedTensorType::get({rows, n}, b.getI8Type()),
                       ArrayRef<int8_t>(bytes), "pow2_packed_codes");
}

/// The signed 4-bit code in bits 0-3 (`high` false) or 4-7 of `byte`.
static Value unpackNibble(OpBuilder &b, Location loc, Value byte, bool high) {
  Value four = arith::ConstantIntOp::create(b, loc, b.getI8Type(), 4);
  Value top = high ? byte : arith::ShLIOp::create(b, loc, byte, four);
  return arith::ShRSIOp::create(b, loc, top, four);
}

/// acc[m, n] + sum_k product(inputs at (m, k, n)) as a generic over
/// (m, k, n), `maps` those of the inputs. The product of one k is added
/// into the output once: a single combiner, which a split reduction
/// recognizes.
static Value buildShiftReduction(
    OpBuilder &b, Location loc, ArrayRef<Value> inputs,
    SmallVector<AffineMap> maps, Value acc,
    function_ref<Value(OpBuilder &, Location, ValueRange)> product) {
  MLIRContext *ctx = b.getContext();
  maps.push_back(AffineMap::get(
      3, 0, {getAffineDimExpr(0, ctx), getAffineDimExpr(2, ctx)}, ctx));
  utils::IteratorType iterators[] = {utils::IteratorType::parallel,
                                     utils::IteratorType::reduction,
                                     utils::IteratorType::parallel};
  return linalg::GenericOp::create(
             b, loc, acc.getType(), inputs, acc, maps, iterators,
             [&](OpBuilder &b, Location loc, ValueRange args) {
               Value terms = product(b, loc, args.drop_back());
               linalg::YieldOp::create(
                   b, loc,
                   arith::AddFOp::create(b, loc, args.back(), terms)
                       .getResult());
             })
      .getResult(0);
}

/// acc[m, n] + sum_k sum_t term_t(x[m, k], codes_t[k, n]) with one i8 code
/// tensor per term, each read [K, N] (n innermost).
static Value buildShiftGeneric(OpBuilder &b, Location loc, Value x,
                               ArrayRef<Value> termCodes, Value acc, int64_t n,
                               int64_t k, int64_t minExp) {
  SmallVector<Value> codes;
  for (Value term : termCodes)
    codes.push_back(buildPermutedView(b, loc, term, {n, k}, {1, 0}));
  MLIRContext *ctx = b.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineMap> maps = {AffineMap::get(3, 0, {d(0), d(1)}, ctx)};
  for (size_t t = 0; t < codes.size(); ++t)
    maps.push_back(AffineMap::get(3, 0, {d(1), d(2)}, ctx));
  SmallVector<Value> inputs = {x};
  inputs.append(codes);
  return buildShiftReduction(
      b, loc, inputs, maps, acc,
      [&](OpBuilder &b, Location loc, ValueRange args) {
        Value terms;
        for (Value code : args.drop_front()) {
          Value term = buildShiftTerm(b, loc, args.front(), code, minExp);
          terms = terms ? arith::AddFOp::create(b, loc, terms, term).getResult()
                        : term;
        }
        return terms;
      });
}

/// The same over packed codes (buildPackedCodes): each byte read once,
/// its two nibbles two terms of one weight, or the codes of two
/// consecutive k (x read as its even and odd columns).
static Value buildPackedShiftGeneric(OpBuilder &b, Location loc, Value x,
                                     Value packed, Value acc, unsigned terms,
                                     int64_t minExp) {
  MLIRContext *ctx = b.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  auto xType = cast<RankedTensorType>(x.getType());
  int64_t m = xType.getDimSize(0), k = xType.getDimSize(1);
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  if (terms == 2) {
    inputs.push_back(x);
    maps.push_back(AffineMap::get(3, 0, {d(0), d(1)}, ctx));
  } else {
    // x[:, 2kk] and x[:, 2kk + 1] as [M, K/2] views.
    Value pairs = buildReshape(
        b, loc, x,
        RankedTensorType::get({m, k / 2, 2}, xType.getElementType()));
    auto halfType = RankedTensorType::get({m, k / 2}, xType.getElementType());
    for (int64_t half : {0, 1}) {
      SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0), b.getIndexAttr(0),
                                           b.getIndexAttr(half)};
      SmallVector<OpFoldResult> sizes = {
          b.getIndexAttr(m), b.getIndexAttr(k / 2), b.getIndexAttr(1)};
      SmallVector<OpFoldResult> strides(3, b.getIndexAttr(1));
      inputs.push_back(tensor::ExtractSliceOp::create(b, loc, halfType, pairs,
                                                      offsets, sizes, strides));
      maps.push_back(AffineMap::get(3, 0, {d(0), d(1)}, ctx));
    }
  }
  inputs.push_back(packed);
  maps.push_back(AffineMap::get(3, 0, {d(1), d(2)}, ctx));
  return buildShiftReduction(
      b, loc, inputs, maps, acc,
      [&](OpBuilder &b, Location loc, ValueRange args) {
        Value byte = args.back();
        Value xLow = args[0], xHigh = terms == 2 ? args[0] : args[1];
        Value low = buildShiftTerm(b, loc, xLow,
                                   unpackNibble(b, loc, byte, false), minExp);
        Value high = buildShiftTerm(b, loc, xHigh,
                                    unpackNibble(b, loc, byte, true), minExp);
        return arith::AddFOp::create(b, loc, low, high).getResult();
      });
}

/// The term codes of a dense power-of-two convolution weight as one
/// integer per weight, for a kernel that reads each weight once: one term's
/// i8 codes as stored; two terms of at most 4 bits (codes in [-8, 7]) as
/// the nibbles of one byte (term 0 low); other pairs as the bytes of an
/// i16 (term 0 low).
/// None when two terms' codes are not constants.
static std::optional<Value> buildConvTermCodes(OpBuilder &b, Location loc,
                                               ArrayRef<Value> termCodes,
                                               Pow2FormatAttr pow2) {
  if (termCodes.size() == 1)
    return termCodes.front();
  if (termCodes.size() != 2)
    return std::nullopt;
  std::optional<std::vector<int64_t>> low = readIntegerConstant(termCodes[0]);
  std::optional<std::vector<int64_t>> high = readIntegerConstant(termCodes[1]);
  if (!low || !high || low->size() != high->size())
    return std::nullopt;
  auto type = cast<RankedTensorType>(termCodes[0].getType());
  auto fitsNibble = [](int64_t code) { return code >= -8 && code <= 7; };
  if (pow2.getBits() <= 4 && llvm::all_of(*low, fitsNibble) &&
      llvm::all_of(*high, fitsNibble)) {
    std::vector<int8_t> bytes(low->size());
    for (size_t i = 0; i < bytes.size(); ++i)
      bytes[i] = packNibbles((*low)[i], (*high)[i]);
    return buildConstant(b, loc, type, ArrayRef<int8_t>(bytes),
                         "pow2_packed_codes");
  }
  std::vector<int16_t> pairs(low->size());
  for (size_t i = 0; i < pairs.size(); ++i)
    pairs[i] =
        static_cast<int16_t>(((*low)[i] & 0xFF) | (((*high)[i] & 0xFF) << 8));
  return buildConstant(b, loc, type.clone(b.getI16Type()),
                       ArrayRef<int16_t>(pairs), "pow2_code_pairs");
}

/// acc + the terms of the weight whose codes buildConvTermCodes packed
/// into `codes`, applied to `x`: exponent adds, no multiply.
static Value buildConvShiftMulAdd(OpBuilder &b, Location loc, Value acc,
                                  Value x, Value codes, unsigned terms,
                                  int64_t minExp) {
  Value sum;
  if (terms == 1) {
    sum = buildShiftTerm(b, loc, x, codes, minExp);
  } else {
    Value low, high;
    if (codes.getType().isInteger(8)) {
      low = unpackNibble(b, loc, codes, /*high=*/false);
      high = unpackNibble(b, loc, codes, /*high=*/true);
    } else {
      Type i8 = b.getI8Type();
      low = arith::TruncIOp::create(b, loc, i8, codes);
      high = arith::TruncIOp::create(
          b, loc, i8,
          arith::ShRSIOp::create(
              b, loc, codes,
              arith::ConstantIntOp::create(b, loc, codes.getType(), 8)));
    }
    sum = arith::AddFOp::create(b, loc, buildShiftTerm(b, loc, x, low, minExp),
                                buildShiftTerm(b, loc, x, high, minExp));
  }
  return arith::AddFOp::create(b, loc, acc, sum);
}

/// A shift kernel's weight: its pack and power-of-two format.
struct ShiftWeight {
  PackOp pack;
  Pow2FormatAttr pow2;
};

/// The weight of `op` (an effai.linear or convolution) when a shift kernel
/// takes it: static f32 activations and result, a dense #effai.pow2 weight
/// packed here.
static FailureOr<ShiftWeight> matchShiftWeight(PatternRewriter &rewriter,
                                               Operation *op) {
  auto input = cast<RankedTensorType>(op->getOperand(0).getType());
  auto result = cast<RankedTensorType>(op->getResult(0).getType());
  if (!input.getElementType().isF32() || !result.getElementType().isF32() ||
      !input.hasStaticShape() || !result.hasStaticShape())
    return rewriter.notifyMatchFailure(op, "needs static f32 activations");
  Value weight = op->getOperand(1);
  auto pack = weight.getDefiningOp<PackOp>();
  auto type = cast<WeightType>(weight.getType());
  auto pow2 = dyn_cast<Pow2FormatAttr>(type.getEncoding().getValue());
  if (!pack || !pow2 ||
      !isa<DenseSparsityAttr>(type.getEncoding().getSparsity()))
    return rewriter.notifyMatchFailure(op, "needs a dense pow2 weight");
  return ShiftWeight{pack, pow2};
}

namespace {

/// On CPUs a multiply-add costs what the exponent arithmetic does: a float
/// layer whose power-of-two sums are 8-bit integers becomes those exact
/// codes times the row scale, read by the f32 x i8 kernels (a quarter of the
/// f32 weight bytes).
struct LinearToIntegerCodes : public OpRewritePattern<LinearOp> {
  LinearToIntegerCodes(MLIRContext *context)
      : OpRewritePattern(context, /*benefit=*/2) {}

  LogicalResult matchAndRewrite(LinearOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.getInput().getType().getElementType().isF32() ||
        !op.getResult().getType().getElementType().isF32() ||
        !op.getInput().getType().hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs static f32 activations");
    auto pack = op.getWeight().getDefiningOp<PackOp>();
    if (!pack)
      return rewriter.notifyMatchFailure(op, "the weight is not packed here");
    // Scales first: a pattern that fails must not have built the codes.
    FailureOr<SmallVector<double>> scales =
        getIntegerCodeScales(pack.getResult().getType());
    if (failed(scales))
      return rewriter.notifyMatchFailure(op, "no integer code scales");
    std::optional<Value> codes =
        buildPow2Int8Codes(rewriter, op.getLoc(), pack);
    if (!codes)
      return rewriter.notifyMatchFailure(op, "not 8-bit power-of-two sums");
    SmallVector<float> rowScales(scales->begin(), scales->end());
    rewriter.replaceOp(
        op, buildCodesLinear(rewriter, op.getLoc(), op.getInput(), *codes,
                             /*isSigned=*/true, rowScales, op.getBias()));
    return success();
  }
};

struct LinearToShiftKernel : public OpRewritePattern<LinearOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(LinearOp op,
                                PatternRewriter &rewriter) const override {
    RankedTensorType inputType = op.getInput().getType();
    RankedTensorType resultType = op.getResult().getType();
    FailureOr<ShiftWeight> weight = matchShiftWeight(rewriter, op);
    if (failed(weight))
      return failure();
    auto [pack, pow2] = *weight;
    auto type = cast<WeightType>(op.getWeight().getType());

    Location loc = op.getLoc();
    int64_t k = inputType.getShape().back();
    int64_t m = inputType.getNumElements() / k;
    int64_t n = type.getNumOutputChannels();
    Value x =
        buildReshape(rewriter, loc, op.getInput(),
                     RankedTensorType::get({m, k}, rewriter.getF32Type()));
    int64_t minExp = pow2.getMinExp();
    auto accType = RankedTensorType::get({m, n}, rewriter.getF32Type());
    Value acc = buildFill(rewriter, loc, accType,
                          getScalarAttr(rewriter.getF32Type(), 0));
    SmallVector<Value> termCodes = getPow2TermCodes(rewriter, loc, pack);
    Value sum;
    if (std::optional<Value> packed =
            buildPackedCodes(rewriter, loc, termCodes, pow2, n, k))
      sum = buildPackedShiftGeneric(rewriter, loc, x, *packed, acc,
                                    pow2.getTerms(), minExp);
    else
      sum = buildShiftGeneric(rewriter, loc, x, termCodes, acc, n, k, minExp);
    // Scales (once per output), then the bias.
    if (pow2.getScales()) {
      SmallVector<float> scales;
      for (int64_t c = 0; c < n; ++c)
        scales.push_back(static_cast<float>(pow2.getScaleForChannel(c)));
      auto scaleType = RankedTensorType::get({1, n}, rewriter.getF32Type());
      Value scaleValues = arith::ConstantOp::create(
          rewriter, loc,
          DenseElementsAttr::get(scaleType, ArrayRef<float>(scales)));
      sum = buildElementwise(
          rewriter, loc, accType, {sum, scaleValues},
          [](OpBuilder &b, Location loc, ValueRange a) {
            return arith::MulFOp::create(b, loc, a[0], a[1]).getResult();
          });
    }
    if (Value bias = op.getBias()) {
      Value row =
          buildReshape(rewriter, loc, bias,
                       RankedTensorType::get({1, n}, rewriter.getF32Type()));
      sum = buildElementwise(
          rewriter, loc, accType, {sum, row},
          [](OpBuilder &b, Location loc, ValueRange a) {
            return arith::AddFOp::create(b, loc, a[0], a[1]).getResult();
          });
    }
    rewriter.replaceOp(op, buildReshape(rewriter, loc, sum, resultType));
    return success();
  }
};

/// A power-of-two convolution (dense weight, f32 activations) as one
/// generic over the padded input whose body adds each weight's terms'
/// exponents to the activation's (buildConvShiftMulAdd): the codes are read
/// as stored (two 4-bit terms in one byte), per-channel scales and the bias
/// applied once per output.
template <typename OpTy>
struct ConvToShiftKernel : public OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    RankedTensorType resultType = op.getResult().getType();
    FailureOr<ShiftWeight> weight = matchShiftWeight(rewriter, op);
    if (failed(weight))
      return failure();
    auto [pack, pow2] = *weight;
    Location loc = op.getLoc();
    std::optional<Value> codes = buildConvTermCodes(
        rewriter, loc, getPow2TermCodes(rewriter, loc, pack), pow2);
    if (!codes)
      return rewriter.notifyMatchFailure(op, "two terms' codes not constant");
    unsigned terms = pow2.getTerms();
    int64_t minExp = pow2.getMinExp();
    Value y = buildConvGeneric(
        rewriter, loc, op.getInput(), *codes, resultType, op.getStrides(),
        op.getPads(), op.getDilations(), getConvGroups(op),
        [&](OpBuilder &b, Location loc, Value acc, Value x, Value w) {
          return buildConvShiftMulAdd(b, loc, acc, x, w, terms, minExp);
        },
        /*directNCHW=*/true);
    if (pow2.getScales()) {
      int64_t channels = resultType.getDimSize(1);
      SmallVector<float> scales;
      for (int64_t c = 0; c < channels; ++c)
        scales.push_back(static_cast<float>(pow2.getScaleForChannel(c)));
      Value scaleValues = arith::ConstantOp::create(
          rewriter, loc,
          DenseElementsAttr::get(
              RankedTensorType::get({channels}, rewriter.getF32Type()),
              ArrayRef<float>(scales)));
      y = combineAlong<arith::MulFOp>(rewriter, loc, y, scaleValues, 1);
    }
    rewriter.replaceOp(op, addBias(rewriter, loc, y, op.getBias(), 1));
    return success();
  }
};

struct ConvertShiftKernelsPass
    : public effai::impl::EffaiConvertShiftKernelsBase<
          ConvertShiftKernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<LinearToShiftKernel>(&getContext());
    if (convolutions)
      patterns.add<ConvToShiftKernel<Conv2DOp>,
                   ConvToShiftKernel<DepthwiseConv2DOp>>(&getContext());
    if (integerCodes)
      patterns.add<LinearToIntegerCodes>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
