//===- WeightRewrite.h - shared steps of weight rewrites --------*- C++ -*-===//
//
// Compression passes (prune, shift-quantize...) all replace an effai.pack
// by a new payload and type; the replacement and the walk live here.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_LIB_TRANSFORMS_WEIGHTREWRITE_H
#define EFFAI_LIB_TRANSFORMS_WEIGHTREWRITE_H

#include "effai/Dialect/Effai/IR/EffaiOps.h"

namespace mlir::effai {

/// The stored values of a constant float weight and where they belong.
struct FloatWeight {
  WeightType type;
  std::vector<float> values;
  /// Output channel of each stored value.
  SmallVector<int64_t> channels;
  /// Flat position of each stored value in the `[O, R]` view.
  SmallVector<int64_t> positions;

  /// The largest |value| per output channel (`perChannel`) or over the
  /// tensor (one entry); 1 where everything is zero.
  SmallVector<double> getMaxMagnitudes(bool perChannel) const;
};

/// `pack`'s weight when it has a float value format, at least
/// `minElements` elements, and constant f32 values (and indices); else
/// nullopt. Invalid indices get a warning prefixed by `passName`.
std::optional<FloatWeight> readFloatWeight(PackOp pack, int64_t minElements,
                                           StringRef passName);

/// Replaces `pack` by a pack of `values` (and `indices`, may be null) of
/// weight type `type`, and erases the old payload constants once unused.
void replacePack(PackOp pack, WeightType type, Value values, Value indices);

/// Replaces `pack` by a pack of one-byte `codes` (a constant named
/// `name`) of weight type `type`, keeping its indices.
void replacePackWithCodes(PackOp pack, WeightType type, ArrayRef<int8_t> codes,
                          StringRef name);

/// Calls `fn` on every effai.pack under `root` whose walk-order number is in
/// `layers` (every pack when `layers` is empty). Packs are collected first,
/// so `fn` may replace the op it gets.
void forEachPack(Operation *root, ArrayRef<int64_t> layers,
                 function_ref<void(PackOp)> fn);

/// Fails with "PASS: OPTION must be A, B or C, got 'VALUE'" on `root`
/// unless `value` is one of `allowed`.
LogicalResult checkOptionValue(Operation *root, StringRef pass,
                               StringRef option, StringRef value,
                               ArrayRef<StringRef> allowed);

/// The `rounding` (value | log) and `scale` (max | search) options of the
/// power-of-two quantizers.
LogicalResult checkRoundingAndScale(Operation *root, StringRef pass,
                                    StringRef rounding, StringRef scale);

} // namespace mlir::effai

#endif // EFFAI_LIB_TRANSFORMS_WEIGHTREWRITE_H
