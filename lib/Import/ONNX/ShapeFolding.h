//===- ShapeFolding.h - fold shape subgraphs of an ONNX model ---*- C++ -*-===//
//
// Replaces the nodes of a ModelProto whose results are known at import time
// (shape computations once input shapes are static) by initializers, so
// that ONNX shape inference, run again, gives the rest of the graph static
// types. The onnx-simplifier approach, on the host evaluator.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_LIB_IMPORT_ONNX_SHAPEFOLDING_H
#define EFFAI_LIB_IMPORT_ONNX_SHAPEFOLDING_H

#include "onnx/onnx_pb.h"

#include <map>
#include <string>

namespace mlir::effai::onnx_import {

/// What folding did to one model.
struct ShapeFoldingReport {
  /// Nodes replaced by initializers, per op type.
  std::map<std::string, int64_t> foldedNodes;
  /// Nodes whose static result shape folding computed where ONNX
  /// inference leaves it symbolic (Einsum), per op type.
  std::map<std::string, int64_t> shapedNodes;
  /// Fold-then-infer rounds that changed something.
  int64_t rounds = 0;
};

/// Results larger than this stay nodes: shape data is small, and bigger
/// constant computations are the compiler's to fold.
constexpr int64_t kMaxFoldedElements = int64_t(1) << 16;

/// One pass in graph order: evaluates every node it can (its inputs known
/// or, for Shape and Size, statically shaped), replaces those whose results
/// are not graph outputs by initializers and drops Constant nodes left
/// unused; gives Einsum results their static shapes. Returns the number of
/// nodes replaced or shaped.
int64_t foldShapeComputations(onnx::ModelProto &model,
                              ShapeFoldingReport &report);

} // namespace mlir::effai::onnx_import

#endif // EFFAI_LIB_IMPORT_ONNX_SHAPEFOLDING_H
