//===- TensorCores.h - int8 contractions on mma.sync ------------*- C++ -*-===//
//
// What the tensor-core kernels take: i8 x i8 -> i32 matrix products, one
// warp-wide `mma.sync.m16n8k32` (s8) at a time. The policy
// (effai-select-tiling) asks matchTensorCoreContraction whether an op
// qualifies; the mechanism (effai-gpu-tile-and-map) rewrites its operands
// into the layout the instruction reads.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_TARGET_GPU_TENSORCORES_H
#define EFFAI_TARGET_GPU_TENSORCORES_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

#include <optional>

namespace mlir::effai {

/// The instruction shape: m16n8k32 for 8-bit integers.
inline constexpr int64_t kMmaM = 16, kMmaN = 8, kMmaK = 32;

/// Set by effai-gpu-tile-and-map on a warp's tile of a tensor-core
/// contraction, which effai-gpu-warp-mma turns into warp-level vector
/// contractions.
inline constexpr StringLiteral kGPUMmaTileAttrName = "effai.gpu_mma_tile";

/// A contraction tensor cores can compute: C[m, n] = A[m, k] * B[., .]
/// with i8 A and B (B read as [k, n] or [n, k]) and an i32 C filled with
/// zeros, every dimension a multiple of the instruction's and k < 2^17 (so
/// that mma.sync's saturating sum never saturates).
struct TensorCoreContraction {
  /// The loops of `op` in each role.
  unsigned m, n, k;
  /// B is read [k, n] (a constant the mechanism transposes to [n, k],
  /// the column-major layout mma.sync reads).
  bool transposeB;
  /// A's codes are zero-extended (u8): the mechanism flips their top bit
  /// in A's producer (x - 128 as s8) and adds 128 * sum_k B[k, n] to the
  /// result in its one consumer.
  bool unsignedA;
};

/// Whether tensor cores can compute `op` (see TensorCoreContraction).
/// Unsigned codes also need a constant B, an elementwise single-use
/// producer of A (through reshapes) and one elementwise consumer of C.
std::optional<TensorCoreContraction>
matchTensorCoreContraction(linalg::LinalgOp op);

/// Rewrites `op` as the tensor-core kernel reads it: B as [n, k], both
/// operands sign-extended (u8 activations flipped in their producer, the
/// correction added in the consumer). Returns the new contraction, which
/// keeps `op`'s attributes.
FailureOr<linalg::GenericOp>
prepareTensorCoreOperands(RewriterBase &rewriter, linalg::LinalgOp op,
                          const TensorCoreContraction &match);

} // namespace mlir::effai

#endif // EFFAI_TARGET_GPU_TENSORCORES_H
