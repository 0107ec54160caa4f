//===- Reductions.cpp - Reduce* and ArgMax/ArgMin ---------------*- C++ -*-===//
//
// Every Reduce* op is a pre-map, a combiner from an initial value and a
// post-map, built on one reduction generic; keepdims is a reshape after it.
//
//===----------------------------------------------------------------------===//

#include "HandlerUtils.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;
using namespace mlir::effai;
using namespace mlir::effai::onnx_import;

namespace {
enum class Reduce {
  Sum,
  Mean,
  Max,
  Min,
  Prod,
  L1,
  L2,
  LogSum,
  LogSumExp,
  SumSquare
};

/// Whether the opset passes `axes` as input 1 rather than as an attribute.
bool axesFromInput(Reduce kind, int64_t opset) {
  return kind == Reduce::Sum ? opset >= 13 : opset >= 18;
}

double getInitialValue(Reduce kind, ScalarKind scalar) {
  double inf = std::numeric_limits<double>::infinity();
  if (!scalar.isFloat() && (kind == Reduce::Max || kind == Reduce::Min)) {
    unsigned width = scalar.type.getIntOrFloatBitWidth();
    double lowest = scalar.isUnsigned ? 0 : -std::ldexp(1.0, width - 1);
    double highest = scalar.isUnsigned ? std::ldexp(1.0, width) - 1
                                       : std::ldexp(1.0, width - 1) - 1;
    return kind == Reduce::Max ? lowest : highest;
  }
  switch (kind) {
  case Reduce::Max:
    return -inf;
  case Reduce::Min:
    return inf;
  case Reduce::Prod:
    return 1.0;
  default:
    return 0.0;
  }
}

Value combine(OpBuilder &b, Location loc, Reduce kind, ScalarKind scalar,
              Value acc, Value x) {
  bool isFloat = scalar.isFloat();
  switch (kind) {
  case Reduce::Max:
    return isFloat ? arith::MaximumFOp::create(b, loc, acc, x).getResult()
           : scalar.isUnsigned
               ? arith::MaxUIOp::create(b, loc, acc, x).getResult()
               : arith::MaxSIOp::create(b, loc, acc, x).getResult();
  case Reduce::Min:
    return isFloat ? arith::MinimumFOp::create(b, loc, acc, x).getResult()
           : scalar.isUnsigned
               ? arith::MinUIOp::create(b, loc, acc, x).getResult()
               : arith::MinSIOp::create(b, loc, acc, x).getResult();
  case Reduce::Prod:
    return isFloat ? arith::MulFOp::create(b, loc, acc, x).getResult()
                   : arith::MulIOp::create(b, loc, acc, x).getResult();
  case Reduce::L1:
    x = isFloat             ? math::AbsFOp::create(b, loc, x).getResult()
        : scalar.isUnsigned ? x
                            : math::AbsIOp::create(b, loc, x).getResult();
    break;
  case Reduce::L2:
  case Reduce::SumSquare:
    x = isFloat ? arith::MulFOp::create(b, loc, x, x).getResult()
                : arith::MulIOp::create(b, loc, x, x).getResult();
    break;
  case Reduce::LogSumExp:
    x = math::ExpOp::create(b, loc, x);
    break;
  default:
    break;
  }
  return isFloat ? arith::AddFOp::create(b, loc, acc, x).getResult()
                 : arith::AddIOp::create(b, loc, acc, x).getResult();
}

/// Applied to each reduced value: mean's division, L2's root, log.
Value finish(OpBuilder &b, Location loc, Reduce kind, ScalarKind scalar,
             Value value, int64_t count) {
  switch (kind) {
  case Reduce::Mean:
    return scalar.isFloat()
               ? arith::DivFOp::create(b, loc, value,
                                       buildScalar(b, loc, scalar.type, count))
                     .getResult()
               : arith::DivSIOp::create(b, loc, value,
                                        buildScalar(b, loc, scalar.type, count))
                     .getResult();
  case Reduce::L2:
    if (!scalar.isFloat()) {
      Value f =
          castScalar(b, loc, value, b.getF64Type(), scalar.isUnsigned, false);
      return castScalar(b, loc, math::SqrtOp::create(b, loc, f), scalar.type,
                        false, scalar.isUnsigned);
    }
    return math::SqrtOp::create(b, loc, value);
  case Reduce::LogSum:
  case Reduce::LogSumExp:
    return math::LogOp::create(b, loc, value);
  default:
    return value;
  }
}

LogicalResult importReduce(NodeContext &ctx, Reduce kind) {
  Value input;
  RankedTensorType type, result;
  if (failed(ctx.getUnaryOperands(input, type, result)))
    return failure();
  FailureOr<SmallVector<int64_t>> axes =
      getAxes(ctx, type.getRank(), 1, axesFromInput(kind, ctx.opset));
  if (failed(axes))
    return failure();
  if (axes->empty()) {
    if (ctx.attrInt("noop_with_empty_axes", 0)) {
      ctx.setResult(0, input);
      return success();
    }
    *axes = llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
  }
  ScalarKind scalar{type.getElementType(), ctx.isUnsignedInput(0)};
  int64_t count = 1;
  for (int64_t axis : *axes)
    count *= type.getDimSize(axis);
  Value reduced =
      buildReduction(ctx.b, ctx.loc, input, *axes,
                     getScalarAttr(scalar.type, getInitialValue(kind, scalar)),
                     [&](OpBuilder &b, Location loc, Value acc, Value x) {
                       return combine(b, loc, kind, scalar, acc, x);
                     });
  auto reducedType = cast<RankedTensorType>(reduced.getType());
  if (kind == Reduce::Mean || kind == Reduce::L2 || kind == Reduce::LogSum ||
      kind == Reduce::LogSumExp)
    reduced =
        buildElementwise(ctx.b, ctx.loc, reducedType, reduced,
                         [&](OpBuilder &b, Location loc, ValueRange a) {
                           return finish(b, loc, kind, scalar, a[0], count);
                         });
  ctx.setResult(0, buildReshape(ctx.b, ctx.loc, reduced, result));
  return success();
}

/// ArgMax/ArgMin: one generic carrying (best value, its index) along `axis`.
LogicalResult importArgExtreme(NodeContext &ctx, bool isMax) {
  Value input;
  RankedTensorType type, result;
  if (failed(ctx.getUnaryOperands(input, type, result)))
    return failure();
  int64_t rank = type.getRank();
  FailureOr<int64_t> axisOr = ctx.attrAxis("axis", 0, rank);
  if (failed(axisOr))
    return failure();
  int64_t axis = *axisOr;
  bool selectLast = ctx.attrInt("select_last_index", 0) != 0;
  ScalarKind scalar{type.getElementType(), ctx.isUnsignedInput(0)};
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  MLIRContext *context = b.getContext();

  SmallVector<int64_t> keptShape;
  SmallVector<AffineExpr> keptExprs;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t d = 0; d < rank; ++d) {
    iterators.push_back(d == axis ? utils::IteratorType::reduction
                                  : utils::IteratorType::parallel);
    if (d != axis) {
      keptShape.push_back(type.getDimSize(d));
      keptExprs.push_back(getAffineDimExpr(d, context));
    }
  }
  auto valueType = RankedTensorType::get(keptShape, scalar.type);
  auto indexType = RankedTensorType::get(keptShape, b.getI64Type());
  Value values =
      buildFill(b, loc, valueType,
                getScalarAttr(scalar.type,
                              getInitialValue(isMax ? Reduce::Max : Reduce::Min,
                                              scalar)));
  Value indices = buildFill(b, loc, indexType, b.getI64IntegerAttr(-1));
  AffineMap outMap = AffineMap::get(rank, 0, keptExprs, context);
  AffineMap maps[] = {AffineMap::getMultiDimIdentityMap(rank, context), outMap,
                      outMap};
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{valueType, indexType}, input,
      ValueRange{values, indices}, maps, iterators,
      [&](OpBuilder &b, Location loc, ValueRange args) {
        Value x = args[0], best = args[1], bestIndex = args[2];
        Value index = arith::IndexCastOp::create(
            b, loc, b.getI64Type(), linalg::IndexOp::create(b, loc, axis));
        // Strictly better, or equal and we want the last occurrence; the
        // first element always wins (bestIndex is -1 before it).
        Value better, equal;
        if (scalar.isFloat()) {
          better = arith::CmpFOp::create(b, loc,
                                         isMax ? arith::CmpFPredicate::OGT
                                               : arith::CmpFPredicate::OLT,
                                         x, best);
          equal =
              arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, x, best);
        } else {
          arith::CmpIPredicate pred =
              isMax ? (scalar.isUnsigned ? arith::CmpIPredicate::ugt
                                         : arith::CmpIPredicate::sgt)
                    : (scalar.isUnsigned ? arith::CmpIPredicate::ult
                                         : arith::CmpIPredicate::slt);
          better = arith::CmpIOp::create(b, loc, pred, x, best);
          equal =
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, best);
        }
        Value first =
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, bestIndex,
                                  buildScalar(b, loc, b.getI64Type(), 0));
        Value take = arith::OrIOp::create(b, loc, better, first);
        if (selectLast)
          take = arith::OrIOp::create(b, loc, take, equal);
        linalg::YieldOp::create(
            b, loc,
            ValueRange{
                arith::SelectOp::create(b, loc, take, x, best),
                arith::SelectOp::create(b, loc, take, index, bestIndex)});
      });
  ctx.setResult(0, buildReshape(b, loc, generic.getResult(1), result));
  return success();
}
} // namespace

void mlir::effai::onnx_import::registerReductionHandlers(OpHandlerRegistry &r) {
  std::pair<StringRef, Reduce> reductions[] = {
      {"ReduceSum", Reduce::Sum},
      {"ReduceMean", Reduce::Mean},
      {"ReduceMax", Reduce::Max},
      {"ReduceMin", Reduce::Min},
      {"ReduceProd", Reduce::Prod},
      {"ReduceL1", Reduce::L1},
      {"ReduceL2", Reduce::L2},
      {"ReduceLogSum", Reduce::LogSum},
      {"ReduceLogSumExp", Reduce::LogSumExp},
      {"ReduceSumSquare", Reduce::SumSquare}};
  for (auto [name, kind] : reductions)
    r.add(name,
          [kind = kind](NodeContext &ctx) { return importReduce(ctx, kind); });
  r.add("ArgMax", [](NodeContext &ctx) { return importArgExtreme(ctx, true); });
  r.add("ArgMin",
        [](NodeContext &ctx) { return importArgExtreme(ctx, false); });
}
