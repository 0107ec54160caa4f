//===- HLSEmitter.h - Vitis HLS C++ of a streaming accelerator --*- C++ -*-===//
//
// Applies the fold effai-fpga-fold chose: every PE becomes a call of its
// template (effai_layers.h) with a config struct (parameters.h) and its
// weights laid out one word of pe x simd per cycle (weights/*.h), inside a
// DATAFLOW top function with AXI-Stream ports and FIFOs of the chosen
// depths. The same files build for Vitis HLS and, with effai's headers,
// for the host as the C simulation.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_TARGET_FPGA_HLSEMITTER_H
#define EFFAI_TARGET_FPGA_HLSEMITTER_H

#include "effai/Dialect/FPGA/IR/FPGA.h"
#include "effai/Target/FPGA/ProjectFiles.h"

#include <string>
#include <vector>

namespace mlir::effai::fpga {

/// The name of the accelerator's top function ("<symbol>_top").
std::string getTopFunctionName(AcceleratorOp accelerator);

/// The C++ variable of an accelerator port (a block argument or a yielded
/// stream): its tensor name as an identifier.
std::string getPortVariable(AcceleratorOp accelerator, Value port);

/// The HLS project of `accelerator` on the module's FPGA target: effai_hls.h,
/// effai_layers.h, parameters.h, weights/<pe>.h, <top>.h, <top>.cpp and a
/// Vitis build script. Fails with an error at the op when a PE has no fold
/// or a fold the templates cannot build.
FailureOr<std::vector<ProjectFile>> emitHLSProject(AcceleratorOp accelerator);

} // namespace mlir::effai::fpga

#endif // EFFAI_TARGET_FPGA_HLSEMITTER_H
