//===- TranslateRegistration.cpp - `--import-onnx` translation --*- C++ -*-===//
//
// Registers ONNX import with mlir-translate-style tools. Its options belong to
// this translation only (like upstream translations' options).
//
//===----------------------------------------------------------------------===//

#include "effai/Import/ONNX/ONNXImporter.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/Operation.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

namespace mlir::effai {

void registerOnnxImportTranslation() {
  static llvm::cl::list<std::string> inputShapes(
      "input-shape",
      llvm::cl::desc("Static shape of a graph input, NAME=DxDx... (repeat "
                     "for several inputs)"));
  static llvm::cl::list<std::string> constantInputs(
      "constant-input",
      llvm::cl::desc("Freeze a graph input to a constant, NAME=TENSOR.pb "
                     "(an onnx.TensorProto file; repeat for several)"));
  static llvm::cl::opt<std::string> functionName(
      "onnx-function-name", llvm::cl::desc("Name of the imported function"),
      llvm::cl::init("main"));
  static llvm::cl::opt<bool> keepQDQ(
      "onnx-keep-qdq",
      llvm::cl::desc("Keep QDQ quantize/dequantize pairs instead of folding "
                     "them into integer-only effai ops"),
      llvm::cl::init(false));
  static llvm::cl::opt<bool> foldShapes(
      "onnx-fold-shapes",
      llvm::cl::desc("Evaluate shape computations at import once input "
                     "shapes are static (default on)"),
      llvm::cl::init(true));
  static llvm::cl::opt<bool> reportFolding(
      "onnx-report-folding",
      llvm::cl::desc("Report, as a remark, which nodes shape folding "
                     "replaced by constants, per op type"),
      llvm::cl::init(false));

  TranslateToMLIRRegistration registration(
      "import-onnx", "Import an ONNX model (.onnx protobuf)",
      [](llvm::SourceMgr &sourceMgr,
         MLIRContext *context) -> OwningOpRef<Operation *> {
        OnnxImportOptions options;
        options.functionName = functionName;
        options.foldQDQ = !keepQDQ;
        options.foldShapes = foldShapes;
        options.reportShapeFolding = reportFolding;
        for (const std::string &text : inputShapes) {
          std::string error;
          if (!parseInputShapeOverride(text, options, error)) {
            emitError(UnknownLoc::get(context)) << "--input-shape: " << error;
            return {};
          }
        }
        for (const std::string &text : constantInputs) {
          std::string error;
          if (!parseConstantInput(text, options, error)) {
            emitError(UnknownLoc::get(context))
                << "--constant-input: " << error;
            return {};
          }
        }
        const llvm::MemoryBuffer *buffer =
            sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
        StringRef name = buffer->getBufferIdentifier();
        options.externalDataDir = llvm::sys::path::parent_path(name).str();
        return importOnnxModel(context, buffer->getBuffer(), name, options);
      },
      [](DialectRegistry &registry) { registerOnnxImportDialects(registry); });
}

} // namespace mlir::effai
