//===- ChannelPrune.h - effai-prune{mode=channel} ---------------*- C++ -*-===//

#ifndef EFFAI_LIB_TRANSFORMS_CHANNELPRUNE_H
#define EFFAI_LIB_TRANSFORMS_CHANNELPRUNE_H

#include "effai/Dialect/Effai/IR/EffaiOps.h"

namespace mlir::effai {

/// Removes the `sparsity` fraction of output channels (smallest L1 or L2
/// norm) of the linear or conv2d layer whose dense float weight is `pack`,
/// rewriting the ops up to the layer that reads the channels (its weight
/// loses the matching input channels). Layers whose channels reach the
/// function results are left alone; layers whose channels reach an op that
/// cannot be rewritten get a warning.
void pruneChannels(PackOp pack, double sparsity, bool l2, int64_t minElements);

} // namespace mlir::effai

#endif // EFFAI_LIB_TRANSFORMS_CHANNELPRUNE_H
