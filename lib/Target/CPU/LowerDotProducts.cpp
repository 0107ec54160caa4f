//===- LowerDotProducts.cpp - u8 x s8 dot products to VNNI ------*- C++ -*-===//
//
// effai-lower-dot-products: the kernels write a 4-way dot product as
// multi_reduction(shape_cast(extui(a) * extsi(b))); on a target with AVX-512
// VNNI that chain is one vpdpbusd. It runs late (after the buffer passes,
// which need every op's memory effects: an intrinsic call has none).
//
//===----------------------------------------------------------------------===//

#include "effai/Target/CPU/Passes.h"

#include "effai/Dialect/Effai/IR/EffaiAttrs.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::effai {
#define GEN_PASS_DEF_LOWERDOTPRODUCTS
#include "effai/Target/CPU/Passes.h.inc"

namespace {
/// multi_reduction<add>(shape_cast(extui(a : Nx4 i8) * extsi(b)), acc) [1]
/// -> vpdpbusd(acc, a, b).
struct DotProductToVNNI : public OpRewritePattern<vector::MultiDimReductionOp> {
  DotProductToVNNI(MLIRContext *context, bool vl)
      : OpRewritePattern(context, /*benefit=*/2), vl(vl) {}

  LogicalResult matchAndRewrite(vector::MultiDimReductionOp op,
                                PatternRewriter &rewriter) const override {
    auto sourceType = op.getSourceVectorType();
    auto accType = dyn_cast<VectorType>(op.getAcc().getType());
    if (op.getKind() != vector::CombiningKind::ADD || !accType ||
        sourceType.getRank() != 2 || sourceType.getDimSize(1) != 4 ||
        !sourceType.getElementType().isInteger(32) ||
        op.getReductionDims() != ArrayRef<int64_t>{1})
      return rewriter.notifyMatchFailure(op, "not a 4-way i32 sum");
    int64_t bits = sourceType.getDimSize(0) * 32;
    if (bits != 512 && !(vl && (bits == 128 || bits == 256)))
      return rewriter.notifyMatchFailure(op, "no vpdpbusd of this width");
    auto cast = op.getSource().getDefiningOp<vector::ShapeCastOp>();
    auto mul = cast ? cast.getSource().getDefiningOp<arith::MulIOp>()
                    : arith::MulIOp();
    if (!mul)
      return rewriter.notifyMatchFailure(op, "not a sum of products");
    // Either operand order: one zero-extended and one sign-extended i8.
    Value unsignedBytes, signedBytes;
    for (auto [x, y] : {std::pair(mul.getLhs(), mul.getRhs()),
                        std::pair(mul.getRhs(), mul.getLhs())}) {
      auto zext = x.getDefiningOp<arith::ExtUIOp>();
      auto sext = y.getDefiningOp<arith::ExtSIOp>();
      if (zext && sext &&
          getElementTypeOrSelf(zext.getIn()).isInteger(8) &&
          getElementTypeOrSelf(sext.getIn()).isInteger(8)) {
        unsignedBytes = zext.getIn();
        signedBytes = sext.getIn();
        break;
      }
    }
    auto bytesType = VectorType::get({sourceType.getDimSize(0) * 4},
                                     rewriter.getI8Type());
    if (!unsignedBytes || unsignedBytes.getType() != bytesType ||
        signedBytes.getType() != bytesType)
      return rewriter.notifyMatchFailure(op, "not u8 x s8 products of 1-D bytes");
    std::string name = "llvm.x86.avx512.vpdpbusd." + std::to_string(bits);
    rewriter.replaceOpWithNewOp<LLVM::CallIntrinsicOp>(
        op, accType, rewriter.getStringAttr(name),
        ValueRange{op.getAcc(), unsignedBytes, signedBytes});
    return success();
  }

  bool vl;
};

struct LowerDotProductsPass
    : public impl::LowerDotProductsBase<LowerDotProductsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    TargetAttr target = TargetAttr::lookup(getOperation());
    // VNNI first; any reduction it does not take becomes vector adds.
    if (target && target.hasFeature("avx512vnni"))
      patterns.add<DotProductToVNNI>(&getContext(),
                                     target.hasFeature("avx512vl"));
    vector::populateVectorMultiReductionLoweringPatterns(
        patterns, vector::VectorMultiReductionLowering::InnerParallel,
        /*benefit=*/0);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
} // namespace mlir::effai
