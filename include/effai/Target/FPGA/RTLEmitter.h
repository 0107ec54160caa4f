//===- RTLEmitter.h - Verilog of a streaming accelerator --------*- C++ -*-===//
//
// The same folded effai_fpga accelerator as the HLS emitter's, as
// synthesizable vendor-neutral Verilog: one instance of a PE module from
// effai_rtl.v per PE (parameters from its fold and widths), FIFOs of the
// chosen depths between them, valid/ready streams, and ROM files read with
// $readmemh (weights one pe x simd word per cycle with their input
// indices, biases, requantization constants).
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_TARGET_FPGA_RTLEMITTER_H
#define EFFAI_TARGET_FPGA_RTLEMITTER_H

#include "effai/Dialect/FPGA/IR/FPGA.h"
#include "effai/Target/FPGA/ProjectFiles.h"

namespace mlir::effai::fpga {

/// The Verilog design of `accelerator`: effai_rtl.v, <top>.v and the ROM
/// files (<pe>_weights.mem, ...). Fails with an error at the op when a PE
/// has no fold or no Verilog module yet.
FailureOr<std::vector<ProjectFile>>
emitVerilogProject(AcceleratorOp accelerator);

/// The names of a PE's instance and of its output FIFO's in the top module
/// (the `index`-th PE of its accelerator).
std::string getPEInstanceName(Operation *pe, int64_t index);
std::string getFIFOInstanceName(Operation *pe, int64_t index);

} // namespace mlir::effai::fpga

#endif // EFFAI_TARGET_FPGA_RTLEMITTER_H
