//===- MatMulConv.cpp - Conv, ConvTranspose, Gemm, MatMul -------*- C++ -*-===//
//
// Float Conv/Gemm/MatMul become the compressible effai ops (dense encoding)
// so compression passes can rewrite their weights; MatMul between two
// activations is a contraction generic. ConvTranspose is rewritten as a
// convolution over the stride-dilated input with flipped filters.
//
//===----------------------------------------------------------------------===//

#include "WeightUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::effai;
using namespace mlir::effai::onnx_import;

Value mlir::effai::onnx_import::buildMatMul(OpBuilder &b, Location loc,
                                            Value lhs, Value rhs,
                                            RankedTensorType resultType) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  Type elt = resultType.getElementType();
  if (lhsType.getRank() == 1)
    lhs = buildReshape(b, loc, lhs,
                       RankedTensorType::get({1, lhsType.getDimSize(0)},
                                             lhsType.getElementType()));
  if (rhsType.getRank() == 1)
    rhs = buildReshape(b, loc, rhs,
                       RankedTensorType::get({rhsType.getDimSize(0), 1},
                                             rhsType.getElementType()));
  lhsType = cast<RankedTensorType>(lhs.getType());
  rhsType = cast<RankedTensorType>(rhs.getType());
  int64_t batchRank = std::max(lhsType.getRank(), rhsType.getRank()) - 2;
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < batchRank; ++i) {
    auto dimOf = [&](RankedTensorType t) -> int64_t {
      int64_t j = i - (batchRank - (t.getRank() - 2));
      return j < 0 ? 1 : t.getDimSize(j);
    };
    shape.push_back(std::max(dimOf(lhsType), dimOf(rhsType)));
  }
  int64_t m = lhsType.getDimSize(lhsType.getRank() - 2);
  int64_t n = rhsType.getDimSize(rhsType.getRank() - 1);
  shape.append({m, n});
  MLIRContext *context = b.getContext();
  int64_t loops = batchRank + 3; // batch..., m, n, k
  auto operandMap = [&](RankedTensorType t, int64_t row, int64_t col) {
    SmallVector<AffineExpr> exprs;
    int64_t offset = batchRank - (t.getRank() - 2);
    for (int64_t j = 0; j < t.getRank() - 2; ++j) {
      bool stretched = t.getDimSize(j) == 1 && shape[j + offset] != 1;
      exprs.push_back(stretched ? getAffineConstantExpr(0, context)
                                : getAffineDimExpr(j + offset, context));
    }
    exprs.push_back(getAffineDimExpr(row, context));
    exprs.push_back(getAffineDimExpr(col, context));
    return AffineMap::get(loops, 0, exprs, context);
  };
  SmallVector<AffineExpr> outExprs;
  for (int64_t d = 0; d < batchRank + 2; ++d)
    outExprs.push_back(getAffineDimExpr(d, context));
  AffineMap maps[] = {operandMap(lhsType, batchRank, batchRank + 2),
                      operandMap(rhsType, batchRank + 2, batchRank + 1),
                      AffineMap::get(loops, 0, outExprs, context)};
  SmallVector<utils::IteratorType> iterators(loops - 1,
                                             utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  Value product = buildContraction(b, loc, RankedTensorType::get(shape, elt),
                                   lhs, rhs, maps, iterators);
  return buildReshape(b, loc, product, resultType);
}

namespace {

bool isFloatTensor(RankedTensorType type) {
  return type && isa<FloatType>(type.getElementType());
}

/// A constant float weight [N, K] for effai.linear from B [K, N] (MatMul,
/// Gemm with transB = 0) or [N, K] (Gemm with transB = 1), scaled by alpha.
std::optional<HostTensor> getLinearWeight(const HostTensor *b, bool transB,
                                          double alpha) {
  if (!b || b->getShape().size() != 2 || !isa<FloatType>(b->getElementType()) ||
      b->getShape()[0] == 0 || b->getShape()[1] == 0)
    return std::nullopt;
  HostTensor weight = transB ? *b : transposeHost2D(*b);
  if (alpha == 1.0)
    return weight;
  if (!b->getElementType().isF32())
    return std::nullopt;
  SmallVector<float> scaled;
  for (double v : weight.getDoubles())
    scaled.push_back(float(v * alpha));
  return HostTensor::fromFloats(b->getElementType().getContext(), scaled,
                                weight.getShape());
}

LogicalResult importMatMul(NodeContext &ctx) {
  Value lhs = ctx.input(0);
  RankedTensorType result = ctx.resultType(0);
  if (!lhs || !result)
    return failure();
  std::optional<HostTensor> weight;
  if (isFloatTensor(result))
    weight = getLinearWeight(ctx.constantInput(1), /*transB=*/false, 1.0);
  if (weight) {
    Value packed = packDenseWeight(ctx.b, ctx.loc,
                                   ctx.constant(*weight, ctx.node.input(1)));
    ctx.setResult(
        0, LinearOp::create(ctx.b, ctx.loc, result, lhs, packed, Value()));
    return success();
  }
  Value rhs = ctx.input(1);
  if (!rhs)
    return failure();
  ctx.setResult(0, buildMatMul(ctx.b, ctx.loc, lhs, rhs, result));
  return success();
}

LogicalResult importGemm(NodeContext &ctx) {
  Value a = ctx.input(0);
  RankedTensorType result = ctx.resultType(0);
  if (!a || !result)
    return failure();
  double alpha = ctx.attrFloat("alpha", 1.0f);
  double beta = ctx.attrFloat("beta", 1.0f);
  bool transA = ctx.attrInt("transA", 0) != 0;
  bool transB = ctx.attrInt("transB", 0) != 0;
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  if (transA)
    a = buildTranspose(b, loc, a, {1, 0});
  int64_t n = result.getDimSize(1);

  Value y;
  std::optional<HostTensor> weight;
  if (isFloatTensor(result))
    weight = getLinearWeight(ctx.constantInput(1), transB, alpha);
  // A constant C of N elements folds into the bias.
  const HostTensor *c = ctx.constantInput(2);
  bool biasFolds = weight && c && c->getNumElements() == n && n > 1 &&
                   c->getElementType().isF32() &&
                   (c->getShape().size() == 1 ||
                    (c->getShape().size() == 2 && c->getShape()[0] == 1));
  if (weight) {
    Value bias;
    if (biasFolds) {
      SmallVector<float> scaled;
      for (double v : c->getDoubles())
        scaled.push_back(float(v * beta));
      bias = ctx.constant(HostTensor::fromFloats(ctx.getContext(), scaled, {n}),
                          ctx.node.input(2));
    }
    Value packed =
        packDenseWeight(b, loc, ctx.constant(*weight, ctx.node.input(1)));
    y = LinearOp::create(b, loc, result, a, packed, bias);
  } else {
    Value bMatrix = ctx.input(1);
    if (!bMatrix)
      return failure();
    if (transB)
      bMatrix = buildTranspose(b, loc, bMatrix, {1, 0});
    y = buildMatMul(b, loc, a, bMatrix, result);
    if (alpha != 1.0)
      y = buildElementwise(
          b, loc, result, y, [&](OpBuilder &b, Location loc, ValueRange args) {
            Value s = buildScalar(b, loc, args[0].getType(), alpha);
            return isa<FloatType>(args[0].getType())
                       ? arith::MulFOp::create(b, loc, args[0], s).getResult()
                       : arith::MulIOp::create(b, loc, args[0], s).getResult();
          });
  }
  if (ctx.hasInput(2) && !biasFolds) {
    Value cValue = ctx.input(2);
    if (!cValue)
      return failure();
    y = buildElementwise(
        b, loc, result, {y, cValue},
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Type t = args[0].getType();
          if (isa<FloatType>(t)) {
            Value scaled = arith::MulFOp::create(b, loc, args[1],
                                                 buildScalar(b, loc, t, beta));
            return arith::AddFOp::create(b, loc, args[0], scaled).getResult();
          }
          Value scaled = arith::MulIOp::create(b, loc, args[1],
                                               buildScalar(b, loc, t, beta));
          return arith::AddIOp::create(b, loc, args[0], scaled).getResult();
        });
  }
  ctx.setResult(0, y);
  return success();
}

/// Lifts a 1-D convolution operand [N, C, L] to 2-D [N, C, 1, L].
Value liftTo2D(OpBuilder &b, Location loc, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getRank() != 3)
    return value;
  return buildReshape(
      b, loc, value,
      RankedTensorType::get(
          {type.getDimSize(0), type.getDimSize(1), 1, type.getDimSize(2)},
          type.getElementType()));
}

RankedTensorType liftTypeTo2D(RankedTensorType type) {
  if (type.getRank() != 3)
    return type;
  return RankedTensorType::get(
      {type.getDimSize(0), type.getDimSize(1), 1, type.getDimSize(2)},
      type.getElementType());
}

/// A convolution over 3 or more spatial dimensions (NCDHW x OCKDKHKW ...)
/// as one generic, loops (n, o, out... | c, k...), grouped through the input
/// channel map o / (O/G) * C/G + c. effai.conv is 2-D: 3-D layers keep plain
/// loops, without its compression or tiled kernels.
static Value buildConvND(OpBuilder &b, Location loc, RankedTensorType result,
                         Value input, Value weight, Value bias,
                         const ConvWindow &w) {
  auto inputType = cast<RankedTensorType>(input.getType());
  auto weightType = cast<RankedTensorType>(weight.getType());
  int64_t spatial = inputType.getRank() - 2;
  SmallVector<int64_t> low(2, 0), high(2, 0);
  for (int64_t i = 0; i < spatial; ++i) {
    low.push_back(w.pads[i]);
    high.push_back(w.pads[i + spatial]);
  }
  if (llvm::any_of(w.pads, [](int64_t p) { return p != 0; })) {
    SmallVector<int64_t> shape(inputType.getShape());
    for (int64_t i = 0; i < inputType.getRank(); ++i)
      shape[i] += low[i] + high[i];
    Type elt = inputType.getElementType();
    input =
        tensor::PadOp::create(b, loc, RankedTensorType::get(shape, elt), input,
                              getAsIndexOpFoldResult(b.getContext(), low),
                              getAsIndexOpFoldResult(b.getContext(), high),
                              buildScalar(b, loc, elt, 0.0));
  }
  MLIRContext *context = b.getContext();
  int64_t loops = 3 + 2 * spatial;
  auto d = [&](int64_t i) { return getAffineDimExpr(i, context); };
  auto outDim = [](int64_t i) { return 2 + i; };
  int64_t cDim = 2 + spatial;
  auto kDim = [&](int64_t i) { return cDim + 1 + i; };
  int64_t perGroupIn = weightType.getDimSize(1);
  int64_t perGroupOut = weightType.getDimSize(0) / w.group;
  SmallVector<AffineExpr> inExprs{
      d(0), d(1).floorDiv(perGroupOut) * perGroupIn + d(cDim)};
  SmallVector<AffineExpr> weightExprs{d(1), d(cDim)};
  SmallVector<AffineExpr> outExprs{d(0), d(1)};
  SmallVector<utils::IteratorType> iterators(loops,
                                             utils::IteratorType::parallel);
  iterators[cDim] = utils::IteratorType::reduction;
  for (int64_t i = 0; i < spatial; ++i) {
    inExprs.push_back(d(outDim(i)) * w.strides[i] +
                      d(kDim(i)) * w.dilations[i]);
    weightExprs.push_back(d(kDim(i)));
    outExprs.push_back(d(outDim(i)));
    iterators[kDim(i)] = utils::IteratorType::reduction;
  }
  AffineMap maps[] = {AffineMap::get(loops, 0, inExprs, context),
                      AffineMap::get(loops, 0, weightExprs, context),
                      AffineMap::get(loops, 0, outExprs, context)};
  Value conv = buildContraction(b, loc, result, input, weight, maps, iterators);
  if (!bias)
    return conv;
  // The bias [O] against [N, O, spatial...]: give it trailing unit dims.
  SmallVector<int64_t> biasShape{weightType.getDimSize(0)};
  biasShape.append(spatial, 1);
  bias = buildReshape(
      b, loc, bias, RankedTensorType::get(biasShape, result.getElementType()));
  return buildElementwise(
      b, loc, result, {conv, bias},
      [](OpBuilder &b, Location loc, ValueRange args) {
        return arith::AddFOp::create(b, loc, args[0], args[1]).getResult();
      });
}

LogicalResult importConv(NodeContext &ctx) {
  Value input = ctx.input(0), weight = ctx.input(1);
  RankedTensorType result = ctx.resultType(0);
  if (!input || !weight || !result)
    return failure();
  auto inputType = cast<RankedTensorType>(input.getType());
  auto weightType = cast<RankedTensorType>(weight.getType());
  int64_t rank = inputType.getRank();
  if (rank < 3)
    return ctx.unsupported("Conv of a rank-" + Twine(rank) +
                           " input (it needs N, C and a spatial dimension)");
  if (!isFloatTensor(inputType))
    return ctx.unsupported("Conv on non-float tensors");
  if (weightType.getNumElements() == 0)
    return ctx.unsupported("empty weights");
  FailureOr<ConvWindow> window =
      getConvWindow(ctx, inputType.getShape().drop_front(2),
                    weightType.getShape().drop_front(2));
  if (failed(window))
    return failure();
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  Value bias = ctx.hasInput(2) ? ctx.input(2) : Value();
  if (rank > 4) {
    ctx.setResult(0, buildConvND(b, loc, result, input, weight, bias, *window));
    return success();
  }
  Value packed = packDenseWeight(b, loc, liftTo2D(b, loc, weight));
  Value conv = buildConv(b, loc, liftTypeTo2D(result), liftTo2D(b, loc, input),
                         packed, bias, *window);
  ctx.setResult(0, buildReshape(b, loc, conv, result));
  return success();
}

/// ConvTranspose = conv (stride 1) over the input dilated by the strides and
/// padded by (span - 1 - pad), with filters flipped and in/out swapped. 1-D
/// layers are lifted to 2-D (effai.conv2d); 3-D and higher become the plain
/// loop nest of buildConvND.
LogicalResult importConvTranspose(NodeContext &ctx) {
  Value input = ctx.input(0), weight = ctx.input(1);
  RankedTensorType result = ctx.resultType(0);
  if (!input || !weight || !result)
    return failure();
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  input = liftTo2D(b, loc, input);
  weight = liftTo2D(b, loc, weight);
  RankedTensorType resultND = liftTypeTo2D(result);
  auto inputType = cast<RankedTensorType>(input.getType());
  auto weightType = cast<RankedTensorType>(weight.getType());
  if (inputType.getRank() < 4 || !isFloatTensor(inputType))
    return ctx.unsupported("ConvTranspose other than 1-D, 2-D or N-D float");
  if (inputType.getNumElements() == 0 || weightType.getNumElements() == 0)
    return ctx.unsupported("ConvTranspose of an empty tensor");
  size_t spatial = inputType.getRank() - 2;
  bool lifted = result.getRank() == 3;
  auto lift = [&](SmallVector<int64_t> v, int64_t unit) {
    if (lifted && v.size() == 1)
      v.insert(v.begin(), unit);
    return v;
  };
  SmallVector<int64_t> strides = lift(ctx.attrInts("strides"), 1);
  SmallVector<int64_t> dilations = lift(ctx.attrInts("dilations"), 1);
  SmallVector<int64_t> pads = ctx.attrInts("pads");
  if (lifted && pads.size() == 2)
    pads = {0, pads[0], 0, pads[1]};
  if (strides.empty())
    strides.assign(spatial, 1);
  if (dilations.empty())
    dilations.assign(spatial, 1);
  if (pads.empty())
    pads.assign(2 * spatial, 0);
  if (strides.size() != spatial || dilations.size() != spatial ||
      pads.size() != 2 * spatial) {
    ctx.emitError() << "strides, dilations and pads must match the "
                    << (lifted ? 1 : spatial) << " spatial dimensions";
    return failure();
  }
  if (failed(checkPositive(ctx, strides, "strides")) ||
      failed(checkPositive(ctx, dilations, "dilations")))
    return failure();
  int64_t group = ctx.attrInt("group", 1);
  std::string autoPad = ctx.attrString("auto_pad", "NOTSET");
  int64_t c = inputType.getDimSize(1), o = resultND.getDimSize(1);
  ArrayRef<int64_t> kernel = weightType.getShape().drop_front(2);
  // Total padding follows from the inferred output size; the begin side
  // comes from pads or auto_pad.
  SmallVector<int64_t> convPads(2 * spatial), dilated(spatial);
  for (size_t i = 0; i < spatial; ++i) {
    int64_t span = (kernel[i] - 1) * dilations[i] + 1;
    dilated[i] = (inputType.getDimSize(2 + i) - 1) * strides[i] + 1;
    int64_t out = resultND.getDimSize(2 + i);
    int64_t total = dilated[i] - 1 + span;
    int64_t begin = pads[i];
    if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      int64_t excess = std::max<int64_t>(0, total - out);
      begin = autoPad == "SAME_UPPER" ? excess / 2 : excess - excess / 2;
    } else if (autoPad == "VALID") {
      begin = 0;
    }
    convPads[i] = span - 1 - begin;
    convPads[i + spatial] = out - 1 + span - dilated[i] - convPads[i];
    if (convPads[i] < 0 || convPads[i + spatial] < 0)
      return ctx.unsupported("ConvTranspose padding larger than the kernel");
  }

  // Dilate and pad the input in one insert_slice into a zero tensor.
  Type elt = inputType.getElementType();
  SmallVector<int64_t> paddedShape{inputType.getDimSize(0), c};
  SmallVector<OpFoldResult> offsets{b.getIndexAttr(0), b.getIndexAttr(0)},
      steps{b.getIndexAttr(1), b.getIndexAttr(1)}, sizes;
  for (size_t i = 0; i < spatial; ++i) {
    paddedShape.push_back(convPads[i] + dilated[i] + convPads[i + spatial]);
    offsets.push_back(b.getIndexAttr(convPads[i]));
    steps.push_back(b.getIndexAttr(strides[i]));
  }
  for (int64_t d : inputType.getShape())
    sizes.push_back(b.getIndexAttr(d));
  Value padded = buildFill(b, loc, RankedTensorType::get(paddedShape, elt),
                           getScalarAttr(elt, 0.0));
  padded = tensor::InsertSliceOp::create(b, loc, input, padded, offsets, sizes,
                                         steps);

  // Weight [C, O/g, k...] -> flipped [O, C/g, k...].
  int64_t cg = c / group, og = o / group;
  SmallVector<int64_t> flippedShape{o, cg};
  llvm::append_range(flippedShape, kernel);
  Value flipped = buildGather(
      b, loc, RankedTensorType::get(flippedShape, elt), weight, {},
      [&](OpBuilder &b, Location loc, ValueRange pos, ValueRange) {
        auto idx = [&](int64_t v) {
          return arith::ConstantIndexOp::create(b, loc, v).getResult();
        };
        // Output channel oc = g*og + j reads input channel g*cg + i.
        Value g = arith::DivUIOp::create(b, loc, pos[0], idx(og));
        Value j = arith::RemUIOp::create(b, loc, pos[0], idx(og));
        Value channel = arith::AddIOp::create(
            b, loc, arith::MulIOp::create(b, loc, g, idx(cg)), pos[1]);
        SmallVector<Value> source{channel, j};
        for (size_t i = 0; i < spatial; ++i)
          source.push_back(
              arith::SubIOp::create(b, loc, idx(kernel[i] - 1), pos[2 + i]));
        return source;
      });
  ConvWindow window;
  window.strides.assign(spatial, 1);
  window.dilations = dilations;
  window.pads.assign(2 * spatial, 0);
  window.group = group;
  Value bias = ctx.hasInput(2) ? ctx.input(2) : Value();
  Value conv =
      spatial == 2
          ? buildConv(b, loc, resultND, padded,
                      packDenseWeight(b, loc, flipped), bias, window)
          : buildConvND(b, loc, resultND, padded, flipped, bias, window);
  ctx.setResult(0, buildReshape(b, loc, conv, result));
  return success();
}
} // namespace

void mlir::effai::onnx_import::registerMatMulConvHandlers(
    OpHandlerRegistry &r) {
  r.add("MatMul", importMatMul);
  r.add("Gemm", importGemm);
  r.add("Conv", importConv);
  r.add("ConvTranspose", importConvTranspose);
}
