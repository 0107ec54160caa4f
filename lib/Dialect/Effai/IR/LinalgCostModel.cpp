//===- LinalgCostModel.cpp - CostModelOpInterface for linalg ----*- C++ -*-===//
//
// Work from the iteration space and the body, compulsory traffic from the
// operands, arithmetic from the element types.
//
//===----------------------------------------------------------------------===//

#include "effai/Dialect/Effai/IR/LinalgCostModel.h"
#include "effai/Utils/ContractionAnalysis.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/DialectRegistry.h"

using namespace mlir;
using namespace mlir::effai;

namespace {
int64_t getBytes(Value value) {
  auto type = dyn_cast<ShapedType>(value.getType());
  if (!type)
    return llvm::divideCeil(value.getType().getIntOrFloatBitWidth(), 8);
  if (!type.hasStaticShape())
    return -1;
  return llvm::divideCeil(
      type.getNumElements() * type.getElementType().getIntOrFloatBitWidth(),
      8);
}

/// Ops of one body execution: transcendental functions take a few
/// instructions each, casts and index bookkeeping none.
int64_t getBodyOps(Block *body) {
  int64_t ops = 0;
  for (Operation &op : body->without_terminator()) {
    if (isa<linalg::IndexOp, arith::ConstantOp, arith::ExtFOp, arith::TruncFOp,
            arith::ExtSIOp, arith::ExtUIOp, arith::TruncIOp,
            arith::IndexCastOp, arith::BitcastOp>(op))
      continue;
    bool transcendental =
        isa<math::MathDialect>(op.getDialect()) &&
        !isa<math::AbsFOp, math::CopySignOp, math::FmaOp, math::RoundEvenOp,
             math::FloorOp, math::CeilOp, math::TruncOp>(op);
    ops += transcendental ? 10 : 1;
  }
  return std::max<int64_t>(ops, 1);
}

template <typename OpTy>
struct LinalgCostModel
    : public CostModelOpInterface::ExternalModel<LinalgCostModel<OpTy>, OpTy> {
  FailureOr<OpCost> getCost(Operation *op) const {
    return getLinalgCost(cast<linalg::LinalgOp>(op));
  }
};

template <typename... OpTys>
void attach(MLIRContext *context) {
  (OpTys::template attachInterface<LinalgCostModel<OpTys>>(*context), ...);
}
} // namespace

FailureOr<OpCost> mlir::effai::getLinalgCost(linalg::LinalgOp op) {
  if (op.hasDynamicShape())
    return failure();
  OpCost cost;
  for (OpOperand *input : op.getDpsInputOperands()) {
    int64_t bytes = getBytes(input->get());
    if (bytes < 0)
      return failure();
    cost.bytesRead += bytes;
  }
  for (OpOperand &init : op.getDpsInitsMutable()) {
    int64_t bytes = getBytes(init.get());
    if (bytes < 0)
      return failure();
    cost.bytesWritten += bytes;
    // An accumulator the op reads back (a contraction's init) is read too.
    if (op.payloadUsesValueFromOperand(&init) &&
        op.getNumReductionLoops() == 0)
      cost.bytesRead += bytes;
  }
  int64_t points = 1;
  for (int64_t range : op.getStaticLoopRanges())
    points *= range;
  Type element = op.getNumDpsInputs() > 0
                     ? getElementTypeOrSelf(op.getDpsInputOperand(0)->get())
                     : getElementTypeOrSelf(op.getDpsInitOperand(0)->get());
  bool isFloat = isa<FloatType>(element);
  if (hasMultiplyAccumulateBody(op)) {
    cost.macs = points;
    unsigned bits = element.getIntOrFloatBitWidth();
    cost.arithmetic = isFloat ? (bits == 16 ? Arithmetic::BF16 : Arithmetic::FP32)
                      : bits <= 8 ? Arithmetic::Int8
                                  : Arithmetic::Int32;
    return cost;
  }
  cost.adds = points * getBodyOps(op.getBlock());
  cost.arithmetic = isFloat ? Arithmetic::FP32 : Arithmetic::Int32;
  return cost;
}

void mlir::effai::registerLinalgCostModels(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *context, linalg::LinalgDialect *) {
    attach<linalg::GenericOp, linalg::MatmulOp, linalg::BatchMatmulOp,
           linalg::FillOp, linalg::TransposeOp, linalg::CopyOp,
           linalg::BroadcastOp, linalg::ReduceOp, linalg::MapOp,
           linalg::Conv2DNchwFchwOp>(context);
  });
}
