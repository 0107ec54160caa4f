//===- DecodeWeights.cpp - effai.unpack to linalg/scf -----------*- C++ -*-===//
//
// Decodes a packed weight in IR. The value format maps stored codes to
// numbers (float as is; affine (q - zp) * scale; power-of-two sums of
// ±2^p times a scale); the sparsity format places them. Dense weights decode
// elementwise; sparse ones start from zeros and scatter each stored weight,
// so decoding costs what is kept. Semantics match WeightCodec.cpp.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "effai/Conversion/EffaiToLinalg/EffaiToLinalg.h"
#include "effai/Dialect/Effai/IR/PackedIndices.h"
#include "effai/Utils/LinalgBuilders.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::effai;

Value mlir::effai::getDecodedWeight(OpBuilder &b, Location loc, Value weight) {
  auto type = cast<WeightType>(weight.getType());
  if (auto pack = weight.getDefiningOp<PackOp>())
    if (isa<FloatFormatAttr>(type.getEncoding().getValue()) &&
        isa<DenseSparsityAttr>(type.getEncoding().getSparsity()))
      return pack.getValues();
  return UnpackOp::create(b, loc, type.getLogicalType(), weight);
}

ChannelParams mlir::effai::getParams(quant::QuantizedType type) {
  ChannelParams params;
  params.isSigned = type.isSigned();
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(type)) {
    params.scales.assign(perAxis.getScales().begin(),
                         perAxis.getScales().end());
    params.zeroPoints.assign(perAxis.getZeroPoints().begin(),
                             perAxis.getZeroPoints().end());
  } else {
    auto uniform = cast<quant::UniformQuantizedType>(type);
    params.scales = {uniform.getScale()};
    params.zeroPoints = {uniform.getZeroPoint()};
  }
  return params;
}

namespace {
Value indexConstant(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

} // namespace

ValueDecoder::ValueDecoder(OpBuilder &b, Location loc, WeightType type,
                           DecodeMode mode)
    : format(type.getEncoding().getValue()),
      elementType(mode == DecodeMode::Values ? Type(type.getElementType())
                                             : Type(b.getI32Type())),
      mode(mode) {
  Type f64 = b.getF64Type();
  auto table = [&](ArrayRef<double> values) {
    auto tensorType = RankedTensorType::get({int64_t(values.size())}, f64);
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(tensorType, values));
  };
  if (auto affine = dyn_cast<AffineFormatAttr>(format)) {
    params = getParams(affine.getQuantType());
    SmallVector<double> zps(params.zeroPoints.begin(), params.zeroPoints.end());
    scales = table(params.scales);
    zeroPoints = table(zps);
  } else if (auto pow2 = dyn_cast<Pow2FormatAttr>(format)) {
    SmallVector<double> s;
    if (pow2.getScales())
      s.assign(pow2.getScales().asArrayRef().begin(),
               pow2.getScales().asArrayRef().end());
    else
      s = {1.0};
    scales = table(s);
  } else if (auto focused = dyn_cast<FocusedFormatAttr>(format)) {
    scales = table(focused.getScales().asArrayRef());
    // The mode centres take the zero points' table.
    zeroPoints = table(focused.getCentres().asArrayRef());
  }
}

int64_t ValueDecoder::getTerms() const { return format.getTermsPerValue(); }

Value ValueDecoder::decode(OpBuilder &b, Location loc, ArrayRef<Value> codes,
                           Value channel) const {
  Type f64 = b.getF64Type(), i32 = b.getI32Type();
  auto channelParam = [&](Value table) -> Value {
    auto tableType = cast<RankedTensorType>(table.getType());
    Value at =
        tableType.getDimSize(0) == 1 ? indexConstant(b, loc, 0) : channel;
    return tensor::ExtractOp::create(b, loc, table, at);
  };
  if (isa<FloatFormatAttr>(format))
    return codes[0];
  if (isa<AffineFormatAttr>(format)) {
    bool isUnsigned = !params.isSigned;
    if (mode == DecodeMode::IntegerCodes) {
      Value q = castScalar(b, loc, codes[0], i32, isUnsigned, false);
      Value zp = arith::FPToSIOp::create(b, loc, i32, channelParam(zeroPoints));
      return arith::SubIOp::create(b, loc, q, zp);
    }
    Value q = castScalar(b, loc, codes[0], f64, isUnsigned, false);
    Value centered = arith::SubFOp::create(b, loc, q, channelParam(zeroPoints));
    Value value = arith::MulFOp::create(b, loc, centered, channelParam(scales));
    return castScalar(b, loc, value, elementType, false, false);
  }
  if (auto focused = dyn_cast<FocusedFormatAttr>(format))
    return decodeFocused(b, loc, focused, codes[0], channelParam(zeroPoints),
                         channelParam(scales));
  // Power of two. Code 0: no term; ±k: ±2^(min_exp + k - 1).
  auto pow2 = cast<Pow2FormatAttr>(format);
  Value zero = buildScalar(b, loc, i32, 0);
  if (mode == DecodeMode::IntegerCodes) {
    // In units of 2^min_exp: ±2^(k-1), a shift (getIntegerCodeScales
    // bounds k so sums fit i32).
    Value sum = zero;
    for (Value code : codes) {
      Value c = arith::ExtSIOp::create(b, loc, i32, code);
      Value shift = arith::SubIOp::create(
          b, loc, math::AbsIOp::create(b, loc, c), buildScalar(b, loc, i32, 1));
      Value term =
          arith::ShLIOp::create(b, loc, buildScalar(b, loc, i32, 1),
                                arith::MaxSIOp::create(b, loc, shift, zero));
      Value negative =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, c, zero);
      term = arith::SelectOp::create(
          b, loc, negative, arith::SubIOp::create(b, loc, zero, term), term);
      Value isZero =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, c, zero);
      sum = arith::AddIOp::create(
          b, loc, sum, arith::SelectOp::create(b, loc, isZero, zero, term));
    }
    return sum;
  }
  // Values: exact in floating point for any exponent range.
  Value sum = buildScalar(b, loc, f64, 0.0);
  for (Value code : codes) {
    Value c = arith::ExtSIOp::create(b, loc, i32, code);
    Value exponent =
        arith::AddIOp::create(b, loc, math::AbsIOp::create(b, loc, c),
                              buildScalar(b, loc, i32, pow2.getMinExp() - 1));
    Value term = math::Exp2Op::create(
        b, loc, arith::SIToFPOp::create(b, loc, f64, exponent));
    Value negative =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, c, zero);
    term = arith::SelectOp::create(b, loc, negative,
                                   arith::NegFOp::create(b, loc, term), term);
    Value isZero =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, c, zero);
    term = arith::SelectOp::create(b, loc, isZero,
                                   buildScalar(b, loc, f64, 0.0), term);
    sum = arith::AddFOp::create(b, loc, sum, term);
  }
  Value value = arith::MulFOp::create(b, loc, sum, channelParam(scales));
  return castScalar(b, loc, value, elementType, false, false);
}

Value ValueDecoder::decodeFocused(OpBuilder &b, Location loc,
                                  FocusedFormatAttr focused, Value code,
                                  Value centre, Value scale) const {
  assert(mode == DecodeMode::Values && "focused weights have no integer codes");
  Type f64 = b.getF64Type(), i32 = b.getI32Type();
  auto i32Const = [&](int64_t v) { return buildScalar(b, loc, i32, v); };
  auto cmp = [&](arith::CmpIPredicate predicate, Value lhs, Value rhs) {
    return arith::CmpIOp::create(b, loc, predicate, lhs, rhs);
  };
  // code = ±(level + L + 1): the sign is the mode, level the offset's.
  Value c = arith::ExtSIOp::create(b, loc, i32, code);
  Value level = arith::SubIOp::create(b, loc, math::AbsIOp::create(b, loc, c),
                                      i32Const(focused.getLevels() + 1));
  Value exponent =
      arith::AddIOp::create(b, loc, math::AbsIOp::create(b, loc, level),
                            i32Const(focused.getMinExp() - 1));
  Value offset = math::Exp2Op::create(
      b, loc, arith::SIToFPOp::create(b, loc, f64, exponent));
  Value zero = buildScalar(b, loc, f64, 0.0);
  offset = arith::SelectOp::create(
      b, loc, cmp(arith::CmpIPredicate::slt, level, i32Const(0)),
      arith::NegFOp::create(b, loc, offset), offset);
  offset = arith::SelectOp::create(
      b, loc, cmp(arith::CmpIPredicate::eq, level, i32Const(0)), zero, offset);
  Value mode = arith::SelectOp::create(
      b, loc, cmp(arith::CmpIPredicate::slt, c, i32Const(0)),
      arith::NegFOp::create(b, loc, centre), centre);
  Value value = arith::AddFOp::create(
      b, loc, mode, arith::MulFOp::create(b, loc, scale, offset));
  value = arith::SelectOp::create(
      b, loc, cmp(arith::CmpIPredicate::eq, c, i32Const(0)), zero, value);
  return castScalar(b, loc, value, elementType, false, false);
}

SmallVector<Value> mlir::effai::delinearize(OpBuilder &b, Location loc,
                                            Value flat,
                                            ArrayRef<int64_t> shape) {
  SmallVector<Value> coords(shape.size());
  for (int64_t d = shape.size() - 1; d >= 0; --d) {
    Value size = indexConstant(b, loc, shape[d]);
    coords[d] = d == 0 ? flat : arith::RemUIOp::create(b, loc, flat, size);
    if (d > 0)
      flat = arith::DivUIOp::create(b, loc, flat, size);
  }
  return coords;
}

/// The codes (one per power-of-two term) of the stored weight at `coords`
/// of the values payload.
static SmallVector<Value> readCodes(OpBuilder &b, Location loc, Value values,
                                    ArrayRef<Value> coords, int64_t terms) {
  if (terms == 1)
    return {tensor::ExtractOp::create(b, loc, values, coords)};
  SmallVector<Value> codes;
  for (int64_t t = 0; t < terms; ++t) {
    SmallVector<Value> at(coords);
    at.push_back(indexConstant(b, loc, t));
    codes.push_back(tensor::ExtractOp::create(b, loc, values, at));
  }
  return codes;
}

static Value readIndex(OpBuilder &b, Location loc, Value indices,
                       ArrayRef<Value> coords) {
  Value raw = tensor::ExtractOp::create(b, loc, indices, coords);
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), raw);
}

/// The (row, column) in the [O, R] view of the stored weight at `coords` of
/// the values payload, per sparsity format.
static std::pair<Value, Value> placeStored(OpBuilder &b, Location loc,
                                           SparsityFormatAttrInterface sparsity,
                                           WeightType type, Value indices,
                                           ArrayRef<Value> coords) {
  auto idx = [&](int64_t v) { return indexConstant(b, loc, v); };
  return llvm::TypeSwitch<Attribute, std::pair<Value, Value>>(sparsity)
      .Case([&](NMSparsityAttr nm) -> std::pair<Value, Value> {
        // Column = group * M + stored position within the group, a packed
        // field numbered like the values.
        Value group = arith::DivUIOp::create(b, loc, coords[1], idx(nm.getN()));
        int64_t perRow = type.getReductionSize() / nm.getM() * nm.getN();
        Value slot = arith::AddIOp::create(
            b, loc, arith::MulIOp::create(b, loc, coords[0], idx(perRow)),
            coords[1]);
        Value pos = buildPackedFieldRead(b, loc, indices, slot,
                                         getNMPositionBits(nm.getM()));
        Value col = arith::AddIOp::create(
            b, loc, arith::MulIOp::create(b, loc, group, idx(nm.getM())), pos);
        return {coords[0], col};
      })
      .Case([&](BlockSparsityAttr block) -> std::pair<Value, Value> {
        Value blockRow = readIndex(b, loc, indices, {coords[0], idx(0)});
        Value blockCol = readIndex(b, loc, indices, {coords[0], idx(1)});
        ArrayRef<int64_t> shape = block.getBlockShape();
        Value row = arith::AddIOp::create(
            b, loc, arith::MulIOp::create(b, loc, blockRow, idx(shape[0])),
            coords[1]);
        Value col = arith::AddIOp::create(
            b, loc, arith::MulIOp::create(b, loc, blockCol, idx(shape[1])),
            coords[2]);
        return {row, col};
      })
      .Case([&](ChannelSparsityAttr) -> std::pair<Value, Value> {
        Value row = readIndex(b, loc, indices, {coords[0]});
        // Column: the remaining coordinates flattened.
        Value col = idx(0);
        ArrayRef<int64_t> shape = type.getShape();
        for (size_t d = 1; d < shape.size(); ++d)
          col = arith::AddIOp::create(
              b, loc, arith::MulIOp::create(b, loc, col, idx(shape[d])),
              coords[d]);
        return {row, col};
      })
      .Default([&](Attribute) -> std::pair<Value, Value> {
        // Unstructured: explicit (row, column) pairs.
        return {readIndex(b, loc, indices, {coords[0], idx(0)}),
                readIndex(b, loc, indices, {coords[0], idx(1)})};
      });
}

Value mlir::effai::decodePackedWeight(OpBuilder &b, Location loc, PackOp pack,
                                      DecodeMode mode) {
  WeightType type = pack.getResult().getType();
  ValueDecoder decoder(b, loc, type, mode);
  RankedTensorType logical =
      RankedTensorType::get(type.getShape(), decoder.getElementType());
  Value values = pack.getValues(), indices = pack.getIndices();
  SparsityFormatAttrInterface sparsity = type.getEncoding().getSparsity();
  int64_t terms = decoder.getTerms();

  if (isa<DenseSparsityAttr>(sparsity)) {
    // Every position holds a stored weight: decode elementwise.
    return buildElementwise(
        b, loc, logical, {}, [&](OpBuilder &b, Location loc, ValueRange) {
          SmallVector<Value> pos;
          for (int64_t d = 0; d < logical.getRank(); ++d)
            pos.push_back(linalg::IndexOp::create(b, loc, d));
          return decoder.decode(b, loc, readCodes(b, loc, values, pos, terms),
                                pos[0]);
        });
  }

  // Sparse: zeros, then one insert per stored weight.
  Value zeros =
      buildFill(b, loc, logical, getScalarAttr(logical.getElementType(), 0.0));
  SmallVector<int64_t> storedShape = sparsity.getValuesShape(type.getShape());
  SmallVector<int64_t> rowShape(type.getShape().drop_front());
  if (hasSequentialPositions(sparsity)) {
    // Delta and bitmap positions follow from the fields before them.
    int64_t cols = type.getReductionSize();
    Value zero = indexConstant(b, loc, 0);
    StoredWalkRange all{zero, indexConstant(b, loc, type.getNumStoredWeights()),
                        zero, zero,
                        indexConstant(b, loc, type.getNumElements())};
    return buildStoredWeightWalk(
               b, loc, sparsity, indices, all, zeros,
               [&](OpBuilder &b, Location loc, Value slot, Value position,
                   ValueRange acc) -> SmallVector<Value> {
                 Value row = arith::DivUIOp::create(
                     b, loc, position, indexConstant(b, loc, cols));
                 Value col = arith::RemUIOp::create(
                     b, loc, position, indexConstant(b, loc, cols));
                 Value value = decoder.decode(
                     b, loc, readCodes(b, loc, values, {slot}, terms), row);
                 SmallVector<Value> at{row};
                 llvm::append_range(at, delinearize(b, loc, col, rowShape));
                 return {tensor::InsertOp::create(b, loc, value, acc[0], at)};
               })
        .front();
  }
  auto loop = scf::ForOp::create(
      b, loc, indexConstant(b, loc, 0),
      indexConstant(b, loc, type.getNumStoredWeights()),
      indexConstant(b, loc, 1), ValueRange{zeros},
      [&](OpBuilder &b, Location loc, Value i, ValueRange acc) {
        SmallVector<Value> coords = delinearize(b, loc, i, storedShape);
        auto [row, col] = placeStored(b, loc, sparsity, type, indices, coords);
        Value value = decoder.decode(
            b, loc, readCodes(b, loc, values, coords, terms), row);
        SmallVector<Value> at{row};
        llvm::append_range(at, delinearize(b, loc, col, rowShape));
        Value next = tensor::InsertOp::create(b, loc, value, acc[0], at);
        scf::YieldOp::create(b, loc, next);
      });
  return loop.getResult(0);
}

namespace {
struct LowerUnpack : public OpRewritePattern<UnpackOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(UnpackOp op,
                                PatternRewriter &rewriter) const override {
    auto pack = op.getWeight().getDefiningOp<PackOp>();
    if (!pack)
      return rewriter.notifyMatchFailure(op, "weight is not packed here");
    rewriter.replaceOp(op, decodePackedWeight(rewriter, op.getLoc(), pack,
                                              DecodeMode::Values));
    return success();
  }
};
} // namespace

void mlir::effai::populateUnpackToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerUnpack>(patterns.getContext());
}
