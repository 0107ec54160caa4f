//===- Synthesis.h - resources of the Verilog from yosys --------*- C++ -*-===//
//
// The open tools' view of an accelerator: yosys synthesizes the emitted
// Verilog for the part's family (synth_xilinx, synth_ice40) with the
// hierarchy kept, so each PE's primitives count apart, and effai's report
// shows them next to the estimator's; for an iCE40, nextpnr places and
// routes a flat netlist (post-route Fmax) and icepack writes the bitstream.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_TARGET_FPGA_SYNTHESIS_H
#define EFFAI_TARGET_FPGA_SYNTHESIS_H

#include "effai/Dialect/FPGA/IR/FPGA.h"
#include "effai/Target/FPGA/Estimator.h"
#include "llvm/Support/JSON.h"

namespace mlir::effai::fpga {

/// What yosys made of an accelerator.
struct SynthesisResult {
  /// The yosys synthesis command, e.g. "synth_xilinx -family xcup".
  std::string command;
  /// Primitives in the estimator's units (LUTs with LUTRAM and
  /// shift-register LUTs, FFs, DSPs, BRAM18s or iCE40 EBRs, URAMs or iCE40
  /// SPRAMs): each PE with its output FIFO, in the accelerator's order; the
  /// top's own cells (port glue); everything.
  SmallVector<Resources> pes;
  Resources ports, total;
};

/// Writes the Verilog of `accelerator` into `directory` and synthesizes it
/// with yosys (log, script, JSON netlist there too).
FailureOr<SynthesisResult> synthesizeAccelerator(AcceleratorOp accelerator,
                                                 StringRef directory,
                                                 std::string &error);

/// Adds `synthesis` to the report of `buildFPGAReport` (one accelerator):
/// a "synthesized" entry next to each PE's "resources", and the total.
void addSynthesisToReport(llvm::json::Object &report,
                          const SynthesisResult &synthesis);

/// The iCE40 flow on `accelerator` (an iCE40 part): the Verilog in a shell
/// that streams each port through a pin, yosys synth_ice40 (flat),
/// nextpnr-ice40 and icepack into `directory`. Adds "place_and_route" to
/// the report: the post-route Fmax, logic cells, RAMs, DSPs and the
/// bitstream's bytes.
LogicalResult buildICE40Bitstream(AcceleratorOp accelerator,
                                  StringRef directory,
                                  llvm::json::Object &report,
                                  std::string &error);

} // namespace mlir::effai::fpga

#endif // EFFAI_TARGET_FPGA_SYNTHESIS_H
