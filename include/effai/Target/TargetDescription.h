//===- TargetDescription.h - machine descriptions as data -------*- C++ -*-===//
//
// Where `#effai.target` attributes come from: the running machine ("host"),
// the built-in presets (lib/Target/Presets/*.json), or a JSON file in the
// same format (what effai-probe-target writes).
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_TARGET_TARGETDESCRIPTION_H
#define EFFAI_TARGET_TARGETDESCRIPTION_H

#include "effai/Dialect/Effai/IR/EffaiAttrs.h"

#include <string>

namespace mlir::effai {

/// Names of the built-in presets, sorted.
SmallVector<StringRef> getTargetPresetNames();

/// The target `spec` names: "host" (the running CPU), a preset name, or a
/// path ending in ".json". On failure `error` says why.
FailureOr<TargetAttr> resolveTarget(MLIRContext *context, StringRef spec,
                                    std::string &error);

/// Reads a target from its JSON form; `error` names the offending field.
FailureOr<TargetAttr> parseTargetJSON(MLIRContext *context, StringRef text,
                                      std::string &error);

/// The JSON form of `target` (what parseTargetJSON reads).
std::string printTargetJSON(TargetAttr target);

} // namespace mlir::effai

#endif // EFFAI_TARGET_TARGETDESCRIPTION_H
