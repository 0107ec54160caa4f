//===- Driver.h - shared pieces of the effai command-line tools -*- C++ -*-===//
//
// effai-compile and effai-run accept the same model files and compile
// options; both come from here so the tools cannot drift apart.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_DRIVER_DRIVER_H
#define EFFAI_DRIVER_DRIVER_H

#include "effai/Import/ONNX/ONNXImporter.h"
#include "effai/Target/CPU/SharedObject.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/SourceMgr.h"

#include <map>
#include <memory>

#include <string>

namespace mlir::effai {

/// Registers --input-shape, --constant-input, --onnx-keep-qdq, --mcpu,
/// --parallel and -O with LLVM's command line. Call before parsing it.
void registerCompileCommandLineOptions();

/// The options given on the command line; false with `error` when one is
/// malformed.
bool getImportOptionsFromCommandLine(OnnxImportOptions &options,
                                     std::string &error);
CPUCompileOptions getCPUCompileOptionsFromCommandLine();

/// An MLIR context with every dialect a model file may need, printing
/// diagnostics to stderr with source lines.
class DriverContext {
public:
  DriverContext();
  ~DriverContext();

  MLIRContext &getContext() { return *context; }

  /// Loads `path`: `.onnx` files are imported, anything else is parsed as
  /// MLIR. Errors are printed as diagnostics.
  OwningOpRef<ModuleOp> loadModelFile(StringRef path,
                                      const OnnxImportOptions &options);

private:
  std::unique_ptr<MLIRContext> context;
  std::unique_ptr<llvm::SourceMgr> sourceMgr;
  std::unique_ptr<SourceMgrDiagnosticHandler> diagnostics;
};

/// The text form of `options`, for cache keys and reports.
std::string describeCompileOptions(const CPUCompileOptions &options);

/// What --report, --roofline-plot and --report-runs asked for.
struct ReportRequest {
  std::string reportPath; ///< JSON output; empty: no report
  std::string plotPath;   ///< PNG output; empty: no plot
  int runs = 20;          ///< profiled runs whose times the report shows
  int threads = 0;        ///< threads for those runs (0: the default)
};
ReportRequest getReportRequestFromCommandLine();

/// Compiles `module` to the shared object at `outputPath` and, as asked,
/// writes the tiling report (with times measured on the artifact when it
/// was built with per-layer timers) and draws its roofline plot.
LogicalResult compileWithReport(ModuleOp module,
                                const CPUCompileOptions &options,
                                StringRef outputPath,
                                const ReportRequest &request,
                                std::string &error);

/// Runs the profiled artifact at `path` `runs` times (after a warm-up run)
/// on zero-filled inputs with `threads` threads (0: the runtime's default)
/// and returns each layer's seconds summed over the runs; false with
/// `error` when the artifact cannot be loaded or run or has no timers.
bool measureLayerTimes(StringRef path, int runs, int threads,
                       std::map<std::string, double> &seconds,
                       std::string &error);

/// What effai-compile --target=fpga-* writes.
enum class FPGAOutput {
  HLS,     ///< fpga-hls: the Vitis HLS project (a directory)
  CSim,    ///< fpga-csim: its C simulation (a runtime artifact)
  Verilog, ///< fpga-verilog: the Verilog design (a directory)
  RTL,     ///< fpga-rtl: its Verilator simulation (a runtime artifact)
  /// fpga-synth: the Verilog synthesized by yosys (a directory with
  /// report.json/report.txt: each PE's primitives next to its estimate)
  Synthesis,
  /// fpga-bitstream: the iCE40 flow, yosys + nextpnr-ice40 + icepack (a
  /// directory with board.bin; the report adds Fmax and the bitstream)
  Bitstream,
};

/// How effai-compile --target=fpga-* builds.
struct FPGACompileOptions {
  std::string part = "xczu9eg"; ///< the preset (or .json) folded for
  double utilization = 0.8;     ///< share of each resource the PEs may use
  FPGAOutput output = FPGAOutput::HLS;
  int64_t batch = 0; ///< frames per simulation run (0: the model's batch)
};

/// Runs effai-fpga-pipeline on `module` unless it already holds an
/// accelerator; false with `error` when the model does not map.
LogicalResult lowerForFPGA(ModuleOp module, const FPGACompileOptions &options,
                           std::string &error);

/// Lowers `module` (an integer-only model, or a module holding a folded
/// accelerator) with lowerForFPGA and writes `options.output` to
/// `outputPath`: a project directory, or a simulation artifact (the
/// model's batch of frames per run).
LogicalResult compileForFPGA(ModuleOp module, const FPGACompileOptions &options,
                             StringRef outputPath, std::string &error);

} // namespace mlir::effai

#endif // EFFAI_DRIVER_DRIVER_H
