//===- ONNXImporter.h - ONNX protobuf to effai IR ---------------*- C++ -*-===//
//
// Imports an ONNX model (ModelProto) into a module with one `func.func`:
// compressible ops (Conv, Gemm, MatMul with constant weights, and their
// quantized forms) become effai ops, everything else linalg/tensor/arith/math
// on tensors. Shapes are static; dynamic graph inputs need an override.
// Errors are reported through the context's diagnostic engine, naming the
// node, its op type and opset, and the reason; the result is then null.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_IMPORT_ONNX_ONNXIMPORTER_H
#define EFFAI_IMPORT_ONNX_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"

#include <string>
#include <vector>

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace mlir::effai {

struct OnnxImportOptions {
  /// Static shapes for graph inputs, overriding what the model declares
  /// (needed for inputs with dynamic dimensions).
  llvm::StringMap<SmallVector<int64_t>> inputShapes;
  /// Graph inputs frozen to constant values (serialized onnx.TensorProto
  /// bytes): they become initializers before checking and shape inference,
  /// so shapes and constant operands (Slice starts, Pad amounts...) follow.
  llvm::StringMap<std::string> constantInputs;
  /// Folder that external-data initializers are relative to (the model
  /// file's folder when importing a file).
  std::string externalDataDir;
  /// Name of the generated function.
  std::string functionName = "main";
  /// Evaluate shape computations (Shape -> Gather -> Concat -> Reshape...)
  /// at import once input shapes are static, so their results are
  /// constants and every shape downstream is static.
  bool foldShapes = true;
  /// Report what shape folding replaced, per op type, as a remark.
  bool reportShapeFolding = false;
  /// Fold QDQ quantize/dequantize pairs into integer-only effai ops
  /// (the effai-fold-qdq patterns).
  bool foldQDQ = true;
  /// Initializers with at least this many elements become `dense_resource`
  /// blobs; smaller ones stay inline `dense<...>` attributes.
  int64_t resourceThreshold = 16;
};

/// Parses `--input-shape` style overrides: `name=1x3x224x224`. Returns false
/// and sets `error` on malformed text.
bool parseInputShapeOverride(llvm::StringRef text, OnnxImportOptions &options,
                             std::string &error);

/// Parses `--constant-input` style freezes: `name=path/to/tensor.pb` (an
/// onnx.TensorProto file, as in ONNX's test data). Returns false and sets
/// `error` when the text or file is unusable.
bool parseConstantInput(llvm::StringRef text, OnnxImportOptions &options,
                        std::string &error);

/// Imports a serialized ModelProto. `sourceName` names it in diagnostics.
OwningOpRef<ModuleOp> importOnnxModel(MLIRContext *context,
                                      llvm::StringRef bytes,
                                      llvm::StringRef sourceName,
                                      const OnnxImportOptions &options);

/// Reads and imports an .onnx file; external data resolves next to it unless
/// `options.externalDataDir` says otherwise.
OwningOpRef<ModuleOp> importOnnxFile(MLIRContext *context, llvm::StringRef path,
                                     OnnxImportOptions options);

/// An op of ONNX's default domain the importer handles, at every opset from
/// `sinceOpset` on (older opsets are upgraded to 7 first, so 1-6 count).
struct OnnxOpSupport {
  std::string opType;
  int64_t sinceOpset;
};

/// Every op the importer handles, sorted by name: what `effai.onnx_ops()`
/// lists and the per-opset node-test sweep measures its coverage against.
std::vector<OnnxOpSupport> getSupportedOnnxOps();

/// Dialects the imported IR uses.
void registerOnnxImportDialects(DialectRegistry &registry);

/// Registers the `--import-onnx` translation (and its `--input-shape` and
/// `--onnx-function-name` options) for effai-translate.
void registerOnnxImportTranslation();

} // namespace mlir::effai

#endif // EFFAI_IMPORT_ONNX_ONNXIMPORTER_H
