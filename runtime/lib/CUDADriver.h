//===- CUDADriver.h - the CUDA driver, loaded at run time -------*- C++ -*-===//
//
// One table of function pointers into libcuda, filled once per process by
// dlopen/dlsym (as IREE's cuda_dynamic_symbols does), so that the runtime
// and every model load on machines without a GPU. Types are the driver's
// ABI types by size; entry points are the CUDA 13 versioned names that
// cuda.h's #defines select.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_RUNTIME_CUDADRIVER_H
#define EFFAI_RUNTIME_CUDADRIVER_H

#include "effai/runtime.h"

#include <cstddef>
#include <string>

namespace effai::runtime::cuda {

using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = struct CUctx_st *;
using CUmodule = struct CUmod_st *;
using CUfunction = struct CUfunc_st *;
using CUstream = struct CUstream_st *;
using CUevent = struct CUevent_st *;

// The few enum values the runtime passes (cuda.h's values).
constexpr int kAttributeComputeCapabilityMajor = 75;
constexpr int kAttributeComputeCapabilityMinor = 76;
constexpr int kAttributeMultiprocessorCount = 16;
constexpr unsigned kStreamNonBlocking = 1;
constexpr int kJitErrorLogBuffer = 5;
constexpr int kJitErrorLogBufferSizeBytes = 6;
constexpr CUresult kErrorStubLibrary = 34;

struct Driver {
  void *library = nullptr;
  CUresult (*init)(unsigned);
  CUresult (*driverGetVersion)(int *);
  CUresult (*deviceGetCount)(int *);
  CUresult (*deviceGet)(CUdevice *, int);
  CUresult (*deviceGetName)(char *, int, CUdevice);
  CUresult (*deviceGetAttribute)(int *, int, CUdevice);
  CUresult (*primaryCtxRetain)(CUcontext *, CUdevice);
  CUresult (*primaryCtxRelease)(CUdevice);
  CUresult (*ctxGetCurrent)(CUcontext *);
  CUresult (*ctxSetCurrent)(CUcontext);
  CUresult (*moduleLoadDataEx)(CUmodule *, const void *, unsigned, int *,
                               void **);
  CUresult (*moduleGetFunction)(CUfunction *, CUmodule, const char *);
  CUresult (*moduleUnload)(CUmodule);
  CUresult (*memAlloc)(CUdeviceptr *, size_t);
  CUresult (*memFree)(CUdeviceptr);
  CUresult (*memcpyHtoDAsync)(CUdeviceptr, const void *, size_t, CUstream);
  CUresult (*memcpyDtoHAsync)(void *, CUdeviceptr, size_t, CUstream);
  CUresult (*memcpyDtoDAsync)(CUdeviceptr, CUdeviceptr, size_t, CUstream);
  CUresult (*launchKernel)(CUfunction, unsigned, unsigned, unsigned, unsigned,
                           unsigned, unsigned, unsigned, CUstream, void **,
                           void **);
  CUresult (*streamCreate)(CUstream *, unsigned);
  CUresult (*streamSynchronize)(CUstream);
  CUresult (*streamDestroy)(CUstream);
  CUresult (*eventCreate)(CUevent *, unsigned);
  CUresult (*eventRecord)(CUevent, CUstream);
  CUresult (*eventElapsedTime)(float *, CUevent, CUevent);
  CUresult (*eventDestroy)(CUevent);
  CUresult (*getErrorName)(CUresult, const char **);
};

/// The process's driver ($EFFAI_CUDA_DRIVER, else libcuda.so.1), loaded
/// and initialized (cuInit) on first use and kept; null with the last
/// error saying why (no driver, the toolkit's stub, not a driver, cuInit
/// failed).
const Driver *getDriver();

/// "CUDA_ERROR_OUT_OF_MEMORY (2)": the driver's name for `code`, else
/// ours (the stub library names nothing).
std::string describe(CUresult code);

} // namespace effai::runtime::cuda

#endif // EFFAI_RUNTIME_CUDADRIVER_H
