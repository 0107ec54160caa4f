//===- CopiesToLaunches.cpp - strided host copies as kernels ----*- C++ -*-===//
//
// effai-gpu-copies-to-launches: a copy into part of a buffer (a pad's
// interior, a concat's slice) is strided, so the runtime cannot do it as
// one memcpy, and the host cannot loop over device memory: it becomes a
// kernel with one thread per element.
//
//===----------------------------------------------------------------------===//

#include "effai/Target/GPU/Passes.h"

#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"

namespace mlir::effai {
#define GEN_PASS_DEF_GPUCOPIESTOLAUNCHES
#include "effai/Target/GPU/Passes.h.inc"

namespace {

/// Threads per block of a copy kernel.
constexpr int64_t kCopyBlockSize = 256;

/// Contiguous at a static offset: one memcpy of known bytes and place.
bool isContiguous(Value memref) {
  auto type = cast<MemRefType>(memref.getType());
  int64_t offset;
  SmallVector<int64_t> strides;
  return memref::isStaticShapeAndContiguousRowMajor(type) &&
         succeeded(type.getStridesAndOffset(strides, offset)) &&
         !ShapedType::isDynamic(offset);
}

/// `copy` as a launch of one thread per element.
void buildCopyLaunch(OpBuilder &b, memref::CopyOp copy) {
  Location loc = copy.getLoc();
  auto type = cast<MemRefType>(copy.getSource().getType());
  int64_t elements = type.getNumElements();
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value blocks = arith::ConstantIndexOp::create(
      b, loc, std::max<int64_t>(1, llvm::divideCeil(elements, kCopyBlockSize)));
  Value threads = arith::ConstantIndexOp::create(
      b, loc,
      std::min<int64_t>(kCopyBlockSize, std::max<int64_t>(1, elements)));
  auto launch =
      gpu::LaunchOp::create(b, loc, blocks, one, one, threads, one, one);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&launch.getBody().front());
  Value linear = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, launch.getBlockIds().x, threads),
      launch.getThreadIds().x);
  Value inside =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, linear,
                            arith::ConstantIndexOp::create(b, loc, elements));
  auto ifOp = scf::IfOp::create(b, loc, inside, /*withElseRegion=*/false);
  b.setInsertionPointToStart(ifOp.thenBlock());
  SmallVector<Value> indices;
  if (type.getRank() > 0) {
    auto delinearized = affine::AffineDelinearizeIndexOp::create(
        b, loc, linear, type.getShape(), /*hasOuterBound=*/true);
    llvm::append_range(indices, delinearized.getResults());
  }
  Value value = memref::LoadOp::create(b, loc, copy.getSource(), indices);
  memref::StoreOp::create(b, loc, value, copy.getTarget(), indices);
  b.setInsertionPointToEnd(&launch.getBody().front());
  gpu::TerminatorOp::create(b, loc);
}

struct GPUCopiesToLaunchesPass
    : public impl::GPUCopiesToLaunchesBase<GPUCopiesToLaunchesPass> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation().walk([&](memref::CopyOp copy) {
      if (!copy->getParentOfType<gpu::LaunchOp>())
        copies.push_back(copy);
    });
    OpBuilder b(&getContext());
    for (memref::CopyOp copy : copies) {
      auto type = cast<MemRefType>(copy.getSource().getType());
      if (!type.hasStaticShape() ||
          !cast<MemRefType>(copy.getTarget().getType()).hasStaticShape()) {
        copy.emitError("effai-gpu-copies-to-launches: a copy with a dynamic "
                       "shape cannot become a kernel");
        return signalPassFailure();
      }
      if (isContiguous(copy.getSource()) && isContiguous(copy.getTarget()))
        continue;
      b.setInsertionPoint(copy);
      buildCopyLaunch(b, copy);
      copy.erase();
    }
  }
};

} // namespace
} // namespace mlir::effai
