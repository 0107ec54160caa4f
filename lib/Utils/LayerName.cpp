//===- LayerName.cpp - the model layer an op comes from ---------*- C++ -*-===//

#include "effai/Utils/LayerName.h"

#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;

std::string mlir::effai::getLayerName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations()) {
      std::string name = getLayerName(inner);
      if (!name.empty())
        return name;
    }
  if (auto callSite = dyn_cast<CallSiteLoc>(loc))
    return getLayerName(callSite.getCallee());
  return "";
}
