//===- Report.cpp - the per-PE report of an FPGA accelerator ----*- C++ -*-===//

#include "effai/Target/FPGA/Report.h"

#include "effai/Target/FPGA/Estimator.h"
#include "effai/Utils/LayerName.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::effai;
using namespace mlir::effai::fpga;

namespace {

std::string describeStream(StreamType stream) {
  std::string text;
  for (auto [i, d] : llvm::enumerate(stream.getShape()))
    text += (i ? "x" : "") + std::to_string(d);
  IntegerType elt = stream.getElementType();
  return text + " " + (elt.isUnsigned() ? "u" : "i") +
         std::to_string(elt.getWidth());
}

} // namespace

llvm::json::Object mlir::effai::describeResources(const Resources &r) {
  return llvm::json::Object{{"dsp", int64_t(std::ceil(r.dsp))},
                            {"lut", int64_t(std::ceil(r.lut))},
                            {"ff", int64_t(std::ceil(r.ff))},
                            {"bram", int64_t(std::ceil(r.bram))},
                            {"uram", int64_t(std::ceil(r.uram))}};
}

std::string mlir::effai::fpga::getPEName(Operation *pe, int64_t index) {
  std::string name = getLayerName(pe->getLoc());
  if (name.empty())
    name = pe->getName().stripDialect().str() + std::to_string(index);
  return name;
}

namespace {

llvm::json::Object describePE(Operation *op, int64_t index,
                              const PEEstimate &estimate, FPGAAttr part) {
  LayerProfile profile = profileLayer(op);
  auto fold = op->getAttrOfType<FoldAttr>("fold");
  if (!fold)
    fold = getDefaultFold(op, profile, part);
  std::string kind = op->getName().stripDialect().str();
  llvm::json::Object pe{
      {"name", getPEName(op, index)},
      {"op", kind},
      {"input", describeStream(cast<StreamType>(op->getOperand(0).getType()))},
      {"output", describeStream(cast<StreamType>(op->getResult(0).getType()))},
      {"input_bits", profile.inputBits},
      {"output_bits", profile.outputBits},
      {"arithmetic", fold.getArithmetic()},
      {"pe", fold.getPe()},
      {"simd", fold.getSimd()},
      {"fifo_depth", fold.getFifoDepth()},
      {"cycles", estimate.cycles},
      {"resources", describeResources(estimate.resources)}};
  if (profile.hasProducts()) {
    pe["weight_bits"] = profile.weightBits;
    pe["acc_bits"] = fold.getAccBits();
    pe["storage"] = fold.getStorage();
    pe["skip_zeros"] = fold.getSkipZeros();
    pe["weights"] = profile.outChannels * profile.reduction;
    pe["kept_weights"] = profile.getKeptWeights();
    pe["macs"] = estimate.macs;
    pe["weight_storage_bits"] = estimate.weightBits;
  }
  return pe;
}

double percent(double used, int64_t available) {
  return available > 0 ? 100.0 * used / double(available) : 0.0;
}

/// "est/syn" for one resource, with the estimate's error when it has one.
std::string compare(const llvm::json::Object *estimate,
                    const llvm::json::Object *synthesized, StringRef key) {
  int64_t e = estimate ? estimate->getInteger(key).value_or(0) : 0;
  int64_t m = synthesized ? synthesized->getInteger(key).value_or(0) : 0;
  std::string text = std::to_string(e) + "/" + std::to_string(m);
  if (m > 0 && e != m) {
    long error = std::lround(100.0 * (e - m) / m);
    text +=
        " (" + std::string(error > 0 ? "+" : "") + std::to_string(error) + "%)";
  }
  return text;
}

/// Each PE's estimated resources next to yosys's primitives.
void formatSynthesized(raw_ostream &os, const llvm::json::Object &acc,
                       StringRef command, size_t width) {
  os << "\nestimated/synthesized (yosys " << command << "):\n"
     << llvm::left_justify("layer", width)
     << llvm::formatv(" {0,-10} {1,-20} {2,-20} {3,-10}\n", "dsp", "lut", "ff",
                      "bram");
  auto row = [&](StringRef name, const llvm::json::Object *estimate,
                 const llvm::json::Object *synthesized) {
    os << llvm::left_justify(name, width)
       << llvm::formatv(" {0,-10} {1,-20} {2,-20} {3,-10}\n",
                        compare(estimate, synthesized, "dsp"),
                        compare(estimate, synthesized, "lut"),
                        compare(estimate, synthesized, "ff"),
                        compare(estimate, synthesized, "bram"));
  };
  for (const llvm::json::Value &peValue : *acc.getArray("pes")) {
    const llvm::json::Object *pe = peValue.getAsObject();
    row(pe->getString("name").value_or(""), pe->getObject("resources"),
        pe->getObject("synthesized"));
  }
  row("total", acc.getObject("total"), acc.getObject("synthesized_total"));
}

} // namespace

FailureOr<llvm::json::Object> mlir::effai::buildFPGAReport(ModuleOp module) {
  auto target = module->getAttrOfType<TargetAttr>(TargetAttr::getAttrName());
  if (!target || !target.getFpga())
    return module.emitError("the FPGA report needs an FPGA effai.target "
                            "(effai-set-target{target=xczu9eg})");
  FPGAAttr part = target.getFpga();
  double clockHz = double(target.getClockGhz()) * 1e9;
  llvm::json::Array accelerators;
  for (AcceleratorOp accelerator : module.getOps<AcceleratorOp>()) {
    AcceleratorEstimate estimate = estimateAccelerator(accelerator, part);
    llvm::json::Array pes;
    for (auto [index, entry] : llvm::enumerate(estimate.pes))
      pes.push_back(describePE(entry.first, index, entry.second, part));
    const Resources &total = estimate.total;
    accelerators.push_back(llvm::json::Object{
        {"name", accelerator.getSymName()},
        {"pes", std::move(pes)},
        {"total", describeResources(total)},
        {"utilization_pct",
         llvm::json::Object{{"dsp", percent(total.dsp, part.getDsp())},
                            {"lut", percent(total.lut, part.getLut())},
                            {"ff", percent(total.ff, part.getFf())},
                            {"bram", percent(total.bram, part.getBram())},
                            {"uram", percent(total.uram, part.getUram())}}},
        {"interval_cycles", estimate.interval},
        {"latency_cycles", estimate.latency},
        {"frames_per_second", clockHz / double(estimate.interval)},
        {"latency_us", 1e6 * double(estimate.latency) / clockHz}});
  }
  return llvm::json::Object{
      {"target", target.getName()},
      {"part", part.getPart()},
      {"clock_mhz", clockHz / 1e6},
      {"budget", llvm::json::Object{{"dsp", part.getDsp()},
                                    {"lut", part.getLut()},
                                    {"ff", part.getFf()},
                                    {"bram", part.getBram()},
                                    {"uram", part.getUram()}}},
      {"accelerators", std::move(accelerators)}};
}

std::string mlir::effai::formatFPGAReport(const llvm::json::Object &report) {
  std::string text;
  llvm::raw_string_ostream os(text);
  auto str = [](const llvm::json::Object *o, StringRef key) {
    std::optional<StringRef> v = o->getString(key);
    return v ? v->str() : std::string("-");
  };
  auto num = [](const llvm::json::Object *o, StringRef key) {
    std::optional<int64_t> v = o->getInteger(key);
    return v ? std::to_string(*v) : std::string("-");
  };
  os << "FPGA report: " << str(&report, "part") << " ("
     << str(&report, "target") << ") at "
     << llvm::format("%.0f", report.getNumber("clock_mhz").value_or(0))
     << " MHz\n";
  for (const llvm::json::Value &value : *report.getArray("accelerators")) {
    const llvm::json::Object *acc = value.getAsObject();
    os << "\naccelerator @" << str(acc, "name") << "\n";
    // The layer column as wide as the longest name (ONNX node names).
    size_t width = 14;
    for (const llvm::json::Value &peValue : *acc->getArray("pes"))
      width = std::max(width, str(peValue.getAsObject(), "name").size());
    os << llvm::left_justify("layer", width)
       << llvm::formatv(" {1,-8} {2,-11} {3,-11} {4,4} {5,4} {6,-10} "
                        "{7,4} {8,4} {9,-9} {10,9} {11,5} {12,7} {13,7} {14,5} "
                        "{15,4}\n",
                        "", "op", "input", "output", "w", "acc", "arith", "pe",
                        "simd", "storage", "cycles", "dsp", "lut", "ff", "bram",
                        "uram");
    for (const llvm::json::Value &peValue : *acc->getArray("pes")) {
      const llvm::json::Object *pe = peValue.getAsObject();
      const llvm::json::Object *r = pe->getObject("resources");
      std::string storage = str(pe, "storage");
      if (pe->getBoolean("skip_zeros").value_or(false))
        storage += "/sparse";
      os << llvm::left_justify(str(pe, "name"), width)
         << llvm::formatv(
                " {1,-8} {2,-11} {3,-11} {4,4} {5,4} {6,-10} {7,4} {8,4} "
                "{9,-9} {10,9} {11,5} {12,7} {13,7} {14,5} {15,4}\n",
                "", str(pe, "op"), str(pe, "input"), str(pe, "output"),
                num(pe, "weight_bits"), num(pe, "acc_bits"),
                str(pe, "arithmetic"), num(pe, "pe"), num(pe, "simd"), storage,
                num(pe, "cycles"), num(r, "dsp"), num(r, "lut"), num(r, "ff"),
                num(r, "bram"), num(r, "uram"));
    }
    const llvm::json::Object *total = acc->getObject("total");
    const llvm::json::Object *budget = report.getObject("budget");
    const llvm::json::Object *pct = acc->getObject("utilization_pct");
    os << "total:";
    for (StringRef key : {"dsp", "lut", "ff", "bram", "uram"})
      os << " " << key << " " << num(total, key) << "/" << num(budget, key)
         << llvm::format(" (%.1f%%)", pct->getNumber(key).value_or(0));
    os << "\n"
       << llvm::format(
              "interval %lld cycles: %.0f frames/s; latency %lld "
              "cycles (%.2f us)\n",
              (long long)acc->getInteger("interval_cycles").value_or(0),
              acc->getNumber("frames_per_second").value_or(0),
              (long long)acc->getInteger("latency_cycles").value_or(0),
              acc->getNumber("latency_us").value_or(0));
    if (acc->getObject("synthesized_total"))
      formatSynthesized(os, *acc, str(report.getObject("synthesis"), "command"),
                        width);
  }
  if (const llvm::json::Object *placed = report.getObject("place_and_route"))
    os << llvm::formatv(
        "\nplace and route ({0}, {1} {2}): Fmax {3:F1} MHz (target {4:F1}); "
        "{5} logic cells, {6} RAM, {7} DSP, {8} I/O; bitstream {9} bytes\n",
        str(placed, "tool"), str(placed, "device"), str(placed, "package"),
        placed->getNumber("fmax_mhz").value_or(0),
        placed->getNumber("target_mhz").value_or(0), num(placed, "logic_cells"),
        num(placed, "ram"), num(placed, "dsp"), num(placed, "io"),
        num(placed, "bitstream_bytes"));
  return text;
}
