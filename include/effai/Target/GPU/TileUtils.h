//===- TileUtils.h - what the GPU mechanism reads off its tiles -*- C++ -*-===//
//
// What the GPU code-generation passes read off the tiles
// effai-gpu-tile-and-map made, and how they store into them: the fill a
// contraction's tile starts from (kernels that keep their accumulators in
// registers start them from its constant instead of writing and re-reading
// memory), how large a partial tile at the edge of the data can be, which
// views are the same, and the epilogue a tile's values go through as they
// are stored.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_TARGET_GPU_TILEUTILS_H
#define EFFAI_TARGET_GPU_TILEUTILS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <optional>

namespace mlir::effai {

/// Set by effai-gpu-tile-and-map on a thread's tile of an epilogue that
/// changes its contraction's element type (an f32 sum rounded to f16, an
/// i32 sum requantized to i8), after the contraction's tile it reads:
/// effai-gpu-register-accumulators applies it to the accumulators as it
/// stores them (else it reads the tile back from memory), and
/// effai-gpu-warp-mma to the lanes' fragments (an error on the GPU when it
/// cannot; emulated, it reads the tile back).
inline constexpr StringLiteral kGPUEpilogueTileAttrName =
    "effai.gpu_epilogue_tile";

/// The `linalg.fill` of `init` with a constant just before `op` (only
/// views and constants in between), whose constant the accumulators can
/// start from (the fill is then erased). Null when there is none.
linalg::FillOp getTileFill(Operation *op, Value init);

/// The largest value `size` takes: a constant, or what value-bounds
/// analysis proves for the size of a partial tile (an affine.min, the dim
/// of a subview of one); nullopt when unknown.
std::optional<int64_t> getConstantUpperBound(OpFoldResult size);

/// The indices `map` gives for the loop values `loopIndices` (constants
/// folded).
SmallVector<Value> applyMap(OpBuilder &builder, Location loc, AffineMap map,
                            ArrayRef<OpFoldResult> loopIndices);

/// Whether `a` and `b` view the same elements: one value, or subviews of
/// the same offsets, sizes and strides of views that are (bufferization
/// makes a view per use).
bool isSameView(Value a, Value b);

/// The epilogue tile (kGPUEpilogueTileAttrName) after `tile`, which writes
/// `result`, when it can be applied to `tile`'s values as they are stored:
/// it reads `result` once, unpermuted, writes its own result through the
/// identity, has a body without memory effects, only views, constants and
/// copies of a view onto itself come between the two, and nothing after
/// it reads `result` (which is then never written). Null otherwise (it
/// then reads the stored tile back).
linalg::GenericOp getStoreEpilogue(Operation *tile, Value result);

/// Stores what `epilogue` (see getStoreEpilogue) makes of `value`, the
/// element of `result` at `indices`, at `indices` of its own result.
void storeThroughEpilogue(OpBuilder &builder, Location loc,
                          linalg::GenericOp epilogue, Value result, Value value,
                          ArrayRef<Value> indices);

} // namespace mlir::effai

#endif // EFFAI_TARGET_GPU_TILEUTILS_H
