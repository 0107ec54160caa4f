//===- ContractionKernel.h - register-blocked contraction kernels -*- C++ -*-=//
//
// The mechanism half of CPU tiling: given a contraction on buffers and the
// #effai.tiling that effai-select-tiling chose for it, emit the cache-blocked
// loop nest and the register-blocked vector micro-kernel, with constant
// weights packed at compile time and the elementwise consumer (the
// epilogue) computed on the register tile before its one store.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_LIB_TARGET_CPU_CONTRACTIONKERNEL_H
#define EFFAI_LIB_TARGET_CPU_CONTRACTIONKERNEL_H

#include "effai/Dialect/Effai/IR/EffaiAttrs.h"
#include "effai/Utils/ContractionAnalysis.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::effai::cpu {

/// An all-parallel linalg.generic that reads the contraction's result
/// (input `resultInput`, identity map) and writes its own output: computed
/// on the register tile when fused.
struct Epilogue {
  linalg::GenericOp op;
  unsigned resultInput = 0;
};

/// The elementwise consumer `contraction` can fuse on buffers: the result
/// buffer is a fresh allocation that only a zero fill, the contraction and
/// that consumer touch, and the consumer's body is vectorizable.
std::optional<Epilogue> findEpilogue(linalg::LinalgOp contraction,
                                     std::string &reason);

/// Why `op` with `tiling` cannot become a kernel, or success. Checks what
/// the emitter supports (f32, one vectorized `n` dimension, contiguous
/// stores, a packable or contiguous second input).
LogicalResult checkKernelSupport(linalg::LinalgOp op,
                                 const ContractionDims &dims,
                                 TilingAttr tiling, std::string &reason);

/// A contiguous (identity-layout) buffer viewed as 1-D.
Value buildFlatView(OpBuilder &b, Location loc, Value memref);

/// The global a `memref.get_global` of a constant reads, with its bytes
/// (splats expanded).
struct ConstantGlobal {
  memref::GlobalOp global;
  ArrayRef<char> bytes;
  std::vector<char> expanded;

  /// The bytes of the elements, splat or not.
  ArrayRef<char> data() const {
    return expanded.empty() ? bytes : ArrayRef<char>(expanded);
  }
};

/// `value`'s constant global and bytes, when it reads one with an identity
/// layout and f32 or whole-byte integer elements.
std::optional<ConstantGlobal> getConstantGlobal(Value value);

/// Replaces `op` (and the fused `epilogue`, if any) by the kernel.
/// `checkKernelSupport` must have succeeded.
void emitContractionKernel(RewriterBase &rewriter, linalg::LinalgOp op,
                           const ContractionDims &dims, TilingAttr tiling,
                           std::optional<Epilogue> epilogue);

} // namespace mlir::effai::cpu

#endif // EFFAI_LIB_TARGET_CPU_CONTRACTIONKERNEL_H
