//===- TileUtils.h - what the GPU mechanism reads off its tiles -*- C++ -*-===//
//
// Questions the GPU code-generation passes ask of the tiles
// effai-gpu-tile-and-map made: the fill a contraction's tile starts from
// (kernels that keep their accumulators in registers start them from its
// constant instead of writing and re-reading memory), and how large a
// partial tile at the edge of the data can be.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_TARGET_GPU_TILEUTILS_H
#define EFFAI_TARGET_GPU_TILEUTILS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <optional>

namespace mlir::effai {

/// The `linalg.fill` of `init` with a constant just before `op` (only
/// views and constants in between), whose constant the accumulators can
/// start from (the fill is then erased). Null when there is none.
linalg::FillOp getTileFill(Operation *op, Value init);

/// The largest value `size` takes: a constant, or what value-bounds
/// analysis proves for the size of a partial tile (an affine.min, the dim
/// of a subview of one); nullopt when unknown.
std::optional<int64_t> getConstantUpperBound(OpFoldResult size);

} // namespace mlir::effai

#endif // EFFAI_TARGET_GPU_TILEUTILS_H
