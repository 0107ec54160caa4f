//===- LinalgBuilders.h - linalg-on-tensors building blocks ----*- C++ -*-===//
//
// Small IR builders shared by the ONNX importer and the lowerings:
// numpy-broadcasting elementwise generics, gathers, reductions, reshapes,
// transposes, fills, scalar conversions and a grouped convolution.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_UTILS_LINALGBUILDERS_H
#define EFFAI_UTILS_LINALGBUILDERS_H

#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace mlir::effai {

/// Computes one output element from the input elements.
using ScalarFn = function_ref<Value(OpBuilder &, Location, ValueRange)>;
/// Combines an accumulator with one input element.
using CombineFn =
    function_ref<Value(OpBuilder &, Location, Value acc, Value x)>;

/// A `linalg.generic` over `resultType` whose inputs broadcast numpy-style
/// (trailing dimensions aligned, size-1 dimensions stretched).
Value buildElementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                       ValueRange inputs, ScalarFn body);

/// Reduces `input` over `axes` (sorted, non-negative) starting from `init`;
/// the result drops the reduced dimensions.
Value buildReduction(OpBuilder &b, Location loc, Value input,
                     ArrayRef<int64_t> axes, TypedAttr init, CombineFn combine);

/// A tensor of `type` filled with `value`.
Value buildFill(OpBuilder &b, Location loc, RankedTensorType type,
                TypedAttr value);

/// Computes the source coordinates of one output element.
using IndexFn = function_ref<SmallVector<Value>(
    OpBuilder &, Location, ValueRange outputIndices, ValueRange extraScalars)>;

/// A generic over `resultType` whose element at each output position is
/// `source[indexFn(position)]` (a gather). `extraInputs` have the result's
/// shape (or broadcast to it) and their elements are passed to `indexFn`.
Value buildGather(OpBuilder &b, Location loc, RankedTensorType resultType,
                  Value source, ValueRange extraInputs, IndexFn indexFn);

/// Reshapes to `type` (same element count; row-major order kept).
Value buildReshape(OpBuilder &b, Location loc, Value input,
                   RankedTensorType type);

/// Permutes dimensions: result dim i is input dim perm[i].
Value buildTranspose(OpBuilder &b, Location loc, Value input,
                     ArrayRef<int64_t> perm);

/// A scalar constant of `type` (float or integer) with value `value`.
Value buildScalar(OpBuilder &b, Location loc, Type type, double value);
TypedAttr getScalarAttr(Type type, double value);

/// Converts a scalar between element types with ONNX Cast semantics
/// (float to int truncates; signedness decides extension and conversion).
Value castScalar(OpBuilder &b, Location loc, Value value, Type to,
                 bool fromUnsigned, bool toUnsigned);

/// ONNX QuantizeLinear on one float scalar already divided by the scale:
/// clamp(round_half_even(scaled) + zeroPoint, [lo, hi]) converted to the
/// integer `storage` (`zeroPoint` is a float scalar, or null for 0). The
/// clamp is done in float so that the conversion is always in range; NaN
/// becomes `lo`.
Value buildQuantizeScalar(OpBuilder &b, Location loc, Value scaled,
                          Value zeroPoint, Type storage, bool isUnsigned,
                          int64_t lo, int64_t hi);

/// Normalizes a possibly negative axis into [0, rank); -1 when out of range.
int64_t normalizeAxis(int64_t axis, int64_t rank);

/// acc + x * y for float or integer scalars.
Value buildMulAdd(OpBuilder &b, Location loc, Value acc, Value x, Value y);

/// Views `input` as `viewShape` (same elements, row-major) and permutes the
/// view's dimensions (result dim i is view dim perm[i]). Folded into a new
/// constant when `input` is one (weights are laid out once, at compile
/// time), else a reshape and a linalg.transpose.
Value buildPermutedView(OpBuilder &b, Location loc, Value input,
                        ArrayRef<int64_t> viewShape, ArrayRef<int64_t> perm);

/// `acc + x (*) w` in a contraction body; null means buildMulAdd. Kernels
/// whose weights are codes (power-of-two shifts) pass their own.
using MulAddFn =
    function_ref<Value(OpBuilder &, Location, Value acc, Value x, Value w)>;

/// A generic over `maps` and `iterators` accumulating `mulAdd(acc, x, w)`
/// (buildMulAdd when null) into a zero-filled `type`. With buildMulAdd, f16
/// and bf16 operands are widened and summed in f32, then rounded to `type`
/// by an elementwise generic.
Value buildContraction(OpBuilder &b, Location loc, RankedTensorType type,
                       Value x, Value w, ArrayRef<AffineMap> maps,
                       ArrayRef<utils::IteratorType> iterators,
                       MulAddFn mulAdd = nullptr);

/// x[..., K] . w[N, K]^T -> [..., N] as a contraction generic accumulating
/// in `elt` (operands already of that type unless `mulAdd` takes others).
/// Leading dimensions of `x` stay loop dimensions (no reshape), so
/// elementwise consumers of the result fuse with it.
Value buildLinearContraction(OpBuilder &b, Location loc, Value x, Value w,
                             Type elt, MulAddFn mulAdd = nullptr);

/// `input` (NCHW) zero-padded by `pads` = [top, left, bottom, right].
Value buildZeroPad(OpBuilder &b, Location loc, Value input,
                   ArrayRef<int64_t> pads);
/// `input` (NCHW) padded by `pads` with `value` (of its element type).
Value buildPad(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> pads,
               double value);

/// A grouped NCHW x OIHW convolution as one generic accumulating in
/// `resultType`'s element type (operands already of that type), the input
/// zero-padded. `pads` is [top, left, bottom, right]. With `directNCHW` and
/// one group, the generic computes the NCHW result itself, loops
/// (n, o, oh, ow | c, kh, kw), for a register-blocked kernel to tile;
/// otherwise its loop order suits plain-loop vectorization (see the .cpp).
Value buildConvGeneric(OpBuilder &b, Location loc, Value input, Value weight,
                       RankedTensorType resultType, ArrayRef<int64_t> strides,
                       ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations,
                       int64_t groups, MulAddFn mulAdd = nullptr,
                       bool directNCHW = false);

} // namespace mlir::effai

#endif // EFFAI_UTILS_LINALGBUILDERS_H
