//===- FPGAOps.cpp - effai_fpga op verifiers and builders -------*- C++ -*-===//
//
// Each PE's verifier checks the shapes a layer implies (a convolution's
// output from its input, window, strides and padding), the weights and
// bias it carries, and that requantized codes fit the output stream.
//
//===----------------------------------------------------------------------===//

#include "effai/Dialect/FPGA/IR/FPGA.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::effai::fpga;

#define GET_OP_CLASSES
#include "effai/Dialect/FPGA/IR/FPGAOps.cpp.inc"

int64_t mlir::effai::fpga::getBeatCount(StreamType stream) {
  return stream.getNumElements() / stream.getShape().back();
}

std::pair<int64_t, int64_t> mlir::effai::fpga::getCodeRange(IntegerType type) {
  unsigned width = type.getWidth();
  if (type.isUnsigned())
    return {0, (int64_t(1) << width) - 1};
  return {-(int64_t(1) << (width - 1)), (int64_t(1) << (width - 1)) - 1};
}

namespace {

std::string formatShape(ArrayRef<int64_t> shape) {
  std::string text = "[";
  for (auto [i, d] : llvm::enumerate(shape))
    text += (i ? ", " : "") + std::to_string(d);
  return text + "]";
}

/// `weights` are integers of `shape`; `bias` is [channels] i32.
LogicalResult checkWeightsAndBias(Operation *op, ElementsAttr weights,
                                  ArrayRef<int64_t> shape, ElementsAttr bias) {
  ShapedType type = weights.getShapedType();
  if (!isa<IntegerType>(type.getElementType()) || type.getShape() != shape)
    return op->emitOpError("weights must be integers of shape ")
           << formatShape(shape) << ", got " << type;
  ShapedType biasType = bias.getShapedType();
  if (!biasType.getElementType().isInteger(32) ||
      biasType.getShape() != ArrayRef<int64_t>{shape[0]})
    return op->emitOpError("bias must be i32 of shape [")
           << shape[0] << "], got " << biasType;
  return success();
}

/// The zero point fits the input's codes.
LogicalResult checkInputZeroPoint(Operation *op, StreamType input,
                                  int64_t zeroPoint) {
  auto [lo, hi] = getCodeRange(input.getElementType());
  if (zeroPoint < lo || zeroPoint > hi)
    return op->emitOpError("input_zero_point ")
           << zeroPoint << " is not a code of " << input.getElementType();
  return success();
}

/// Requantized outputs fit the output codes and have one multiplier or one
/// per channel; without requantization the output is the i32 accumulators.
LogicalResult checkOutputCodes(Operation *op, StreamType output,
                               std::optional<RequantAttr> requant,
                               int64_t channels) {
  if (!requant) {
    if (!output.getElementType().isInteger(32) ||
        output.getElementType().isUnsigned())
      return op->emitOpError("without requant the output is the i32 "
                             "accumulators, got ")
             << output.getElementType();
    return success();
  }
  size_t count = requant->getMultipliers().size();
  if (count != 1 && count != size_t(channels))
    return op->emitOpError("requant needs 1 or ")
           << channels << " multipliers, got " << count;
  auto [lo, hi] = getCodeRange(output.getElementType());
  if (requant->getMin() < lo || requant->getMax() > hi)
    return op->emitOpError("requantized codes [")
           << requant->getMin() << ", " << requant->getMax() << "] do not fit "
           << output.getElementType();
  return success();
}

/// A MAC PE's fold: product arithmetic, and pe dividing its channels (simd
/// may leave a partial last step).
LogicalResult checkMACFold(Operation *op, std::optional<FoldAttr> fold,
                           int64_t channels) {
  if (!fold)
    return success();
  if (fold->getArithmetic() == "none")
    return op->emitOpError("fold: a PE with products needs dsp, dsp-packed, "
                           "lut-mul or shift-add arithmetic");
  if (channels % fold->getPe() != 0)
    return op->emitOpError("fold: pe ") << fold->getPe() << " must divide the "
                                        << channels << " output channels";
  return success();
}

/// Pooling and clamps compute a whole beat per cycle, without products.
LogicalResult checkPlainFold(Operation *op, std::optional<FoldAttr> fold) {
  if (fold && (fold->getArithmetic() != "none" || fold->getPe() != 1 ||
               fold->getSimd() != 1))
    return op->emitOpError("fold: a PE without products has pe = simd = 1 "
                           "and arithmetic none");
  return success();
}

/// The output size of a window along one dimension.
int64_t windowOutput(int64_t in, int64_t padBefore, int64_t padAfter,
                     int64_t window, int64_t stride) {
  return (in + padBefore + padAfter - window) / stride + 1;
}

} // namespace

//===----------------------------------------------------------------------===//
// AcceleratorOp
//===----------------------------------------------------------------------===//

void AcceleratorOp::build(OpBuilder &builder, OperationState &state,
                          StringRef name, TypeRange inputTypes,
                          ArrayAttr inputs, ArrayAttr outputs) {
  state.addAttribute(getSymNameAttrName(state.name),
                     builder.getStringAttr(name));
  state.addAttribute(getInputsAttrName(state.name), inputs);
  state.addAttribute(getOutputsAttrName(state.name), outputs);
  Region *body = state.addRegion();
  Block *block = new Block();
  body->push_back(block);
  for (Type type : inputTypes)
    block->addArgument(type, state.location);
}

/// A port's host shape is the stream's, or [C, H, W] for an [H, W, C] one.
static LogicalResult checkPort(AcceleratorOp op, PortAttr port,
                               StreamType stream) {
  ArrayRef<int64_t> shape = stream.getShape();
  SmallVector<int64_t> expected(shape);
  if (shape.size() == 3)
    expected = {shape[2], shape[0], shape[1]};
  if (port.getShape().asArrayRef() != ArrayRef<int64_t>(expected))
    return op.emitOpError("port '")
           << port.getName() << "' must have shape " << formatShape(expected)
           << " for " << stream << ", got " << formatShape(port.getShape());
  return success();
}

LogicalResult AcceleratorOp::verify() {
  Block &block = getBlock();
  if (block.getNumArguments() != getInputs().size())
    return emitOpError("has ")
           << block.getNumArguments() << " input streams but "
           << getInputs().size() << " input ports";
  for (BlockArgument arg : block.getArguments())
    if (!isa<StreamType>(arg.getType()))
      return emitOpError("inputs must be streams, got ") << arg.getType();
  auto yield = cast<YieldOp>(block.getTerminator());
  if (yield.getStreams().size() != getOutputs().size())
    return emitOpError("yields ")
           << yield.getStreams().size() << " streams but has "
           << getOutputs().size() << " output ports";
  SmallVector<Attribute> ports(getInputs().getValue());
  llvm::append_range(ports, getOutputs().getValue());
  SmallVector<Value> streams(block.getArguments());
  llvm::append_range(streams, yield.getStreams());
  for (auto [attr, stream] : llvm::zip_equal(ports, streams))
    if (failed(checkPort(*this, cast<PortAttr>(attr),
                         cast<StreamType>(stream.getType()))))
      return failure();
  // A stream has one reader: a PE consumes its input as it arrives.
  for (Value value : block.getArguments())
    if (!value.hasOneUse())
      return emitOpError("input stream #")
             << cast<BlockArgument>(value).getArgNumber()
             << " must have exactly one reader";
  for (Operation &op : block.without_terminator())
    for (Value result : op.getResults())
      if (!result.hasOneUse())
        return op.emitOpError("result stream must have exactly one reader");
  return success();
}

//===----------------------------------------------------------------------===//
// PEs
//===----------------------------------------------------------------------===//

LogicalResult Conv2DOp::verify() {
  StreamType input = getInput().getType(), output = getOutput().getType();
  if (input.getShape().size() != 3 || output.getShape().size() != 3)
    return emitOpError("streams must be [H, W, C] feature maps");
  ArrayRef<int64_t> in = input.getShape();
  ShapedType weightType = getWeights().getShapedType();
  if (weightType.getRank() != 4)
    return emitOpError("weights must be [O, KH, KW, C/groups], got ")
           << weightType;
  int64_t groups = getGroups();
  int64_t channels = weightType.getDimSize(0);
  if (groups < 1 || in[2] % groups != 0 || channels % groups != 0)
    return emitOpError("groups ")
           << groups << " must divide the input (" << in[2] << ") and output ("
           << channels << ") channels";
  if (getStrides().size() != 2 || getPads().size() != 4 ||
      llvm::any_of(getStrides(), [](int64_t s) { return s < 1; }) ||
      llvm::any_of(getPads(), [](int64_t p) { return p < 0; }))
    return emitOpError("needs 2 positive strides and 4 pads (top, left, "
                       "bottom, right) >= 0");
  int64_t kh = weightType.getDimSize(1), kw = weightType.getDimSize(2);
  if (failed(checkWeightsAndBias(*this, getWeights(),
                                 {channels, kh, kw, in[2] / groups},
                                 getBias())) ||
      failed(checkInputZeroPoint(*this, input, getInputZeroPoint())))
    return failure();
  ArrayRef<int64_t> strides = getStrides(), pads = getPads();
  SmallVector<int64_t> expected = {
      windowOutput(in[0], pads[0], pads[2], kh, strides[0]),
      windowOutput(in[1], pads[1], pads[3], kw, strides[1]), channels};
  if (output.getShape() != ArrayRef<int64_t>(expected))
    return emitOpError("output must be ") << formatShape(expected) << ", got "
                                          << formatShape(output.getShape());
  if (failed(checkMACFold(*this, getFold(), channels)))
    return failure();
  return checkOutputCodes(*this, output, getRequant(), channels);
}

LogicalResult LinearOp::verify() {
  StreamType input = getInput().getType(), output = getOutput().getType();
  if (output.getShape().size() != 1)
    return emitOpError("the output stream must be an [N] vector");
  int64_t channels = output.getShape()[0];
  if (failed(checkWeightsAndBias(*this, getWeights(),
                                 {channels, input.getNumElements()},
                                 getBias())) ||
      failed(checkInputZeroPoint(*this, input, getInputZeroPoint())) ||
      failed(checkMACFold(*this, getFold(), channels)))
    return failure();
  return checkOutputCodes(*this, output, getRequant(), channels);
}

LogicalResult MaxPoolOp::verify() {
  StreamType input = getInput().getType(), output = getOutput().getType();
  if (input.getShape().size() != 3 || output.getShape().size() != 3)
    return emitOpError("streams must be [H, W, C] feature maps");
  if (getWindow().size() != 2 || getStrides().size() != 2 ||
      llvm::any_of(getWindow(), [](int64_t w) { return w < 1; }) ||
      llvm::any_of(getStrides(), [](int64_t s) { return s < 1; }))
    return emitOpError("needs a positive 2-D window and strides");
  if (input.getElementType() != output.getElementType())
    return emitOpError("pools codes: input and output element types "
                       "must match");
  ArrayRef<int64_t> in = input.getShape();
  SmallVector<int64_t> expected = {
      windowOutput(in[0], 0, 0, getWindow()[0], getStrides()[0]),
      windowOutput(in[1], 0, 0, getWindow()[1], getStrides()[1]), in[2]};
  if (output.getShape() != ArrayRef<int64_t>(expected))
    return emitOpError("output must be ") << formatShape(expected) << ", got "
                                          << formatShape(output.getShape());
  return checkPlainFold(*this, getFold());
}

LogicalResult ClampOp::verify() {
  if (getInput().getType() != getOutput().getType())
    return emitOpError("input and output streams must match");
  auto [lo, hi] = getCodeRange(getInput().getType().getElementType());
  int64_t min = getMin(), max = getMax();
  if (min > max || min < lo || max > hi)
    return emitOpError("needs ") << lo << " <= min <= max <= " << hi
                                 << ", got [" << min << ", " << max << "]";
  return checkPlainFold(*this, getFold());
}

namespace {
/// clamp(requantizing PE) -> the PE with a narrower requantization range.
template <typename PEOp>
struct FoldClampIntoRequant : public OpRewritePattern<ClampOp> {
  using OpRewritePattern<ClampOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(ClampOp op,
                                PatternRewriter &rewriter) const override {
    auto producer = op.getInput().template getDefiningOp<PEOp>();
    if (!producer || !producer.getRequant())
      return failure();
    RequantAttr requant = *producer.getRequant();
    int64_t min = std::max<int64_t>(requant.getMin(), op.getMin());
    int64_t max = std::min<int64_t>(requant.getMax(), op.getMax());
    if (min > max)
      return failure();
    rewriter.modifyOpInPlace(producer, [&] {
      producer.setRequantAttr(RequantAttr::get(
          op.getContext(), requant.getMultipliers(), requant.getShifts(),
          requant.getZeroPoint(), min, max));
    });
    rewriter.replaceOp(op, producer.getOutput());
    return success();
  }
};

/// clamp(clamp(x)) -> one clamp; a clamp to the whole code range -> x.
struct SimplifyClamp : public OpRewritePattern<ClampOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ClampOp op,
                                PatternRewriter &rewriter) const override {
    auto [lo, hi] = getCodeRange(op.getInput().getType().getElementType());
    int64_t min = op.getMin(), max = op.getMax();
    if (min <= lo && max >= hi) {
      rewriter.replaceOp(op, op.getInput());
      return success();
    }
    auto inner = op.getInput().getDefiningOp<ClampOp>();
    if (!inner)
      return failure();
    min = std::max<int64_t>(min, inner.getMin());
    max = std::min<int64_t>(max, inner.getMax());
    if (min > max)
      return failure();
    rewriter.replaceOpWithNewOp<ClampOp>(op, op.getType(), inner.getInput(),
                                         min, max, op.getFoldAttr());
    return success();
  }
};
} // namespace

void ClampOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                          MLIRContext *context) {
  results.add<FoldClampIntoRequant<Conv2DOp>, FoldClampIntoRequant<LinearOp>,
              SimplifyClamp>(context);
}
