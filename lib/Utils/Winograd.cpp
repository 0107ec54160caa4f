//===- Winograd.cpp - Winograd F(2x2, 3x3) convolutions ---------*- C++ -*-===//

#include "effai/Utils/Winograd.h"
#include "effai/Utils/ContractionAnalysis.h"

#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::effai;

const float mlir::effai::kWinogradBT[4][4] = {
    {1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}};
const float mlir::effai::kWinogradG[4][3] = {
    {1, 0, 0}, {0.5f, 0.5f, 0.5f}, {0.5f, -0.5f, 0.5f}, {0, 0, 1}};
const float mlir::effai::kWinogradAT[2][4] = {{1, 1, 1, 0}, {0, 1, -1, -1}};

FailureOr<WinogradConvShape> mlir::effai::matchWinogradConv(linalg::GenericOp op,
                                                       std::string &reason) {
  auto fail = [&](const char *why) -> FailureOr<WinogradConvShape> {
    reason = why;
    return failure();
  };
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op.getNumLoops() != 7)
    return fail("not a 2-D convolution generic (two inputs, one init, "
                "seven loops)");
  MLIRContext *context = op.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, context); };
  // Loops (n, o, h, w | c, i, j), as effai-lower-to-linalg builds them for
  // a stride-1, dilation-1 NCHW x OIHW convolution.
  SmallVector<AffineMap> expected = {
      AffineMap::get(7, 0, {d(0), d(4), d(2) + d(5), d(3) + d(6)}, context),
      AffineMap::get(7, 0, {d(1), d(4), d(5), d(6)}, context),
      AffineMap::get(7, 0, {d(0), d(1), d(2), d(3)}, context)};
  if (op.getIndexingMapsArray() != ArrayRef<AffineMap>(expected))
    return fail("not a stride-1, dilation-1 NCHW x OIHW convolution");
  if (op.getNumReductionLoops() != 3 || op.getNumParallelLoops() != 4)
    return fail("not a convolution's iterators (4 parallel, 3 reduction)");
  if (!hasOnlyF32Operands(op))
    return fail("not f32");
  if (!hasMultiplyAccumulateBody(op))
    return fail("its body is not a multiply-accumulate");
  auto input = dyn_cast<RankedTensorType>(op.getDpsInputs()[0].getType());
  auto filter = dyn_cast<RankedTensorType>(op.getDpsInputs()[1].getType());
  auto result = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!input || !filter || !result || !input.hasStaticShape() ||
      !filter.hasStaticShape() || !result.hasStaticShape())
    return fail("dynamic shapes");
  if (filter.getDimSize(2) != 3 || filter.getDimSize(3) != 3)
    return fail("the filter is not 3x3");
  if (result.getDimSize(0) != 1)
    return fail("batch is not 1");
  if (!matchPattern(op.getDpsInputs()[1], m_Constant()))
    return fail("the filter is not a constant");
  auto fill = op.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
  if (!fill || !matchPattern(fill.getInputs()[0], m_AnyZeroFloat()))
    return fail("the init is not a zero fill");
  WinogradConvShape conv;
  conv.channels = filter.getDimSize(1);
  conv.filters = filter.getDimSize(0);
  conv.height = result.getDimSize(2);
  conv.width = result.getDimSize(3);
  conv.tilesH = (conv.height + 1) / 2;
  conv.tilesW = (conv.width + 1) / 2;
  return conv;
}
