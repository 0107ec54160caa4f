//===- LowerCodeLookups.cpp - packed code decodes to vpermps ----*- C++ -*-===//
//
// effai-lower-code-lookups: kernels over weight codes packed 2 or 4 to a
// byte decode each code with shifts (and a mask) and an int-to-float
// conversion (what it computes, in pure ops). On AVX-512 a 16-entry
// permute reads the low 4 bits of each i32 lane as its index: one vpermps
// from a table of the values those 4 bits stand for replaces the shifts
// and the conversion. It runs late, with effai-lower-dot-products (an
// intrinsic call has no memory effects the buffer passes could reason
// about).
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

std::optional<int64_t> getShiftAmount(Operation *op) {
  APInt value;
  if (!matchPattern(op->getOperand(1), m_ConstantInt(&value)))
    return std::nullopt;
  return value.getSExtValue();
}

/// A decoded code: bits [position, position + width) of `index`'s lanes,
/// with position + width <= 4 (what a 16-entry permute reads), after a
/// logical shift of `index` right by `shift` (0 or 4, built by the rewrite).
struct CodeField {
  Value index;
  int64_t shift = 0, position = 0, width = 0;
  bool isSigned = false;
};

/// Whether `op` sign- (or zero-) extends i8 lanes.
bool isByteExtension(Operation *op, bool isSigned) {
  bool extends = isSigned ? isa_and_nonnull<arith::ExtSIOp>(op)
                          : isa_and_nonnull<arith::ExtUIOp>(op);
  return extends && getElementTypeOrSelf(op->getOperand(0)).isInteger(8);
}

/// Bits [position, position + width) of X, where `index` is X: as they
/// stand when they lie in its low 4 bits, else after a shift by 4.
std::optional<CodeField> fieldOf(Value x, int64_t position, int64_t width,
                                 bool isSigned) {
  if ((width != 2 && width != 4) || position < 0 || position + width > 8)
    return std::nullopt;
  if (position + width <= 4)
    return CodeField{x, 0, position, width, isSigned};
  if (position >= 4)
    return CodeField{x, 4, position - 4, width, isSigned};
  return std::nullopt;
}

/// The code field `decoded` is, for the decodes the kernels write:
/// signed shrsi(shli(X, s), 32 - w) (bits [32 - w - s, 32 - s) of X) or
/// shrsi(extsi(i8), 8 - w) (a byte's top field, sign-extended by the
/// extension); unsigned andi(X, 2^w - 1), andi(shrui(X, p), 2^w - 1) or
/// shrui(extui(i8), 8 - w). None otherwise.
std::optional<CodeField> getCodeField(Value decoded) {
  Operation *op = decoded.getDefiningOp();
  if (!op || op->getNumOperands() != 2)
    return std::nullopt;
  Operation *inner = op->getOperand(0).getDefiningOp();
  std::optional<int64_t> amount = getShiftAmount(op);
  if (!amount)
    return std::nullopt;
  if (isa<arith::ShRSIOp>(op)) {
    int64_t width = 32 - *amount;
    if (isa_and_nonnull<arith::ShLIOp>(inner)) {
      std::optional<int64_t> up = getShiftAmount(inner);
      if (!up)
        return std::nullopt;
      return fieldOf(inner->getOperand(0), *amount - *up, width, true);
    }
    if (isByteExtension(inner, true) && (*amount == 4 || *amount == 6))
      // The shifted value's low bits are the field, then its sign.
      return CodeField{decoded, 0, 0, 8 - *amount, true};
    return std::nullopt;
  }
  if (isa<arith::AndIOp>(op)) {
    if (*amount != 3 && *amount != 15)
      return std::nullopt;
    int64_t width = *amount == 3 ? 2 : 4;
    if (isa_and_nonnull<arith::ShRUIOp>(inner))
      if (std::optional<int64_t> down = getShiftAmount(inner))
        if (*down + width <= 4)
          return fieldOf(inner->getOperand(0), *down, width, false);
    return CodeField{op->getOperand(0), 0, 0, width, false};
  }
  if (isa<arith::ShRUIOp>(op) && isByteExtension(inner, false) &&
      (*amount == 4 || *amount == 6))
    return CodeField{decoded, 0, 0, 8 - *amount, false};
  return std::nullopt;
}

/// The value each 4-bit index stands for: its field, sign-extended or not,
/// as `elementType`.
Value buildCodeTable(PatternRewriter &rewriter, Location loc, Type elementType,
                     const CodeField &field) {
  auto type = VectorType::get({kLanes}, elementType);
  SmallVector<Attribute> values;
  int64_t size = int64_t(1) << field.width;
  for (int64_t i = 0; i < kLanes; ++i) {
    int64_t code = (i >> field.position) & (size - 1);
    if (field.isSigned && code >= size / 2)
      code -= size;
    values.push_back(
        isa<FloatType>(elementType)
            ? Attribute(rewriter.getFloatAttr(elementType, code))
            : Attribute(rewriter.getIntegerAttr(elementType, code)));
  }
  return arith::ConstantOp::create(rewriter, loc,
                                   DenseElementsAttr::get(type, values));
}

Value buildLookup(PatternRewriter &rewriter, Location loc, Type resultType,
                  const CodeField &field) {
  Type elementType = getElementTypeOrSelf(resultType);
  Value table = buildCodeTable(rewriter, loc, elementType, field);
  Value index = field.index;
  if (field.shift) {
    auto indexType = cast<VectorType>(index.getType());
    Value amount = arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(indexType,
                               rewriter.getI32IntegerAttr(field.shift)));
    index = arith::ShRUIOp::create(rewriter, loc, index, amount);
  }
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

/// sitofp / uitofp of a decoded code -> vpermps of the float codes. The
/// kernels convert unsigned codes with sitofp too (exact: they are not
/// negative, and a 32-bit uitofp costs several instructions before
/// AVX-512); a uitofp of a signed code is not a code's value.
template <typename CastOp>
struct CodeToFloat : public OpRewritePattern<CastOp> {
  using OpRewritePattern<CastOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(CastOp op,
                                PatternRewriter &rewriter) const override {
    if (!isLookupType(op.getType(), rewriter.getF32Type()) ||
        !isLookupType(op.getIn().getType(), rewriter.getI32Type()))
      return rewriter.notifyMatchFailure(op, "not 16 i32 lanes to f32");
    std::optional<CodeField> field = getCodeField(op.getIn());
    if (!field || (std::is_same_v<CastOp, arith::UIToFPOp> && field->isSigned))
      return rewriter.notifyMatchFailure(op, "not a decoded code");
    rewriter.replaceOp(
        op, buildLookup(rewriter, op.getLoc(), op.getType(), *field));
    return success();
  }
};

/// shrsi(shli(X, s), 32 - w) on i32 lanes whose field lies in X's low 4
/// bits (a signed code kept as an integer: i32 accumulators) -> vpermd of
/// the integer codes: one op for two.
struct SignedCodeToInteger : public OpRewritePattern<arith::ShRSIOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(arith::ShRSIOp op,
                                PatternRewriter &rewriter) const override {
    if (!isLookupType(op.getType(), rewriter.getI32Type()))
      return rewriter.notifyMatchFailure(op, "not 16 i32 lanes");
    // Conversions to float take the whole chain instead (CodeToFloat).
    auto isInteger = [](OpOperand &use) {
      return !isa<arith::SIToFPOp>(use.getOwner());
    };
    if (llvm::none_of(op->getUses(), isInteger))
      return rewriter.notifyMatchFailure(op, "only converted to float");
    std::optional<CodeField> field = getCodeField(op.getResult());
    if (!field || !op.getLhs().getDefiningOp<arith::ShLIOp>() || field->shift)
      return rewriter.notifyMatchFailure(op, "not a code in the low 4 bits");
    Value lookup = buildLookup(rewriter, op.getLoc(), op.getType(), *field);
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
    patterns.add<CodeToFloat<arith::SIToFPOp>, CodeToFloat<arith::UIToFPOp>,
                 SignedCodeToInteger>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
} // namespace mlir::effai
