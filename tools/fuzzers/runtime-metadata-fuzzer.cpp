//===- runtime-metadata-fuzzer.cpp - libFuzzer target for metadata -------===//
//
// Arbitrary text as a compiled model's `effai_metadata` record: the runtime
// parses and checks it before it trusts any size in it.
//
//===----------------------------------------------------------------------===//

#include "Metadata.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string text(reinterpret_cast<const char *>(data), size);
  effai::runtime::ArtifactMetadata metadata;
  std::string error;
  if (!effai::runtime::parseMetadata(text, metadata, error)) {
    if (error.empty())
      abort();
    return 0;
  }
  // The runtime sizes buffers and checks callers' tensors by numBytes: it
  // must be exact (no wrap-around) for every accepted record.
  for (const auto *list : {&metadata.inputs, &metadata.outputs})
    for (const effai::runtime::TensorSpec &spec : *list) {
      size_t bytes = effai_dtype_size(spec.dtype);
      for (int64_t dim : spec.shape)
        if (dim < 0 || __builtin_mul_overflow(bytes, size_t(dim), &bytes))
          abort();
      if (spec.numBytes() != bytes)
        abort();
    }
  return 0;
}
