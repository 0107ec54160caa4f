//===- SharedObject.h - compile a model to a loadable .so -------*- C++ -*-===//
//
// Ahead-of-time compilation for the host CPU: effai-cpu-pipeline with the
// runtime's entry point, LLVM IR, LLVM's optimizer and code generator for
// the chosen CPU, and the system linker. effai-compile, effai-run and the
// Python `effai.compile` all go through here.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_TARGET_CPU_SHAREDOBJECT_H
#define EFFAI_TARGET_CPU_SHAREDOBJECT_H

#include "effai/Dialect/Effai/IR/EffaiAttrs.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <functional>
#include <memory>
#include <string>

namespace llvm {
class LLVMContext;
class Module;
} // namespace llvm

namespace mlir::effai {

struct CPUCompileOptions {
  /// The machine (#effai.target) tiling and code generation are for: "host",
  /// a preset name or a .json file; empty: the module's own target, else
  /// the host.
  std::string machine;
  /// An LLVM CPU name to re-derive the machine's ISA facts for ("native":
  /// the host CPU with all of its features, "generic": baseline x86-64);
  /// empty: the machine's own CPU.
  std::string cpu;
  /// LLVM optimization level, 0-3.
  unsigned optLevel = 3;
  /// Run the parallel loops on OpenMP threads (links libomp).
  bool parallel = false;
  /// Fuse producer/consumer elementwise ops (effai-cpu-pipeline option).
  bool fuseElementwise = true;
  /// Register-blocked kernels for contractions (effai-cpu-pipeline option).
  bool kernels = true;
  /// Winograd F(2x2, 3x3) where the roofline prefers it (pipeline option).
  bool winograd = true;
  /// A GPU chip ("sm_80", "sm_90"): compile through effai-gpu-pipeline
  /// and run its kernels as host loops (GPU emulation); empty: the CPU
  /// pipeline.
  std::string emulateGPU;
  /// A GPU chip ("sm_80", "sm_90"): compile the kernels for it, embedded in
  /// the artifact with the host code that launches them through the
  /// runtime (which runs them with the CUDA driver); empty: the CPU.
  std::string gpu;
  /// With `gpu`: embed the kernels as "ptx" (the driver compiles them for
  /// the device at load) or as a "cubin" for the chip (assembled by ptxas).
  std::string gpuBinary = "ptx";
  /// Per-layer cycle counters in the artifact (effai-profile-layers).
  bool profile = false;
  /// Destroy the LLVM module and context once the object is written. A
  /// tool about to exit sets it false and saves their teardown (seconds for
  /// a model with tens of MB of weights), as clang's -disable-free does.
  bool freeMemory = true;
  /// Called with the module right after effai-select-tiling (the report
  /// reads the decisions there).
  std::function<void(ModuleOp)> afterTiling;
};

/// The machine `options` select for `module`, attached to it as
/// `effai.target` (what the pipeline and code generation then use).
FailureOr<TargetAttr> attachCompileTarget(ModuleOp module,
                                          const CPUCompileOptions &options,
                                          std::string &errorMessage);

/// Lowers `module` (effai/linalg on tensors; one public function) in place
/// to the LLVM dialect with the runtime entry point. Errors are reported as
/// diagnostics on the module.
LogicalResult lowerToArtifactIR(ModuleOp module,
                                const CPUCompileOptions &options);

/// Lowers `module`, translates it to LLVM IR and optimizes it for the
/// target CPU (what goes into the shared object). Returns null on failure,
/// with `errorMessage` set.
std::unique_ptr<llvm::Module>
compileToOptimizedLLVMIR(ModuleOp module, const CPUCompileOptions &options,
                         llvm::LLVMContext &llvmContext,
                         std::string &errorMessage);

/// Lowers `module` and writes the assembly of what would go into the shared
/// object to `outputPath` (register allocation, spills, instructions).
LogicalResult compileToAssembly(ModuleOp module,
                                const CPUCompileOptions &options,
                                StringRef outputPath,
                                std::string &errorMessage);

/// Lowers `module` and writes a shared object the runtime can load to
/// `outputPath`. `errorMessage` says what failed outside MLIR diagnostics
/// (target lookup, code generation, linking).
LogicalResult compileToSharedObject(ModuleOp module,
                                    const CPUCompileOptions &options,
                                    StringRef outputPath,
                                    std::string &errorMessage);

} // namespace mlir::effai

#endif // EFFAI_TARGET_CPU_SHAREDOBJECT_H
