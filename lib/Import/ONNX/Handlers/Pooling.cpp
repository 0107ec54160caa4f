//===- Pooling.cpp - MaxPool, AveragePool and global pools ------*- C++ -*-===//
//
// Window pools as one generic over (output, window) loops on the padded
// input. Average-pool divisors depend only on shapes, so they are computed
// at import time (with count_include_pad and ceil_mode exactly as ONNX).
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
struct PoolWindow {
  SmallVector<int64_t> kernel, strides, dilations, padsBegin, padsEnd;
  /// padsEnd before the ceil_mode stretch: what count_include_pad counts.
  SmallVector<int64_t> padsEndExplicit;
};

/// Window attributes for `spatial` dims; padsEnd is stretched so the last
/// window (ceil_mode) fits the padded input.
FailureOr<PoolWindow> getPoolWindow(NodeContext &ctx, RankedTensorType input,
                                    RankedTensorType result) {
  int64_t spatial = input.getRank() - 2;
  PoolWindow w;
  w.kernel = ctx.attrInts("kernel_shape");
  w.strides = ctx.attrInts("strides");
  w.dilations = ctx.attrInts("dilations");
  SmallVector<int64_t> pads = ctx.attrInts("pads");
  if (int64_t(w.kernel.size()) != spatial) {
    ctx.emitError() << "kernel_shape must have " << spatial << " values";
    return failure();
  }
  if (w.strides.empty())
    w.strides.assign(spatial, 1);
  if (w.dilations.empty())
    w.dilations.assign(spatial, 1);
  std::string autoPad = ctx.attrString("auto_pad", "NOTSET");
  if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    pads.assign(2 * spatial, 0);
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t in = input.getDimSize(2 + i);
      int64_t out = llvm::divideCeil(in, w.strides[i]);
      int64_t span = (w.kernel[i] - 1) * w.dilations[i] + 1;
      int64_t total =
          std::max<int64_t>(0, (out - 1) * w.strides[i] + span - in);
      pads[i] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
      pads[i + spatial] = total - pads[i];
    }
  } else if (pads.empty() || autoPad == "VALID") {
    pads.assign(2 * spatial, 0);
  }
  if (int64_t(pads.size()) != 2 * spatial ||
      int64_t(w.strides.size()) != spatial ||
      int64_t(w.dilations.size()) != spatial) {
    ctx.emitError() << "strides, dilations and pads must match the " << spatial
                    << " spatial dimensions";
    return failure();
  }
  if (failed(checkPositive(ctx, w.strides, "strides")) ||
      failed(checkPositive(ctx, w.dilations, "dilations")) ||
      failed(checkPositive(ctx, w.kernel, "kernel_shape")))
    return failure();
  for (int64_t i = 0; i < spatial; ++i) {
    w.padsBegin.push_back(pads[i]);
    w.padsEndExplicit.push_back(pads[i + spatial]);
    int64_t span = (w.kernel[i] - 1) * w.dilations[i] + 1;
    int64_t needed = (result.getDimSize(2 + i) - 1) * w.strides[i] + span;
    int64_t have = input.getDimSize(2 + i) + pads[i] + pads[i + spatial];
    w.padsEnd.push_back(pads[i + spatial] +
                        std::max<int64_t>(0, needed - have));
  }
  return w;
}

/// out[n, c, o...] = combine over k... of padded[n, c, o*s + k*d ...].
/// Loops n, c, o... | k...: the window loops are innermost, with small
/// constant extents that LLVM unrolls, so the accumulator stays in a
/// register and the loop along an output row vectorizes.
Value buildPool(OpBuilder &b, Location loc, Value padded,
                RankedTensorType result, const PoolWindow &w, TypedAttr init,
                CombineFn combine) {
  int64_t spatial = result.getRank() - 2;
  MLIRContext *context = b.getContext();
  int64_t loops = 2 + 2 * spatial;
  auto d = [&](int64_t i) { return getAffineDimExpr(i, context); };
  // Output dim i is loop outDim(i); window dim i is loop kDim(i).
  auto outDim = [&](int64_t i) { return 2 + i; };
  auto kDim = [&](int64_t i) { return 2 + spatial + i; };
  SmallVector<AffineExpr> inExprs{d(0), d(1)};
  SmallVector<AffineExpr> outExprs(inExprs);
  for (int64_t i = 0; i < spatial; ++i) {
    inExprs.push_back(d(outDim(i)) * w.strides[i] + d(kDim(i)) * w.dilations[i]);
    outExprs.push_back(d(outDim(i)));
  }
  // The window tensor only carries the kernel's extent for the k loops.
  SmallVector<AffineExpr> windowExprs;
  for (int64_t i = 0; i < spatial; ++i)
    windowExprs.push_back(d(kDim(i)));
  Value window = tensor::EmptyOp::create(b, loc, w.kernel, b.getI1Type());
  AffineMap maps[] = {AffineMap::get(loops, 0, inExprs, context),
                      AffineMap::get(loops, 0, windowExprs, context),
                      AffineMap::get(loops, 0, outExprs, context)};
  SmallVector<utils::IteratorType> iterators(loops,
                                             utils::IteratorType::parallel);
  for (int64_t i = 0; i < spatial; ++i)
    iterators[kDim(i)] = utils::IteratorType::reduction;
  Value acc = buildFill(b, loc, result, init);
  return linalg::GenericOp::create(
             b, loc, result, ValueRange{padded, window}, acc, maps, iterators,
             [&](OpBuilder &b, Location loc, ValueRange args) {
               linalg::YieldOp::create(b, loc,
                                       combine(b, loc, args[2], args[0]));
             })
      .getResult(0);
}

Value padInput(OpBuilder &b, Location loc, Value input, const PoolWindow &w,
               double value) {
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape(type.getShape());
  SmallVector<OpFoldResult> low(2, b.getIndexAttr(0)),
      high(2, b.getIndexAttr(0));
  for (size_t i = 0; i < w.padsBegin.size(); ++i) {
    low.push_back(b.getIndexAttr(w.padsBegin[i]));
    high.push_back(b.getIndexAttr(w.padsEnd[i]));
    shape[2 + i] += w.padsBegin[i] + w.padsEnd[i];
  }
  if (llvm::all_of(w.padsBegin, [](int64_t p) { return p == 0; }) &&
      llvm::all_of(w.padsEnd, [](int64_t p) { return p == 0; }))
    return input;
  auto paddedType = RankedTensorType::get(shape, type.getElementType());
  return tensor::PadOp::create(
      b, loc, paddedType, input, low, high,
      buildScalar(b, loc, type.getElementType(), value));
}

LogicalResult checkPoolRank(NodeContext &ctx, RankedTensorType type) {
  // The window loops are generic in the spatial rank (1-D, 2-D, 3-D ...).
  if (type.getRank() < 3)
    return ctx.unsupported("pooling of a rank-" + Twine(type.getRank()) +
                           " tensor (it needs N, C and a spatial dimension)");
  return success();
}

/// What both window pools start from.
struct PoolOperands {
  Value input;
  RankedTensorType type, result;
  PoolWindow window;
};

FailureOr<PoolOperands> getPoolOperands(NodeContext &ctx) {
  Value input;
  RankedTensorType type, result;
  if (failed(ctx.getUnaryOperands(input, type, result)))
    return failure();
  if (failed(checkPoolRank(ctx, type)))
    return failure();
  FailureOr<PoolWindow> window = getPoolWindow(ctx, type, result);
  if (failed(window))
    return failure();
  return PoolOperands{input, type, result, *window};
}

LogicalResult importMaxPool(NodeContext &ctx) {
  if (ctx.hasOutput(1))
    return ctx.unsupported("MaxPool's Indices output");
  FailureOr<PoolOperands> pool = getPoolOperands(ctx);
  if (failed(pool))
    return failure();
  Value input = pool->input;
  RankedTensorType type = pool->type, result = pool->result;
  const PoolWindow *w = &pool->window;
  Type elt = type.getElementType();
  bool isUnsigned = ctx.isUnsignedInput(0);
  double lowest = -std::numeric_limits<double>::infinity();
  if (!isa<FloatType>(elt))
    lowest = isUnsigned ? 0 : -std::ldexp(1.0, elt.getIntOrFloatBitWidth() - 1);
  Value padded = padInput(ctx.b, ctx.loc, input, *w, lowest);
  ctx.setResult(
      0,
      buildPool(ctx.b, ctx.loc, padded, result, *w, getScalarAttr(elt, lowest),
                [&](OpBuilder &b, Location loc, Value acc, Value x) -> Value {
                  // NaN-propagating max without the signed-zero order
                  // (ONNX leaves it open): a vmaxps and a NaN blend per
                  // element; ordering zeros costs several more.
                  if (isa<FloatType>(elt))
                    return arith::MaximumFOp::create(
                        b, loc, acc, x,
                        arith::FastMathFlags::nsz);
                  if (isUnsigned)
                    return arith::MaxUIOp::create(b, loc, acc, x);
                  return arith::MaxSIOp::create(b, loc, acc, x);
                }));
  return success();
}

LogicalResult importAveragePool(NodeContext &ctx) {
  FailureOr<PoolOperands> pool = getPoolOperands(ctx);
  if (failed(pool))
    return failure();
  Value input = pool->input;
  RankedTensorType type = pool->type, result = pool->result;
  const PoolWindow *w = &pool->window;
  bool includePad = ctx.attrInt("count_include_pad", 0) != 0;
  int64_t spatial = type.getRank() - 2;
  // Divisor per output position: window cells inside the input, plus the
  // explicit padding when count_include_pad (never the ceil_mode overhang).
  SmallVector<int64_t> outShape(result.getShape().drop_front(2));
  int64_t positions = 1;
  for (int64_t d : outShape)
    positions *= d;
  SmallVector<float> divisors(positions);
  for (int64_t p = 0; p < positions; ++p) {
    int64_t rest = p, count = 1;
    for (int64_t i = spatial - 1; i >= 0; --i) {
      int64_t o = rest % outShape[i];
      rest /= outShape[i];
      int64_t in = type.getDimSize(2 + i);
      int64_t lo = includePad ? -w->padsBegin[i] : 0;
      int64_t hi = in + (includePad ? w->padsEndExplicit[i] : 0);
      int64_t cells = 0;
      for (int64_t k = 0; k < w->kernel[i]; ++k) {
        int64_t x = o * w->strides[i] + k * w->dilations[i] - w->padsBegin[i];
        cells += x >= lo && x < hi;
      }
      count *= cells;
    }
    divisors[p] = float(std::max<int64_t>(count, 1));
  }
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  Type elt = type.getElementType();
  Value padded = padInput(b, loc, input, *w, 0.0);
  Value sums =
      buildPool(b, loc, padded, result, *w, getScalarAttr(elt, 0.0),
                [](OpBuilder &b, Location loc, Value acc, Value x) {
                  return arith::AddFOp::create(b, loc, acc, x).getResult();
                });
  HostTensor divisorTensor =
      HostTensor::fromFloats(b.getContext(), divisors, outShape);
  Value divisor = arith::ConstantOp::create(
      b, loc, cast<TypedAttr>(divisorTensor.toAttr("pool_divisor", INT64_MAX)));
  ctx.setResult(0, buildElementwise(
                       b, loc, result, {sums, divisor},
                       [&](OpBuilder &b, Location loc, ValueRange a) {
                         return arith::DivFOp::create(
                                    b, loc, a[0],
                                    castScalar(b, loc, a[1], elt, false, false))
                             .getResult();
                       }));
  return success();
}

LogicalResult importGlobalPool(NodeContext &ctx, bool isMax) {
  Value input;
  RankedTensorType type, result;
  if (failed(ctx.getUnaryOperands(input, type, result)))
    return failure();
  Type elt = type.getElementType();
  SmallVector<int64_t> axes =
      llvm::to_vector(llvm::seq<int64_t>(2, type.getRank()));
  int64_t count = 1;
  for (int64_t axis : axes)
    count *= type.getDimSize(axis);
  Value reduced = buildReduction(
      ctx.b, ctx.loc, input, axes,
      getScalarAttr(elt, isMax ? -std::numeric_limits<double>::infinity() : 0),
      [&](OpBuilder &b, Location loc, Value acc, Value x) -> Value {
        if (isMax)
          return arith::MaximumFOp::create(b, loc, acc, x);
        return arith::AddFOp::create(b, loc, acc, x);
      });
  reduced = buildReshape(ctx.b, ctx.loc, reduced, result);
  if (!isMax)
    reduced = buildElementwise(ctx.b, ctx.loc, result, reduced,
                               [&](OpBuilder &b, Location loc, ValueRange a) {
                                 return arith::DivFOp::create(
                                            b, loc, a[0],
                                            buildScalar(b, loc, elt, count))
                                     .getResult();
                               });
  ctx.setResult(0, reduced);
  return success();
}
} // namespace

void mlir::effai::onnx_import::registerPoolingHandlers(OpHandlerRegistry &r) {
  r.add("MaxPool", importMaxPool);
  r.add("AveragePool", importAveragePool);
  r.add("GlobalAveragePool",
        [](NodeContext &ctx) { return importGlobalPool(ctx, false); });
  r.add("GlobalMaxPool",
        [](NodeContext &ctx) { return importGlobalPool(ctx, true); });
}
