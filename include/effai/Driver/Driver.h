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

} // namespace mlir::effai

#endif // EFFAI_DRIVER_DRIVER_H
