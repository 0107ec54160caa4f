//===- SetTarget.cpp - attach a machine description --------------*- C++ -*-===//
//
// effai-set-target: resolves host / a preset / a JSON file to a
// #effai.target and attaches it to the module, where policy passes look it
// up.
//
//===----------------------------------------------------------------------===//

#include "effai/Target/CPU/HostCPU.h"
#include "effai/Target/TargetDescription.h"
#include "effai/Transforms/Passes.h"

#include "effai/Dialect/Effai/IR/EffaiDialect.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir::effai {
#define GEN_PASS_DEF_SETTARGET
#include "effai/Transforms/Passes.h.inc"

namespace {
struct SetTargetPass : public impl::SetTargetBase<SetTargetPass> {
  using SetTargetBase::SetTargetBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (ifMissing && module->hasAttr(TargetAttr::getAttrName()))
      return;
    std::string error;
    FailureOr<TargetAttr> resolved =
        resolveTarget(module.getContext(), target, error);
    if (succeeded(resolved) && !cpu.empty())
      resolved = retargetCPU(*resolved, cpu, error);
    if (failed(resolved)) {
      module.emitError("effai-set-target: ") << error;
      return signalPassFailure();
    }
    module->setAttr(TargetAttr::getAttrName(), *resolved);
  }
};
} // namespace
} // namespace mlir::effai
