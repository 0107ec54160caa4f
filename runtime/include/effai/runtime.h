/*===- runtime.h - effai runtime C API ---------------------------*- C -*-===*\
|*                                                                            *|
|* Loads and runs models compiled by effai-compile (shared objects with the   *|
|* effai entry point). The runtime depends on libc and libdl only, never on   *|
|* MLIR or LLVM. Buffers for intermediate results are planned at compile      *|
|* time and allocated once per loaded model; callers own inputs and outputs.  *|
|*                                                                            *|
|* Every call that can fail returns an effai_status; effai_last_error() then  *|
|* describes the failure (per thread).                                        *|
|* Calls on one model are serialized (its workspace is shared); load one      *|
|* model per thread to run concurrently.                                      *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef EFFAI_RUNTIME_H
#define EFFAI_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define EFFAI_API __attribute__((visibility("default")))
#else
#define EFFAI_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Version of the artifact format this runtime loads ("effai-artifact N"). */
#define EFFAI_ARTIFACT_FORMAT_VERSION 1

typedef enum effai_status {
  EFFAI_OK = 0,
  EFFAI_ERROR_IO = 1,               /* file missing or not loadable */
  EFFAI_ERROR_INVALID_ARTIFACT = 2, /* not an effai artifact, or corrupt */
  EFFAI_ERROR_INVALID_ARGUMENT = 3, /* wrong count, dtype, shape, NULL... */
  EFFAI_ERROR_OUT_OF_MEMORY = 4,
  EFFAI_ERROR_DEVICE = 5, /* no GPU driver or device, or it failed */
} effai_status;

/* Element types, named as in ONNX. */
typedef enum effai_dtype {
  EFFAI_FLOAT = 0,
  EFFAI_DOUBLE,
  EFFAI_FLOAT16,
  EFFAI_BFLOAT16,
  EFFAI_INT8,
  EFFAI_INT16,
  EFFAI_INT32,
  EFFAI_INT64,
  EFFAI_UINT8,
  EFFAI_UINT16,
  EFFAI_UINT32,
  EFFAI_UINT64,
  EFFAI_BOOL, /* one byte per element, 0 or 1 */
} effai_dtype;

/* A dense row-major tensor. `data` is NULL in descriptions of a model's
 * inputs and outputs. */
typedef struct effai_tensor {
  void *data;
  effai_dtype dtype;
  int32_t rank;
  const int64_t *shape;
} effai_tensor;

typedef struct effai_model effai_model;

/* Loads the artifact at `path` and allocates its workspace. A GPU artifact
 * loads the CUDA driver, its kernels (compiling PTX for the device) and
 * allocates its buffers on device 0; EFFAI_ERROR_DEVICE says why it cannot
 * (no driver, no device, a chip the device does not run). */
EFFAI_API effai_status effai_load(const char *path, effai_model **model);
/* Releases the model; NULL is ignored. */
EFFAI_API void effai_unload(effai_model *model);

/* The last error message of the calling thread ("" if none). */
EFFAI_API const char *effai_last_error(void);

EFFAI_API size_t effai_num_inputs(const effai_model *model);
EFFAI_API size_t effai_num_outputs(const effai_model *model);
/* Name and description (data = NULL) of input/output `index`. The strings
 * and shapes live as long as the model. */
EFFAI_API effai_status effai_input_info(const effai_model *model, size_t index,
                                        const char **name, effai_tensor *info);
EFFAI_API effai_status effai_output_info(const effai_model *model, size_t index,
                                         const char **name, effai_tensor *info);
/* The effai version that compiled the model. */
EFFAI_API const char *effai_model_version(const effai_model *model);
/* Bytes of the planned workspace for intermediate results. */
EFFAI_API size_t effai_workspace_bytes(const effai_model *model);
/* Where the model's work runs: "cpu", or "cuda" for a GPU artifact
 * (effai-compile --target=gpu), whose buffers live on device 0 and whose
 * effai_run copies inputs in and outputs out, or "fpga-csim" for the C
 * simulation of an FPGA accelerator (effai-compile --target=fpga-csim), or
 * "fpga-rtl" for its Verilog simulated by Verilator (--target=fpga-rtl);
 * a simulation's effai_run fails with EFFAI_ERROR_DEVICE and its report
 * when the design deadlocks. */
EFFAI_API const char *effai_model_device(const effai_model *model);
/* For a GPU model: the seconds its kernels took in the last effai_run,
 * between CUDA events recorded on its stream (no host-device copies). */
EFFAI_API effai_status effai_kernel_seconds(const effai_model *model,
                                            double *seconds);
/* 1 if the model runs its loops on OpenMP threads. */
EFFAI_API int effai_is_threaded(const effai_model *model);
/* Thread count for threaded models (>= 1); ignored by single-threaded ones. */
EFFAI_API effai_status effai_set_num_threads(effai_model *model,
                                             int32_t threads);

/* Runs the model. Inputs and outputs are given in the model's order with the
 * exact dtype and shape it declares; the caller allocates the outputs. */
EFFAI_API effai_status effai_run(effai_model *model, const effai_tensor *inputs,
                                 size_t num_inputs, const effai_tensor *outputs,
                                 size_t num_outputs);

/* Per-layer timers of a model compiled with --profile: the number of layers
 * (0 for a model without timers); layer `index`'s name and the seconds it
 * has taken in all runs since loading or the last reset; and the reset. */
EFFAI_API size_t effai_profile_count(const effai_model *model);
EFFAI_API effai_status effai_profile_layer(const effai_model *model,
                                           size_t index, const char **name,
                                           double *seconds);
EFFAI_API void effai_profile_reset(effai_model *model);
/* Layer `index`'s raw counter since loading or the last reset: CPU cycle
 * counter ticks, or for an FPGA C simulation (device "fpga-csim") the
 * cycles its PE counted (iterations of its II = 1 loops), which
 * effai_profile_layer converts to seconds at the accelerator's clock. */
EFFAI_API effai_status effai_profile_layer_cycles(const effai_model *model,
                                                  size_t index,
                                                  uint64_t *cycles);

/* The first CUDA device, as the driver reports it. */
typedef struct effai_cuda_device {
  int count;          /* devices the driver sees */
  char name[256];     /* of device 0 */
  int major, minor;   /* compute capability of device 0 (9.0: sm_90) */
  int driver_version; /* e.g. 13000 for CUDA 13.0 */
} effai_cuda_device;

/* Loads the CUDA driver (libcuda.so.1, or $EFFAI_CUDA_DRIVER) at run time
 * and describes device 0. EFFAI_ERROR_DEVICE with effai_last_error()
 * saying why when there is no driver, only the toolkit's stub driver, or
 * no device. The runtime never links the driver. */
EFFAI_API effai_status effai_cuda_probe(effai_cuda_device *device);

/* ONNX's name of a dtype ("float", "uint8"...) and its size in bytes. */
EFFAI_API const char *effai_dtype_name(effai_dtype dtype);
EFFAI_API size_t effai_dtype_size(effai_dtype dtype);

#ifdef __cplusplus
}
#endif

#endif /* EFFAI_RUNTIME_H */
