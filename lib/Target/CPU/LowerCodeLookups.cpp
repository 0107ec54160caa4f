//===- LowerCodeLookups.cpp - 4-bit code decodes to vpermps -----*- C++ -*-===//
//
// effai-lower-code-lookups: kernels over 4-bit packed weight codes decode
// each nibble with shifts and an int-to-float conversion (what it
// computes, in pure ops). On AVX-512 a 16-entry permute reads the low 4
// bits of each i32 lane as its index: one vpermps from a table of the 16
// code values replaces the shifts and the conversion. It runs late, with
// effai-lower-dot-products (an intrinsic call has no memory effects the
// buffer passes could reason about).
//
//===----------------------------------------------------------------------===//

#include "effai/Target/CPU/Passes.h"

#include "effai/Dialect/Effai/IR/EffaiAttrs.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::effai {
#define GEN_PASS_DEF_LOWERCODELOOKUPS
#include "effai/Target/CPU/Passes.h.inc"

namespace {

constexpr int64_t kLanes = 16; // a 512-bit permute of i32/f32 lanes

bool isShiftBy(Operation *op, int64_t amount) {
  APInt value;
  return op && matchPattern(op->getOperand(1), m_ConstantInt(&value)) &&
         value == amount;
}

/// The vector whose lanes' low 4 bits hold the code `decoded` is: X for
/// shrsi(shli(X, 28), 28) (signed) or andi(X, 15) (unsigned); the shifted
/// value itself for shrsi(extsi(i8), 4) or shrui(extui(i8), 4) (a byte's
/// high nibble). Null otherwise.
Value getNibbleIndex(Value decoded, bool isSigned) {
  Operation *op = decoded.getDefiningOp();
  if (isSigned && isa_and_nonnull<arith::ShRSIOp>(op)) {
    Operation *inner = op->getOperand(0).getDefiningOp();
    if (isShiftBy(op, 28) && isa_and_nonnull<arith::ShLIOp>(inner) &&
        isShiftBy(inner, 28))
      return inner->getOperand(0);
    if (isShiftBy(op, 4) && isa_and_nonnull<arith::ExtSIOp>(inner) &&
        getElementTypeOrSelf(inner->getOperand(0)).isInteger(8))
      return decoded;
  }
  if (!isSigned && isa_and_nonnull<arith::AndIOp>(op)) {
    APInt mask;
    if (matchPattern(op->getOperand(1), m_ConstantInt(&mask)) && mask == 15)
      return op->getOperand(0);
  }
  if (!isSigned && isa_and_nonnull<arith::ShRUIOp>(op)) {
    Operation *inner = op->getOperand(0).getDefiningOp();
    if (isShiftBy(op, 4) && isa_and_nonnull<arith::ExtUIOp>(inner) &&
        getElementTypeOrSelf(inner->getOperand(0)).isInteger(8))
      return decoded;
  }
  return {};
}

/// The 16 code values a 4-bit index stands for, as `elementType`.
Value buildCodeTable(PatternRewriter &rewriter, Location loc, Type elementType,
                     bool isSigned) {
  auto type = VectorType::get({kLanes}, elementType);
  SmallVector<Attribute> values;
  for (int64_t i = 0; i < kLanes; ++i) {
    int64_t code = isSigned && i >= 8 ? i - 16 : i;
    values.push_back(
        isa<FloatType>(elementType)
            ? Attribute(rewriter.getFloatAttr(elementType, code))
            : Attribute(rewriter.getIntegerAttr(elementType, code)));
  }
  return arith::ConstantOp::create(rewriter, loc,
                                   DenseElementsAttr::get(type, values));
}

Value buildLookup(PatternRewriter &rewriter, Location loc, Type resultType,
                  Value index, bool isSigned) {
  Type elementType = getElementTypeOrSelf(resultType);
  Value table = buildCodeTable(rewriter, loc, elementType, isSigned);
  StringRef name = isa<FloatType>(elementType)
                       ? "llvm.x86.avx512.permvar.sf.512"
                       : "llvm.x86.avx512.permvar.si.512";
  return LLVM::CallIntrinsicOp::create(rewriter, loc, resultType,
                                       rewriter.getStringAttr(name),
                                       ValueRange{table, index})
      .getResult(0);
}

bool isLookupType(Type type, Type element) {
  auto vector = dyn_cast<VectorType>(type);
  return vector && vector.getRank() == 1 && !vector.isScalable() &&
         vector.getDimSize(0) == kLanes && vector.getElementType() == element;
}

/// sitofp / uitofp of a decoded nibble -> vpermps of the float codes.
template <typename CastOp>
struct NibbleToFloat : public OpRewritePattern<CastOp> {
  using OpRewritePattern<CastOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(CastOp op,
                                PatternRewriter &rewriter) const override {
    constexpr bool isSigned = std::is_same_v<CastOp, arith::SIToFPOp>;
    Builder b(op.getContext());
    if (!isLookupType(op.getType(), b.getF32Type()) ||
        !isLookupType(op.getIn().getType(), b.getI32Type()))
      return rewriter.notifyMatchFailure(op, "not 16 i32 lanes to f32");
    Value index = getNibbleIndex(op.getIn(), isSigned);
    if (!index)
      return rewriter.notifyMatchFailure(op, "not a decoded nibble");
    rewriter.replaceOp(
        op, buildLookup(rewriter, op.getLoc(), op.getType(), index, isSigned));
    return success();
  }
};

/// shrsi(shli(X, 28), 28) on i32 lanes (a signed low nibble kept as an
/// integer: i32 accumulators) -> vpermd of the integer codes.
struct SignedNibbleToInteger : public OpRewritePattern<arith::ShRSIOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(arith::ShRSIOp op,
                                PatternRewriter &rewriter) const override {
    if (!isLookupType(op.getType(), rewriter.getI32Type()) ||
        !isShiftBy(op, 28))
      return rewriter.notifyMatchFailure(op, "not a 16-lane shift by 28");
    // A conversion to float takes the whole chain instead.
    if (llvm::all_of(op->getUsers(), llvm::IsaPred<arith::SIToFPOp>))
      return rewriter.notifyMatchFailure(op, "only converted to float");
    auto inner = op.getLhs().getDefiningOp<arith::ShLIOp>();
    if (!inner || !isShiftBy(inner, 28))
      return rewriter.notifyMatchFailure(op, "not a decoded nibble");
    rewriter.replaceOp(op, buildLookup(rewriter, op.getLoc(), op.getType(),
                                       inner.getLhs(), /*isSigned=*/true));
    return success();
  }
};

struct LowerCodeLookupsPass
    : public impl::LowerCodeLookupsBase<LowerCodeLookupsPass> {
  void runOnOperation() override {
    TargetAttr target = TargetAttr::lookup(getOperation());
    if (!target || !target.hasFeature("avx512f"))
      return;
    RewritePatternSet patterns(&getContext());
    patterns.add<NibbleToFloat<arith::SIToFPOp>, NibbleToFloat<arith::UIToFPOp>,
                 SignedNibbleToInteger>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
} // namespace mlir::effai
