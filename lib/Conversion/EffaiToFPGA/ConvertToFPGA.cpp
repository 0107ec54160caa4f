//===- ConvertToFPGA.cpp - integer models as streaming accelerators -*- C++
//-*-//
//
// effai-convert-to-fpga walks each function in order, mapping every tensor
// it can onto a stream of a new effai_fpga.accelerator and building one PE
// per layer; the first op it cannot map stops it with an error naming the
// op and why, and the module is left as it was.
//
//===----------------------------------------------------------------------===//

#include "StreamMapping.h"

#include "effai/Conversion/Passes.h"
#include "effai/Dialect/Effai/IR/EffaiOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace mlir::effai {
#define GEN_PASS_DEF_EFFAICONVERTTOFPGA
#include "effai/Conversion/Passes.h.inc"
} // namespace mlir::effai

using namespace mlir;
using namespace mlir::effai;

LogicalResult mlir::effai::refuseForFPGA(Operation *op, const Twine &reason) {
  return op->emitError("cannot map to the FPGA target: ") << reason;
}

namespace {

/// The name a model gives argument or result `index`, else a default.
StringAttr getTensorName(func::FuncOp func, bool isResult, unsigned index) {
  DictionaryAttr attrs =
      isResult ? func.getResultAttrDict(index) : func.getArgAttrDict(index);
  if (attrs)
    if (auto name = attrs.getAs<StringAttr>("effai.name"))
      return name;
  return StringAttr::get(func.getContext(),
                         (isResult ? "output" : "input") + Twine(index));
}

/// The host shape of a port for a stream: [C, H, W] for feature maps.
SmallVector<int64_t> getHostShape(fpga::StreamType stream) {
  ArrayRef<int64_t> shape = stream.getShape();
  if (shape.size() == 3)
    return {shape[2], shape[0], shape[1]};
  return SmallVector<int64_t>(shape);
}

class AcceleratorBuilder {
public:
  explicit AcceleratorBuilder(func::FuncOp func) : func(func) {}

  /// Builds the accelerator before the function; null on failure (errors
  /// emitted, nothing left behind).
  fpga::AcceleratorOp build();

private:
  LogicalResult mapInputs(SmallVectorImpl<Type> &types,
                          SmallVectorImpl<Attribute> &ports);
  LogicalResult visit(OpBuilder &b, Operation *op);
  LogicalResult mapOutputs(OpBuilder &b, func::ReturnOp ret,
                           fpga::AcceleratorOp accelerator);
  /// The mapping of `value` read by `user`; fails for values that are not
  /// on the accelerator, float values read by a PE, and streams that
  /// already have a reader.
  FailureOr<MappedTensor> read(Operation *user, Value value);
  LogicalResult mapReshape(Operation *op);

  func::FuncOp func;
  int64_t batch = 0;
  DenseMap<Value, MappedTensor> mapped;
  /// quant.qcast ops of the inputs: the host's work.
  DenseMap<Operation *, unsigned> inputCasts;
  DenseSet<Value> readStreams;
};

LogicalResult AcceleratorBuilder::mapInputs(SmallVectorImpl<Type> &types,
                                            SmallVectorImpl<Attribute> &ports) {
  MLIRContext *context = func.getContext();
  for (BlockArgument arg : func.getArguments()) {
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    if (!type || !type.hasStaticShape() ||
        !isa<FloatType>(type.getElementType()) ||
        (type.getRank() != 2 && type.getRank() != 4))
      return refuseForFPGA(func, "input #" + Twine(arg.getArgNumber()) +
                                     " must be a float [N, K] or [N, C, H, W] "
                                     "tensor of static shape");
    if (batch && type.getDimSize(0) != batch)
      return refuseForFPGA(func, "the inputs' batch sizes differ");
    batch = type.getDimSize(0);
    auto qcast = arg.hasOneUse()
                     ? dyn_cast<quant::QuantizeCastOp>(*arg.getUsers().begin())
                     : quant::QuantizeCastOp();
    auto codes = qcast ? dyn_cast<quant::UniformQuantizedType>(
                             cast<RankedTensorType>(qcast.getResult().getType())
                                 .getElementType())
                       : quant::UniformQuantizedType();
    if (!codes)
      return refuseForFPGA(func, "input #" + Twine(arg.getArgNumber()) +
                                     " must be quantized once, per tensor "
                                     "(quant.qcast), before any layer: the "
                                     "accelerator computes on integer codes");
    SmallVector<int64_t> frame(type.getShape().drop_front());
    if (frame.size() == 3)
      frame = {frame[1], frame[2], frame[0]};
    auto stream = fpga::StreamType::get(context, frame, getCodeType(codes));
    types.push_back(stream);
    ports.push_back(fpga::PortAttr::get(
        context, getTensorName(func, false, arg.getArgNumber()),
        DenseI64ArrayAttr::get(context, getHostShape(stream)),
        DenseF64ArrayAttr::get(context, ArrayRef<double>{codes.getScale()}),
        codes.getZeroPoint()));
    inputCasts[qcast] = arg.getArgNumber();
  }
  return success();
}

FailureOr<MappedTensor> AcceleratorBuilder::read(Operation *user, Value value) {
  auto it = mapped.find(value);
  if (it == mapped.end())
    return refuseForFPGA(user,
                         "it reads a value the accelerator does not compute "
                         "(float data, or an op it refused)");
  const MappedTensor &mapping = it->second;
  if (mapping.isFloat && !isa<func::ReturnOp>(user))
    return refuseForFPGA(
        user, "it reads the float result of a layer; between layers the "
              "accelerator passes integer codes (run effai-integerize: "
              "effai.quantize(..., integer_only=True))");
  if (!readStreams.insert(mapping.stream).second)
    return refuseForFPGA(user,
                         "it reads a value another PE already reads: "
                         "branching graphs (residual connections) have no "
                         "stream duplicator yet");
  return mapping;
}

LogicalResult AcceleratorBuilder::mapReshape(Operation *op) {
  auto it = mapped.find(op->getOperand(0));
  if (it == mapped.end())
    return refuseForFPGA(op, "it reshapes a value the accelerator does not "
                             "compute");
  MappedTensor mapping = it->second;
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  if (type.getRank() != 2 || type.getDimSize(0) != batch ||
      type.getDimSize(1) != mapping.getStreamType().getNumElements())
    return refuseForFPGA(op,
                         "only flattening to [N, K] keeps a stream's order");
  if (mapping.layout == StreamLayout::FeatureMap)
    mapping.layout = StreamLayout::FlattenedMap;
  mapped[op->getResult(0)] = mapping;
  return success();
}

LogicalResult AcceleratorBuilder::visit(OpBuilder &b, Operation *op) {
  // Data the PEs consume as attributes.
  if (isa<arith::ConstantOp, tensor::EmptyOp, linalg::FillOp, PackOp>(op))
    return success();
  if (inputCasts.count(op))
    return success();
  if (isa<quant::QuantizeCastOp>(op))
    return refuseForFPGA(op,
                         "it quantizes a float value between layers: run "
                         "effai-integerize (effai.quantize(..., "
                         "integer_only=True)) so layers pass integer codes");
  if (isa<quant::StorageCastOp, quant::DequantizeCastOp>(op)) {
    auto it = mapped.find(op->getOperand(0));
    if (it == mapped.end())
      return refuseForFPGA(op,
                           "it casts a value the accelerator does not compute");
    MappedTensor mapping = it->second;
    Type elt =
        cast<RankedTensorType>(op->getResult(0).getType()).getElementType();
    if (auto codes = dyn_cast<quant::UniformQuantizedType>(elt))
      mapping.codes = codes;
    if (isa<quant::DequantizeCastOp>(op))
      mapping.isFloat = true;
    mapped[op->getResult(0)] = mapping;
    return success();
  }
  if (isa<tensor::ReshapeOp, tensor::CollapseShapeOp, tensor::ExpandShapeOp>(
          op))
    return mapReshape(op);
  if (isa<Conv2DOp, DepthwiseConv2DOp, LinearOp>(op)) {
    if (!isa<quant::QuantizedType>(
            cast<RankedTensorType>(op->getOperand(0).getType())
                .getElementType()))
      return refuseForFPGA(op, "it has float activations: quantize the model "
                               "(effai-quantize, effai.quantize in Python)");
    FailureOr<MappedTensor> input = read(op, op->getOperand(0));
    if (failed(input))
      return failure();
    FailureOr<MappedTensor> result = convertIntegerLayer(b, op, *input);
    if (failed(result))
      return failure();
    mapped[op->getResult(0)] = *result;
    return success();
  }
  if (auto generic = dyn_cast<linalg::GenericOp>(op)) {
    FailureOr<MappedTensor> input =
        read(op, generic.getDpsInputOperand(0)->get());
    if (failed(input))
      return failure();
    FailureOr<MappedTensor> result = convertCodeGeneric(b, generic, *input);
    if (failed(result))
      return failure();
    mapped[generic.getResult(0)] = *result;
    return success();
  }
  return refuseForFPGA(op,
                       "'" + op->getName().getStringRef() +
                           "' has no processing element on the FPGA target");
}

LogicalResult AcceleratorBuilder::mapOutputs(OpBuilder &b, func::ReturnOp ret,
                                             fpga::AcceleratorOp accelerator) {
  MLIRContext *context = func.getContext();
  SmallVector<Value> streams;
  SmallVector<Attribute> ports;
  for (auto [index, value] : llvm::enumerate(ret.getOperands())) {
    FailureOr<MappedTensor> mapping = read(ret, value);
    if (failed(mapping))
      return failure();
    if (!mapping->isFloat)
      return refuseForFPGA(ret,
                           "result #" + Twine(index) +
                               " is integer codes: the FPGA target's outputs "
                               "are dequantized to floats");
    SmallVector<double> scales = mapping->accumulatorScales;
    int64_t zeroPoint = 0;
    if (scales.empty()) {
      scales = {mapping->codes.getScale()};
      zeroPoint = mapping->codes.getZeroPoint();
    }
    streams.push_back(mapping->stream);
    ports.push_back(fpga::PortAttr::get(
        context, getTensorName(func, true, index),
        DenseI64ArrayAttr::get(context, getHostShape(mapping->getStreamType())),
        DenseF64ArrayAttr::get(context, scales), zeroPoint));
  }
  fpga::YieldOp::create(b, ret.getLoc(), streams);
  accelerator.setOutputsAttr(ArrayAttr::get(context, ports));
  return success();
}

fpga::AcceleratorOp AcceleratorBuilder::build() {
  if (func.isExternal() || !func.getBody().hasOneBlock()) {
    (void)refuseForFPGA(func, "the function needs one block of ops");
    return {};
  }
  SmallVector<Type> types;
  SmallVector<Attribute> inputs;
  if (failed(mapInputs(types, inputs)))
    return {};
  OpBuilder b(func);
  auto accelerator =
      fpga::AcceleratorOp::create(b, func.getLoc(), func.getSymName(), types,
                                  b.getArrayAttr(inputs), b.getArrayAttr({}));
  for (auto [qcast, index] : inputCasts) {
    auto type = cast<RankedTensorType>(qcast->getResult(0).getType());
    MappedTensor mapping;
    mapping.stream = accelerator.getBlock().getArgument(index);
    mapping.layout =
        type.getRank() == 4 ? StreamLayout::FeatureMap : StreamLayout::Vector;
    mapping.codes = cast<quant::UniformQuantizedType>(type.getElementType());
    mapped[qcast->getResult(0)] = mapping;
  }
  b.setInsertionPointToStart(&accelerator.getBlock());
  for (Operation &op : func.getBody().front()) {
    LogicalResult done =
        isa<func::ReturnOp>(op)
            ? mapOutputs(b, cast<func::ReturnOp>(op), accelerator)
            : visit(b, &op);
    if (failed(done)) {
      accelerator.erase();
      return {};
    }
  }
  return accelerator;
}

struct EffaiConvertToFPGA
    : public mlir::effai::impl::EffaiConvertToFPGABase<EffaiConvertToFPGA> {
  void runOnOperation() override {
    SmallVector<func::FuncOp> funcs(getOperation().getOps<func::FuncOp>());
    if (funcs.empty()) {
      getOperation().emitError("cannot map to the FPGA target: the module "
                               "has no function");
      return signalPassFailure();
    }
    SmallVector<fpga::AcceleratorOp> built;
    for (func::FuncOp func : funcs) {
      fpga::AcceleratorOp accelerator = AcceleratorBuilder(func).build();
      if (!accelerator) {
        for (fpga::AcceleratorOp op : built)
          op.erase();
        return signalPassFailure();
      }
      built.push_back(accelerator);
    }
    for (func::FuncOp func : funcs)
      func.erase();
  }
};

} // namespace
