//===- InitAll.h - register everything effai tools need ---------*- C++ -*-===//
//
// One place that registers the effai dialect and passes together with the
// upstream dialects, extensions and passes the pipelines build on, so every
// tool (effai-opt, effai-translate, the Python module) sees the same world.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_INITALL_H
#define EFFAI_INITALL_H

#include "effai/Conversion/Passes.h"
#include "effai/Dialect/Effai/IR/EffaiDialect.h"
#include "effai/Dialect/Effai/IR/LinalgCostModel.h"
#include "effai/Dialect/FPGA/IR/FPGA.h"
#include "effai/Pipelines/Pipelines.h"
#include "effai/Target/CPU/Passes.h"
#include "effai/Target/FPGA/Passes.h"
#include "effai/Target/GPU/BarrierEffects.h"
#include "effai/Target/GPU/Passes.h"
#include "effai/Transforms/Passes.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

namespace mlir::effai {

/// Adds the effai dialects and all upstream dialects and their extensions.
inline void registerAllDialects(DialectRegistry &registry) {
  registry.insert<EffaiDialect, fpga::FPGADialect>();
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registerLinalgCostModels(registry);
  registerGPUBarrierEffects(registry);
  // gpu-module-to-binary translates kernels to LLVM IR in the pass.
  mlir::registerAllToLLVMIRTranslations(registry);
}

/// Registers effai passes and pipelines and all upstream passes with the
/// global registry.
inline void registerAllPasses() {
  mlir::registerAllPasses();
  registerEffaiPasses();
  registerEffaiConversionPasses();
  registerEffaiCPUPasses();
  registerEffaiGPUPasses();
  registerEffaiFPGAPasses();
  registerEffaiPipelines();
}

} // namespace mlir::effai

#endif // EFFAI_INITALL_H
