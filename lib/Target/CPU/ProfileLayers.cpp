//===- ProfileLayers.cpp - per-layer cycle counters --------------*- C++ -*-===//
//
// effai-profile-layers: predicted times are only worth something next to
// measured ones, so a profiled artifact counts the cycles of each layer.
// Consecutive ops of one layer share one pair of counter reads.
//
//===----------------------------------------------------------------------===//

#include "effai/Target/CPU/Passes.h"
#include "effai/Target/CPU/TilingReport.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"

namespace mlir::effai {
#define GEN_PASS_DEF_PROFILELAYERS
#include "effai/Target/CPU/Passes.h.inc"

namespace {

/// Whether `op` does work worth timing (allocations, views and constants
/// take no time and must not split a layer).
bool doesWork(Operation &op) {
  if (op.getNumRegions() > 0)
    return true;
  return isa<memref::CopyOp, func::CallOp, LLVM::CallOp>(op) ||
         op.getDialect()->getNamespace() == "linalg";
}

struct ProfileLayersPass
    : public impl::ProfileLayersBase<ProfileLayersPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    func::FuncOp model;
    for (auto func : module.getOps<func::FuncOp>())
      if (!func.isExternal() && func.isPublic())
        model = func;
    if (!model)
      return;
    Block &body = model.getFunctionBody().front();

    // Layers in order of first appearance; groups of consecutive ops.
    llvm::StringMap<unsigned> slotOf;
    SmallVector<std::string> names;
    struct Group {
      Operation *first, *last;
      unsigned slot;
    };
    SmallVector<Group> groups;
    for (Operation &op : body.without_terminator()) {
      if (!doesWork(op))
        continue;
      std::string name = getLayerName(op.getLoc());
      if (name.empty())
        name = op.getName().getStringRef().str();
      auto [entry, inserted] = slotOf.try_emplace(name, names.size());
      if (inserted)
        names.push_back(name);
      unsigned slot = entry->second;
      if (!groups.empty() && groups.back().slot == slot) {
        groups.back().last = &op;
        continue;
      }
      groups.push_back({&op, &op, slot});
    }
    if (groups.empty())
      return;

    OpBuilder b(module.getBodyRegion());
    b.setInsertionPointToEnd(module.getBody());
    Location loc = model.getLoc();
    auto i64 = b.getI64Type();
    auto arrayType = LLVM::LLVMArrayType::get(i64, names.size());
    LLVM::GlobalOp::create(b, loc, arrayType, /*isConstant=*/false,
                           LLVM::Linkage::External, "effai_profile_cycles",
                           LLVM::ZeroAttr::get(b.getContext()));
    for (const Group &group : groups) {
      b.setInsertionPoint(group.first);
      Location at = group.first->getLoc();
      auto read = [&](OpBuilder &b) {
        return LLVM::CallIntrinsicOp::create(
                   b, at, Type(i64), b.getStringAttr("llvm.readcyclecounter"),
                   ValueRange{})
            .getResult(0);
      };
      Value start = read(b);
      b.setInsertionPointAfter(group.last);
      Value end = read(b);
      Value elapsed = LLVM::SubOp::create(b, at, end, start);
      Value base = LLVM::AddressOfOp::create(
          b, at, LLVM::LLVMPointerType::get(b.getContext()),
          "effai_profile_cycles");
      Value slot = LLVM::GEPOp::create(
          b, at, LLVM::LLVMPointerType::get(b.getContext()), arrayType, base,
          ArrayRef<LLVM::GEPArg>{0, int32_t(group.slot)});
      Value total = LLVM::LoadOp::create(b, at, i64, slot);
      LLVM::StoreOp::create(b, at, LLVM::AddOp::create(b, at, total, elapsed),
                            slot);
    }
    SmallVector<Attribute> nameAttrs;
    for (const std::string &name : names)
      nameAttrs.push_back(b.getStringAttr(name));
    model->setAttr("effai.profile_layers", b.getArrayAttr(nameAttrs));
  }
};
} // namespace
} // namespace mlir::effai
