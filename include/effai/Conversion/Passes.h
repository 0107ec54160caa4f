//===- Passes.h - effai conversion passes -----------------------*- C++ -*-===//
//
// Declarations and registration of the conversions out of effai.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_CONVERSION_PASSES_H
#define EFFAI_CONVERSION_PASSES_H

#include "effai/Dialect/FPGA/IR/FPGA.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::effai {

#define GEN_PASS_DECL
#include "effai/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "effai/Conversion/Passes.h.inc"

} // namespace mlir::effai

#endif // EFFAI_CONVERSION_PASSES_H
