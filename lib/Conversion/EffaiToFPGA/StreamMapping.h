//===- StreamMapping.h - model tensors as accelerator streams ---*- C++ -*-===//
//
// What effai-convert-to-fpga records for each tensor of the model it has
// mapped, and the per-op converters its walk calls. Converters build PEs
// at the builder's insertion point (in the accelerator) and return the
// mapping of the op's result, or emit an error at the op and fail.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_LIB_CONVERSION_EFFAITOFPGA_STREAMMAPPING_H
#define EFFAI_LIB_CONVERSION_EFFAITOFPGA_STREAMMAPPING_H

#include "effai/Dialect/FPGA/IR/FPGA.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"

namespace mlir::effai {

/// How a tensor's elements (batch dimension aside) lie in its stream.
enum class StreamLayout {
  /// [N, C, H, W] as an [H, W, C] stream.
  FeatureMap,
  /// [N, K] as a [K] stream, in order.
  Vector,
  /// [N, C*H*W] (a flattened feature map, CHW order) as an [H, W, C]
  /// stream.
  FlattenedMap,
};

/// A model tensor mapped onto a stream of the accelerator.
struct MappedTensor {
  Value stream;
  StreamLayout layout = StreamLayout::Vector;
  /// The parameters of the codes on the stream; null for i32 accumulators.
  quant::UniformQuantizedType codes;
  /// i32 accumulators (a layer's float result): the scale of each output
  /// channel.
  SmallVector<double> accumulatorScales;
  /// The tensor holds floats (accumulators or dequantized codes): only a
  /// model output may.
  bool isFloat = false;

  fpga::StreamType getStreamType() const {
    return cast<fpga::StreamType>(stream.getType());
  }
};

/// Emits "cannot map to the FPGA target: <reason>" at `op`; fails.
LogicalResult refuseForFPGA(Operation *op, const Twine &reason);

/// The element type of codes of `type` on a stream: ui8 for u8, i8 for i8.
IntegerType getCodeType(quant::UniformQuantizedType type);

/// effai.conv2d, effai.depthwise_conv2d or effai.linear with quantized
/// input `input` as an effai_fpga.conv2d / linear PE.
FailureOr<MappedTensor> convertIntegerLayer(OpBuilder &b, Operation *op,
                                            const MappedTensor &input);

/// A linalg.generic on codes that is a clamp (ReLU) or a 2-D max pool.
FailureOr<MappedTensor> convertCodeGeneric(OpBuilder &b, linalg::GenericOp op,
                                           const MappedTensor &input);

} // namespace mlir::effai

#endif // EFFAI_LIB_CONVERSION_EFFAITOFPGA_STREAMMAPPING_H
