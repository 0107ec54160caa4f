//===- NativeMath.cpp - rounding and abs without libdevice -----*- C++ -*-===//
//
// effai-gpu-native-math: math.roundeven, math.absf and math.absi in
// kernels become plain arithmetic, so quantized and shift kernels assemble
// without libdevice.
//
//===----------------------------------------------------------------------===//

#include "effai/Target/GPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::effai {
#define GEN_PASS_DEF_GPUNATIVEMATH
#include "effai/Target/GPU/Passes.h.inc"

namespace {

/// roundeven(x) = copysign((|x| + 2^m) - 2^m, x) for |x| < 2^m, with m
/// the mantissa width: the addition rounds to nearest even in hardware,
/// and from 2^m on every float is an integer already. Sign handling by
/// bits, since NVVM sends abs and copysign to libdevice as well.
struct ExpandRoundEven : public OpRewritePattern<math::RoundEvenOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::RoundEvenOp op,
                                PatternRewriter &rewriter) const override {
    auto type = dyn_cast<FloatType>(op.getType());
    if (!type || (!type.isF32() && !type.isF64()))
      return failure();
    Location loc = op.getLoc();
    unsigned width = type.getWidth();
    auto intType = rewriter.getIntegerType(width);
    APInt signMask = APInt::getSignMask(width);
    Value bits =
        arith::BitcastOp::create(rewriter, loc, intType, op.getOperand());
    Value sign = arith::AndIOp::create(
        rewriter, loc, bits,
        arith::ConstantOp::create(rewriter, loc,
                                  rewriter.getIntegerAttr(intType, signMask)));
    Value magnitude = arith::BitcastOp::create(
        rewriter, loc, type,
        arith::AndIOp::create(
            rewriter, loc, bits,
            arith::ConstantOp::create(
                rewriter, loc, rewriter.getIntegerAttr(intType, ~signMask))));
    Value big = arith::ConstantOp::create(
        rewriter, loc,
        rewriter.getFloatAttr(type,
                              std::ldexp(1.0, type.getFPMantissaWidth() - 1)));
    Value rounded = arith::SubFOp::create(
        rewriter, loc, arith::AddFOp::create(rewriter, loc, magnitude, big),
        big);
    Value integral = arith::CmpFOp::create(
        rewriter, loc, arith::CmpFPredicate::OGE, magnitude, big);
    Value result =
        arith::SelectOp::create(rewriter, loc, integral, magnitude, rounded);
    Value resultBits = arith::OrIOp::create(
        rewriter, loc, arith::BitcastOp::create(rewriter, loc, intType, result),
        sign);
    rewriter.replaceOpWithNewOp<arith::BitcastOp>(op, type, resultBits);
    return success();
  }
};

/// |x| of a float: the sign bit cleared.
struct ExpandAbsF : public OpRewritePattern<math::AbsFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::AbsFOp op,
                                PatternRewriter &rewriter) const override {
    auto type = dyn_cast<FloatType>(op.getType());
    if (!type)
      return failure();
    Location loc = op.getLoc();
    auto intType = rewriter.getIntegerType(type.getWidth());
    Value bits =
        arith::BitcastOp::create(rewriter, loc, intType, op.getOperand());
    Value mask = arith::ConstantOp::create(
        rewriter, loc,
        rewriter.getIntegerAttr(intType, ~APInt::getSignMask(type.getWidth())));
    rewriter.replaceOpWithNewOp<arith::BitcastOp>(
        op, type, arith::AndIOp::create(rewriter, loc, bits, mask));
    return success();
  }
};

/// |x| of an integer: max(x, 0 - x) (the minimum stays itself, as abs
/// wraps).
struct ExpandAbsI : public OpRewritePattern<math::AbsIOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::AbsIOp op,
                                PatternRewriter &rewriter) const override {
    if (!isa<IntegerType>(op.getType()))
      return failure();
    Location loc = op.getLoc();
    Value zero = arith::ConstantOp::create(
        rewriter, loc, rewriter.getIntegerAttr(op.getType(), 0));
    Value negated = arith::SubIOp::create(rewriter, loc, zero, op.getOperand());
    rewriter.replaceOpWithNewOp<arith::MaxSIOp>(op, op.getOperand(), negated);
    return success();
  }
};

struct GPUNativeMathPass : public impl::GPUNativeMathBase<GPUNativeMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ExpandRoundEven, ExpandAbsF, ExpandAbsI>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
} // namespace mlir::effai
