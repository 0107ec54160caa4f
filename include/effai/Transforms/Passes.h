//===- Passes.h - effai transformation passes -------------------*- C++ -*-===//
//
// Declarations and registration of the effai transformation passes.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_TRANSFORMS_PASSES_H
#define EFFAI_TRANSFORMS_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir::effai {

#define GEN_PASS_DECL
#include "effai/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "effai/Transforms/Passes.h.inc"

} // namespace mlir::effai

#endif // EFFAI_TRANSFORMS_PASSES_H
