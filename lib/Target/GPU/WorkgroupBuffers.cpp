//===- WorkgroupBuffers.cpp - shared memory as attributions -----*- C++ -*-===//
//
// effai-gpu-workgroup-buffers: a kernel's shared memory is declared on the
// kernel (workgroup attributions), not allocated in its body. The staging
// buffers are made as stack allocations in shared memory so that buffer
// deallocation, which does not know attributions, leaves them alone, and
// kernel outlining carries them into the kernel as they are; this pass
// then declares them on the kernel with their alignment.
//
//===----------------------------------------------------------------------===//

#include "effai/Target/GPU/Passes.h"

#include "mlir/IR/PatternMatch.h"

namespace mlir::effai {
#define GEN_PASS_DEF_GPUWORKGROUPBUFFERS
#include "effai/Target/GPU/Passes.h.inc"

namespace {

/// The alignment a buffer gets when its allocation names none: what
/// 128-bit shared-memory accesses (ld.shared.v4) need.
constexpr int64_t kDefaultAlignment = 16;

struct GPUWorkgroupBuffersPass
    : public impl::GPUWorkgroupBuffersBase<GPUWorkgroupBuffersPass> {
  void runOnOperation() override {
    SmallVector<memref::AllocaOp> buffers;
    getOperation()->walk([&](memref::AllocaOp alloca) {
      if (gpu::GPUDialect::hasWorkgroupMemoryAddressSpace(alloca.getType()))
        buffers.push_back(alloca);
    });
    IRRewriter rewriter(&getContext());
    for (memref::AllocaOp alloca : buffers) {
      auto kernel = alloca->getParentOfType<gpu::GPUFuncOp>();
      if (!kernel || !alloca.getType().hasStaticShape()) {
        alloca.emitError("effai-gpu-workgroup-buffers: shared memory is "
                         "allocated with a static shape inside a gpu.func");
        return signalPassFailure();
      }
      BlockArgument buffer =
          kernel.addWorkgroupAttribution(alloca.getType(), alloca.getLoc());
      int64_t alignment = std::max<int64_t>(alloca.getAlignment().value_or(0),
                                            kDefaultAlignment);
      kernel.setWorkgroupAttributionAttr(kernel.getNumWorkgroupAttributions() -
                                             1,
                                         LLVM::LLVMDialect::getAlignAttrName(),
                                         rewriter.getI64IntegerAttr(alignment));
      rewriter.replaceAllUsesWith(alloca.getResult(), buffer);
      rewriter.eraseOp(alloca);
    }
  }
};

} // namespace
} // namespace mlir::effai
