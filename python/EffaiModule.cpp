//===- EffaiModule.cpp - pybind11 bindings of the effai C++ API -*- C++ -*-===//
//
// The `effai._effai` extension: one MLIR context with every effai and
// upstream dialect and pass registered, ONNX import, parsing, printing,
// verification and pass pipelines. Calls never raise from C++: they return a
// result plus the diagnostics they produced, and the pure-Python package
// turns failures into effai.CompileError.
//
//===----------------------------------------------------------------------===//

#include "effai/Calibration/RangeEstimation.h"
#include "effai/Dialect/Effai/IR/EffaiOps.h"
#include "effai/Driver/Driver.h"
#include "effai/Import/ONNX/ONNXImporter.h"
#include "effai/InitAll.h"
#include "effai/Target/CPU/SharedObject.h"
#include "effai/Target/CPU/TilingReport.h"
#include "effai/Target/FPGA/Report.h"
#include "effai/Transforms/InputGram.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>

namespace py = pybind11;
using namespace mlir;

namespace {
/// `value` as indented JSON text.
std::string formatJson(llvm::json::Object value) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(value)));
  return text;
}

/// (severity, location, message) of one diagnostic.
using DiagnosticRecord = std::tuple<std::string, std::string, std::string>;

/// The process-wide context; passes register once with the global registry.
MLIRContext &getContext() {
  static MLIRContext *context = [] {
    DialectRegistry registry;
    effai::registerAllDialects(registry);
    effai::registerOnnxImportDialects(registry);
    effai::registerAllPasses();
    auto *ctx = new MLIRContext(registry);
    ctx->loadAllAvailableDialects();
    return ctx;
  }();
  return *context;
}

/// Collects the diagnostics emitted while it lives.
class DiagnosticCollector {
public:
  DiagnosticCollector()
      : handler(&getContext(), [this](Diagnostic &diag) {
          std::string location;
          llvm::raw_string_ostream os(location);
          diag.getLocation().print(os);
          const char *severity = "error";
          if (diag.getSeverity() == DiagnosticSeverity::Warning)
            severity = "warning";
          else if (diag.getSeverity() == DiagnosticSeverity::Note)
            severity = "note";
          else if (diag.getSeverity() == DiagnosticSeverity::Remark)
            severity = "remark";
          records.emplace_back(severity, location, diag.str());
          for (Diagnostic &note : diag.getNotes())
            records.emplace_back("note", location, note.str());
          return success();
        }) {}
  std::vector<DiagnosticRecord> records;

private:
  ScopedDiagnosticHandler handler;
};

/// A module owned by Python.
class PyModule {
public:
  explicit PyModule(OwningOpRef<ModuleOp> module) : module(std::move(module)) {}

  /// The textual IR; with `debugInfo`, with the locations (ONNX node
  /// names) that layer reports and profiles are named after.
  std::string str(bool debugInfo = false) const {
    std::string text;
    llvm::raw_string_ostream os(text);
    ModuleOp op = module.get();
    op.print(os, OpPrintingFlags().enableDebugInfo(debugInfo));
    return text;
  }

  std::vector<DiagnosticRecord> verify() const {
    DiagnosticCollector collector;
    (void)mlir::verify(module.get());
    return collector.records;
  }

  /// Runs `pipeline` in place: effai-opt's `--pass-pipeline` syntax
  /// ("builtin.module(canonicalize)") or its bare form ("canonicalize,cse").
  std::pair<bool, std::vector<DiagnosticRecord>>
  runPipeline(const std::string &pipeline) {
    DiagnosticCollector collector;
    StringRef text = StringRef(pipeline).trim();
    if (text.consume_front("builtin.module(") && !text.consume_back(")"))
      text = pipeline; // Unbalanced: let the parser report it.
    PassManager pm(&getContext(), ModuleOp::getOperationName());
    std::string error;
    llvm::raw_string_ostream errorStream(error);
    if (failed(parsePassPipeline(text, pm, errorStream))) {
      collector.records.emplace_back("error", "pipeline",
                                     "invalid pass pipeline '" + pipeline +
                                         "': " + error);
      return {false, collector.records};
    }
    return {succeeded(pm.run(module.get())), collector.records};
  }

  /// Bytes of every packed weight payload (values at their storage width
  /// plus indices), what a compressed model stores.
  int64_t weightPayloadBytes() const {
    int64_t bytes = 0;
    module.get().walk([&](effai::PackOp pack) {
      bytes +=
          cast<effai::WeightType>(pack.getResult().getType()).getPayloadBytes();
    });
    return bytes;
  }

  /// Records `effai.input_gram` on each compressible op (walk order) that
  /// has one, from `inputs[i]`: the values op i's input took, whole inputs
  /// concatenated. Returns how many ops got one.
  int64_t recordInputGrams(
      const std::vector<py::array_t<float, py::array::c_style |
                                               py::array::forcecast>> &inputs) {
    SmallVector<ArrayRef<float>> views;
    for (const auto &values : inputs)
      views.emplace_back(values.data(), values.size());
    std::string error;
    FailureOr<int64_t> recorded;
    {
      py::gil_scoped_release release;
      recorded = effai::recordInputGrams(
          effai::getCompressibleOps(module.get()), views, error);
    }
    if (failed(recorded))
      throw py::value_error(error);
    return *recorded;
  }

  /// Compiles a copy of the module (this one is left as it is) to a shared
  /// object for the runtime. Returns (ok, error message, diagnostics).
  std::tuple<bool, std::string, std::vector<DiagnosticRecord>, std::string>
  compileToSharedObject(const std::string &path, const std::string &machine,
                        const std::string &cpu, unsigned optLevel,
                        bool parallel, bool profile,
                        const std::string &emulateGPU, bool kernels,
                        const std::string &gpu,
                        const std::string &gpuBinary) const {
    DiagnosticCollector collector;
    OwningOpRef<ModuleOp> copy(module.get().clone());
    effai::CPUCompileOptions options;
    options.machine = machine;
    options.cpu = cpu;
    options.optLevel = optLevel;
    options.parallel = parallel;
    options.profile = profile;
    options.emulateGPU = emulateGPU;
    options.kernels = kernels;
    options.gpu = gpu;
    options.gpuBinary = gpuBinary;
    // The tiling report (JSON) comes back with the artifact.
    std::string report;
    options.afterTiling = [&](ModuleOp tiled) {
      report = formatJson(effai::buildTilingReport(tiled));
    };
    std::string error;
    bool ok;
    {
      py::gil_scoped_release release;
      ok = succeeded(
          effai::compileToSharedObject(copy.get(), options, path, error));
    }
    return {ok, error, collector.records, report};
  }

  /// Compiles a copy of the module for an FPGA `part`: `output` "hls" or
  /// "verilog" writes that project into the directory `path`, "csim" or
  /// "rtl" that simulation's artifact there. Returns (ok, error message,
  /// diagnostics).
  std::tuple<bool, std::string, std::vector<DiagnosticRecord>>
  compileForFPGA(const std::string &path, const std::string &part,
                 double utilization, const std::string &output,
                 int64_t batch) const {
    DiagnosticCollector collector;
    OwningOpRef<ModuleOp> copy(module.get().clone());
    effai::FPGACompileOptions options;
    options.part = part;
    options.utilization = utilization;
    options.output = output == "csim"        ? effai::FPGAOutput::CSim
                     : output == "rtl"       ? effai::FPGAOutput::RTL
                     : output == "verilog"   ? effai::FPGAOutput::Verilog
                     : output == "synth"     ? effai::FPGAOutput::Synthesis
                     : output == "bitstream" ? effai::FPGAOutput::Bitstream
                                             : effai::FPGAOutput::HLS;
    options.batch = batch;
    std::string error;
    bool ok;
    {
      py::gil_scoped_release release;
      ok = succeeded(effai::compileForFPGA(copy.get(), options, path, error));
    }
    return {ok, error, collector.records};
  }

  /// The FPGA report (JSON) of a copy of the module folded for `part`, or
  /// "" with the diagnostics and error saying why.
  std::tuple<std::string, std::string, std::vector<DiagnosticRecord>>
  fpgaReport(const std::string &part, double utilization) const {
    DiagnosticCollector collector;
    OwningOpRef<ModuleOp> copy(module.get().clone());
    effai::FPGACompileOptions options;
    options.part = part;
    options.utilization = utilization;
    std::string error;
    if (failed(effai::lowerForFPGA(copy.get(), options, error)))
      return {"", error, collector.records};
    FailureOr<llvm::json::Object> report = effai::buildFPGAReport(copy.get());
    if (failed(report))
      return {"", "no FPGA report", collector.records};
    return {formatJson(std::move(*report)), "", collector.records};
  }

  OwningOpRef<ModuleOp> module;
};

/// `report` (a tiling report's JSON) with the measured seconds per layer
/// over `runs` runs added.
std::string addMeasuredTimes(const std::string &report,
                             const std::map<std::string, double> &seconds,
                             int runs) {
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(report);
  if (!parsed)
    throw py::value_error("not a tiling report: " +
                          llvm::toString(parsed.takeError()));
  llvm::json::Object *object = parsed->getAsObject();
  if (!object)
    throw py::value_error("not a tiling report: not a JSON object");
  effai::addMeasuredTimes(*object, seconds, runs);
  return formatJson(std::move(*object));
}

using ModuleResult =
    std::pair<std::unique_ptr<PyModule>, std::vector<DiagnosticRecord>>;

ModuleResult parseModule(const std::string &text) {
  DiagnosticCollector collector;
  ParserConfig config(&getContext());
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(text, config, "<string>");
  if (!module)
    return {nullptr, collector.records};
  return {std::make_unique<PyModule>(std::move(module)), collector.records};
}

ModuleResult
importOnnx(const py::bytes &bytes, const std::string &sourceName,
           const std::map<std::string, std::vector<int64_t>> &shapes,
           const std::map<std::string, py::bytes> &constants,
           const std::string &externalDataDir) {
  DiagnosticCollector collector;
  effai::OnnxImportOptions options;
  options.externalDataDir = externalDataDir;
  for (const auto &[name, shape] : shapes)
    options.inputShapes[name] =
        SmallVector<int64_t>(shape.begin(), shape.end());
  for (const auto &[name, tensor] : constants)
    options.constantInputs[name] = std::string(tensor);
  std::string data = bytes;
  OwningOpRef<ModuleOp> module;
  {
    // Importing needs no Python objects: let other threads run.
    py::gil_scoped_release release;
    module = effai::importOnnxModel(&getContext(), data, sourceName, options);
  }
  if (!module)
    return {nullptr, collector.records};
  return {std::make_unique<PyModule>(std::move(module)), collector.records};
}
/// The calibrated range of `values` (any shape, float32) by `method`.
std::pair<double, double> estimateRange(
    py::array_t<float, py::array::c_style | py::array::forcecast> values,
    const std::string &method, double percentile) {
  std::optional<effai::RangeMethod> parsed = effai::parseRangeMethod(method);
  if (!parsed)
    throw py::value_error("method must be 'minmax', 'percentile' or "
                          "'entropy', not '" +
                          method + "'");
  if (values.size() == 0)
    throw py::value_error("no values to estimate a range from");
  std::vector<float> copy(values.data(), values.data() + values.size());
  py::gil_scoped_release release;
  return effai::estimateRange(copy, *parsed, percentile);
}
} // namespace

PYBIND11_MODULE(_effai, m) {
  m.doc() = "Native core of the effai compiler (use the `effai` package).";
  py::class_<PyModule>(m, "Module")
      .def("__str__", [](const PyModule &m) { return m.str(); })
      .def("text", &PyModule::str, py::arg("debug_info"))
      .def("verify", &PyModule::verify)
      .def("run_pipeline", &PyModule::runPipeline)
      .def("weight_payload_bytes", &PyModule::weightPayloadBytes)
      .def("record_input_grams", &PyModule::recordInputGrams, py::arg("inputs"))
      .def("compile_for_fpga", &PyModule::compileForFPGA)
      .def("fpga_report", &PyModule::fpgaReport)
      .def("compile_to_shared_object", &PyModule::compileToSharedObject,
           py::arg("path"), py::arg("machine"), py::arg("cpu"),
           py::arg("opt_level"), py::arg("parallel"), py::arg("profile"),
           py::arg("emulate_gpu"), py::arg("kernels"), py::arg("gpu"),
           py::arg("gpu_binary"));
  m.def("add_measured_times", &addMeasuredTimes, py::arg("report"),
        py::arg("seconds"), py::arg("runs"));
  m.def("parse_module", &parseModule, py::arg("text"));
  m.def(
      "format_fpga_report",
      [](const std::string &report) {
        llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(report);
        if (!parsed || !parsed->getAsObject())
          throw py::value_error("not an FPGA report");
        return effai::formatFPGAReport(*parsed->getAsObject());
      },
      py::arg("report"));
  m.def("import_onnx", &importOnnx, py::arg("data"), py::arg("source_name"),
        py::arg("input_shapes"), py::arg("constants"),
        py::arg("external_data_dir"));
  m.def("onnx_ops", [] {
    std::vector<std::pair<std::string, int64_t>> ops;
    for (const effai::OnnxOpSupport &op : effai::getSupportedOnnxOps())
      ops.emplace_back(op.opType, op.sinceOpset);
    return ops;
  });
  m.def("estimate_range", &estimateRange, py::arg("values"), py::arg("method"),
        py::arg("percentile"));
}
