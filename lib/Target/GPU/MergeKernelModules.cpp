//===- MergeKernelModules.cpp - one gpu.module per model --------*- C++ -*-===//
//
// effai-gpu-merge-kernel-modules: a model's kernels in one module, so that
// its PTX is one file ptxas assembles at once and the runtime loads with a
// single cuModuleLoadData.
//
//===----------------------------------------------------------------------===//

#include "effai/Target/GPU/Passes.h"

#include "mlir/IR/SymbolTable.h"

namespace mlir::effai {
#define GEN_PASS_DEF_GPUMERGEKERNELMODULES
#include "effai/Target/GPU/Passes.h.inc"

namespace {

struct GPUMergeKernelModulesPass
    : public impl::GPUMergeKernelModulesBase<GPUMergeKernelModulesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<gpu::GPUModuleOp> kernelModules(
        module.getOps<gpu::GPUModuleOp>());
    if (kernelModules.size() < 2)
      return;
    gpu::GPUModuleOp merged = kernelModules.front();
    if (merged.getTargetsAttr() &&
        llvm::any_of(kernelModules, [&](gpu::GPUModuleOp other) {
          return other.getTargetsAttr() != merged.getTargetsAttr();
        })) {
      merged.emitError("effai-gpu-merge-kernel-modules: kernel modules for "
                       "different targets cannot be merged");
      return signalPassFailure();
    }
    SymbolTable mergedSymbols(merged);
    // Old (module, function) -> the function's new name in `merged`.
    llvm::DenseMap<std::pair<StringAttr, StringAttr>, StringAttr> renamed;
    for (gpu::GPUModuleOp other : llvm::drop_begin(kernelModules)) {
      for (Operation &op :
           llvm::make_early_inc_range(other.getBody()->getOperations())) {
        auto func = dyn_cast<gpu::GPUFuncOp>(op);
        if (!func) {
          op.emitError("effai-gpu-merge-kernel-modules: only kernels can be "
                       "merged, found ")
              << op.getName();
          return signalPassFailure();
        }
        StringAttr oldName = func.getNameAttr();
        func->remove();
        // The module's name is unique; insert() uniquifies if needed.
        func.setName(other.getName());
        renamed[{other.getNameAttr(), oldName}] = mergedSymbols.insert(func);
      }
      other.erase();
    }
    module.walk([&](gpu::LaunchFuncOp launch) {
      SymbolRefAttr kernel = launch.getKernel();
      auto it =
          renamed.find({kernel.getRootReference(), kernel.getLeafReference()});
      if (it == renamed.end())
        return;
      launch.setKernelAttr(SymbolRefAttr::get(
          merged.getNameAttr(), {FlatSymbolRefAttr::get(it->second)}));
    });
  }
};

} // namespace
} // namespace mlir::effai
