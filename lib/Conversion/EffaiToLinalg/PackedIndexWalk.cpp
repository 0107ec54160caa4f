//===- PackedIndexWalk.cpp - reading packed sparse indices in IR -*- C++
//-*-===//
//
// Compact sparse payloads store positions as packed bit fields. N:M fields
// are read by random access; delta and bitmap positions only follow from
// the fields before them, so their stored weights are visited by a loop
// that carries the position (delta) or the slot (bitmap) along.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "effai/Utils/LinalgBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::effai;

Value mlir::effai::buildPackedFieldRead(OpBuilder &b, Location loc, Value bytes,
                                        Value field, unsigned width) {
  Type i32 = b.getI32Type();
  auto idx = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  auto i32Const = [&](int64_t v) { return buildScalar(b, loc, i32, v); };
  int64_t length = cast<RankedTensorType>(bytes.getType()).getDimSize(0);
  Value bit = arith::MulIOp::create(b, loc, field, idx(width));
  Value first = arith::DivUIOp::create(b, loc, bit, idx(8));
  // Fields of 1, 2, 4 or 8 bits never straddle a byte; others span up to
  // three (7 + 16 bits). Bytes past the end are never part of a field.
  int64_t span = 8 % width == 0 ? 1 : (7 + width + 7) / 8;
  Value window = i32Const(0);
  for (int64_t k = 0; k < span; ++k) {
    Value at = arith::MinUIOp::create(
        b, loc, arith::AddIOp::create(b, loc, first, idx(k)), idx(length - 1));
    Value byte = arith::ExtUIOp::create(
        b, loc, i32, tensor::ExtractOp::create(b, loc, bytes, at));
    if (k > 0)
      byte = arith::ShLIOp::create(b, loc, byte, i32Const(8 * k));
    window = arith::OrIOp::create(b, loc, window, byte);
  }
  Value shift = arith::IndexCastUIOp::create(
      b, loc, i32, arith::RemUIOp::create(b, loc, bit, idx(8)));
  Value value = arith::AndIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, window, shift),
      i32Const((int64_t(1) << width) - 1));
  return arith::IndexCastUIOp::create(b, loc, b.getIndexType(), value);
}

bool mlir::effai::hasSequentialPositions(SparsityFormatAttrInterface sparsity) {
  return isa<DeltaSparsityAttr, BitmapSparsityAttr>(sparsity);
}

SmallVector<Value> mlir::effai::buildStoredWeightWalk(
    OpBuilder &b, Location loc, SparsityFormatAttrInterface sparsity,
    Value indices, const StoredWalkRange &range, ValueRange init,
    StoredWeightBodyFn body, BitmapWalk bitmapWalk) {
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  SmallVector<Value> carried{isa<DeltaSparsityAttr>(sparsity)
                                 ? range.previousPosition
                                 : range.firstSlot};
  llvm::append_range(carried, init);

  if (auto delta = dyn_cast<DeltaSparsityAttr>(sparsity)) {
    // Slot by slot: each position is the previous one plus its delta.
    auto loop = scf::ForOp::create(
        b, loc, range.firstSlot, range.endSlot, one, carried,
        [&](OpBuilder &b, Location loc, Value slot, ValueRange state) {
          Value position = arith::AddIOp::create(
              b, loc, state[0],
              buildPackedFieldRead(b, loc, indices, slot, delta.getBits()));
          SmallVector<Value> next{position};
          llvm::append_range(next,
                             body(b, loc, slot, position, state.drop_front()));
          scf::YieldOp::create(b, loc, next);
        });
    return SmallVector<Value>(loop.getResults().drop_front());
  }

  if (bitmapWalk == BitmapWalk::Positions) {
    // Bitmap, position by position: a set bit is the next slot's weight.
    auto loop = scf::ForOp::create(
        b, loc, range.firstPosition, range.endPosition, one, carried,
        [&](OpBuilder &b, Location loc, Value position, ValueRange state) {
          Value bit = buildPackedFieldRead(b, loc, indices, position, 1);
          Value isStored =
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, bit,
                                    arith::ConstantIndexOp::create(b, loc, 0));
          auto ifOp = scf::IfOp::create(
              b, loc, isStored,
              [&](OpBuilder &b, Location loc) {
                Value slot = state[0];
                SmallVector<Value> next{
                    arith::AddIOp::create(b, loc, slot, one)};
                llvm::append_range(
                    next, body(b, loc, slot, position, state.drop_front()));
                scf::YieldOp::create(b, loc, next);
              },
              [&](OpBuilder &b, Location loc) {
                scf::YieldOp::create(b, loc, state);
              });
          scf::YieldOp::create(b, loc, ifOp.getResults());
        });
    return SmallVector<Value>(loop.getResults().drop_front());
  }

  // Bitmap, byte by byte, and in a byte from set bit to set bit (count
  // trailing zeros, clear the lowest): a trip per stored weight and one
  // loop exit per byte, where a branch per position mispredicts about half
  // the time at 50% sparsity. Bits are LSB first (position p is bit
  // p % 8 of byte p / 8); bits outside [firstPosition, endPosition) are
  // masked off the first and last bytes.
  Type i32 = b.getI32Type();
  // Constants go where the builder passed in is (the region being built).
  auto idx = [loc](OpBuilder &b, int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  auto i32Const = [loc, i32](OpBuilder &b, int64_t v) {
    return buildScalar(b, loc, i32, v);
  };
  Value firstByte =
      arith::DivUIOp::create(b, loc, range.firstPosition, idx(b, 8));
  Value endByte = arith::DivUIOp::create(
      b, loc, arith::AddIOp::create(b, loc, range.endPosition, idx(b, 7)),
      idx(b, 8));
  auto loop = scf::ForOp::create(
      b, loc, firstByte, endByte, one, carried,
      [&](OpBuilder &b, Location loc, Value byteIndex, ValueRange state) {
        Value byteStart = arith::MulIOp::create(b, loc, byteIndex, idx(b, 8));
        // Keep bits [max(first - start, 0), min(end - start, 8)).
        Value low = arith::MaxSIOp::create(
            b, loc,
            arith::SubIOp::create(b, loc, range.firstPosition, byteStart),
            idx(b, 0));
        Value high = arith::MinSIOp::create(
            b, loc, arith::SubIOp::create(b, loc, range.endPosition, byteStart),
            idx(b, 8));
        auto asI32 = [&](Value v) -> Value {
          return arith::IndexCastOp::create(b, loc, i32, v);
        };
        Value below = arith::SubIOp::create(
            b, loc, arith::ShLIOp::create(b, loc, i32Const(b, 1), asI32(high)),
            i32Const(b, 1));
        Value skipped = arith::SubIOp::create(
            b, loc, arith::ShLIOp::create(b, loc, i32Const(b, 1), asI32(low)),
            i32Const(b, 1));
        Value mask = arith::XOrIOp::create(b, loc, below, skipped);
        Value raw = arith::ExtUIOp::create(
            b, loc, i32, tensor::ExtractOp::create(b, loc, indices, byteIndex));
        SmallVector<Value> inits{arith::AndIOp::create(b, loc, raw, mask)};
        llvm::append_range(inits, state);
        auto bits = scf::WhileOp::create(
            b, loc, TypeRange(ValueRange(inits)), inits,
            [&](OpBuilder &b, Location loc, ValueRange args) {
              Value any = arith::CmpIOp::create(
                  b, loc, arith::CmpIPredicate::ne, args[0], i32Const(b, 0));
              scf::ConditionOp::create(b, loc, any, args);
            },
            [&](OpBuilder &b, Location loc, ValueRange args) {
              Value bit = math::CountTrailingZerosOp::create(b, loc, args[0]);
              Value position = arith::AddIOp::create(
                  b, loc, byteStart,
                  arith::IndexCastUIOp::create(b, loc, b.getIndexType(), bit));
              Value rest = arith::AndIOp::create(
                  b, loc, args[0],
                  arith::SubIOp::create(b, loc, args[0], i32Const(b, 1)));
              Value slot = args[1];
              SmallVector<Value> next{rest,
                                      arith::AddIOp::create(b, loc, slot, one)};
              llvm::append_range(
                  next, body(b, loc, slot, position, args.drop_front(2)));
              scf::YieldOp::create(b, loc, next);
            });
        scf::YieldOp::create(b, loc, bits.getResults().drop_front());
      });
  return SmallVector<Value>(loop.getResults().drop_front());
}
