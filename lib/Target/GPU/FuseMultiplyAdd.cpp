//===- FuseMultiplyAdd.cpp - contractable multiply-adds -------*- C++ -*-===//
//
// effai-gpu-fuse-multiply-add: marks each float multiply whose only use is
// an add (and that add) `contract`, so that NVPTX emits one fma.rn instead
// of mul.rn + add.rn, as nvcc does by default (-fmad=true).
//
//===----------------------------------------------------------------------===//

#include "effai/Target/GPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

namespace mlir::effai {
#define GEN_PASS_DEF_GPUFUSEMULTIPLYADD
#include "effai/Target/GPU/Passes.h.inc"

namespace {

void addContract(Operation *op) {
  auto fastMath = cast<arith::ArithFastMathInterface>(op);
  arith::FastMathFlags flags = fastMath.getFastMathFlagsAttr().getValue() |
                               arith::FastMathFlags::contract;
  op->setAttr(fastMath.getFastMathAttrName(),
              arith::FastMathFlagsAttr::get(op->getContext(), flags));
}

struct GPUFuseMultiplyAddPass
    : public impl::GPUFuseMultiplyAddBase<GPUFuseMultiplyAddPass> {
  void runOnOperation() override {
    getOperation()->walk([](arith::AddFOp add) {
      for (Value operand : add->getOperands()) {
        auto mul = operand.getDefiningOp<arith::MulFOp>();
        if (!mul || !mul->hasOneUse())
          continue;
        addContract(mul);
        addContract(add);
        return;
      }
    });
  }
};

} // namespace
} // namespace mlir::effai
