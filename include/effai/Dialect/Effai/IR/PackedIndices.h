//===- PackedIndices.h - bit-packed sparse index payloads -------*- C++ -*-===//
//
// Compact sparse encodings (#effai.nm, #effai.delta, #effai.bitmap) store
// their positions as a stream of fixed-width unsigned fields packed into
// bytes, least significant bit first: field k occupies bits
// [k * width, (k + 1) * width) of the stream, byte b holding bits
// [8b, 8b + 8). The payload is `tensor<NxI8>` with N = ceil(fields * width /
// 8), so its size is exactly what the encoding stores.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_DIALECT_EFFAI_IR_PACKEDINDICES_H
#define EFFAI_DIALECT_EFFAI_IR_PACKEDINDICES_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <vector>

namespace mlir::effai {

/// The widest field a packed index stream holds (a delta of up to 65535).
constexpr unsigned kMaxPackedFieldBits = 16;

/// Bytes of a stream of `fields` fields of `width` bits.
int64_t getPackedIndexBytes(int64_t fields, unsigned width);

/// Bits an N:M position in [0, M) needs: ceil(log2 M).
unsigned getNMPositionBits(int64_t m);

/// Field `index` of a stream of `width`-bit fields; `bytes` must hold it.
uint32_t readPackedField(ArrayRef<uint8_t> bytes, int64_t index,
                         unsigned width);

/// Packs `fields` (each below 2^width) into a stream.
std::vector<uint8_t> packFields(ArrayRef<uint32_t> fields, unsigned width);

/// A delta stream for increasing flat positions: entry k sits at
/// `positions[k]`, which is the previous entry's position plus field k (the
/// first entry's field is its position). Where a gap exceeds 2^width - 1,
/// filler entries (stored zeros) bridge it.
struct DeltaStream {
  /// Position of every entry, fillers included.
  std::vector<int64_t> positions;
  /// Whether entry k is a filler (its stored value must be 0).
  std::vector<bool> isFiller;
  std::vector<uint32_t> deltas;
};

/// The delta stream of `positions` (increasing) with `width`-bit deltas.
DeltaStream buildDeltaStream(ArrayRef<int64_t> positions, unsigned width);

/// Number of entries (kept weights plus fillers) of that stream, without
/// building it.
int64_t countDeltaEntries(ArrayRef<int64_t> positions, unsigned width);

} // namespace mlir::effai

#endif // EFFAI_DIALECT_EFFAI_IR_PACKEDINDICES_H
