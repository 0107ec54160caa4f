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

namespace mlir::effai {
#define GEN_PASS_DEF_HYBRID
#include "effai/Transforms/Passes.h.inc"

namespace {

/// A compression a layer can get: its name and the passes that apply it to
/// the weights numbered `@`.
struct Candidate {
  StringLiteral name;
  StringLiteral pipeline;
};

// The order of `errors`: every candidate but fp32, per layer.
constexpr Candidate kCandidates[] = {
    {"fp32", ""},
    {"int8", "effai-quantize{weight-bits=8 layers=@}"},
    {"pow2", "effai-shift-quantize{terms=2 bits=4 layers=@}"},
    {"int4", "effai-quantize{weight-bits=4 layers=@}"},
    {"2:4+int8", "effai-prune{mode=nm n=2 m=4 layers=@},"
                 "effai-quantize{weight-bits=8 layers=@}"},
};
constexpr size_t kNumCandidates = std::size(kCandidates);

/// The pass pipeline applying `choices` (a candidate index per layer).
std::string buildPipeline(ArrayRef<size_t> choices) {
  SmallVector<std::string> steps;
  for (size_t c = 1; c < kNumCandidates; ++c) {
    SmallVector<std::string> layers;
    for (auto [layer, choice] : llvm::enumerate(choices))
      if (choice == c)
        layers.push_back(std::to_string(layer));
    if (layers.empty())
      continue;
    std::string step;
    for (char ch : kCandidates[c].pipeline)
      step += ch == '@' ? llvm::join(layers, ",") : std::string(1, ch);
    steps.push_back(step);
  }
  return llvm::join(steps, ",");
}

int64_t getWeightBytes(ModuleOp module) {
  int64_t bytes = 0;
  module.walk([&](PackOp pack) {
    bytes += pack.getResult().getType().getPayloadBytes();
  });
  return bytes;
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

  /// Bytes saved by each candidate on each layer alone: compress copies.
  FailureOr<SmallVector<SmallVector<int64_t>>> measureSavings(size_t layers) {
    ModuleOp module = getOperation();
    int64_t total = getWeightBytes(module);
    SmallVector<SmallVector<int64_t>> saved(
        layers, SmallVector<int64_t>(kNumCandidates, 0));
    for (size_t layer = 0; layer < layers; ++layer)
      for (size_t c = 1; c < kNumCandidates; ++c) {
        OwningOpRef<ModuleOp> copy = module.clone();
        SmallVector<size_t> choice(layers, 0);
        choice[layer] = c;
        if (failed(apply(*copy, buildPipeline(choice))))
          return failure();
        saved[layer][c] = total - getWeightBytes(*copy);
      }
    return saved;
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    size_t layers = 0;
    module.walk([&](PackOp) { ++layers; });
    bool explicitChoice = !choices.empty();
    bool errorBudget = maxError >= 0.0, sizeBudget = maxBytes >= 0;
    if (int(explicitChoice) + int(errorBudget) + int(sizeBudget) != 1) {
      module.emitError("effai-hybrid: give exactly one of choices, max-error "
                       "and max-bytes");
      return signalPassFailure();
    }
    SmallVector<size_t> chosen(layers, 0);
    if (explicitChoice) {
      if (choices.size() != layers) {
        module.emitError("effai-hybrid: ")
            << choices.size() << " choices for " << layers << " weights";
        return signalPassFailure();
      }
      for (auto [layer, name] : llvm::enumerate(choices)) {
        const Candidate *it = llvm::find_if(
            kCandidates, [&](const Candidate &c) { return c.name == name; });
        if (it == std::end(kCandidates)) {
          module.emitError("effai-hybrid: unknown choice '")
              << name << "' (expected fp32, int8, pow2, int4 or 2:4+int8)";
          return signalPassFailure();
        }
        chosen[layer] = it - std::begin(kCandidates);
      }
    } else {
      if (errors.size() != layers * (kNumCandidates - 1)) {
        module.emitError("effai-hybrid: errors needs ")
            << layers * (kNumCandidates - 1)
            << " values (int8, pow2, int4, 2:4+int8 per weight), got "
            << errors.size();
        return signalPassFailure();
      }
      FailureOr<SmallVector<SmallVector<int64_t>>> saved =
          measureSavings(layers);
      if (failed(saved))
        return signalPassFailure();
      auto error = [&](size_t layer, size_t c) {
        return c == 0 ? 0.0 : errors[layer * (kNumCandidates - 1) + c - 1];
      };
      if (errorBudget) {
        // Each layer's share of the budget: its largest saving within it.
        double share = maxError / std::max<size_t>(1, layers);
        for (size_t layer = 0; layer < layers; ++layer)
          for (size_t c = 1; c < kNumCandidates; ++c)
            if (error(layer, c) <= share &&
                (*saved)[layer][c] > (*saved)[layer][chosen[layer]])
              chosen[layer] = c;
      } else {
        // Cheapest added error per byte saved, until the size fits.
        int64_t bytes = getWeightBytes(module);
        while (bytes > maxBytes) {
          double bestCost = 0.0;
          std::optional<std::pair<size_t, size_t>> best;
          for (size_t layer = 0; layer < layers; ++layer)
            for (size_t c = 0; c < kNumCandidates; ++c) {
              int64_t extra =
                  (*saved)[layer][c] - (*saved)[layer][chosen[layer]];
              if (extra <= 0)
                continue;
              double cost =
                  (error(layer, c) - error(layer, chosen[layer])) / extra;
              if (!best || cost < bestCost) {
                bestCost = cost;
                best = {layer, c};
              }
            }
          if (!best) {
            module.emitWarning("effai-hybrid: no choice fits in ")
                << static_cast<int64_t>(maxBytes) << " bytes; the smallest is "
                << bytes;
            break;
          }
          bytes -= (*saved)[best->first][best->second] -
                   (*saved)[best->first][chosen[best->first]];
          chosen[best->first] = best->second;
        }
      }
      // Record what the choice rests on, next to the choice.
      SmallVector<int64_t> flat;
      for (ArrayRef<int64_t> row : *saved)
        flat.append(row.begin() + 1, row.end());
      module->setAttr("effai.hybrid_saved_bytes",
                      DenseI64ArrayAttr::get(&getContext(), flat));
    }

    std::string pipeline = buildPipeline(chosen);
    SmallVector<Attribute> names;
    for (size_t c : chosen)
      names.push_back(StringAttr::get(&getContext(), kCandidates[c].name));
    if (failed(apply(module, pipeline)))
      return signalPassFailure();
    module->setAttr("effai.hybrid_choices",
                    ArrayAttr::get(&getContext(), names));
    module->setAttr("effai.hybrid_pipeline",
                    StringAttr::get(&getContext(), pipeline));
  }
};

} // namespace
} // namespace mlir::effai
