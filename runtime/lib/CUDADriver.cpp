//===- CUDADriver.cpp - the CUDA driver, loaded at run time -----*- C++ -*-===//
//
// The runtime never links libcuda: a model and the runtime load on machines
// without a GPU. The driver is dlopen'ed when a GPU is asked for, and every
// way that can fail gets its own message: no driver installed, the CUDA
// toolkit's stub library (which answers cuInit with
// CUDA_ERROR_STUB_LIBRARY and names no errors), a driver without devices.
// Entry points are resolved by their CUDA 13 versioned names where cuda.h
// renames them.
//
//===----------------------------------------------------------------------===//

#include "Error.h"
#include "effai/runtime.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstring>
#include <string>

using effai::runtime::fail;

namespace {

using CUresult = int;
using CUdevice = int;

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
    {209, "CUDA_ERROR_NO_BINARY_FOR_GPU"},
    {218, "CUDA_ERROR_INVALID_PTX"},
    {222, "CUDA_ERROR_UNSUPPORTED_PTX_VERSION"},
    {304, "CUDA_ERROR_OPERATING_SYSTEM"},
    {999, "CUDA_ERROR_UNKNOWN"},
};

/// Our own table first: the stub library's cuGetErrorName fills nothing.
std::string describe(CUresult code) {
  for (const ErrorName &entry : kErrorNames)
    if (entry.code == code)
      return std::string(entry.name) + " (" + std::to_string(code) + ")";
  return "CUresult " + std::to_string(code);
}

// CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR / _MINOR.
constexpr int kComputeCapabilityMajor = 75;
constexpr int kComputeCapabilityMinor = 76;

struct Driver {
  void *library = nullptr;
  CUresult (*init)(unsigned) = nullptr;
  CUresult (*driverGetVersion)(int *) = nullptr;
  CUresult (*deviceGetCount)(int *) = nullptr;
  CUresult (*deviceGet)(CUdevice *, int) = nullptr;
  CUresult (*deviceGetName)(char *, int, CUdevice) = nullptr;
  CUresult (*deviceGetAttribute)(int *, int, CUdevice) = nullptr;
};

template <typename Fn> bool resolve(void *library, const char *name, Fn &fn) {
  fn = reinterpret_cast<Fn>(dlsym(library, name));
  return fn != nullptr;
}

/// The driver named by $EFFAI_CUDA_DRIVER (tests point it at the stub),
/// else libcuda.so.1; false with the last error set.
effai_status loadDriver(Driver &driver) {
  const char *path = std::getenv("EFFAI_CUDA_DRIVER");
  if (!path || !*path)
    path = "libcuda.so.1";
  driver.library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!driver.library)
    return fail(EFFAI_ERROR_DEVICE,
                std::string("no CUDA driver: cannot load ") + path + " (" +
                    dlerror() + "); install the NVIDIA driver to run on a GPU");
  if (!resolve(driver.library, "cuInit", driver.init) ||
      !resolve(driver.library, "cuDriverGetVersion", driver.driverGetVersion) ||
      !resolve(driver.library, "cuDeviceGetCount", driver.deviceGetCount) ||
      !resolve(driver.library, "cuDeviceGet", driver.deviceGet) ||
      !resolve(driver.library, "cuDeviceGetName", driver.deviceGetName) ||
      !resolve(driver.library, "cuDeviceGetAttribute",
               driver.deviceGetAttribute))
    return fail(EFFAI_ERROR_DEVICE, std::string(path) +
                                        " is not a CUDA driver (an entry "
                                        "point is missing)");
  return EFFAI_OK;
}

} // namespace

extern "C" {

effai_status effai_cuda_probe(effai_cuda_device *device) {
  if (!device)
    return fail(EFFAI_ERROR_INVALID_ARGUMENT, "device is NULL");
  std::memset(device, 0, sizeof(*device));
  Driver driver;
  if (effai_status status = loadDriver(driver); status != EFFAI_OK)
    return status;
  auto close = [&](effai_status status) {
    dlclose(driver.library);
    return status;
  };
  if (CUresult result = driver.init(0); result != 0) {
    if (result == 34)
      return close(fail(EFFAI_ERROR_DEVICE,
                        "the CUDA driver is the toolkit's stub library "
                        "(cuInit: " +
                            describe(result) +
                            "): no NVIDIA driver is installed"));
    return close(
        fail(EFFAI_ERROR_DEVICE, "cuInit failed: " + describe(result)));
  }
  driver.driverGetVersion(&device->driver_version);
  int count = 0;
  if (CUresult result = driver.deviceGetCount(&count);
      result != 0 || count == 0)
    return close(fail(EFFAI_ERROR_DEVICE,
                      "no CUDA device" +
                          (result ? ": " + describe(result) : std::string())));
  CUdevice first;
  if (CUresult result = driver.deviceGet(&first, 0); result != 0)
    return close(
        fail(EFFAI_ERROR_DEVICE, "cuDeviceGet failed: " + describe(result)));
  device->count = count;
  driver.deviceGetName(device->name, sizeof(device->name), first);
  driver.deviceGetAttribute(&device->major, kComputeCapabilityMajor, first);
  driver.deviceGetAttribute(&device->minor, kComputeCapabilityMinor, first);
  return close(EFFAI_OK);
}

} // extern "C"
