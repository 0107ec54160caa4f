//===- Hybrid.cpp - per-layer compression choice ----------------*- C++ -*-===//
//
// effai-hybrid picks one compression per weight from the sensitivities
// measured outside the compiler (each layer compressed alone, output error
// on calibration data: effai.hybrid measures them) and the exact sizes it
// computes itself by compressing copies, then applies the choice with the
// compression passes' `layers=` option. The measurements are options, so
// the choice replays from text; it is recorded on the module.
//
//===----------------------------------------------------------------------===//

#include "effai/Dialect/Effai/IR/EffaiOps.h"
#include "effai/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

namespace mlir::effai {
#define GEN_PASS_DEF_HYBRID
#include "effai/Transforms/Passes.h.inc"

namespace {

/// The default candidates, fp32 first.
constexpr StringLiteral kDefaultCandidates[] = {"fp32", "int8", "pow2", "int4",
                                                "2:4+int8"};

/// The quantizing pass (without `layers=`) of a candidate's value format
/// and the bits a stored value takes; failure outside the grammar. Empty
/// for fp32.
FailureOr<std::pair<std::string, unsigned>> getValueStep(StringRef value,
                                                         bool pruned) {
  unsigned bits;
  if (value == "fp32")
    return std::pair<std::string, unsigned>{"", 32};
  if (value == "pow2")
    return std::pair<std::string, unsigned>{
        "effai-shift-quantize{terms=2 bits=4", 8};
  if (value == "pow2x3")
    return std::pair<std::string, unsigned>{
        std::string("effai-shift-quantize{terms=1 bits=3 scale=search") +
            (pruned ? " focused" : ""),
        3};
  if (value.consume_front("int")) {
    bool search = value.consume_back("s");
    if (value.getAsInteger(10, bits) || bits < 2 || bits > 8)
      return failure();
    return std::pair{"effai-quantize{weight-bits=" + std::to_string(bits) +
                         (search ? " scale=search" : ""),
                     bits};
  }
  if (value.consume_front("fq") && !value.getAsInteger(10, bits) && bits >= 3 &&
      bits <= 8)
    return std::pair{"effai-focused-quantize{bits=" + std::to_string(bits) +
                         " scale=search",
                     bits};
  return failure();
}

/// The passes applying candidate `name` (see the pass description) to the
/// weights numbered `layers`: channel removal (empty without a `cNN+`
/// prefix) and then pruning and quantization; failure for a name outside
/// the grammar.
struct CandidateSteps {
  std::string channels;
  std::string values;
};
FailureOr<CandidateSteps> getCandidateSteps(StringRef name, StringRef layers) {
  StringRef value = name;
  std::string layerList = " layers=" + layers.str() + "}";
  // A percentage prefix ("s70+", "c25+"): NN in [1, 99].
  auto consumePercent = [&](char kind, unsigned &percent) {
    if (!value.starts_with(StringRef(&kind, 1)) || !value.contains('+'))
      return success();
    auto [digits, rest] = value.drop_front().split('+');
    if (digits.getAsInteger(10, percent) || percent < 1 || percent > 99)
      return failure();
    value = rest;
    return success();
  };
  auto fraction = [](unsigned percent) {
    return "0." + std::string(percent < 10 ? "0" : "") +
           std::to_string(percent);
  };
  unsigned channels = 0, sparsity = 0;
  if (failed(consumePercent('c', channels)))
    return failure();
  bool nm = value.consume_front("2:4+");
  if (!nm && failed(consumePercent('s', sparsity)))
    return failure();
  FailureOr<std::pair<std::string, unsigned>> valueStep =
      getValueStep(value, nm || sparsity);
  if (failed(valueStep))
    return failure();
  auto [quantize, bits] = *valueStep;
  CandidateSteps result;
  if (channels)
    result.channels =
        "effai-prune{mode=channel sparsity=" + fraction(channels) + layerList;
  SmallVector<std::string> steps;
  if (nm)
    steps.push_back("effai-prune{mode=nm n=2 m=4" + layerList);
  else if (sparsity)
    // Positions are sized for the candidate's values.
    steps.push_back("effai-prune{sparsity=" + fraction(sparsity) +
                    " value-bits=" + std::to_string(bits) + layerList);
  if (!quantize.empty())
    steps.push_back(quantize + layerList);
  result.values = llvm::join(steps, ",");
  return result;
}

/// The pass pipeline applying `choices` (a candidate index per layer):
/// every channel removal first, while the next layers' weights are still
/// dense floats it can slice.
std::string buildPipeline(ArrayRef<std::string> candidates,
                          ArrayRef<size_t> choices) {
  SmallVector<std::string> channelSteps, valueSteps;
  for (size_t c = 0; c < candidates.size(); ++c) {
    SmallVector<std::string> layers;
    for (auto [layer, choice] : llvm::enumerate(choices))
      if (choice == c)
        layers.push_back(std::to_string(layer));
    if (layers.empty())
      continue;
    // Names were checked when the pass started.
    CandidateSteps steps =
        *getCandidateSteps(candidates[c], llvm::join(layers, ","));
    for (auto [step, list] : {std::pair{&steps.channels, &channelSteps},
                              std::pair{&steps.values, &valueSteps}})
      if (!step->empty())
        list->push_back(*step);
  }
  llvm::append_range(channelSteps, valueSteps);
  return llvm::join(channelSteps, ",");
}

/// One point of the bytes / error front: a candidate index per layer.
struct FrontPoint {
  int64_t bytes;
  double error;
  SmallVector<size_t> choices;
};

/// The undominated combinations of per-layer candidates (bytes[l][c],
/// error[l][c]), smallest first: built layer by layer, dropping partial
/// combinations another one beats in both bytes and error (their
/// extensions are beaten too).
std::vector<FrontPoint>
buildParetoFront(ArrayRef<SmallVector<int64_t>> bytes,
                 function_ref<double(size_t layer, size_t c)> error) {
  std::vector<FrontPoint> front{{0, 0.0, {}}};
  for (size_t layer = 0; layer < bytes.size(); ++layer) {
    std::vector<FrontPoint> next;
    for (const FrontPoint &point : front)
      for (size_t c = 0; c < bytes[layer].size(); ++c) {
        FrontPoint grown = point;
        grown.bytes += bytes[layer][c];
        grown.error += error(layer, c);
        grown.choices.push_back(c);
        next.push_back(std::move(grown));
      }
    llvm::stable_sort(next, [](const FrontPoint &a, const FrontPoint &b) {
      return a.bytes != b.bytes ? a.bytes < b.bytes : a.error < b.error;
    });
    front.clear();
    for (FrontPoint &point : next)
      if (front.empty() || point.error < front.back().error)
        front.push_back(std::move(point));
  }
  return front;
}

int64_t getWeightBytes(ModuleOp module) {
  int64_t bytes = 0;
  module.walk([&](PackOp pack) {
    bytes += pack.getResult().getType().getPayloadBytes();
  });
  return bytes;
}

/// The roofline time `target` predicts for the ops that apply weights (one
/// core, µs): what a latency budget limits. The other ops' time does not
/// depend on the choice. Fails (with an error where `diagnose`) on a use
/// of a weight without a static cost.
FailureOr<double> getPredictedWeightOpsUs(ModuleOp module, TargetAttr target,
                                          bool diagnose = true) {
  double us = 0.0;
  WalkResult walk = module.walk([&](PackOp pack) {
    for (Operation *user : pack->getUsers()) {
      auto op = dyn_cast<CostModelOpInterface>(user);
      FailureOr<OpCost> cost = op ? op.getCost() : FailureOr<OpCost>(failure());
      if (failed(cost)) {
        if (diagnose)
          user->emitError("effai-hybrid: no cost model for this use of a "
                          "weight (static shapes needed for max-latency-us)");
        return WalkResult::interrupt();
      }
      us += target.predictRooflineUs(*cost);
    }
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  return us;
}

/// What `chosen` saves in all (`saved[layer][c]` per layer).
double getSaved(ArrayRef<SmallVector<double>> saved, ArrayRef<size_t> chosen) {
  double total = 0.0;
  for (auto [row, c] : llvm::zip_equal(saved, chosen))
    total += row[c];
  return total;
}

/// The greedy budget search: from `chosen`, the step that adds the least
/// error per unit saved (`saved[layer][c]`, bytes or µs, each candidate on
/// its layer alone) is taken until `total` fits in `budget`. Returns false
/// when nothing more can be saved before it fits.
bool saveUntilWithin(ArrayRef<SmallVector<double>> saved, double total,
                     double budget, function_ref<double(size_t, size_t)> error,
                     SmallVectorImpl<size_t> &chosen) {
  while (total > budget) {
    double bestCost = 0.0;
    std::optional<std::pair<size_t, size_t>> best;
    for (size_t layer = 0; layer < saved.size(); ++layer)
      for (size_t c = 0; c < saved[layer].size(); ++c) {
        double extra = saved[layer][c] - saved[layer][chosen[layer]];
        if (extra <= 0)
          continue;
        double cost = (error(layer, c) - error(layer, chosen[layer])) / extra;
        if (!best || cost < bestCost) {
          bestCost = cost;
          best = {layer, c};
        }
      }
    if (!best)
      return false;
    total -= saved[best->first][best->second] -
             saved[best->first][chosen[best->first]];
    chosen[best->first] = best->second;
  }
  return true;
}

struct HybridPass : public impl::HybridBase<HybridPass> {
  using Base::Base;

  /// Runs `pipeline` on this pass's module (a dynamic pipeline) or on a
  /// detached copy of it (a pass manager of its own).
  LogicalResult apply(ModuleOp module, StringRef pipeline) {
    if (pipeline.empty())
      return success();
    if (module == getOperation()) {
      OpPassManager pm(ModuleOp::getOperationName());
      if (failed(parsePassPipeline(pipeline, pm)))
        return failure();
      return runPipeline(pm, module);
    }
    PassManager pm(&getContext());
    if (failed(parsePassPipeline(pipeline, pm)))
      return failure();
    return pm.run(module);
  }

  /// Bytes saved by each candidate on each layer alone (compressed
  /// copies), and with a `target`, the predicted µs saved
  /// (getPredictedWeightOpsUs).
  struct Savings {
    SmallVector<SmallVector<int64_t>> bytes;
    SmallVector<SmallVector<double>> us;
    double fp32Us = 0.0; ///< The prediction for the module as it is.
  };
  FailureOr<Savings> measureSavings(size_t layers, TargetAttr target) {
    ModuleOp module = getOperation();
    int64_t totalBytes = getWeightBytes(module);
    FailureOr<double> totalUs =
        target ? getPredictedWeightOpsUs(module, target) : 0.0;
    if (failed(totalUs))
      return failure();
    Savings saved;
    saved.fp32Us = *totalUs;
    saved.bytes.assign(layers, SmallVector<int64_t>(names.size(), 0));
    saved.us.assign(layers, SmallVector<double>(names.size(), 0.0));
    for (size_t layer = 0; layer < layers; ++layer)
      for (size_t c = 1; c < names.size(); ++c) {
        OwningOpRef<ModuleOp> copy = module.clone();
        SmallVector<size_t> choice(layers, 0);
        choice[layer] = c;
        if (failed(apply(*copy, buildPipeline(names, choice))))
          return failure();
        saved.bytes[layer][c] = totalBytes - getWeightBytes(*copy);
        if (!target)
          continue;
        FailureOr<double> us = getPredictedWeightOpsUs(*copy, target);
        if (failed(us))
          return failure();
        saved.us[layer][c] = *totalUs - *us;
      }
    return saved;
  }

  /// Records the Pareto front of (bytes, summed error) on the module.
  void recordFront(ArrayRef<SmallVector<int64_t>> saved,
                   function_ref<double(size_t, size_t)> error) {
    ModuleOp module = getOperation();
    SmallVector<int64_t> layerBytes;
    module.walk([&](PackOp pack) {
      layerBytes.push_back(pack.getResult().getType().getPayloadBytes());
    });
    SmallVector<SmallVector<int64_t>> bytes;
    for (auto [layer, row] : llvm::enumerate(saved)) {
      bytes.emplace_back();
      for (int64_t s : row)
        bytes.back().push_back(layerBytes[layer] - s);
    }
    SmallVector<Attribute> points;
    for (const FrontPoint &point : buildParetoFront(bytes, error)) {
      SmallVector<StringRef> chosen;
      for (size_t c : point.choices)
        chosen.push_back(names[c]);
      points.push_back(StringAttr::get(
          &getContext(), llvm::formatv("{0} {1:e} {2}", point.bytes,
                                       point.error, llvm::join(chosen, ","))
                             .str()));
    }
    module->setAttr("effai.hybrid_front",
                    ArrayAttr::get(&getContext(), points));
  }

  /// The candidate names in use, checked; false after a diagnostic.
  bool collectCandidates() {
    names.clear();
    if (candidates.empty())
      names.assign(std::begin(kDefaultCandidates),
                   std::end(kDefaultCandidates));
    else
      names.assign(candidates.begin(), candidates.end());
    if (names.front() != "fp32") {
      getOperation().emitError("effai-hybrid: the first candidate must be "
                               "fp32, got '")
          << names.front() << "'";
      return false;
    }
    for (const std::string &name : names)
      if (failed(getCandidateSteps(name, "0"))) {
        getOperation().emitError("effai-hybrid: unknown candidate '")
            << name
            << "' (expected fp32, int2-int8, int2s-int8s, pow2, pow2x3 or "
               "fq3-fq8, optionally after sNN+ or 2:4+, after cNN+)";
        return false;
      }
    return true;
  }

  /// Candidate names in use (fp32 first).
  SmallVector<std::string> names;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    size_t layers = 0;
    module.walk([&](PackOp) { ++layers; });
    bool explicitChoice = !choices.empty();
    bool errorBudget = maxError >= 0.0, sizeBudget = maxBytes >= 0;
    bool latencyBudget = maxLatencyUs >= 0.0;
    if (int(explicitChoice) + int(errorBudget) + int(sizeBudget) +
            int(latencyBudget) + int(front) !=
        1) {
      module.emitError("effai-hybrid: give exactly one of choices, "
                       "max-error, max-bytes, max-latency-us and front");
      return signalPassFailure();
    }
    TargetAttr target = TargetAttr::lookup(module);
    if (latencyBudget && !target) {
      module.emitError("effai-hybrid: max-latency-us needs the module's "
                       "effai.target (run effai-set-target first)");
      return signalPassFailure();
    }
    if (!collectCandidates())
      return signalPassFailure();
    size_t numCandidates = names.size();
    SmallVector<size_t> chosen(layers, 0);
    // Per-layer savings add up to the prediction except where one layer's
    // choice changes another's time (channel removal): check the result.
    bool checkLatency = false;
    if (explicitChoice) {
      if (choices.size() != layers) {
        module.emitError("effai-hybrid: ")
            << choices.size() << " choices for " << layers << " weights";
        return signalPassFailure();
      }
      for (auto [layer, name] : llvm::enumerate(choices)) {
        const std::string *it = llvm::find(names, name);
        if (it == names.end()) {
          // An explicit choice may name any candidate.
          if (!candidates.empty() || failed(getCandidateSteps(name, "0"))) {
            module.emitError("effai-hybrid: unknown choice '")
                << name << "' (expected one of "
                << llvm::join(candidates.empty()
                                  ? SmallVector<std::string>(
                                        std::begin(kDefaultCandidates),
                                        std::end(kDefaultCandidates))
                                  : SmallVector<std::string>(names),
                              ", ")
                << ", or any candidate name)";
            return signalPassFailure();
          }
          names.push_back(name);
          it = names.end() - 1;
        }
        chosen[layer] = it - names.begin();
      }
    } else {
      if (errors.size() != layers * (numCandidates - 1)) {
        module.emitError("effai-hybrid: errors needs ")
            << layers * (numCandidates - 1) << " values ("
            << llvm::join(ArrayRef<std::string>(names).drop_front(), ", ")
            << " per weight), got " << errors.size();
        return signalPassFailure();
      }
      FailureOr<Savings> saved =
          measureSavings(layers, latencyBudget ? target : TargetAttr());
      if (failed(saved))
        return signalPassFailure();
      auto error = [&](size_t layer, size_t c) {
        return c == 0 ? 0.0 : errors[layer * (numCandidates - 1) + c - 1];
      };
      if (front) {
        recordFront(saved->bytes, error);
        return;
      }
      if (errorBudget) {
        // Each layer's share of the budget: its largest saving within it.
        double share = maxError / std::max<size_t>(1, layers);
        for (size_t layer = 0; layer < layers; ++layer)
          for (size_t c = 1; c < numCandidates; ++c)
            if (error(layer, c) <= share &&
                saved->bytes[layer][c] > saved->bytes[layer][chosen[layer]])
              chosen[layer] = c;
      } else if (sizeBudget) {
        // Cheapest added error per byte saved, until the size fits.
        SmallVector<SmallVector<double>> bytes;
        for (ArrayRef<int64_t> row : saved->bytes)
          bytes.emplace_back(row.begin(), row.end());
        if (!saveUntilWithin(bytes, getWeightBytes(module), maxBytes, error,
                             chosen))
          module.emitWarning("effai-hybrid: no choice fits in ")
              << static_cast<int64_t>(maxBytes) << " bytes; the smallest is "
              << getWeightBytes(module) - std::llround(getSaved(bytes, chosen));
      } else {
        // Cheapest added error per µs saved, until the prediction fits.
        double us = saved->fp32Us;
        if (!saveUntilWithin(saved->us, us, maxLatencyUs, error, chosen))
          module.emitWarning(llvm::formatv(
              "effai-hybrid: no choice is predicted within {0} us; the "
              "fastest is predicted at {1} us",
              llvm::format("%g", static_cast<double>(maxLatencyUs)),
              llvm::format("%g", us - getSaved(saved->us, chosen))));
        else
          checkLatency = true;
      }
      // Record what the choice rests on, next to the choice.
      SmallVector<int64_t> flat;
      for (ArrayRef<int64_t> row : saved->bytes)
        flat.append(row.begin() + 1, row.end());
      module->setAttr("effai.hybrid_saved_bytes",
                      DenseI64ArrayAttr::get(&getContext(), flat));
      if (latencyBudget) {
        SmallVector<double> flatUs;
        for (ArrayRef<double> row : saved->us)
          flatUs.append(row.begin() + 1, row.end());
        module->setAttr("effai.hybrid_saved_us",
                        DenseF64ArrayAttr::get(&getContext(), flatUs));
      }
    }

    std::string pipeline = buildPipeline(names, chosen);
    SmallVector<Attribute> chosenNames;
    for (size_t c : chosen)
      chosenNames.push_back(StringAttr::get(&getContext(), names[c]));
    if (failed(apply(module, pipeline)))
      return signalPassFailure();
    module->setAttr("effai.hybrid_choices",
                    ArrayAttr::get(&getContext(), chosenNames));
    module->setAttr("effai.hybrid_pipeline",
                    StringAttr::get(&getContext(), pipeline));
    // With a target, what the roofline predicts for the result.
    if (target)
      if (FailureOr<double> us = getPredictedWeightOpsUs(module, target,
                                                         /*diagnose=*/false);
          succeeded(us)) {
        module->setAttr("effai.hybrid_predicted_us",
                        FloatAttr::get(Float64Type::get(&getContext()), *us));
        if (checkLatency && *us > maxLatencyUs * (1.0 + 1e-9))
          module.emitWarning(llvm::formatv(
              "effai-hybrid: the choice is predicted at {0} us, above the "
              "{1} us budget (channel removal also changes the next layer's "
              "time)",
              llvm::format("%g", *us),
              llvm::format("%g", static_cast<double>(maxLatencyUs))));
      }
  }
};

} // namespace
} // namespace mlir::effai
