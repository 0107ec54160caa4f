//===- Calibration.cpp - observe and record activation ranges ---*- C++ -*-===//
//
// Calibration runs outside the compiler (compile, run samples, reduce); these
// two passes are its interface with the IR: expose the activations to
// observe, then write the ranges back as attributes that the quantizer
// reads. The ranges live in the IR, so quantization replays from text.
//
//===----------------------------------------------------------------------===//

#include "effai/Dialect/Effai/IR/EffaiOps.h"
#include "effai/Transforms/InputGram.h"
#include "effai/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

namespace mlir::effai {
#define GEN_PASS_DEF_EXPOSEACTIVATIONS
#define GEN_PASS_DEF_SETINPUTRANGES
#include "effai/Transforms/Passes.h.inc"

namespace {

struct ExposeActivationsPass
    : public impl::ExposeActivationsBase<ExposeActivationsPass> {
  void runOnOperation() override {
    SmallVector<func::FuncOp> publicFuncs;
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (!func.isExternal() && func.isPublic())
        publicFuncs.push_back(func);
    if (publicFuncs.size() != 1) {
      getOperation().emitError("effai-expose-activations: expected exactly "
                               "one public function, found ")
          << publicFuncs.size();
      return signalPassFailure();
    }
    func::FuncOp func = publicFuncs.front();
    auto returnOp = cast<func::ReturnOp>(func.getBody().back().getTerminator());
    Builder b(&getContext());
    for (auto [index, op] : llvm::enumerate(getCompressibleOps(func))) {
      Value input = op->getOperand(0);
      unsigned resultIndex = func.getNumResults();
      if (failed(func.insertResult(
              resultIndex, input.getType(),
              b.getDictionaryAttr(b.getNamedAttr(
                  "effai.name", b.getStringAttr("effai.activation." +
                                                std::to_string(index)))))))
        return signalPassFailure();
      returnOp->insertOperands(returnOp->getNumOperands(), input);
    }
  }
};

struct SetInputRangesPass
    : public impl::SetInputRangesBase<SetInputRangesPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<Operation *> ops = getCompressibleOps(getOperation());
    if (ranges.size() != 2 * ops.size()) {
      getOperation().emitError("effai-set-input-ranges: expected ")
          << 2 * ops.size() << " values (lo, hi for each of the " << ops.size()
          << " compressible ops), got " << ranges.size();
      return signalPassFailure();
    }
    Builder b(&getContext());
    for (auto [index, op] : llvm::enumerate(ops)) {
      double lo = ranges[2 * index], hi = ranges[2 * index + 1];
      if (!(lo <= hi)) {
        op->emitError("effai-set-input-ranges: range [")
            << lo << ", " << hi << "] is empty";
        return signalPassFailure();
      }
      op->setAttr("effai.input_range", b.getDenseF64ArrayAttr({lo, hi}));
    }
  }
};

} // namespace
} // namespace mlir::effai
