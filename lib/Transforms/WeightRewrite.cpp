//===- WeightRewrite.cpp - shared steps of weight-rewriting passes -*- C++ -*-//

#include "WeightRewrite.h"

#include "mlir/IR/Builders.h"

using namespace mlir;

void mlir::effai::replacePack(PackOp pack, WeightType type, Value values,
                              Value indices) {
  OpBuilder b(pack);
  auto newPack = PackOp::create(b, pack.getLoc(), type, values, indices);
  pack.getResult().replaceAllUsesWith(newPack.getResult());
  SmallVector<Operation *> payloads;
  for (Value old : pack->getOperands())
    if (Operation *def = old.getDefiningOp();
        def && old != values && old != indices)
      payloads.push_back(def);
  pack.erase();
  for (Operation *def : payloads)
    if (def->use_empty())
      def->erase();
}

void mlir::effai::forEachPack(Operation *root, function_ref<void(PackOp)> fn) {
  SmallVector<PackOp> packs;
  root->walk([&](PackOp pack) { packs.push_back(pack); });
  for (PackOp pack : packs)
    fn(pack);
}
