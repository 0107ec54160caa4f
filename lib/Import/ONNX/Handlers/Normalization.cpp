//===- Normalization.cpp - Batch/Instance/Layer normalization ---*- C++ -*-===//
//
// Inference-time normalizations as reductions plus one broadcasting
// elementwise (x - mean) * rsqrt(var + eps) * scale + bias.
//
//===----------------------------------------------------------------------===//

#include "HandlerUtils.h"

using namespace mlir;
using namespace mlir::effai;
using namespace mlir::effai::onnx_import;

namespace {
/// Reshapes a per-channel vector [C] to [C, 1, ..., 1] so it broadcasts over
/// a rank-`rank` NC... tensor.
Value perChannel(OpBuilder &b, Location loc, Value vector, int64_t rank) {
  auto type = cast<RankedTensorType>(vector.getType());
  SmallVector<int64_t> shape{type.getNumElements()};
  shape.append(rank - 2, 1);
  return buildReshape(b, loc, vector,
                      RankedTensorType::get(shape, type.getElementType()));
}

/// (x - mean) / sqrt(var + eps) * scale + bias, all broadcasting to `type`.
Value normalize(OpBuilder &b, Location loc, RankedTensorType type, Value x,
                Value mean, Value var, Value scale, Value bias, double eps) {
  SmallVector<Value> inputs{x, mean, var, scale};
  if (bias)
    inputs.push_back(bias);
  return buildElementwise(
      b, loc, type, inputs, [&](OpBuilder &b, Location loc, ValueRange a) {
        Value centered = arith::SubFOp::create(b, loc, a[0], a[1]);
        Value denom = math::SqrtOp::create(
            b, loc,
            arith::AddFOp::create(b, loc, a[2],
                                  buildScalar(b, loc, a[2].getType(), eps)));
        Value scaled = arith::MulFOp::create(
            b, loc, arith::DivFOp::create(b, loc, centered, denom), a[3]);
        return a.size() > 4
                   ? arith::AddFOp::create(b, loc, scaled, a[4]).getResult()
                   : scaled;
      });
}

/// Mean and (biased) variance of `x` over `axes`, shaped like `keptType`.
std::pair<Value, Value> meanAndVariance(OpBuilder &b, Location loc, Value x,
                                        ArrayRef<int64_t> axes,
                                        RankedTensorType keptType) {
  auto type = cast<RankedTensorType>(x.getType());
  Type elt = type.getElementType();
  int64_t count = 1;
  for (int64_t axis : axes)
    count *= type.getDimSize(axis);
  auto add = [](OpBuilder &b, Location loc, Value acc, Value v) {
    return arith::AddFOp::create(b, loc, acc, v).getResult();
  };
  auto divideByCount = [&](Value sum) {
    Value kept = buildReshape(b, loc, sum, keptType);
    return buildElementwise(
        b, loc, keptType, kept, [&](OpBuilder &b, Location loc, ValueRange a) {
          return arith::DivFOp::create(b, loc, a[0],
                                       buildScalar(b, loc, elt, count))
              .getResult();
        });
  };
  Value mean = divideByCount(
      buildReduction(b, loc, x, axes, getScalarAttr(elt, 0.0), add));
  Value squares = buildElementwise(
      b, loc, type, {x, mean}, [](OpBuilder &b, Location loc, ValueRange a) {
        Value d = arith::SubFOp::create(b, loc, a[0], a[1]);
        return arith::MulFOp::create(b, loc, d, d).getResult();
      });
  Value var = divideByCount(
      buildReduction(b, loc, squares, axes, getScalarAttr(elt, 0.0), add));
  return {mean, var};
}

LogicalResult importBatchNormalization(NodeContext &ctx) {
  if (ctx.attrInt("training_mode", 0) != 0)
    return ctx.unsupported("training_mode = 1");
  for (int64_t i = 1; i < ctx.getNumOutputs(); ++i)
    if (ctx.hasOutput(i))
      return ctx.unsupported("running statistics outputs (training)");
  Value x = ctx.input(0);
  RankedTensorType type = ctx.resultType(0);
  if (!x || !type)
    return failure();
  if (type.getRank() < 2)
    return ctx.unsupported("BatchNormalization of rank < 2");
  SmallVector<Value> params;
  for (int64_t i = 1; i <= 4; ++i) {
    Value p = ctx.input(i);
    if (!p)
      return failure();
    params.push_back(perChannel(ctx.b, ctx.loc, p, type.getRank()));
  }
  double eps = ctx.attrFloat("epsilon", 1e-5f);
  // Inputs: scale, B, mean, var.
  ctx.setResult(0, normalize(ctx.b, ctx.loc, type, x, params[2], params[3],
                             params[0], params[1], eps));
  return success();
}

LogicalResult importInstanceNormalization(NodeContext &ctx) {
  Value x = ctx.input(0), scale = ctx.input(1), bias = ctx.input(2);
  RankedTensorType type = ctx.resultType(0);
  if (!x || !scale || !bias || !type)
    return failure();
  int64_t rank = type.getRank();
  SmallVector<int64_t> axes = llvm::to_vector(llvm::seq<int64_t>(2, rank));
  SmallVector<int64_t> kept(type.getShape().take_front(2));
  kept.append(rank - 2, 1);
  auto [mean, var] =
      meanAndVariance(ctx.b, ctx.loc, x, axes,
                      RankedTensorType::get(kept, type.getElementType()));
  ctx.setResult(0, normalize(ctx.b, ctx.loc, type, x, mean, var,
                             perChannel(ctx.b, ctx.loc, scale, rank),
                             perChannel(ctx.b, ctx.loc, bias, rank),
                             ctx.attrFloat("epsilon", 1e-5f)));
  return success();
}

LogicalResult importLayerNormalization(NodeContext &ctx) {
  Value x = ctx.input(0), scale = ctx.input(1);
  RankedTensorType type = ctx.resultType(0);
  if (!x || !scale || !type)
    return failure();
  int64_t rank = type.getRank();
  FailureOr<int64_t> axisOr = ctx.attrAxis("axis", -1, rank);
  if (failed(axisOr))
    return failure();
  int64_t axis = *axisOr;
  Value bias = ctx.hasInput(2) ? ctx.input(2) : Value();
  SmallVector<int64_t> axes = llvm::to_vector(llvm::seq<int64_t>(axis, rank));
  SmallVector<int64_t> kept(type.getShape());
  for (int64_t a : axes)
    kept[a] = 1;
  auto keptType = RankedTensorType::get(kept, type.getElementType());
  auto [mean, var] = meanAndVariance(ctx.b, ctx.loc, x, axes, keptType);
  double eps = ctx.attrFloat("epsilon", 1e-5f);
  ctx.setResult(
      0, normalize(ctx.b, ctx.loc, type, x, mean, var, scale, bias, eps));
  if (ctx.hasOutput(1))
    ctx.setResult(1, mean);
  if (ctx.hasOutput(2))
    ctx.setResult(2, buildElementwise(
                         ctx.b, ctx.loc, keptType, var,
                         [&](OpBuilder &b, Location loc, ValueRange a) {
                           Value s = arith::AddFOp::create(
                               b, loc, a[0],
                               buildScalar(b, loc, a[0].getType(), eps));
                           return math::RsqrtOp::create(b, loc, s).getResult();
                         }));
  return success();
}
} // namespace

void mlir::effai::onnx_import::registerNormalizationHandlers(
    OpHandlerRegistry &r) {
  r.add("BatchNormalization", importBatchNormalization);
  r.add("InstanceNormalization", importInstanceNormalization);
  r.add("LayerNormalization", importLayerNormalization);
}
