//===- AttachLoopAnnotations.cpp - loop metadata to LLVM ---------*- C++ -*-===//
//
// effai-attach-loop-annotations: the discardable `llvm.loop_annotation` that
// scf-to-cf leaves on back edges becomes the branch's loop metadata.
//
//===----------------------------------------------------------------------===//

#include "effai/Target/CPU/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir::effai {
#define GEN_PASS_DEF_ATTACHLOOPANNOTATIONS
#include "effai/Target/CPU/Passes.h.inc"

namespace {
constexpr StringLiteral kForwardedName = "llvm.loop_annotation";

struct AttachLoopAnnotationsPass
    : public impl::AttachLoopAnnotationsBase<AttachLoopAnnotationsPass> {
  void runOnOperation() override {
    getOperation().walk([](Operation *op) {
      auto annotation =
          op->getAttrOfType<LLVM::LoopAnnotationAttr>(kForwardedName);
      if (!annotation)
        return;
      if (auto br = dyn_cast<LLVM::BrOp>(op))
        br.setLoopAnnotationAttr(annotation);
      else if (auto condBr = dyn_cast<LLVM::CondBrOp>(op))
        condBr.setLoopAnnotationAttr(annotation);
      op->removeAttr(kForwardedName);
    });
  }
};
} // namespace
} // namespace mlir::effai
