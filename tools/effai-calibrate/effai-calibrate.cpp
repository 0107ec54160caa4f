//===- effai-calibrate.cpp - record activation ranges from samples -*- C++ -*-//
//
//   effai-calibrate model.onnx --input-shape input=128x1x8x8 \
//       --calibration samples.npy [--calibration more.npy] \
//       [--method minmax|percentile|entropy] [--percentile 99.99] \
//       [--input-grams] [-o calibrated.mlir]
//   effai-opt calibrated.mlir --effai-quantize="activations=int8"
//
// Observes the inputs of the compressible ops on the calibration samples
// and writes the model back with their ranges recorded
// (`effai.input_range`), which effai-quantize{activations=int8} reads: the
// command-line twin of effai.calibrate. With --input-grams it also records
// each linear and conv2d input's Gram matrix (`effai.input_gram`, as
// effai.record_input_grams does), from which the weight quantizers round
// with GPTQ error feedback. The observing model is compiled
// with effai-expose-activations and run through libeffai_runtime.
//
// A calibration file holds input tensors of the model's input shape: one,
// a stack of them ([S, shape...]), or several batches concatenated along
// the batch dimension. Models with one input.
//
//===----------------------------------------------------------------------===//

#include "Npy.h"

#include "effai/Calibration/RangeEstimation.h"
#include "effai/Driver/Driver.h"
#include "effai/Transforms/InputGram.h"
#include "effai/Transforms/Passes.h"
#include "effai/runtime.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallVectorExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace mlir;
using npy::NpyArray;

namespace {

llvm::cl::opt<std::string>
    modelPath(llvm::cl::Positional, llvm::cl::desc("<model.onnx | model.mlir>"),
              llvm::cl::Required);
llvm::cl::opt<std::string> outputPath("o",
                                      llvm::cl::desc("Output .mlir (default: "
                                                     "stdout)"),
                                      llvm::cl::init("-"));
llvm::cl::list<std::string> calibrationFiles(
    "calibration",
    llvm::cl::desc("Calibration inputs as .npy: tensors of the model's "
                   "input shape, stacked [S, shape...] or concatenated "
                   "along the batch dimension (repeatable)"),
    llvm::cl::OneOrMore);
llvm::cl::opt<std::string>
    method("method", llvm::cl::desc("minmax | percentile | entropy"),
           llvm::cl::init("minmax"));
llvm::cl::opt<double>
    percentile("percentile",
               llvm::cl::desc("Upper percentile for --method=percentile"),
               llvm::cl::init(99.99));

llvm::cl::opt<bool> inputGrams(
    "input-grams",
    llvm::cl::desc("Also record each linear and conv2d input's Gram matrix "
                   "(effai.input_gram) for the quantizers' error feedback"),
    llvm::cl::init(false));

int fail(const std::string &message) {
  llvm::errs() << "effai-calibrate: error: " << message << "\n";
  return 1;
}

std::string describeShape(ArrayRef<int64_t> shape) {
  std::string text = "[";
  for (auto [i, d] : llvm::enumerate(shape))
    text += (i ? ", " : "") + std::to_string(d);
  return text + "]";
}

/// The samples in `array` for an input of `shape`: the whole array, its
/// slices along a leading stack dimension, or its chunks of shape[0] along
/// the batch dimension.
bool splitSamples(const NpyArray &array, const std::string &file,
                  ArrayRef<int64_t> shape, std::vector<NpyArray> &samples,
                  std::string &error) {
  if (array.dtype != EFFAI_FLOAT) {
    error = file + ": calibration data must be float32, got " +
            effai_dtype_name(array.dtype);
    return false;
  }
  ArrayRef<int64_t> got = array.shape;
  bool stacked = got.size() == shape.size() + 1 && got.drop_front() == shape;
  bool batches = !shape.empty() && got.size() == shape.size() &&
                 got.drop_front() == shape.drop_front() && shape[0] > 0 &&
                 got[0] % shape[0] == 0;
  if (!stacked && !batches) {
    error = file + ": shape " + describeShape(got) +
            " is not the model input's " + describeShape(shape) +
            ", a stack of them, nor whole batches of it";
    return false;
  }
  size_t count = stacked ? got.front() : got[0] / shape[0];
  size_t bytes = array.data.size() / std::max<size_t>(count, 1);
  for (size_t s = 0; s < count; ++s) {
    NpyArray sample;
    sample.dtype = EFFAI_FLOAT;
    sample.shape.assign(shape.begin(), shape.end());
    sample.data.assign(array.data.begin() + s * bytes,
                       array.data.begin() + (s + 1) * bytes);
    samples.push_back(std::move(sample));
  }
  return true;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  effai::registerCompileCommandLineOptions();
  llvm::cl::ParseCommandLineOptions(
      argc, argv, "effai: record activation ranges from calibration data\n");

  std::optional<effai::RangeMethod> rangeMethod =
      effai::parseRangeMethod(method);
  if (!rangeMethod)
    return fail("unknown --method '" + method +
                "' (expected minmax, percentile or entropy)");
  if (!(percentile > 50.0 && percentile <= 100.0))
    return fail("--percentile must be in (50, 100], got " +
                std::to_string(percentile));
  effai::OnnxImportOptions importOptions;
  std::string error;
  if (!effai::getImportOptionsFromCommandLine(importOptions, error))
    return fail(error);
  effai::DriverContext driver;
  OwningOpRef<ModuleOp> module = driver.loadModelFile(modelPath, importOptions);
  if (!module)
    return 1;

  // The observing model: the same one with the activations as outputs.
  OwningOpRef<ModuleOp> observer = module->clone();
  PassManager pm(&driver.getContext());
  pm.addPass(effai::createExposeActivations());
  if (failed(pm.run(*observer)))
    return 1;
  SmallString<128> artifact;
  if (std::error_code ec =
          llvm::sys::fs::createTemporaryFile("effai-calibrate", "so", artifact))
    return fail("cannot create a temporary file: " + ec.message());
  llvm::scope_exit removeArtifact([&] { llvm::sys::fs::remove(artifact); });
  if (failed(effai::compileToSharedObject(
          *observer, effai::getCPUCompileOptionsFromCommandLine(),
          std::string(artifact), error)))
    return fail(error);
  effai_model *model = nullptr;
  if (effai_load(artifact.c_str(), &model) != EFFAI_OK)
    return fail(effai_last_error());
  llvm::scope_exit unload([&] { effai_unload(model); });
  if (effai_num_inputs(model) != 1)
    return fail("models with " + std::to_string(effai_num_inputs(model)) +
                " inputs: calibrate them from Python (effai.calibrate)");

  effai_tensor inputInfo;
  effai_input_info(model, 0, nullptr, &inputInfo);
  std::vector<int64_t> inputShape(inputInfo.shape,
                                  inputInfo.shape + inputInfo.rank);
  std::vector<NpyArray> samples;
  for (const std::string &file : calibrationFiles) {
    NpyArray array;
    if (!npy::readNpy(file, array, error) ||
        !splitSamples(array, file, inputShape, samples, error))
      return fail(error);
  }

  // Run every sample; keep the exposed activations' values.
  std::vector<NpyArray> outputs = npy::allocateOutputs(model);
  size_t numOutputs = outputs.size();
  std::vector<effai_tensor> outputViews;
  std::vector<size_t> observed;
  for (size_t i = 0; i < numOutputs; ++i) {
    outputViews.push_back(npy::viewOf(outputs[i]));
    const char *name;
    effai_output_info(model, i, &name, nullptr);
    if (StringRef(name).starts_with("effai.activation.") &&
        outputs[i].dtype == EFFAI_FLOAT)
      observed.push_back(i);
  }
  std::vector<std::vector<float>> seen(observed.size());
  for (NpyArray &sample : samples) {
    effai_tensor input = npy::viewOf(sample);
    if (effai_run(model, &input, 1, outputViews.data(), numOutputs) != EFFAI_OK)
      return fail(effai_last_error());
    for (auto [slot, index] : llvm::enumerate(observed)) {
      const NpyArray &values = outputs[index];
      size_t count = values.data.size() / sizeof(float);
      size_t at = seen[slot].size();
      seen[slot].resize(at + count);
      std::memcpy(seen[slot].data() + at, values.data.data(),
                  count * sizeof(float));
    }
  }

  if (inputGrams &&
      failed(effai::recordInputGrams(
          effai::getCompressibleOps(*module),
          llvm::map_to_vector(seen,
                              [](const std::vector<float> &values) {
                                return ArrayRef<float>(values);
                              }),
          error)))
    return fail(error);

  effai::SetInputRangesOptions ranges;
  for (std::vector<float> &values : seen) {
    auto [lo, hi] = effai::estimateRange(values, *rangeMethod, percentile);
    ranges.ranges.append({lo, hi});
  }
  PassManager record(&driver.getContext());
  record.addPass(effai::createSetInputRanges(ranges));
  if (failed(record.run(*module)))
    return 1;

  std::error_code ec;
  llvm::ToolOutputFile out(outputPath, ec, llvm::sys::fs::OF_None);
  if (ec)
    return fail("cannot write '" + outputPath + "': " + ec.message());
  module->print(out.os());
  out.keep();
  llvm::errs() << "effai-calibrate: " << observed.size() << " activation"
               << (observed.size() == 1 ? "" : "s") << " observed on "
               << samples.size() << " sample"
               << (samples.size() == 1 ? "" : "s") << " (" << method << ")\n";
  return 0;
}
