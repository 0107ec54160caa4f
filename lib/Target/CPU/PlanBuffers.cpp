//===- PlanBuffers.cpp - out-parameters and a static workspace --*- C++ -*-===//
//
// A compiled model must not allocate per call: first-touching fresh pages
// costs more than many small layers compute. This pass turns results into
// caller-owned out-parameters and packs every static intermediate buffer
// into one workspace whose layout is fixed here, at compile time, from the
// buffers' live ranges.
//
//===----------------------------------------------------------------------===//

#include "effai/Target/CPU/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"
#include "llvm/ADT/STLExtras.h"

namespace mlir::effai {
#define GEN_PASS_DEF_PLANBUFFERS
#include "effai/Target/CPU/Passes.h.inc"

namespace {

/// One plannable allocation: its live range in entry-block positions and its
/// place in the workspace.
struct PlannedBuffer {
  memref::AllocOp alloc;
  int64_t bytes = 0;
  unsigned firstUse = 0;
  unsigned lastUse = 0;
  int64_t offset = 0;
};

bool isPlannableType(MemRefType type) {
  return type.hasStaticShape() && type.getLayout().isIdentity() &&
         !type.getMemorySpace();
}

int64_t alignTo(int64_t value, int64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

/// Moves every result of `func` into an out-parameter appended to its
/// arguments. A result that is a fresh entry-block allocation is computed in
/// place; any other result is copied into its out-parameter.
LogicalResult convertResultsToOutParams(func::FuncOp func) {
  auto returnOp = cast<func::ReturnOp>(func.front().getTerminator());
  OpBuilder builder(returnOp);
  unsigned numResults = func.getNumResults();
  SmallVector<std::pair<memref::AllocOp, BlockArgument>> computedInPlace;
  for (unsigned i = 0; i < numResults; ++i) {
    auto type = dyn_cast<MemRefType>(func.getResultTypes()[i]);
    if (!type || !isPlannableType(type))
      return func.emitError("effai-plan-buffers: result #")
             << i << " must be a memref with a static shape and identity "
             << "layout, got " << func.getResultTypes()[i];
    SmallVector<NamedAttribute> attrs(func.getResultAttrs(i));
    attrs.push_back(
        builder.getNamedAttr("effai.output", builder.getUnitAttr()));
    unsigned index = func.getNumArguments();
    if (failed(func.insertArgument(
            index, type, builder.getDictionaryAttr(attrs), returnOp.getLoc())))
      return failure();
    BlockArgument out = func.getArgument(index);
    Value result = returnOp.getOperand(i);
    auto alloc = result.getDefiningOp<memref::AllocOp>();
    bool inPlace = alloc && alloc->getBlock() == &func.front() &&
                   alloc.getType() == type &&
                   llvm::none_of(computedInPlace, [&](auto &entry) {
                     return entry.first == alloc;
                   });
    if (inPlace)
      computedInPlace.emplace_back(alloc, out);
    else
      memref::CopyOp::create(builder, returnOp.getLoc(), result, out);
  }
  returnOp->eraseOperands(0, numResults);
  for (auto [alloc, out] : computedInPlace) {
    alloc.replaceAllUsesWith(out);
    alloc.erase();
  }
  llvm::BitVector allResults(numResults, true);
  return func.eraseResults(allResults);
}

/// Walks the buffer and every alias derived from it and returns the
/// entry-block position of the last op that touches one of them. Any memref
/// result of a user counts as an alias (views, casts, reshapes...): that can
/// only lengthen a live range, which is safe.
unsigned findLastUse(Value buffer, Block &body,
                     const DenseMap<Operation *, unsigned> &position) {
  unsigned last = position.lookup(buffer.getDefiningOp());
  SmallVector<Value> worklist = {buffer};
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    for (Operation *user : value.getUsers()) {
      Operation *top = body.findAncestorOpInBlock(*user);
      last = std::max(last, position.lookup(top));
      for (Value result : user->getResults())
        if (isa<BaseMemRefType>(result.getType()))
          worklist.push_back(result);
    }
  }
  return last;
}

/// Assigns offsets: largest buffer first, each at the lowest aligned offset
/// that does not overlap a placed buffer whose live range intersects its own.
int64_t assignOffsets(MutableArrayRef<PlannedBuffer> buffers,
                      int64_t alignment) {
  SmallVector<PlannedBuffer *> order;
  for (PlannedBuffer &buffer : buffers)
    order.push_back(&buffer);
  llvm::stable_sort(order, [](PlannedBuffer *a, PlannedBuffer *b) {
    return a->bytes > b->bytes;
  });
  int64_t total = 0;
  SmallVector<PlannedBuffer *> placed;
  for (PlannedBuffer *buffer : order) {
    SmallVector<PlannedBuffer *> live;
    for (PlannedBuffer *other : placed)
      if (other->firstUse <= buffer->lastUse &&
          buffer->firstUse <= other->lastUse)
        live.push_back(other);
    llvm::sort(live, [](PlannedBuffer *a, PlannedBuffer *b) {
      return a->offset < b->offset;
    });
    int64_t offset = 0;
    for (PlannedBuffer *other : live) {
      if (offset + buffer->bytes <= other->offset)
        break;
      offset =
          std::max(offset, alignTo(other->offset + other->bytes, alignment));
    }
    buffer->offset = offset;
    total = std::max(total, offset + buffer->bytes);
    placed.push_back(buffer);
  }
  return alignTo(total, alignment);
}

LogicalResult planFunction(func::FuncOp func, int64_t alignment) {
  if (!func.getBody().hasOneBlock())
    return func.emitError("effai-plan-buffers: expected a single-block "
                          "function (run before lowering to control flow)");
  if (failed(convertResultsToOutParams(func)))
    return failure();

  Block &body = func.front();
  DenseMap<Operation *, unsigned> position;
  for (auto [index, op] : llvm::enumerate(body))
    position[&op] = index;

  DataLayout layout = DataLayout::closest(func);
  SmallVector<PlannedBuffer> buffers;
  for (auto alloc : body.getOps<memref::AllocOp>()) {
    MemRefType type = alloc.getType();
    if (!isPlannableType(type))
      continue;
    PlannedBuffer buffer;
    buffer.alloc = alloc;
    int64_t elementBytes =
        static_cast<int64_t>(layout.getTypeSize(type.getElementType()));
    buffer.bytes = alignTo(
        std::max<int64_t>(type.getNumElements() * elementBytes, 1), alignment);
    buffer.firstUse = position.lookup(alloc);
    buffer.lastUse = findLastUse(alloc.getResult(), body, position);
    buffers.push_back(buffer);
  }
  int64_t workspaceBytes = assignOffsets(buffers, alignment);

  // Each planned buffer becomes its own argument, carved out of the
  // workspace by the caller. Separate pointers (in a function that is not
  // inlined into the entry point) let LLVM version loops with run-time
  // overlap checks and vectorize them; views of one base pointer would not.
  OpBuilder builder(func.getContext());
  for (PlannedBuffer &buffer : buffers) {
    unsigned index = func.getNumArguments();
    if (failed(
            func.insertArgument(index, buffer.alloc.getType(),
                                builder.getDictionaryAttr(builder.getNamedAttr(
                                    "effai.workspace_offset",
                                    builder.getI64IntegerAttr(buffer.offset))),
                                buffer.alloc.getLoc())))
      return failure();
    // Deallocations of a planned buffer are moot: the runtime owns it.
    for (Operation *user : llvm::make_early_inc_range(buffer.alloc->getUsers()))
      if (isa<memref::DeallocOp>(user))
        user->erase();
    buffer.alloc.replaceAllUsesWith(func.getArgument(index));
    buffer.alloc.erase();
  }
  auto workspaceType = MemRefType::get({workspaceBytes}, builder.getI8Type());
  if (failed(func.insertArgument(func.getNumArguments(), workspaceType,
                                 builder.getDictionaryAttr(builder.getNamedAttr(
                                     "effai.workspace", builder.getUnitAttr())),
                                 func.getLoc())))
    return failure();
  // Keep the model a separate function so the buffers stay distinct
  // pointer arguments (see above).
  func->setAttr("passthrough",
                builder.getArrayAttr({builder.getStringAttr("noinline")}));
  return success();
}

struct PlanBuffersPass : public impl::PlanBuffersBase<PlanBuffersPass> {
  using Base::Base;

  void runOnOperation() override {
    if (alignment <= 0 || (alignment & (alignment - 1)) != 0) {
      getOperation().emitError("effai-plan-buffers: alignment must be a "
                               "positive power of two, got ")
          << alignment;
      return signalPassFailure();
    }
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (func.isExternal() || !func.isPublic())
        continue;
      if (failed(planFunction(func, alignment)))
        return signalPassFailure();
    }
  }
};

} // namespace
} // namespace mlir::effai
