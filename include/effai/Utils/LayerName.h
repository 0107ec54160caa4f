//===- LayerName.h - the model layer an op comes from -----------*- C++ -*-===//
//
// The ONNX importer names each op's location after its node; passes keep
// locations, so reports (CPU tiling, FPGA PEs) and per-layer timers find
// the layer of any op from its location.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_UTILS_LAYERNAME_H
#define EFFAI_UTILS_LAYERNAME_H

#include "mlir/IR/Location.h"

#include <string>

namespace mlir::effai {

/// The layer an op belongs to: the innermost name in its location, or "".
std::string getLayerName(Location loc);

} // namespace mlir::effai

#endif // EFFAI_UTILS_LAYERNAME_H
