//===- GraphImporter.h - ONNX graph to one func.func ------------*- C++ -*-===//
//
// Walks an inferred, checked ModelProto: graph inputs become function
// arguments, initializers host constants, nodes go to their handlers, graph
// outputs are returned.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_LIB_IMPORT_ONNX_GRAPHIMPORTER_H
#define EFFAI_LIB_IMPORT_ONNX_GRAPHIMPORTER_H

#include "NodeContext.h"

#include "effai/Import/ONNX/ONNXImporter.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace mlir::effai::onnx_import {

class GraphImporter {
public:
  GraphImporter(MLIRContext *context, const onnx::ModelProto &model,
                StringRef sourceName, const OnnxImportOptions &options);

  /// Builds the module; null after reporting errors.
  OwningOpRef<ModuleOp> run();

  OpBuilder &getBuilder() { return builder; }
  const OnnxImportOptions &getOptions() const { return options; }

  /// The entry for ONNX value `name`, or null when undefined.
  const ValueEntry *lookup(StringRef name) const;
  /// The IR value of `name`, emitting its constant when needed.
  Value materialize(StringRef name);
  void define(StringRef name, ValueEntry entry);

  /// The static type ONNX inference gave `name`. Fails with `why` set when
  /// the type is unknown, not a tensor, or not static.
  FailureOr<RankedTensorType> getInferredType(StringRef name, bool &isUnsigned,
                                              std::string &why) const;

  /// Where run-time value `name` comes from: "graph input 'x'" or "node
  /// 'n' (NonZero)", for diagnostics about what stays dynamic.
  std::string describeOrigin(StringRef name) const;

private:
  LogicalResult importInputs(SmallVectorImpl<Type> &argTypes,
                             SmallVectorImpl<std::string> &argNames);
  LogicalResult importInitializers();
  LogicalResult importNode(const onnx::NodeProto &node, int64_t index);
  Location getLocation(StringRef name);
  InFlightDiagnostic emitModelError();

  MLIRContext *context;
  const onnx::ModelProto &model;
  std::string sourceName;
  const OnnxImportOptions &options;
  OpBuilder builder;
  llvm::StringMap<ValueEntry> values;
  llvm::StringMap<const onnx::TypeProto *> inferredTypes;
  llvm::StringMap<int64_t> opsets;
  /// The node that produces each value, and its index in the graph.
  llvm::StringMap<std::pair<const onnx::NodeProto *, int64_t>> producers;
};

} // namespace mlir::effai::onnx_import

#endif // EFFAI_LIB_IMPORT_ONNX_GRAPHIMPORTER_H
