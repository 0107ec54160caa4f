//===- Einsum.cpp - Einsum as one contraction generic -----------*- C++ -*-===//
//
// The equation names the loops: output labels are parallel loops, the
// other labels reductions, and each operand's labels are its indexing map.
// Two operands accumulate products (the contraction kernels tile it like a
// MatMul); one operand sums (traces, transposes, reductions).
//
//===----------------------------------------------------------------------===//

#include "../EinsumEquation.h"
#include "HandlerUtils.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"

using namespace mlir;
using namespace mlir::effai;
using namespace mlir::effai::onnx_import;

namespace {
LogicalResult importEinsum(NodeContext &ctx) {
  RankedTensorType result = ctx.resultType(0);
  if (!result)
    return failure();
  int64_t numInputs = ctx.getNumInputs();
  if (numInputs < 1 || numInputs > 2)
    return ctx.unsupported("Einsum of " + Twine(numInputs) +
                           " operands (effai imports one or two)");
  SmallVector<Value> inputs;
  SmallVector<int64_t> ranks;
  std::vector<std::vector<int64_t>> shapes;
  for (int64_t i = 0; i < numInputs; ++i) {
    Value input = ctx.input(i);
    if (!input)
      return failure();
    auto type = cast<RankedTensorType>(input.getType());
    inputs.push_back(input);
    ranks.push_back(type.getRank());
    shapes.emplace_back(type.getShape().begin(), type.getShape().end());
  }
  std::string equationText = ctx.attrString("equation", "");
  std::string error;
  std::optional<EinsumEquation> equation =
      EinsumEquation::parse(equationText, ranks, error);
  std::optional<std::map<int, int64_t>> sizes;
  if (equation)
    sizes = equation->getLabelSizes(shapes, error);
  if (!sizes) {
    ctx.emitError() << error;
    return failure();
  }
  if (int64_t(equation->output.size()) != result.getRank()) {
    ctx.emitError() << "equation '" << equationText << "' gives rank "
                    << equation->output.size() << " but the result has rank "
                    << result.getRank();
    return failure();
  }

  // Loops: the output's labels (parallel), then the summed ones.
  SmallVector<int> loops(equation->output.begin(), equation->output.end());
  for (const auto &[label, size] : *sizes)
    if (!llvm::is_contained(loops, label))
      loops.push_back(label);
  MLIRContext *context = ctx.getContext();
  auto mapOf = [&](ArrayRef<int> labels) {
    SmallVector<AffineExpr> exprs;
    for (int label : labels)
      exprs.push_back(
          getAffineDimExpr(llvm::find(loops, label) - loops.begin(), context));
    return AffineMap::get(loops.size(), 0, exprs, context);
  };
  SmallVector<AffineMap> maps;
  for (const std::vector<int> &labels : equation->inputs)
    maps.push_back(mapOf(labels));
  maps.push_back(mapOf(equation->output));
  SmallVector<utils::IteratorType> iterators(loops.size(),
                                             utils::IteratorType::reduction);
  for (size_t d = 0; d < equation->output.size(); ++d)
    iterators[d] = utils::IteratorType::parallel;

  if (numInputs == 2) {
    ctx.setResult(0, buildContraction(ctx.b, ctx.loc, result, inputs[0],
                                      inputs[1], maps, iterators));
    return success();
  }
  Type element = result.getElementType();
  Value acc = buildFill(ctx.b, ctx.loc, result, getScalarAttr(element, 0));
  bool isFloat = isa<FloatType>(element);
  ctx.setResult(
      0, linalg::GenericOp::create(
             ctx.b, ctx.loc, result, inputs[0], acc, maps, iterators,
             [&](OpBuilder &b, Location loc, ValueRange a) {
               Value sum =
                   isFloat
                       ? arith::AddFOp::create(b, loc, a[1], a[0]).getResult()
                       : arith::AddIOp::create(b, loc, a[1], a[0]).getResult();
               linalg::YieldOp::create(b, loc, sum);
             })
             .getResult(0));
  return success();
}
} // namespace

void mlir::effai::onnx_import::registerEinsumHandlers(OpHandlerRegistry &r) {
  r.add("Einsum", importEinsum, 12);
}
