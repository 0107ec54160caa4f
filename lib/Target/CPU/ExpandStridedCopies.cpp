//===- ExpandStridedCopies.cpp - keep artifacts self-contained --*- C++ -*-===//
//
// memref.copy between strided buffers lowers to a call into MLIR's runner
// utilities; as loops it stays inside the artifact instead.
//
//===----------------------------------------------------------------------===//

#include "effai/Target/CPU/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"

namespace mlir::effai {
#define GEN_PASS_DEF_EXPANDSTRIDEDCOPIES
#include "effai/Target/CPU/Passes.h.inc"

namespace {

bool isContiguous(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  return memref && memref.getLayout().isIdentity();
}

struct ExpandStridedCopiesPass
    : public impl::ExpandStridedCopiesBase<ExpandStridedCopiesPass> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> strided;
    getOperation()->walk([&](memref::CopyOp copy) {
      if (!isContiguous(copy.getSource().getType()) ||
          !isContiguous(copy.getTarget().getType()))
        strided.push_back(copy);
    });
    // Plain loops: the thread policy made no decision for these copies, so
    // a parallel build must not fork a region for them.
    IRRewriter rewriter(&getContext());
    for (memref::CopyOp copy : strided) {
      rewriter.setInsertionPoint(copy);
      auto loops = linalg::CopyOp::create(rewriter, copy.getLoc(),
                                          copy.getSource(), copy.getTarget());
      rewriter.eraseOp(copy);
      rewriter.setInsertionPoint(loops);
      if (failed(linalg::linalgOpToLoops(rewriter, loops)))
        return signalPassFailure();
      rewriter.eraseOp(loops);
    }
  }
};

} // namespace
} // namespace mlir::effai
