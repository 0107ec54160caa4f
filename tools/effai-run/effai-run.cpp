//===- effai-run.cpp - run a compiled model on .npy inputs ------*- C++ -*-===//
//
//   effai-run model.so --input x.npy [--input name=y.npy] \
//             [--output-dir out/] [--repeat 100] [--num-threads 2]
//   effai-run model.onnx --input x.npy      (compiles first, cached)
//   effai-run model.onnx --device=gpu --input x.npy   (on CUDA device 0)
//
// Inputs bind in the model's order, or by name with NAME=FILE. Outputs are
// written as NAME.npy; --repeat prints latency statistics over the runs.
//
//===----------------------------------------------------------------------===//

#include "Npy.h"

#include "effai/Driver/Driver.h"
#include "effai/Version.h"
#include "effai/runtime.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <numeric>

using namespace mlir;
using npy::NpyArray;

namespace {

llvm::cl::opt<std::string> modelPath(llvm::cl::Positional,
                                     llvm::cl::desc("<model.so | model.onnx "
                                                    "| model.mlir>"),
                                     llvm::cl::Required);
llvm::cl::list<std::string>
    inputFiles("input",
               llvm::cl::desc("An input as .npy: FILE (in the model's input "
                              "order) or NAME=FILE"));
llvm::cl::opt<std::string>
    outputDir("output-dir",
              llvm::cl::desc("Write each output to DIR/NAME.npy"));
llvm::cl::opt<unsigned> repeat("repeat",
                               llvm::cl::desc("Timed runs (latency stats)"),
                               llvm::cl::init(1));
llvm::cl::opt<unsigned> warmup("warmup",
                               llvm::cl::desc("Untimed runs before timing"),
                               llvm::cl::init(1));
llvm::cl::opt<int> threads("num-threads",
                           llvm::cl::desc("Threads for models compiled with "
                                          "--parallel (default: OpenMP's)"),
                           llvm::cl::init(0));
llvm::cl::opt<unsigned>
    printOutputs("print-outputs",
                 llvm::cl::desc("Print up to N values of each output"),
                 llvm::cl::init(0));
llvm::cl::opt<std::string>
    cacheDir("cache-dir",
             llvm::cl::desc("Where compiled .onnx/.mlir models are cached "
                            "(default: $EFFAI_CACHE_DIR or ~/.cache/effai)"));

llvm::cl::opt<std::string>
    device("device",
           llvm::cl::desc("Where to run: cpu, or gpu (CUDA device 0; a model "
                          "file is compiled for its chip)"),
           llvm::cl::init("cpu"));

/// --device=gpu: the chip effai compiles for on CUDA device 0 (sm_90 from
/// Hopper on, sm_80 for Ampere and Ada), or why there is none.
std::optional<std::string> probeGPU(std::string &error) {
  effai_cuda_device gpu;
  if (effai_cuda_probe(&gpu) != EFFAI_OK) {
    error = std::string("--device=gpu: ") + effai_last_error();
    return std::nullopt;
  }
  int chip = 10 * gpu.major + gpu.minor;
  llvm::errs() << "effai-run: device 0 '" << gpu.name << "' (sm_" << chip
               << ", driver " << gpu.driver_version << ", " << gpu.count
               << " device(s))\n";
  if (chip < 80) {
    error = "--device=gpu: device 0 is sm_" + std::to_string(chip) +
            "; effai's kernels need sm_80 or newer";
    return std::nullopt;
  }
  return chip >= 90 ? std::string("sm_90") : std::string("sm_80");
}

/// The per-layer timers of a model compiled with --profile: milliseconds
/// per run and share of the total, slowest first.
/// An FPGA C simulation's PEs run concurrently: each one's cycles per run
/// (the slowest sets the accelerator's pace), at the part's clock.
void printSimulatedCycles(effai_model *model, size_t runs) {
  llvm::outs() << "simulated FPGA cycles per run (PEs run concurrently):\n";
  for (size_t i = 0, e = effai_profile_count(model); i < e; ++i) {
    const char *name;
    double seconds;
    uint64_t cycles;
    if (effai_profile_layer(model, i, &name, &seconds) != EFFAI_OK ||
        effai_profile_layer_cycles(model, i, &cycles) != EFFAI_OK)
      return;
    llvm::outs() << llvm::format("  %12llu cycles %10.3f us  ",
                                 (unsigned long long)(cycles / runs),
                                 seconds * 1e6 / runs)
                 << name << "\n";
  }
}

void printProfile(effai_model *model, size_t runs) {
  size_t count = effai_profile_count(model);
  if (count == 0)
    return;
  if (StringRef(effai_model_device(model)) == "fpga-csim")
    return printSimulatedCycles(model, runs);
  std::vector<std::pair<double, std::string>> layers;
  double total = 0;
  for (size_t i = 0; i < count; ++i) {
    const char *name;
    double seconds;
    if (effai_profile_layer(model, i, &name, &seconds) != EFFAI_OK)
      return;
    layers.push_back({seconds * 1e3 / runs, name});
    total += seconds * 1e3 / runs;
  }
  std::stable_sort(layers.begin(), layers.end(),
                   [](auto &a, auto &b) { return a.first > b.first; });
  llvm::outs() << llvm::format("profile: %zu layers, %.3f ms per run\n", count,
                               total);
  for (auto &[ms, name] : layers)
    llvm::outs() << llvm::format("  %10.3f ms %5.1f%%  ", ms,
                                 total > 0 ? 100 * ms / total : 0.0)
                 << name << "\n";
}

int fail(const std::string &message) {
  llvm::errs() << "effai-run: error: " << message << "\n";
  return 1;
}

std::string getCacheDirectory() {
  if (!cacheDir.empty())
    return cacheDir;
  if (std::optional<std::string> env =
          llvm::sys::Process::GetEnv("EFFAI_CACHE_DIR"))
    return *env;
  SmallString<128> home;
  if (llvm::sys::path::home_directory(home)) {
    llvm::sys::path::append(home, ".cache", "effai");
    return std::string(home);
  }
  return "/tmp/effai-cache";
}

/// Compiles a model file to a shared object in the cache (for `gpuChip`
/// when not empty), keyed by the file's bytes, the compile options and the
/// effai version; reuses it when present.
bool compileCached(const std::string &gpuChip, std::string &artifactPath,
                   std::string &error) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> bytes =
      llvm::MemoryBuffer::getFile(modelPath, /*IsText=*/false);
  if (!bytes) {
    error = "cannot read '" + modelPath + "': " + bytes.getError().message();
    return false;
  }
  effai::OnnxImportOptions importOptions;
  if (!effai::getImportOptionsFromCommandLine(importOptions, error))
    return false;
  effai::CPUCompileOptions options =
      effai::getCPUCompileOptionsFromCommandLine();
  options.gpu = gpuChip;
  std::string key = (*bytes)->getBuffer().str();
  key += "\n" + effai::describeCompileOptions(options);
  for (const auto &entry : importOptions.inputShapes)
    key +=
        "\nshape " + entry.getKey().str() + "=" +
        llvm::join(llvm::map_range(entry.getValue(),
                                   [](int64_t d) { return std::to_string(d); }),
                   "x");
  for (const auto &entry : importOptions.constantInputs)
    key += "\nconstant " + entry.getKey().str() + "=" + entry.getValue();
  key += "\n" EFFAI_VERSION_STRING;
  std::string directory = getCacheDirectory();
  SmallString<256> path(directory);
  llvm::sys::path::append(
      path, llvm::utohexstr(llvm::xxh3_64bits(llvm::arrayRefFromStringRef(key)),
                            /*LowerCase=*/true) +
                ".so");
  artifactPath = std::string(path);
  if (llvm::sys::fs::exists(artifactPath)) {
    llvm::errs() << "effai-run: using cached " << artifactPath << "\n";
    return true;
  }
  if (std::error_code ec = llvm::sys::fs::create_directories(directory)) {
    error =
        "cannot create cache directory '" + directory + "': " + ec.message();
    return false;
  }

  effai::DriverContext driver;
  OwningOpRef<ModuleOp> module = driver.loadModelFile(modelPath, importOptions);
  if (!module) {
    error = "cannot load '" + modelPath + "'";
    return false;
  }
  // Compile to a temporary name and rename: concurrent runs never see a
  // half-written artifact.
  std::string partial = artifactPath + ".partial." +
                        std::to_string(llvm::sys::Process::getProcessId());
  auto start = std::chrono::steady_clock::now();
  if (failed(effai::compileToSharedObject(*module, options, partial, error))) {
    llvm::sys::fs::remove(partial);
    return false;
  }
  if (std::error_code ec = llvm::sys::fs::rename(partial, artifactPath)) {
    error = "cannot move the artifact into the cache: " + ec.message();
    return false;
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  llvm::errs() << llvm::format("effai-run: compiled %s in %.2f s -> %s\n",
                               modelPath.c_str(), seconds,
                               artifactPath.c_str());
  return true;
}

/// Reads the --input files into `arrays`, ordered like the model's inputs.
bool bindInputs(effai_model *model, std::vector<NpyArray> &arrays,
                std::string &error) {
  size_t count = effai_num_inputs(model);
  arrays.assign(count, NpyArray());
  std::vector<bool> bound(count, false);
  size_t next = 0;
  for (const std::string &spec : inputFiles) {
    size_t index = next;
    std::string file = spec;
    size_t equals = spec.find('=');
    if (equals != std::string::npos) {
      std::string name = spec.substr(0, equals);
      file = spec.substr(equals + 1);
      index = count;
      for (size_t i = 0; i < count; ++i) {
        const char *inputName;
        effai_input_info(model, i, &inputName, nullptr);
        if (name == inputName)
          index = i;
      }
      if (index == count) {
        error =
            "--input " + spec + ": the model has no input named '" + name + "'";
        return false;
      }
    } else {
      ++next;
    }
    if (index >= count) {
      error =
          "too many --input files: the model takes " + std::to_string(count);
      return false;
    }
    if (bound[index]) {
      error = "input " + std::to_string(index) + " is given twice";
      return false;
    }
    if (!npy::readNpy(file, arrays[index], error))
      return false;
    bound[index] = true;
  }
  for (size_t i = 0; i < count; ++i)
    if (!bound[i]) {
      const char *name;
      effai_input_info(model, i, &name, nullptr);
      error = "missing --input for model input " + std::to_string(i) + " '" +
              name + "'";
      return false;
    }
  return true;
}

void printValues(const char *name, const NpyArray &array) {
  llvm::outs() << name << ": " << effai_dtype_name(array.dtype) << " [";
  for (size_t i = 0; i < array.shape.size(); ++i)
    llvm::outs() << (i ? ", " : "") << array.shape[i];
  llvm::outs() << "]";
  size_t count =
      array.data.size() / std::max<size_t>(1, effai_dtype_size(array.dtype));
  size_t shown = std::min<size_t>(count, printOutputs);
  for (size_t i = 0; i < shown; ++i) {
    const char *at = array.data.data() + i * effai_dtype_size(array.dtype);
    llvm::outs() << (i ? " " : " = ");
    switch (array.dtype) {
    case EFFAI_FLOAT: {
      float v;
      std::memcpy(&v, at, 4);
      llvm::outs() << llvm::format("%g", v);
      break;
    }
    case EFFAI_DOUBLE: {
      double v;
      std::memcpy(&v, at, 8);
      llvm::outs() << llvm::format("%g", v);
      break;
    }
    case EFFAI_INT8:
      llvm::outs() << int(*reinterpret_cast<const int8_t *>(at));
      break;
    case EFFAI_UINT8:
    case EFFAI_BOOL:
      llvm::outs() << unsigned(*reinterpret_cast<const uint8_t *>(at));
      break;
    case EFFAI_INT32: {
      int32_t v;
      std::memcpy(&v, at, 4);
      llvm::outs() << v;
      break;
    }
    case EFFAI_INT64: {
      int64_t v;
      std::memcpy(&v, at, 8);
      llvm::outs() << v;
      break;
    }
    default:
      llvm::outs() << "?";
      break;
    }
  }
  llvm::outs() << "\n";
}

/// "output/0" -> "output_0": output names become file names.
std::string toFileName(std::string name) {
  for (char &c : name)
    if (!llvm::isAlnum(c) && c != '_' && c != '-' && c != '.')
      c = '_';
  return name.empty() || name[0] == '.' ? "_" + name : name;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  effai::registerCompileCommandLineOptions();
  llvm::cl::ParseCommandLineOptions(argc, argv,
                                    "effai: run a compiled model\n");

  if (device != "cpu" && device != "gpu")
    return fail("--device must be cpu or gpu, got '" + device + "'");
  std::string artifact = modelPath, error, gpuChip;
  if (device == "gpu") {
    std::optional<std::string> chip = probeGPU(error);
    if (!chip)
      return fail(error);
    gpuChip = *chip;
  }
  if (!StringRef(modelPath).ends_with(".so") &&
      !compileCached(gpuChip, artifact, error))
    return fail(error);

  effai_model *model = nullptr;
  if (effai_load(artifact.c_str(), &model) != EFFAI_OK)
    return fail(effai_last_error());
  llvm::scope_exit unload([&] { effai_unload(model); });
  bool onGPU = StringRef(effai_model_device(model)) == "cuda";
  if (onGPU != (device == "gpu"))
    return fail("'" + artifact + "' runs on the " + (onGPU ? "GPU" : "CPU") +
                (onGPU ? ": pass --device=gpu"
                       : ": compile it with --target=gpu for --device=gpu"));
  if (threads != 0 && effai_set_num_threads(model, threads) != EFFAI_OK)
    return fail(effai_last_error());

  std::vector<NpyArray> inputs;
  if (!bindInputs(model, inputs, error))
    return fail(error);
  std::vector<effai_tensor> inputViews;
  for (NpyArray &array : inputs)
    inputViews.push_back(npy::viewOf(array));
  std::vector<NpyArray> outputs = npy::allocateOutputs(model);
  std::vector<effai_tensor> outputViews;
  for (NpyArray &array : outputs)
    outputViews.push_back(npy::viewOf(array));

  auto runOnce = [&] {
    return effai_run(model, inputViews.data(), inputViews.size(),
                     outputViews.data(), outputViews.size());
  };
  for (unsigned i = 0; i < warmup; ++i)
    if (runOnce() != EFFAI_OK)
      return fail(effai_last_error());
  effai_profile_reset(model);
  std::vector<double> millis, kernelMillis;
  for (unsigned i = 0; i < std::max(1u, repeat.getValue()); ++i) {
    auto start = std::chrono::steady_clock::now();
    if (runOnce() != EFFAI_OK)
      return fail(effai_last_error());
    millis.push_back(std::chrono::duration<double, std::milli>(
                         std::chrono::steady_clock::now() - start)
                         .count());
    double seconds;
    if (onGPU && effai_kernel_seconds(model, &seconds) == EFFAI_OK)
      kernelMillis.push_back(seconds * 1e3);
  }
  auto printStats = [](const char *what, std::vector<double> &values) {
    std::sort(values.begin(), values.end());
    double mean =
        std::accumulate(values.begin(), values.end(), 0.0) / values.size();
    llvm::outs() << llvm::format(
        "%s over %zu runs: min %.4f ms, median %.4f ms, mean %.4f ms, "
        "p90 %.4f ms\n",
        what, values.size(), values.front(), values[values.size() / 2], mean,
        values[std::min(values.size() - 1, values.size() * 9 / 10)]);
  };
  printStats("latency", millis);
  // The GPU kernels alone (CUDA events), without the input/output copies.
  if (!kernelMillis.empty())
    printStats("kernels (CUDA events)", kernelMillis);
  printProfile(model, millis.size());

  for (size_t i = 0; i < outputs.size(); ++i) {
    const char *name;
    effai_output_info(model, i, &name, nullptr);
    printValues(name, outputs[i]);
    if (outputDir.empty())
      continue;
    if (std::error_code ec = llvm::sys::fs::create_directories(outputDir))
      return fail("cannot create '" + outputDir + "': " + ec.message());
    SmallString<256> path(outputDir);
    llvm::sys::path::append(path, toFileName(name) + ".npy");
    if (!npy::writeNpy(std::string(path), outputs[i], error))
      return fail(error);
  }
  return 0;
}
