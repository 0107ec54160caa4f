//===- RTLArtifact.h - the Verilog simulated as a runtime artifact -*- C++
//-*-===//
//
// `effai-compile --target=fpga-rtl`: the emitted Verilog, compiled by
// Verilator, behind the runtime's C ABI (device "fpga-rtl"): floats in,
// quantized and streamed into the simulated design a beat per cycle,
// floats out; the "accelerator" profile counter holds the clock cycles the
// design took.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_TARGET_FPGA_RTLARTIFACT_H
#define EFFAI_TARGET_FPGA_RTLARTIFACT_H

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace mlir::effai::fpga {

/// Builds the Verilator simulation of the module's one accelerator into
/// the shared object `outputPath`, for `batch` frames per run. Fails with
/// an error at the op (emitter) or in `error` (no verilator or compiler,
/// build errors).
LogicalResult buildRTLArtifact(ModuleOp module, int64_t batch,
                               StringRef outputPath, std::string &error);

} // namespace mlir::effai::fpga

#endif // EFFAI_TARGET_FPGA_RTLARTIFACT_H
