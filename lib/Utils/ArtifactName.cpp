//===- ArtifactName.cpp - names in an artifact's metadata -----------------===//

#include "effai/Utils/ArtifactName.h"

#include "llvm/ADT/StringExtras.h"

std::string mlir::effai::escapeArtifactName(llvm::StringRef name) {
  std::string escaped;
  for (unsigned char c : name) {
    if (llvm::isAlnum(c) || llvm::StringRef("_.:/-").contains(c))
      escaped.push_back(c);
    else
      escaped += "%" + llvm::utohexstr(c, /*LowerCase=*/false, /*Width=*/2);
  }
  return escaped.empty() ? "%" : escaped;
}
