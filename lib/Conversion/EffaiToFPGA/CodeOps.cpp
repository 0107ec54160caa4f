//===- CodeOps.cpp - linalg.generic on codes as PEs -------------*- C++ -*-===//
//
// effai-integerize leaves ReLU and max pooling as linalg.generic ops on the
// integer codes (quant.scast views): an elementwise max/min with constants,
// and a windowed max reduction. They are recognized structurally here and
// become effai_fpga.clamp and effai_fpga.maxpool.
//
//===----------------------------------------------------------------------===//

#include "StreamMapping.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::effai;

namespace {

/// The integer constant `value` as codes of a type with `isUnsigned`.
std::optional<int64_t> readCode(Value value, bool isUnsigned) {
  APInt constant;
  if (!matchPattern(value, m_ConstantInt(&constant)))
    return std::nullopt;
  return isUnsigned ? int64_t(constant.getZExtValue())
                    : constant.getSExtValue();
}

/// Whether `op` is the max (or min) of the codes' signedness.
bool isMax(Operation *op, bool isUnsigned) {
  return isUnsigned ? isa<arith::MaxUIOp>(op) : isa<arith::MaxSIOp>(op);
}
bool isMin(Operation *op, bool isUnsigned) {
  return isUnsigned ? isa<arith::MinUIOp>(op) : isa<arith::MinSIOp>(op);
}

/// An elementwise chain of max/min with constants on the codes: a clamp.
FailureOr<MappedTensor> convertClamp(OpBuilder &b, linalg::GenericOp op,
                                     const MappedTensor &input) {
  IntegerType codeType = input.getStreamType().getElementType();
  bool isUnsigned = codeType.isUnsigned();
  auto [lo, hi] = fpga::getCodeRange(codeType);
  Block &body = op.getRegion().front();
  Value current = body.getArgument(0);
  for (Operation &inner : body.without_terminator()) {
    if (isa<arith::ConstantOp>(inner))
      continue;
    bool max = isMax(&inner, isUnsigned), min = isMin(&inner, isUnsigned);
    if (!max && !min)
      return refuseForFPGA(
          op, "its body computes '" + inner.getName().getStringRef() +
                  "' on the codes; only ReLU and clamps (max/min "
                  "with constants of the codes' signedness) map");
    Value other = inner.getOperand(0) == current   ? inner.getOperand(1)
                  : inner.getOperand(1) == current ? inner.getOperand(0)
                                                   : Value();
    std::optional<int64_t> bound =
        other ? readCode(other, isUnsigned) : std::nullopt;
    if (!bound)
      return refuseForFPGA(op,
                           "a max/min in its body is not between the value and "
                           "a constant");
    if (max)
      lo = std::max(lo, *bound);
    else
      hi = std::min(hi, *bound);
    current = inner.getResult(0);
  }
  if (body.getTerminator()->getOperand(0) != current)
    return refuseForFPGA(op, "its body does not yield the clamped value");
  if (lo > hi)
    return refuseForFPGA(op, "it clamps to an empty range");
  MappedTensor result = input;
  result.stream = fpga::ClampOp::create(b, op.getLoc(), input.stream.getType(),
                                        input.stream, lo, hi, fpga::FoldAttr())
                      .getOutput();
  return result;
}

/// A windowed max reduction: in[n, c, y*sh + ky, x*sw + kx] over a window
/// tensor [KH, KW], from a fill.
FailureOr<MappedTensor> convertMaxPool(OpBuilder &b, linalg::GenericOp op,
                                       const MappedTensor &input) {
  if (input.layout != StreamLayout::FeatureMap)
    return refuseForFPGA(op, "a max pool needs an NCHW feature map");
  IntegerType codeType = input.getStreamType().getElementType();
  bool isUnsigned = codeType.isUnsigned();
  auto window =
      cast<RankedTensorType>(op.getDpsInputOperand(1)->get().getType());
  auto resultType = cast<RankedTensorType>(op.getResult(0).getType());
  if (window.getRank() != 2 || resultType.getRank() != 4)
    return refuseForFPGA(op, "it is not a 2-D pooling window over NCHW");
  // Strides: the input row index moves by s_h per output row.
  AffineMap inputMap = op.getIndexingMapsArray()[0];
  auto at = [&](int64_t dim) {
    SmallVector<int64_t> point(6, 0);
    point[dim] = 1;
    return inputMap.compose(point);
  };
  SmallVector<int64_t> strides = {at(2)[2], at(3)[3]};
  MLIRContext *context = op.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, context); };
  AffineMap expected = AffineMap::get(
      6, 0, {d(0), d(1), d(2) * strides[0] + d(4), d(3) * strides[1] + d(5)},
      context);
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (maps[0] != expected ||
      maps[1] != AffineMap::get(6, 0, {d(4), d(5)}, context) ||
      maps[2] != AffineMap::get(6, 0, {d(0), d(1), d(2), d(3)}, context) ||
      strides[0] < 1 || strides[1] < 1)
    return refuseForFPGA(op,
                         "its indexing is not a 2-D max pool without padding "
                         "or dilation");
  Block &body = op.getRegion().front();
  Operation *yielded = body.getTerminator()->getOperand(0).getDefiningOp();
  if (!yielded || !isMax(yielded, isUnsigned) || &body.front() != yielded ||
      !llvm::is_contained(yielded->getOperands(), body.getArgument(0)) ||
      !llvm::is_contained(yielded->getOperands(), body.getArgument(2)))
    return refuseForFPGA(op, "its body is not a max of the codes' signedness");
  auto fill = op.getDpsInitOperand(0)->get().getDefiningOp<linalg::FillOp>();
  std::optional<int64_t> start =
      fill ? readCode(fill.getInputs()[0], isUnsigned) : std::nullopt;
  if (!start)
    return refuseForFPGA(op, "its accumulator does not start from a constant");

  ArrayRef<int64_t> in = input.getStreamType().getShape();
  SmallVector<int64_t> out = {(in[0] - window.getDimSize(0)) / strides[0] + 1,
                              (in[1] - window.getDimSize(1)) / strides[1] + 1,
                              in[2]};
  if (resultType.getDimSize(2) != out[0] || resultType.getDimSize(3) != out[1])
    return refuseForFPGA(op, "its output size is not floor((H - KH) / S) + 1 "
                             "(ceil mode has no PE yet)");
  auto streamType = fpga::StreamType::get(context, out, codeType);
  MappedTensor result = input;
  result.stream =
      fpga::MaxPoolOp::create(b, op.getLoc(), streamType, input.stream,
                              b.getDenseI64ArrayAttr(window.getShape()),
                              b.getDenseI64ArrayAttr(strides), fpga::FoldAttr())
          .getOutput();
  // A start above the smallest code is a clamp after the pool.
  auto [lo, hi] = fpga::getCodeRange(codeType);
  if (*start > lo)
    result.stream =
        fpga::ClampOp::create(b, op.getLoc(), streamType, result.stream, *start,
                              hi, fpga::FoldAttr())
            .getOutput();
  return result;
}

} // namespace

FailureOr<MappedTensor>
mlir::effai::convertCodeGeneric(OpBuilder &b, linalg::GenericOp op,
                                const MappedTensor &input) {
  if (!input.codes)
    return refuseForFPGA(op, "it does not read integer codes");
  if (op.getNumDpsInputs() == 1 && op.getNumDpsInits() == 1 &&
      op.getNumReductionLoops() == 0 &&
      llvm::all_of(op.getIndexingMapsArray(),
                   [](AffineMap map) { return map.isIdentity(); }) &&
      op.getResult(0).getType() == op.getDpsInputOperand(0)->get().getType())
    return convertClamp(b, op, input);
  if (op.getNumDpsInputs() == 2 && op.getNumDpsInits() == 1 &&
      op.getNumLoops() == 6 && op.getNumReductionLoops() == 2)
    return convertMaxPool(b, op, input);
  return refuseForFPGA(
      op, "this linalg.generic is neither a clamp (ReLU) nor a max "
          "pool on codes");
}
