//===- WeightRewrite.cpp - shared steps of weight-rewriting passes -*- C++ -*-//

#include "WeightRewrite.h"

#include "effai/Dialect/Effai/IR/WeightCodec.h"
#include "effai/Utils/ConstantData.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringExtras.h"

#include <cmath>

using namespace mlir;

void mlir::effai::replacePack(PackOp pack, WeightType type, Value values,
                              Value indices) {
  OpBuilder b(pack);
  auto newPack = PackOp::create(b, pack.getLoc(), type, values, indices);
  pack.getResult().replaceAllUsesWith(newPack.getResult());
  SmallVector<Operation *> payloads;
  for (Value old : pack->getOperands())
    if (Operation *def = old.getDefiningOp();
        def && old != values && old != indices)
      payloads.push_back(def);
  pack.erase();
  for (Operation *def : payloads)
    if (def->use_empty())
      def->erase();
}

void mlir::effai::replacePackWithCodes(PackOp pack, WeightType type,
                                       ArrayRef<int8_t> codes, StringRef name) {
  OpBuilder b(pack);
  Value values = buildConstant<int8_t>(b, pack.getLoc(), type.getValuesType(),
                                       codes, name);
  replacePack(pack, type, values, pack.getIndices());
}

void mlir::effai::forEachPack(Operation *root, ArrayRef<int64_t> layers,
                              function_ref<void(PackOp)> fn) {
  SmallVector<PackOp> packs;
  root->walk([&](PackOp pack) { packs.push_back(pack); });
  for (auto [index, pack] : llvm::enumerate(packs))
    if (layers.empty() || llvm::is_contained(layers, int64_t(index)))
      fn(pack);
}

SmallVector<double>
mlir::effai::FloatWeight::getMaxMagnitudes(bool perChannel) const {
  SmallVector<double> maxima(perChannel ? type.getNumOutputChannels() : 1, 0.0);
  for (auto [value, channel] : llvm::zip_equal(values, channels)) {
    double &max = maxima[perChannel ? channel : 0];
    max = std::max(max, std::fabs(double(value)));
  }
  for (double &max : maxima)
    if (max == 0.0)
      max = 1.0;
  return maxima;
}

std::optional<mlir::effai::FloatWeight>
mlir::effai::readFloatWeight(PackOp pack, int64_t minElements,
                             StringRef passName) {
  auto type = cast<WeightType>(pack.getResult().getType());
  if (!isa<FloatFormatAttr>(type.getEncoding().getValue()) ||
      type.getNumElements() < minElements)
    return std::nullopt;
  std::optional<std::vector<float>> values =
      readFloatConstant(pack.getValues());
  std::optional<std::vector<int64_t>> indices =
      pack.getIndices() ? readIntegerConstant(pack.getIndices())
                        : std::vector<int64_t>();
  if (!values || !indices)
    return std::nullopt;
  std::string error;
  FailureOr<SmallVector<int64_t>> positions =
      getStoredWeightPositions(type, *indices, error);
  if (failed(positions)) {
    pack.emitWarning() << passName << ": left in float: " << error;
    return std::nullopt;
  }
  FloatWeight weight{type, std::move(*values), {}, std::move(*positions)};
  for (int64_t position : weight.positions)
    weight.channels.push_back(position / type.getReductionSize());
  return weight;
}

LogicalResult mlir::effai::checkOptionValue(Operation *root, StringRef pass,
                                            StringRef option, StringRef value,
                                            ArrayRef<StringRef> allowed) {
  if (llvm::is_contained(allowed, value))
    return success();
  std::string list =
      llvm::join(allowed.drop_back(), ", ") + " or " + allowed.back().str();
  return root->emitError() << pass << ": " << option << " must be " << list
                           << ", got '" << value << "'";
}

LogicalResult mlir::effai::checkRoundingAndScale(Operation *root,
                                                 StringRef pass,
                                                 StringRef rounding,
                                                 StringRef scale) {
  return success(succeeded(checkOptionValue(root, pass, "rounding", rounding,
                                            {"value", "log"})) &&
                 succeeded(checkOptionValue(root, pass, "scale", scale,
                                            {"max", "search"})));
}
