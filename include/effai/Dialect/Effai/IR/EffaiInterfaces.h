//===- EffaiInterfaces.h - effai interfaces ---------------------*- C++ -*-===//
//
// Weight-format attribute interfaces and the cost-model op interface.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_DIALECT_EFFAI_IR_EFFAIINTERFACES_H
#define EFFAI_DIALECT_EFFAI_IR_EFFAIINTERFACES_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OpDefinition.h"

namespace mlir::effai {

/// The arithmetic an op's work runs on, which picks the roof it is
/// measured against (#effai.peaks).
enum class Arithmetic { FP32, BF16, Int8, Int32 };

/// Work and compulsory memory traffic of one op execution. A
/// multiply-accumulate counts as two ops; a shift or an add as one, so a
/// power-of-two weight with one term (shift + add) costs as many ops as a MAC
/// but needs no multiplier.
struct OpCost {
  int64_t macs = 0;   ///< Multiply-accumulates that need a multiplier.
  int64_t shifts = 0; ///< Shifts standing in for multiplies.
  int64_t adds = 0;   ///< Other additions (shift accumulation, bias).
  int64_t bytesRead = 0;
  int64_t bytesWritten = 0;
  Arithmetic arithmetic = Arithmetic::FP32;

  int64_t getOps() const { return 2 * macs + shifts + adds; }
  int64_t getBytes() const { return bytesRead + bytesWritten; }
  /// Arithmetic intensity in ops per byte (roofline x-axis).
  double getIntensity() const {
    return getBytes() == 0 ? 0.0 : double(getOps()) / double(getBytes());
  }
};

} // namespace mlir::effai

#include "effai/Dialect/Effai/IR/EffaiAttrInterfaces.h.inc"
#include "effai/Dialect/Effai/IR/EffaiOpInterfaces.h.inc"

#endif // EFFAI_DIALECT_EFFAI_IR_EFFAIINTERFACES_H
