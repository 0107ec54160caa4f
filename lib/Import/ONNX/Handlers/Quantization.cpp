//===- Quantization.cpp - QDQ and QOperator ONNX ops ------------*- C++ -*-===//
//
// With constant scales and zero points (what quantizers export), quantized
// tensors get upstream `!quant.uniform` types: QuantizeLinear/
// DequantizeLinear become quant.qcast/dcast, and QLinearConv, QLinearMatMul,
// ConvInteger and MatMulInteger become integer-only effai ops with affine
// weights. With parameters computed at run time, the same semantics are
// built from exact integer arithmetic and float requantization.
//
//===----------------------------------------------------------------------===//

#include "WeightUtils.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;
using namespace mlir::effai;
using namespace mlir::effai::onnx_import;

namespace {
struct IntRange {
  int64_t min, max;
};

IntRange getRange(Type storage, bool isUnsigned) {
  unsigned width = storage.getIntOrFloatBitWidth();
  if (isUnsigned)
    return {0, (int64_t(1) << width) - 1};
  return {-(int64_t(1) << (width - 1)), (int64_t(1) << (width - 1)) - 1};
}

/// Quantization parameters of a tensor from inputs (scale, zero point):
/// a `!quant.uniform` type when both are constant, else none.
/// `storage`/`isUnsigned` describe the quantized tensor; `axis` applies to
/// per-axis (1-D) scales of a rank-`rank` tensor.
FailureOr<quant::QuantizedType>
getStaticQuantType(NodeContext &ctx, int64_t scaleInput, int64_t zpInput,
                   Type storage, bool isUnsigned, int64_t axis, int64_t rank) {
  const HostTensor *scale = ctx.constantInput(scaleInput);
  const HostTensor *zp =
      ctx.hasInput(zpInput) ? ctx.constantInput(zpInput) : nullptr;
  if (!scale || (ctx.hasInput(zpInput) && !zp))
    return failure();
  SmallVector<double> scales = scale->getDoubles();
  SmallVector<int64_t> zps =
      zp ? zp->getInts() : SmallVector<int64_t>(scales.size(), 0);
  if (scales.empty() || zps.size() != scales.size() ||
      llvm::any_of(scales, [](double s) { return !(s > 0); }))
    return failure();
  IntRange range = getRange(storage, isUnsigned);
  unsigned flags = isUnsigned ? 0 : quant::QuantizationFlags::Signed;
  Type expressed = Float32Type::get(ctx.getContext());
  if (scale->getShape().empty() || scales.size() == 1)
    return cast<quant::QuantizedType>(quant::UniformQuantizedType::get(
        flags, storage, expressed, scales[0], zps[0], range.min, range.max));
  int64_t normalized = normalizeAxis(axis, rank);
  if (normalized < 0)
    return failure();
  return cast<quant::QuantizedType>(quant::UniformQuantizedPerAxisType::get(
      flags, storage, expressed, scales, zps, normalized, range.min,
      range.max));
}

RankedTensorType withElementType(RankedTensorType type, Type elt) {
  return RankedTensorType::get(type.getShape(), elt);
}

/// Integer tensor -> quantized tensor of the same storage (quant.scast).
Value toQuantized(OpBuilder &b, Location loc, Value codes,
                  quant::QuantizedType type) {
  auto tensorType = cast<RankedTensorType>(codes.getType());
  return quant::StorageCastOp::create(b, loc, withElementType(tensorType, type),
                                      codes);
}

Value toStorage(OpBuilder &b, Location loc, Value quantized) {
  auto type = cast<RankedTensorType>(quantized.getType());
  auto qtype = cast<quant::QuantizedType>(type.getElementType());
  return quant::StorageCastOp::create(
      b, loc, withElementType(type, qtype.getStorageType()), quantized);
}

/// Reshapes a per-axis parameter vector to broadcast along `axis` of a
/// rank-`rank` tensor; scalars stay as they are.
Value alongAxis(OpBuilder &b, Location loc, Value param, int64_t axis,
                int64_t rank) {
  auto type = cast<RankedTensorType>(param.getType());
  if (type.getRank() == 0 || type.getNumElements() == 1)
    return buildReshape(b, loc, param,
                        RankedTensorType::get({}, type.getElementType()));
  SmallVector<int64_t> shape(rank, 1);
  shape[axis] = type.getNumElements();
  return buildReshape(b, loc, param,
                      RankedTensorType::get(shape, type.getElementType()));
}

/// The axis per-axis parameters (input `paramInput`) apply along; any value
/// for per-tensor (single-element) parameters.
FailureOr<int64_t> getParamAxis(NodeContext &ctx, int64_t paramInput,
                                int64_t axis, int64_t rank) {
  RankedTensorType type = ctx.inputType(paramInput);
  if (type && type.getNumElements() <= 1)
    return 0;
  int64_t normalized = normalizeAxis(axis, rank);
  if (normalized < 0) {
    ctx.emitError() << "axis " << axis << " is out of range for rank " << rank;
    return failure();
  }
  if (type &&
      type.getNumElements() != ctx.inputType(0).getDimSize(normalized)) {
    ctx.emitError() << "per-axis parameters have " << type.getNumElements()
                    << " values but axis " << axis << " has "
                    << ctx.inputType(0).getDimSize(normalized);
    return failure();
  }
  return normalized;
}

/// clamp(round_half_even(value) + zp, range) converted to `storage`.
Value requantizeScalar(OpBuilder &b, Location loc, Value value, Value zp,
                       bool zpUnsigned, Type storage, bool isUnsigned) {
  Type f32 = b.getF32Type();
  IntRange range = getRange(storage, isUnsigned);
  return buildQuantizeScalar(
      b, loc, value, zp ? castScalar(b, loc, zp, f32, zpUnsigned, false) : zp,
      storage, isUnsigned, range.min, range.max);
}

/// The element type and signedness a quantized output gets: that of the
/// zero point input when present, else uint8.
std::pair<Type, bool> getOutputStorage(NodeContext &ctx, int64_t zpInput) {
  if (ctx.hasInput(zpInput))
    return {ctx.inputElementType(zpInput), ctx.isUnsignedInput(zpInput)};
  return {IntegerType::get(ctx.getContext(), 8), true};
}

/// Operands for the run-time-parameter path of Quantize/DequantizeLinear:
/// x, then the scale and (if present) zero point shaped to broadcast along
/// `axis`.
FailureOr<SmallVector<Value>>
getRuntimeQuantOperands(NodeContext &ctx, Value x, int64_t axis, int64_t rank) {
  FailureOr<int64_t> normalized = getParamAxis(ctx, 1, axis, rank);
  Value scale = ctx.input(1);
  if (!scale || failed(normalized))
    return failure();
  SmallVector<Value> operands{
      x, alongAxis(ctx.b, ctx.loc, scale, *normalized, rank)};
  if (ctx.hasInput(2)) {
    Value zp = ctx.input(2);
    if (!zp)
      return failure();
    operands.push_back(alongAxis(ctx.b, ctx.loc, zp, *normalized, rank));
  }
  return operands;
}

LogicalResult importQuantizeLinear(NodeContext &ctx) {
  Value x = ctx.input(0);
  RankedTensorType result = ctx.resultType(0);
  if (!x || !result)
    return failure();
  auto [storage, isUnsigned] = getOutputStorage(ctx, 2);
  int64_t rank = result.getRank();
  int64_t axis = ctx.attrInt("axis", 1);
  if (!isa<FloatType>(ctx.inputElementType(0)) ||
      !ctx.inputElementType(0).isF32())
    return ctx.unsupported("QuantizeLinear of non-f32 input");
  FailureOr<quant::QuantizedType> qtype =
      getStaticQuantType(ctx, 1, 2, storage, isUnsigned, axis, rank);
  if (succeeded(qtype)) {
    Value q = quant::QuantizeCastOp::create(ctx.b, ctx.loc,
                                            withElementType(result, *qtype), x);
    ctx.setResult(0, toStorage(ctx.b, ctx.loc, q));
    return success();
  }
  // Run-time parameters: y = saturate(round(x / scale) + zero_point).
  FailureOr<SmallVector<Value>> inputs =
      getRuntimeQuantOperands(ctx, x, axis, rank);
  if (failed(inputs))
    return failure();
  bool zpUnsigned = ctx.isUnsignedInput(2);
  ctx.setResult(0, buildElementwise(
                       ctx.b, ctx.loc, result, *inputs,
                       [&](OpBuilder &b, Location loc, ValueRange a) {
                         Value scaled =
                             arith::DivFOp::create(b, loc, a[0], a[1]);
                         return requantizeScalar(
                             b, loc, scaled, a.size() > 2 ? a[2] : Value(),
                             zpUnsigned, result.getElementType(), isUnsigned);
                       }));
  return success();
}

LogicalResult importDequantizeLinear(NodeContext &ctx) {
  Value x;
  RankedTensorType type, result;
  if (failed(ctx.getUnaryOperands(x, type, result)))
    return failure();
  int64_t rank = type.getRank();
  int64_t axis = ctx.attrInt("axis", 1);
  bool isUnsigned = ctx.isUnsignedInput(0);
  FailureOr<quant::QuantizedType> qtype = getStaticQuantType(
      ctx, 1, 2, type.getElementType(), isUnsigned, axis, rank);
  if (succeeded(qtype) && type.getElementType().getIntOrFloatBitWidth() <= 32) {
    Value q = toQuantized(ctx.b, ctx.loc, x, *qtype);
    ctx.setResult(0,
                  quant::DequantizeCastOp::create(ctx.b, ctx.loc, result, q));
    return success();
  }
  // Run-time parameters: x = (q - zero_point) * scale.
  FailureOr<SmallVector<Value>> inputs =
      getRuntimeQuantOperands(ctx, x, axis, rank);
  if (failed(inputs))
    return failure();
  bool zpUnsigned = ctx.isUnsignedInput(2);
  ctx.setResult(
      0, buildElementwise(
             ctx.b, ctx.loc, result, *inputs,
             [&](OpBuilder &b, Location loc, ValueRange a) {
               Type f32 = b.getF32Type();
               Value v = castScalar(b, loc, a[0], f32, isUnsigned, false);
               if (a.size() > 2)
                 v = arith::SubFOp::create(
                     b, loc, v,
                     castScalar(b, loc, a[2], f32, zpUnsigned, false));
               return arith::MulFOp::create(b, loc, v, a[1]).getResult();
             }));
  return success();
}

/// DynamicQuantizeLinear: uint8 with scale/zero point from the data range
/// (which always includes 0).
LogicalResult importDynamicQuantizeLinear(NodeContext &ctx) {
  Value x = ctx.input(0);
  RankedTensorType result = ctx.resultType(0);
  RankedTensorType scaleType = ctx.resultType(1);
  RankedTensorType zpType = ctx.resultType(2);
  if (!x || !result || !scaleType || !zpType)
    return failure();
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  auto type = cast<RankedTensorType>(x.getType());
  Type f32 = b.getF32Type();
  SmallVector<int64_t> all =
      llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
  auto extreme = [&](bool isMax) {
    return buildReduction(
        b, loc, x, all, getScalarAttr(f32, 0.0),
        [&](OpBuilder &b, Location loc, Value acc, Value v) -> Value {
          if (isMax)
            return arith::MaximumFOp::create(b, loc, acc, v);
          return arith::MinimumFOp::create(b, loc, acc, v);
        });
  };
  Value lo = extreme(false), hi = extreme(true);
  Value scale = buildElementwise(
      b, loc, scaleType, {lo, hi},
      [](OpBuilder &b, Location loc, ValueRange a) {
        Value span = arith::SubFOp::create(b, loc, a[1], a[0]);
        return arith::DivFOp::create(b, loc, span,
                                     buildScalar(b, loc, span.getType(), 255.0))
            .getResult();
      });
  Type u8 = zpType.getElementType();
  Value zp = buildElementwise(
      b, loc, zpType, {lo, scale},
      [&](OpBuilder &b, Location loc, ValueRange a) {
        Value ratio = arith::DivFOp::create(b, loc, a[0], a[1]);
        Value negated = arith::NegFOp::create(b, loc, ratio);
        return requantizeScalar(b, loc, negated, Value(), false, u8, true);
      });
  Value y = buildElementwise(
      b, loc, result, {x, scale, zp},
      [&](OpBuilder &b, Location loc, ValueRange a) {
        Value scaled = arith::DivFOp::create(b, loc, a[0], a[1]);
        return requantizeScalar(b, loc, scaled, a[2], true, u8, true);
      });
  ctx.setResult(0, y);
  ctx.setResult(1, scale);
  ctx.setResult(2, zp);
  return success();
}

/// Widens integer codes to i32 and subtracts a zero point (run-time path).
Value centered(OpBuilder &b, Location loc, Value codes, bool isUnsigned,
               Value zp, bool zpUnsigned, int64_t zpAxis) {
  auto type = cast<RankedTensorType>(codes.getType());
  Type i32 = b.getI32Type();
  SmallVector<Value> inputs{codes};
  if (zp)
    inputs.push_back(alongAxis(b, loc, zp, zpAxis, type.getRank()));
  return buildElementwise(
      b, loc, withElementType(type, i32), inputs,
      [&](OpBuilder &b, Location loc, ValueRange a) {
        Value v = castScalar(b, loc, a[0], i32, isUnsigned, false);
        if (a.size() > 1)
          v = arith::SubIOp::create(
              b, loc, v, castScalar(b, loc, a[1], i32, zpUnsigned, false));
        return v;
      });
}

/// Parameters of an operand of a QLinear* op (scale at `scaleIdx`, zero
/// point at `zpIdx`, both constant), or of an *Integer op (zero point only,
/// scale 1: the op computes exact integer sums). Failure when a parameter is
/// computed at run time.
FailureOr<quant::QuantizedType>
getOperandQuantType(NodeContext &ctx, bool qlinear, int64_t scaleIdx,
                    int64_t zpIdx, Type storage, bool isUnsigned, int64_t axis,
                    int64_t rank) {
  if (qlinear)
    return getStaticQuantType(ctx, scaleIdx, zpIdx, storage, isUnsigned, axis,
                              rank);
  const HostTensor *zp =
      ctx.hasInput(zpIdx) ? ctx.constantInput(zpIdx) : nullptr;
  if (ctx.hasInput(zpIdx) && !zp)
    return failure();
  SmallVector<int64_t> zps = zp ? zp->getInts() : SmallVector<int64_t>{0};
  IntRange range = getRange(storage, isUnsigned);
  unsigned flags = isUnsigned ? 0 : quant::QuantizationFlags::Signed;
  Type f32 = Float32Type::get(ctx.getContext());
  if (zps.size() == 1)
    return cast<quant::QuantizedType>(quant::UniformQuantizedType::get(
        flags, storage, f32, 1.0, zps[0], range.min, range.max));
  return cast<quant::QuantizedType>(quant::UniformQuantizedPerAxisType::get(
      flags, storage, f32, SmallVector<double>(zps.size(), 1.0), zps,
      normalizeAxis(axis, rank), range.min, range.max));
}

/// The exact i32 result of an *Integer op: scale 1, zero point 0.
quant::QuantizedType getExactI32Type(MLIRContext *context) {
  Type i32 = IntegerType::get(context, 32);
  return quant::UniformQuantizedType::get(
      quant::QuantizationFlags::Signed, i32, Float32Type::get(context), 1.0, 0,
      std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max());
}

/// QLinearMatMul (a, as, azp, b, bs, bzp, ys, yzp) and MatMulInteger
/// (a, b, azp, bzp). `linear` says which input layout.
LogicalResult importQuantizedMatMul(NodeContext &ctx, bool qlinear) {
  int64_t aIdx = 0, bIdx = qlinear ? 3 : 1;
  int64_t azpIdx = qlinear ? 2 : 2, bzpIdx = qlinear ? 5 : 3;
  Value a = ctx.input(aIdx);
  RankedTensorType result = ctx.resultType(0);
  if (!a || !result)
    return failure();
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  MLIRContext *context = ctx.getContext();
  Type f32 = b.getF32Type();
  auto aType = cast<RankedTensorType>(a.getType());
  bool aUnsigned = ctx.isUnsignedInput(aIdx);
  bool bUnsigned = ctx.isUnsignedInput(bIdx);
  Type i32 = b.getI32Type();

  // Static path: constant 2-D weight and constant parameters -> effai.linear
  // on quantized types (for MatMulInteger, scale 1 gives the exact sum).
  const HostTensor *weight = ctx.constantInput(bIdx);
  if (weight && weight->getShape().size() == 2 &&
      weight->getNumElements() > 0) {
    FailureOr<quant::QuantizedType> aq = getOperandQuantType(
        ctx, qlinear, azpIdx - 1, azpIdx, aType.getElementType(), aUnsigned, 0,
        aType.getRank());
    // B's per-column parameters become per-output-channel after transposing.
    FailureOr<quant::QuantizedType> bq =
        getOperandQuantType(ctx, qlinear, bzpIdx - 1, bzpIdx,
                            weight->getElementType(), bUnsigned, 0, 2);
    FailureOr<quant::QuantizedType> yq =
        qlinear ? getStaticQuantType(ctx, 6, 7, result.getElementType(),
                                     ctx.isUnsignedInput(7) || !ctx.hasInput(7),
                                     0, result.getRank())
                : FailureOr<quant::QuantizedType>(
                      getExactI32Type(ctx.getContext()));
    if (succeeded(aq) && succeeded(bq) && succeeded(yq) &&
        isa<quant::UniformQuantizedType>(*aq) &&
        isa<quant::UniformQuantizedType>(*yq)) {
      HostTensor transposed = transposeHost2D(*weight);
      Value codes = ctx.constant(transposed, ctx.node.input(bIdx));
      Value packed =
          packAffineWeight(b, loc, codes, *bq, Float32Type::get(context));
      Value qa = toQuantized(b, loc, a, *aq);
      Value y = LinearOp::create(b, loc, withElementType(result, *yq), qa,
                                 packed, Value());
      ctx.setResult(0, toStorage(b, loc, y));
      return success();
    }
  }

  // Run-time path: exact int32 products, then requantize in f32.
  Value bValue = ctx.input(bIdx);
  if (!bValue)
    return failure();
  auto bType = cast<RankedTensorType>(bValue.getType());
  Value azp = ctx.hasInput(azpIdx) ? ctx.input(azpIdx) : Value();
  Value bzp = ctx.hasInput(bzpIdx) ? ctx.input(bzpIdx) : Value();
  Value aCentered = centered(b, loc, a, aUnsigned, azp,
                             ctx.isUnsignedInput(azpIdx), aType.getRank() - 2);
  Value bCentered = centered(b, loc, bValue, bUnsigned, bzp,
                             ctx.isUnsignedInput(bzpIdx), bType.getRank() - 1);
  Value acc =
      buildMatMul(b, loc, aCentered, bCentered, withElementType(result, i32));
  if (!qlinear) {
    ctx.setResult(0, acc);
    return success();
  }
  Value as = ctx.input(1), bs = ctx.input(4), ys = ctx.input(6);
  if (!as || !bs || !ys)
    return failure();
  // a's and y's parameters are per tensor; b's per tensor or per column.
  auto elements = [](Value v) {
    return cast<RankedTensorType>(v.getType()).getNumElements();
  };
  if (elements(as) != 1 || elements(ys) != 1 ||
      (ctx.hasInput(7) && elements(ctx.input(7)) != 1))
    return ctx.unsupported("QLinearMatMul with a_scale, y_scale or "
                           "y_zero_point of more than one element");
  int64_t columns = result.getDimSize(result.getRank() - 1);
  if (elements(bs) != 1 && elements(bs) != columns)
    return ctx.unsupported("QLinearMatMul b_scale of " + Twine(elements(bs)) +
                           " elements for " + Twine(columns) + " columns");
  bool yzpUnsigned = ctx.isUnsignedInput(7) || !ctx.hasInput(7);
  SmallVector<Value> inputs{
      acc, alongAxis(b, loc, as, 0, 0),
      alongAxis(b, loc, bs, result.getRank() - 1, result.getRank()),
      alongAxis(b, loc, ys, 0, 0)};
  if (ctx.hasInput(7))
    inputs.push_back(alongAxis(b, loc, ctx.input(7), 0, 0));
  ctx.setResult(
      0,
      buildElementwise(
          b, loc, result, inputs,
          [&](OpBuilder &b, Location loc, ValueRange v) {
            Value real = arith::MulFOp::create(
                b, loc,
                arith::MulFOp::create(
                    b, loc, castScalar(b, loc, v[0], f32, false, false), v[1]),
                v[2]);
            Value scaled = arith::DivFOp::create(b, loc, real, v[3]);
            return requantizeScalar(b, loc, scaled,
                                    v.size() > 4 ? v[4] : Value(), yzpUnsigned,
                                    result.getElementType(), yzpUnsigned);
          }));
  return success();
}

/// QLinearConv / ConvInteger whose weight or parameters are run-time
/// tensors: exact int32 convolution of the zero-point-centred operands, then
/// (QLinearConv) bias and float requantization.
LogicalResult importQuantizedConvAtRunTime(NodeContext &ctx, bool qlinear) {
  int64_t wIdx = qlinear ? 3 : 1;
  int64_t xzpIdx = 2, wzpIdx = qlinear ? 5 : 3;
  Value x = ctx.input(0), w = ctx.input(wIdx);
  RankedTensorType result = ctx.resultType(0);
  if (!x || !w || !result)
    return failure();
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  auto xType = cast<RankedTensorType>(x.getType());
  auto wType = cast<RankedTensorType>(w.getType());
  if (wType.getRank() != xType.getRank())
    return ctx.emitError() << "weight of rank " << wType.getRank()
                           << " for an input of rank " << xType.getRank();
  FailureOr<ConvWindow> window = getConvWindow(
      ctx, xType.getShape().drop_front(2), wType.getShape().drop_front(2));
  if (failed(window))
    return failure();
  Value xzp = ctx.hasInput(xzpIdx) ? ctx.input(xzpIdx) : Value();
  Value wzp = ctx.hasInput(wzpIdx) ? ctx.input(wzpIdx) : Value();
  Value xc = centered(b, loc, x, ctx.isUnsignedInput(0), xzp,
                      ctx.isUnsignedInput(xzpIdx), 0);
  Value wc = centered(b, loc, w, ctx.isUnsignedInput(wIdx), wzp,
                      ctx.isUnsignedInput(wzpIdx), 0);
  Type i32 = b.getI32Type();
  Value acc = buildConvGeneric(b, loc, xc, wc, withElementType(result, i32),
                               window->strides, window->pads, window->dilations,
                               window->group);
  if (!qlinear) {
    ctx.setResult(0, acc);
    return success();
  }
  Value xs = ctx.input(1), ws = ctx.input(4), ys = ctx.input(6);
  if (!xs || !ws || !ys)
    return failure();
  // acc, x_scale, w_scale (per output channel), y_scale[, y_zp][, bias].
  SmallVector<Value> inputs{acc, alongAxis(b, loc, xs, 0, 0),
                            alongAxis(b, loc, ws, 1, 4),
                            alongAxis(b, loc, ys, 0, 0)};
  bool hasZp = ctx.hasInput(7), hasBias = ctx.hasInput(8);
  if (hasZp)
    inputs.push_back(alongAxis(b, loc, ctx.input(7), 0, 0));
  if (hasBias)
    inputs.push_back(alongAxis(b, loc, ctx.input(8), 1, 4));
  bool yUnsigned = !hasZp || ctx.isUnsignedInput(7);
  Type f32 = b.getF32Type();
  ctx.setResult(
      0,
      buildElementwise(
          b, loc, result, inputs,
          [&](OpBuilder &b, Location loc, ValueRange v) {
            Value sum = v[0];
            if (hasBias)
              sum = arith::AddIOp::create(b, loc, sum, v.back());
            Value real = arith::MulFOp::create(
                b, loc,
                arith::MulFOp::create(
                    b, loc, castScalar(b, loc, sum, f32, false, false), v[1]),
                v[2]);
            Value scaled = arith::DivFOp::create(b, loc, real, v[3]);
            return requantizeScalar(b, loc, scaled, hasZp ? v[4] : Value(),
                                    yUnsigned, result.getElementType(),
                                    yUnsigned);
          }));
  return success();
}

/// QLinearConv (x, xs, xzp, w, ws, wzp, ys, yzp, B) and ConvInteger
/// (x, w, xzp, wzp): effai.conv2d on quantized types; parameters must be
/// constant.
LogicalResult importQuantizedConv(NodeContext &ctx, bool qlinear) {
  int64_t wIdx = qlinear ? 3 : 1;
  int64_t xzpIdx = 2, wzpIdx = qlinear ? 5 : 3;
  Value x = ctx.input(0);
  RankedTensorType result = ctx.resultType(0);
  const HostTensor *weight = ctx.constantInput(wIdx);
  if (!x || !result)
    return failure();
  auto xType = cast<RankedTensorType>(x.getType());
  if (xType.getRank() != 4)
    return ctx.unsupported("quantized convolution other than 2-D");
  if (!weight || weight->getShape().size() != 4 ||
      weight->getNumElements() == 0)
    return importQuantizedConvAtRunTime(ctx, qlinear);
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  Type f32 = b.getF32Type();
  Type i32 = b.getI32Type();
  FailureOr<quant::QuantizedType> xq =
      getOperandQuantType(ctx, qlinear, 1, xzpIdx, xType.getElementType(),
                          ctx.isUnsignedInput(0), 0, 4);
  FailureOr<quant::QuantizedType> wq =
      getOperandQuantType(ctx, qlinear, 4, wzpIdx, weight->getElementType(),
                          ctx.isUnsignedInput(wIdx), 0, 4);
  if (failed(xq) || failed(wq) || !isa<quant::UniformQuantizedType>(*xq))
    return importQuantizedConvAtRunTime(ctx, qlinear);
  FailureOr<quant::QuantizedType> yq;
  if (qlinear) {
    bool yUnsigned = ctx.isUnsignedInput(7) || !ctx.hasInput(7);
    yq =
        getStaticQuantType(ctx, 6, 7, result.getElementType(), yUnsigned, 1, 4);
    if (failed(yq) || !isa<quant::UniformQuantizedType>(*yq))
      return importQuantizedConvAtRunTime(ctx, qlinear);
  } else {
    yq = getExactI32Type(ctx.getContext());
  }
  FailureOr<ConvWindow> window = getConvWindow(
      ctx, xType.getShape().drop_front(2), weight->getShape().drop_front(2));
  if (failed(window))
    return failure();
  Value codes = ctx.constant(*weight, ctx.node.input(wIdx));
  Value packed =
      packAffineWeight(b, loc, codes, *wq, Float32Type::get(b.getContext()));
  Value bias;
  if (qlinear && ctx.hasInput(8)) {
    // The int32 bias has scale x_scale * w_scale (per output channel).
    Value biasCodes = ctx.input(8);
    if (!biasCodes)
      return failure();
    double xs = cast<quant::UniformQuantizedType>(*xq).getScale();
    quant::QuantizedType biasType;
    IntRange range = getRange(i32, false);
    if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(*wq)) {
      SmallVector<double> scales;
      for (double s : perAxis.getScales())
        scales.push_back(s * xs);
      biasType = quant::UniformQuantizedPerAxisType::get(
          quant::QuantizationFlags::Signed, i32, f32, scales,
          SmallVector<int64_t>(scales.size(), 0), 0, range.min, range.max);
    } else {
      biasType = quant::UniformQuantizedType::get(
          quant::QuantizationFlags::Signed, i32, f32,
          cast<quant::UniformQuantizedType>(*wq).getScale() * xs, 0, range.min,
          range.max);
    }
    bias = toQuantized(b, loc, biasCodes, biasType);
  }
  Value qx = toQuantized(b, loc, x, *xq);
  Value y = buildConv(b, loc, withElementType(result, *yq), qx, packed, bias,
                      *window);
  ctx.setResult(0, toStorage(b, loc, y));
  return success();
}
} // namespace

void mlir::effai::onnx_import::registerQuantizationHandlers(
    OpHandlerRegistry &r) {
  r.add("QuantizeLinear", importQuantizeLinear, 10);
  r.add("DequantizeLinear", importDequantizeLinear, 10);
  r.add("DynamicQuantizeLinear", importDynamicQuantizeLinear, 11);
  r.add(
      "QLinearMatMul",
      [](NodeContext &ctx) { return importQuantizedMatMul(ctx, true); }, 10);
  r.add(
      "MatMulInteger",
      [](NodeContext &ctx) { return importQuantizedMatMul(ctx, false); }, 10);
  r.add(
      "QLinearConv",
      [](NodeContext &ctx) { return importQuantizedConv(ctx, true); }, 10);
  r.add(
      "ConvInteger",
      [](NodeContext &ctx) { return importQuantizedConv(ctx, false); }, 10);
}
