//===- Translations.cpp - effai-translate's FPGA outputs --------*- C++ -*-===//

#include "effai/Target/FPGA/Report.h"

#include "effai/Target/FPGA/CSimArtifact.h"
#include "effai/Target/FPGA/HLSEmitter.h"
#include "effai/Target/FPGA/RTLEmitter.h"

#include "effai/Dialect/Effai/IR/EffaiDialect.h"
#include "effai/Dialect/FPGA/IR/FPGA.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-translate/Translation.h"

using namespace mlir;
using namespace mlir::effai;

namespace {
/// Builds the report of the module `op` and prints it with `print`.
template <typename Print>
LogicalResult printReport(Operation *op, raw_ostream &os, Print print) {
  auto module = dyn_cast<ModuleOp>(op);
  if (!module)
    return op->emitError("expected a module");
  FailureOr<llvm::json::Object> report = effai::buildFPGAReport(module);
  if (failed(report))
    return failure();
  print(*report, os);
  return success();
}
/// Prints the project `emit` makes of the module's one accelerator.
LogicalResult printProject(
    Operation *op, raw_ostream &os,
    function_ref<FailureOr<std::vector<fpga::ProjectFile>>(fpga::AcceleratorOp)>
        emit) {
  auto module = dyn_cast<ModuleOp>(op);
  if (!module)
    return op->emitError("expected a module");
  FailureOr<fpga::AcceleratorOp> accelerator =
      fpga::getSingleAccelerator(module);
  if (failed(accelerator))
    return failure();
  FailureOr<std::vector<fpga::ProjectFile>> files = emit(*accelerator);
  if (failed(files))
    return failure();
  fpga::printProjectFiles(*files, os);
  return success();
}
} // namespace

void mlir::effai::registerFPGATranslations() {
  auto dialects = [](DialectRegistry &registry) {
    registry.insert<EffaiDialect, fpga::FPGADialect>();
  };
  TranslateFromMLIRRegistration json(
      "fpga-report", "Estimate each FPGA accelerator per PE, as JSON",
      [](Operation *op, raw_ostream &os) {
        return printReport(
            op, os, [](llvm::json::Object &report, raw_ostream &os) {
              os << llvm::formatv("{0:2}", llvm::json::Value(std::move(report)))
                 << "\n";
            });
      },
      dialects);
  TranslateFromMLIRRegistration table(
      "fpga-report-table", "Estimate each FPGA accelerator per PE, as a table",
      [](Operation *op, raw_ostream &os) {
        return printReport(op, os,
                           [](llvm::json::Object &report, raw_ostream &os) {
                             os << formatFPGAReport(report);
                           });
      },
      dialects);
  TranslateFromMLIRRegistration hls(
      "emit-hls",
      "Emit the Vitis HLS project of the module's folded accelerator, each "
      "file after a '// === <path> ===' line",
      [](Operation *op, raw_ostream &os) {
        return printProject(op, os, fpga::emitHLSProject);
      },
      dialects);
  TranslateFromMLIRRegistration verilog(
      "emit-verilog",
      "Emit the Verilog design of the module's folded accelerator (PE "
      "library, top module, ROM files), each file after a '// === <path> "
      "===' line",
      [](Operation *op, raw_ostream &os) {
        return printProject(op, os, fpga::emitVerilogProject);
      },
      dialects);
}
