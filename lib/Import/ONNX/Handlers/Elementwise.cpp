//===- Elementwise.cpp - arithmetic, logic, math and Cast -------*- C++ -*-===//
//
// Broadcasting elementwise ONNX ops become one linalg.generic each; the scalar
// body picks float or (signed/unsigned) integer arithmetic.
//
//===----------------------------------------------------------------------===//

#include "HandlerUtils.h"

using namespace mlir;
using namespace mlir::effai;
using namespace mlir::effai::onnx_import;

namespace {
/// Float op F, signed-int op S, unsigned-int op U for a binary arithmetic op.
template <typename F, typename S, typename U = S>
Value arithBinary(OpBuilder &b, Location loc, Value lhs, Value rhs,
                  ScalarKind kind) {
  if (kind.isFloat())
    return F::create(b, loc, lhs, rhs);
  if (kind.isUnsigned)
    return U::create(b, loc, lhs, rhs);
  return S::create(b, loc, lhs, rhs);
}

template <typename F, typename S, typename U = S> KindedScalarFn foldInputs() {
  return [](OpBuilder &b, Location loc, ValueRange args, ScalarKind kind) {
    Value acc = args[0];
    for (Value arg : args.drop_front())
      acc = arithBinary<F, S, U>(b, loc, acc, arg, kind);
    return acc;
  };
}

template <arith::CmpFPredicate F, arith::CmpIPredicate S,
          arith::CmpIPredicate U>
KindedScalarFn compare() {
  return [](OpBuilder &b, Location loc, ValueRange args,
            ScalarKind kind) -> Value {
    if (kind.isFloat())
      return arith::CmpFOp::create(b, loc, F, args[0], args[1]);
    return arith::CmpIOp::create(b, loc, kind.isUnsigned ? U : S, args[0],
                                 args[1]);
  };
}

template <typename MathOp> KindedScalarFn unaryFloat() {
  return [](OpBuilder &b, Location loc, ValueRange args, ScalarKind) {
    return MathOp::create(b, loc, args[0]).getResult();
  };
}

/// Python-style modulo for integers (result has the divisor's sign) or C
/// fmod (the dividend's sign), as ONNX Mod's `fmod` attribute selects.
Value importModScalar(OpBuilder &b, Location loc, Value lhs, Value rhs,
                      ScalarKind kind, bool fmod) {
  if (kind.isFloat())
    return arith::RemFOp::create(b, loc, lhs, rhs);
  if (kind.isUnsigned)
    return arith::RemUIOp::create(b, loc, lhs, rhs);
  Value rem = arith::RemSIOp::create(b, loc, lhs, rhs);
  if (fmod)
    return rem;
  Value zero = buildScalar(b, loc, kind.type, 0);
  Value remNegative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, rem, zero);
  Value rhsNegative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, rhs, zero);
  Value remNonZero =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, rem, zero);
  Value signsDiffer = arith::XOrIOp::create(b, loc, remNegative, rhsNegative);
  Value adjust = arith::AndIOp::create(b, loc, remNonZero, signsDiffer);
  Value adjusted = arith::AddIOp::create(b, loc, rem, rhs);
  return arith::SelectOp::create(b, loc, adjust, adjusted, rem);
}

LogicalResult importMod(NodeContext &ctx) {
  bool fmod = ctx.attrInt("fmod", 0) != 0;
  if (!fmod && isa<FloatType>(ctx.inputElementType(0)))
    return ctx.unsupported("Mod with fmod = 0 on floats (ONNX requires "
                           "fmod = 1 for floating point)");
  return importElementwise(ctx, [fmod](OpBuilder &b, Location loc,
                                       ValueRange args, ScalarKind kind) {
    return importModScalar(b, loc, args[0], args[1], kind, fmod);
  });
}

LogicalResult importPow(NodeContext &ctx) {
  Type exponentType = ctx.inputElementType(1);
  bool exponentUnsigned = ctx.isUnsignedInput(1);
  return importElementwise(
      ctx,
      [=](OpBuilder &b, Location loc, ValueRange args,
          ScalarKind kind) -> Value {
        if (kind.isFloat()) {
          Value exponent =
              castScalar(b, loc, args[1], kind.type, exponentUnsigned, false);
          return math::PowFOp::create(b, loc, args[0], exponent);
        }
        if (isa<FloatType>(exponentType)) {
          // Integer base, float exponent: compute in the exponent's type.
          Value base =
              castScalar(b, loc, args[0], exponentType, kind.isUnsigned, false);
          Value result = math::PowFOp::create(b, loc, base, args[1]);
          return castScalar(b, loc, result, kind.type, false, kind.isUnsigned);
        }
        Value exponent = castScalar(b, loc, args[1], kind.type,
                                    exponentUnsigned, kind.isUnsigned);
        return math::IPowIOp::create(b, loc, args[0], exponent);
      });
}

LogicalResult importMean(NodeContext &ctx) {
  int64_t count = 0;
  for (int64_t i = 0; i < ctx.getNumInputs(); ++i)
    count += ctx.hasInput(i);
  return importElementwise(ctx, [count](OpBuilder &b, Location loc,
                                        ValueRange args, ScalarKind kind) {
    Value sum = args[0];
    for (Value arg : args.drop_front())
      sum = arith::AddFOp::create(b, loc, sum, arg);
    return arith::DivFOp::create(b, loc, sum,
                                 buildScalar(b, loc, kind.type, count))
        .getResult();
  });
}

LogicalResult importBitShift(NodeContext &ctx) {
  std::string direction = ctx.attrString("direction", "");
  if (direction != "LEFT" && direction != "RIGHT") {
    ctx.emitError() << "attribute 'direction' must be LEFT or RIGHT, got '"
                    << direction << "'";
    return failure();
  }
  bool left = direction == "LEFT";
  return importElementwise(
      ctx,
      [left](OpBuilder &b, Location loc, ValueRange args, ScalarKind) -> Value {
        // Shifting by the bit width or more gives 0, not poison.
        Type type = args[0].getType();
        Value width = buildScalar(b, loc, type, type.getIntOrFloatBitWidth());
        Value inRange = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                              args[1], width);
        Value shifted =
            left ? arith::ShLIOp::create(b, loc, args[0], args[1]).getResult()
                 : arith::ShRUIOp::create(b, loc, args[0], args[1]).getResult();
        return arith::SelectOp::create(b, loc, inRange, shifted,
                                       buildScalar(b, loc, type, 0));
      });
}

LogicalResult importCastTo(NodeContext &ctx, Type to, bool toUnsigned) {
  return importElementwise(
      ctx, [=](OpBuilder &b, Location loc, ValueRange args, ScalarKind kind) {
        return castScalar(b, loc, args[0], to, kind.isUnsigned, toUnsigned);
      });
}

LogicalResult importCast(NodeContext &ctx) {
  int64_t to = ctx.attrInt("to", 0);
  Type type = getElementType(ctx.getContext(), to);
  if (!type)
    return ctx.unsupported("Cast to " + getOnnxTypeName(to));
  return importCastTo(ctx, type, isUnsignedOnnxType(to));
}

LogicalResult importCastLike(NodeContext &ctx) {
  RankedTensorType result = ctx.resultType(0);
  if (!result)
    return failure();
  // Only input 0 is data; input 1 only gives the type.
  Value input = ctx.input(0);
  if (!input)
    return failure();
  bool fromUnsigned = ctx.isUnsignedInput(0);
  bool toUnsigned = ctx.isUnsignedInput(1);
  ctx.setResult(
      0, buildElementwise(ctx.b, ctx.loc, result, input,
                          [&](OpBuilder &b, Location loc, ValueRange args) {
                            return castScalar(b, loc, args[0],
                                              result.getElementType(),
                                              fromUnsigned, toUnsigned);
                          }));
  return success();
}

Value importSign(OpBuilder &b, Location loc, ValueRange args, ScalarKind kind) {
  Value x = args[0];
  Value zero = buildScalar(b, loc, kind.type, 0);
  Value one = buildScalar(b, loc, kind.type, 1);
  if (kind.isUnsigned) {
    Value nonZero =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x, zero);
    return arith::SelectOp::create(b, loc, nonZero, one, zero);
  }
  Value minusOne = buildScalar(b, loc, kind.type, -1);
  Value positive, negative;
  if (kind.isFloat()) {
    positive =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, zero);
    negative =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, zero);
  } else {
    positive =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, x, zero);
    negative =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, zero);
  }
  Value nonPositive = arith::SelectOp::create(b, loc, negative, minusOne, zero);
  return arith::SelectOp::create(b, loc, positive, one, nonPositive);
}

LogicalResult importIsInf(NodeContext &ctx) {
  bool negative = ctx.attrInt("detect_negative", 1) != 0;
  bool positive = ctx.attrInt("detect_positive", 1) != 0;
  return importElementwise(ctx, [=](OpBuilder &b, Location loc, ValueRange args,
                                    ScalarKind kind) {
    Value x = args[0];
    double inf = std::numeric_limits<double>::infinity();
    Value isPos = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, x,
                                        buildScalar(b, loc, kind.type, inf));
    Value isNeg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, x,
                                        buildScalar(b, loc, kind.type, -inf));
    Value falseValue = buildScalar(b, loc, b.getI1Type(), 0);
    Value result = positive ? isPos : falseValue;
    return negative ? arith::OrIOp::create(b, loc, result, isNeg).getResult()
                    : result;
  });
}
} // namespace

void mlir::effai::onnx_import::registerElementwiseHandlers(
    OpHandlerRegistry &r) {
  addElementwise(r, "Add", foldInputs<arith::AddFOp, arith::AddIOp>());
  addElementwise(r, "Sum", foldInputs<arith::AddFOp, arith::AddIOp>());
  addElementwise(r, "Sub", foldInputs<arith::SubFOp, arith::SubIOp>());
  addElementwise(r, "Mul", foldInputs<arith::MulFOp, arith::MulIOp>());
  addElementwise(r, "Div",
                 foldInputs<arith::DivFOp, arith::DivSIOp, arith::DivUIOp>());
  addElementwise(
      r, "Max",
      foldInputs<arith::MaximumFOp, arith::MaxSIOp, arith::MaxUIOp>());
  addElementwise(
      r, "Min",
      foldInputs<arith::MinimumFOp, arith::MinSIOp, arith::MinUIOp>());
  r.add("Mean", importMean);
  r.add("Mod", importMod);
  r.add("Pow", importPow);
  r.add("BitShift", importBitShift);

  addElementwise(r, "Equal",
                 compare<arith::CmpFPredicate::OEQ, arith::CmpIPredicate::eq,
                         arith::CmpIPredicate::eq>());
  addElementwise(r, "Less",
                 compare<arith::CmpFPredicate::OLT, arith::CmpIPredicate::slt,
                         arith::CmpIPredicate::ult>());
  addElementwise(r, "LessOrEqual",
                 compare<arith::CmpFPredicate::OLE, arith::CmpIPredicate::sle,
                         arith::CmpIPredicate::ule>());
  addElementwise(r, "Greater",
                 compare<arith::CmpFPredicate::OGT, arith::CmpIPredicate::sgt,
                         arith::CmpIPredicate::ugt>());
  addElementwise(r, "GreaterOrEqual",
                 compare<arith::CmpFPredicate::OGE, arith::CmpIPredicate::sge,
                         arith::CmpIPredicate::uge>());
  addElementwise(r, "And", foldInputs<arith::AndIOp, arith::AndIOp>());
  addElementwise(r, "Or", foldInputs<arith::OrIOp, arith::OrIOp>());
  addElementwise(r, "Xor", foldInputs<arith::XOrIOp, arith::XOrIOp>());
  addElementwise(
      r, "Not",
      [](OpBuilder &b, Location loc, ValueRange args, ScalarKind kind) {
        return arith::XOrIOp::create(b, loc, args[0],
                                     buildScalar(b, loc, kind.type, 1))
            .getResult();
      });
  addElementwise(
      r, "Where", [](OpBuilder &b, Location loc, ValueRange args, ScalarKind) {
        return arith::SelectOp::create(b, loc, args[0], args[1], args[2])
            .getResult();
      });

  addElementwise(r, "Neg",
                 [](OpBuilder &b, Location loc, ValueRange args,
                    ScalarKind kind) -> Value {
                   if (kind.isFloat())
                     return arith::NegFOp::create(b, loc, args[0]);
                   return arith::SubIOp::create(
                       b, loc, buildScalar(b, loc, kind.type, 0), args[0]);
                 });
  addElementwise(r, "Abs",
                 [](OpBuilder &b, Location loc, ValueRange args,
                    ScalarKind kind) -> Value {
                   if (kind.isFloat())
                     return math::AbsFOp::create(b, loc, args[0]);
                   if (kind.isUnsigned)
                     return args[0];
                   return math::AbsIOp::create(b, loc, args[0]);
                 });
  addElementwise(
      r, "Reciprocal",
      [](OpBuilder &b, Location loc, ValueRange args, ScalarKind kind) {
        return arith::DivFOp::create(
                   b, loc, buildScalar(b, loc, kind.type, 1.0), args[0])
            .getResult();
      });
  addElementwise(r, "Sign", importSign);
  addElementwise(
      r, "IsNaN", [](OpBuilder &b, Location loc, ValueRange args, ScalarKind) {
        return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, args[0],
                                     args[0])
            .getResult();
      });
  r.add("IsInf", importIsInf);
  addElementwise(r, "Sqrt", unaryFloat<math::SqrtOp>());
  addElementwise(r, "Exp", unaryFloat<math::ExpOp>());
  addElementwise(r, "Log", unaryFloat<math::LogOp>());
  addElementwise(r, "Erf", unaryFloat<math::ErfOp>());
  addElementwise(r, "Ceil", unaryFloat<math::CeilOp>());
  addElementwise(r, "Floor", unaryFloat<math::FloorOp>());
  addElementwise(r, "Round", unaryFloat<math::RoundEvenOp>());
  addElementwise(r, "Sin", unaryFloat<math::SinOp>());
  addElementwise(r, "Cos", unaryFloat<math::CosOp>());
  addElementwise(r, "Tan", unaryFloat<math::TanOp>());
  addElementwise(r, "Asin", unaryFloat<math::AsinOp>());
  addElementwise(r, "Acos", unaryFloat<math::AcosOp>());
  addElementwise(r, "Atan", unaryFloat<math::AtanOp>());
  addElementwise(r, "Sinh", unaryFloat<math::SinhOp>());
  addElementwise(r, "Cosh", unaryFloat<math::CoshOp>());
  addElementwise(r, "Asinh", unaryFloat<math::AsinhOp>());
  addElementwise(r, "Acosh", unaryFloat<math::AcoshOp>());
  addElementwise(r, "Atanh", unaryFloat<math::AtanhOp>());
  addElementwise(r, "Tanh", unaryFloat<math::TanhOp>());
  r.add("Cast", importCast);
  r.add("CastLike", importCastLike);
}
