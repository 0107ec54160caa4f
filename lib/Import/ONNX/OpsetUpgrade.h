//===- OpsetUpgrade.h - old ONNX opsets through the version converter -*- C++
//-*-===//
//
// Models exported with opsets older than the handlers know (PyTorch before
// 1.0 wrote opset 6 and below) are upgraded with ONNX's own version
// converter before import, so the handlers only ever see opsets 7-17.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_LIB_IMPORT_ONNX_OPSETUPGRADE_H
#define EFFAI_LIB_IMPORT_ONNX_OPSETUPGRADE_H

#include "onnx/onnx_pb.h"

#include <cstdint>
#include <string>

namespace mlir::effai::onnx_import {

/// The default-domain opsets the handlers import; ONNX 1.12 (Debian 12's)
/// defines up to 17.
constexpr int64_t kMinImportOpset = 7, kMaxImportOpset = 17;

/// The oldest opset from `opset` to kMaxImportOpset at which ONNX defines
/// the default-domain op `opType`; 0 if there is none.
int64_t getFirstDefinedOpset(const std::string &opType, int64_t opset);

/// The model's default-domain ("" or "ai.onnx") opset, or 0 if it imports none.
int64_t getDefaultOpset(const onnx::ModelProto &model);

/// "node 'name' (OpType)", or "node #index (OpType)" when it has no name:
/// how the loader's errors name a node.
std::string describeNode(const onnx::NodeProto &node, int index);

/// Upgrades `model` in place to kMinImportOpset when its default-domain
/// opset is older. Returns false with `error` naming the node that cannot be
/// upgraded and why. Throws nothing.
bool upgradeOldOpset(onnx::ModelProto &model, std::string &error);

} // namespace mlir::effai::onnx_import

#endif // EFFAI_LIB_IMPORT_ONNX_OPSETUPGRADE_H
