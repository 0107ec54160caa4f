//===- npy-fuzzer.cpp - libFuzzer target for the .npy reader -------------===//
//
// Arbitrary bytes as a .npy file: parseNpy either fills an array whose data
// matches its dtype and shape, or says why not.
//
//===----------------------------------------------------------------------===//

#include "Npy.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string bytes(reinterpret_cast<const char *>(data), size);
  npy::NpyArray array;
  std::string error;
  if (!npy::parseNpy(bytes, "fuzz.npy", array, error)) {
    if (error.empty())
      abort(); // a refusal must say why
    return 0;
  }
  // The shape's byte count must be exact (no wrap-around): the tools size
  // buffers and the runtime checks tensors by it.
  size_t expected = effai_dtype_size(array.dtype);
  for (int64_t dim : array.shape)
    if (dim < 0 || __builtin_mul_overflow(expected, size_t(dim), &expected))
      abort();
  if (array.data.size() != expected)
    abort();
  return 0;
}
