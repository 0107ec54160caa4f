//===- QuantizedOps.cpp - integer-only compressible ops ---------*- C++ -*-===//
//
// Compressible ops on !quant.uniform activations run in integers: centred
// i32 activations (q - zp) times integer weight codes, accumulated in i32.
// Dense i8 codes against u8 activations read both as stored instead:
// sum (q - zp) w = sum q w - zp sum w, with the input padded with zp and the
// per-channel zp sum w a constant, so a kernel can feed the bytes to u8 x s8
// dot-product instructions.
// The accumulator's scale is x_scale * w_scale[o]; results are produced by
// fixed-point multipliers M = m * 2^-s (31-bit m), rounding half to even and
// saturating, with no float arithmetic (float results are dequantized).
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "effai/Conversion/EffaiToLinalg/EffaiToLinalg.h"
#include "effai/Utils/ConstantData.h"
#include "effai/Utils/FixedPoint.h"
#include "effai/Utils/LinalgBuilders.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"

#include <cmath>

using namespace mlir;
using namespace mlir::effai;

namespace {
/// A constant tensor of `values` shaped to broadcast along `axis` of a
/// rank-`rank` tensor (a scalar for one value).
Value channelTable(OpBuilder &b, Location loc, Type elt,
                   ArrayRef<double> values, int64_t axis, int64_t rank) {
  SmallVector<int64_t> shape;
  if (values.size() > 1) {
    shape.assign(rank, 1);
    shape[axis] = values.size();
  }
  auto type = RankedTensorType::get(shape, elt);
  SmallVector<Attribute> attrs;
  for (double v : values)
    attrs.push_back(getScalarAttr(elt, v));
  return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, attrs));
}

/// round_half_even(x * m / 2^s) for i64 x, m, s.
Value fixedPointMultiply(OpBuilder &b, Location loc, Value x, Value m,
                         Value s) {
  Type i64 = b.getI64Type();
  Value one = buildScalar(b, loc, i64, 1);
  Value product = arith::MulIOp::create(b, loc, x, m);
  Value floor = arith::ShRSIOp::create(b, loc, product, s);
  Value remainder = arith::SubIOp::create(
      b, loc, product, arith::ShLIOp::create(b, loc, floor, s));
  Value half =
      arith::ShLIOp::create(b, loc, one, arith::SubIOp::create(b, loc, s, one));
  Value above =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, remainder, half);
  Value tie =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, remainder, half);
  Value odd = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                    arith::AndIOp::create(b, loc, floor, one),
                                    buildScalar(b, loc, i64, 0));
  Value up = arith::OrIOp::create(b, loc, above,
                                  arith::AndIOp::create(b, loc, tie, odd));
  return arith::AddIOp::create(b, loc, floor,
                               arith::ExtUIOp::create(b, loc, i64, up));
}

/// Saturates an i64 to the storage range of `type` and narrows it.
Value saturate(OpBuilder &b, Location loc, Value v, quant::QuantizedType type) {
  Type i64 = b.getI64Type();
  v = arith::MaxSIOp::create(
      b, loc, v, buildScalar(b, loc, i64, type.getStorageTypeMin()));
  v = arith::MinSIOp::create(
      b, loc, v, buildScalar(b, loc, i64, type.getStorageTypeMax()));
  return arith::TruncIOp::create(b, loc, type.getStorageType(), v);
}

RankedTensorType withElementType(RankedTensorType type, Type elt) {
  return RankedTensorType::get(type.getShape(), elt);
}

/// i32 (q - zero_point) of a per-tensor quantized activation.
Value centerActivation(OpBuilder &b, Location loc, Value quantized) {
  auto type = cast<RankedTensorType>(quantized.getType());
  auto qtype = cast<quant::UniformQuantizedType>(type.getElementType());
  Value storage = quant::StorageCastOp::create(
      b, loc, withElementType(type, qtype.getStorageType()), quantized);
  Type i32 = b.getI32Type();
  bool isUnsigned = !qtype.isSigned();
  int64_t zp = qtype.getZeroPoint();
  return buildElementwise(
      b, loc, withElementType(type, i32), storage,
      [&](OpBuilder &b, Location loc, ValueRange a) {
        Value q = castScalar(b, loc, a[0], i32, isUnsigned, false);
        return arith::SubIOp::create(b, loc, q, buildScalar(b, loc, i32, zp))
            .getResult();
      });
}

/// x + y (y broadcast to x's shape) on integer tensors of `type`.
Value addIntegers(OpBuilder &b, Location loc, RankedTensorType type, Value x,
                  Value y) {
  return buildElementwise(b, loc, type, {x, y},
                          [](OpBuilder &b, Location loc, ValueRange a) {
                            return arith::AddIOp::create(b, loc, a[0], a[1])
                                .getResult();
                          });
}

/// The raw storage (u8 codes as i8) of a per-tensor quantized activation.
Value getActivationStorage(OpBuilder &b, Location loc, Value quantized) {
  auto type = cast<RankedTensorType>(quantized.getType());
  auto qtype = cast<quant::UniformQuantizedType>(type.getElementType());
  return quant::StorageCastOp::create(
      b, loc, withElementType(type, qtype.getStorageType()), quantized);
}

/// -zp * sum_k w[o, k] per output channel (row of `codes`), or none when
/// the codes are not a constant.
std::optional<SmallVector<double>>
getZeroPointCorrection(Value codes, bool isSigned, int64_t zp) {
  std::optional<std::vector<int64_t>> values = readIntegerConstant(codes);
  if (!values)
    return std::nullopt;
  int64_t rows = cast<ShapedType>(codes.getType()).getDimSize(0);
  int64_t perRow = values->size() / rows;
  SmallVector<double> correction;
  for (int64_t row = 0; row < rows; ++row) {
    int64_t sum = 0;
    for (int64_t i = 0; i < perRow; ++i) {
      int64_t w = (*values)[row * perRow + i];
      sum += isSigned ? w : (w & 0xff);
    }
    correction.push_back(double(-zp * sum));
  }
  return correction;
}

/// Builds the i32 accumulator from activations and weight codes (`mulAdd`
/// null: integer codes multiplied; else power-of-two codes or widened
/// codes). `x` is padded with `padValue`: 0 for centred activations, the
/// zero point for raw ones.
using ContractFn =
    function_ref<Value(Value x, Value w, RankedTensorType accType,
                       MulAddFn mulAdd, int64_t padValue)>;

/// sum_k (q - zp) w[o, k] for u8 activations `input` and dense i8 codes,
/// both read as stored (a quarter of the i32 bytes each) and widened in the
/// contraction body: sum q w, then + (-zp sum w[o]) per output channel.
/// Null when the codes are not a constant.
Value buildStoredCodesAccumulator(OpBuilder &b, Location loc, Value input,
                                  const SymmetricCodes &codes,
                                  RankedTensorType accType,
                                  int64_t channelAxis, ContractFn contract) {
  auto quantType = cast<quant::UniformQuantizedType>(
      cast<RankedTensorType>(input.getType()).getElementType());
  int64_t zp = quantType.getZeroPoint();
  std::optional<SmallVector<double>> correction =
      getZeroPointCorrection(codes.codes, codes.isSigned, zp);
  if (!correction)
    return {};
  bool isSigned = codes.isSigned;
  auto storedMulAdd = [isSigned](OpBuilder &b, Location loc, Value acc,
                                 Value q, Value w) {
    Value wideQ = castScalar(b, loc, q, b.getI32Type(), /*fromUnsigned=*/true,
                             /*toUnsigned=*/false);
    return buildWidenedMulAdd(b, loc, acc, wideQ, w, isSigned);
  };
  Value acc = contract(getActivationStorage(b, loc, input), codes.codes,
                       accType, storedMulAdd, zp);
  if (zp == 0)
    return acc;
  // As mature int8 GEMMs do, the contraction starts from -zp * sum w (a
  // per-channel broadcast its kernel loads into the accumulators) instead
  // of a zero fill; where it is not one generic, the sum is corrected after.
  auto generic = acc.getDefiningOp<linalg::GenericOp>();
  bool startsFromZero =
      generic && generic.getNumDpsInits() == 1 && acc.getType() == accType &&
      generic.getDpsInitOperand(0)->get().getDefiningOp<linalg::FillOp>();
  OpBuilder::InsertionGuard guard(b);
  if (startsFromZero)
    b.setInsertionPoint(generic);
  Value table = channelTable(b, loc, b.getI32Type(), *correction, channelAxis,
                             accType.getRank());
  if (startsFromZero) {
    Value start = buildElementwise(
        b, loc, accType, table,
        [](OpBuilder &, Location, ValueRange a) { return a[0]; });
    generic.getDpsInitOperand(0)->set(start);
    return acc;
  }
  return addIntegers(b, loc, accType, acc, table);
}

/// The integer-only lowering shared by the compressible ops; `channelAxis`
/// is the result's output-channel dimension.
LogicalResult lowerQuantized(PatternRewriter &rewriter, Operation *op,
                             Value input, Value weight, Value bias,
                             int64_t channelAxis, ContractFn contract) {
  Location loc = op->getLoc();
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  auto inputQuant = dyn_cast<quant::UniformQuantizedType>(
      cast<RankedTensorType>(input.getType()).getElementType());
  if (!inputQuant)
    return rewriter.notifyMatchFailure(op, "needs per-tensor input parameters");
  auto pack = weight.getDefiningOp<PackOp>();
  if (!pack)
    return rewriter.notifyMatchFailure(op, "weight is not packed here");
  FailureOr<SmallVector<double>> codeScales =
      getIntegerCodeScales(pack.getResult().getType());
  if (failed(codeScales))
    return rewriter.notifyMatchFailure(op, "weight has no integer codes");

  Type i32 = rewriter.getI32Type(), i64 = rewriter.getI64Type();
  int64_t rank = resultType.getRank();
  // Accumulator scale per output channel.
  SmallVector<double> accScales;
  for (double s : *codeScales)
    accScales.push_back(inputQuant.getScale() * s);

  RankedTensorType accType = withElementType(resultType, i32);
  std::optional<SymmetricCodes> symmetric =
      getSymmetricCodes(rewriter, loc, weight);
  Value acc;
  if (symmetric && !inputQuant.isSigned())
    acc = buildStoredCodesAccumulator(rewriter, loc, input, *symmetric,
                                      accType, channelAxis, contract);
  if (!acc) {
    Value x = centerActivation(rewriter, loc, input);
    // Sparse weights: only the kept ones are visited. Dense power-of-two
    // weights: the shift kernel, one contraction per term (the same i32
    // sums as multiplying by the codes).
    FailureOr<Value> sparse =
        buildSparseIntegerAccumulator(rewriter, loc, op, x, accType);
    if (succeeded(sparse)) {
      acc = *sparse;
    } else if (SmallVector<Value> terms =
                   getPow2TermCodes(rewriter, loc, pack);
               !terms.empty()) {
      for (Value codes : terms) {
        Value part = contract(x, codes, accType, buildIntegerShiftMulAdd, 0);
        acc = acc ? addIntegers(rewriter, loc, accType, acc, part) : part;
      }
    } else if (symmetric) {
      // Dense symmetric codes are read as stored (i8, a quarter of the i32
      // bytes) and widened in the contraction, which the CPU kernels take.
      bool isSigned = symmetric->isSigned;
      auto widenMulAdd = [isSigned](OpBuilder &b, Location loc, Value acc,
                                    Value x, Value w) {
        return buildWidenedMulAdd(b, loc, acc, x, w, isSigned);
      };
      acc = contract(x, symmetric->codes, accType, widenMulAdd, 0);
    } else {
      Value w =
          decodePackedWeight(rewriter, loc, pack, DecodeMode::IntegerCodes);
      acc = contract(x, w, accType, nullptr, 0);
    }
  }

  if (bias) {
    auto biasType = cast<RankedTensorType>(bias.getType());
    if (auto biasQuant =
            dyn_cast<quant::QuantizedType>(biasType.getElementType())) {
      // Rescale codes from the bias's scale to the accumulator's.
      ChannelParams params = getParams(biasQuant);
      SmallVector<double> ms, ss, zps;
      for (size_t c = 0; c < accScales.size(); ++c) {
        auto fp = getFixedPoint(params.scale(c) / accScales[c]);
        if (!fp)
          return rewriter.notifyMatchFailure(op, "bias scale out of range");
        ms.push_back(fp->first);
        ss.push_back(fp->second);
        zps.push_back(params.zeroPoint(c));
      }
      Value codes = quant::StorageCastOp::create(
          rewriter, loc, withElementType(biasType, i32), bias);
      SmallVector<int64_t> shape(rank - channelAxis, 1);
      shape[0] = biasType.getDimSize(0);
      codes =
          buildReshape(rewriter, loc, codes, RankedTensorType::get(shape, i32));
      acc = buildElementwise(
          rewriter, loc, withElementType(resultType, i32),
          {acc, codes, channelTable(rewriter, loc, i64, ms, channelAxis, rank),
           channelTable(rewriter, loc, i64, ss, channelAxis, rank),
           channelTable(rewriter, loc, i64, zps, channelAxis, rank)},
          [&](OpBuilder &b, Location loc, ValueRange a) {
            Value centered = arith::SubIOp::create(
                b, loc, arith::ExtSIOp::create(b, loc, i64, a[1]), a[4]);
            Value scaled = fixedPointMultiply(b, loc, centered, a[2], a[3]);
            return arith::AddIOp::create(
                       b, loc, a[0],
                       arith::TruncIOp::create(b, loc, i32, scaled))
                .getResult();
          });
    } else {
      // A float bias enters in accumulator units, rounded half to even.
      SmallVector<int64_t> shape(rank - channelAxis, 1);
      shape[0] = biasType.getDimSize(0);
      Value shaped =
          buildReshape(rewriter, loc, bias,
                       RankedTensorType::get(shape, biasType.getElementType()));
      Type f64 = rewriter.getF64Type();
      acc = buildElementwise(
          rewriter, loc, withElementType(resultType, i32),
          {acc, shaped,
           channelTable(rewriter, loc, f64, accScales, channelAxis, rank)},
          [&](OpBuilder &b, Location loc, ValueRange a) {
            Value units = arith::DivFOp::create(
                b, loc, castScalar(b, loc, a[1], f64, false, false), a[2]);
            Value rounded = arith::FPToSIOp::create(
                b, loc, i32, math::RoundEvenOp::create(b, loc, units));
            return arith::AddIOp::create(b, loc, a[0], rounded).getResult();
          });
    }
  }

  auto resultQuant =
      dyn_cast<quant::UniformQuantizedType>(resultType.getElementType());
  if (!resultQuant) {
    // Dequantized result: acc * accumulator scale.
    Type elt = resultType.getElementType();
    Type f64 = rewriter.getF64Type();
    rewriter.replaceOp(
        op, buildElementwise(
                rewriter, loc, resultType,
                {acc, channelTable(rewriter, loc, f64, accScales, channelAxis,
                                   rank)},
                [&](OpBuilder &b, Location loc, ValueRange a) {
                  Value real = arith::MulFOp::create(
                      b, loc, arith::SIToFPOp::create(b, loc, f64, a[0]), a[1]);
                  return castScalar(b, loc, real, elt, false, false);
                }));
    return success();
  }
  SmallVector<double> ms, ss;
  for (double s : accScales) {
    auto fp = getFixedPoint(s / resultQuant.getScale());
    if (!fp)
      return rewriter.notifyMatchFailure(op,
                                         "requantization scale out of range");
    ms.push_back(fp->first);
    ss.push_back(fp->second);
  }
  Value storage = buildElementwise(
      rewriter, loc, withElementType(resultType, resultQuant.getStorageType()),
      {acc, channelTable(rewriter, loc, i64, ms, channelAxis, rank),
       channelTable(rewriter, loc, i64, ss, channelAxis, rank)},
      [&](OpBuilder &b, Location loc, ValueRange a) {
        Value scaled = fixedPointMultiply(
            b, loc, arith::ExtSIOp::create(b, loc, i64, a[0]), a[1], a[2]);
        Value shifted = arith::AddIOp::create(
            b, loc, scaled,
            buildScalar(b, loc, i64, resultQuant.getZeroPoint()));
        return saturate(b, loc, shifted, resultQuant);
      });
  rewriter.replaceOpWithNewOp<quant::StorageCastOp>(op, resultType, storage);
  return success();
}

struct LowerQuantizedLinear : public OpRewritePattern<LinearOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(LinearOp op,
                                PatternRewriter &rewriter) const override {
    RankedTensorType inputType = op.getInput().getType();
    if (!isa<quant::QuantizedType>(inputType.getElementType()))
      return rewriter.notifyMatchFailure(op, "float activations");
    RankedTensorType resultType = op.getResult().getType();
    Location loc = op.getLoc();
    int64_t k = inputType.getShape().back();
    int64_t rows = inputType.getNumElements() / k;
    return lowerQuantized(
        rewriter, op, op.getInput(), op.getWeight(), op.getBias(),
        resultType.getRank() - 1,
        [&](Value x, Value w, RankedTensorType accType, MulAddFn mulAdd,
            int64_t) {
          Type i32 = rewriter.getI32Type();
          Value x2 = buildReshape(
              rewriter, loc, x,
              RankedTensorType::get({rows, k}, getElementTypeOrSelf(x)));
          Value out = buildLinearContraction(rewriter, loc, x2, w, i32, mulAdd);
          return buildReshape(rewriter, loc, out, accType);
        });
  }
};

template <typename OpTy>
struct LowerQuantizedConv : public OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    if (!isa<quant::QuantizedType>(op.getInput().getType().getElementType()))
      return rewriter.notifyMatchFailure(op, "float activations");
    int64_t groups = getConvGroups(op);
    return lowerQuantized(
        rewriter, op, op.getInput(), op.getWeight(), op.getBias(), 1,
        [&](Value x, Value w, RankedTensorType accType, MulAddFn mulAdd,
            int64_t padValue) {
          // Centred activations pad with 0 (the zero point); raw ones with
          // the zero point itself, plus columns on the right so that a
          // kernel reading the filter columns in fours stays in bounds.
          SmallVector<int64_t> pads(op.getPads());
          if (getElementTypeOrSelf(x).isInteger(8)) {
            pads[3] += getDotProductSlack(op, groups);
            x = buildPad(rewriter, op.getLoc(), x, pads, padValue);
            pads.assign(4, 0);
          }
          return buildConvGeneric(rewriter, op.getLoc(), x, w, accType,
                                  op.getStrides(), pads, op.getDilations(),
                                  groups, mulAdd, /*directNCHW=*/true);
        });
  }

  /// Columns past the padded input that reading the filter columns of the
  /// last output column in groups of 4 touches (none for 1-wide filters,
  /// dilations and grouped convolutions, which no dot kernel groups).
  static int64_t getDotProductSlack(OpTy op, int64_t groups) {
    ArrayRef<int64_t> pads = op.getPads();
    int64_t kw =
        cast<WeightType>(op.getWeight().getType()).getLogicalType().getDimSize(3);
    int64_t width = op.getInput().getType().getDimSize(3) + pads[1] + pads[3];
    int64_t ow = op.getResult().getType().getDimSize(3);
    if (groups != 1 || kw == 1 || op.getDilations()[1] != 1)
      return 0;
    int64_t read = (ow - 1) * op.getStrides()[1] + llvm::divideCeil(kw, 4) * 4;
    return std::max<int64_t>(0, read - width);
  }
};

/// effai.requantize: fixed-point (q - zp_in) * s_in / s_out + zp_out.
struct LowerRequantize : public OpRewritePattern<RequantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(RequantizeOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType inputType = op.getInput().getType();
    RankedTensorType resultType = op.getResult().getType();
    auto in = cast<quant::QuantizedType>(inputType.getElementType());
    auto out = cast<quant::QuantizedType>(resultType.getElementType());
    ChannelParams inParams = getParams(in), outParams = getParams(out);
    int64_t channels =
        std::max(inParams.scales.size(), outParams.scales.size());
    int64_t axis = 0;
    if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(in))
      axis = perAxis.getQuantizedDimension();
    if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(out))
      axis = perAxis.getQuantizedDimension();
    SmallVector<double> ms, ss, zin, zout;
    for (int64_t c = 0; c < channels; ++c) {
      auto fp = getFixedPoint(inParams.scale(c) / outParams.scale(c));
      if (!fp)
        return rewriter.notifyMatchFailure(op, "scale ratio out of range");
      ms.push_back(fp->first);
      ss.push_back(fp->second);
      zin.push_back(inParams.zeroPoint(c));
      zout.push_back(outParams.zeroPoint(c));
    }
    Type i64 = rewriter.getI64Type();
    int64_t rank = inputType.getRank();
    Value storage = quant::StorageCastOp::create(
        rewriter, loc, withElementType(inputType, in.getStorageType()),
        op.getInput());
    bool isUnsigned = !in.isSigned();
    auto table = [&](ArrayRef<double> v) {
      return channelTable(rewriter, loc, i64, v, axis, rank);
    };
    Value result = buildElementwise(
        rewriter, loc, withElementType(resultType, out.getStorageType()),
        {storage, table(ms), table(ss), table(zin), table(zout)},
        [&](OpBuilder &b, Location loc, ValueRange a) {
          Value q = castScalar(b, loc, a[0], i64, isUnsigned, false);
          Value centered = arith::SubIOp::create(b, loc, q, a[3]);
          Value scaled = fixedPointMultiply(b, loc, centered, a[1], a[2]);
          return saturate(b, loc, arith::AddIOp::create(b, loc, scaled, a[4]),
                          out);
        });
    rewriter.replaceOpWithNewOp<quant::StorageCastOp>(op, resultType, result);
    return success();
  }
};
} // namespace

void mlir::effai::populateQuantizedOpsToLinalgPatterns(
    RewritePatternSet &patterns) {
  patterns.add<LowerQuantizedLinear, LowerQuantizedConv<Conv2DOp>,
               LowerQuantizedConv<DepthwiseConv2DOp>, LowerRequantize>(
      patterns.getContext());
}
