//===- HandlerUtils.cpp - helpers shared by the op handlers -----*- C++ -*-===//

#include "HandlerUtils.h"

using namespace mlir;
using namespace mlir::effai;
using namespace mlir::effai::onnx_import;

LogicalResult
mlir::effai::onnx_import::importElementwise(NodeContext &ctx,
                                            const KindedScalarFn &body) {
  SmallVector<Value> inputs;
  for (int64_t i = 0, e = ctx.getNumInputs(); i < e; ++i) {
    if (!ctx.hasInput(i))
      continue;
    Value input = ctx.input(i);
    if (!input)
      return failure();
    inputs.push_back(input);
  }
  RankedTensorType type = ctx.resultType(0);
  if (!type || inputs.empty())
    return failure();
  ScalarKind kind{ctx.inputElementType(0), ctx.isUnsignedInput(0)};
  ctx.setResult(
      0, buildElementwise(ctx.b, ctx.loc, type, inputs,
                          [&](OpBuilder &b, Location loc, ValueRange args) {
                            return body(b, loc, args, kind);
                          }));
  return success();
}

void mlir::effai::onnx_import::addElementwise(OpHandlerRegistry &registry,
                                              StringRef opType,
                                              KindedScalarFn body,
                                              int64_t sinceOpset) {
  registry.add(
      opType, [body](NodeContext &ctx) { return importElementwise(ctx, body); },
      sinceOpset);
}

FailureOr<SmallVector<int64_t>>
mlir::effai::onnx_import::getAxes(NodeContext &ctx, int64_t rank,
                                  int64_t inputIndex, bool fromInput) {
  SmallVector<int64_t> raw;
  if (fromInput) {
    if (ctx.hasInput(inputIndex)) {
      FailureOr<SmallVector<int64_t>> values =
          ctx.constantInts(inputIndex, "axes");
      if (failed(values))
        return failure();
      raw = *values;
    }
  } else {
    raw = ctx.attrInts("axes");
  }
  SmallVector<int64_t> axes;
  for (int64_t axis : raw) {
    int64_t normalized = normalizeAxis(axis, rank);
    if (normalized < 0) {
      ctx.emitError() << "axis " << axis << " is out of range for rank "
                      << rank;
      return failure();
    }
    if (!llvm::is_contained(axes, normalized))
      axes.push_back(normalized);
  }
  llvm::sort(axes);
  return axes;
}

LogicalResult mlir::effai::onnx_import::checkPositive(NodeContext &ctx,
                                                      ArrayRef<int64_t> values,
                                                      StringRef name) {
  if (llvm::all_of(values, [](int64_t v) { return v > 0; }))
    return success();
  return ctx.emitError() << name << " must be positive";
}
