//===- Generators.cpp - tensors computed from their indices -----*- C++ -*-===//
//
// Trilu (causal masks), Range (positions) and EyeLike: one generic each
// whose body reads linalg.index, so masks need no stored constant.
//
//===----------------------------------------------------------------------===//

#include "HandlerUtils.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::effai;
using namespace mlir::effai::onnx_import;

namespace {
/// Index `d` of the current element as an i64.
Value indexAsI64(OpBuilder &b, Location loc, int64_t d) {
  return arith::IndexCastOp::create(b, loc, b.getI64Type(),
                                    linalg::IndexOp::create(b, loc, d));
}

/// The one element of scalar input `i` (rank 0, or one element), read at
/// run time unless it is a constant; `what` names it in errors.
Value scalarInput(NodeContext &ctx, int64_t i, StringRef what) {
  RankedTensorType type = ctx.inputType(i);
  if (type && type.getNumElements() != 1) {
    ctx.emitError() << what << " must hold one value, not "
                    << type.getNumElements();
    return {};
  }
  if (const HostTensor *constant = ctx.constantInput(i)) {
    Type element = constant->getElementType();
    if (isa<FloatType>(element))
      return buildScalar(ctx.b, ctx.loc, element, constant->getDouble(0));
    return arith::ConstantIntOp::create(ctx.b, ctx.loc, element,
                                        constant->getInt(0));
  }
  Value input = ctx.input(i);
  if (!input)
    return {};
  SmallVector<Value> zeros(type.getRank(),
                           arith::ConstantIndexOp::create(ctx.b, ctx.loc, 0));
  return tensor::ExtractOp::create(ctx.b, ctx.loc, input, zeros);
}

/// Whether the element at (row, column) lies on the kept side of diagonal
/// `k` (an i64): column - row >= k for an upper triangle, <= k for a lower
/// one.
Value onKeptSide(OpBuilder &b, Location loc, int64_t rank, Value diagonal,
                 bool upper) {
  Value row = indexAsI64(b, loc, rank - 2);
  Value column = indexAsI64(b, loc, rank - 1);
  Value offset = arith::SubIOp::create(b, loc, column, row);
  return arith::CmpIOp::create(
      b, loc, upper ? arith::CmpIPredicate::sge : arith::CmpIPredicate::sle,
      offset, diagonal);
}

/// Trilu keeps the upper (upper=1) or lower triangle of the last two dims
/// relative to diagonal k and zeroes the rest.
LogicalResult importTrilu(NodeContext &ctx) {
  Value input;
  RankedTensorType type, result;
  if (failed(ctx.getUnaryOperands(input, type, result)))
    return failure();
  if (type.getRank() < 2) {
    ctx.emitError() << "the input has rank " << type.getRank()
                    << "; Trilu needs at least 2";
    return failure();
  }
  // k, an int64 scalar, defaults to the main diagonal.
  Value k = ctx.hasInput(1)
                ? scalarInput(ctx, 1, "k")
                : arith::ConstantIntOp::create(ctx.b, ctx.loc, 0, 64);
  if (!k)
    return failure();
  bool upper = ctx.attrInt("upper", 1) != 0;
  int64_t rank = type.getRank();
  ctx.setResult(
      0, buildElementwise(ctx.b, ctx.loc, result, {input},
                          [&](OpBuilder &b, Location loc, ValueRange args) {
                            Value keep = onKeptSide(b, loc, rank, k, upper);
                            Value zero =
                                buildScalar(b, loc, type.getElementType(), 0);
                            return arith::SelectOp::create(b, loc, keep,
                                                           args[0], zero)
                                .getResult();
                          }));
  return success(!ctx.hadError());
}

/// start + i * delta for i in [0, result size): the inferred result type
/// already counts the elements, so start and delta are all that is read.
LogicalResult importRange(NodeContext &ctx) {
  RankedTensorType result = ctx.resultType(0);
  if (!result)
    return failure();
  const HostTensor *start = ctx.constantInput(0);
  const HostTensor *delta = ctx.constantInput(2);
  if (!start || !delta)
    return ctx.unsupported("start or delta computed at run time; they must "
                           "be constants");
  Type element = result.getElementType();
  bool isFloat = isa<FloatType>(element);
  double first = start->getDouble(0), step = delta->getDouble(0);
  ctx.setResult(
      0, buildElementwise(
             ctx.b, ctx.loc, result, {},
             [&](OpBuilder &b, Location loc, ValueRange) -> Value {
               Value i = indexAsI64(b, loc, 0);
               if (isFloat) {
                 Value fi = arith::SIToFPOp::create(b, loc, element, i);
                 return arith::AddFOp::create(
                     b, loc, buildScalar(b, loc, element, first),
                     arith::MulFOp::create(b, loc, fi,
                                           buildScalar(b, loc, element, step)));
               }
               Value wide = arith::AddIOp::create(
                   b, loc,
                   arith::ConstantIntOp::create(b, loc, start->getInt(0), 64),
                   arith::MulIOp::create(b, loc, i,
                                         arith::ConstantIntOp::create(
                                             b, loc, delta->getInt(0), 64)));
               if (element.isInteger(64))
                 return wide;
               return arith::TruncIOp::create(b, loc, element, wide);
             }));
  return success();
}

/// Ones on diagonal k of a 2-D tensor shaped like the input, zeros elsewhere.
LogicalResult importEyeLike(NodeContext &ctx) {
  RankedTensorType result = ctx.resultType(0);
  if (!result)
    return failure();
  if (result.getRank() != 2) {
    ctx.emitError() << "the input has rank " << result.getRank()
                    << "; EyeLike needs 2";
    return failure();
  }
  int64_t k = ctx.attrInt("k", 0);
  Type element = result.getElementType();
  ctx.setResult(
      0, buildElementwise(
             ctx.b, ctx.loc, result, {},
             [&](OpBuilder &b, Location loc, ValueRange) {
               Value row = indexAsI64(b, loc, 0);
               Value column = indexAsI64(b, loc, 1);
               Value offset = arith::SubIOp::create(b, loc, column, row);
               Value onDiagonal = arith::CmpIOp::create(
                   b, loc, arith::CmpIPredicate::eq, offset,
                   arith::ConstantIntOp::create(b, loc, k, 64));
               return arith::SelectOp::create(b, loc, onDiagonal,
                                              buildScalar(b, loc, element, 1),
                                              buildScalar(b, loc, element, 0))
                   .getResult();
             }));
  return success();
}
} // namespace

void mlir::effai::onnx_import::registerGeneratorHandlers(OpHandlerRegistry &r) {
  r.add("Trilu", importTrilu, 14);
  r.add("Range", importRange, 11);
  r.add("EyeLike", importEyeLike, 9);
}
