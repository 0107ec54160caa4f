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
    if (!inputType.getElementType().isF32() ||
        !resultType.getElementType().isF32() || !inputType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs static f32 activations");
    auto pack = op.getWeight().getDefiningOp<PackOp>();
    auto type = cast<WeightType>(op.getWeight().getType());
    auto pow2 = dyn_cast<Pow2FormatAttr>(type.getEncoding().getValue());
    if (!pack || !pow2 ||
        !isa<DenseSparsityAttr>(type.getEncoding().getSparsity()))
      return rewriter.notifyMatchFailure(op, "needs a dense pow2 weight");

    Location loc = op.getLoc();
    int64_t k = inputType.getShape().back();
    int64_t m = inputType.getNumElements() / k;
    int64_t n = type.getNumOutputChannels();
    Value x =
        buildReshape(rewriter, loc, op.getInput(),
                     RankedTensorType::get({m, k}, rewriter.getF32Type()));
    // One [K, N] code tensor per term (n innermost: contiguous, vectorized).
    SmallVector<Value> codes;
    for (Value term : getPow2TermCodes(rewriter, loc, pack))
      codes.push_back(buildPermutedView(rewriter, loc, term, {n, k}, {1, 0}));

    MLIRContext *ctx = rewriter.getContext();
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    SmallVector<AffineMap> maps = {AffineMap::get(3, 0, {d(0), d(1)}, ctx)};
    for (size_t t = 0; t < codes.size(); ++t)
      maps.push_back(AffineMap::get(3, 0, {d(1), d(2)}, ctx));
    maps.push_back(AffineMap::get(3, 0, {d(0), d(2)}, ctx));
    SmallVector<Value> inputs = {x};
    inputs.append(codes);
    auto accType = RankedTensorType::get({m, n}, rewriter.getF32Type());
    Value acc = buildFill(rewriter, loc, accType,
                          getScalarAttr(rewriter.getF32Type(), 0));
    utils::IteratorType iterators[] = {utils::IteratorType::parallel,
                                       utils::IteratorType::reduction,
                                       utils::IteratorType::parallel};
    int64_t minExp = pow2.getMinExp();
    Value sum = linalg::GenericOp::create(
                    rewriter, loc, accType, inputs, acc, maps, iterators,
                    [&](OpBuilder &b, Location loc, ValueRange args) {
                      Value total = args.back();
                      for (Value code : args.drop_front().drop_back())
                        total = arith::AddFOp::create(
                            b, loc, total,
                            buildShiftTerm(b, loc, args.front(), code, minExp));
                      linalg::YieldOp::create(b, loc, total);
                    })
                    .getResult(0);

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

struct ConvertShiftKernelsPass
    : public effai::impl::EffaiConvertShiftKernelsBase<
          ConvertShiftKernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<LinearToShiftKernel>(&getContext());
    if (integerCodes)
      patterns.add<LinearToIntegerCodes>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
