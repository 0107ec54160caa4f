//===- WeightCodec.h - reference decoding of compressed weights -*- C++ -*-===//
//
// The reference semantics of every weight encoding, on constant payloads:
// decode a packed (values, indices) pair into the dense logical tensor. The
// unpack canonicalization uses it, and so do tests and lowerings that must
// agree with it.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_DIALECT_EFFAI_IR_WEIGHTCODEC_H
#define EFFAI_DIALECT_EFFAI_IR_WEIGHTCODEC_H

#include "effai/Dialect/Effai/IR/EffaiTypes.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <string>

namespace mlir::effai {

/// Decodes a constant payload of `type` into row-major logical values.
/// `indices` is null for encodings without an indices payload. Fails with a
/// message in `error` when the payload contents are invalid (an index out of
/// range, a power-of-two code past the exponent range, ...).
FailureOr<SmallVector<double>> decodeWeight(WeightType type,
                                            DenseElementsAttr values,
                                            DenseElementsAttr indices,
                                            std::string &error);

/// Row-major positions in the `[O, R]` view of every stored weight of
/// `type`, in payload order, given its indices payload (empty for dense).
/// Fails with a message when an index is out of range or two stored weights
/// share a position.
FailureOr<SmallVector<int64_t>>
getStoredWeightPositions(WeightType type, ArrayRef<int64_t> indices,
                         std::string &error);

/// Per-output-channel scales of a weight's integer codes (value = code *
/// scale[channel]): affine `q - zero_point` times its scale, power-of-two
/// term sums `±2^(k-1)` in units of `2^min_exp` times the channel scale.
/// Fails for float values and for power-of-two codes too large for i32
/// products (max_code > 16).
FailureOr<SmallVector<double>> getIntegerCodeScales(WeightType type);

/// The exact integer codes of a constant payload in the dense row-major
/// logical layout (0 where pruned), with value = code *
/// getIntegerCodeScales(type)[channel]. Fails with a message in `error` for
/// invalid payloads and formats without integer codes.
FailureOr<SmallVector<int64_t>> decodeIntegerCodes(WeightType type,
                                                   DenseElementsAttr values,
                                                   DenseElementsAttr indices,
                                                   std::string &error);

} // namespace mlir::effai

#endif // EFFAI_DIALECT_EFFAI_IR_WEIGHTCODEC_H
