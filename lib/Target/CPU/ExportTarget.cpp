//===- ExportTarget.cpp - #effai.target to LLVM attributes -------*- C++ -*-===//
//
// effai-export-target: the LLVM module keeps the CPU and ISA features the
// kernels were generated for as function attributes, and loses the effai
// attribute that only effai tools can read.
//
//===----------------------------------------------------------------------===//

#include "effai/Dialect/Effai/IR/EffaiAttrs.h"
#include "effai/Target/CPU/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir::effai {
#define GEN_PASS_DEF_EXPORTTARGET
#include "effai/Target/CPU/Passes.h.inc"

namespace {
struct ExportTargetPass : public impl::ExportTargetBase<ExportTargetPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto target = module->getAttrOfType<TargetAttr>(TargetAttr::getAttrName());
    if (!target)
      return;
    MLIRContext *context = &getContext();
    SmallVector<std::string> names;
    for (Attribute feature : target.getFeatures())
      names.push_back("+" + cast<StringAttr>(feature).getValue().str());
    SmallVector<StringRef> features(names.begin(), names.end());
    auto cpu = StringAttr::get(context, target.getCpu());
    auto featureAttr = LLVM::TargetFeaturesAttr::get(context, features);
    // LLVM's own default for many AVX-512 CPUs is 256-bit vectors (to avoid
    // clock throttling); the loops it vectorizes then run at half the width
    // the tiling model assumed.
    auto vectorWidth =
        StringAttr::get(context, std::to_string(target.getVectorBits()));
    module.walk([&](LLVM::LLVMFuncOp func) {
      if (func.isExternal())
        return;
      func.setTargetCpuAttr(cpu);
      func.setTargetFeaturesAttr(featureAttr);
      func.setPreferVectorWidthAttr(vectorWidth);
    });
    module->removeAttr(TargetAttr::getAttrName());
  }
};
} // namespace
} // namespace mlir::effai
