//===- ChannelPrune.cpp - remove output channels, shrink consumers -*- C++ -*-//
//
// effai-prune{mode=channel}: drops the output channels of a layer with the
// smallest weight norms and rewrites everything between it and the layer
// that reads those channels, so the result is a smaller dense model. The
// path is traced first and rewritten only when every op on it is understood
// (elementwise and pooling generics, flattening reshapes); anything else
// keeps the layer whole, with a warning that names the op in the way.
//
//===----------------------------------------------------------------------===//

#include "ChannelPrune.h"

#include "effai/Transforms/InputGram.h"
#include "effai/Utils/ConstantData.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/DenseSet.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

using namespace mlir;
using namespace mlir::effai;

namespace {

/// Where channel c of a value lives: indices [c * inner, (c + 1) * inner)
/// of dimension `axis` (inner > 1 once a reshape flattened it with the
/// spatial dimensions).
struct ChannelLayout {
  int64_t axis;
  int64_t inner;
};

/// A producer, the ops its channels flow through, and their reader.
struct ChannelPath {
  Operation *producer;
  SmallVector<std::pair<Operation *, ChannelLayout>> steps;
  Operation *consumer;
  ChannelLayout consumerLayout;
};

bool isConstant(Value v) { return matchPattern(v, m_Constant()); }

/// The pack of `weight` when it is a dense float constant used only there.
PackOp getPrunableWeight(Value weight) {
  auto pack = weight.getDefiningOp<PackOp>();
  if (!pack || !pack.getResult().hasOneUse() || pack.getIndices() ||
      !isConstant(pack.getValues()))
    return nullptr;
  EncodingAttr encoding = pack.getResult().getType().getEncoding();
  if (!isa<FloatFormatAttr>(encoding.getValue()) ||
      !isa<DenseSparsityAttr>(encoding.getSparsity()))
    return nullptr;
  return pack;
}

/// The channel dimension of a compressible op's result, if it can be
/// pruned (linear: last; conv2d with one group: 1).
std::optional<int64_t> getProducerAxis(Operation *op) {
  if (auto linear = dyn_cast<LinearOp>(op))
    return linear.getResult().getType().getRank() - 1;
  if (auto conv = dyn_cast<Conv2DOp>(op); conv && conv.getGroups() == 1)
    return 1;
  return std::nullopt;
}

/// How `generic` moves the channels of its input `operand`: the result
/// layout, when the channel loop is parallel, maps straight to one result
/// dimension, and every other operand either ignores it or is a constant
/// indexed by it (per-channel parameters, sliced with it).
std::optional<ChannelLayout> throughGeneric(linalg::GenericOp generic,
                                            OpOperand &operand,
                                            ChannelLayout layout) {
  if (generic.getNumDpsInits() != 1 || generic.isDpsInit(&operand))
    return std::nullopt;
  AffineMap inMap = generic.getMatchingIndexingMap(&operand);
  auto dim = dyn_cast<AffineDimExpr>(inMap.getResult(layout.axis));
  if (!dim || generic.getIteratorTypesArray()[dim.getPosition()] !=
                  utils::IteratorType::parallel)
    return std::nullopt;
  unsigned d = dim.getPosition();
  auto positionsOf = [&](AffineMap map) {
    SmallVector<int64_t> at;
    for (auto [i, expr] : llvm::enumerate(map.getResults())) {
      if (auto e = dyn_cast<AffineDimExpr>(expr); e && e.getPosition() == d)
        at.push_back(i);
      else if (expr.isFunctionOfDim(d))
        return SmallVector<int64_t>{-1}; // mixed with other indices
    }
    return at;
  };
  OpOperand *init = generic.getDpsInitOperand(0);
  SmallVector<int64_t> outAt =
      positionsOf(generic.getMatchingIndexingMap(init));
  if (outAt.size() != 1 || outAt[0] < 0)
    return std::nullopt;
  for (OpOperand &other : generic->getOpOperands()) {
    if (&other == &operand || &other == init)
      continue;
    SmallVector<int64_t> at =
        positionsOf(generic.getMatchingIndexingMap(&other));
    if (at.empty())
      continue;
    if (at.size() != 1 || at[0] < 0 || !isConstant(other.get()))
      return std::nullopt;
  }
  // The init is rebuilt at the new size: an empty tensor, maybe filled.
  Value initValue = init->get();
  if (auto fill = initValue.getDefiningOp<linalg::FillOp>())
    initValue = fill.getOutputs()[0];
  if (!initValue.getDefiningOp<tensor::EmptyOp>())
    return std::nullopt;
  return ChannelLayout{outAt[0], layout.inner};
}

/// A reshape that keeps the dimensions before the channel axis and merges
/// it with all later ones (NCHW -> [N, C*H*W]: Flatten).
std::optional<ChannelLayout> throughFlatten(Operation *op,
                                            ChannelLayout layout) {
  if (!isa<tensor::ReshapeOp, tensor::CollapseShapeOp>(op))
    return std::nullopt;
  auto in = cast<RankedTensorType>(op->getOperand(0).getType());
  auto out = cast<RankedTensorType>(op->getResult(0).getType());
  if (!in.hasStaticShape() || !out.hasStaticShape() ||
      out.getRank() != layout.axis + 1 ||
      in.getShape().take_front(layout.axis) !=
          out.getShape().take_front(layout.axis))
    return std::nullopt;
  int64_t trailing = 1;
  for (int64_t d = layout.axis + 1; d < in.getRank(); ++d)
    trailing *= in.getDimSize(d);
  return ChannelLayout{layout.axis, layout.inner * trailing};
}

/// Follows `producer`'s channels to the op that reads them. On failure,
/// `why` says what is in the way (empty when the channels reach the
/// function's results, which fix their count).
FailureOr<ChannelPath> traceChannels(Operation *producer, std::string &why) {
  ChannelPath path{producer, {}, nullptr, {}};
  ChannelLayout layout{*getProducerAxis(producer), 1};
  Value value = producer->getResult(0);
  auto blockedBy = [&](Operation *op, StringRef reason) {
    llvm::raw_string_ostream os(why);
    os << "they reach '" << op->getName() << "' at " << op->getLoc() << ", "
       << reason;
    return failure();
  };
  while (true) {
    if (value.use_empty())
      return failure();
    Operation *user = *value.getUsers().begin();
    if (!value.hasOneUse())
      return blockedBy(user, "and other ops too");
    OpOperand &use = *value.getUses().begin();
    if (isa<func::ReturnOp>(user))
      return failure();
    auto isReader = [&](Value weight, bool layoutFits) {
      if (use.getOperandNumber() != 0 || !layoutFits)
        return false;
      return bool(getPrunableWeight(weight));
    };
    if (auto linear = dyn_cast<LinearOp>(user)) {
      if (!isReader(linear.getWeight(),
                    layout.axis == linear.getInput().getType().getRank() - 1))
        return blockedBy(user, "whose weight cannot be sliced");
      path.consumer = user;
      path.consumerLayout = layout;
      return path;
    }
    if (auto conv = dyn_cast<Conv2DOp>(user)) {
      if (!isReader(conv.getWeight(), layout.axis == 1 && layout.inner == 1 &&
                                          conv.getGroups() == 1))
        return blockedBy(user, "whose weight cannot be sliced");
      path.consumer = user;
      path.consumerLayout = layout;
      return path;
    }
    std::optional<ChannelLayout> next;
    if (auto generic = dyn_cast<linalg::GenericOp>(user))
      next = throughGeneric(generic, use, layout);
    else if (use.getOperandNumber() == 0)
      next = throughFlatten(user, layout);
    if (!next || user->getNumResults() != 1)
      return blockedBy(user, "which channel pruning cannot rewrite");
    layout = *next;
    path.steps.push_back({user, layout});
    value = user->getResult(0);
  }
}

/// `type` with the channel dimension of `layout` holding `kept` channels.
RankedTensorType shrink(RankedTensorType type, ChannelLayout layout,
                        int64_t kept) {
  SmallVector<int64_t> shape(type.getShape());
  shape[layout.axis] = kept * layout.inner;
  return RankedTensorType::get(shape, type.getElementType());
}

/// The constant `value` keeping only channels `kept` along `layout`.
Value sliceConstant(OpBuilder &b, Location loc, Value value,
                    ChannelLayout layout, ArrayRef<int64_t> kept) {
  ElementsAttr attr;
  matchPattern(value, m_Constant(&attr));
  auto type = cast<RankedTensorType>(attr.getShapedType());
  RankedTensorType newType = shrink(type, layout, kept.size());
  if (auto splat = dyn_cast<SplatElementsAttr>(attr))
    return arith::ConstantOp::create(
        b, loc,
        SplatElementsAttr::get(newType, splat.getSplatValue<Attribute>()));
  ArrayRef<char> bytes = *getDenseBytes(attr);
  int64_t eltBytes = type.getElementTypeBitWidth() / 8;
  int64_t outer = 1, chunk = eltBytes * layout.inner;
  for (int64_t d = 0; d < layout.axis; ++d)
    outer *= type.getDimSize(d);
  for (int64_t d = layout.axis + 1; d < type.getRank(); ++d)
    chunk *= type.getDimSize(d);
  int64_t channels = type.getDimSize(layout.axis) / layout.inner;
  std::vector<char> sliced;
  sliced.reserve(outer * kept.size() * chunk);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t c : kept) {
      const char *from = bytes.data() + (o * channels + c) * chunk;
      sliced.insert(sliced.end(), from, from + chunk);
    }
  return buildConstantFromBytes(b, loc, newType, sliced, "channel_pruned");
}

/// A pack of `pack`'s weight with only channels `kept` along `axis`.
Value slicePack(OpBuilder &b, PackOp pack, int64_t axis, ChannelLayout layout,
                ArrayRef<int64_t> kept) {
  WeightType type = pack.getResult().getType();
  ChannelLayout at{axis, layout.inner};
  Value values = sliceConstant(b, pack.getLoc(), pack.getValues(), at, kept);
  SmallVector<int64_t> shape(type.getShape());
  shape[axis] = kept.size() * layout.inner;
  auto newType = WeightType::get(b.getContext(), shape, type.getElementType(),
                                 type.getEncoding());
  return PackOp::create(b, pack.getLoc(), newType, values, Value());
}

/// The consumer `op`'s input Gram matrix (effai.input_gram, if any) after
/// its weight `type` kept only channels `kept` of its dimension 1 along
/// `layout`: the rows and columns of the reduction entries that remain.
void sliceInputGram(Operation *op, WeightType type, ChannelLayout layout,
                    ArrayRef<int64_t> kept) {
  int64_t size = type.getReductionSize();
  std::vector<double> gram = getInputGram(op, size);
  // Gone either way: a wrong-sized one was not this weight's.
  op->removeAttr(kInputGramAttrName);
  if (gram.empty())
    return;
  int64_t trailing = size / type.getShape()[1];
  llvm::DenseSet<int64_t> keptChannels(kept.begin(), kept.end());
  SmallVector<int64_t> entries;
  for (int64_t r = 0; r < size; ++r)
    if (keptChannels.contains(r / trailing / layout.inner))
      entries.push_back(r);
  std::vector<double> sliced;
  for (int64_t i : entries)
    for (int64_t j : entries)
      sliced.push_back(gram[i * size + j]);
  setInputGram(op, sliced);
}

/// The `keep` output channels of `weight` with the largest L1 or L2 norm,
/// in increasing order (ties to the lower channel).
SmallVector<int64_t> rankChannels(const std::vector<float> &weight,
                                  int64_t channels, int64_t keep, bool l2) {
  int64_t cols = weight.size() / channels;
  std::vector<double> norms(channels, 0.0);
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t i = 0; i < cols; ++i) {
      double v = weight[c * cols + i];
      norms[c] += l2 ? v * v : std::fabs(v);
    }
  SmallVector<int64_t> order(channels);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t b) { return norms[a] > norms[b]; });
  order.resize(keep);
  llvm::sort(order);
  return order;
}

/// Rebuilds the path with `kept` channels and erases the old ops.
void rewritePath(const ChannelPath &path, ArrayRef<int64_t> kept) {
  Operation *producer = path.producer;
  OpBuilder b(producer);
  IRMapping map;
  int64_t axis = *getProducerAxis(producer);
  auto weight = producer->getOperand(1).getDefiningOp<PackOp>();
  map.map(weight.getResult(),
          slicePack(b, weight, 0, ChannelLayout{0, 1}, kept));
  if (producer->getNumOperands() > 2)
    map.map(producer->getOperand(2),
            sliceConstant(b, producer->getLoc(), producer->getOperand(2),
                          ChannelLayout{0, 1}, kept));
  Operation *newProducer = b.clone(*producer, map);
  newProducer->getResult(0).setType(
      shrink(cast<RankedTensorType>(producer->getResult(0).getType()),
             ChannelLayout{axis, 1}, kept.size()));
  map.map(producer->getResult(0), newProducer->getResult(0));

  for (auto [op, layout] : path.steps) {
    b.setInsertionPoint(op);
    auto resultType = shrink(cast<RankedTensorType>(op->getResult(0).getType()),
                             layout, kept.size());
    if (auto generic = dyn_cast<linalg::GenericOp>(op)) {
      // Per-channel constants are sliced like the channels.
      for (OpOperand *input : generic.getDpsInputOperands()) {
        Value v = input->get();
        if (map.contains(v) || !isConstant(v))
          continue;
        AffineMap m = generic.getMatchingIndexingMap(input);
        AffineMap outMap =
            generic.getMatchingIndexingMap(generic.getDpsInitOperand(0));
        unsigned d =
            cast<AffineDimExpr>(outMap.getResult(layout.axis)).getPosition();
        for (auto [i, expr] : llvm::enumerate(m.getResults()))
          if (auto e = dyn_cast<AffineDimExpr>(expr); e && e.getPosition() == d)
            map.map(v, sliceConstant(b, op->getLoc(), v,
                                     ChannelLayout{int64_t(i), layout.inner},
                                     kept));
      }
      // The init: a new empty tensor (refilled when it was filled).
      Value init = generic.getDpsInitOperand(0)->get();
      auto fill = init.getDefiningOp<linalg::FillOp>();
      Value empty = tensor::EmptyOp::create(
          b, op->getLoc(), resultType.getShape(), resultType.getElementType());
      if (fill)
        empty =
            linalg::FillOp::create(b, op->getLoc(), fill.getInputs()[0], empty)
                .getResult(0);
      map.map(init, empty);
    } else if (auto reshape = dyn_cast<tensor::ReshapeOp>(op)) {
      SmallVector<int64_t> shape(resultType.getShape());
      auto shapeType =
          RankedTensorType::get({int64_t(shape.size())}, b.getIndexType());
      map.map(reshape.getShape(),
              arith::ConstantOp::create(
                  b, op->getLoc(),
                  DenseElementsAttr::get(
                      shapeType, llvm::map_to_vector(shape, [&](int64_t d) {
                        return Attribute(b.getIndexAttr(d));
                      }))));
    }
    Operation *clone = b.clone(*op, map);
    clone->getResult(0).setType(resultType);
    map.map(op->getResult(0), clone->getResult(0));
  }

  Operation *consumer = path.consumer;
  b.setInsertionPoint(consumer);
  auto consumerWeight = consumer->getOperand(1).getDefiningOp<PackOp>();
  map.map(consumerWeight.getResult(),
          slicePack(b, consumerWeight, 1, path.consumerLayout, kept));
  Operation *newConsumer = b.clone(*consumer, map);
  sliceInputGram(newConsumer, consumerWeight.getResult().getType(),
                 path.consumerLayout, kept);
  consumer->getResult(0).replaceAllUsesWith(newConsumer->getResult(0));

  // Erase the old path from its end, then whatever fed only it.
  SmallVector<Operation *> dead = {consumer};
  for (auto &step : llvm::reverse(path.steps))
    dead.push_back(step.first);
  dead.push_back(producer);
  SmallVector<Operation *> feeders;
  llvm::DenseSet<Operation *> seen(dead.begin(), dead.end());
  auto addFeeders = [&](Operation *op) {
    for (Value operand : op->getOperands())
      if (Operation *def = operand.getDefiningOp();
          def && seen.insert(def).second)
        feeders.push_back(def);
  };
  for (Operation *op : dead)
    addFeeders(op);
  for (Operation *op : dead)
    op->erase();
  // A feeder dies once its users have: sweep until nothing more goes.
  for (bool erased = true; erased;) {
    erased = false;
    for (size_t i = 0; i < feeders.size(); ++i) {
      Operation *def = feeders[i];
      if (!def || !def->use_empty() || !isMemoryEffectFree(def))
        continue;
      addFeeders(def);
      def->erase();
      feeders[i] = nullptr;
      erased = true;
    }
  }
}

} // namespace

void mlir::effai::pruneChannels(PackOp pack, double sparsity, bool l2,
                                int64_t minElements) {
  if (!pack.getResult().hasOneUse())
    return;
  Operation *producer = *pack.getResult().getUsers().begin();
  if (!getProducerAxis(producer) || producer->getOperand(1) != pack ||
      !getPrunableWeight(pack) ||
      pack.getResult().getType().getNumElements() < minElements)
    return;
  if (producer->getNumOperands() > 2 && !isConstant(producer->getOperand(2)))
    return;
  std::optional<std::vector<float>> weight =
      readFloatConstant(pack.getValues());
  if (!weight)
    return;
  std::string why;
  FailureOr<ChannelPath> path = traceChannels(producer, why);
  if (failed(path)) {
    if (!why.empty())
      producer->emitWarning("effai-prune: channels kept: ") << why;
    return;
  }
  int64_t channels = pack.getResult().getType().getNumOutputChannels();
  int64_t keep = std::max<int64_t>(
      1, channels - static_cast<int64_t>(std::floor(sparsity * channels)));
  if (keep == channels)
    return;
  rewritePath(*path, rankChannels(*weight, channels, keep, l2));
}
