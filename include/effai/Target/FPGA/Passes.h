//===- Passes.h - FPGA target passes ----------------------------*- C++ -*-===//
//
// Declarations and registration of the FPGA target's passes.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_TARGET_FPGA_PASSES_H
#define EFFAI_TARGET_FPGA_PASSES_H

#include "effai/Dialect/FPGA/IR/FPGA.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::effai {

#define GEN_PASS_DECL
#include "effai/Target/FPGA/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "effai/Target/FPGA/Passes.h.inc"

} // namespace mlir::effai

#endif // EFFAI_TARGET_FPGA_PASSES_H
