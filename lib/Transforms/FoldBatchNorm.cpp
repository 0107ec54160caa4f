//===- FoldBatchNorm.cpp - BatchNormalization into conv weights ----------===//
//
// An inference BatchNormalization after a convolution is y * a[c] + b[c]
// per output channel: scaling the conv's weights by a and its bias to
// bias * a + b removes it (and its pass over the activations). The importer
// writes BatchNormalization, and Mul/Add by per-channel constants, as an
// elementwise linalg.generic; this pass proves symbolically that such a
// generic is affine in the layer's output with per-channel constant
// coefficients, then folds it.
//
//===----------------------------------------------------------------------===//

#include "WeightRewrite.h"

#include "effai/Transforms/Passes.h"
#include "effai/Utils/ConstantData.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

namespace mlir::effai {
#define GEN_PASS_DEF_FOLDBATCHNORM
#include "effai/Transforms/Passes.h.inc"
} // namespace mlir::effai

using namespace mlir;
using namespace mlir::effai;

namespace {

/// a * y + b, with `y` the layer output; a == 0 for a constant.
struct Affine {
  double a = 0, b = 0;
  bool isConstant() const { return a == 0; }
};

/// The per-channel values of a generic operand read through `map`: a
/// constant (behind reshapes) that varies at most along loop `channelDim`.
/// One entry (broadcast) or `channels` entries; none when not such a value.
std::optional<std::vector<float>> readChannelConstant(Value operand,
                                                      AffineMap map,
                                                      unsigned channelDim,
                                                      int64_t channels) {
  auto type = dyn_cast<RankedTensorType>(operand.getType());
  if (!type || !type.getElementType().isF32())
    return std::nullopt;
  bool perChannel = false;
  for (auto [expr, size] : llvm::zip_equal(map.getResults(), type.getShape())) {
    if (auto dim = dyn_cast<AffineDimExpr>(expr);
        dim && dim.getPosition() == channelDim && size == channels) {
      perChannel = true;
      continue;
    }
    if (size != 1)
      return std::nullopt;
  }
  // Reshapes keep the element order: read the constant behind them.
  Value source = operand;
  while (Operation *def = source.getDefiningOp()) {
    if (!isa<tensor::ReshapeOp, tensor::ExpandShapeOp, tensor::CollapseShapeOp>(
            def))
      break;
    source = def->getOperand(0);
  }
  std::optional<std::vector<float>> values = readFloatConstant(source);
  if (!values || int64_t(values->size()) != (perChannel ? channels : 1))
    return std::nullopt;
  return values;
}

/// The generic's body as a * y + b for channel `c` (`y`: the block argument
/// of the layer output, `constants`: the other inputs' values); none when
/// any op is not affine in y (y * y, 1 / y, max(y, 0), ...).
std::optional<Affine>
evaluateAffine(Block &body, unsigned yIndex,
               ArrayRef<std::optional<std::vector<float>>> constants,
               int64_t c) {
  DenseMap<Value, Affine> values;
  for (auto [i, arg] : llvm::enumerate(body.getArguments())) {
    if (i == yIndex)
      values[arg] = {1.0, 0.0};
    else if (i < constants.size() && constants[i])
      values[arg] = {0.0, (*constants[i])[constants[i]->size() == 1 ? 0 : c]};
  }
  auto get = [&](Value v) -> std::optional<Affine> {
    auto it = values.find(v);
    if (it != values.end())
      return it->second;
    FloatAttr attr;
    if (matchPattern(v, m_Constant(&attr)))
      return Affine{0.0, attr.getValueAsDouble()};
    return std::nullopt;
  };
  for (Operation &op : body.without_terminator()) {
    if (isa<arith::ConstantOp>(op))
      continue;
    SmallVector<Affine> in;
    for (Value operand : op.getOperands()) {
      std::optional<Affine> v = get(operand);
      if (!v)
        return std::nullopt;
      in.push_back(*v);
    }
    std::optional<Affine> out;
    if (isa<arith::AddFOp>(op))
      out = Affine{in[0].a + in[1].a, in[0].b + in[1].b};
    else if (isa<arith::SubFOp>(op))
      out = Affine{in[0].a - in[1].a, in[0].b - in[1].b};
    else if (isa<arith::NegFOp>(op))
      out = Affine{-in[0].a, -in[0].b};
    else if (isa<arith::MulFOp>(op) && (in[0].isConstant() || in[1].isConstant()))
      out = in[0].isConstant() ? Affine{in[1].a * in[0].b, in[1].b * in[0].b}
                               : Affine{in[0].a * in[1].b, in[0].b * in[1].b};
    else if (isa<arith::DivFOp>(op) && in[1].isConstant() && in[1].b != 0)
      out = Affine{in[0].a / in[1].b, in[0].b / in[1].b};
    else if (isa<math::SqrtOp>(op) && in[0].isConstant())
      out = Affine{0.0, std::sqrt(in[0].b)};
    else if (isa<math::RsqrtOp>(op) && in[0].isConstant())
      out = Affine{0.0, 1.0 / std::sqrt(in[0].b)};
    if (!out || !std::isfinite(out->a) || !std::isfinite(out->b))
      return std::nullopt;
    values[op.getResult(0)] = *out;
  }
  return get(body.getTerminator()->getOperand(0));
}

/// The output channel loop of a layer's result: C of NCHW, N of [..., N].
unsigned getChannelDim(Operation *layer) {
  auto type = cast<RankedTensorType>(layer->getResult(0).getType());
  return isa<LinearOp>(layer) ? type.getRank() - 1 : 1;
}

struct FoldChannelAffineIntoLayer : public OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp generic,
                                PatternRewriter &rewriter) const override {
    if (generic.getNumDpsInits() != 1 ||
        generic.getNumParallelLoops() != generic.getNumLoops() ||
        !generic.getMatchingBlockArgument(generic.getDpsInitOperand(0))
             .use_empty())
      return rewriter.notifyMatchFailure(generic, "not elementwise");
    // The one input that a float conv or linear layer produces, read
    // point by point, and read by nothing else.
    OpOperand *yOperand = nullptr;
    for (OpOperand *input : generic.getDpsInputOperands()) {
      Operation *def = input->get().getDefiningOp();
      if (!isa_and_nonnull<Conv2DOp, DepthwiseConv2DOp, LinearOp>(def))
        continue;
      if (yOperand)
        return rewriter.notifyMatchFailure(generic, "two layer outputs");
      yOperand = input;
    }
    if (!yOperand || !yOperand->get().hasOneUse() ||
        !generic.getMatchingIndexingMap(yOperand).isIdentity() ||
        yOperand->get().getType() != generic.getResult(0).getType())
      return rewriter.notifyMatchFailure(generic, "no layer output to fold");
    Operation *layer = yOperand->get().getDefiningOp();
    auto pack = layer->getOperand(1).getDefiningOp<PackOp>();
    if (!pack || !pack->hasOneUse())
      return rewriter.notifyMatchFailure(generic, "weight not its own pack");
    std::optional<FloatWeight> weight =
        readFloatWeight(pack, /*minElements=*/0, "effai-fold-batch-norm");
    if (!weight || !cast<ShapedType>(yOperand->get().getType())
                        .getElementType()
                        .isF32())
      return rewriter.notifyMatchFailure(generic, "not a constant f32 weight");
    int64_t channels = weight->type.getNumOutputChannels();
    Value bias = layer->getNumOperands() > 2 ? layer->getOperand(2) : Value();
    std::optional<std::vector<float>> biasValues =
        bias ? readFloatConstant(bias) : std::vector<float>(channels, 0.0f);
    if (!biasValues || int64_t(biasValues->size()) != channels)
      return rewriter.notifyMatchFailure(generic, "bias not constant");

    unsigned channelDim = getChannelDim(layer);
    SmallVector<std::optional<std::vector<float>>> constants;
    for (OpOperand *input : generic.getDpsInputOperands()) {
      if (input == yOperand) {
        constants.push_back(std::nullopt);
        continue;
      }
      constants.push_back(readChannelConstant(
          input->get(), generic.getMatchingIndexingMap(input), channelDim,
          channels));
      if (!constants.back())
        return rewriter.notifyMatchFailure(generic, "operand not per-channel");
    }
    SmallVector<Affine> coefficients;
    for (int64_t c = 0; c < channels; ++c) {
      std::optional<Affine> f =
          evaluateAffine(*generic.getBlock(), yOperand->getOperandNumber(),
                         constants, c);
      if (!f)
        return rewriter.notifyMatchFailure(generic, "body not affine in y");
      coefficients.push_back(*f);
    }

    // w' = a[o] * w, bias' = a * bias + b (in double, rounded once).
    std::vector<float> values = weight->values;
    for (auto [value, channel] : llvm::zip_equal(values, weight->channels))
      value = float(double(value) * coefficients[channel].a);
    std::vector<float> newBias(channels);
    for (int64_t c = 0; c < channels; ++c)
      newBias[c] = float(double((*biasValues)[c]) * coefficients[c].a +
                         coefficients[c].b);
    rewriter.setInsertionPoint(pack);
    auto valuesType = cast<RankedTensorType>(pack.getValues().getType());
    Value newValues = buildConstant(rewriter, pack.getLoc(), valuesType,
                                    ArrayRef<float>(values), "folded_weight");
    rewriter.setInsertionPoint(layer);
    Value biasValue = buildConstant(
        rewriter, layer->getLoc(),
        RankedTensorType::get({channels}, rewriter.getF32Type()),
        ArrayRef<float>(newBias), "folded_bias");
    Operation *oldValues = pack.getValues().getDefiningOp();
    rewriter.setInsertionPoint(pack);
    rewriter.replaceOpWithNewOp<PackOp>(pack, weight->type, newValues,
                                        pack.getIndices());
    if (oldValues->use_empty())
      rewriter.eraseOp(oldValues);
    // The layer now computes both: its location says so (the report).
    rewriter.modifyOpInPlace(layer, [&] {
      MutableOperandRange biasOperand =
          TypeSwitch<Operation *, MutableOperandRange>(layer)
              .Case<Conv2DOp, DepthwiseConv2DOp, LinearOp>(
                  [](auto op) { return op.getBiasMutable(); });
      biasOperand.assign(biasValue);
      layer->setLoc(rewriter.getFusedLoc({layer->getLoc(), generic.getLoc()}));
    });
    rewriter.replaceOp(generic, layer->getResult(0));
    return success();
  }
};

struct FoldBatchNormPass
    : effai::impl::FoldBatchNormBase<FoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldChannelAffineIntoLayer>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
