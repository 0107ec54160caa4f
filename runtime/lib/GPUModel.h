//===- GPUModel.h - a loaded model that runs on a CUDA GPU ------*- C++ -*-===//
//
// A GPU artifact (effai-compile --target=gpu) is host code that only
// sequences device work: it calls back into the runtime through a launcher
// to launch kernels and copy buffers. This holds what that needs on device
// 0 for one loaded model: the context, the kernel module (loaded once, at
// effai_load), every buffer (one device allocation per load), a stream and
// the events that time the kernels.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_RUNTIME_GPUMODEL_H
#define EFFAI_RUNTIME_GPUMODEL_H

#include "CUDADriver.h"
#include "Metadata.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace effai::runtime {

/// The struct the artifact's host code receives as its last buffer and
/// calls through (its layout is effai-gpu-host-to-runtime's: context
/// first, then launch, then copy).
struct GPULauncher {
  void *context;
  void (*launch)(void *context, int32_t kernel, int64_t gridX, int64_t gridY,
                 int64_t gridZ, int64_t blockX, int64_t blockY, int64_t blockZ,
                 int32_t sharedBytes, void **params);
  void (*copy)(void *context, void *target, const void *source, int64_t bytes);
};

class GPUModel {
public:
  /// Prepares device 0 for the artifact `library` described by `metadata`:
  /// checks that the device runs its chip, loads the kernel image (the
  /// driver compiles PTX here), allocates every buffer and uploads the
  /// constants. The last error says what failed.
  static effai_status load(void *library, const ArtifactMetadata &metadata,
                           const std::string &path,
                           std::unique_ptr<GPUModel> &model);
  ~GPUModel();

  /// Copies `inputs` to the device, runs `entry` (which launches the
  /// kernels), copies the outputs back and waits for all of it.
  effai_status run(void (*entry)(void **), const effai_tensor *inputs,
                   const effai_tensor *outputs);

  /// Seconds between the events recorded around the last run's kernels
  /// (no host-device copies).
  double getKernelSeconds() const { return kernelSeconds; }

private:
  GPUModel(const cuda::Driver &driver, const ArtifactMetadata &metadata)
      : driver(driver), metadata(metadata) {}

  effai_status allocateBuffers(void *library);
  /// Frees what lives in the context (buffers, events, stream, module).
  void destroyDeviceObjects();
  static void launch(void *context, int32_t kernel, int64_t gridX,
                     int64_t gridY, int64_t gridZ, int64_t blockX,
                     int64_t blockY, int64_t blockZ, int32_t sharedBytes,
                     void **params);
  static void copy(void *context, void *target, const void *source,
                   int64_t bytes);
  /// Keeps the first failure of a run (later launches are skipped).
  void recordFailure(effai_status status, std::string message);

  const cuda::Driver &driver;
  const ArtifactMetadata &metadata;
  cuda::CUdevice device = 0;
  cuda::CUcontext context = nullptr;
  cuda::CUmodule module = nullptr;
  cuda::CUstream stream = nullptr;
  cuda::CUevent start = nullptr, stop = nullptr;
  std::vector<cuda::CUfunction> kernels;
  /// One allocation holding inputs, outputs, the workspace and constants.
  cuda::CUdeviceptr arena = 0;
  std::vector<cuda::CUdeviceptr> inputBuffers, outputBuffers;
  /// effai_entry's buffers: inputs, outputs, workspace, constants, then
  /// the launcher.
  std::vector<void *> arguments;
  GPULauncher launcher{};
  effai_status runStatus = EFFAI_OK;
  std::string runError;
  double kernelSeconds = 0;
};

} // namespace effai::runtime

#endif // EFFAI_RUNTIME_GPUMODEL_H
