//===- BarrierEffects.h - memory effects of gpu.barrier ---------*- C++ -*-===//
//
// Upstream's gpu.barrier declares no memory effects, and the ownership-
// based buffer deallocation effai-gpu-pipeline runs after the kernels are
// formed rejects every op with unknown effects. A barrier orders the
// block's reads and writes: this external model says so (it reads and
// writes memory), which also keeps CSE and loop-invariant code motion
// from moving memory accesses across it.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_TARGET_GPU_BARRIEREFFECTS_H
#define EFFAI_TARGET_GPU_BARRIEREFFECTS_H

namespace mlir {
class DialectRegistry;
namespace effai {

/// Attaches MemoryEffectOpInterface (read and write) to gpu.barrier.
void registerGPUBarrierEffects(DialectRegistry &registry);

} // namespace effai
} // namespace mlir

#endif // EFFAI_TARGET_GPU_BARRIEREFFECTS_H
