//===- FPGAPipeline.cpp - effai-fpga-pipeline
//------------------------------===//
//
// An integer-only model to a folded effai_fpga accelerator for one part:
// conversion (refusing what it cannot map), canonicalization (clamps into
// requantization), the part as the module's target, and the fold policy.
// What comes out is what `effai-translate --emit-hls` and the C simulation
// take.
//
//===----------------------------------------------------------------------===//

#include "effai/Conversion/Passes.h"
#include "effai/Pipelines/Pipelines.h"
#include "effai/Target/FPGA/Passes.h"
#include "effai/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void mlir::effai::buildEffaiFPGAPipeline(OpPassManager &pm,
                                         const FPGAPipelineOptions &options) {
  pm.addPass(createEffaiConvertToFPGA());
  pm.addPass(createCanonicalizerPass());
  SetTargetOptions target;
  target.target = options.part;
  pm.addPass(createSetTarget(target));
  FPGAFoldOptions fold;
  fold.utilization = options.utilization;
  pm.addPass(createFPGAFold(fold));
}
