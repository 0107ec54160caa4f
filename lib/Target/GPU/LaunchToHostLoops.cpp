//===- LaunchToHostLoops.cpp - gpu.launch as host loops ---------*- C++ -*-===//
//
// effai-gpu-launch-to-host-loops: GPU emulation for machines without one.
// A kernel whose threads never synchronize computes the same whatever
// order its (block, thread) points run in, so running them as two nested
// loops on the CPU checks everything the mapping decided: tiles, index
// arithmetic, guards of partial tiles.
//
//===----------------------------------------------------------------------===//

#include "effai/Target/GPU/Passes.h"

#include "mlir/IR/PatternMatch.h"

namespace mlir::effai {
#define GEN_PASS_DEF_GPULAUNCHTOHOSTLOOPS
#include "effai/Target/GPU/Passes.h.inc"

namespace {

LogicalResult lowerLaunch(RewriterBase &rewriter, gpu::LaunchOp launch) {
  if (launch.getAsyncToken() || !launch.getAsyncDependencies().empty())
    return launch.emitError("effai-gpu-launch-to-host-loops: asynchronous "
                            "launches are not emulated");
  WalkResult barrier = launch.getBody().walk([](gpu::BarrierOp op) {
    op.emitError("effai-gpu-launch-to-host-loops: threads synchronize here; "
                 "running them one after another would not");
    return WalkResult::interrupt();
  });
  if (barrier.wasInterrupted())
    return failure();
  Location loc = launch.getLoc();
  rewriter.setInsertionPoint(launch);
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  gpu::KernelDim3 grid = launch.getGridSizeOperandValues();
  gpu::KernelDim3 block = launch.getBlockSizeOperandValues();
  // Blocks z, y, x outside threads z, y, x: the body at the innermost.
  SmallVector<Value> bounds = {grid.z,  grid.y,  grid.x,
                               block.z, block.y, block.x};
  SmallVector<Value> ids;
  for (Value bound : bounds) {
    auto loop = scf::ForOp::create(rewriter, loc, zero, bound, one);
    ids.push_back(loop.getInductionVar());
    rewriter.setInsertionPoint(loop.getBody()->getTerminator());
  }
  Block &body = launch.getBody().front();
  // The launch body's arguments: block ids, thread ids, grid and block
  // sizes (x, y, z each).
  SmallVector<Value> arguments = {ids[2], ids[1],  ids[0],  ids[5],
                                  ids[4], ids[3],  grid.x,  grid.y,
                                  grid.z, block.x, block.y, block.z};
  if (body.getNumArguments() != arguments.size())
    return launch.emitError("effai-gpu-launch-to-host-loops: launches with "
                            "clusters or memory attributions are not "
                            "emulated");
  Block *innermost = rewriter.getInsertionBlock();
  rewriter.eraseOp(body.getTerminator());
  rewriter.inlineBlockBefore(&body, innermost, rewriter.getInsertionPoint(),
                             arguments);
  rewriter.eraseOp(launch);
  return success();
}

/// A warp's i8 or f16 contraction (mma.sync on the GPU) in the
/// accumulator's type: the host's vector lowering multiplies same-typed
/// operands.
void widenContractionOperands(RewriterBase &rewriter, gpu::LaunchOp launch) {
  launch.getBody().walk([&](vector::ContractionOp contract) {
    Type accType = getElementTypeOrSelf(contract.getAccType());
    rewriter.setInsertionPoint(contract);
    for (OpOperand *operand :
         {&contract.getLhsMutable(), &contract.getRhsMutable()}) {
      auto type = cast<VectorType>(operand->get().getType());
      if (type.getElementType() == accType)
        continue;
      Location loc = contract.getLoc();
      Value extended =
          isa<FloatType>(accType)
              ? arith::ExtFOp::create(rewriter, loc, type.clone(accType),
                                      operand->get())
                    .getResult()
              : arith::ExtSIOp::create(rewriter, loc, type.clone(accType),
                                       operand->get())
                    .getResult();
      rewriter.modifyOpInPlace(contract, [&] { operand->set(extended); });
    }
  });
}

struct GPULaunchToHostLoopsPass
    : public impl::GPULaunchToHostLoopsBase<GPULaunchToHostLoopsPass> {
  void runOnOperation() override {
    SmallVector<gpu::LaunchOp> launches;
    getOperation().walk(
        [&](gpu::LaunchOp launch) { launches.push_back(launch); });
    IRRewriter rewriter(&getContext());
    for (gpu::LaunchOp launch : launches)
      widenContractionOperands(rewriter, launch);
    for (gpu::LaunchOp launch : launches)
      if (failed(lowerLaunch(rewriter, launch)))
        return signalPassFailure();
  }
};

} // namespace
} // namespace mlir::effai
