//===- InputGram.cpp - second moments of a layer's input --------*- C++ -*-===//

#include "effai/Transforms/InputGram.h"

#include "effai/Dialect/Effai/IR/EffaiOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

#include <cmath>

using namespace mlir;
using namespace mlir::effai;

SmallVector<Operation *> mlir::effai::getCompressibleOps(Operation *root) {
  SmallVector<Operation *> ops;
  root->walk([&](Operation *op) {
    if (isa<LinearOp, Conv2DOp, DepthwiseConv2DOp>(op))
      ops.push_back(op);
  });
  return ops;
}

namespace {

/// Adds x xᵀ to the upper triangle of `gram` (`[R, R]`).
void addOuterProduct(ArrayRef<float> x, std::vector<double> &gram) {
  size_t size = x.size();
  for (size_t i = 0; i < size; ++i) {
    if (x[i] == 0.0f)
      continue;
    double xi = x[i];
    double *row = gram.data() + i * size;
    for (size_t j = i; j < size; ++j)
      row[j] += xi * x[j];
  }
}

/// The conv patches of one `[C, H, W]` image, in the weight's `[C, KH, KW]`
/// order (zeros in the padding), each added to `gram`; returns their count.
int64_t addConvPatches(Conv2DOp conv, ArrayRef<int64_t> inputShape,
                       ArrayRef<int64_t> kernel, ArrayRef<float> image,
                       std::vector<double> &gram) {
  int64_t channels = inputShape[1], height = inputShape[2],
          width = inputShape[3];
  int64_t kh = kernel[2], kw = kernel[3];
  ArrayRef<int64_t> strides = conv.getStrides(), pads = conv.getPads(),
                    dilations = conv.getDilations();
  int64_t outHeight =
      (height + pads[0] + pads[2] - dilations[0] * (kh - 1) - 1) / strides[0] +
      1;
  int64_t outWidth =
      (width + pads[1] + pads[3] - dilations[1] * (kw - 1) - 1) / strides[1] +
      1;
  std::vector<float> patch(channels * kh * kw);
  for (int64_t oy = 0; oy < outHeight; ++oy)
    for (int64_t ox = 0; ox < outWidth; ++ox) {
      size_t at = 0;
      for (int64_t c = 0; c < channels; ++c)
        for (int64_t ky = 0; ky < kh; ++ky)
          for (int64_t kx = 0; kx < kw; ++kx) {
            int64_t y = oy * strides[0] - pads[0] + ky * dilations[0];
            int64_t x = ox * strides[1] - pads[1] + kx * dilations[1];
            bool inside = y >= 0 && y < height && x >= 0 && x < width;
            patch[at++] = inside ? image[(c * height + y) * width + x] : 0.0f;
          }
      addOuterProduct(patch, gram);
    }
  return outHeight * outWidth;
}

} // namespace

bool mlir::effai::hasInputGram(Operation *op) {
  auto conv = dyn_cast<Conv2DOp>(op);
  if (!isa<LinearOp>(op) && !(conv && conv.getGroups() == 1))
    return false;
  auto weightType = dyn_cast<WeightType>(op->getOperand(1).getType());
  return weightType && weightType.getReductionSize() <= kMaxInputGramSize;
}

FailureOr<std::vector<double>>
mlir::effai::computeInputGram(Operation *op, ArrayRef<float> inputs,
                              std::string &error) {
  auto inputType = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
  auto weightType = dyn_cast<WeightType>(op->getOperand(1).getType());
  auto conv = dyn_cast<Conv2DOp>(op);
  if (!hasInputGram(op)) {
    error = "no input Gram matrix for '" + op->getName().getStringRef().str() +
            "': its output channels do not share one input, or its "
            "reduction is larger than " +
            std::to_string(kMaxInputGramSize);
    return failure();
  }
  if (!inputType || !inputType.hasStaticShape() || !weightType) {
    error = "the input of '" + op->getName().getStringRef().str() +
            "' has no static shape";
    return failure();
  }
  int64_t perInput = inputType.getNumElements();
  if (perInput == 0 || inputs.empty() || inputs.size() % perInput != 0) {
    error = std::to_string(inputs.size()) + " values are not whole inputs " +
            "of " + std::to_string(perInput) + " values";
    return failure();
  }
  int64_t size = weightType.getReductionSize();
  std::vector<double> gram(size * size, 0.0);
  int64_t vectors = 0;
  if (conv) {
    ArrayRef<int64_t> shape = inputType.getShape();
    int64_t image = shape[1] * shape[2] * shape[3];
    for (size_t at = 0; at < inputs.size(); at += image)
      vectors += addConvPatches(conv, shape, weightType.getShape(),
                                inputs.slice(at, image), gram);
  } else {
    for (size_t at = 0; at < inputs.size(); at += size, ++vectors)
      addOuterProduct(inputs.slice(at, size), gram);
  }
  // Mean, mirrored into the lower triangle.
  for (int64_t i = 0; i < size; ++i)
    for (int64_t j = i; j < size; ++j) {
      double mean = gram[i * size + j] / double(std::max<int64_t>(vectors, 1));
      gram[i * size + j] = gram[j * size + i] = mean;
    }
  return gram;
}

void mlir::effai::setInputGram(Operation *op, ArrayRef<double> gram) {
  auto size = static_cast<int64_t>(
      std::llround(std::sqrt(static_cast<double>(gram.size()))));
  std::vector<float> values(gram.begin(), gram.end());
  auto type =
      RankedTensorType::get({size, size}, Float32Type::get(op->getContext()));
  op->setAttr(kInputGramAttrName,
              DenseElementsAttr::get(type, ArrayRef<float>(values)));
}

FailureOr<int64_t>
mlir::effai::recordInputGrams(ArrayRef<Operation *> ops,
                              ArrayRef<ArrayRef<float>> inputs,
                              std::string &error) {
  if (inputs.size() != ops.size()) {
    error = "expected the inputs of " + std::to_string(ops.size()) +
            " compressible ops, got " + std::to_string(inputs.size());
    return failure();
  }
  int64_t recorded = 0;
  for (auto [op, values] : llvm::zip_equal(ops, inputs)) {
    if (!hasInputGram(op))
      continue;
    FailureOr<std::vector<double>> gram = computeInputGram(op, values, error);
    if (failed(gram))
      return failure();
    setInputGram(op, *gram);
    ++recorded;
  }
  return recorded;
}

std::vector<double> mlir::effai::getInputGram(Operation *op, int64_t size) {
  auto gram = op->getAttrOfType<DenseElementsAttr>(kInputGramAttrName);
  if (!gram)
    return {};
  auto type = cast<ShapedType>(gram.getType());
  if (!type.getElementType().isF32() || type.getRank() != 2 ||
      type.getDimSize(0) != size || type.getDimSize(1) != size)
    return {};
  std::vector<double> values;
  for (float v : gram.getValues<float>())
    values.push_back(v);
  return values;
}

std::vector<double> mlir::effai::readInputGram(PackOp pack,
                                               StringRef passName) {
  auto weightType = cast<WeightType>(pack.getResult().getType());
  int64_t size = weightType.getReductionSize();
  for (OpOperand &use : pack.getResult().getUses()) {
    Operation *op = use.getOwner();
    auto gram = op->getAttrOfType<DenseElementsAttr>(kInputGramAttrName);
    if (!gram || use.getOperandNumber() != 1 || !hasInputGram(op))
      continue;
    std::vector<double> values = getInputGram(op, size);
    if (values.empty())
      op->emitWarning() << passName << ": " << kInputGramAttrName
                        << " ignored: expected " << size << "x" << size
                        << " f32 for this weight, got " << gram.getType();
    else
      return values;
  }
  return {};
}
