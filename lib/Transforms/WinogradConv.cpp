//===- WinogradConv.cpp - Winograd F(2x2, 3x3) convolutions -----*- C++ -*-===//
//
// effai-winograd-conv: rewrites the convolutions effai-select-conv-algorithm
// marked winograd-f2x2-3x3 into three contractions (input transform,
// channel GEMMs, output transform). The filter is transformed here, at
// compile time; both transforms are contractions against small constants,
// which the CPU's `unrolled` kernel turns into additions.
//
//===----------------------------------------------------------------------===//

#include "effai/Dialect/Effai/IR/EffaiAttrs.h"
#include "effai/Dialect/Effai/IR/EffaiDialect.h"
#include "effai/Transforms/Passes.h"
#include "effai/Utils/ConstantData.h"
#include "effai/Utils/LinalgBuilders.h"
#include "effai/Utils/Winograd.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

namespace mlir::effai {
#define GEN_PASS_DEF_WINOGRADCONV
#include "effai/Transforms/Passes.h.inc"

namespace {

using utils::IteratorType;

SmallVector<IteratorType> getIterators(unsigned parallel, unsigned reduction) {
  SmallVector<IteratorType> iterators(parallel, IteratorType::parallel);
  iterators.append(reduction, IteratorType::reduction);
  return iterators;
}

RankedTensorType getF32Tensor(ArrayRef<int64_t> shape, MLIRContext *context) {
  return RankedTensorType::get(shape, Float32Type::get(context));
}

/// U[a, b, o, c] = (G g[o, c] G^T)[a, b]: the filter in the transformed
/// domain, one 4x4 matrix per filter and channel.
std::vector<float> transformFilter(ArrayRef<float> filter, int64_t filters,
                                   int64_t channels) {
  std::vector<float> u(16 * filters * channels);
  for (int64_t o = 0; o < filters; ++o)
    for (int64_t c = 0; c < channels; ++c) {
      const float *g = filter.data() + (o * channels + c) * 9;
      double gg[4][3] = {}; // G g
      for (int a = 0; a < 4; ++a)
        for (int j = 0; j < 3; ++j)
          for (int i = 0; i < 3; ++i)
            gg[a][j] += double(kWinogradG[a][i]) * g[i * 3 + j];
      for (int a = 0; a < 4; ++a)
        for (int b = 0; b < 4; ++b) {
          double sum = 0;
          for (int j = 0; j < 3; ++j)
            sum += gg[a][j] * double(kWinogradG[b][j]);
          u[((a * 4 + b) * filters + o) * channels + c] = float(sum);
        }
    }
  return u;
}

/// T[a, b, i, j] = t(a, i) t(b, j) for a, b < 4 and i, j < `inner`: the
/// coefficients of a 2-D transform X -> t^T X t as one contraction.
std::vector<float> getTransformCoefficients(
    int64_t inner, llvm::function_ref<float(int64_t, int64_t)> t) {
  std::vector<float> coefficients;
  for (int64_t a = 0; a < 4; ++a)
    for (int64_t b = 0; b < 4; ++b)
      for (int64_t i = 0; i < inner; ++i)
        for (int64_t j = 0; j < inner; ++j)
          coefficients.push_back(t(a, i) * t(b, j));
  return coefficients;
}

/// BB[a, b, i, j] = B^T[a, i] B^T[b, j]: (B^T d B)[a, b] = sum_ij BB d[i, j].
std::vector<float> getInputTransform() {
  return getTransformCoefficients(
      4, [](int64_t a, int64_t i) { return kWinogradBT[a][i]; });
}

/// AA[a, b, p, q] = A^T[p, a] A^T[q, b]: (A^T m A)[p, q] = sum_ab m AA.
std::vector<float> getOutputTransform() {
  return getTransformCoefficients(
      2, [](int64_t a, int64_t p) { return kWinogradAT[p][a]; });
}

/// The convolution's padded input with `extraH` rows and `extraW` columns
/// of zeros more at the bottom and right: one pad of the unpadded input
/// when it is a zero pad, not a second one.
Value padToWholeTiles(OpBuilder &b, Location loc, Value input, int64_t extraH,
                      int64_t extraW) {
  if (extraH == 0 && extraW == 0)
    return input;
  if (auto pad = input.getDefiningOp<tensor::PadOp>()) {
    Value value = pad.getConstantPaddingValue();
    SmallVector<int64_t> low(pad.getStaticLow()), high(pad.getStaticHigh());
    if (value && matchPattern(value, m_AnyZeroFloat()) &&
        !ShapedType::isDynamicShape(low) && !ShapedType::isDynamicShape(high) &&
        low[0] == 0 && low[1] == 0 && high[0] == 0 && high[1] == 0)
      return buildZeroPad(b, loc, pad.getSource(),
                          {low[2], low[3], high[2] + extraH, high[3] + extraW});
  }
  return buildZeroPad(b, loc, input, {0, 0, extraH, extraW});
}

/// Erases the pure producer of `value` once nothing uses it, and then
/// those of its operands (a fill and its tensor.empty; a pad replaced by a
/// larger one).
void eraseIfDead(Value value) {
  Operation *producer = value.getDefiningOp();
  if (!producer || !producer->use_empty() || !isPure(producer))
    return;
  SmallVector<Value> operands(producer->getOperands());
  producer->erase();
  for (Value operand : operands)
    eraseIfDead(operand);
}

/// Replaces `conv` by its Winograd form; an error when the filter's values
/// cannot be read.
LogicalResult rewriteConv(linalg::GenericOp conv,
                          const WinogradConvShape &shape) {
  MLIRContext *context = conv.getContext();
  OpBuilder b(conv);
  Location loc = conv.getLoc();
  std::optional<std::vector<float>> filter =
      readFloatConstant(conv.getDpsInputs()[1]);
  if (!filter)
    return conv.emitError("effai-winograd-conv: cannot read the filter's "
                          "values");
  int64_t c = shape.channels, o = shape.filters;
  int64_t th = shape.tilesH, tw = shape.tilesW;
  Value input = conv.getDpsInputs()[0];
  auto inputType = cast<RankedTensorType>(input.getType());
  Value padded =
      padToWholeTiles(b, loc, input, 2 * th + 2 - inputType.getDimSize(2),
                      2 * tw + 2 - inputType.getDimSize(3));
  auto d = [&](unsigned i) { return getAffineDimExpr(i, context); };
  auto map = [&](unsigned dims, ArrayRef<AffineExpr> exprs) {
    return AffineMap::get(dims, 0, exprs, context);
  };

  // V[a, b, c, ty, tx] = sum_ij BB[a, b, i, j] x[0, c, 2ty + i, 2tx + j],
  // loops (c, ty, tx, a, b | i, j).
  Value bb = buildConstant<float>(b, loc, getF32Tensor({4, 4, 4, 4}, context),
                                  getInputTransform(), "winograd_input");
  Value v = buildContraction(
      b, loc, getF32Tensor({4, 4, c, th, tw}, context), padded, bb,
      {map(7, {getAffineConstantExpr(0, context), d(0), 2 * d(1) + d(5),
               2 * d(2) + d(6)}),
       map(7, {d(3), d(4), d(5), d(6)}),
       map(7, {d(3), d(4), d(0), d(1), d(2)})},
      getIterators(5, 2));

  // M[a, b, o, ty, tx] = sum_c U[a, b, o, c] V[a, b, c, ty, tx], loops
  // (a, b, ty, tx, o | c): 16 GEMMs.
  Value u = buildConstant<float>(b, loc, getF32Tensor({4, 4, o, c}, context),
                                 transformFilter(*filter, o, c),
                                 "winograd_filter");
  Value m = buildContraction(
      b, loc, getF32Tensor({4, 4, o, th, tw}, context), v, u,
      {map(6, {d(0), d(1), d(5), d(2), d(3)}), map(6, {d(0), d(1), d(4), d(5)}),
       map(6, {d(0), d(1), d(4), d(2), d(3)})},
      getIterators(5, 1));

  // Y[o, ty, p, tx, q] = sum_ab M[a, b, o, ty, tx] AA[a, b, p, q], loops
  // (o, ty, tx, p, q | a, b): row 2ty + p, column 2tx + q of the result.
  Value aa = buildConstant<float>(b, loc, getF32Tensor({4, 4, 2, 2}, context),
                                  getOutputTransform(), "winograd_output");
  Value y = buildContraction(
      b, loc, getF32Tensor({o, th, 2, tw, 2}, context), m, aa,
      {map(7, {d(5), d(6), d(0), d(1), d(2)}), map(7, {d(5), d(6), d(3), d(4)}),
       map(7, {d(0), d(1), d(3), d(2), d(4)})},
      getIterators(5, 2));
  y = tensor::CollapseShapeOp::create(
      b, loc, getF32Tensor({o, 2 * th, 2 * tw}, context), y,
      ArrayRef<ReassociationIndices>{{0}, {1, 2}, {3, 4}});
  y = tensor::ExpandShapeOp::create(
      b, loc, getF32Tensor({1, o, 2 * th, 2 * tw}, context), y,
      ArrayRef<ReassociationIndices>{{0, 1}, {2}, {3}});
  auto resultType = cast<RankedTensorType>(conv->getResult(0).getType());
  if (y.getType() != resultType)
    y = tensor::ExtractSliceOp::create(
        b, loc, resultType, y,
        SmallVector<OpFoldResult>(4, b.getIndexAttr(0)),
        getAsIndexOpFoldResult(context, resultType.getShape()),
        SmallVector<OpFoldResult>(4, b.getIndexAttr(1)));

  // The direct form's operands die with it.
  Value init = conv.getDpsInits()[0], oldFilter = conv.getDpsInputs()[1];
  conv->getResult(0).replaceAllUsesWith(y);
  conv->erase();
  eraseIfDead(init);
  eraseIfDead(input);
  eraseIfDead(oldFilter);
  return success();
}

struct WinogradConvPass : public impl::WinogradConvBase<WinogradConvPass> {
  void runOnOperation() override {
    SmallVector<linalg::GenericOp> marked;
    getOperation()->walk([&](linalg::GenericOp op) {
      auto algorithm = op->getAttrOfType<ConvAlgorithmAttr>(
          ConvAlgorithmAttr::getAttrName());
      if (algorithm && algorithm.isWinograd())
        marked.push_back(op);
    });
    for (linalg::GenericOp op : marked) {
      std::string reason;
      FailureOr<WinogradConvShape> shape = matchWinogradConv(op, reason);
      if (failed(shape)) {
        op.emitError("effai-winograd-conv: marked winograd-f2x2-3x3 but ")
            << reason;
        return signalPassFailure();
      }
      if (failed(rewriteConv(op, *shape)))
        return signalPassFailure();
    }
  }
};
} // namespace
} // namespace mlir::effai
