//===- Npy.h - read and write NumPy .npy files ------------------*- C++ -*-===//
//
// The tools' tensors on disk (effai-run, effai-calibrate): .npy format
// 1.0-3.0, little-endian, C order; and those arrays as runtime tensors.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_TOOLS_COMMON_NPY_H
#define EFFAI_TOOLS_COMMON_NPY_H

#include "effai/runtime.h"

#include <cstdint>
#include <string>
#include <vector>

namespace npy {

struct NpyArray {
  effai_dtype dtype = EFFAI_FLOAT;
  std::vector<int64_t> shape;
  std::vector<char> data;
};

/// Reads `path`; false with `error` for malformed or unsupported files.
bool readNpy(const std::string &path, NpyArray &array, std::string &error);

/// Parses the contents of a .npy file; `path` names it in `error`.
bool parseNpy(const std::string &bytes, const std::string &path,
              NpyArray &array, std::string &error);

/// Writes `array` to `path` (format 1.0).
bool writeNpy(const std::string &path, const NpyArray &array,
              std::string &error);

/// `array` as a runtime tensor (a view: `array` must outlive it).
effai_tensor viewOf(NpyArray &array);

/// Zeroed arrays of `model`'s output dtypes and shapes, to run it into.
std::vector<NpyArray> allocateOutputs(effai_model *model);

} // namespace npy

#endif // EFFAI_TOOLS_COMMON_NPY_H
