//===- FPGA.h - the effai_fpga dialect --------------------------*- C++ -*-===//
//
// The streaming-dataflow accelerator dialect: its types, attributes and
// ops in one header.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_DIALECT_FPGA_IR_FPGA_H
#define EFFAI_DIALECT_FPGA_IR_FPGA_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "effai/Dialect/FPGA/IR/FPGADialect.h.inc"

#define GET_TYPEDEF_CLASSES
#include "effai/Dialect/FPGA/IR/FPGATypes.h.inc"

#define GET_ATTRDEF_CLASSES
#include "effai/Dialect/FPGA/IR/FPGAAttrs.h.inc"

#define GET_OP_CLASSES
#include "effai/Dialect/FPGA/IR/FPGAOps.h.inc"

namespace mlir::effai::fpga {
/// The codes an integer type holds, [lo, hi], as its signedness says
/// (signless counts as signed).
std::pair<int64_t, int64_t> getCodeRange(IntegerType type);
/// Beats per frame of `stream`: pixels of an [H, W, C] map, 1 for a vector.
int64_t getBeatCount(StreamType stream);
} // namespace mlir::effai::fpga

#endif // EFFAI_DIALECT_FPGA_IR_FPGA_H
