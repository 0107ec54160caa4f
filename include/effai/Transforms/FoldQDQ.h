//===- FoldQDQ.h - fold quant casts into effai ops --------------*- C++ -*-===//
//
// The patterns of effai-fold-qdq, for pipelines and the ONNX importer.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_TRANSFORMS_FOLDQDQ_H
#define EFFAI_TRANSFORMS_FOLDQDQ_H

#include "mlir/IR/PatternMatch.h"

namespace mlir::effai {

/// Adds the patterns that fold quant.dcast/quant.qcast around effai.pack and
/// the compressible ops into integer-only effai ops.
void populateFoldQDQPatterns(RewritePatternSet &patterns);

/// Applies them to `op` without the greedy driver's folding: upstream folds
/// dcast(qcast(x)) to x, which drops the rounding QDQ models rely on.
LogicalResult applyFoldQDQ(Operation *op);

} // namespace mlir::effai

#endif // EFFAI_TRANSFORMS_FOLDQDQ_H
