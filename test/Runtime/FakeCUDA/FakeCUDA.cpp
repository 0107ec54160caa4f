//===- FakeCUDA.cpp - a CUDA driver stand-in for tests without a GPU -===//
//
// The runtime opens whatever $EFFAI_CUDA_DRIVER names. This library answers
// the driver calls the runtime makes with host memory and checks, so that
// the runtime's GPU path (module loading, buffers, copies, launches) runs in
// CI: it parses the PTX the artifact embeds, and every launch must name one
// of its entries, pass as many parameters as the entry declares, and pass
// device memory (an allocation of ours, in bounds) for every `.ptr`
// parameter. It executes nothing: outputs keep what the device memory held.
// $EFFAI_FAKE_CUDA_LOG=stderr logs each call; $EFFAI_FAKE_CUDA_CC (default
// "9.0") is the device's compute capability, $EFFAI_FAKE_CUDA_DEVICES
// (default 1) how many there are.
//
//===----------------------------------------------------------------------===//

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

using CUresult = int;
using CUdeviceptr = unsigned long long;

constexpr CUresult kSuccess = 0, kInvalidValue = 1, kOutOfMemory = 2,
                   kInvalidImage = 200, kNotFound = 500, kIllegalAddress = 700;

struct Parameter {
  unsigned bytes;
  bool pointer;
};

struct Entry {
  std::string name;
  std::vector<Parameter> params;
  bool checked = true; // false in a cubin, whose parameters we cannot read
};

struct Module {
  bool cubin = false;
  std::string chip;
  std::map<std::string, Entry> entries;
};

struct State {
  // Live allocations: base -> bytes.
  std::map<CUdeviceptr, size_t> allocations;
  std::vector<std::unique_ptr<Module>> modules;
  long launches = 0;
  /// A cuMemcpyHtoD from pageable memory returns before the DMA ends: a
  /// kernel on a non-blocking stream must not start before a sync.
  bool unsynchronizedCopy = false;
  FILE *log = nullptr;

  State() {
    if (const char *path = std::getenv("EFFAI_FAKE_CUDA_LOG"))
      log = std::strcmp(path, "stderr") == 0 ? stderr : std::fopen(path, "w");
  }
  ~State() {
    if (!log)
      return;
    std::fprintf(log,
                 "fake-cuda: exit: %zu allocation(s) live, %ld launch(es)\n",
                 allocations.size(), launches);
    if (log != stderr)
      std::fclose(log);
  }
};

State &state() {
  static State instance;
  return instance;
}

template <typename... Args> void say(const char *format, Args... args) {
  if (FILE *log = state().log) {
    std::fprintf(log, "fake-cuda: ");
    std::fprintf(log, format, args...);
    std::fprintf(log, "\n");
    std::fflush(log);
  }
}

/// True when [address, address + bytes) lies inside one allocation.
bool isDeviceRange(CUdeviceptr address, size_t bytes) {
  auto &allocations = state().allocations;
  auto it = allocations.upper_bound(address);
  if (it == allocations.begin())
    return false;
  --it;
  return address >= it->first && address + bytes <= it->first + it->second;
}

/// The `.entry` functions of a PTX module and their parameters.
bool parsePTX(const char *text, Module &module) {
  std::string ptx(text);
  if (ptx.find(".version") == std::string::npos)
    return false;
  size_t target = ptx.find(".target ");
  if (target != std::string::npos)
    module.chip = ptx.substr(target + 8, ptx.find_first_of("\n, ", target + 8) -
                                             target - 8);
  for (size_t at = ptx.find(".entry "); at != std::string::npos;
       at = ptx.find(".entry ", at + 1)) {
    size_t open = ptx.find('(', at);
    size_t close = ptx.find(')', open);
    if (open == std::string::npos || close == std::string::npos)
      return false;
    Entry entry;
    entry.name = ptx.substr(at + 7, open - at - 7);
    std::string list = ptx.substr(open + 1, close - open - 1);
    for (size_t p = list.find(".param"); p != std::string::npos;
         p = list.find(".param", p + 1)) {
      size_t end = list.find_first_of(",", p);
      std::string decl = list.substr(
          p, end == std::string::npos ? std::string::npos : end - p);
      Parameter param{8, decl.find(".ptr") != std::string::npos};
      for (auto [type, bytes] : {std::pair<const char *, unsigned>{".u64", 8},
                                 {".b64", 8},
                                 {".s64", 8},
                                 {".f64", 8},
                                 {".u32", 4},
                                 {".b32", 4},
                                 {".s32", 4},
                                 {".f32", 4},
                                 {".u16", 2},
                                 {".b16", 2},
                                 {".u8", 1},
                                 {".b8", 1},
                                 {".s8", 1}})
        if (decl.find(type) != std::string::npos) {
          param.bytes = bytes;
          break;
        }
      entry.params.push_back(param);
    }
    module.entries[entry.name] = entry;
  }
  return true;
}

int getEnvInt(const char *name, int fallback) {
  const char *value = std::getenv(name);
  return value ? std::atoi(value) : fallback;
}

} // namespace

extern "C" {

CUresult cuInit(unsigned) { return kSuccess; }
CUresult cuDriverGetVersion(int *version) {
  *version = 13000;
  return kSuccess;
}
CUresult cuDeviceGetCount(int *count) {
  *count = getEnvInt("EFFAI_FAKE_CUDA_DEVICES", 1);
  return kSuccess;
}
CUresult cuDeviceGet(int *device, int ordinal) {
  *device = ordinal;
  return kSuccess;
}
CUresult cuDeviceGetName(char *name, int length, int) {
  std::snprintf(name, length, "effai fake CUDA device");
  return kSuccess;
}
CUresult cuDeviceGetAttribute(int *value, int attribute, int) {
  const char *cc = std::getenv("EFFAI_FAKE_CUDA_CC");
  int major = 9, minor = 0;
  if (cc)
    std::sscanf(cc, "%d.%d", &major, &minor);
  *value = attribute == 75 ? major : attribute == 76 ? minor : 132;
  return kSuccess;
}
CUresult cuDevicePrimaryCtxRetain(void **context, int) {
  static int token;
  *context = &token;
  return kSuccess;
}
CUresult cuDevicePrimaryCtxRelease_v2(int) { return kSuccess; }
void *currentContext = nullptr;
CUresult cuCtxGetCurrent(void **context) {
  *context = currentContext;
  return kSuccess;
}
CUresult cuCtxSetCurrent(void *context) {
  currentContext = context;
  return kSuccess;
}

CUresult cuModuleLoadDataEx(void **module, const void *image, unsigned count,
                            int *options, void **values) {
  auto loaded = std::make_unique<Module>();
  const auto *bytes = static_cast<const unsigned char *>(image);
  bool elf =
      bytes[0] == 0x7f && bytes[1] == 'E' && bytes[2] == 'L' && bytes[3] == 'F';
  if (!elf && !parsePTX(static_cast<const char *>(image), *loaded)) {
    for (unsigned i = 0; i + 1 < count; ++i)
      if (options[i] == 5 && options[i + 1] == 6)
        std::snprintf(static_cast<char *>(values[i]),
                      reinterpret_cast<size_t>(values[i + 1]),
                      "fake-cuda: the image is neither PTX nor an ELF cubin");
    say("cuModuleLoadDataEx: not PTX or a cubin");
    return kInvalidImage;
  }
  loaded->cubin = elf;
  say("cuModuleLoadDataEx: %s, target %s, %zu entries", elf ? "cubin" : "PTX",
      elf ? "?" : loaded->chip.c_str(), loaded->entries.size());
  *module = loaded.get();
  state().modules.push_back(std::move(loaded));
  return kSuccess;
}
CUresult cuModuleGetFunction(void **function, void *module, const char *name) {
  auto *loaded = static_cast<Module *>(module);
  if (loaded->cubin)
    loaded->entries[name] = Entry{name, {}, /*checked=*/false};
  auto it = loaded->entries.find(name);
  if (it == loaded->entries.end()) {
    say("cuModuleGetFunction: no entry '%s'", name);
    return kNotFound;
  }
  *function = &it->second;
  return kSuccess;
}
CUresult cuModuleUnload(void *module) {
  auto &modules = state().modules;
  for (auto it = modules.begin(); it != modules.end(); ++it)
    if (it->get() == module) {
      modules.erase(it);
      return kSuccess;
    }
  return kInvalidValue;
}

CUresult cuMemAlloc_v2(CUdeviceptr *pointer, size_t bytes) {
  if (bytes == 0)
    return kInvalidValue;
  if (bytes > (size_t(1) << 36))
    return kOutOfMemory;
  void *memory = std::aligned_alloc(256, (bytes + 255) / 256 * 256);
  if (!memory)
    return kOutOfMemory;
  std::memset(memory, 0, bytes);
  *pointer = reinterpret_cast<CUdeviceptr>(memory);
  state().allocations[*pointer] = bytes;
  say("cuMemAlloc: %zu bytes", bytes);
  return kSuccess;
}
CUresult cuMemFree_v2(CUdeviceptr pointer) {
  auto &allocations = state().allocations;
  if (!allocations.erase(pointer))
    return kInvalidValue;
  std::free(reinterpret_cast<void *>(pointer));
  say("cuMemFree");
  return kSuccess;
}
CUresult copyToDevice(CUdeviceptr target, const void *source, size_t bytes) {
  if (!isDeviceRange(target, bytes))
    return kInvalidValue;
  std::memcpy(reinterpret_cast<void *>(target), source, bytes);
  say("cuMemcpyHtoD: %zu bytes", bytes);
  return kSuccess;
}
CUresult cuMemcpyHtoD_v2(CUdeviceptr target, const void *source, size_t bytes) {
  state().unsynchronizedCopy = true;
  return copyToDevice(target, source, bytes);
}
CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr target, const void *source,
                              size_t bytes, void *) {
  return copyToDevice(target, source, bytes);
}
CUresult cuMemcpyDtoHAsync_v2(void *target, CUdeviceptr source, size_t bytes,
                              void *) {
  if (!isDeviceRange(source, bytes))
    return kInvalidValue;
  std::memcpy(target, reinterpret_cast<void *>(source), bytes);
  say("cuMemcpyDtoH: %zu bytes", bytes);
  return kSuccess;
}
CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr target, CUdeviceptr source,
                              size_t bytes, void *) {
  if (!isDeviceRange(target, bytes) || !isDeviceRange(source, bytes))
    return kInvalidValue;
  std::memmove(reinterpret_cast<void *>(target),
               reinterpret_cast<void *>(source), bytes);
  say("cuMemcpyDtoD: %zu bytes", bytes);
  return kSuccess;
}

CUresult cuLaunchKernel(void *function, unsigned gx, unsigned gy, unsigned gz,
                        unsigned bx, unsigned by, unsigned bz, unsigned shared,
                        void *, void **params, void **extra) {
  auto *entry = static_cast<Entry *>(function);
  ++state().launches;
  // CUDA's limits: grid x < 2^31, y and z <= 65535; block z <= 64 and
  // 1024 threads; 48 KiB of dynamic shared memory without opting in.
  if (gx == 0 || gy == 0 || gz == 0 || bx == 0 || by == 0 || bz == 0 ||
      gx > 0x7fffffffu || gy > 65535 || gz > 65535 || bz > 64 ||
      uint64_t(bx) * by * bz > 1024 || shared > 48 * 1024 || extra) {
    say("cuLaunchKernel %s: bad configuration", entry->name.c_str());
    return kInvalidValue;
  }
  if (state().unsynchronizedCopy) {
    say("cuLaunchKernel %s: a copy on the legacy stream may still be in "
        "flight (no synchronization since)",
        entry->name.c_str());
    return kInvalidValue;
  }
  size_t pointers = 0;
  if (!entry->checked)
    say("cuLaunchKernel %s: parameters unchecked (cubin)", entry->name.c_str());
  for (size_t i = 0; i < entry->params.size(); ++i) {
    if (!params || !params[i]) {
      say("cuLaunchKernel %s: parameter %zu missing", entry->name.c_str(), i);
      return kInvalidValue;
    }
    if (!entry->params[i].pointer)
      continue;
    CUdeviceptr value;
    std::memcpy(&value, params[i], sizeof(value));
    if (!isDeviceRange(value, 1)) {
      say("cuLaunchKernel %s: parameter %zu (0x%llx) is not device memory",
          entry->name.c_str(), i, value);
      return kIllegalAddress;
    }
    ++pointers;
  }
  say("cuLaunchKernel %s: grid %ux%ux%u block %ux%ux%u shared %u, %zu "
      "params (%zu device pointers)",
      entry->name.c_str(), gx, gy, gz, bx, by, bz, shared, entry->params.size(),
      pointers);
  return kSuccess;
}

CUresult cuStreamCreate(void **stream, unsigned) {
  static int token;
  *stream = &token;
  return kSuccess;
}
CUresult cuStreamSynchronize(void *) {
  state().unsynchronizedCopy = false;
  return kSuccess;
}
CUresult cuStreamDestroy_v2(void *) { return kSuccess; }
CUresult cuEventCreate(void **event, unsigned) {
  static int tokens[2], next;
  *event = &tokens[next++ % 2];
  return kSuccess;
}
CUresult cuEventRecord(void *, void *) { return kSuccess; }
CUresult cuEventElapsedTime_v2(float *milliseconds, void *, void *) {
  *milliseconds = 0.25f;
  return kSuccess;
}
CUresult cuEventDestroy_v2(void *) { return kSuccess; }
CUresult cuGetErrorName(CUresult, const char **name) {
  *name = nullptr;
  return kInvalidValue;
}

} // extern "C"
