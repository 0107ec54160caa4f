//===- Report.h - the per-PE report of an FPGA accelerator ------*- C++ -*-===//
//
// `effai-translate --fpga-report` (JSON) and `--fpga-report-table`: per PE
// its precision, arithmetic, folding, resources and cycles, and per
// accelerator the totals against the part, the frame interval, the frames
// per second at the part's clock and the latency.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_TARGET_FPGA_REPORT_H
#define EFFAI_TARGET_FPGA_REPORT_H

#include "effai/Target/FPGA/Estimator.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/JSON.h"

namespace mlir::effai {

/// The report of every effai_fpga.accelerator in `module`, estimated on the
/// module's FPGA `effai.target`; an error at the module when it has none.
FailureOr<llvm::json::Object> buildFPGAReport(ModuleOp module);

/// Resources as the report's JSON (whole units, rounded up).
llvm::json::Object describeResources(const fpga::Resources &r);

/// The report as a readable table.
std::string formatFPGAReport(const llvm::json::Object &report);

/// Registers the FPGA translations: --fpga-report, --fpga-report-table.
void registerFPGATranslations();

} // namespace mlir::effai

#endif // EFFAI_TARGET_FPGA_REPORT_H
