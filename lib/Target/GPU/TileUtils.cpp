//===- TileUtils.cpp - what the GPU mechanism reads off its tiles -*- C++ -*-=//

#include "effai/Target/GPU/TileUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"

namespace mlir::effai {

linalg::FillOp getTileFill(Operation *op, Value init) {
  for (Operation *prev = op->getPrevNode(); prev; prev = prev->getPrevNode()) {
    if (auto fill = dyn_cast<linalg::FillOp>(prev)) {
      if (fill.getDpsInitOperand(0)->get() != init ||
          !matchPattern(fill.getInputs().front(), m_Constant()))
        return {};
      return fill;
    }
    if (!isa<memref::SubViewOp, arith::ConstantOp>(prev))
      return {};
  }
  return {};
}

std::optional<int64_t> getConstantUpperBound(OpFoldResult size) {
  if (std::optional<int64_t> constant = getConstantIntValue(size))
    return constant;
  FailureOr<int64_t> largest = ValueBoundsConstraintSet::computeConstantBound(
      presburger::BoundType::UB, ValueBoundsConstraintSet::Variable(size),
      /*stopCondition=*/nullptr, /*closedUB=*/true);
  if (failed(largest))
    return std::nullopt;
  return *largest;
}

} // namespace mlir::effai
