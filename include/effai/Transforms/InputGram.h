//===- InputGram.h - second moments of a layer's input ----------*- C++ -*-===//
//
// A weight row w of a linear or conv layer meets its input as dot products
// w·x over reduction vectors x (rows of the input, or conv patches). The
// output error of a perturbed row d is then E[(d·x)²] = dᵀ G d with
// G = E[x xᵀ], the input's Gram matrix. Calibration records G on each
// compressible op (`effai.input_gram`); the weight quantizers read it to
// round in the direction the layer's output does not see (GPTQ).
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_TRANSFORMS_INPUTGRAM_H
#define EFFAI_TRANSFORMS_INPUTGRAM_H

#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"

#include <string>
#include <vector>

namespace mlir::effai {

class PackOp;

/// The attribute holding an op's input Gram matrix: f32 `[R, R]`, R its
/// weight's reduction size.
constexpr StringLiteral kInputGramAttrName = "effai.input_gram";

/// effai.linear, effai.conv2d and effai.depthwise_conv2d under `root`, in
/// walk order: the ops calibration observes.
SmallVector<Operation *> getCompressibleOps(Operation *root);

/// The largest reduction size that gets a Gram matrix: R² floats in the IR
/// and O(R³) feedback work per layer (ResNet-18's largest is 4608).
constexpr int64_t kMaxInputGramSize = 5000;

/// Whether one Gram matrix describes `op`'s input: effai.linear and
/// effai.conv2d with groups = 1 (the output channels share one input),
/// whose weight's reduction size is at most kMaxInputGramSize.
bool hasInputGram(Operation *op);

/// The mean x xᵀ (row-major `[R, R]`) over the reduction vectors that
/// `op`'s weight multiplies in `inputs`: whole inputs of `op`'s static
/// input type, concatenated (one per calibration sample). Fails with
/// `error` unless hasInputGram(op) and the size is a whole number of
/// inputs.
FailureOr<std::vector<double>>
computeInputGram(Operation *op, ArrayRef<float> inputs, std::string &error);

/// Sets `effai.input_gram` on `op` to `gram` (`[R, R]` row-major).
void setInputGram(Operation *op, ArrayRef<double> gram);

/// Records `effai.input_gram` on each of `ops` (getCompressibleOps order)
/// that hasInputGram, from `inputs[i]`: what op i's input took, whole inputs
/// concatenated. Returns how many ops got one; fails with `error` when the
/// counts differ or computeInputGram fails.
FailureOr<int64_t> recordInputGrams(ArrayRef<Operation *> ops,
                                    ArrayRef<ArrayRef<float>> inputs,
                                    std::string &error);

/// `op`'s effai.input_gram when it is f32 `[size, size]`; empty otherwise.
std::vector<double> getInputGram(Operation *op, int64_t size);

/// The Gram matrix recorded on the op that consumes `pack`'s weight, when
/// there is one of the weight's reduction size (a wrong-sized one gets a
/// warning prefixed by `passName` and is ignored); empty otherwise.
std::vector<double> readInputGram(PackOp pack, StringRef passName);

} // namespace mlir::effai

#endif // EFFAI_TRANSFORMS_INPUTGRAM_H
