//===- TensorCores.h - int8 and f16 contractions on mma.sync ----*- C++ -*-===//
//
// What the tensor-core kernels take: i8 x i8 -> i32 and f16 x f16 -> f32
// matrix products, one warp-wide `mma.sync` (m16n8k32 for s8, m16n8k16 for
// f16) at a time. The policy
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

/// The instruction shape: m16n8, and k 32 for 8-bit integers, 16 for f16.
inline constexpr int64_t kMmaM = 16, kMmaN = 8;
inline int64_t getMmaK(Type operandType) {
  return operandType.isInteger(8) ? 32 : 16;
}

/// Set by effai-gpu-tile-and-map on a warp's tile of a tensor-core
/// contraction, which effai-gpu-warp-mma turns into warp-level vector
/// contractions.
inline constexpr StringLiteral kGPUMmaTileAttrName = "effai.gpu_mma_tile";

/// A contraction tensor cores can compute: C[m, n] = A[m, k] * B[., .]
/// (B read as [k, n] or [n, k]) into a C filled with zeros, every dimension
/// a multiple of the instruction's: i8 A and B into i32 C with k < 2^17
/// (so that mma.sync's saturating sum never saturates), or f16 A and B
/// extended to an f32 C. (bf16 is not taken: MLIR 22's vector-to-nvgpu and
/// nvgpu-to-nvvm conversions reject bf16 fragments.)
struct TensorCoreContraction {
  /// The operands' element type: i8 or f16.
  Type operandType;
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

/// Rewrites `op` as the tensor-core kernel reads it: B as [n, k], i8
/// operands both sign-extended (u8 activations flipped in their producer,
/// the correction added in the consumer; f16 operands stay extended). Returns
/// the new contraction, which keeps `op`'s attributes.
FailureOr<linalg::GenericOp>
prepareTensorCoreOperands(RewriterBase &rewriter, linalg::LinalgOp op,
                          const TensorCoreContraction &match);

} // namespace mlir::effai

#endif // EFFAI_TARGET_GPU_TENSORCORES_H
