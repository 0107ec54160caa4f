//===- Pipelines.h - named effai pass pipelines -----------------*- C++ -*-===//
//
// Named pipelines compose effai and upstream passes. They are registered
// with pipeline options (never global flags), so one pipeline string
// reproduces a run from effai-opt or Python.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_PIPELINES_PIPELINES_H
#define EFFAI_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir::effai {

struct CPUPipelineOptions : public PassPipelineOptions<CPUPipelineOptions> {
  Option<bool> fuseElementwise{
      *this, "fuse-elementwise",
      llvm::cl::desc("Fuse producer/consumer elementwise linalg ops"),
      llvm::cl::init(true)};
  Option<bool> entryPoint{
      *this, "entry-point",
      llvm::cl::desc("Build an artifact for the runtime: results become "
                     "out-parameters, intermediates share one workspace "
                     "planned at compile time, and the C entry point and "
                     "metadata are exported (effai-plan-buffers, "
                     "effai-emit-entry-point)"),
      llvm::cl::init(false)};
  Option<bool> parallel{
      *this, "parallel",
      llvm::cl::desc("Run ops on OpenMP threads where the tiling model "
                     "predicts a gain (link the result with libomp)"),
      llvm::cl::init(false)};
  Option<std::string> target{
      *this, "target",
      llvm::cl::desc("Machine to compile for: host, a preset or a .json "
                     "file (default: the module's effai.target, else host)"),
      llvm::cl::init("")};
  Option<bool> profile{
      *this, "profile",
      llvm::cl::desc("Count each layer's cycles in the artifact "
                     "(effai-profile-layers; needs entry-point)"),
      llvm::cl::init(false)};
  Option<bool> kernels{
      *this, "kernels",
      llvm::cl::desc("Tile contractions into register-blocked kernels "
                     "(effai-select-tiling, effai-tile-and-fuse); off: plain "
                     "loops"),
      llvm::cl::init(true)};
  Option<bool> winograd{
      *this, "winograd",
      llvm::cl::desc("Let the roofline choose Winograd F(2x2, 3x3) for 3x3 "
                     "convolutions (effai-select-conv-algorithm, "
                     "effai-winograd-conv; needs kernels)"),
      llvm::cl::init(true)};
};

/// effai (+ linalg/tensor/quant) on tensors -> LLVM dialect for a CPU:
/// attach the target, lower effai ops, lower quant casts, fuse, choose
/// tiles, bufferize, register-blocked kernels, loops (OpenMP when
/// `parallel`), LLVM; with `entry-point`, the runtime's C ABI.
void buildEffaiCPUPipeline(OpPassManager &pm,
                           const CPUPipelineOptions &options);

/// What differs between the targets in the front end.
struct LinalgFrontEndOptions {
  /// Fuse producer/consumer elementwise ops.
  bool fuseElementwise = true;
  /// Power-of-two layers with float activations become exact i8 codes
  /// times a scale (a CPU multiplies as fast as it adds), else
  /// multiplication-free shift kernels.
  bool integerShiftCodes = true;
  /// Power-of-two convolutions as shift kernels too (else decoded floats,
  /// which the CPU's convolution kernels multiply-add faster).
  bool shiftConvolutions = false;
  /// Batched sparse linear layers loop over stored weights on the host,
  /// with the batch in vector registers (CPU), else one gather per output.
  bool sparseBatchInner = true;
  /// Sparse kernels visit a bitmap's set bits only (CPU), else test every
  /// position (uniform trip counts across GPU threads).
  bool sparseSetBitWalk = true;
};

/// The target-independent front of every pipeline: BatchNormalization
/// folded, effai ops (shift, sparse, quantized) lowered to linalg on
/// tensors, elementwise ops fused.
void buildEffaiLinalgFrontEnd(OpPassManager &pm,
                              const LinalgFrontEndOptions &options);

/// One-shot bufferization of whole modules: function boundaries too, with
/// identity layouts (what the runtime ABI and kernel arguments expect).
void buildEffaiBufferization(OpPassManager &pm);

/// The CPU pipeline after bufferization and kernels: buffer planning and
/// deallocation, the entry point, loops, LLVM.
void buildEffaiCPUBackEnd(OpPassManager &pm, const CPUPipelineOptions &options);

/// Host code on buffers (loops, launches turned into calls) to the LLVM
/// dialect for the module's CPU target: OpenMP when `parallel`.
void buildEffaiLoopsToLLVM(OpPassManager &pm, bool parallel);

struct FPGAPipelineOptions : public PassPipelineOptions<FPGAPipelineOptions> {
  Option<std::string> part{
      *this, "part",
      llvm::cl::desc("The FPGA preset to fold for (xczu9eg, xcvu9p, xcu250, "
                     "ice40up5k) or a .json machine description"),
      llvm::cl::init("xczu9eg")};
  Option<double> utilization{
      *this, "utilization",
      llvm::cl::desc("The share of each of the part's resources the "
                     "accelerator may use"),
      llvm::cl::init(0.8)};
};

/// effai-fpga-pipeline: an integer-only model (effai.quantize(...,
/// integer_only=True)) to an effai_fpga accelerator folded for `part`.
void buildEffaiFPGAPipeline(OpPassManager &pm,
                            const FPGAPipelineOptions &options);

struct GPUPipelineOptions : public PassPipelineOptions<GPUPipelineOptions> {
  Option<std::string> chip{
      *this, "chip",
      llvm::cl::desc("GPU preset to compile for: sm_80 (A100-class) or sm_90 "
                     "(H100/H200-class)"),
      llvm::cl::init("sm_90")};
  Option<std::string> format{
      *this, "format",
      llvm::cl::desc("What gpu-module-to-binary embeds: isa (PTX, needs no "
                     "toolkit), bin (cubin, runs ptxas) or fatbin"),
      llvm::cl::init("isa")};
  Option<bool> fuseElementwise{
      *this, "fuse-elementwise",
      llvm::cl::desc("Fuse producer/consumer elementwise linalg ops"),
      llvm::cl::init(true)};
  Option<bool> emulate{
      *this, "emulate",
      llvm::cl::desc("Run the mapped kernels as host loops and lower for the "
                     "host CPU instead of NVVM (GPU emulation for tests)"),
      llvm::cl::init(false)};
  Option<std::string> hostTarget{
      *this, "host-target",
      llvm::cl::desc("With emulate or entry-point: the CPU machine the host "
                     "code is compiled for (host, a preset or a .json file)"),
      llvm::cl::init("host")};
  Option<bool> entryPoint{
      *this, "entry-point",
      llvm::cl::desc("Build a runtime artifact: the host code (launches "
                     "through the runtime, or with emulate the kernels as "
                     "loops) lowered for host-target with the C entry point "
                     "and metadata, the kernel image embedded"),
      llvm::cl::init(false)};
};

/// effai (+ linalg/tensor/quant) on tensors -> NVVM kernels in a
/// gpu.binary and host code calling them: the front end, GPU tiles from
/// the target's roofline, block/thread forall nests, bufferization,
/// gpu.launch, kernel outlining, NVVM, PTX or cubin. With `emulate`, the
/// same launches run as host loops and the module is lowered for the CPU.
void buildEffaiGPUPipeline(OpPassManager &pm,
                           const GPUPipelineOptions &options);

/// Registers `effai-cpu-pipeline` and `effai-gpu-pipeline`.
void registerEffaiPipelines();

} // namespace mlir::effai

#endif // EFFAI_PIPELINES_PIPELINES_H
