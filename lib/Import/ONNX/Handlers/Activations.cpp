//===- Activations.cpp - activation functions and softmax -------*- C++ -*-===//
//
// Pointwise activations (with their ONNX attribute defaults) and the
// softmax family, which normalizes over axes with two reductions.
//
//===----------------------------------------------------------------------===//

#include "HandlerUtils.h"

#include <limits>

using namespace mlir;
using namespace mlir::effai;
using namespace mlir::effai::onnx_import;

namespace {
Value constant(OpBuilder &b, Location loc, Value like, double value) {
  return buildScalar(b, loc, like.getType(), value);
}

Value lessThanZero(OpBuilder &b, Location loc, Value x) {
  return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x,
                               constant(b, loc, x, 0.0));
}

/// min(max(x, lo), hi) with NaN passing through.
Value clamp(OpBuilder &b, Location loc, Value x, Value lo, Value hi,
            ScalarKind kind) {
  if (kind.isFloat())
    return arith::MinimumFOp::create(
        b, loc, arith::MaximumFOp::create(b, loc, x, lo), hi);
  if (kind.isUnsigned)
    return arith::MinUIOp::create(b, loc, arith::MaxUIOp::create(b, loc, x, lo),
                                  hi);
  return arith::MinSIOp::create(b, loc, arith::MaxSIOp::create(b, loc, x, lo),
                                hi);
}

/// exp(x) - 1
Value expm1(OpBuilder &b, Location loc, Value x) {
  return arith::SubFOp::create(b, loc, math::ExpOp::create(b, loc, x),
                               constant(b, loc, x, 1.0));
}

LogicalResult importClip(NodeContext &ctx) {
  Type type = ctx.inputElementType(0);
  bool isUnsigned = ctx.isUnsignedInput(0);
  double lowest, highest;
  if (isa<FloatType>(type)) {
    lowest = -std::numeric_limits<double>::infinity();
    highest = std::numeric_limits<double>::infinity();
  } else {
    unsigned width = type.getIntOrFloatBitWidth();
    lowest = isUnsigned ? 0 : -std::ldexp(1.0, width - 1);
    highest = isUnsigned ? std::ldexp(1.0, width) - 1
                         : std::ldexp(1.0, width - 1) - 1;
  }
  if (ctx.opset < 11) {
    double lo = ctx.attrFloat("min", -std::numeric_limits<float>::max());
    double hi = ctx.attrFloat("max", std::numeric_limits<float>::max());
    return importElementwise(
        ctx, [=](OpBuilder &b, Location loc, ValueRange args, ScalarKind kind) {
          return clamp(b, loc, args[0], constant(b, loc, args[0], lo),
                       constant(b, loc, args[0], hi), kind);
        });
  }
  // Opset 11+: optional scalar inputs min (1) and max (2).
  bool hasMin = ctx.hasInput(1), hasMax = ctx.hasInput(2);
  return importElementwise(
      ctx, [=](OpBuilder &b, Location loc, ValueRange args, ScalarKind kind) {
        Value lo = hasMin ? args[1] : constant(b, loc, args[0], lowest);
        Value hi =
            hasMax ? args[hasMin ? 2 : 1] : constant(b, loc, args[0], highest);
        return clamp(b, loc, args[0], lo, hi, kind);
      });
}

LogicalResult importLeakyRelu(NodeContext &ctx) {
  double alpha = ctx.attrFloat("alpha", 0.01f);
  return importElementwise(ctx, [=](OpBuilder &b, Location loc, ValueRange args,
                                    ScalarKind) {
    Value x = args[0];
    Value scaled = arith::MulFOp::create(b, loc, x, constant(b, loc, x, alpha));
    return arith::SelectOp::create(b, loc, lessThanZero(b, loc, x), scaled, x)
        .getResult();
  });
}

LogicalResult importHardSigmoid(NodeContext &ctx) {
  double alpha = ctx.attrFloat("alpha", 0.2f);
  double beta = ctx.attrFloat("beta", 0.5f);
  return importElementwise(ctx, [=](OpBuilder &b, Location loc, ValueRange args,
                                    ScalarKind kind) {
    Value x = args[0];
    Value linear = arith::AddFOp::create(
        b, loc, arith::MulFOp::create(b, loc, x, constant(b, loc, x, alpha)),
        constant(b, loc, x, beta));
    return clamp(b, loc, linear, constant(b, loc, x, 0.0),
                 constant(b, loc, x, 1.0), kind);
  });
}

LogicalResult importElu(NodeContext &ctx) {
  double alpha = ctx.attrFloat("alpha", 1.0f);
  return importElementwise(ctx, [=](OpBuilder &b, Location loc, ValueRange args,
                                    ScalarKind) {
    Value x = args[0];
    Value negative = arith::MulFOp::create(b, loc, constant(b, loc, x, alpha),
                                           expm1(b, loc, x));
    return arith::SelectOp::create(b, loc, lessThanZero(b, loc, x), negative, x)
        .getResult();
  });
}

LogicalResult importSelu(NodeContext &ctx) {
  double alpha = ctx.attrFloat("alpha", 1.67326319217681884765625f);
  double gamma = ctx.attrFloat("gamma", 1.05070102214813232421875f);
  return importElementwise(ctx, [=](OpBuilder &b, Location loc, ValueRange args,
                                    ScalarKind) {
    Value x = args[0];
    Value negative = arith::MulFOp::create(b, loc, constant(b, loc, x, alpha),
                                           expm1(b, loc, x));
    Value nonPositive = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLE,
                                              x, constant(b, loc, x, 0.0));
    Value inner = arith::SelectOp::create(b, loc, nonPositive, negative, x);
    return arith::MulFOp::create(b, loc, constant(b, loc, x, gamma), inner)
        .getResult();
  });
}

LogicalResult importCelu(NodeContext &ctx) {
  double alpha = ctx.attrFloat("alpha", 1.0f);
  return importElementwise(
      ctx, [=](OpBuilder &b, Location loc, ValueRange args, ScalarKind) {
        Value x = args[0];
        Value zero = constant(b, loc, x, 0.0);
        Value a = constant(b, loc, x, alpha);
        Value negative = arith::MulFOp::create(
            b, loc, a, expm1(b, loc, arith::DivFOp::create(b, loc, x, a)));
        return arith::AddFOp::create(
                   b, loc, arith::MaximumFOp::create(b, loc, x, zero),
                   arith::MinimumFOp::create(b, loc, negative, zero))
            .getResult();
      });
}

LogicalResult importThresholdedRelu(NodeContext &ctx) {
  double alpha = ctx.attrFloat("alpha", 1.0f);
  return importElementwise(ctx, [=](OpBuilder &b, Location loc, ValueRange args,
                                    ScalarKind) {
    Value x = args[0];
    Value above = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x,
                                        constant(b, loc, x, alpha));
    return arith::SelectOp::create(b, loc, above, x, constant(b, loc, x, 0.0))
        .getResult();
  });
}

LogicalResult importShrink(NodeContext &ctx) {
  double bias = ctx.attrFloat("bias", 0.0f);
  double lambd = ctx.attrFloat("lambd", 0.5f);
  return importElementwise(ctx, [=](OpBuilder &b, Location loc, ValueRange args,
                                    ScalarKind kind) {
    Value x = args[0];
    Value xf = castScalar(b, loc, x, b.getF64Type(), kind.isUnsigned, false);
    Value below =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, xf,
                              buildScalar(b, loc, b.getF64Type(), -lambd));
    Value above =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, xf,
                              buildScalar(b, loc, b.getF64Type(), lambd));
    Value biasValue = buildScalar(b, loc, b.getF64Type(), bias);
    Value plus = arith::AddFOp::create(b, loc, xf, biasValue);
    Value minus = arith::SubFOp::create(b, loc, xf, biasValue);
    Value result = arith::SelectOp::create(
        b, loc, below, plus,
        arith::SelectOp::create(b, loc, above, minus,
                                buildScalar(b, loc, b.getF64Type(), 0.0)));
    return castScalar(b, loc, result, kind.type, false, kind.isUnsigned);
  });
}

/// Softmax / LogSoftmax over `axes`: x - max, exp, sum, normalize.
LogicalResult importSoftmaxFamily(NodeContext &ctx, bool log) {
  Value input = ctx.input(0);
  RankedTensorType type = ctx.resultType(0);
  if (!input || !type)
    return failure();
  int64_t rank = type.getRank();
  FailureOr<int64_t> axisOr =
      ctx.attrAxis("axis", ctx.opset < 13 ? 1 : -1, rank);
  if (failed(axisOr))
    return failure();
  int64_t axis = *axisOr;
  // Before opset 13 the input is coerced to 2-D at `axis`: normalize over all
  // trailing dimensions together.
  SmallVector<int64_t> axes{axis};
  if (ctx.opset < 13)
    axes = llvm::to_vector(llvm::seq<int64_t>(axis, rank));
  SmallVector<int64_t> keptShape(type.getShape());
  for (int64_t a : axes)
    keptShape[a] = 1;
  auto keptType = RankedTensorType::get(keptShape, type.getElementType());
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  Type elt = type.getElementType();

  Value max = buildReduction(
      b, loc, input, axes,
      getScalarAttr(elt, -std::numeric_limits<double>::infinity()),
      [](OpBuilder &b, Location loc, Value acc, Value x) {
        return arith::MaximumFOp::create(b, loc, acc, x).getResult();
      });
  max = buildReshape(b, loc, max, keptType);
  Value shifted = buildElementwise(
      b, loc, type, {input, max}, [](OpBuilder &b, Location loc, ValueRange a) {
        return arith::SubFOp::create(b, loc, a[0], a[1]).getResult();
      });
  Value exps = buildElementwise(
      b, loc, type, shifted, [](OpBuilder &b, Location loc, ValueRange a) {
        return math::ExpOp::create(b, loc, a[0]).getResult();
      });
  Value sum =
      buildReduction(b, loc, exps, axes, getScalarAttr(elt, 0.0),
                     [](OpBuilder &b, Location loc, Value acc, Value x) {
                       return arith::AddFOp::create(b, loc, acc, x).getResult();
                     });
  sum = buildReshape(b, loc, sum, keptType);
  Value result;
  if (log)
    result = buildElementwise(b, loc, type, {shifted, sum},
                              [](OpBuilder &b, Location loc, ValueRange a) {
                                return arith::SubFOp::create(
                                           b, loc, a[0],
                                           math::LogOp::create(b, loc, a[1]))
                                    .getResult();
                              });
  else
    result = buildElementwise(
        b, loc, type, {exps, sum},
        [](OpBuilder &b, Location loc, ValueRange a) {
          return arith::DivFOp::create(b, loc, a[0], a[1]).getResult();
        });
  ctx.setResult(0, result);
  return success();
}
} // namespace

void mlir::effai::onnx_import::registerActivationHandlers(
    OpHandlerRegistry &r) {
  addElementwise(r, "Relu",
                 [](OpBuilder &b, Location loc, ValueRange args,
                    ScalarKind kind) -> Value {
                   Value zero = buildScalar(b, loc, kind.type, 0);
                   if (kind.isFloat())
                     return arith::MaximumFOp::create(b, loc, args[0], zero);
                   return arith::MaxSIOp::create(b, loc, args[0], zero);
                 });
  addElementwise(
      r, "Sigmoid",
      [](OpBuilder &b, Location loc, ValueRange args, ScalarKind) {
        Value x = args[0];
        Value one = constant(b, loc, x, 1.0);
        Value denom = arith::AddFOp::create(
            b, loc, one,
            math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x)));
        return arith::DivFOp::create(b, loc, one, denom).getResult();
      });
  addElementwise(
      r, "HardSwish",
      [](OpBuilder &b, Location loc, ValueRange args, ScalarKind kind) {
        Value x = args[0];
        Value gate = arith::AddFOp::create(
            b, loc, arith::DivFOp::create(b, loc, x, constant(b, loc, x, 6.0)),
            constant(b, loc, x, 0.5));
        gate = clamp(b, loc, gate, constant(b, loc, x, 0.0),
                     constant(b, loc, x, 1.0), kind);
        return arith::MulFOp::create(b, loc, x, gate).getResult();
      });
  addElementwise(r, "Softplus",
                 [](OpBuilder &b, Location loc, ValueRange args, ScalarKind) {
                   Value x = args[0];
                   return math::Log1pOp::create(b, loc,
                                                math::ExpOp::create(b, loc, x))
                       .getResult();
                 });
  addElementwise(r, "Softsign",
                 [](OpBuilder &b, Location loc, ValueRange args, ScalarKind) {
                   Value x = args[0];
                   Value denom =
                       arith::AddFOp::create(b, loc, constant(b, loc, x, 1.0),
                                             math::AbsFOp::create(b, loc, x));
                   return arith::DivFOp::create(b, loc, x, denom).getResult();
                 });
  addElementwise(r, "PRelu",
                 [](OpBuilder &b, Location loc, ValueRange args, ScalarKind) {
                   Value x = args[0];
                   Value scaled = arith::MulFOp::create(b, loc, x, args[1]);
                   return arith::SelectOp::create(
                              b, loc, lessThanZero(b, loc, x), scaled, x)
                       .getResult();
                 });
  r.add("Clip", importClip);
  r.add("LeakyRelu", importLeakyRelu);
  r.add("HardSigmoid", importHardSigmoid);
  r.add("Elu", importElu);
  r.add("Selu", importSelu);
  r.add("Celu", importCelu);
  r.add("ThresholdedRelu", importThresholdedRelu);
  r.add("Shrink", importShrink);
  r.add("Softmax", [](NodeContext &ctx) {
    return importSoftmaxFamily(ctx, /*log=*/false);
  });
  r.add("LogSoftmax", [](NodeContext &ctx) {
    return importSoftmaxFamily(ctx, /*log=*/true);
  });
}
