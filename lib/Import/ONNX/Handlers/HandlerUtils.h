//===- HandlerUtils.h - helpers shared by the op handlers -------*- C++ -*-===//
//
// Patterns nearly every handler file needs: import an n-ary elementwise op
// from a scalar body, with the element type and signedness at hand.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_LIB_IMPORT_ONNX_HANDLERS_HANDLERUTILS_H
#define EFFAI_LIB_IMPORT_ONNX_HANDLERS_HANDLERUTILS_H

#include "../NodeContext.h"
#include "effai/Utils/LinalgBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

namespace mlir::effai::onnx_import {

/// Element type and signedness of an op's operands, for scalar bodies.
struct ScalarKind {
  Type type;
  bool isUnsigned;
  bool isFloat() const { return isa<FloatType>(type); }
};

using KindedScalarFn =
    std::function<Value(OpBuilder &, Location, ValueRange, ScalarKind)>;

/// Imports an op whose inputs `0..n-1` (all present ones) broadcast into
/// result 0 elementwise. `kind` describes input 0.
LogicalResult importElementwise(NodeContext &ctx, const KindedScalarFn &body);

/// Registers `opType` as elementwise with `body`.
void addElementwise(OpHandlerRegistry &registry, StringRef opType,
                    KindedScalarFn body, int64_t sinceOpset = 1);

/// Fails with an error unless every value of attribute `name` (strides,
/// dilations) is positive.
LogicalResult checkPositive(NodeContext &ctx, ArrayRef<int64_t> values,
                            StringRef name);

/// Reads the `axes` of a reduction-like op: from the attribute, or from input
/// `inputIndex` when the opset passes them as an input. Normalized, sorted;
/// empty means "all" unless `noopWithEmptyAxes`.
FailureOr<SmallVector<int64_t>> getAxes(NodeContext &ctx, int64_t rank,
                                        int64_t inputIndex, bool fromInput);

} // namespace mlir::effai::onnx_import

#endif // EFFAI_LIB_IMPORT_ONNX_HANDLERS_HANDLERUTILS_H
