//===- RebaseLaunchViews.cpp - dynamic views as base + offsets --*- C++ -*-===//
//
// effai-gpu-rebase-launch-views: a kernel parameter is a bare pointer, so a
// view with a dynamic offset (or shape or strides) crosses into a kernel as
// its base buffer and the indices that place the view, and is rebuilt
// inside.
//
//===----------------------------------------------------------------------===//

#include "effai/Target/GPU/Passes.h"

#include "mlir/Transforms/RegionUtils.h"

namespace mlir::effai {
#define GEN_PASS_DEF_GPUREBASELAUNCHVIEWS
#include "effai/Target/GPU/Passes.h.inc"

namespace {

/// Whether `type` crosses to a kernel as a bare pointer: static shape,
/// offset and strides.
bool isBarePointerCompatible(MemRefType type) {
  int64_t offset;
  SmallVector<int64_t> strides;
  return type.hasStaticShape() &&
         succeeded(type.getStridesAndOffset(strides, offset)) &&
         !ShapedType::isDynamic(offset) &&
         llvm::none_of(strides, ShapedType::isDynamic);
}

/// `type`'s static values, or the corresponding dynamic ones.
SmallVector<OpFoldResult> mix(ArrayRef<int64_t> statics, ValueRange dynamics,
                              Builder &b) {
  SmallVector<OpFoldResult> mixed;
  for (auto [value, dynamic] : llvm::zip_equal(statics, dynamics))
    mixed.push_back(ShapedType::isDynamic(value) ? OpFoldResult(dynamic)
                                                 : b.getIndexAttr(value));
  return mixed;
}

struct GPURebaseLaunchViewsPass
    : public impl::GPURebaseLaunchViewsBase<GPURebaseLaunchViewsPass> {
  void runOnOperation() override {
    OpBuilder b(&getContext());
    getOperation().walk([&](gpu::LaunchOp launch) {
      llvm::SetVector<Value> captured;
      getUsedValuesDefinedAbove(launch.getBody(), captured);
      for (Value value : captured) {
        auto type = dyn_cast<MemRefType>(value.getType());
        if (!type || isBarePointerCompatible(type))
          continue;
        int64_t offset;
        SmallVector<int64_t> strides;
        if (failed(type.getStridesAndOffset(strides, offset)))
          continue; // Not strided: outlining reports it.
        Location loc = launch.getLoc();
        b.setInsertionPoint(launch);
        auto metadata = memref::ExtractStridedMetadataOp::create(b, loc, value);
        b.setInsertionPointToStart(&launch.getBody().front());
        OpFoldResult offsetValue = ShapedType::isDynamic(offset)
                                       ? OpFoldResult(metadata.getOffset())
                                       : b.getIndexAttr(offset);
        Value view = memref::ReinterpretCastOp::create(
            b, loc, type, metadata.getBaseBuffer(), offsetValue,
            mix(type.getShape(), metadata.getSizes(), b),
            mix(strides, metadata.getStrides(), b));
        value.replaceUsesWithIf(view, [&](OpOperand &use) {
          return launch->isProperAncestor(use.getOwner());
        });
      }
    });
  }
};

} // namespace
} // namespace mlir::effai
