//===- LoweringUtils.h - shared pieces of effai-lower-to-linalg -*- C++ -*-===//
//
// Weight access and scalar helpers the lowering patterns share.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_LIB_CONVERSION_EFFAITOLINALG_LOWERINGUTILS_H
#define EFFAI_LIB_CONVERSION_EFFAITOLINALG_LOWERINGUTILS_H

#include "effai/Dialect/Effai/IR/EffaiOps.h"
#include "effai/Dialect/Effai/IR/WeightCodec.h"
#include "effai/Utils/LinalgBuilders.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"

namespace mlir::effai {

/// The weight as a dense tensor of its logical float type: the payload of a
/// dense-float pack, else an effai.unpack (lowered by its own pattern).
Value getDecodedWeight(OpBuilder &b, Location loc, Value weight);

/// What decodePackedWeight produces.
enum class DecodeMode {
  /// The weight's values in its float element type.
  Values,
  /// i32 integer codes c with value = c * getIntegerCodeScales()[channel]:
  /// affine q - zero_point, power-of-two sum of ±2^(k-1).
  IntegerCodes,
};

/// Decodes `pack`'s payload into a dense tensor of the weight's logical
/// shape (zeros where pruned).
Value decodePackedWeight(OpBuilder &b, Location loc, PackOp pack,
                         DecodeMode mode);

/// Per-output-channel quantization parameters of a weight or tensor.
struct ChannelParams {
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
  bool isSigned = true;
  /// Scale and zero point of channel `c` (per-tensor: channel ignored).
  double scale(int64_t c) const {
    return scales.size() == 1 ? scales[0] : scales[c];
  }
  int64_t zeroPoint(int64_t c) const {
    return zeroPoints.size() == 1 ? zeroPoints[0] : zeroPoints[c];
  }
};

/// Parameters of a !quant.uniform type (per-tensor or per-axis).
ChannelParams getParams(quant::QuantizedType type);

/// Decodes stored codes into values of the weight's element type (or i32
/// integer codes). Built once per weight: per-channel parameters become
/// constant tables read with tensor.extract at the weight's output channel.
class ValueDecoder {
public:
  ValueDecoder(OpBuilder &b, Location loc, WeightType type, DecodeMode mode);

  int64_t getTerms() const;
  Type getElementType() const { return elementType; }

  /// The value (or integer code) of the stored weight with codes `codes` in
  /// output channel `channel` (an index).
  Value decode(OpBuilder &b, Location loc, ArrayRef<Value> codes,
               Value channel) const;

private:
  /// A focused code's value: ±centre plus the scaled offset.
  Value decodeFocused(OpBuilder &b, Location loc, FocusedFormatAttr focused,
                      Value code, Value centre, Value scale) const;

  ValueFormatAttrInterface format;
  Type elementType;
  DecodeMode mode;
  ChannelParams params;
  /// Per-channel f64 tables; focused weights keep their centres in
  /// `zeroPoints`.
  Value scales, zeroPoints;
};

/// Field `field` (an index) of the `width`-bit packed index stream `bytes`
/// (`tensor<Nxi8>`, see PackedIndices.h), as an index.
Value buildPackedFieldRead(OpBuilder &b, Location loc, Value bytes, Value field,
                           unsigned width);

/// Whether `sparsity` places stored weights by walking its indices in order
/// (#effai.delta, #effai.bitmap) rather than by random access.
bool hasSequentialPositions(SparsityFormatAttrInterface sparsity);

/// Part of a sequential walk over the stored weights of a delta or bitmap
/// payload.
struct StoredWalkRange {
  /// The first stored weight (slot) the walk meets.
  Value firstSlot;
  /// Delta: the slot to stop at, and the position of slot `firstSlot - 1`
  /// (0 before slot 0) that the first delta is added to.
  Value endSlot, previousPosition;
  /// Bitmap: the flat `[O, R]` positions [firstPosition, endPosition) to
  /// scan.
  Value firstPosition, endPosition;
};

/// Body of a walk: the values to carry on, given the stored weight's slot
/// and flat position in the `[O, R]` view.
using StoredWeightBodyFn = function_ref<SmallVector<Value>(
    OpBuilder &, Location, Value slot, Value position, ValueRange carried)>;

/// How a bitmap walk finds its stored weights: testing every position
/// (one branch each, the same trip count for every row), or jumping from
/// set bit to set bit in each byte (count trailing zeros).
enum class BitmapWalk { Positions, SetBits };

/// Builds a loop over the stored weights of `range` of a delta or bitmap
/// weight with packed `indices`, carrying `init` through `body`; returns
/// the carried values at the end.
SmallVector<Value> buildStoredWeightWalk(
    OpBuilder &b, Location loc, SparsityFormatAttrInterface sparsity,
    Value indices, const StoredWalkRange &range, ValueRange init,
    StoredWeightBodyFn body, BitmapWalk bitmapWalk = BitmapWalk::Positions);

/// Splits a flat index into coordinates of a static shape.
SmallVector<Value> delinearize(OpBuilder &b, Location loc, Value flat,
                               ArrayRef<int64_t> shape);

/// x * (one power-of-two term with i8 `code`: 0 for none, ±k for
/// ±2^(minExp + k - 1)) for an f32 `x`, without a multiply: p is added to
/// the exponent field (edge cases in effai-convert-shift-kernels' docs).
Value buildShiftTerm(OpBuilder &b, Location loc, Value x, Value code,
                     int64_t minExp);

/// acc + x * w for an i32 `x` and a power-of-two weight term given by its i8
/// `code` (0: none, ±k: ±2^(k-1) in units of 2^min_exp), with shifts: no
/// multiply. Exact while the i32 sum does not overflow.
Value buildIntegerShiftMulAdd(OpBuilder &b, Location loc, Value acc, Value x,
                              Value code);

/// The i32 accumulator of a linear or one-group conv2d `op` whose weight is
/// sparse enough (half pruned) with constant indices, computed from the
/// kept weights only (effai-convert-sparse-kernels' row kernel on integer
/// codes): `centred` is the i32 input minus its zero point. Failure when
/// the weight does not qualify.
FailureOr<Value> buildSparseIntegerAccumulator(OpBuilder &b, Location loc,
                                               Operation *op, Value centred,
                                               RankedTensorType accType);

/// The codes of a dense power-of-two pack, one i8 tensor of the weight's
/// logical shape per term; empty for other encodings.
SmallVector<Value> getPow2TermCodes(OpBuilder &b, Location loc, PackOp pack);

/// The codes and per-row scales of a dense weight quantized symmetrically
/// (zero points 0) per output channel or per tensor: y = s[n] * sum_k x[k] *
/// q[n, k], so a contraction can read the i8 codes and the scales multiply
/// once per output, after the sum. Constant codes of 2-7 bits are widened
/// to an i8 constant here (built with `b`): the kernels load codes a vector
/// at a time, and a vector of i4 is bit-packed in LLVM while a tensor of i4
/// lies a byte per element, so narrower codes would otherwise be decoded to
/// floats on every call.
struct SymmetricCodes {
  Value codes;               // i8
  SmallVector<float> scales; // one per output channel
  bool isSigned = true;
};
std::optional<SymmetricCodes> getSymmetricCodes(OpBuilder &b, Location loc,
                                                Value weight);

/// acc + x * code for an i8 `code` (signed or not) converted to x's type
/// (f32 or i32) in the body: how contractions read stored codes.
Value buildWidenedMulAdd(OpBuilder &b, Location loc, Value acc, Value x,
                         Value code, bool isSigned);

/// x[..., K] . (scales[n] * codes[N, K])^T + bias for f32 `x` and i8
/// integer `codes` (signed or not): a contraction that reads the codes and
/// converts them in its body, then the scales and the bias (null: none), one
/// multiply and one add per output. What the CPU's f32 x i8 kernels run.
Value buildCodesLinear(OpBuilder &b, Location loc, Value x, Value codes,
                       bool isSigned, ArrayRef<float> scales, Value bias);

/// A dense power-of-two pack with a constant payload as exact i8 integer
/// codes [N, K] (the sum of its terms ±2^(k-1), in units of 2^min_exp, so
/// weight = code * getIntegerCodeScales()[n]); none when the payload is not
/// constant or a sum leaves [-127, 127].
std::optional<Value> buildPow2Int8Codes(OpBuilder &b, Location loc,
                                        PackOp pack);

/// `result` (op) `vector` broadcast along `axis` of `result`'s type.
template <typename CombineOp>
Value combineAlong(OpBuilder &b, Location loc, Value result, Value vector,
                   int64_t axis) {
  auto type = cast<RankedTensorType>(result.getType());
  SmallVector<int64_t> shape(type.getRank() - axis, 1);
  shape[0] = type.getDimSize(axis);
  Value shaped = buildReshape(
      b, loc, vector,
      RankedTensorType::get(
          shape, cast<ShapedType>(vector.getType()).getElementType()));
  return buildElementwise(
      b, loc, type, {result, shaped},
      [](OpBuilder &b, Location loc, ValueRange a) {
        return CombineOp::create(b, loc, a[0], a[1]).getResult();
      });
}

/// The channel groups of a convolution: its `groups`, or one per input
/// channel for a depthwise one.
inline int64_t getConvGroups(Conv2DOp op) { return op.getGroups(); }
inline int64_t getConvGroups(DepthwiseConv2DOp op) {
  return op.getInput().getType().getDimSize(1);
}

/// `result` + `bias` broadcast along `axis` (`result` when no bias).
Value addBias(OpBuilder &b, Location loc, Value result, Value bias,
              int64_t axis);

} // namespace mlir::effai

#endif // EFFAI_LIB_CONVERSION_EFFAITOLINALG_LOWERINGUTILS_H
