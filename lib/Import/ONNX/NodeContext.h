//===- NodeContext.h - what an op handler sees of one ONNX node -*- C++ -*-===//
//
// Handlers import one ONNX node each. They read inputs (IR values, or host
// constants), attributes (type-checked) and the inferred static result types,
// build IR, and set results. Errors name the node, op type and opset.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_LIB_IMPORT_ONNX_NODECONTEXT_H
#define EFFAI_LIB_IMPORT_ONNX_NODECONTEXT_H

#include "HostTensor.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/StringMap.h"

#include <functional>
#include <memory>

namespace mlir::effai::onnx_import {

/// What the importer knows about one ONNX value.
struct ValueEntry {
  /// The IR value; null for host constants that were not needed yet.
  Value value;
  /// Set when the value is known at import time.
  std::shared_ptr<const HostTensor> constant;
  RankedTensorType type;
  bool isUnsigned = false;
};

class GraphImporter;

class NodeContext {
public:
  NodeContext(GraphImporter &importer, const onnx::NodeProto &node,
              int64_t opset, Location loc);

  const onnx::NodeProto &node;
  OpBuilder &b;
  const Location loc;
  /// Opset version of the node's domain.
  const int64_t opset;

  MLIRContext *getContext() const { return b.getContext(); }

  // Inputs. An absent optional input has an empty name.
  int64_t getNumInputs() const { return node.input_size(); }
  bool hasInput(int64_t i) const;
  /// The input as an IR value (host constants are materialized on demand).
  Value input(int64_t i);
  RankedTensorType inputType(int64_t i) const;
  Type inputElementType(int64_t i) const {
    return inputType(i).getElementType();
  }
  bool isUnsignedInput(int64_t i) const;
  /// The input's host value when known at import time, else null.
  const HostTensor *constantInput(int64_t i) const;
  /// The input's values as integers; reports an error when not constant.
  FailureOr<SmallVector<int64_t>> constantInts(int64_t i, StringRef what);

  // Results. ONNX shape inference gives every result a static type.
  int64_t getNumOutputs() const { return node.output_size(); }
  bool hasOutput(int64_t i) const;
  /// The inferred static type of result `i`; reports an error when unknown.
  RankedTensorType resultType(int64_t i);
  void setResult(int64_t i, Value value);
  /// Input 0, its type and result 0's type: what one-input handlers start
  /// from. Fails (both problems reported) when either is unavailable.
  LogicalResult getUnaryOperands(Value &input, RankedTensorType &inputType,
                                 RankedTensorType &result);
  void setConstantResult(int64_t i, HostTensor value);
  /// Result `output` is input `input` (IR value or host constant) unchanged.
  void forwardInput(int64_t input, int64_t output);

  // Attributes. A wrong attribute type reports an error and yields `dflt`.
  bool hasAttr(StringRef name) const { return findAttr(name) != nullptr; }
  int64_t attrInt(StringRef name, int64_t dflt);
  float attrFloat(StringRef name, float dflt);
  std::string attrString(StringRef name, StringRef dflt);
  SmallVector<int64_t> attrInts(StringRef name);
  SmallVector<float> attrFloats(StringRef name);
  const onnx::TensorProto *attrTensor(StringRef name);
  /// Integer attribute `name` as an axis of a rank-`rank` tensor, negative
  /// values counting from the end; reports an error when out of range.
  FailureOr<int64_t> attrAxis(StringRef name, int64_t dflt, int64_t rank);

  /// An error about this node: "node 'n' (Op, opset N): ...".
  InFlightDiagnostic emitError();
  /// Reports that the node uses something effai does not support.
  LogicalResult unsupported(const Twine &reason);
  bool hadError() const { return failedFlag; }

  /// Emits a host tensor as an `arith.constant` (a `dense_resource` blob
  /// named `name` when large).
  Value constant(const HostTensor &tensor, StringRef name);
  /// External-data folder for tensors in attributes.
  StringRef getExternalDataDir() const;

private:
  const onnx::AttributeProto *findAttr(StringRef name) const;
  const onnx::AttributeProto *
  findAttrOfType(StringRef name, onnx::AttributeProto_AttributeType type);

  GraphImporter &importer;
  bool failedFlag = false;
};

/// Imports one node. Returns failure after reporting an error.
using OpHandler = std::function<LogicalResult(NodeContext &)>;

/// Handlers keyed by op type, each valid from a minimum opset on.
class OpHandlerRegistry {
public:
  void add(StringRef opType, OpHandler handler, int64_t sinceOpset = 1);
  /// The handler for `opType` at `opset`, or null.
  const OpHandler *lookup(StringRef opType, int64_t opset) const;
  /// The registry with every handler effai has.
  static const OpHandlerRegistry &get();
  /// Each op type with the oldest opset any of its handlers accepts.
  std::vector<std::pair<std::string, int64_t>> getOpTypes() const;

private:
  struct Entry {
    int64_t sinceOpset;
    OpHandler handler;
  };
  llvm::StringMap<SmallVector<Entry>> handlers;
};

// One function per theme registers its handlers (Handlers/*.cpp).
void registerElementwiseHandlers(OpHandlerRegistry &registry);
void registerActivationHandlers(OpHandlerRegistry &registry);
void registerMatMulConvHandlers(OpHandlerRegistry &registry);
void registerNormalizationHandlers(OpHandlerRegistry &registry);
void registerPoolingHandlers(OpHandlerRegistry &registry);
void registerReductionHandlers(OpHandlerRegistry &registry);
void registerShapeHandlers(OpHandlerRegistry &registry);
void registerQuantizationHandlers(OpHandlerRegistry &registry);
void registerResizeHandlers(OpHandlerRegistry &registry);
void registerGeneratorHandlers(OpHandlerRegistry &registry);
void registerEinsumHandlers(OpHandlerRegistry &registry);

} // namespace mlir::effai::onnx_import

#endif // EFFAI_LIB_IMPORT_ONNX_NODECONTEXT_H
