//===- UnrolledKernel.h - contractions against a small constant -*- C++ -*-===//
//
// The `unrolled` kernel of #effai.tiling: n and k loops unrolled with the
// constant coefficients of the second input folded in.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_LIB_TARGET_CPU_UNROLLEDKERNEL_H
#define EFFAI_LIB_TARGET_CPU_UNROLLEDKERNEL_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/SmallPtrSet.h"

namespace mlir::effai::cpu {

/// Replaces the f32 contraction `op` on buffers, whose second input is a
/// constant global, by loops over its m dims whose body computes every n
/// point as a sum of the first input's elements with the constant
/// coefficients folded in. A zero fill of the output just before is
/// absorbed (and added to `erased`). The outermost m loop is an
/// scf.parallel when `threaded`. Fails with `reason` on other ops.
LogicalResult emitUnrolledKernel(RewriterBase &rewriter, linalg::LinalgOp op,
                                 bool threaded,
                                 llvm::SmallPtrSetImpl<Operation *> &erased,
                                 std::string &reason);

} // namespace mlir::effai::cpu

#endif // EFFAI_LIB_TARGET_CPU_UNROLLEDKERNEL_H
