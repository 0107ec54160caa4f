//===- ONNXImporter.cpp - public entry points of the importer ---*- C++ -*-===//
//
// Reads bytes or a file, loads and checks the model, and runs GraphImporter.
//
//===----------------------------------------------------------------------===//

#include "effai/Import/ONNX/ONNXImporter.h"
#include "GraphImporter.h"
#include "ModelLoader.h"
#include "OpsetUpgrade.h"

#include "effai/Dialect/Effai/IR/EffaiDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace mlir::effai;

void mlir::effai::registerOnnxImportDialects(DialectRegistry &registry) {
  registry.insert<EffaiDialect, arith::ArithDialect, func::FuncDialect,
                  linalg::LinalgDialect, math::MathDialect, quant::QuantDialect,
                  tensor::TensorDialect>();
}

bool mlir::effai::parseInputShapeOverride(StringRef text,
                                          OnnxImportOptions &options,
                                          std::string &error) {
  auto [name, dims] = text.rsplit('=');
  if (name.empty() || dims.empty() || !text.contains('=')) {
    error = "expected NAME=DxDx..., got '" + text.str() + "'";
    return false;
  }
  SmallVector<int64_t> shape;
  SmallVector<StringRef> parts;
  dims.split(parts, 'x');
  for (StringRef part : parts) {
    int64_t dim;
    if (part.getAsInteger(10, dim) || dim < 0) {
      error = "bad dimension '" + part.str() + "' in '" + text.str() + "'";
      return false;
    }
    shape.push_back(dim);
  }
  options.inputShapes[name] = shape;
  return true;
}

bool mlir::effai::parseConstantInput(StringRef text, OnnxImportOptions &options,
                                     std::string &error) {
  auto [name, path] = text.split('=');
  if (name.empty() || path.empty()) {
    error = "expected NAME=TENSOR.pb, got '" + text.str() + "'";
    return false;
  }
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
  if (!buffer) {
    error = "cannot read '" + path.str() + "': " + buffer.getError().message();
    return false;
  }
  options.constantInputs[name] = (*buffer)->getBuffer().str();
  return true;
}

/// "folded 12 nodes in 2 rounds: Concat 4, Gather 3, ..." as a remark.
static void reportFolding(Location loc,
                          const onnx_import::ShapeFoldingReport &folding) {
  int64_t total = 0;
  for (const auto &[op, count] : folding.foldedNodes)
    total += count;
  InFlightDiagnostic remark = mlir::emitRemark(loc);
  remark << "shape folding replaced " << total << " node"
         << (total == 1 ? "" : "s") << " by constants in " << folding.rounds
         << " round" << (folding.rounds == 1 ? "" : "s");
  llvm::ListSeparator separator(", ");
  if (total)
    remark << ": ";
  for (const auto &[op, count] : folding.foldedNodes)
    remark << StringRef(separator) << op << " " << count;
  for (const auto &[op, count] : folding.shapedNodes)
    remark << "; gave " << count << " " << op << " result"
           << (count == 1 ? "" : "s") << " a static shape";
}

OwningOpRef<ModuleOp>
mlir::effai::importOnnxModel(MLIRContext *context, StringRef bytes,
                             StringRef sourceName,
                             const OnnxImportOptions &options) {
  DialectRegistry registry;
  registerOnnxImportDialects(registry);
  context->appendDialectRegistry(registry);
  context->loadAllAvailableDialects();

  llvm::StringMap<std::vector<int64_t>> inputShapes;
  for (const auto &entry : options.inputShapes)
    inputShapes[entry.getKey()] =
        std::vector<int64_t>(entry.getValue().begin(), entry.getValue().end());
  onnx::ModelProto model;
  onnx_import::ShapeFoldingReport folding;
  std::string error;
  Location loc = FileLineColLoc::get(context, sourceName, 0, 0);
  if (!onnx_import::loadModel(bytes, options.externalDataDir, inputShapes,
                              options.constantInputs, options.foldShapes, model,
                              folding, error)) {
    mlir::emitError(loc) << error;
    return {};
  }
  if (options.reportShapeFolding)
    reportFolding(loc, folding);
  return onnx_import::GraphImporter(context, model, sourceName, options).run();
}

OwningOpRef<ModuleOp> mlir::effai::importOnnxFile(MLIRContext *context,
                                                  StringRef path,
                                                  OnnxImportOptions options) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
  if (!buffer) {
    mlir::emitError(UnknownLoc::get(context))
        << "cannot read '" << path << "': " << buffer.getError().message();
    return {};
  }
  if (options.externalDataDir.empty())
    options.externalDataDir = llvm::sys::path::parent_path(path).str();
  return importOnnxModel(context, (*buffer)->getBuffer(), path, options);
}

std::vector<OnnxOpSupport> mlir::effai::getSupportedOnnxOps() {
  std::vector<OnnxOpSupport> ops;
  for (auto &[opType, handlerSince] :
       onnx_import::OpHandlerRegistry::get().getOpTypes()) {
    // Handlers registered from opset 1 start where ONNX defines the op.
    if (int64_t since = onnx_import::getFirstDefinedOpset(opType, handlerSince))
      ops.push_back({opType, since});
  }
  return ops;
}
