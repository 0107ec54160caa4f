//===- TilingReport.cpp - what the tiling model decided, per layer -*- C++ -*-//
//
// Reads #effai.tiling and CostModelOpInterface off the IR after
// effai-select-tiling; writes nothing back.
//
//===----------------------------------------------------------------------===//

#include "effai/Target/CPU/TilingReport.h"

#include "effai/Dialect/Effai/IR/EffaiAttrs.h"
#include "effai/Dialect/Effai/IR/LinalgCostModel.h"
#include "effai/Target/TargetDescription.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "llvm/ADT/StringMap.h"

using namespace mlir;
using namespace mlir::effai;

namespace {

std::string printType(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  if (auto shaped = dyn_cast<ShapedType>(type)) {
    for (int64_t dim : shaped.getShape())
      os << dim << "x";
    os << shaped.getElementType();
  } else {
    os << type;
  }
  return text;
}

StringRef getArithmeticName(Arithmetic arithmetic) {
  switch (arithmetic) {
  case Arithmetic::FP32:
    return "fp32";
  case Arithmetic::BF16:
    return "bf16";
  case Arithmetic::Int8:
    return "int8";
  case Arithmetic::Int32:
    return "int32";
  }
  return "fp32";
}

} // namespace

llvm::json::Object mlir::effai::buildTilingReport(ModuleOp module) {
  llvm::json::Object report;
  auto target = TargetAttr::lookup(module);
  if (target) {
    llvm::Expected<llvm::json::Value> machine =
        llvm::json::parse(printTargetJSON(target));
    if (machine)
      report["machine"] = std::move(*machine);
    else
      llvm::consumeError(machine.takeError());
  }
  // Layers in program order; ops of one layer together.
  llvm::StringMap<size_t> indexOf;
  std::vector<std::string> order;
  std::vector<llvm::json::Array> opsOf;
  std::vector<llvm::json::Object> totals;
  std::vector<std::string> fusedInto;
  module.walk([&](linalg::LinalgOp op) {
    auto tiling = op->getAttrOfType<TilingAttr>(TilingAttr::getAttrName());
    if (!tiling)
      return;
    FailureOr<OpCost> cost = getLinalgCost(op);
    if (failed(cost))
      return;
    std::string layer = getLayerName(op.getLoc());
    if (layer.empty())
      layer = op->getName().getStringRef().str();
    auto [entry, inserted] = indexOf.try_emplace(layer, order.size());
    if (inserted) {
      order.push_back(layer);
      opsOf.emplace_back();
      totals.emplace_back();
    }
    llvm::json::Array shapes;
    for (Value operand : op->getOperands())
      shapes.push_back(printType(operand.getType()));
    llvm::json::Object record{
        {"op", op->getName().getStringRef()},
        {"kernel", tiling.getKernel()},
        {"shapes", std::move(shapes)},
        {"arithmetic", getArithmeticName(cost->arithmetic)},
        {"macs", cost->macs},
        {"ops", cost->getOps()},
        {"bytes", cost->getBytes()},
        {"intensity", double(tiling.getIntensity())},
        {"bound", tiling.getBound()},
        {"threads", tiling.getThreads()},
        {"predicted_us", double(tiling.getPredictedUs())}};
    if (tiling.getKernel() == "contraction") {
      llvm::json::Array mr;
      for (int64_t r : tiling.getMr())
        mr.push_back(r);
      record["tiles"] = llvm::json::Object{{"mr", std::move(mr)},
                                           {"nr", tiling.getNr()},
                                           {"dot", tiling.getDot()},
                                           {"kc", tiling.getKc()},
                                           {"mc", tiling.getMc()},
                                           {"nc", tiling.getNc()},
                                           {"lanes", tiling.getLanes()},
                                           {"pack_a", tiling.getPackA()},
                                           {"pack_b", tiling.getPackB()},
                                           {"b_bits", tiling.getBBits()},
                                           {"parallel", tiling.getParallel()},
                                           {"epilogue", tiling.getEpilogue()}};
    }
    // The (cache-aware) roofline time: the work at the arithmetic's peak on
    // the threads used, or the compulsory bytes at the bandwidth of the
    // smallest memory level that holds them all.
    double rooflineUs = 0;
    if (target) {
      int64_t threads = tiling.getThreads();
      double peak = target.getPeakGops(cost->arithmetic) * threads;
      MemoryLevelAttr home = target.getMainMemory();
      for (MemoryLevelAttr level :
           target.getMemory().getAsRange<MemoryLevelAttr>()) {
        if (level.getSize() >= cost->getBytes()) {
          home = level;
          break;
        }
      }
      double bandwidth = std::min<double>(home.getBandwidth() * threads,
                                          home.getSharedBandwidth());
      rooflineUs = std::max(cost->getOps() / (peak * 1e3),
                            cost->getBytes() / (bandwidth * 1e3));
    }
    record["roofline_us"] = rooflineUs;
    llvm::json::Object &total = totals[entry->second];
    auto add = [&](StringRef key, double value) {
      double sum = total.getNumber(key).value_or(0.0);
      total[key] = sum + value;
    };
    add("macs", cost->macs);
    add("ops", cost->getOps());
    add("bytes", cost->getBytes());
    add("predicted_us", tiling.getPredictedUs());
    add("roofline_us", rooflineUs);
    // The layer's bound is that of its most expensive op.
    if (tiling.getPredictedUs() > total.getNumber("max_us").value_or(-1.0)) {
      total["max_us"] = double(tiling.getPredictedUs());
      total["bound"] = tiling.getBound();
      total["kernel"] = tiling.getKernel();
    }
    opsOf[entry->second].push_back(std::move(record));
  });

  llvm::json::Array layers;
  double predicted = 0, roofline = 0;
  for (size_t i = 0; i < order.size(); ++i) {
    llvm::json::Object layer = std::move(totals[i]);
    layer.erase("max_us");
    double ops = layer.getNumber("ops").value_or(0.0);
    double bytes = layer.getNumber("bytes").value_or(0.0);
    layer["name"] = order[i];
    layer["intensity"] = bytes > 0 ? ops / bytes : 0.0;
    layer["ops_detail"] = std::move(opsOf[i]);
    predicted += layer.getNumber("predicted_us").value_or(0.0);
    roofline += layer.getNumber("roofline_us").value_or(0.0);
    layers.push_back(std::move(layer));
  }
  report["layers"] = std::move(layers);
  report["predicted_us"] = predicted;
  report["roofline_us"] = roofline;
  return report;
}

void mlir::effai::addMeasuredTimes(llvm::json::Object &report,
                                   const std::map<std::string, double> &seconds,
                                   int runs) {
  llvm::json::Array *layers = report.getArray("layers");
  if (!layers || runs <= 0)
    return;
  double measured = 0;
  std::map<std::string, double> unmatched = seconds;
  for (llvm::json::Value &value : *layers) {
    llvm::json::Object *layer = value.getAsObject();
    std::optional<StringRef> name = layer->getString("name");
    auto it = name ? seconds.find(name->str()) : seconds.end();
    if (it == seconds.end())
      continue;
    double us = it->second * 1e6 / runs;
    unmatched.erase(it->first);
    measured += us;
    (*layer)["measured_us"] = us;
    double rooflineUs = layer->getNumber("roofline_us").value_or(0.0);
    (*layer)["roofline_pct"] = us > 0 ? 100.0 * rooflineUs / us : 0.0;
  }
  // Time in ops the policy did not tile (copies, pads) counts as its own
  // layer entries without a prediction.
  for (auto &[name, s] : unmatched) {
    double us = s * 1e6 / runs;
    measured += us;
    layers->push_back(llvm::json::Object{{"name", name},
                                         {"measured_us", us},
                                         {"kernel", "untiled"}});
  }
  report["measured_us"] = measured;
  report["runs"] = runs;
}
