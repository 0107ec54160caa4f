//===- ShapeEvaluator.h - evaluate ONNX shape computations ------*- C++ -*-===//
//
// Exporters compute shapes at run time (Shape -> Gather -> Unsqueeze ->
// Concat -> Reshape). Once input shapes are static those chains are
// constants; this evaluates one node of such a chain on the host, the way
// onnx-simplifier does with a runtime, but only for the small integer and
// scalar tensors shape code produces.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_LIB_IMPORT_ONNX_SHAPEEVALUATOR_H
#define EFFAI_LIB_IMPORT_ONNX_SHAPEEVALUATOR_H

#include "KnownTensor.h"

#include "onnx/onnx_pb.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <vector>

namespace mlir::effai::onnx_import {

/// What evaluation may use of one node input.
struct EvaluatorInput {
  /// False for an absent optional input.
  bool present = false;
  /// The value, when known.
  const KnownTensor *value = nullptr;
  /// The static shape, when ONNX inference (or the value) gives one.
  std::optional<std::vector<int64_t>> shape;
};

/// True for the op types evaluateNode knows.
bool isEvaluableOp(llvm::StringRef opType);

/// Evaluates `node` (default domain, `opset`) when its op is evaluable,
/// everything it reads is known and every result has at most `maxElements`
/// elements. Returns one tensor per output, or nullopt.
std::optional<std::vector<KnownTensor>>
evaluateNode(const onnx::NodeProto &node, int64_t opset,
             llvm::ArrayRef<EvaluatorInput> inputs, int64_t maxElements);

} // namespace mlir::effai::onnx_import

#endif // EFFAI_LIB_IMPORT_ONNX_SHAPEEVALUATOR_H
