//===- Metadata.cpp - the metadata record of a compiled model ---*- C++ -*-===//

#include "Metadata.h"

#include <cstdlib>
#include <sstream>

namespace effai::runtime {

namespace {

struct DtypeInfo {
  const char *name;
  effai_dtype dtype;
  size_t bytes;
};

constexpr DtypeInfo kDtypes[] = {
    {"float", EFFAI_FLOAT, 4},     {"double", EFFAI_DOUBLE, 8},
    {"float16", EFFAI_FLOAT16, 2}, {"bfloat16", EFFAI_BFLOAT16, 2},
    {"int8", EFFAI_INT8, 1},       {"int16", EFFAI_INT16, 2},
    {"int32", EFFAI_INT32, 4},     {"int64", EFFAI_INT64, 8},
    {"uint8", EFFAI_UINT8, 1},     {"uint16", EFFAI_UINT16, 2},
    {"uint32", EFFAI_UINT32, 4},   {"uint64", EFFAI_UINT64, 8},
    {"bool", EFFAI_BOOL, 1},
};

const DtypeInfo *lookup(effai_dtype dtype) {
  for (const DtypeInfo &info : kDtypes)
    if (info.dtype == dtype)
      return &info;
  return nullptr;
}

/// Undoes effai-emit-entry-point's %XX escaping.
bool unescapeName(const std::string &text, std::string &name) {
  name.clear();
  if (text == "%")
    return true;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      name.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size())
      return false;
    char hex[3] = {text[i + 1], text[i + 2], 0};
    char *end = nullptr;
    long value = std::strtol(hex, &end, 16);
    if (end != hex + 2)
      return false;
    name.push_back(static_cast<char>(value));
    i += 2;
  }
  return true;
}

bool parseTensor(std::istringstream &line, TensorSpec &spec,
                 std::string &error) {
  std::string escaped, dtype;
  int64_t rank = -1;
  if (!(line >> escaped >> dtype >> rank) || rank < 0 || rank > 64) {
    error = "malformed tensor record";
    return false;
  }
  if (!unescapeName(escaped, spec.name)) {
    error = "malformed tensor name '" + escaped + "'";
    return false;
  }
  if (!parseDtype(dtype, spec.dtype)) {
    error = "tensor '" + spec.name + "' has unsupported dtype '" + dtype + "'";
    return false;
  }
  spec.shape.resize(rank);
  size_t bytes = effai_dtype_size(spec.dtype);
  for (int64_t &dim : spec.shape) {
    if (!(line >> dim) || dim < 0) {
      error = "tensor '" + spec.name + "' has a malformed shape";
      return false;
    }
    // numBytes() must not wrap around: buffers are sized by it.
    if (__builtin_mul_overflow(bytes, static_cast<size_t>(dim), &bytes)) {
      error = "tensor '" + spec.name + "' has more bytes than memory";
      return false;
    }
  }
  return true;
}

} // namespace

size_t TensorSpec::numElements() const {
  size_t count = 1;
  for (int64_t dim : shape)
    count *= static_cast<size_t>(dim);
  return count;
}

size_t TensorSpec::numBytes() const {
  return numElements() * effai_dtype_size(dtype);
}

bool parseDtype(const std::string &name, effai_dtype &dtype) {
  for (const DtypeInfo &info : kDtypes)
    if (name == info.name) {
      dtype = info.dtype;
      return true;
    }
  return false;
}

std::string formatShape(const int64_t *shape, size_t rank) {
  std::string text = "[";
  for (size_t i = 0; i < rank; ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

bool parseMetadata(const std::string &text, ArtifactMetadata &metadata,
                   std::string &error) {
  std::istringstream lines(text);
  std::string line;
  int lineNumber = 0;
  while (std::getline(lines, line)) {
    ++lineNumber;
    std::istringstream fields(line);
    std::string key;
    fields >> key;
    bool ok = true;
    if (lineNumber == 1) {
      ok = key == "effai-artifact" && (fields >> metadata.format);
      if (ok && metadata.format != EFFAI_ARTIFACT_FORMAT_VERSION) {
        error = "artifact format " + std::to_string(metadata.format) +
                " is not supported by this runtime (format " +
                std::to_string(EFFAI_ARTIFACT_FORMAT_VERSION) + ")";
        return false;
      }
    } else if (key == "version") {
      ok = static_cast<bool>(fields >> metadata.version);
    } else if (key == "threading") {
      std::string mode;
      ok = (fields >> mode) && (mode == "none" || mode == "openmp");
      metadata.threaded = mode == "openmp";
    } else if (key == "workspace") {
      long long bytes = -1;
      ok = (fields >> bytes) && bytes >= 0;
      metadata.workspaceBytes = static_cast<size_t>(bytes);
    } else if (key == "profile") {
      std::string escaped, name;
      ok = (fields >> escaped) && unescapeName(escaped, name);
      metadata.profileLayers.push_back(name);
    } else if (key == "device") {
      std::string device;
      ok =
          (fields >> device) && (device == "cpu" || device == "cuda" ||
                                 device == "fpga-csim" || device == "fpga-rtl");
      metadata.gpu = device == "cuda";
      metadata.fpgaSimulation = device == "fpga-csim" || device == "fpga-rtl";
      metadata.deviceName = device;
    } else if (key == "clock") {
      ok = (fields >> metadata.clockHz) && metadata.clockHz > 0;
    } else if (key == "chip") {
      ok = static_cast<bool>(fields >> metadata.device.chip);
    } else if (key == "image") {
      std::string format;
      long long bytes = -1;
      ok = (fields >> format >> bytes) && bytes > 0 &&
           (format == "ptx" || format == "cubin");
      metadata.device.cubin = format == "cubin";
      metadata.device.imageBytes = static_cast<size_t>(bytes);
    } else if (key == "constants") {
      long long bytes = -1;
      ok = (fields >> bytes) && bytes >= 0;
      metadata.device.constantBytes = static_cast<size_t>(bytes);
    } else if (key == "kernel") {
      std::string name;
      ok = static_cast<bool>(fields >> name);
      metadata.device.kernels.push_back(name);
    } else if (key == "input" || key == "output") {
      TensorSpec spec;
      if (!parseTensor(fields, spec, error)) {
        error = "metadata line " + std::to_string(lineNumber) + ": " + error;
        return false;
      }
      (key == "input" ? metadata.inputs : metadata.outputs).push_back(spec);
    } else if (!key.empty()) {
      ok = false;
    }
    if (!ok) {
      error = "metadata line " + std::to_string(lineNumber) +
              " is malformed: '" + line + "'";
      return false;
    }
  }
  if (metadata.fpgaSimulation && metadata.clockHz <= 0) {
    error = "an FPGA simulation artifact without its clock record";
    return false;
  }
  if (metadata.format == 0) {
    error = "metadata does not start with 'effai-artifact'";
    return false;
  }
  if (metadata.gpu &&
      (metadata.device.chip.empty() || metadata.device.imageBytes == 0)) {
    error = "a CUDA artifact without its chip or kernel image records";
    return false;
  }
  return true;
}

} // namespace effai::runtime

extern "C" const char *effai_dtype_name(effai_dtype dtype) {
  const auto *info = effai::runtime::lookup(dtype);
  return info ? info->name : "unknown";
}

extern "C" size_t effai_dtype_size(effai_dtype dtype) {
  const auto *info = effai::runtime::lookup(dtype);
  return info ? info->bytes : 0;
}
