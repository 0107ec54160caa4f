//===- Passes.h - CPU code-generation passes --------------------*- C++ -*-===//
//
// Declarations and registration of the CPU target's passes.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_TARGET_CPU_PASSES_H
#define EFFAI_TARGET_CPU_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir::effai {

#define GEN_PASS_DECL
#include "effai/Target/CPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "effai/Target/CPU/Passes.h.inc"

} // namespace mlir::effai

#endif // EFFAI_TARGET_CPU_PASSES_H
