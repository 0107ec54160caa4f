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

/// A decoded nibble: the vector whose lanes' low 4 bits hold the code, and
/// whether the code is signed ([-8, 7]) or not ([0, 15]).
struct NibbleIndex {
  Value index;
  bool isSigned = false;
};

/// X for shrsi(shli(X, 28), 28) (signed) or andi(X, 15) (unsigned); the
/// shifted value itself for shrsi(extsi(i8), 4) or shrui(extui(i8), 4) (a
/// byte's high nibble). None otherwise.
std::optional<NibbleIndex> getNibbleIndex(Value decoded) {
  Operation *op = decoded.getDefiningOp();
  if (!op)
    return std::nullopt;
  Operation *inner =
      op->getNumOperands() == 2 ? op->getOperand(0).getDefiningOp() : nullptr;
  auto isByte = [](Operation *ext) {
    return getElementTypeOrSelf(ext->getOperand(0)).isInteger(8);
  };
  if (isa<arith::ShRSIOp>(op)) {
    if (isShiftBy(op, 28) && isa_and_nonnull<arith::ShLIOp>(inner) &&
        isShiftBy(inner, 28))
      return NibbleIndex{inner->getOperand(0), true};
    if (isShiftBy(op, 4) && isa_and_nonnull<arith::ExtSIOp>(inner) &&
        isByte(inner))
      return NibbleIndex{decoded, true};
  }
  if (isa<arith::AndIOp>(op)) {
    APInt mask;
    if (matchPattern(op->getOperand(1), m_ConstantInt(&mask)) && mask == 15)
      return NibbleIndex{op->getOperand(0), false};
  }
  if (isa<arith::ShRUIOp>(op) && isShiftBy(op, 4) &&
      isa_and_nonnull<arith::ExtUIOp>(inner) && isByte(inner))
    return NibbleIndex{decoded, false};
  return std::nullopt;
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

/// sitofp / uitofp of a decoded nibble -> vpermps of the float codes. The
/// kernels convert unsigned codes with sitofp too (exact: they are not
/// negative, and a 32-bit uitofp costs several instructions before
/// AVX-512); a uitofp of a signed code is not a nibble's value.
template <typename CastOp>
struct NibbleToFloat : public OpRewritePattern<CastOp> {
  using OpRewritePattern<CastOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(CastOp op,
                                PatternRewriter &rewriter) const override {
    if (!isLookupType(op.getType(), rewriter.getF32Type()) ||
        !isLookupType(op.getIn().getType(), rewriter.getI32Type()))
      return rewriter.notifyMatchFailure(op, "not 16 i32 lanes to f32");
    std::optional<NibbleIndex> nibble = getNibbleIndex(op.getIn());
    if (!nibble ||
        (std::is_same_v<CastOp, arith::UIToFPOp> && nibble->isSigned))
      return rewriter.notifyMatchFailure(op, "not a decoded nibble");
    rewriter.replaceOp(op, buildLookup(rewriter, op.getLoc(), op.getType(),
                                       nibble->index, nibble->isSigned));
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
    // Conversions to float take the whole chain instead (NibbleToFloat).
    auto isInteger = [](OpOperand &use) {
      return !isa<arith::SIToFPOp>(use.getOwner());
    };
    if (llvm::none_of(op->getUses(), isInteger))
      return rewriter.notifyMatchFailure(op, "only converted to float");
    auto inner = op.getLhs().getDefiningOp<arith::ShLIOp>();
    if (!inner || !isShiftBy(inner, 28))
      return rewriter.notifyMatchFailure(op, "not a decoded nibble");
    Value lookup = buildLookup(rewriter, op.getLoc(), op.getType(),
                               inner.getLhs(), /*isSigned=*/true);
    rewriter.replaceUsesWithIf(op.getResult(), lookup, isInteger);
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
