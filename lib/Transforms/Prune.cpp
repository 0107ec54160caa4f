//===- Prune.cpp - magnitude pruning into sparse encodings ------*- C++ -*-===//
//
// One-shot magnitude pruning of constant float weights. The kept weights
// and their positions become the payload of a sparse encoding, so the IR
// says exactly what was removed and the lowering skips it.
//
//===----------------------------------------------------------------------===//

#include "ChannelPrune.h"
#include "ErrorFeedback.h"
#include "WeightRewrite.h"

#include "effai/Dialect/Effai/IR/EffaiOps.h"
#include "effai/Dialect/Effai/IR/PackedIndices.h"
#include "effai/Transforms/Passes.h"
#include "effai/Utils/ConstantData.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mlir::effai {
#define GEN_PASS_DEF_PRUNE
#include "effai/Transforms/Passes.h.inc"

namespace {

/// The [O, R] view of a weight and what pruning keeps of it.
struct PrunedWeight {
  SparsityFormatAttrInterface sparsity;
  std::vector<float> values;
  std::vector<uint8_t> packedIndices; // nm, delta, bitmap
  std::vector<int32_t> coordinates;   // unstructured, block: pairs
};

/// How magnitude pruning stores positions (the pass's index options).
struct IndexChoice {
  std::string index;
  unsigned deltaBits;
  unsigned valueBits;
};

/// Indices of `scores` sorted by decreasing score, ties by index.
std::vector<int64_t> rankByScore(const std::vector<double> &scores) {
  std::vector<int64_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t b) { return scores[a] > scores[b]; });
  return order;
}

/// The delta width with the smallest payload for `positions` (ties: the
/// narrower), among `deltaBits` alone when it is set.
std::pair<unsigned, int64_t> chooseDeltaBits(ArrayRef<int64_t> positions,
                                             const IndexChoice &choice) {
  unsigned best = 0;
  int64_t bestBits = 0;
  for (unsigned bits = 1; bits <= kMaxPackedFieldBits; ++bits) {
    if (choice.deltaBits != 0 && bits != choice.deltaBits)
      continue;
    int64_t payloadBits =
        countDeltaEntries(positions, bits) * int64_t(choice.valueBits + bits);
    if (best == 0 || payloadBits < bestBits) {
      best = bits;
      bestBits = payloadBits;
    }
  }
  return {best, bestBits};
}

/// The weights of `w` marked in `kept`, stored as `choice` says.
PrunedWeight keepMarked(MLIRContext *ctx, const std::vector<float> &w,
                        int64_t cols, const std::vector<bool> &kept,
                        const IndexChoice &choice) {
  std::vector<int64_t> positions;
  for (size_t index = 0; index < w.size(); ++index)
    if (kept[index])
      positions.push_back(int64_t(index));
  int64_t count = positions.size();
  PrunedWeight result;
  if (choice.index == "pairs") {
    for (int64_t index : positions) {
      result.values.push_back(w[index]); // row-major payload order
      result.coordinates.push_back(static_cast<int32_t>(index / cols));
      result.coordinates.push_back(static_cast<int32_t>(index % cols));
    }
    result.sparsity = UnstructuredSparsityAttr::get(ctx, count);
    return result;
  }
  auto [deltaBits, deltaPayloadBits] = chooseDeltaBits(positions, choice);
  int64_t bitmapPayloadBits =
      count * int64_t(choice.valueBits) + int64_t(w.size());
  bool useBitmap =
      choice.index == "bitmap" ||
      (choice.index == "auto" && bitmapPayloadBits <= deltaPayloadBits);
  if (useBitmap) {
    std::vector<uint32_t> bits(w.size(), 0);
    for (int64_t index : positions) {
      bits[index] = 1;
      result.values.push_back(w[index]);
    }
    result.packedIndices = packFields(bits, 1);
    result.sparsity = BitmapSparsityAttr::get(ctx, count);
    return result;
  }
  DeltaStream stream = buildDeltaStream(positions, deltaBits);
  for (auto [position, isFiller] :
       llvm::zip_equal(stream.positions, stream.isFiller))
    result.values.push_back(isFiller ? 0.0f : w[position]);
  result.packedIndices = packFields(stream.deltas, deltaBits);
  result.sparsity =
      DeltaSparsityAttr::get(ctx, int64_t(stream.positions.size()), deltaBits);
  return result;
}

/// Marks the `1 - sparsity` fraction of `scores` that rank highest (at
/// least one).
std::vector<bool> markLargest(const std::vector<double> &scores,
                              double sparsity) {
  int64_t total = scores.size();
  int64_t keep = std::max<int64_t>(
      1, total - static_cast<int64_t>(std::floor(sparsity * total)));
  std::vector<int64_t> order = rankByScore(scores);
  std::vector<bool> kept(total, false);
  for (int64_t i = 0; i < keep; ++i)
    kept[order[i]] = true;
  return kept;
}

std::vector<double> magnitudes(const std::vector<float> &w) {
  std::vector<double> scores(w.begin(), w.end());
  for (double &s : scores)
    s = std::fabs(s);
  return scores;
}

PrunedWeight pruneNM(MLIRContext *ctx, const std::vector<float> &w,
                     int64_t rows, int64_t cols, int64_t n, int64_t m) {
  PrunedWeight result;
  result.sparsity = NMSparsityAttr::get(ctx, n, m);
  std::vector<uint32_t> groupPositions;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t g = 0; g < cols; g += m) {
      std::vector<double> scores(m);
      for (int64_t i = 0; i < m; ++i)
        scores[i] = std::fabs(w[r * cols + g + i]);
      std::vector<int64_t> kept = rankByScore(scores);
      kept.resize(n);
      std::sort(kept.begin(), kept.end());
      for (int64_t position : kept) {
        result.values.push_back(w[r * cols + g + position]);
        groupPositions.push_back(uint32_t(position));
      }
    }
  result.packedIndices = packFields(groupPositions, getNMPositionBits(m));
  return result;
}

PrunedWeight pruneBlocks(MLIRContext *ctx, const std::vector<float> &w,
                         int64_t rows, int64_t cols, int64_t bo, int64_t br,
                         double sparsity, bool l2) {
  int64_t blockRows = rows / bo, blockCols = cols / br;
  int64_t total = blockRows * blockCols;
  std::vector<double> scores(total, 0.0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      double v = w[r * cols + c];
      scores[(r / bo) * blockCols + c / br] += l2 ? v * v : std::fabs(v);
    }
  int64_t keep = std::max<int64_t>(
      1, total - static_cast<int64_t>(std::floor(sparsity * total)));
  std::vector<int64_t> kept = rankByScore(scores);
  kept.resize(keep);
  std::sort(kept.begin(), kept.end());
  PrunedWeight result;
  result.sparsity = BlockSparsityAttr::get(ctx, {bo, br}, keep);
  for (int64_t block : kept) {
    int64_t br0 = block / blockCols, bc0 = block % blockCols;
    result.coordinates.push_back(static_cast<int32_t>(br0));
    result.coordinates.push_back(static_cast<int32_t>(bc0));
    for (int64_t r = 0; r < bo; ++r)
      for (int64_t c = 0; c < br; ++c)
        result.values.push_back(w[(br0 * bo + r) * cols + bc0 * br + c]);
  }
  return result;
}

struct PrunePass : public impl::PruneBase<PrunePass> {
  using Base::Base;

  LogicalResult checkOptions() {
    ModuleOp module = getOperation();
    if (mode != "magnitude" && mode != "nm" && mode != "block" &&
        mode != "channel")
      return module.emitError("effai-prune: unknown mode '")
             << static_cast<std::string>(mode)
             << "' (expected magnitude, nm, block or channel)";
    if (!(sparsity >= 0.0 && sparsity < 1.0))
      return module.emitError("effai-prune: sparsity must be in [0, 1), got ")
             << static_cast<double>(sparsity);
    if (mode == "nm" && (m < 1 || n < 1 || n > m || m > 127))
      return module.emitError("effai-prune: need 1 <= n <= m <= 127, got ")
             << static_cast<int64_t>(n) << ":" << static_cast<int64_t>(m);
    if (mode == "block" && (blockRows < 1 || blockCols < 1))
      return module.emitError("effai-prune: block sizes must be positive");
    if (scope != "layer" && scope != "global")
      return module.emitError("effai-prune: scope must be layer or global, "
                              "got '")
             << static_cast<std::string>(scope) << "'";
    if (scope == "global" && mode != "magnitude")
      return module.emitError("effai-prune: scope=global needs "
                              "mode=magnitude");
    if (norm != "l1" && norm != "l2")
      return module.emitError("effai-prune: norm must be l1 or l2, got '")
             << static_cast<std::string>(norm) << "'";
    if (failed(checkOptionValue(module, getArgument(), "index", index,
                                {"auto", "delta", "bitmap", "pairs"})))
      return failure();
    if (deltaBits > kMaxPackedFieldBits)
      return module.emitError("effai-prune: delta-bits must be in [1, ")
             << kMaxPackedFieldBits << "] (or 0: chosen), got "
             << static_cast<unsigned>(deltaBits);
    if (valueBits < 1 || valueBits > 64)
      return module.emitError("effai-prune: value-bits must be in [1, 64], "
                              "got ")
             << static_cast<unsigned>(valueBits);
    return success();
  }

  /// Why `type`'s [O, R] view cannot take the requested structure, or "".
  std::string unsupportedStructure(WeightType type) const {
    int64_t rows = type.getNumOutputChannels();
    int64_t cols = type.getReductionSize();
    if (mode == "nm" && cols % m != 0)
      return "its reduction size " + std::to_string(cols) +
             " is not a multiple of m = " + std::to_string(m);
    if (mode == "block" && (rows % blockRows != 0 || cols % blockCols != 0))
      return "its [" + std::to_string(rows) + ", " + std::to_string(cols) +
             "] view does not tile by [" + std::to_string(blockRows) + ", " +
             std::to_string(blockCols) + "]";
    return "";
  }

  /// The values of `pack` when the pass prunes it: a dense float weight of
  /// at least min-elements constant f32 values.
  std::optional<std::vector<float>> readPrunable(PackOp pack) const {
    auto type = cast<WeightType>(pack.getResult().getType());
    if (!isa<FloatFormatAttr>(type.getEncoding().getValue()) ||
        !isa<DenseSparsityAttr>(type.getEncoding().getSparsity()) ||
        type.getNumElements() < minElements)
      return std::nullopt;
    return readFloatConstant(pack.getValues());
  }

  void pruneOne(PackOp pack) {
    auto type = cast<WeightType>(pack.getResult().getType());
    EncodingAttr encoding = type.getEncoding();
    std::optional<std::vector<float>> weights = readPrunable(pack);
    if (!weights)
      return;
    if (std::string why = unsupportedStructure(type); !why.empty()) {
      pack.emitWarning("effai-prune: left dense: ") << why;
      return;
    }
    MLIRContext *ctx = &getContext();
    int64_t rows = type.getNumOutputChannels(), cols = type.getReductionSize();
    PrunedWeight pruned;
    if (mode == "nm") {
      pruned = pruneNM(ctx, *weights, rows, cols, n, m);
    } else if (mode == "block") {
      pruned = pruneBlocks(ctx, *weights, rows, cols, blockRows, blockCols,
                           sparsity, norm == "l2");
    } else {
      std::vector<bool> kept =
          keptByGlobalRank.count(pack)
              ? keptByGlobalRank[pack]
              : markLargest(magnitudes(*weights), sparsity);
      if (errorFeedback)
        feedPrunedWeightsForward(pack, *weights, kept);
      pruned = keepMarked(ctx, *weights, cols, kept,
                          IndexChoice{index, deltaBits, valueBits});
    }

    auto newType = WeightType::get(
        ctx, type.getShape(), type.getElementType(),
        EncodingAttr::get(ctx, encoding.getValue(), pruned.sparsity));
    OpBuilder b(pack);
    Location loc = pack.getLoc();
    Value values = buildConstant<float>(b, loc, newType.getValuesType(),
                                        pruned.values, "pruned_values");
    Value indices =
        pruned.coordinates.empty()
            ? buildConstant<uint8_t>(b, loc, newType.getIndicesType(),
                                     pruned.packedIndices, "pruned_indices")
            : buildConstant<int32_t>(b, loc, newType.getIndicesType(),
                                     pruned.coordinates, "pruned_indices");
    replacePack(pack, newType, values, indices);
  }

  /// SparseGPT's update with the mask fixed: the kept values of `weights`
  /// absorb what the pruned ones contributed to the layer's output on the
  /// calibration data (when `pack`'s consumer has a Gram matrix).
  void feedPrunedWeightsForward(PackOp pack, std::vector<float> &weights,
                                const std::vector<bool> &kept) {
    auto type = cast<WeightType>(pack.getResult().getType());
    FloatWeight dense{type, weights, {}, {}};
    for (int64_t position = 0; position < int64_t(weights.size()); ++position) {
      dense.channels.push_back(position / type.getReductionSize());
      dense.positions.push_back(position);
    }
    if (feedRoundingErrorsForward(
            pack, dense, getArgument(),
            [&](size_t index, double value) {
              return kept[index] ? value : 0.0;
            },
            refineSweeps))
      weights = std::move(dense.values);
  }

  void runOnOperation() override {
    if (failed(checkOptions()))
      return signalPassFailure();
    SmallVector<int64_t> selected(layers.begin(), layers.end());
    if (mode == "channel") {
      // Each rewrite replaces this layer's pack and the next one's: look
      // the layer up again (rewrites keep the packs' order).
      int64_t count = 0;
      getOperation()->walk([&](PackOp) { ++count; });
      for (int64_t layer = 0; layer < count; ++layer)
        if (selected.empty() || llvm::is_contained(selected, layer))
          forEachPack(getOperation(), {layer}, [&](PackOp pack) {
            pruneChannels(pack, sparsity, norm == "l2", minElements);
          });
      return;
    }
    keptByGlobalRank.clear();
    if (scope == "global")
      rankGlobally(selected);
    forEachPack(getOperation(), selected, [&](PackOp pack) { pruneOne(pack); });
  }

  /// scope=global: one magnitude ranking over every weight the pass would
  /// prune, so layers keep different fractions (ties: earlier layer, then
  /// lower index).
  void rankGlobally(ArrayRef<int64_t> selected) {
    SmallVector<std::pair<PackOp, std::vector<float>>> weights;
    forEachPack(getOperation(), selected, [&](PackOp pack) {
      if (std::optional<std::vector<float>> w = readPrunable(pack))
        weights.push_back({pack, std::move(*w)});
    });
    std::vector<double> scores;
    for (auto &[pack, w] : weights)
      llvm::append_range(scores, magnitudes(w));
    std::vector<bool> kept = markLargest(scores, sparsity);
    size_t offset = 0;
    for (auto &[pack, w] : weights) {
      std::vector<bool> mine(kept.begin() + offset,
                             kept.begin() + offset + w.size());
      offset += w.size();
      if (llvm::none_of(mine, [](bool k) { return k; }))
        pack.emitWarning("effai-prune: scope=global removes every weight of "
                         "this layer (all are smaller than the other "
                         "layers' kept ones)");
      keptByGlobalRank[pack] = std::move(mine);
    }
  }

  /// What scope=global keeps of each weight.
  llvm::DenseMap<Operation *, std::vector<bool>> keptByGlobalRank;
};

} // namespace
} // namespace mlir::effai
