//===- WeightRewrite.h - shared steps of weight-rewriting passes -*- C++
//-*-===//
//
// Compression passes (prune, shift-quantize...) all replace an effai.pack
// by a new payload and type; the replacement and the walk live here.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_LIB_TRANSFORMS_WEIGHTREWRITE_H
#define EFFAI_LIB_TRANSFORMS_WEIGHTREWRITE_H

#include "effai/Dialect/Effai/IR/EffaiOps.h"

namespace mlir::effai {

/// Replaces `pack` by a pack of `values` (and `indices`, may be null) of
/// weight type `type`, and erases the old payload constants once unused.
void replacePack(PackOp pack, WeightType type, Value values, Value indices);

/// Calls `fn` on every effai.pack under `root`, collected first so `fn` may
/// replace the op it gets.
void forEachPack(Operation *root, function_ref<void(PackOp)> fn);

} // namespace mlir::effai

#endif // EFFAI_LIB_TRANSFORMS_WEIGHTREWRITE_H
