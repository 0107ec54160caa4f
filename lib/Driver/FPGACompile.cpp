//===- FPGACompile.cpp - effai-compile --target=fpga-hls|fpga-csim --------===//
//
// What effai-compile and Python's effai.build share for the FPGA: the
// model through effai-fpga-pipeline (unless it already holds a folded
// accelerator), then the HLS project as files or the C simulation as a
// runtime artifact. The accelerator streams frames; the artifact takes the
// model's batch of them per run.
//
//===----------------------------------------------------------------------===//

#include "effai/Driver/Driver.h"

#include "effai/Pipelines/Pipelines.h"
#include "effai/Target/FPGA/CSimArtifact.h"
#include "effai/Target/FPGA/HLSEmitter.h"
#include "effai/Target/FPGA/RTLArtifact.h"
#include "effai/Target/FPGA/RTLEmitter.h"
#include "effai/Target/FPGA/Report.h"
#include "effai/Target/FPGA/Synthesis.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::effai;

namespace {

/// The batch of the model's first input (frames per run), else 1.
int64_t getModelBatch(ModuleOp module) {
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isPrivate() || func.getNumArguments() == 0)
      continue;
    auto type = dyn_cast<RankedTensorType>(func.getArgumentTypes()[0]);
    if (type && type.getRank() > 0 && !type.isDynamicDim(0))
      return type.getDimSize(0);
  }
  return 1;
}

/// fpga-synth and fpga-bitstream: the estimator's report with what the
/// open tools measured, as report.json and report.txt in `directory`.
LogicalResult buildMeasuredReport(ModuleOp module,
                                  fpga::AcceleratorOp accelerator,
                                  FPGAOutput output, StringRef directory,
                                  std::string &error) {
  FailureOr<llvm::json::Object> report = buildFPGAReport(module);
  if (failed(report)) {
    error = "no FPGA report (see the diagnostics above)";
    return failure();
  }
  if (output == FPGAOutput::Synthesis) {
    FailureOr<fpga::SynthesisResult> synthesis =
        fpga::synthesizeAccelerator(accelerator, directory, error);
    if (failed(synthesis))
      return failure();
    fpga::addSynthesisToReport(*report, *synthesis);
  } else if (failed(fpga::buildICE40Bitstream(accelerator, directory, *report,
                                              error))) {
    return failure();
  }
  std::string json, text = formatFPGAReport(*report);
  llvm::raw_string_ostream(json)
      << llvm::formatv("{0:2}", llvm::json::Value(std::move(*report)));
  return fpga::writeProjectFiles(
      {{"report.json", json + "\n"}, {"report.txt", text}}, directory, error);
}

} // namespace

LogicalResult mlir::effai::lowerForFPGA(ModuleOp module,
                                        const FPGACompileOptions &options,
                                        std::string &error) {
  if (module.getOps<fpga::AcceleratorOp>().empty()) {
    PassManager pm(module.getContext());
    FPGAPipelineOptions pipeline;
    pipeline.part = options.part;
    pipeline.utilization = options.utilization;
    buildEffaiFPGAPipeline(pm, pipeline);
    if (failed(pm.run(module))) {
      error = "the model does not map onto an FPGA accelerator for '" +
              options.part + "' (see the diagnostics above)";
      return failure();
    }
  }
  return success();
}

LogicalResult mlir::effai::compileForFPGA(ModuleOp module,
                                          const FPGACompileOptions &options,
                                          StringRef outputPath,
                                          std::string &error) {
  int64_t batch = options.batch > 0 ? options.batch : getModelBatch(module);
  if (failed(lowerForFPGA(module, options, error)))
    return failure();
  FailureOr<fpga::AcceleratorOp> accelerator =
      fpga::getSingleAccelerator(module);
  if (failed(accelerator)) {
    error = "no accelerator to emit";
    return failure();
  }
  LogicalResult built = success();
  FailureOr<std::vector<fpga::ProjectFile>> files;
  switch (options.output) {
  case FPGAOutput::CSim:
    built = fpga::buildCSimArtifact(module, batch, outputPath, error);
    break;
  case FPGAOutput::RTL:
    built = fpga::buildRTLArtifact(module, batch, outputPath, error);
    break;
  case FPGAOutput::HLS:
    files = fpga::emitHLSProject(*accelerator);
    break;
  case FPGAOutput::Verilog:
    files = fpga::emitVerilogProject(*accelerator);
    break;
  case FPGAOutput::Synthesis:
  case FPGAOutput::Bitstream:
    built = buildMeasuredReport(module, *accelerator, options.output,
                                outputPath, error);
    break;
  }
  if (options.output == FPGAOutput::HLS ||
      options.output == FPGAOutput::Verilog)
    built = failed(files) ? failure()
                          : fpga::writeProjectFiles(*files, outputPath, error);
  if (failed(built) && error.empty())
    error = "the accelerator cannot be emitted (see the diagnostics above)";
  return built;
}
