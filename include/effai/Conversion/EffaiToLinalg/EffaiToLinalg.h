//===- EffaiToLinalg.h - lower effai ops to linalg --------------*- C++ -*-===//
//
// Patterns of effai-lower-to-linalg, for pipelines that compose them.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_CONVERSION_EFFAITOLINALG_EFFAITOLINALG_H
#define EFFAI_CONVERSION_EFFAITOLINALG_EFFAITOLINALG_H

#include "mlir/IR/PatternMatch.h"

namespace mlir::effai {

/// effai.unpack -> in-IR decoding of the payload.
void populateUnpackToLinalgPatterns(RewritePatternSet &patterns);
/// Compressible ops with float activations -> generics on decoded weights.
void populateFloatOpsToLinalgPatterns(RewritePatternSet &patterns);
/// Compressible ops with quantized activations and effai.requantize ->
/// integer-only generics with fixed-point requantization.
void populateQuantizedOpsToLinalgPatterns(RewritePatternSet &patterns);

/// All of the above.
void populateEffaiToLinalgPatterns(RewritePatternSet &patterns);

} // namespace mlir::effai

#endif // EFFAI_CONVERSION_EFFAITOLINALG_EFFAITOLINALG_H
