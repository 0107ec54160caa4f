//===- CUDADriver.cpp - the CUDA driver, loaded at run time -----*- C++ -*-===//
//
// The runtime never links libcuda: a model and the runtime load on machines
// without a GPU. The driver is dlopen'ed when a GPU is asked for, and every
// way that can fail gets its own message: no driver installed, the CUDA
// toolkit's stub library (which answers cuInit with
// CUDA_ERROR_STUB_LIBRARY and names no errors), a library that is not a
// driver, a driver without devices. Entry points are resolved by their
// CUDA 13 versioned names where cuda.h renames them.
//
//===----------------------------------------------------------------------===//

#include "CUDADriver.h"
#include "Error.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

using effai::runtime::fail;
using namespace effai::runtime::cuda;

namespace {

// The CUresult values the messages name (cuda.h's enum).
struct ErrorName {
  CUresult code;
  const char *name;
};
constexpr ErrorName kErrorNames[] = {
    {1, "CUDA_ERROR_INVALID_VALUE"},
    {2, "CUDA_ERROR_OUT_OF_MEMORY"},
    {3, "CUDA_ERROR_NOT_INITIALIZED"},
    {4, "CUDA_ERROR_DEINITIALIZED"},
    {34, "CUDA_ERROR_STUB_LIBRARY"},
    {35, "CUDA_ERROR_INSUFFICIENT_DRIVER"},
    {46, "CUDA_ERROR_DEVICES_UNAVAILABLE"},
    {100, "CUDA_ERROR_NO_DEVICE"},
    {101, "CUDA_ERROR_INVALID_DEVICE"},
    {200, "CUDA_ERROR_INVALID_IMAGE"},
    {201, "CUDA_ERROR_INVALID_CONTEXT"},
    {209, "CUDA_ERROR_NO_BINARY_FOR_GPU"},
    {218, "CUDA_ERROR_INVALID_PTX"},
    {222, "CUDA_ERROR_UNSUPPORTED_PTX_VERSION"},
    {304, "CUDA_ERROR_OPERATING_SYSTEM"},
    {400, "CUDA_ERROR_INVALID_HANDLE"},
    {500, "CUDA_ERROR_NOT_FOUND"},
    {700, "CUDA_ERROR_ILLEGAL_ADDRESS"},
    {701, "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES"},
    {702, "CUDA_ERROR_LAUNCH_TIMEOUT"},
    {719, "CUDA_ERROR_LAUNCH_FAILED"},
    {999, "CUDA_ERROR_UNKNOWN"},
};

/// Set once the driver is loaded and initialized.
const Driver *initializedDriver = nullptr;

template <typename Fn> bool resolve(void *library, Fn &fn, const char *name) {
  fn = reinterpret_cast<Fn>(dlsym(library, name));
  return fn != nullptr;
}

/// Loads the driver at `path` into `driver`; the last error says why not.
effai_status loadDriver(const char *path, Driver &driver) {
  driver.library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!driver.library)
    return fail(EFFAI_ERROR_DEVICE,
                std::string("no CUDA driver: cannot load ") + path + " (" +
                    dlerror() + "); install the NVIDIA driver to run on a GPU");
  void *lib = driver.library;
  bool found =
      resolve(lib, driver.init, "cuInit") &&
      resolve(lib, driver.driverGetVersion, "cuDriverGetVersion") &&
      resolve(lib, driver.deviceGetCount, "cuDeviceGetCount") &&
      resolve(lib, driver.deviceGet, "cuDeviceGet") &&
      resolve(lib, driver.deviceGetName, "cuDeviceGetName") &&
      resolve(lib, driver.deviceGetAttribute, "cuDeviceGetAttribute") &&
      resolve(lib, driver.primaryCtxRetain, "cuDevicePrimaryCtxRetain") &&
      resolve(lib, driver.primaryCtxRelease, "cuDevicePrimaryCtxRelease_v2") &&
      resolve(lib, driver.ctxGetCurrent, "cuCtxGetCurrent") &&
      resolve(lib, driver.ctxSetCurrent, "cuCtxSetCurrent") &&
      resolve(lib, driver.moduleLoadDataEx, "cuModuleLoadDataEx") &&
      resolve(lib, driver.moduleGetFunction, "cuModuleGetFunction") &&
      resolve(lib, driver.moduleUnload, "cuModuleUnload") &&
      resolve(lib, driver.memAlloc, "cuMemAlloc_v2") &&
      resolve(lib, driver.memFree, "cuMemFree_v2") &&
      resolve(lib, driver.memcpyHtoDAsync, "cuMemcpyHtoDAsync_v2") &&
      resolve(lib, driver.memcpyDtoHAsync, "cuMemcpyDtoHAsync_v2") &&
      resolve(lib, driver.memcpyDtoDAsync, "cuMemcpyDtoDAsync_v2") &&
      resolve(lib, driver.launchKernel, "cuLaunchKernel") &&
      resolve(lib, driver.streamCreate, "cuStreamCreate") &&
      resolve(lib, driver.streamSynchronize, "cuStreamSynchronize") &&
      resolve(lib, driver.streamDestroy, "cuStreamDestroy_v2") &&
      resolve(lib, driver.eventCreate, "cuEventCreate") &&
      resolve(lib, driver.eventRecord, "cuEventRecord") &&
      // CUDA 13 renamed it; 12.x drivers have the plain name only.
      (resolve(lib, driver.eventElapsedTime, "cuEventElapsedTime_v2") ||
       resolve(lib, driver.eventElapsedTime, "cuEventElapsedTime")) &&
      resolve(lib, driver.eventDestroy, "cuEventDestroy_v2") &&
      resolve(lib, driver.getErrorName, "cuGetErrorName");
  if (!found)
    return fail(EFFAI_ERROR_DEVICE, std::string(path) +
                                        " is not a CUDA driver (an entry "
                                        "point is missing)");
  if (CUresult result = driver.init(0); result != 0) {
    if (result == kErrorStubLibrary)
      return fail(EFFAI_ERROR_DEVICE,
                  "the CUDA driver is the toolkit's stub library (cuInit: " +
                      describe(result) + "): no NVIDIA driver is installed");
    return fail(EFFAI_ERROR_DEVICE, "cuInit failed: " + describe(result));
  }
  return EFFAI_OK;
}

} // namespace

std::string effai::runtime::cuda::describe(CUresult code) {
  const char *name = nullptr;
  for (const ErrorName &entry : kErrorNames)
    if (entry.code == code)
      name = entry.name;
  // A working driver names every code (the stub names none).
  if (!name && initializedDriver)
    initializedDriver->getErrorName(code, &name);
  if (!name)
    return "CUresult " + std::to_string(code);
  return std::string(name) + " (" + std::to_string(code) + ")";
}

const Driver *effai::runtime::cuda::getDriver() {
  static std::once_flag once;
  static Driver driver;
  static effai_status status = EFFAI_OK;
  static std::string error;
  std::call_once(once, [] {
    const char *path = std::getenv("EFFAI_CUDA_DRIVER");
    if (!path || !*path)
      path = "libcuda.so.1";
    status = loadDriver(path, driver);
    if (status == EFFAI_OK)
      initializedDriver = &driver;
    if (status != EFFAI_OK) {
      error = effai_last_error();
      if (driver.library)
        dlclose(driver.library);
    }
  });
  if (status != EFFAI_OK) {
    fail(status, error);
    return nullptr;
  }
  return &driver;
}

extern "C" {

effai_status effai_cuda_probe(effai_cuda_device *device) {
  if (!device)
    return fail(EFFAI_ERROR_INVALID_ARGUMENT, "device is NULL");
  std::memset(device, 0, sizeof(*device));
  const Driver *driver = getDriver();
  if (!driver)
    return EFFAI_ERROR_DEVICE;
  driver->driverGetVersion(&device->driver_version);
  int count = 0;
  if (CUresult result = driver->deviceGetCount(&count);
      result != 0 || count == 0)
    return fail(EFFAI_ERROR_DEVICE,
                "no CUDA device" +
                    (result ? ": " + describe(result) : std::string()));
  CUdevice first;
  if (CUresult result = driver->deviceGet(&first, 0); result != 0)
    return fail(EFFAI_ERROR_DEVICE, "cuDeviceGet failed: " + describe(result));
  device->count = count;
  driver->deviceGetName(device->name, sizeof(device->name), first);
  driver->deviceGetAttribute(&device->major, kAttributeComputeCapabilityMajor,
                             first);
  driver->deviceGetAttribute(&device->minor, kAttributeComputeCapabilityMinor,
                             first);
  return EFFAI_OK;
}

} // extern "C"
