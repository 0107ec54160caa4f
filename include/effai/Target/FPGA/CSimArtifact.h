//===- CSimArtifact.h - the C simulation as a runtime artifact --*- C++ -*-===//
//
// `effai-compile --target=fpga-csim`: the emitted HLS project, built with
// the host C++ compiler and effai's simulation headers, plus a host side
// that speaks the runtime's C ABI. The runtime loads it like a CPU model
// (device "fpga-csim"): floats in, quantized and streamed through the
// simulated dataflow with its real FIFO depths, floats out; each PE's
// counted cycles are its per-layer profile, and a deadlock fails the run
// with the simulation's report.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_TARGET_FPGA_CSIMARTIFACT_H
#define EFFAI_TARGET_FPGA_CSIMARTIFACT_H

#include "effai/Dialect/FPGA/IR/FPGA.h"

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace mlir::effai::fpga {

/// The host side (<top>_csim.cpp) for `batch` frames per run at the
/// target's clock: quantization of the inputs (f32, round half to even,
/// saturated), [C, H, W] to HWC beats, the top function once per frame
/// between host processes feeding and draining its ports, dequantization
/// (f64), the metadata, the cycle counters and the deadlock report.
std::string emitCSimHost(AcceleratorOp accelerator, int64_t batch,
                         double clockHz);

/// Builds the C simulation of the module's one accelerator into the shared
/// object `outputPath`, for `batch` frames per run. Fails with an error at
/// the op (emitter) or in `error` (no compiler, compile errors).
LogicalResult buildCSimArtifact(ModuleOp module, int64_t batch,
                                StringRef outputPath, std::string &error);

/// The module's one accelerator; an error at the module otherwise.
FailureOr<AcceleratorOp> getSingleAccelerator(ModuleOp module);

} // namespace mlir::effai::fpga

#endif // EFFAI_TARGET_FPGA_CSIMARTIFACT_H
