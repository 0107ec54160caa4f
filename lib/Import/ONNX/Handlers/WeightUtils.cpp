//===- WeightUtils.cpp - weights for the compressible effai ops -*- C++ -*-===//

#include "WeightUtils.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::effai;
using namespace mlir::effai::onnx_import;

Value mlir::effai::onnx_import::packDenseWeight(OpBuilder &b, Location loc,
                                                Value weight) {
  auto type = cast<RankedTensorType>(weight.getType());
  MLIRContext *context = b.getContext();
  auto encoding = EncodingAttr::get(context, FloatFormatAttr::get(context));
  auto weightType =
      WeightType::get(context, type.getShape(),
                      cast<FloatType>(type.getElementType()), encoding);
  return PackOp::create(b, loc, weightType, weight, Value());
}

Value mlir::effai::onnx_import::packAffineWeight(OpBuilder &b, Location loc,
                                                 Value codes,
                                                 quant::QuantizedType quantType,
                                                 FloatType expressedType) {
  auto type = cast<RankedTensorType>(codes.getType());
  MLIRContext *context = b.getContext();
  auto encoding =
      EncodingAttr::get(context, AffineFormatAttr::get(context, quantType));
  auto weightType =
      WeightType::get(context, type.getShape(), expressedType, encoding);
  return PackOp::create(b, loc, weightType, codes, Value());
}

HostTensor mlir::effai::onnx_import::transposeHost2D(const HostTensor &tensor) {
  int64_t rows = tensor.getShape()[0], cols = tensor.getShape()[1];
  HostTensor result = tensor.reshaped({cols, rows});
  int64_t width = tensor.getBytes().size() / std::max<int64_t>(1, rows * cols);
  const char *src = tensor.getBytes().data();
  char *dst = result.getMutableBytes().data();
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      std::memcpy(dst + (c * rows + r) * width, src + (r * cols + c) * width,
                  width);
  return result;
}

FailureOr<ConvWindow>
mlir::effai::onnx_import::getConvWindow(NodeContext &ctx,
                                        ArrayRef<int64_t> inputSizes,
                                        ArrayRef<int64_t> kernelSizes) {
  int64_t spatial = inputSizes.size();
  ConvWindow window;
  window.group = ctx.attrInt("group", 1);
  SmallVector<int64_t> strides = ctx.attrInts("strides");
  SmallVector<int64_t> dilations = ctx.attrInts("dilations");
  SmallVector<int64_t> pads = ctx.attrInts("pads");
  if (strides.empty())
    strides.assign(spatial, 1);
  if (dilations.empty())
    dilations.assign(spatial, 1);
  std::string autoPad = ctx.attrString("auto_pad", "NOTSET");
  if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    pads.assign(2 * spatial, 0);
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t out = llvm::divideCeil(inputSizes[i], strides[i]);
      int64_t span = (kernelSizes[i] - 1) * dilations[i] + 1;
      int64_t total =
          std::max<int64_t>(0, (out - 1) * strides[i] + span - inputSizes[i]);
      int64_t small = total / 2, large = total - total / 2;
      pads[i] = autoPad == "SAME_UPPER" ? small : large;
      pads[i + spatial] = autoPad == "SAME_UPPER" ? large : small;
    }
  } else if (autoPad == "VALID" || pads.empty()) {
    pads.assign(2 * spatial, 0);
  } else if (autoPad != "NOTSET") {
    ctx.emitError() << "unknown auto_pad '" << autoPad << "'";
    return failure();
  }
  if (int64_t(strides.size()) != spatial ||
      int64_t(dilations.size()) != spatial ||
      int64_t(pads.size()) != 2 * spatial) {
    ctx.emitError() << "strides, dilations and pads must match the " << spatial
                    << " spatial dimensions";
    return failure();
  }
  if (failed(checkPositive(ctx, strides, "strides")) ||
      failed(checkPositive(ctx, dilations, "dilations")))
    return failure();
  if (spatial == 1) {
    window.strides = {1, strides[0]};
    window.dilations = {1, dilations[0]};
    window.pads = {0, pads[0], 0, pads[1]};
  } else {
    window.strides = strides;
    window.dilations = dilations;
    window.pads = pads;
  }
  return window;
}

Value mlir::effai::onnx_import::buildConv(OpBuilder &b, Location loc,
                                          RankedTensorType resultType,
                                          Value input, Value weight, Value bias,
                                          const ConvWindow &window) {
  auto inputType = cast<RankedTensorType>(input.getType());
  auto weightType = cast<WeightType>(weight.getType());
  int64_t channels = inputType.getDimSize(1);
  bool depthwise = window.group == channels && window.group > 1 &&
                   weightType.getShape()[1] == 1;
  auto strides = b.getDenseI64ArrayAttr(window.strides);
  auto pads = b.getDenseI64ArrayAttr(window.pads);
  auto dilations = b.getDenseI64ArrayAttr(window.dilations);
  if (depthwise)
    return DepthwiseConv2DOp::create(b, loc, resultType, input, weight, bias,
                                     strides, pads, dilations);
  return Conv2DOp::create(b, loc, resultType, input, weight, bias, strides,
                          pads, dilations, b.getI64IntegerAttr(window.group));
}
