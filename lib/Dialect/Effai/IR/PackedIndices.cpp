//===- PackedIndices.cpp - bit-packed sparse index payloads -----*- C++ -*-===//

#include "effai/Dialect/Effai/IR/PackedIndices.h"

#include "llvm/Support/MathExtras.h"

#include <cassert>

using namespace mlir;
using namespace mlir::effai;

int64_t mlir::effai::getPackedIndexBytes(int64_t fields, unsigned width) {
  // Unsigned: a verifier rejects absurd counts, but must not overflow
  // computing them.
  return int64_t(llvm::divideCeil(uint64_t(fields) * width, 8));
}

unsigned mlir::effai::getNMPositionBits(int64_t m) {
  return std::max(1u, llvm::Log2_64_Ceil(uint64_t(m)));
}

uint32_t mlir::effai::readPackedField(ArrayRef<uint8_t> bytes, int64_t index,
                                      unsigned width) {
  int64_t bit = index * int64_t(width);
  // A field spans at most three bytes (7 + 16 bits).
  uint32_t window = 0;
  for (int64_t b = bit / 8, k = 0; k < 3 && b < int64_t(bytes.size()); ++b, ++k)
    window |= uint32_t(bytes[b]) << (8 * k);
  return (window >> (bit % 8)) & ((uint32_t(1) << width) - 1);
}

std::vector<uint8_t> mlir::effai::packFields(ArrayRef<uint32_t> fields,
                                             unsigned width) {
  std::vector<uint8_t> bytes(getPackedIndexBytes(fields.size(), width), 0);
  for (auto [k, field] : llvm::enumerate(fields)) {
    assert(field < (uint32_t(1) << width) && "field wider than the stream");
    for (unsigned j = 0; j < width; ++j)
      if (field >> j & 1) {
        int64_t bit = int64_t(k) * width + j;
        bytes[bit / 8] |= uint8_t(1u << (bit % 8));
      }
  }
  return bytes;
}

/// Walks the stream of `positions`, calling `emit(position, isFiller,
/// delta)` per entry.
template <typename EmitFn>
static void walkDeltas(ArrayRef<int64_t> positions, unsigned width,
                       EmitFn emit) {
  int64_t largest = (int64_t(1) << width) - 1;
  int64_t previous = 0;
  for (int64_t position : positions) {
    while (position - previous > largest) {
      previous += largest;
      emit(previous, /*isFiller=*/true, largest);
    }
    emit(position, /*isFiller=*/false, position - previous);
    previous = position;
  }
}

DeltaStream mlir::effai::buildDeltaStream(ArrayRef<int64_t> positions,
                                          unsigned width) {
  DeltaStream stream;
  walkDeltas(positions, width,
             [&](int64_t position, bool isFiller, int64_t delta) {
               stream.positions.push_back(position);
               stream.isFiller.push_back(isFiller);
               stream.deltas.push_back(uint32_t(delta));
             });
  return stream;
}

int64_t mlir::effai::countDeltaEntries(ArrayRef<int64_t> positions,
                                       unsigned width) {
  int64_t count = 0;
  walkDeltas(positions, width, [&](int64_t, bool, int64_t) { ++count; });
  return count;
}
