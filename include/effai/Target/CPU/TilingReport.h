//===- TilingReport.h - what the tiling model decided, per layer -*- C++ -*-=//
//
// `effai-compile --report`: the per-layer record of the policy's decisions
// (tiles, threads, fusion) and its roofline prediction, next to what the
// profiled artifact measured. The layer of an op is the name in its
// location (the ONNX node), the same name the per-layer timers use.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_TARGET_CPU_TILINGREPORT_H
#define EFFAI_TARGET_CPU_TILINGREPORT_H

#include "effai/Utils/LayerName.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/JSON.h"

#include <map>
#include <string>

namespace mlir::effai {

/// The report of a module effai-select-tiling has run on: the machine, its
/// roofs, and per layer the ops with their shapes, work, bytes, intensity,
/// bound, tiling and predicted time.
llvm::json::Object buildTilingReport(ModuleOp module);

/// Adds measured times (seconds per layer over `runs` runs) to `report`:
/// per layer `measured_us` and `roofline_pct` (the roofline time, work at
/// peak or compulsory bytes at the memory bandwidth, over the measured
/// time), and the totals.
void addMeasuredTimes(llvm::json::Object &report,
                      const std::map<std::string, double> &seconds, int runs);

} // namespace mlir::effai

#endif // EFFAI_TARGET_CPU_TILINGREPORT_H
