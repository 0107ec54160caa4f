//===- GPUModel.cpp - a loaded model that runs on a CUDA GPU ----*- C++ -*-===//
//
// Everything a run needs is set up at load: module, kernels, one device
// allocation for all buffers, constants uploaded. A run is input copies,
// the artifact's launches on one stream, output copies and one wait.
//
//===----------------------------------------------------------------------===//

#include "GPUModel.h"
#include "Error.h"

#include <dlfcn.h>

#include <climits>
#include <cstdlib>

using namespace effai::runtime;
using namespace effai::runtime::cuda;

namespace {

/// Makes `context` current on this thread for its lifetime and puts back
/// whatever the host application had current.
class ScopedContext {
public:
  ScopedContext(const Driver &driver, CUcontext context) : driver(driver) {
    if (driver.ctxGetCurrent(&previous) != 0)
      previous = nullptr;
    driver.ctxSetCurrent(context);
  }
  ~ScopedContext() { driver.ctxSetCurrent(previous); }

private:
  const Driver &driver;
  CUcontext previous = nullptr;
};

/// Device buffers start at this alignment (what cuMemAlloc gives).
constexpr size_t kBufferAlignment = 256;

size_t alignUp(size_t bytes) {
  return (bytes + kBufferAlignment - 1) / kBufferAlignment * kBufferAlignment;
}

/// "sm_90" -> 90; 0 when malformed.
int parseChip(const std::string &chip) {
  if (chip.rfind("sm_", 0) != 0)
    return 0;
  return std::atoi(chip.c_str() + 3);
}

} // namespace

effai_status GPUModel::load(void *library, const ArtifactMetadata &metadata,
                            const std::string &path,
                            std::unique_ptr<GPUModel> &model) {
  const Driver *driver = getDriver();
  if (!driver)
    return fail(EFFAI_ERROR_DEVICE,
                "'" + path + "' runs on a CUDA GPU: " + effai_last_error());
  std::unique_ptr<GPUModel> gpu(new GPUModel(*driver, metadata));
  int count = 0;
  if (CUresult result = driver->deviceGetCount(&count);
      result != 0 || count == 0)
    return fail(EFFAI_ERROR_DEVICE,
                "'" + path + "' runs on a CUDA GPU and there is none" +
                    (result ? " (" + describe(result) + ")" : std::string()));
  if (CUresult result = driver->deviceGet(&gpu->device, 0))
    return fail(EFFAI_ERROR_DEVICE, "cuDeviceGet: " + describe(result));

  // A chip's PTX runs on it and every later one (the driver compiles it);
  // a cubin only on its own major version, same or newer minor.
  int major = 0, minor = 0;
  driver->deviceGetAttribute(&major, kAttributeComputeCapabilityMajor,
                             gpu->device);
  driver->deviceGetAttribute(&minor, kAttributeComputeCapabilityMinor,
                             gpu->device);
  int deviceChip = 10 * major + minor;
  int modelChip = parseChip(metadata.device.chip);
  bool runs = metadata.device.cubin
                  ? major == modelChip / 10 && minor >= modelChip % 10
                  : deviceChip >= modelChip;
  if (!runs) {
    char name[256] = {0};
    driver->deviceGetName(name, sizeof(name), gpu->device);
    // PTX of the newest preset the device runs; a cubin's major version
    // mismatch is cured by PTX, which newer devices compile.
    std::string advice = deviceChip < 80 ? "effai needs sm_80 or newer"
                         : metadata.device.cubin && deviceChip >= modelChip
                             ? "compile it with --gpu-binary=ptx"
                             : "compile it with --chip=sm_" +
                                   std::to_string(deviceChip >= 90 ? 90 : 80);
    return fail(EFFAI_ERROR_DEVICE,
                "'" + path + "' was compiled for " + metadata.device.chip +
                    (metadata.device.cubin ? " (a cubin)" : "") +
                    " and device 0 '" + name + "' is sm_" +
                    std::to_string(deviceChip) + ": " + advice);
  }

  if (CUresult result = driver->primaryCtxRetain(&gpu->context, gpu->device))
    return fail(EFFAI_ERROR_DEVICE,
                "cannot create a context on device 0: " + describe(result));
  ScopedContext current(*driver, gpu->context);

  // The kernels: the driver JIT-compiles PTX for the device now.
  const auto *image =
      static_cast<const char *>(dlsym(library, "effai_gpu_image"));
  if (!image)
    return fail(EFFAI_ERROR_INVALID_ARTIFACT,
                "'" + path +
                    "' declares CUDA kernels but lacks "
                    "effai_gpu_image");
  char log[4096] = {0};
  int options[] = {kJitErrorLogBuffer, kJitErrorLogBufferSizeBytes};
  void *values[] = {log, reinterpret_cast<void *>(sizeof(log))};
  if (CUresult result =
          driver->moduleLoadDataEx(&gpu->module, image, 2, options, values))
    return fail(EFFAI_ERROR_DEVICE,
                "loading the kernels of '" + path + "' (" +
                    metadata.device.chip +
                    (metadata.device.cubin ? " cubin" : " PTX") +
                    ") failed: " + describe(result) +
                    (log[0] ? std::string(": ") + log : std::string()));
  for (const std::string &name : metadata.device.kernels) {
    CUfunction function = nullptr;
    if (CUresult result =
            driver->moduleGetFunction(&function, gpu->module, name.c_str()))
      return fail(EFFAI_ERROR_INVALID_ARTIFACT,
                  "'" + path + "': kernel '" + name +
                      "' is not in its image: " + describe(result));
    gpu->kernels.push_back(function);
  }
  if (CUresult result = driver->streamCreate(&gpu->stream, kStreamNonBlocking))
    return fail(EFFAI_ERROR_DEVICE, "cuStreamCreate: " + describe(result));
  if (CUresult result = driver->eventCreate(&gpu->start, 0))
    return fail(EFFAI_ERROR_DEVICE, "cuEventCreate: " + describe(result));
  if (CUresult result = driver->eventCreate(&gpu->stop, 0))
    return fail(EFFAI_ERROR_DEVICE, "cuEventCreate: " + describe(result));
  if (effai_status status = gpu->allocateBuffers(library))
    return status;
  gpu->launcher = {gpu.get(), &GPUModel::launch, &GPUModel::copy};
  gpu->arguments.push_back(&gpu->launcher);
  model = std::move(gpu);
  return EFFAI_OK;
}

effai_status GPUModel::allocateBuffers(void *library) {
  size_t total = 0;
  for (const TensorSpec &spec : metadata.inputs)
    total += alignUp(spec.numBytes());
  for (const TensorSpec &spec : metadata.outputs)
    total += alignUp(spec.numBytes());
  total +=
      alignUp(metadata.workspaceBytes) + alignUp(metadata.device.constantBytes);
  if (CUresult result = driver.memAlloc(&arena, total ? total : 1)) {
    arena = 0;
    return fail(result == 2 ? EFFAI_ERROR_OUT_OF_MEMORY : EFFAI_ERROR_DEVICE,
                "cannot allocate the model's " + std::to_string(total) +
                    " bytes of device memory: " + describe(result));
  }
  CUdeviceptr next = arena;
  auto take = [&](size_t bytes) {
    CUdeviceptr buffer = next;
    next += alignUp(bytes);
    arguments.push_back(reinterpret_cast<void *>(buffer));
    return buffer;
  };
  for (const TensorSpec &spec : metadata.inputs)
    inputBuffers.push_back(take(spec.numBytes()));
  for (const TensorSpec &spec : metadata.outputs)
    outputBuffers.push_back(take(spec.numBytes()));
  take(metadata.workspaceBytes);
  CUdeviceptr constants = take(metadata.device.constantBytes);
  if (metadata.device.constantBytes == 0)
    return EFFAI_OK;
  const void *data = dlsym(library, "effai_gpu_constants");
  if (!data)
    return fail(EFFAI_ERROR_INVALID_ARTIFACT,
                "the artifact declares constants but lacks "
                "effai_gpu_constants");
  // On the model's stream, waited for: a pageable copy on the legacy stream
  // may still be in flight when the first run's kernels start on a
  // non-blocking stream.
  CUresult result = driver.memcpyHtoDAsync(
      constants, data, metadata.device.constantBytes, stream);
  if (result == 0)
    result = driver.streamSynchronize(stream);
  if (result)
    return fail(EFFAI_ERROR_DEVICE,
                "uploading the model's constants failed: " + describe(result));
  return EFFAI_OK;
}

GPUModel::~GPUModel() {
  if (!context)
    return;
  {
    ScopedContext current(driver, context);
    destroyDeviceObjects();
  }
  driver.primaryCtxRelease(device);
}

void GPUModel::destroyDeviceObjects() {
  if (stream)
    driver.streamSynchronize(stream);
  if (arena)
    driver.memFree(arena);
  if (start)
    driver.eventDestroy(start);
  if (stop)
    driver.eventDestroy(stop);
  if (stream)
    driver.streamDestroy(stream);
  if (module)
    driver.moduleUnload(module);
}

void GPUModel::recordFailure(effai_status status, std::string message) {
  if (runStatus != EFFAI_OK)
    return;
  runStatus = status;
  runError = std::move(message);
}

void GPUModel::launch(void *context, int32_t kernel, int64_t gridX,
                      int64_t gridY, int64_t gridZ, int64_t blockX,
                      int64_t blockY, int64_t blockZ, int32_t sharedBytes,
                      void **params) {
  auto *self = static_cast<GPUModel *>(context);
  if (self->runStatus != EFFAI_OK)
    return;
  if (kernel < 0 || static_cast<size_t>(kernel) >= self->kernels.size())
    return self->recordFailure(EFFAI_ERROR_INVALID_ARTIFACT,
                               "the model launched kernel #" +
                                   std::to_string(kernel) +
                                   ", which its metadata does not name");
  const std::string &name = self->metadata.device.kernels[kernel];
  std::string shape = "grid " + std::to_string(gridX) + "x" +
                      std::to_string(gridY) + "x" + std::to_string(gridZ) +
                      ", block " + std::to_string(blockX) + "x" +
                      std::to_string(blockY) + "x" + std::to_string(blockZ);
  bool fits = gridX >= 1 && gridX <= INT_MAX && gridY >= 1 && gridY <= 65535 &&
              gridZ >= 1 && gridZ <= 65535 && blockX >= 1 && blockY >= 1 &&
              blockZ >= 1 && blockX * blockY * blockZ <= 1024 &&
              sharedBytes >= 0;
  if (!fits)
    return self->recordFailure(EFFAI_ERROR_INVALID_ARTIFACT,
                               "kernel '" + name + "' (" + shape +
                                   ") exceeds CUDA's launch limits");
  if (CUresult result = self->driver.launchKernel(
          self->kernels[kernel], gridX, gridY, gridZ, blockX, blockY, blockZ,
          sharedBytes, self->stream, params, nullptr))
    self->recordFailure(EFFAI_ERROR_DEVICE, "launching kernel '" + name +
                                                "' (" + shape +
                                                "): " + describe(result));
}

void GPUModel::copy(void *context, void *target, const void *source,
                    int64_t bytes) {
  auto *self = static_cast<GPUModel *>(context);
  if (self->runStatus != EFFAI_OK)
    return;
  if (CUresult result = self->driver.memcpyDtoDAsync(
          reinterpret_cast<CUdeviceptr>(target),
          reinterpret_cast<CUdeviceptr>(source), bytes, self->stream))
    self->recordFailure(EFFAI_ERROR_DEVICE,
                        "a device copy of " + std::to_string(bytes) +
                            " bytes failed: " + describe(result));
}

effai_status GPUModel::run(void (*entry)(void **), const effai_tensor *inputs,
                           const effai_tensor *outputs) {
  ScopedContext current(driver, context);
  runStatus = EFFAI_OK;
  runError.clear();
  for (size_t i = 0; i < inputBuffers.size(); ++i)
    if (CUresult result =
            driver.memcpyHtoDAsync(inputBuffers[i], inputs[i].data,
                                   metadata.inputs[i].numBytes(), stream))
      recordFailure(EFFAI_ERROR_DEVICE,
                    "copying input " + std::to_string(i) +
                        " to the device failed: " + describe(result));
  driver.eventRecord(start, stream);
  if (runStatus == EFFAI_OK)
    entry(arguments.data());
  driver.eventRecord(stop, stream);
  for (size_t i = 0; i < outputBuffers.size() && runStatus == EFFAI_OK; ++i)
    if (CUresult result =
            driver.memcpyDtoHAsync(outputs[i].data, outputBuffers[i],
                                   metadata.outputs[i].numBytes(), stream))
      recordFailure(EFFAI_ERROR_DEVICE,
                    "copying output " + std::to_string(i) +
                        " from the device failed: " + describe(result));
  if (CUresult result = driver.streamSynchronize(stream))
    recordFailure(EFFAI_ERROR_DEVICE,
                  "running the model on the GPU failed: " + describe(result));
  if (runStatus != EFFAI_OK)
    return fail(runStatus, runError);
  float milliseconds = 0;
  if (driver.eventElapsedTime(&milliseconds, start, stop) == 0)
    kernelSeconds = milliseconds * 1e-3;
  return EFFAI_OK;
}
