//===- ArtifactName.h - names in an artifact's metadata ---------*- C++ -*-===//
//
// Every artifact (CPU, GPU, FPGA C simulation) records its tensors and
// layers in `effai_metadata`, one space-separated record per line; names are
// escaped so they never contain a separator. runtime/lib/Metadata.cpp
// undoes it.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_UTILS_ARTIFACTNAME_H
#define EFFAI_UTILS_ARTIFACTNAME_H

#include "llvm/ADT/StringRef.h"

#include <string>

namespace mlir::effai {

/// Percent-escapes everything but [A-Za-z0-9_.:/-]; "" becomes "%".
std::string escapeArtifactName(llvm::StringRef name);

} // namespace mlir::effai

#endif // EFFAI_UTILS_ARTIFACTNAME_H
