//===- WeightUtils.h - weights for the compressible effai ops ---*- C++ -*-===//
//
// Shared by the float and quantized Conv/Gemm/MatMul handlers: packing a
// weight into `!effai.weight`, host-side weight transposes, window padding.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_LIB_IMPORT_ONNX_HANDLERS_WEIGHTUTILS_H
#define EFFAI_LIB_IMPORT_ONNX_HANDLERS_WEIGHTUTILS_H

#include "HandlerUtils.h"

#include "effai/Dialect/Effai/IR/EffaiOps.h"

namespace mlir::effai::onnx_import {

/// A[..., M, K] x B[..., K, N] with numpy batch broadcasting and ONNX's 1-D
/// promotion rules, as one contraction generic reshaped to `resultType`
/// (float, or integer accumulating in the result's type).
Value buildMatMul(OpBuilder &b, Location loc, Value lhs, Value rhs,
                  RankedTensorType resultType);

/// `effai.pack` of a float tensor with the dense float encoding.
Value packDenseWeight(OpBuilder &b, Location loc, Value weight);

/// `effai.pack` of integer codes with an affine encoding for `quantType`.
Value packAffineWeight(OpBuilder &b, Location loc, Value codes,
                       quant::QuantizedType quantType, FloatType expressedType);

/// The transpose of a 2-D host tensor.
HostTensor transposeHost2D(const HostTensor &tensor);

/// Convolution window attributes resolved to explicit 2-D values.
struct ConvWindow {
  SmallVector<int64_t> strides, dilations,
      pads; // pads: top, left, bottom, right
  int64_t group = 1;
};

/// Reads strides/dilations/pads/auto_pad/group for a convolution over
/// spatial sizes `inputSizes` with kernel sizes `kernelSizes` (1-D or 2-D;
/// 1-D is lifted to 2-D with a unit height).
FailureOr<ConvWindow> getConvWindow(NodeContext &ctx,
                                    ArrayRef<int64_t> inputSizes,
                                    ArrayRef<int64_t> kernelSizes);

/// Builds effai.conv2d or effai.depthwise_conv2d (when the groups are the
/// channels and each filter sees one channel) for 4-D operands.
Value buildConv(OpBuilder &b, Location loc, RankedTensorType resultType,
                Value input, Value weight, Value bias,
                const ConvWindow &window);

} // namespace mlir::effai::onnx_import

#endif // EFFAI_LIB_IMPORT_ONNX_HANDLERS_WEIGHTUTILS_H
