//===- Runtime.cpp - load and run compiled effai models ---------*- C++ -*-===//
//
// An artifact exports effai_entry(void **buffers), effai_set_num_threads and
// effai_metadata (see effai-emit-entry-point). Loading parses the metadata
// and allocates the planned workspace once, pre-faulting its pages, so a run
// is checks plus one call. A GPU artifact ("device cuda") keeps its
// buffers on the device instead (GPUModel).
//
//===----------------------------------------------------------------------===//

#include "effai/runtime.h"

#include "ElfCheck.h"
#include "Error.h"
#include "GPUModel.h"
#include "Metadata.h"

#include <dlfcn.h>
#include <time.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <vector>

using effai::runtime::ArtifactMetadata;
using effai::runtime::TensorSpec;

struct effai_model {
  void *library = nullptr;
  void (*entry)(void **) = nullptr;
  void (*setNumThreads)(int32_t) = nullptr;
  uint64_t *profileCycles = nullptr; // effai_profile_cycles, when profiled
  /// An FPGA C simulation's effai_simulation_error (a deadlock report).
  const char *(*simulationError)() = nullptr;
  ArtifactMetadata metadata;
  void *workspace = nullptr;
  std::vector<void *> arguments;
  /// The device side of a GPU artifact (null for the CPU).
  std::unique_ptr<effai::runtime::GPUModel> gpu;
  mutable std::mutex mutex;

  ~effai_model() {
    gpu.reset();
    std::free(workspace);
    if (library)
      dlclose(library);
  }
};

namespace {

thread_local std::string lastError;

/// The cycle counter the artifact's timers read (llvm.readcyclecounter).
uint64_t readCycleCounter() {
#if defined(__x86_64__) || defined(__i386__)
  return __builtin_ia32_rdtsc();
#else
  return 0;
#endif
}

double nowSeconds() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

/// Counter ticks per second, measured once against the monotonic clock.
double getCycleCounterRate() {
  static const double rate = [] {
    double start = nowSeconds();
    uint64_t begin = readCycleCounter();
    while (nowSeconds() - start < 0.02) {
    }
    double seconds = nowSeconds() - start;
    uint64_t ticks = readCycleCounter() - begin;
    return ticks > 0 ? double(ticks) / seconds : 0.0;
  }();
  return rate;
}

using effai::runtime::fail;

/// Checks one caller tensor against what the model declares.
effai_status checkTensor(const effai_tensor &tensor, const TensorSpec &spec,
                         const char *role, size_t index) {
  std::string what =
      std::string(role) + " " + std::to_string(index) + " '" + spec.name + "'";
  if (!tensor.data)
    return fail(EFFAI_ERROR_INVALID_ARGUMENT, what + " has no data (NULL)");
  if (tensor.dtype != spec.dtype)
    return fail(EFFAI_ERROR_INVALID_ARGUMENT,
                what + " must be " + effai_dtype_name(spec.dtype) + ", got " +
                    effai_dtype_name(tensor.dtype));
  bool sameShape =
      tensor.rank == static_cast<int32_t>(spec.shape.size()) &&
      (tensor.rank == 0 ||
       (tensor.shape && std::memcmp(tensor.shape, spec.shape.data(),
                                    spec.shape.size() * sizeof(int64_t)) == 0));
  if (!sameShape) {
    std::string got =
        tensor.rank < 0 || (tensor.rank > 0 && !tensor.shape)
            ? "rank " + std::to_string(tensor.rank)
            : effai::runtime::formatShape(tensor.shape, tensor.rank);
    return fail(
        EFFAI_ERROR_INVALID_ARGUMENT,
        what + " must have shape " +
            effai::runtime::formatShape(spec.shape.data(), spec.shape.size()) +
            ", got " + got);
  }
  return EFFAI_OK;
}

effai_status describe(const std::vector<TensorSpec> &specs, size_t index,
                      const char *role, const char **name, effai_tensor *info) {
  if (index >= specs.size())
    return fail(EFFAI_ERROR_INVALID_ARGUMENT,
                std::string(role) + " index " + std::to_string(index) +
                    " is out of range (the model has " +
                    std::to_string(specs.size()) + ")");
  const TensorSpec &spec = specs[index];
  if (name)
    *name = spec.name.c_str();
  if (info) {
    info->data = nullptr;
    info->dtype = spec.dtype;
    info->rank = static_cast<int32_t>(spec.shape.size());
    info->shape = spec.shape.data();
  }
  return EFFAI_OK;
}

} // namespace

effai_status effai::runtime::fail(effai_status status, std::string message) {
  lastError = std::move(message);
  return status;
}

extern "C" {

effai_status effai_load(const char *path, effai_model **model) {
  if (!path || !model)
    return fail(EFFAI_ERROR_INVALID_ARGUMENT,
                "effai_load: path and model must not be NULL");
  *model = nullptr;
  // dlopen searches the library path for names without a slash; a model
  // path always names a file.
  std::string file = std::strchr(path, '/') ? path : std::string("./") + path;
  // A file that cannot be opened is dlopen's to report (EFFAI_ERROR_IO).
  std::string invalid;
  if (std::ifstream(file) && !effai::runtime::checkSharedObject(file, invalid))
    return fail(EFFAI_ERROR_INVALID_ARTIFACT,
                std::string("cannot load '") + path + "': " + invalid);
  void *library = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    const char *why = dlerror();
    return fail(EFFAI_ERROR_IO, std::string("cannot load '") + path +
                                    "': " + (why ? why : "unknown error"));
  }
  auto *loaded = new (std::nothrow) effai_model();
  if (!loaded) {
    dlclose(library);
    return fail(EFFAI_ERROR_OUT_OF_MEMORY, "out of memory");
  }
  loaded->library = library;
  auto *metadata =
      reinterpret_cast<const char *>(dlsym(library, "effai_metadata"));
  loaded->entry =
      reinterpret_cast<void (*)(void **)>(dlsym(library, "effai_entry"));
  loaded->setNumThreads = reinterpret_cast<void (*)(int32_t)>(
      dlsym(library, "effai_set_num_threads"));
  if (!metadata || !loaded->entry || !loaded->setNumThreads) {
    delete loaded;
    return fail(EFFAI_ERROR_INVALID_ARTIFACT,
                std::string("'") + path +
                    "' is not an effai artifact (it lacks effai_metadata, "
                    "effai_entry or effai_set_num_threads)");
  }
  std::string error;
  if (!effai::runtime::parseMetadata(metadata, loaded->metadata, error)) {
    delete loaded;
    return fail(EFFAI_ERROR_INVALID_ARTIFACT,
                std::string("'") + path + "': " + error);
  }
  if (!loaded->metadata.profileLayers.empty()) {
    loaded->profileCycles =
        reinterpret_cast<uint64_t *>(dlsym(library, "effai_profile_cycles"));
    if (!loaded->profileCycles) {
      delete loaded;
      return fail(EFFAI_ERROR_INVALID_ARTIFACT,
                  std::string("'") + path +
                      "' declares profiled layers but lacks "
                      "effai_profile_cycles");
    }
    effai_profile_reset(loaded);
  }
  if (loaded->metadata.fpgaSimulation) {
    loaded->simulationError = reinterpret_cast<const char *(*)()>(
        dlsym(library, "effai_simulation_error"));
    if (!loaded->simulationError || !loaded->profileCycles) {
      delete loaded;
      return fail(EFFAI_ERROR_INVALID_ARTIFACT,
                  std::string("'") + path +
                      "' is an FPGA simulation without "
                      "effai_simulation_error or its PE cycle counters");
    }
  }
  if (loaded->metadata.gpu) {
    if (effai_status status = effai::runtime::GPUModel::load(
            library, loaded->metadata, path, loaded->gpu)) {
      delete loaded;
      return status;
    }
    *model = loaded;
    return EFFAI_OK;
  }
  // Allocate and touch the workspace now: runs must not fault pages in.
  size_t bytes = loaded->metadata.workspaceBytes;
  if (bytes > 0) {
    size_t rounded = (bytes + 63) / 64 * 64;
    loaded->workspace = std::aligned_alloc(64, rounded);
    if (!loaded->workspace) {
      delete loaded;
      return fail(EFFAI_ERROR_OUT_OF_MEMORY,
                  "cannot allocate the " + std::to_string(bytes) +
                      "-byte workspace of '" + path + "'");
    }
    std::memset(loaded->workspace, 0, rounded);
  }
  loaded->arguments.resize(loaded->metadata.inputs.size() +
                           loaded->metadata.outputs.size() + 1);
  *model = loaded;
  return EFFAI_OK;
}

void effai_unload(effai_model *model) { delete model; }

const char *effai_last_error(void) { return lastError.c_str(); }

size_t effai_num_inputs(const effai_model *model) {
  return model ? model->metadata.inputs.size() : 0;
}

size_t effai_num_outputs(const effai_model *model) {
  return model ? model->metadata.outputs.size() : 0;
}

effai_status effai_input_info(const effai_model *model, size_t index,
                              const char **name, effai_tensor *info) {
  if (!model)
    return fail(EFFAI_ERROR_INVALID_ARGUMENT, "effai_input_info: NULL model");
  return describe(model->metadata.inputs, index, "input", name, info);
}

effai_status effai_output_info(const effai_model *model, size_t index,
                               const char **name, effai_tensor *info) {
  if (!model)
    return fail(EFFAI_ERROR_INVALID_ARGUMENT, "effai_output_info: NULL model");
  return describe(model->metadata.outputs, index, "output", name, info);
}

const char *effai_model_version(const effai_model *model) {
  return model ? model->metadata.version.c_str() : "";
}

size_t effai_workspace_bytes(const effai_model *model) {
  return model ? model->metadata.workspaceBytes : 0;
}

size_t effai_profile_count(const effai_model *model) {
  return model && model->profileCycles ? model->metadata.profileLayers.size()
                                       : 0;
}

effai_status effai_profile_layer(const effai_model *model, size_t index,
                                 const char **name, double *seconds) {
  if (!model || !name || !seconds)
    return fail(EFFAI_ERROR_INVALID_ARGUMENT, "effai_profile_layer: NULL");
  if (index >= effai_profile_count(model))
    return fail(EFFAI_ERROR_INVALID_ARGUMENT,
                "profile layer " + std::to_string(index) +
                    " does not exist (the model has " +
                    std::to_string(effai_profile_count(model)) + ")");
  *name = model->metadata.profileLayers[index].c_str();
  // A simulation counts the accelerator's cycles at its clock.
  double rate = model->metadata.fpgaSimulation ? model->metadata.clockHz
                                               : getCycleCounterRate();
  *seconds = rate > 0 ? double(model->profileCycles[index]) / rate : 0.0;
  return EFFAI_OK;
}

void effai_profile_reset(effai_model *model) {
  if (effai_profile_count(model))
    std::memset(model->profileCycles, 0,
                model->metadata.profileLayers.size() * sizeof(uint64_t));
}

const char *effai_model_device(const effai_model *model) {
  return model ? model->metadata.deviceName.c_str() : "cpu";
}

effai_status effai_profile_layer_cycles(const effai_model *model, size_t index,
                                        uint64_t *cycles) {
  if (!model || !cycles)
    return fail(EFFAI_ERROR_INVALID_ARGUMENT,
                "effai_profile_layer_cycles: NULL");
  if (index >= effai_profile_count(model))
    return fail(EFFAI_ERROR_INVALID_ARGUMENT,
                "profile layer " + std::to_string(index) +
                    " does not exist (the model has " +
                    std::to_string(effai_profile_count(model)) + ")");
  *cycles = model->profileCycles[index];
  return EFFAI_OK;
}

effai_status effai_kernel_seconds(const effai_model *model, double *seconds) {
  if (!model || !seconds)
    return fail(EFFAI_ERROR_INVALID_ARGUMENT, "effai_kernel_seconds: NULL");
  if (!model->gpu)
    return fail(EFFAI_ERROR_INVALID_ARGUMENT,
                "effai_kernel_seconds: the model runs on the CPU");
  std::lock_guard<std::mutex> lock(model->mutex);
  *seconds = model->gpu->getKernelSeconds();
  return EFFAI_OK;
}

int effai_is_threaded(const effai_model *model) {
  return model && model->metadata.threaded ? 1 : 0;
}

effai_status effai_set_num_threads(effai_model *model, int32_t threads) {
  if (!model)
    return fail(EFFAI_ERROR_INVALID_ARGUMENT,
                "effai_set_num_threads: NULL model");
  if (threads < 1)
    return fail(EFFAI_ERROR_INVALID_ARGUMENT,
                "thread count must be at least 1, got " +
                    std::to_string(threads));
  std::lock_guard<std::mutex> lock(model->mutex);
  model->setNumThreads(threads);
  return EFFAI_OK;
}

effai_status effai_run(effai_model *model, const effai_tensor *inputs,
                       size_t num_inputs, const effai_tensor *outputs,
                       size_t num_outputs) {
  if (!model)
    return fail(EFFAI_ERROR_INVALID_ARGUMENT, "effai_run: NULL model");
  const ArtifactMetadata &metadata = model->metadata;
  if (num_inputs != metadata.inputs.size() ||
      num_outputs != metadata.outputs.size())
    return fail(EFFAI_ERROR_INVALID_ARGUMENT,
                "the model takes " + std::to_string(metadata.inputs.size()) +
                    " inputs and " + std::to_string(metadata.outputs.size()) +
                    " outputs, got " + std::to_string(num_inputs) + " and " +
                    std::to_string(num_outputs));
  if ((num_inputs && !inputs) || (num_outputs && !outputs))
    return fail(EFFAI_ERROR_INVALID_ARGUMENT,
                "effai_run: NULL input or output array");
  for (size_t i = 0; i < num_inputs; ++i)
    if (effai_status status =
            checkTensor(inputs[i], metadata.inputs[i], "input", i))
      return status;
  for (size_t i = 0; i < num_outputs; ++i)
    if (effai_status status =
            checkTensor(outputs[i], metadata.outputs[i], "output", i))
      return status;

  std::lock_guard<std::mutex> lock(model->mutex);
  if (model->gpu)
    return model->gpu->run(model->entry, inputs, outputs);
  std::vector<void *> &arguments = model->arguments;
  for (size_t i = 0; i < num_inputs; ++i)
    arguments[i] = inputs[i].data;
  for (size_t i = 0; i < num_outputs; ++i)
    arguments[num_inputs + i] = outputs[i].data;
  // A zero-byte workspace is never dereferenced; pass a valid address.
  static char emptyWorkspace[64];
  arguments.back() = model->workspace ? model->workspace : emptyWorkspace;
  model->entry(arguments.data());
  if (model->simulationError) {
    const char *error = model->simulationError();
    if (error && *error)
      return fail(EFFAI_ERROR_DEVICE,
                  std::string("the FPGA simulation stopped: ") + error);
  }
  return EFFAI_OK;
}

} // extern "C"
