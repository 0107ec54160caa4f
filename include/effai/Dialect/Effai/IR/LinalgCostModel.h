//===- LinalgCostModel.h - CostModelOpInterface for linalg ------*- C++ -*-===//
//
// After lowering, the work is in linalg ops; attaching the cost interface
// to them (as external models) lets roofline policies and reports ask
// every op the same question, whatever dialect it is in.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_DIALECT_EFFAI_IR_LINALGCOSTMODEL_H
#define EFFAI_DIALECT_EFFAI_IR_LINALGCOSTMODEL_H

#include "effai/Dialect/Effai/IR/EffaiInterfaces.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"

namespace mlir {
class DialectRegistry;
namespace effai {

/// The cost of a static linalg op: a multiply-accumulate contraction does
/// one MAC per iteration point; anything else one op per body operation
/// per point (transcendental math ops count as several). Bytes are the
/// operands' sizes.
FailureOr<OpCost> getLinalgCost(linalg::LinalgOp op);

/// Attaches CostModelOpInterface to linalg's structured ops.
void registerLinalgCostModels(DialectRegistry &registry);

} // namespace effai
} // namespace mlir

#endif // EFFAI_DIALECT_EFFAI_IR_LINALGCOSTMODEL_H
