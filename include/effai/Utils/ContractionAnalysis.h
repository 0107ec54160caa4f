//===- ContractionAnalysis.h - loop structure of contractions ---*- C++ -*-===//
//
// Matmuls, batched matmuls, linear layers and convolutions are all
// `C[...] += A[...] * B[...]` over some iteration space. Tiling policy and
// kernel generation both need to know which loop dimensions play which role;
// this analysis answers that for any linalg op of this form, on tensors or
// buffers.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_UTILS_CONTRACTIONANALYSIS_H
#define EFFAI_UTILS_CONTRACTIONANALYSIS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace mlir::effai {

/// The roles of a contraction's loop dimensions: `batch` dimensions index A,
/// B and C; `m` dimensions index A and C; `n` dimensions index B and C; `k`
/// dimensions are reduced and index A and B. Each list is in loop order.
struct ContractionDims {
  SmallVector<unsigned> batch, m, n, k;
  /// The static range of every loop dimension.
  SmallVector<int64_t> ranges;

  /// Product of the ranges of `dims`.
  int64_t getSize(ArrayRef<unsigned> dims) const;
  int64_t getM() const { return getSize(m); }
  int64_t getN() const { return getSize(n); }
  int64_t getK() const { return getSize(k); }
  int64_t getBatch() const { return getSize(batch); }
};

/// `sum coeffs[d] * d + constant`: the form of every index expression of a
/// matmul or a convolution.
struct LinearForm {
  SmallVector<int64_t> coeffs;
  int64_t constant = 0;
};

/// The linear form of `expr` over `numDims` dims, or none (floordiv, mod,
/// products of dims).
std::optional<LinearForm> getLinearForm(AffineExpr expr, unsigned numDims);

/// Whether `map`'s results are linear and `dim` appears only in the last
/// result, with coefficient 1: consecutive values of `dim` are consecutive
/// elements of a buffer with a unit innermost stride.
bool isContiguousAlong(AffineMap map, unsigned dim);

/// Whether the body of `op` yields `acc + a * b` (either operand order),
/// where `a` and `b` are the two inputs, possibly converted (ext/trunc,
/// int/float casts) before the multiply, and `acc` the init.
bool hasMultiplyAccumulateBody(linalg::LinalgOp op);

/// How a float contraction's body reads one of its inputs: as is (the
/// accumulator's type), as 8-bit integer codes converted to float before
/// the multiply (weight-only quantized weights, scaled after the sum), or
/// as f16/bf16 extended to an f32 accumulator (half-float products).
enum class InputWidening { None, Signed8, Unsigned8, Half };

/// The widening of input `index` of a multiply-accumulate body: `None` when
/// its element type is the result's, `Signed8`/`Unsigned8` when it is an
/// i8 whose block argument's only use is one sitofp/uitofp (or extsi/extui)
/// to the result's type, `Half` when it is an f16 or bf16 whose only use is
/// one extf to an f32 result; none otherwise.
std::optional<InputWidening> getInputWidening(linalg::LinalgOp op,
                                              unsigned index);

/// Whether i8 codes read with `widening` (Signed8 or Unsigned8) all fit
/// `bits` bits ([-2^(bits-1), 2^(bits-1)) or [0, 2^bits)): then the kernels
/// can store 8 / bits of them in a byte.
bool fitBits(ArrayRef<char> codes, InputWidening widening, int64_t bits);

/// The fewest bits, 2 or 4, that every code of input `index` of `op` fits
/// when it is a constant of i8 codes widened in the body; 0 otherwise.
int64_t getPackableCodeBits(linalg::LinalgOp op, unsigned index);

/// Whether the register-blocked kernels take `op`'s element types: f32 or
/// i32 results, inputs of the result's type or 8-bit codes widened in the
/// body (the first input, the activations, only for i32 results).
bool hasKernelElementTypes(linalg::LinalgOp op);

/// The element types a kernel's fused epilogue may produce: f32 (float or
/// dequantized results) or integers of 8 to 32 whole bits (i32 sums,
/// requantized codes).
bool isEpilogueElementType(Type type);

/// Whether every input of epilogue candidate `consumer` has whole-byte
/// elements. An i1 buffer holds a byte per element but a vector<Nxi1>
/// load reads N bits, so masks (Where conditions) are not vector-loadable.
bool hasByteSizedInputs(linalg::GenericOp consumer);

/// Whether every operand of `op` is f32 or has f32 elements.
bool hasOnlyF32Operands(Operation *op);

/// The elementwise generic that is the only user of `op`'s result and
/// iterates over exactly its shape (reading it unpermuted): what a kernel
/// can compute on its register tile before the store (inputs of whole
/// bytes only; results of isEpilogueElementType, or also f16 and bf16 with
/// `halfResults`: the GPU kernels store any). Null when none.
linalg::GenericOp findFusableEpilogue(linalg::LinalgOp op,
                                      bool halfResults = false);

/// The reduction dimension a 4-way u8 x s8 -> i32 dot product can group:
/// `op` accumulates i32 from zero-extended i8 activations (input 0) and
/// sign-extended i8 codes (input 1), `dim` indexes the activations
/// contiguously (four consecutive values are one 32-bit load), and the
/// activations' innermost extent covers the last group's four elements
/// with `dim` rounded up to a multiple of 4 (the extra codes are zero).
std::optional<unsigned> getDotProductDim(linalg::LinalgOp op,
                                         const ContractionDims &dims);

/// The dimension roles of `op`: two inputs and one init, static loop
/// ranges, a multiply-accumulate body, a result map that is a projected
/// permutation, and every dimension in one of the four roles.
FailureOr<ContractionDims> analyzeContraction(linalg::LinalgOp op);

} // namespace mlir::effai

#endif // EFFAI_UTILS_CONTRACTIONANALYSIS_H
