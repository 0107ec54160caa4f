//===- PadInPlace.cpp - producers write into padded buffers ------*- C++ -*-===//
//
// effai-pad-in-place: a padded input costs a fill of the padded buffer's
// border instead of a fill and a copy of the whole tensor.
//
//===----------------------------------------------------------------------===//

#include "effai/Target/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/Transforms.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

namespace mlir::effai {
#define GEN_PASS_DEF_PADINPLACE
#include "effai/Target/CPU/Passes.h.inc"

namespace {
struct PadInPlacePass : public impl::PadInPlaceBase<PadInPlacePass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    SmallVector<tensor::PadOp> pads;
    func.walk([&](tensor::PadOp pad) {
      // Only pads of values some op computes: an argument must be copied.
      if (pad.getSource().getDefiningOp() && pad.getResultType().hasStaticShape() &&
          !ShapedType::isDynamicShape(pad.getStaticLow()) &&
          !ShapedType::isDynamicShape(pad.getStaticHigh()) &&
          pad.getConstantPaddingValue() &&
          matchPattern(pad.getConstantPaddingValue(), m_Constant()))
        pads.push_back(pad);
    });
    if (pads.empty())
      return;
    IRRewriter rewriter(&getContext());
    for (tensor::PadOp pad : pads) {
      Location loc = pad.getLoc();
      // The padded buffer is filled just before the producer, so that the
      // producer can be given a slice of it to write into (and the buffer
      // is live no longer than that).
      rewriter.setInsertionPoint(pad.getSource().getDefiningOp());
      auto value = cast<TypedAttr>(
          getConstantAttr(pad.getConstantPaddingValue()));
      Value padValue = arith::ConstantOp::create(rewriter, loc, value);
      RankedTensorType type = pad.getResultType();
      Value filled = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                             type.getElementType());
      // Only the border holds the pad value: the producer writes the rest.
      // Per padded dim d, the slabs below and above the interior, within
      // the interior of the dims before d (each border element once).
      ArrayRef<int64_t> low = pad.getStaticLow(), high = pad.getStaticHigh();
      ArrayRef<int64_t> shape = type.getShape();
      ArrayRef<int64_t> interior =
          cast<RankedTensorType>(pad.getSource().getType()).getShape();
      MLIRContext *context = rewriter.getContext();
      SmallVector<OpFoldResult> ones(type.getRank(), rewriter.getIndexAttr(1));
      for (int64_t d = 0; d < type.getRank(); ++d) {
        for (auto [start, extent] : {std::pair(int64_t(0), low[d]),
                                     std::pair(low[d] + interior[d], high[d])}) {
          if (extent == 0)
            continue;
          SmallVector<int64_t> offsets(type.getRank(), 0), sizes(shape);
          for (int64_t i = 0; i < d; ++i) {
            offsets[i] = low[i];
            sizes[i] = interior[i];
          }
          offsets[d] = start;
          sizes[d] = extent;
          SmallVector<OpFoldResult> at = getAsIndexOpFoldResult(context, offsets);
          SmallVector<OpFoldResult> extents =
              getAsIndexOpFoldResult(context, sizes);
          Value slab = tensor::ExtractSliceOp::create(rewriter, loc, filled, at,
                                                      extents, ones);
          Value border =
              linalg::FillOp::create(rewriter, loc, padValue, slab).getResult(0);
          filled = tensor::InsertSliceOp::create(rewriter, loc, border, filled,
                                                 at, extents, ones);
        }
      }
      rewriter.setInsertionPoint(pad);
      SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(
          rewriter, loc, pad.getSource());
      SmallVector<OpFoldResult> strides(type.getRank(),
                                        rewriter.getIndexAttr(1));
      rewriter.replaceOpWithNewOp<tensor::InsertSliceOp>(
          pad, pad.getSource(), filled, pad.getMixedLowPad(), sizes, strides);
    }
    if (failed(bufferization::eliminateEmptyTensors(rewriter, func)))
      signalPassFailure();
  }

  static Attribute getConstantAttr(Value value) {
    Attribute attr;
    matchPattern(value, m_Constant(&attr));
    return attr;
  }
};
} // namespace
} // namespace mlir::effai
