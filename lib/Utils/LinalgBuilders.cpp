//===- LinalgBuilders.cpp - linalg-on-tensors building blocks --*- C++ -*-===//
//
// Implementation of the shared builders; everything is on static shapes.
//
//===----------------------------------------------------------------------===//

#include "effai/Utils/LinalgBuilders.h"
#include "effai/Utils/ConstantData.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"

#include <cstring>

using namespace mlir;
using namespace mlir::effai;

Value mlir::effai::buildElementwise(OpBuilder &b, Location loc,
                                    RankedTensorType resultType,
                                    ValueRange inputs, ScalarFn body) {
  int64_t rank = resultType.getRank();
  MLIRContext *context = b.getContext();
  SmallVector<AffineMap> maps;
  for (Value input : inputs) {
    auto type = cast<RankedTensorType>(input.getType());
    SmallVector<AffineExpr> exprs;
    int64_t offset = rank - type.getRank();
    for (int64_t j = 0; j < type.getRank(); ++j) {
      int64_t d = j + offset;
      bool stretched = type.getDimSize(j) == 1 && resultType.getDimSize(d) != 1;
      exprs.push_back(stretched ? getAffineConstantExpr(0, context)
                                : getAffineDimExpr(d, context));
    }
    maps.push_back(AffineMap::get(rank, 0, exprs, context));
  }
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank, context));
  Value init = tensor::EmptyOp::create(b, loc, resultType.getShape(),
                                       resultType.getElementType());
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, resultType, inputs, init, maps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value result = body(nested, nestedLoc, args.drop_back());
        linalg::YieldOp::create(nested, nestedLoc, result);
      });
  return generic.getResult(0);
}

Value mlir::effai::buildGather(OpBuilder &b, Location loc,
                               RankedTensorType resultType, Value source,
                               ValueRange extraInputs, IndexFn indexFn) {
  return buildElementwise(
      b, loc, resultType, extraInputs,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange scalars) {
        SmallVector<Value> position;
        for (int64_t d = 0; d < resultType.getRank(); ++d)
          position.push_back(linalg::IndexOp::create(nested, nestedLoc, d));
        SmallVector<Value> coordinates =
            indexFn(nested, nestedLoc, position, scalars);
        return tensor::ExtractOp::create(nested, nestedLoc, source, coordinates)
            .getResult();
      });
}

Value mlir::effai::buildFill(OpBuilder &b, Location loc, RankedTensorType type,
                             TypedAttr value) {
  Value init =
      tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
  Value scalar = arith::ConstantOp::create(b, loc, value);
  return linalg::FillOp::create(b, loc, scalar, init).getResult(0);
}

Value mlir::effai::buildReduction(OpBuilder &b, Location loc, Value input,
                                  ArrayRef<int64_t> axes, TypedAttr init,
                                  CombineFn combine) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  MLIRContext *context = b.getContext();
  SmallVector<int64_t> keptShape;
  SmallVector<AffineExpr> keptExprs;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t d = 0; d < rank; ++d) {
    bool reduced = llvm::is_contained(axes, d);
    iterators.push_back(reduced ? utils::IteratorType::reduction
                                : utils::IteratorType::parallel);
    if (!reduced) {
      keptShape.push_back(type.getDimSize(d));
      keptExprs.push_back(getAffineDimExpr(d, context));
    }
  }
  auto resultType = RankedTensorType::get(keptShape, init.getType());
  Value acc = buildFill(b, loc, resultType, init);
  AffineMap maps[] = {AffineMap::getMultiDimIdentityMap(rank, context),
                      AffineMap::get(rank, 0, keptExprs, context)};
  auto generic = linalg::GenericOp::create(
      b, loc, resultType, input, acc, maps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        linalg::YieldOp::create(nested, nestedLoc,
                                combine(nested, nestedLoc, args[1], args[0]));
      });
  return generic.getResult(0);
}

Value mlir::effai::buildReshape(OpBuilder &b, Location loc, Value input,
                                RankedTensorType type) {
  if (input.getType() == type)
    return input;
  SmallVector<int64_t> shape(type.getShape());
  auto shapeType =
      RankedTensorType::get({int64_t(shape.size())}, b.getIndexType());
  SmallVector<APInt> dims;
  for (int64_t dim : shape)
    dims.push_back(APInt(64, dim));
  Value shapeValue = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(shapeType, dims));
  return tensor::ReshapeOp::create(b, loc, type, input, shapeValue);
}

Value mlir::effai::buildTranspose(OpBuilder &b, Location loc, Value input,
                                  ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(input.getType());
  if (llvm::equal(perm, llvm::seq<int64_t>(0, type.getRank())))
    return input;
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(type.getDimSize(p));
  Value init = tensor::EmptyOp::create(b, loc, shape, type.getElementType());
  return linalg::TransposeOp::create(b, loc, input, init, perm).getResult()[0];
}

TypedAttr mlir::effai::getScalarAttr(Type type, double value) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return FloatAttr::get(floatType, value);
  return IntegerAttr::get(type, APInt(type.getIntOrFloatBitWidth(),
                                      int64_t(value), /*isSigned=*/true,
                                      /*implicitTrunc=*/true));
}

Value mlir::effai::buildScalar(OpBuilder &b, Location loc, Type type,
                               double value) {
  return arith::ConstantOp::create(b, loc, getScalarAttr(type, value));
}

Value mlir::effai::castScalar(OpBuilder &b, Location loc, Value value, Type to,
                              bool fromUnsigned, bool toUnsigned) {
  Type from = value.getType();
  if (from == to)
    return value;
  bool fromFloat = isa<FloatType>(from), toFloat = isa<FloatType>(to);
  if (fromFloat && toFloat)
    return from.getIntOrFloatBitWidth() < to.getIntOrFloatBitWidth()
               ? arith::ExtFOp::create(b, loc, to, value).getResult()
               : arith::TruncFOp::create(b, loc, to, value).getResult();
  if (fromFloat) {
    // To bool: any non-zero value is true.
    if (to.isInteger(1))
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, value,
                                   buildScalar(b, loc, from, 0.0));
    return toUnsigned ? arith::FPToUIOp::create(b, loc, to, value).getResult()
                      : arith::FPToSIOp::create(b, loc, to, value).getResult();
  }
  // Booleans are 0/1 whatever the target's signedness.
  bool unsignedSource = fromUnsigned || from.isInteger(1);
  if (toFloat)
    return unsignedSource
               ? arith::UIToFPOp::create(b, loc, to, value).getResult()
               : arith::SIToFPOp::create(b, loc, to, value).getResult();
  if (to.isInteger(1))
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, value,
                                 buildScalar(b, loc, from, 0));
  unsigned fromWidth = from.getIntOrFloatBitWidth();
  unsigned toWidth = to.getIntOrFloatBitWidth();
  if (fromWidth > toWidth)
    return arith::TruncIOp::create(b, loc, to, value);
  if (fromWidth == toWidth)
    return value;
  return unsignedSource ? arith::ExtUIOp::create(b, loc, to, value).getResult()
                        : arith::ExtSIOp::create(b, loc, to, value).getResult();
}

Value mlir::effai::buildQuantizeScalar(OpBuilder &b, Location loc, Value scaled,
                                       Value zeroPoint, Type storage,
                                       bool isUnsigned, int64_t lo,
                                       int64_t hi) {
  Type floatType = scaled.getType();
  Value rounded = math::RoundEvenOp::create(b, loc, scaled);
  if (zeroPoint)
    rounded = arith::AddFOp::create(b, loc, rounded, zeroPoint);
  // Bounds the float type holds exactly, rounded towards zero (2^31 - 1 is
  // not an f32): the clamped value then always converts in range. maxnumf
  // sends NaN to the lower bound (maximumf would keep it, and NaN converts
  // to poison).
  const llvm::fltSemantics &semantics =
      cast<FloatType>(floatType).getFloatSemantics();
  auto exactBound = [&](int64_t bound) {
    llvm::APFloat value(semantics);
    value.convertFromAPInt(llvm::APInt(64, bound, /*isSigned=*/true),
                           /*IsSigned=*/true, llvm::APFloat::rmTowardZero);
    return value.convertToDouble();
  };
  rounded = arith::MaxNumFOp::create(
      b, loc, rounded, buildScalar(b, loc, floatType, exactBound(lo)));
  rounded = arith::MinNumFOp::create(
      b, loc, rounded, buildScalar(b, loc, floatType, exactBound(hi)));
  return castScalar(b, loc, rounded, storage, false, isUnsigned);
}

int64_t mlir::effai::normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < 0)
    axis += rank;
  return axis < 0 || axis >= rank ? -1 : axis;
}

/// Whether a convolution's inner loop should run over output channels
/// (see buildConvGeneric) rather than output columns: whenever there are
/// enough channels to fill two AVX-512 vectors. Measured on ResNet-18's
/// layers (one thread) that order is 1.2x (56x56, stride 1) to 20x (1x1,
/// stride 2) faster; with 16 channels (the digits CNN) it is slower.
static bool useChannelInnerConv(int64_t outChannelsPerGroup) {
  constexpr int64_t kVectorLength = 32;
  return outChannelsPerGroup >= kVectorLength;
}

Value mlir::effai::buildContraction(OpBuilder &b, Location loc,
                                    RankedTensorType type, Value x, Value w,
                                    ArrayRef<AffineMap> maps,
                                    ArrayRef<utils::IteratorType> iterators,
                                    MulAddFn mulAdd) {
  Type elt = type.getElementType();
  // Half floats accumulate in f32 and round once at the end, as cuBLAS's
  // and PyTorch's half products do (a long f16 sum keeps few of its bits);
  // tensor cores (mma.sync f16 x f16 -> f32) compute exactly this.
  Type accType = !mulAdd && (elt.isF16() || elt.isBF16())
                     ? Float32Type::get(b.getContext())
                     : elt;
  auto wideType = RankedTensorType::get(type.getShape(), accType);
  Value acc = buildFill(b, loc, wideType, getScalarAttr(accType, 0));
  Value sum =
      linalg::GenericOp::create(
          b, loc, wideType, ValueRange{x, w}, acc, maps, iterators,
          [&](OpBuilder &b, Location loc, ValueRange a) {
            if (mulAdd) {
              linalg::YieldOp::create(b, loc, mulAdd(b, loc, a[2], a[0], a[1]));
              return;
            }
            Value xWide = castScalar(b, loc, a[0], accType, false, false);
            Value wWide = castScalar(b, loc, a[1], accType, false, false);
            linalg::YieldOp::create(b, loc,
                                    buildMulAdd(b, loc, a[2], xWide, wWide));
          })
          .getResult(0);
  if (accType == elt)
    return sum;
  return buildElementwise(
      b, loc, type, sum, [&](OpBuilder &b, Location loc, ValueRange args) {
        return castScalar(b, loc, args[0], elt, false, false);
      });
}

Value mlir::effai::buildZeroPad(OpBuilder &b, Location loc, Value input,
                                ArrayRef<int64_t> pads) {
  return buildPad(b, loc, input, pads, 0);
}

Value mlir::effai::buildPad(OpBuilder &b, Location loc, Value input,
                            ArrayRef<int64_t> pads, double value) {
  if (llvm::all_of(pads, [](int64_t p) { return p == 0; }))
    return input;
  auto inputType = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape(inputType.getShape());
  shape[2] += pads[0] + pads[2];
  shape[3] += pads[1] + pads[3];
  SmallVector<OpFoldResult> low = {b.getIndexAttr(0), b.getIndexAttr(0),
                                   b.getIndexAttr(pads[0]),
                                   b.getIndexAttr(pads[1])};
  SmallVector<OpFoldResult> high = {b.getIndexAttr(0), b.getIndexAttr(0),
                                    b.getIndexAttr(pads[2]),
                                    b.getIndexAttr(pads[3])};
  return tensor::PadOp::create(
      b, loc, RankedTensorType::get(shape, inputType.getElementType()), input,
      low, high, buildScalar(b, loc, inputType.getElementType(), value));
}

Value mlir::effai::buildConvGeneric(OpBuilder &b, Location loc, Value input,
                                    Value weight, RankedTensorType resultType,
                                    ArrayRef<int64_t> strides,
                                    ArrayRef<int64_t> pads,
                                    ArrayRef<int64_t> dilations, int64_t groups,
                                    MulAddFn mulAdd, bool directNCHW) {
  auto inputType = cast<RankedTensorType>(input.getType());
  auto weightType = cast<RankedTensorType>(weight.getType());
  Type elt = resultType.getElementType();
  input = buildZeroPad(b, loc, input, pads);
  inputType = cast<RankedTensorType>(input.getType());
  MLIRContext *context = b.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, context); };
  if (directNCHW && groups == 1) {
    // Loops n, o, oh, ow | c, kh, kw over [N, C, H, W] x [O, C, KH, KW].
    AffineMap maps[] = {
        AffineMap::get(7, 0,
                       {d(0), d(4), d(2) * strides[0] + d(5) * dilations[0],
                        d(3) * strides[1] + d(6) * dilations[1]},
                       context),
        AffineMap::get(7, 0, {d(1), d(4), d(5), d(6)}, context),
        AffineMap::get(7, 0, {d(0), d(1), d(2), d(3)}, context)};
    auto par = utils::IteratorType::parallel;
    auto red = utils::IteratorType::reduction;
    utils::IteratorType iterators[] = {par, par, par, par, red, red, red};
    return buildContraction(b, loc, resultType, input, weight, maps, iterators,
                            mulAdd);
  }
  // Split channels into groups: [N, G, C/G, H, W] x [G, O/G, C/G, KH, KW].
  int64_t g = groups, n = inputType.getDimSize(0);
  int64_t cg = inputType.getDimSize(1) / g, og = weightType.getDimSize(0) / g;
  int64_t kh = weightType.getDimSize(2), kw = weightType.getDimSize(3);
  int64_t oh = resultType.getDimSize(2), ow = resultType.getDimSize(3);
  input = buildReshape(b, loc, input,
                       RankedTensorType::get({n, g, cg, inputType.getDimSize(2),
                                              inputType.getDimSize(3)},
                                             inputType.getElementType()));
  // Both loop orders put the reduction (c, kh, kw) at dims 3, 4, 5 between
  // two parallel bands; they differ in where oh, ow and og sit.
  auto buildLoops = [&](Value w, RankedTensorType type, unsigned ohDim,
                        unsigned owDim, unsigned ogDim, bool channelsLast) {
    auto dims = [&](ArrayRef<unsigned> order) {
      return AffineMap::get(
          8, 0, llvm::map_to_vector(order, [&](unsigned i) { return d(i); }),
          context);
    };
    AffineMap maps[] = {
        AffineMap::get(8, 0,
                       {d(0), d(1), d(3),
                        d(ohDim) * strides[0] + d(4) * dilations[0],
                        d(owDim) * strides[1] + d(5) * dilations[1]},
                       context),
        channelsLast ? dims({1, 3, 4, 5, ogDim}) : dims({1, ogDim, 3, 4, 5}),
        channelsLast ? dims({0, 1, ohDim, owDim, ogDim})
                     : dims({0, 1, ogDim, ohDim, owDim})};
    auto par = utils::IteratorType::parallel;
    auto red = utils::IteratorType::reduction;
    utils::IteratorType iterators[] = {par, par, par, red, red, red, par, par};
    return buildContraction(b, loc, type, input, w, maps, iterators, mulAdd);
  };

  // The innermost loop must be long and contiguous to vectorize: output
  // channels when there are enough of them. Loops n, g, oh | c, kh, kw |
  // ow, og compute [N, G, OH, OW, O/G] against weights permuted to
  // [G, C/G, KH, KW, O/G] (folded when constant): each weight row is read
  // once per output row and reused across its columns; threads split rows.
  // The result is transposed back to NCHW.
  if (useChannelInnerConv(og)) {
    Value wt =
        buildPermutedView(b, loc, weight, {g, og, cg, kh, kw}, {0, 2, 3, 4, 1});
    Value tmp = buildLoops(wt, RankedTensorType::get({n, g, oh, ow, og}, elt),
                           /*ohDim=*/2, /*owDim=*/6, /*ogDim=*/7,
                           /*channelsLast=*/true);
    Value out = buildTranspose(b, loc, tmp, {0, 1, 4, 2, 3});
    return buildReshape(b, loc, out, resultType);
  }

  // Few channels per group (depthwise, tiny layers). Loops n, g, og |
  // c, kh, kw | oh, ow: the inner loop walks contiguous outputs (and, at
  // stride 1, inputs) with one invariant weight, so LLVM vectorizes it
  // without reassociating a floating-point reduction.
  weight = buildReshape(
      b, loc, weight,
      RankedTensorType::get({g, og, cg, kh, kw}, weightType.getElementType()));
  Value out = buildLoops(weight, RankedTensorType::get({n, g, og, oh, ow}, elt),
                         /*ohDim=*/6, /*owDim=*/7, /*ogDim=*/2,
                         /*channelsLast=*/false);
  return buildReshape(b, loc, out, resultType);
}

Value mlir::effai::buildMulAdd(OpBuilder &b, Location loc, Value acc, Value x,
                               Value y) {
  if (isa<FloatType>(acc.getType())) {
    // `contract` lets LLVM fuse the pair into one FMA (one rounding instead
    // of two: at least as accurate, and twice the throughput).
    auto contract = arith::FastMathFlagsAttr::get(
        b.getContext(), arith::FastMathFlags::contract);
    Value product = arith::MulFOp::create(b, loc, x, y, contract);
    return arith::AddFOp::create(b, loc, acc, product, contract);
  }
  return arith::AddIOp::create(b, loc, acc,
                               arith::MulIOp::create(b, loc, x, y));
}

Value mlir::effai::buildPermutedView(OpBuilder &b, Location loc, Value input,
                                     ArrayRef<int64_t> viewShape,
                                     ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(input.getType());
  Type elt = type.getElementType();
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(viewShape[p]);
  auto resultType = RankedTensorType::get(shape, elt);
  // Constant weights are permuted now, once, instead of on every call.
  ElementsAttr attr;
  if (matchPattern(input, m_Constant(&attr))) {
    if (auto splat = dyn_cast<SplatElementsAttr>(attr))
      return arith::ConstantOp::create(b, loc, splat.reshape(resultType));
    if (std::optional<ArrayRef<char>> bytes = getDenseBytes(attr)) {
      size_t width = elt.getIntOrFloatBitWidth() / 8;
      int64_t rank = viewShape.size();
      SmallVector<int64_t> viewStrides(rank, 1);
      for (int64_t i = rank - 2; i >= 0; --i)
        viewStrides[i] = viewStrides[i + 1] * viewShape[i + 1];
      std::vector<char> permuted(bytes->size());
      SmallVector<int64_t> index(rank, 0);
      for (size_t out = 0, e = bytes->size() / width; out < e; ++out) {
        int64_t in = 0;
        for (int64_t i = 0; i < rank; ++i)
          in += index[i] * viewStrides[perm[i]];
        std::memcpy(&permuted[out * width], bytes->data() + in * width, width);
        for (int64_t i = rank - 1; i >= 0 && ++index[i] == shape[i]; --i)
          index[i] = 0;
      }
      return buildConstantFromBytes(b, loc, resultType, permuted,
                                    "permuted_weight");
    }
  }
  Value view =
      buildReshape(b, loc, input, RankedTensorType::get(viewShape, elt));
  return buildTranspose(b, loc, view, perm);
}

Value mlir::effai::buildLinearContraction(OpBuilder &b, Location loc, Value x,
                                          Value w, Type elt, MulAddFn mulAdd) {
  auto xType = cast<RankedTensorType>(x.getType());
  auto wType = cast<RankedTensorType>(w.getType());
  MLIRContext *context = b.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, context); };
  // Loops (rows of x)..., k, n over w^T [K, N]: the inner loop is an axpy
  // over contiguous outputs and weights, which vectorizes without
  // reassociating a floating-point sum (a dot product over k would not).
  Value wt = buildPermutedView(b, loc, w, wType.getShape(), {1, 0});
  unsigned rows = xType.getRank() - 1, kDim = rows, nDim = rows + 1;
  SmallVector<AffineExpr> xExprs, outExprs;
  SmallVector<int64_t> outShape;
  for (unsigned i = 0; i < rows; ++i) {
    xExprs.push_back(d(i));
    outExprs.push_back(d(i));
    outShape.push_back(xType.getDimSize(i));
  }
  xExprs.push_back(d(kDim));
  outExprs.push_back(d(nDim));
  outShape.push_back(wType.getDimSize(0));
  AffineMap maps[] = {AffineMap::get(rows + 2, 0, xExprs, context),
                      AffineMap::get(rows + 2, 0, {d(kDim), d(nDim)}, context),
                      AffineMap::get(rows + 2, 0, outExprs, context)};
  SmallVector<utils::IteratorType> iterators(rows + 2,
                                             utils::IteratorType::parallel);
  iterators[kDim] = utils::IteratorType::reduction;
  return buildContraction(b, loc, RankedTensorType::get(outShape, elt), x, wt,
                          maps, iterators, mulAdd);
}
