//===- HostSide.h - what the FPGA simulation artifacts share ----*- C++ -*-===//
//
// The C simulation (HLS C++) and the RTL simulation (Verilator) are both
// shared objects behind the runtime's C ABI: the same metadata, the same
// conversions between the host's float tensors and the accelerator's code
// beats, and a host C++ compiler that builds them.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_LIB_TARGET_FPGA_HOSTSIDE_H
#define EFFAI_LIB_TARGET_FPGA_HOSTSIDE_H

#include "effai/Dialect/FPGA/IR/FPGA.h"
#include "effai/Target/FPGA/ProjectFiles.h"

#include "mlir/IR/BuiltinOps.h"

#include <memory>

#include <optional>
#include <string>

namespace mlir::effai::fpga {

/// A C string literal holding `text`.
std::string toCString(StringRef text);

/// The artifact's effai_metadata: `device` (fpga-csim, fpga-rtl), the
/// clock, float ports of [batch] + their host frame shape, and one
/// profile record per name in `counters`.
std::string getArtifactMetadata(AcceleratorOp accelerator, int64_t batch,
                                double clockHz, StringRef device,
                                ArrayRef<std::string> counters);

/// The element of frame `effai_n` that beat `effai_b`, channel `effai_c`
/// of `stream` carries in the host tensor: [C, H, W] frames for [H, W, C]
/// streams.
std::string getHostIndex(StreamType stream);

/// C++ defining `effai_quantize<T>(x, scale, zero, lo, hi)`:
/// round_half_even(x / scale) + zero in f32, saturated (the CPU path's
/// quant.qcast).
std::string getQuantizeFunction();

/// The effai_quantize call for channel `effai_c` of `port` from `x`.
std::string getQuantizeCall(PortAttr port, StreamType stream, StringRef type,
                            StringRef x);

/// The float value of `code` (an int64 expression) of channel `effai_c`
/// at `port`: (code - zero point) * scale in f64, where `scales` names a
/// double array of the port's scales.
std::string getDequantizeExpr(PortAttr port, StringRef code, StringRef scales);

/// The port's scales as a C initializer list.
std::string getScaleList(PortAttr port);

/// What a simulation artifact is built from: the module's one accelerator,
/// its project (as `emit` writes it), its clock and top name.
struct SimulationSources {
  AcceleratorOp accelerator;
  std::vector<ProjectFile> files;
  double clockHz = 0;
  std::string top;
};
FailureOr<SimulationSources> getSimulationSources(
    ModuleOp module,
    function_ref<FailureOr<std::vector<ProjectFile>>(AcceleratorOp)> emit);

/// A temporary directory holding a simulation's sources, removed when the
/// build goes, and the host C++ compiler that builds them.
struct SimulationBuild {
  std::string directory;
  std::string compiler;
  ~SimulationBuild();
  /// The compiler's command for a shared object whose symbols stay hidden
  /// (two simulations in one process must not share the inline functions
  /// and statics their sources define alike) but for EFFAI_EXPORT ones.
  SmallVector<StringRef> getSharedObjectCommand() const;
};

/// Writes `files` into a new directory for building `what`; false with
/// `error` when there is no compiler or the files cannot be written.
FailureOr<std::unique_ptr<SimulationBuild>>
prepareSimulationBuild(ArrayRef<ProjectFile> files, StringRef what,
                       std::string &error);

/// Runs `args` (args[0] the program) with its output in `log`; false with
/// `error` naming `what` and the output's start when it fails.
LogicalResult runLogged(ArrayRef<StringRef> args, StringRef log, StringRef what,
                        std::string &error);

} // namespace mlir::effai::fpga

#endif // EFFAI_LIB_TARGET_FPGA_HOSTSIDE_H
