//===- Metadata.h - the metadata record of a compiled model -----*- C++ -*-===//
//
// effai-emit-entry-point writes `effai_metadata` as text, one record per
// line; this parses and checks it.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_RUNTIME_METADATA_H
#define EFFAI_RUNTIME_METADATA_H

#include "effai/runtime.h"

#include <cstdint>
#include <string>
#include <vector>

namespace effai::runtime {

struct TensorSpec {
  std::string name;
  effai_dtype dtype = EFFAI_FLOAT;
  std::vector<int64_t> shape;

  size_t numElements() const;
  size_t numBytes() const;
};

/// What a GPU artifact records about its device code
/// (effai-gpu-host-to-runtime).
struct GPUMetadata {
  std::string chip;   ///< "sm_90"
  bool cubin = false; ///< the image is a cubin (else NUL-terminated PTX)
  size_t imageBytes = 0;
  size_t constantBytes = 0;
  /// Kernel names, in the order the host code numbers them.
  std::vector<std::string> kernels;
};

struct ArtifactMetadata {
  int format = 0;
  std::string version;
  bool threaded = false;
  size_t workspaceBytes = 0;
  std::vector<TensorSpec> inputs;
  std::vector<TensorSpec> outputs;
  /// Layers with cycle counters (models compiled with --profile), in the
  /// order of the `effai_profile_cycles` slots.
  std::vector<std::string> profileLayers;
  /// The device record: cpu, cuda, fpga-csim or fpga-rtl.
  std::string deviceName = "cpu";
  /// "device cuda": the model's work runs as CUDA kernels.
  bool gpu = false;
  /// "device fpga-csim" or "fpga-rtl": the C or RTL simulation of an FPGA
  /// accelerator; its profile counts cycles at `clockHz` ("clock <hz>").
  bool fpgaSimulation = false;
  double clockHz = 0;
  GPUMetadata device;
};

/// Parses `text`; on failure returns false and says why in `error`.
bool parseMetadata(const std::string &text, ArtifactMetadata &metadata,
                   std::string &error);

/// ONNX dtype name -> enum; false when unknown.
bool parseDtype(const std::string &name, effai_dtype &dtype);

/// "[1, 3, 224, 224]".
std::string formatShape(const int64_t *shape, size_t rank);

} // namespace effai::runtime

#endif // EFFAI_RUNTIME_METADATA_H
