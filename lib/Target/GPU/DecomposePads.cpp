//===- DecomposePads.cpp - tensor.pad as fill + insert_slice ----*- C++ -*-===//
//
// effai-gpu-decompose-pads: on the GPU every piece of work must be a kernel,
// and a tensor.pad bufferizes to a host loop for its border. As a fill and
// an insert_slice, both halves are ops the GPU path maps.
//
//===----------------------------------------------------------------------===//

#include "effai/Target/GPU/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::effai {
#define GEN_PASS_DEF_GPUDECOMPOSEPADS
#include "effai/Target/GPU/Passes.h.inc"

namespace {

struct GPUDecomposePadsPass
    : public impl::GPUDecomposePadsBase<GPUDecomposePadsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    linalg::populateDecomposePadPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
} // namespace mlir::effai
