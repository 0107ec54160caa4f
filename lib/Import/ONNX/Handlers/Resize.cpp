//===- Resize.cpp - Resize (nearest, linear) --------------------*- C++ -*-===//
//
// One generic over the output: per resized dimension, map the output
// coordinate back to the input (coordinate_transformation_mode), then pick
// the nearest element (nearest_mode) or blend the two neighbours (linear,
// edge-clamped), for every combination of neighbours across dimensions.
//
//===----------------------------------------------------------------------===//

#include "HandlerUtils.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::effai;
using namespace mlir::effai::onnx_import;

namespace {
struct ResizeAttrs {
  std::string mode, transform, nearestMode;
};

/// The input coordinate (f32) of output index `x` along one dimension.
Value sourceCoordinate(OpBuilder &b, Location loc, Value x, int64_t inLen,
                       int64_t outLen, Value scale, StringRef transform) {
  Type f32 = b.getF32Type();
  auto c = [&](double v) { return buildScalar(b, loc, f32, v); };
  Value xf = arith::SIToFPOp::create(
      b, loc, f32, arith::IndexCastOp::create(b, loc, b.getI64Type(), x));
  auto halfPixel = [&]() {
    return arith::SubFOp::create(
        b, loc,
        arith::DivFOp::create(b, loc, arith::AddFOp::create(b, loc, xf, c(0.5)),
                              scale),
        c(0.5));
  };
  if (transform == "asymmetric")
    return arith::DivFOp::create(b, loc, xf, scale);
  if (transform == "align_corners") {
    // ONNX takes the resized length as in * scale, before flooring.
    if (outLen == 1)
      return c(0.0);
    Value resized = arith::MulFOp::create(b, loc, c(double(inLen)), scale);
    Value span = arith::SubFOp::create(b, loc, resized, c(1.0));
    return arith::DivFOp::create(
        b, loc, arith::MulFOp::create(b, loc, xf, c(double(inLen - 1))), span);
  }
  if (transform == "pytorch_half_pixel")
    return outLen > 1 ? halfPixel().getResult() : c(0.0);
  if (transform == "tf_half_pixel_for_nn")
    return arith::DivFOp::create(
        b, loc, arith::AddFOp::create(b, loc, xf, c(0.5)), scale);
  return halfPixel(); // half_pixel
}

Value clampIndex(OpBuilder &b, Location loc, Value i, int64_t len) {
  Value zero = buildScalar(b, loc, b.getI64Type(), 0);
  Value last = buildScalar(b, loc, b.getI64Type(), len - 1);
  i = arith::MaxSIOp::create(b, loc, i, zero);
  i = arith::MinSIOp::create(b, loc, i, last);
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), i);
}

Value toI64(OpBuilder &b, Location loc, Value f) {
  return arith::FPToSIOp::create(b, loc, b.getI64Type(), f);
}

/// Nearest input index for a coordinate, by ONNX's nearest_mode.
Value nearestIndex(OpBuilder &b, Location loc, Value coord, StringRef mode) {
  Type f32 = b.getF32Type();
  if (mode == "floor")
    return toI64(b, loc, math::FloorOp::create(b, loc, coord));
  if (mode == "ceil")
    return toI64(b, loc, math::CeilOp::create(b, loc, coord));
  // Ties: round_prefer_ceil rounds .5 up, round_prefer_floor down.
  bool preferCeil = mode == "round_prefer_ceil";
  Value floor = math::FloorOp::create(b, loc, coord);
  Value frac = arith::SubFOp::create(b, loc, coord, floor);
  Value half = buildScalar(b, loc, f32, 0.5);
  Value up = arith::CmpFOp::create(b, loc,
                                   preferCeil ? arith::CmpFPredicate::OGE
                                              : arith::CmpFPredicate::OGT,
                                   frac, half);
  Value rounded = arith::SelectOp::create(
      b, loc, up,
      arith::AddFOp::create(b, loc, floor, buildScalar(b, loc, f32, 1.0)),
      floor);
  return toI64(b, loc, rounded);
}

/// Resize, and Upsample 7-9 (Resize-10 under its old name: asymmetric
/// coordinates, nearest rounding down) whose opsets 7-8 give the scales as
/// an attribute.
LogicalResult importResizeOrUpsample(NodeContext &ctx, bool scalesAttribute) {
  Value input;
  RankedTensorType type, result;
  if (failed(ctx.getUnaryOperands(input, type, result)))
    return failure();
  int64_t rank = type.getRank();
  ResizeAttrs attrs{
      ctx.attrString("mode", "nearest"),
      ctx.attrString("coordinate_transformation_mode",
                     ctx.opset < 11 ? "asymmetric" : "half_pixel"),
      ctx.attrString("nearest_mode",
                     ctx.opset < 11 ? "floor" : "round_prefer_floor")};
  if (attrs.mode != "nearest" && attrs.mode != "linear")
    return ctx.unsupported("Resize mode '" + attrs.mode + "'");
  if (attrs.transform == "tf_crop_and_resize")
    return ctx.unsupported("coordinate_transformation_mode "
                           "'tf_crop_and_resize'");
  // Scales: the scales input when it has values (constant, or read at run
  // time), else output/input sizes.
  int64_t scalesInput = ctx.opset < 11 ? 1 : 2;
  SmallVector<double> scales;
  Value runtimeScales;
  if (scalesAttribute) {
    SmallVector<float> attribute = ctx.attrFloats("scales");
    scales.assign(attribute.begin(), attribute.end());
  } else if (const HostTensor *s = ctx.constantInput(scalesInput)) {
    scales = s->getDoubles();
  } else if (ctx.hasInput(scalesInput) &&
             ctx.inputType(scalesInput).getNumElements() > 0) {
    runtimeScales = ctx.input(scalesInput);
    if (!runtimeScales)
      return failure();
    scales.assign(rank, 0.0); // Unknown here; every dim may be resized.
  }
  if (scales.empty())
    for (int64_t d = 0; d < rank; ++d)
      scales.push_back(double(result.getDimSize(d)) / type.getDimSize(d));
  if (int64_t(scales.size()) != rank) {
    ctx.emitError() << "scales has " << scales.size() << " values for rank "
                    << rank;
    return failure();
  }
  SmallVector<int64_t> resized;
  for (int64_t d = 0; d < rank; ++d)
    if (scales[d] != 1.0 || type.getDimSize(d) != result.getDimSize(d))
      resized.push_back(d);
  bool linear = attrs.mode == "linear";
  Type elt = type.getElementType();
  ctx.setResult(
      0,
      buildElementwise(
          ctx.b, ctx.loc, result, {},
          [&](OpBuilder &b, Location loc, ValueRange) -> Value {
            SmallVector<Value> base;
            for (int64_t d = 0; d < rank; ++d)
              base.push_back(linalg::IndexOp::create(b, loc, d));
            // Per resized dim: the low neighbour, high neighbour and weight.
            SmallVector<Value> low(rank), high(rank), weight(rank);
            for (int64_t d : resized) {
              Value scale =
                  runtimeScales
                      ? castScalar(
                            b, loc,
                            tensor::ExtractOp::create(
                                b, loc, runtimeScales,
                                ValueRange{
                                    arith::ConstantIndexOp::create(b, loc, d)}),
                            b.getF32Type(), false, false)
                      : buildScalar(b, loc, b.getF32Type(), scales[d]);
              Value coord = sourceCoordinate(
                  b, loc, base[d], type.getDimSize(d), result.getDimSize(d),
                  scale, attrs.transform);
              if (!linear) {
                low[d] = clampIndex(
                    b, loc, nearestIndex(b, loc, coord, attrs.nearestMode),
                    type.getDimSize(d));
                continue;
              }
              Value floor = math::FloorOp::create(b, loc, coord);
              weight[d] = arith::SubFOp::create(b, loc, coord, floor);
              Value i0 = toI64(b, loc, floor);
              Value i1 = arith::AddIOp::create(
                  b, loc, i0, buildScalar(b, loc, b.getI64Type(), 1));
              low[d] = clampIndex(b, loc, i0, type.getDimSize(d));
              high[d] = clampIndex(b, loc, i1, type.getDimSize(d));
            }
            auto extract = [&](uint64_t corner) {
              SmallVector<Value> coords(base);
              for (auto [bit, d] : llvm::enumerate(resized))
                coords[d] = (corner >> bit) & 1 ? high[d] : low[d];
              return tensor::ExtractOp::create(b, loc, input, coords)
                  .getResult();
            };
            if (!linear)
              return extract(0);
            // Blend over all 2^k corners of the resized dims.
            Type f32 = b.getF32Type();
            Value sum = buildScalar(b, loc, f32, 0.0);
            for (uint64_t corner = 0; corner < (uint64_t(1) << resized.size());
                 ++corner) {
              Value w = buildScalar(b, loc, f32, 1.0);
              for (auto [bit, d] : llvm::enumerate(resized)) {
                Value factor =
                    (corner >> bit) & 1
                        ? weight[d]
                        : arith::SubFOp::create(
                              b, loc, buildScalar(b, loc, f32, 1.0), weight[d])
                              .getResult();
                w = arith::MulFOp::create(b, loc, w, factor);
              }
              Value v = castScalar(b, loc, extract(corner), f32, false, false);
              sum = arith::AddFOp::create(b, loc, sum,
                                          arith::MulFOp::create(b, loc, w, v));
            }
            return castScalar(b, loc, sum, elt, false, false);
          }));
  return success();
}
} // namespace

void mlir::effai::onnx_import::registerResizeHandlers(OpHandlerRegistry &r) {
  r.add(
      "Resize",
      [](NodeContext &ctx) { return importResizeOrUpsample(ctx, false); }, 10);
  // At opset 10 ONNX's checker refuses Upsample (deprecated).
  r.add(
      "Upsample",
      [](NodeContext &ctx) {
        return importResizeOrUpsample(ctx, /*scalesAttribute=*/ctx.opset < 9);
      },
      7);
}
