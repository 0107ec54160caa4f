//===- WarpMma.cpp - tensor-core tiles as vector contractions ---*- C++ -*-===//
//
// effai-gpu-warp-mma: the mechanism between a warp's tile (a linalg op on
// memref slices) and upstream's vector-to-nvgpu conversion, which takes
// vector.contract in the exact m16n8k32 (i8) or m16n8k16 (f16) shape with
// its operands read by vector.transfer_read. The same IR runs on the host in
// GPU emulation (one lane computing the whole warp's tile), so the tiling, the
// operand layouts and the accumulation are checked without a GPU.
//
//===----------------------------------------------------------------------===//

#include "effai/Target/GPU/Passes.h"
#include "effai/Target/GPU/TensorCores.h"
#include "effai/Target/GPU/TileUtils.h"
#include "effai/Utils/ContractionAnalysis.h"

#include <numeric>

#include "mlir/Conversion/VectorToGPU/VectorToGPU.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Dominance.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::effai {
#define GEN_PASS_DEF_GPUWARPMMA
#include "effai/Target/GPU/Passes.h.inc"

namespace {

/// Replaces the tile by its vector code, inside an scf.execute_region of
/// its own (returned): the scope the lane distribution converts.
FailureOr<scf::ExecuteRegionOp> lowerMmaTile(RewriterBase &rewriter,
                                             linalg::GenericOp op) {
  auto fail = [&](const Twine &why) {
    return op->emitError("effai-gpu-warp-mma: ") << why;
  };
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1)
    return fail("a tensor-core tile is a bufferized op with two inputs and "
                "one init");
  std::optional<InputWidening> widenA = getInputWidening(op, 0);
  std::optional<InputWidening> widenB = getInputWidening(op, 1);
  Type operandType = getElementTypeOrSelf(op.getDpsInputOperand(0)->get());
  Type accElementType = getElementTypeOrSelf(op.getDpsInitOperand(0)->get());
  bool integer = widenA == InputWidening::Signed8 &&
                 widenB == InputWidening::Signed8 && operandType.isInteger(8) &&
                 accElementType.isInteger(32);
  bool half = widenA == InputWidening::Half && widenB == InputWidening::Half &&
              operandType.isF16() &&
              getElementTypeOrSelf(op.getDpsInputOperand(1)->get()).isF16() &&
              accElementType.isF32();
  if (!hasMultiplyAccumulateBody(op) || !(integer || half))
    return fail("a tensor-core tile multiplies sign-extended i8 operands "
                "into i32 (or f16 ones extended to f32) and accumulates");
  FailureOr<ContractionDims> dims = analyzeContraction(op);
  if (failed(dims) || dims->m.size() != 1 || dims->n.size() != 1 ||
      dims->k.size() != 1 || !dims->batch.empty())
    return fail("a tensor-core tile is a product with one m, n and k loop");
  unsigned m = dims->m.front(), n = dims->n.front(), k = dims->k.front();
  MLIRContext *context = op.getContext();
  auto dim = [&](unsigned d) { return getAffineDimExpr(d, context); };
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (maps[0] !=
          AffineMap::get(maps[0].getNumDims(), 0, {dim(m), dim(k)}, context) ||
      maps[1] !=
          AffineMap::get(maps[1].getNumDims(), 0, {dim(n), dim(k)}, context) ||
      maps[2] !=
          AffineMap::get(maps[2].getNumDims(), 0, {dim(m), dim(n)}, context))
    return fail("a tensor-core tile reads A as [m, k], B as [n, k] and C as "
                "[m, n]");
  int64_t rows = dims->ranges[m], cols = dims->ranges[n],
          depth = dims->ranges[k];
  int64_t mmaK = getMmaK(operandType);
  if (rows % kMmaM != 0 || cols % kMmaN != 0 || depth % mmaK != 0)
    return fail("the tile (") << rows << " x " << cols << ", k = " << depth
                              << ") is not made of whole " << kMmaM << " x "
                              << kMmaN << " x " << mmaK << " instructions";

  Location loc = op.getLoc();
  Value a = op.getDpsInputOperand(0)->get();
  Value b = op.getDpsInputOperand(1)->get();
  Value c = op.getDpsInitOperand(0)->get();
  // The accumulators start from the fill of C (emulation runs the tile
  // whole in every lane, one after another: a read-modify-write of C there
  // would add the product once per lane).
  linalg::FillOp tileFill = getTileFill(op, c);
  if (!tileFill)
    return fail("a tensor-core tile starts from a linalg.fill of its result "
                "with a constant just before it");
  Value fill = tileFill.getInputs().front();
  rewriter.eraseOp(tileFill);
  rewriter.setInsertionPoint(op);
  auto scope = scf::ExecuteRegionOp::create(rewriter, loc, TypeRange{});
  rewriter.setInsertionPointToStart(&scope.getRegion().emplaceBlock());
  scf::YieldOp::create(rewriter, loc);
  rewriter.setInsertionPointToStart(&scope.getRegion().front());
  auto accType = VectorType::get({kMmaM, kMmaN}, accElementType);
  auto aType = VectorType::get({kMmaM, mmaK}, operandType);
  auto bType = VectorType::get({kMmaN, mmaK}, operandType);
  // Index constants, made once before the loop.
  llvm::SmallDenseMap<int64_t, Value> indices;
  auto index = [&](int64_t value) -> Value {
    Value &constant = indices[value];
    if (!constant)
      constant = arith::ConstantIndexOp::create(rewriter, loc, value);
    return constant;
  };
  int64_t tilesM = rows / kMmaM, tilesN = cols / kMmaN;
  for (int64_t i = 0; i < std::max(tilesM, tilesN); ++i) {
    index(i * kMmaM);
    index(i * kMmaN);
  }
  SmallVector<bool> inBounds = {true, true};
  // The accumulators, tile (i, j) at i * tilesN + j, from the fill.
  SmallVector<Value> accumulators(
      tilesM * tilesN,
      vector::BroadcastOp::create(rewriter, loc, accType, fill));

  Value pad = arith::ConstantOp::create(
      rewriter, loc, cast<TypedAttr>(rewriter.getZeroAttr(operandType)));
  AffineExpr dm = getAffineDimExpr(0, context),
             dn = getAffineDimExpr(1, context),
             dk = getAffineDimExpr(2, context);
  SmallVector<SmallVector<AffineExpr>> contractMaps = {
      {dm, dk}, {dn, dk}, {dm, dn}};
  SmallVector<vector::IteratorType> iterators = {
      vector::IteratorType::parallel, vector::IteratorType::parallel,
      vector::IteratorType::reduction};
  auto loop = scf::ForOp::create(
      rewriter, loc, index(0), index(depth), index(mmaK), accumulators,
      [&](OpBuilder &builder, Location loc, Value kk, ValueRange accs) {
        SmallVector<Value> aTiles, bTiles, results;
        for (int64_t i = 0; i < tilesM; ++i)
          aTiles.push_back(vector::TransferReadOp::create(
              builder, loc, aType, a, ValueRange{index(i * kMmaM), kk}, pad,
              inBounds));
        for (int64_t j = 0; j < tilesN; ++j)
          bTiles.push_back(vector::TransferReadOp::create(
              builder, loc, bType, b, ValueRange{index(j * kMmaN), kk}, pad,
              inBounds));
        for (int64_t i = 0; i < tilesM; ++i)
          for (int64_t j = 0; j < tilesN; ++j)
            results.push_back(vector::ContractionOp::create(
                builder, loc, aTiles[i], bTiles[j], accs[i * tilesN + j],
                ArrayRef<ArrayRef<AffineExpr>>(
                    llvm::to_vector_of<ArrayRef<AffineExpr>>(contractMaps)),
                iterators));
        scf::YieldOp::create(builder, loc, results);
      });
  for (int64_t i = 0; i < tilesM; ++i)
    for (int64_t j = 0; j < tilesN; ++j)
      vector::TransferWriteOp::create(
          rewriter, loc, loop.getResult(i * tilesN + j), c,
          ValueRange{index(i * kMmaM), index(j * kMmaN)}, inBounds);
  rewriter.eraseOp(op);
  return scope;
}

/// Buffers (allocations, globals, arguments) start at least this aligned:
/// the runtime's are 256-byte aligned, workspace slots 64 (effai-gpu-
/// pipeline's effai-plan-buffers), device mallocs 16. A caller passing
/// its own memrefs (no entry point) must align their data as cudaMalloc
/// does.
constexpr int64_t kBufferAlignment = 16;

/// A multiple every value of `index` is known to be (in elements): a
/// constant, or a loop's induction variable with a static lower bound and
/// step (tile offsets); 1 when nothing is known.
int64_t getKnownMultiple(OpFoldResult index) {
  if (std::optional<int64_t> constant = getConstantIntValue(index))
    return *constant;
  auto arg = dyn_cast<BlockArgument>(cast<Value>(index));
  auto loop = arg ? dyn_cast<scf::ForallOp>(arg.getOwner()->getParentOp())
                  : scf::ForallOp();
  if (!loop || arg.getArgNumber() >= loop.getRank())
    return 1;
  std::optional<int64_t> lb =
      getConstantIntValue(loop.getMixedLowerBound()[arg.getArgNumber()]);
  std::optional<int64_t> step =
      getConstantIntValue(loop.getMixedStep()[arg.getArgNumber()]);
  return lb && step ? std::gcd(*lb, *step) : 1;
}

/// A power of two the address of `view`'s first element is known to be a
/// multiple of: from its buffer through subviews (offsets times strides)
/// and reshapes; 1 for anything else.
int64_t getKnownAlignment(Value view) {
  auto type = cast<MemRefType>(view.getType());
  Operation *def = view.getDefiningOp();
  // A buffer: its own start, or an argument's at a static offset.
  if (isa_and_nonnull<memref::AllocOp, memref::GetGlobalOp>(def) ||
      (!def && isa<FunctionOpInterface>(
                   cast<BlockArgument>(view).getOwner()->getParentOp()))) {
    SmallVector<int64_t> strides;
    int64_t offset;
    if (failed(type.getStridesAndOffset(strides, offset)) ||
        ShapedType::isDynamic(offset))
      return 1;
    int64_t known =
        std::gcd(kBufferAlignment, offset * type.getElementTypeBitWidth() / 8);
    return known & -known;
  }
  if (!def)
    return 1;
  if (isa<memref::CollapseShapeOp, memref::ExpandShapeOp>(def))
    return getKnownAlignment(def->getOperand(0));
  auto subview = dyn_cast<memref::SubViewOp>(def);
  if (!subview)
    return 1;
  MemRefType source = subview.getSourceType();
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(source.getStridesAndOffset(strides, offset)))
    return 1;
  int64_t bytes = source.getElementTypeBitWidth() / 8;
  int64_t known = getKnownAlignment(subview.getSource());
  for (auto [index, stride] : llvm::zip(subview.getMixedOffsets(), strides)) {
    if (ShapedType::isDynamic(stride))
      return 1;
    known = std::gcd(known, getKnownMultiple(index) * stride * bytes);
  }
  return known & -known;
}

/// The alignment each lane's fragment accesses of `view` have: every one
/// lies at a multiple of `bytes` from a row start (whole tiles over k % 32
/// and n % 8), so `bytes` when the view's start and its row stride are
/// multiples of it, else what they share.
int64_t getFragmentAlignment(Value view, int64_t bytes) {
  auto type = cast<MemRefType>(view.getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)) ||
      ShapedType::isDynamic(strides.front()) || strides.back() != 1 ||
      type.getElementTypeBitWidth() % 8 != 0)
    return 1;
  int64_t rowBytes = strides.front() * type.getElementTypeBitWidth() / 8;
  int64_t known = std::gcd(std::gcd(getKnownAlignment(view), rowBytes), bytes);
  return known & -known;
}

/// Marks each lane's fragment loads and stores of the views in `alignment`
/// aligned: one 32- or 64-bit access each instead of byte loads.
void alignFragmentAccesses(Operation *scope,
                           const DenseMap<Value, int64_t> &alignment) {
  scope->walk([&](Operation *op) {
    if (auto load = dyn_cast<vector::LoadOp>(op)) {
      if (int64_t bytes = alignment.lookup(load.getBase()); bytes > 1)
        load.setAlignment(bytes);
    } else if (auto store = dyn_cast<vector::StoreOp>(op)) {
      if (int64_t bytes = alignment.lookup(store.getBase()); bytes > 1)
        store.setAlignment(bytes);
    }
  });
}

struct GPUWarpMmaPass : public impl::GPUWarpMmaBase<GPUWarpMmaPass> {
  using GPUWarpMmaBase::GPUWarpMmaBase;

  void runOnOperation() override {
    SmallVector<linalg::GenericOp> tiles;
    getOperation().walk([&](linalg::GenericOp op) {
      if (op->hasAttr(kGPUMmaTileAttrName))
        tiles.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    RewritePatternSet prepare(&getContext());
    populatePrepareVectorToMMAPatterns(prepare, /*useNvGpu=*/true);
    FrozenRewritePatternSet prepared(std::move(prepare));
    // Drops what the conversion leaves dead (the warp-level contractions,
    // their loop-carried accumulators).
    RewritePatternSet cleanup(&getContext());
    scf::ForOp::getCanonicalizationPatterns(cleanup, &getContext());
    FrozenRewritePatternSet cleaned(std::move(cleanup));
    SetVector<Operation *> warpLoops;
    for (linalg::GenericOp op : tiles) {
      if (auto loop = dyn_cast<scf::ForallOp>(op->getParentOp());
          loop && loop.getMapping() &&
          llvm::all_of(*loop.getMapping(), [](Attribute id) {
            return isa<gpu::GPUWarpMappingAttr>(id);
          }))
        warpLoops.insert(loop);
      // A lane loads 4 bytes of A or B (4 i8 or 2 f16) and stores 2 i32
      // or f32 of C at a time.
      DenseMap<Value, int64_t> alignment = {
          {op.getDpsInputOperand(0)->get(),
           getFragmentAlignment(op.getDpsInputOperand(0)->get(), 4)},
          {op.getDpsInputOperand(1)->get(),
           getFragmentAlignment(op.getDpsInputOperand(1)->get(), 4)},
          {op.getDpsInitOperand(0)->get(),
           getFragmentAlignment(op.getDpsInitOperand(0)->get(), 8)}};
      // An epilogue of another element type after the tile (the f32 sum
      // rounded to f16, the i32 one requantized): each lane applies it to
      // its fragments as it stores them; emulated, it reads the tile back.
      Value result = op.getDpsInitOperand(0)->get();
      linalg::GenericOp epilogue = getStoreEpilogue(op, result);
      FailureOr<scf::ExecuteRegionOp> scope = lowerMmaTile(rewriter, op);
      if (failed(scope))
        return signalPassFailure();
      SmallVector<vector::StoreOp> fragmentStores;
      if (distribute) {
        SmallVector<Operation *> ops;
        scope->getRegion().walk([&](Operation *inner) {
          if (!isa<scf::YieldOp>(inner))
            ops.push_back(inner);
        });
        if (failed(applyOpPatternsGreedily(ops, prepared)) ||
            failed(convertVectorToNVVMCompatibleMMASync(rewriter, *scope))) {
          scope->emitError("effai-gpu-warp-mma: cannot distribute the warp's "
                           "contractions over its lanes");
          return signalPassFailure();
        }
        (void)applyPatternsGreedily(scope->getRegion(), cleaned);
        alignFragmentAccesses(*scope, alignment);
        if (epilogue &&
            failed(collectFragmentStores(*scope, result, fragmentStores)))
          return signalPassFailure();
      }
      // The scope's code in its place.
      Block &body = scope->getRegion().front();
      rewriter.eraseOp(body.getTerminator());
      rewriter.inlineBlockBefore(&body, *scope);
      rewriter.eraseOp(*scope);
      if (!fragmentStores.empty())
        applyEpilogueToFragments(rewriter, epilogue, result, fragmentStores);
    }
    if (failed(checkWarpLoops(rewriter, warpLoops.getArrayRef())))
      signalPassFailure();
  }

  /// The lanes' stores of the tile's fragments into `result` (after the
  /// distribution, each a vector.store of consecutive elements of a row);
  /// failure (with an error) when `result` is written otherwise.
  static LogicalResult
  collectFragmentStores(scf::ExecuteRegionOp scope, Value result,
                        SmallVectorImpl<vector::StoreOp> &stores) {
    Block *top = &scope.getRegion().front();
    WalkResult walk = scope.getRegion().walk([&](Operation *inner) {
      // Stores at the scope's top level: their values and indices are
      // there for the epilogue, after it.
      if (auto store = dyn_cast<vector::StoreOp>(inner);
          store && store->getBlock() == top &&
          isSameView(store.getBase(), result) &&
          store.getValueToStore().getType().getRank() == 1) {
        stores.push_back(store);
        return WalkResult::advance();
      }
      auto effects = dyn_cast<MemoryEffectOpInterface>(inner);
      if (effects && llvm::any_of(inner->getOperands(), [&](Value value) {
            return isSameView(value, result) &&
                   effects.getEffectOnValue<MemoryEffects::Write>(value);
          })) {
        inner->emitError("effai-gpu-warp-mma: the tile's result is written "
                         "other than by fragment stores, so its epilogue "
                         "cannot be applied to them");
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    return failure(walk.wasInterrupted());
  }

  /// Replaces each lane's fragment store by `epilogue` applied to each of
  /// its elements, stored into the epilogue's result (where the epilogue
  /// is, after the views it reads); the epilogue is erased.
  static void applyEpilogueToFragments(RewriterBase &rewriter,
                                       linalg::GenericOp epilogue, Value result,
                                       ArrayRef<vector::StoreOp> stores) {
    rewriter.setInsertionPoint(epilogue);
    for (vector::StoreOp store : stores) {
      Location loc = store.getLoc();
      SmallVector<Value> indices(store.getIndices());
      Value column = indices.back();
      int64_t width = store.getValueToStore().getType().getNumElements();
      for (int64_t j = 0; j < width; ++j) {
        Value element = vector::ExtractOp::create(
            rewriter, loc, store.getValueToStore(), ArrayRef<int64_t>{j});
        if (j > 0)
          indices.back() = arith::AddIOp::create(
              rewriter, loc, column,
              arith::ConstantIndexOp::create(rewriter, loc, j));
        storeThroughEpilogue(rewriter, loc, epilogue, result, element, indices);
      }
      rewriter.eraseOp(store);
    }
    rewriter.eraseOp(epilogue);
  }

  /// Every lane of a warp runs what its loop holds: besides the warp-level
  /// code, only per-lane work may stay. Bufferization's copies between
  /// identical views of the tile go (merged, then dropped as self-copies);
  /// a copy or linalg op still there would have 32 lanes each move the
  /// whole tile while others store their fragments.
  LogicalResult checkWarpLoops(RewriterBase &rewriter,
                               ArrayRef<Operation *> warpLoops) {
    DominanceInfo dominance;
    RewritePatternSet selfCopies(&getContext());
    memref::CopyOp::getCanonicalizationPatterns(selfCopies, &getContext());
    FrozenRewritePatternSet frozen(std::move(selfCopies));
    for (Operation *loop : warpLoops) {
      eliminateCommonSubExpressions(rewriter, dominance, loop);
      (void)applyPatternsGreedily(loop->getRegion(0), frozen);
      WalkResult left = loop->walk([&](Operation *inner) {
        // Emulated, every lane applies the epilogue to the whole tile,
        // one after another: the same values each time.
        if (!isa<memref::CopyOp, linalg::LinalgOp>(inner) ||
            (!distribute && inner->hasAttr(kGPUEpilogueTileAttrName)))
          return WalkResult::advance();
        if (inner->hasAttr(kGPUEpilogueTileAttrName)) {
          inner->emitError("effai-gpu-warp-mma: this epilogue cannot be "
                           "applied to the tile's fragments (it must follow "
                           "the tile, past views and self-copies, and read "
                           "its result once, unpermuted, with nothing else "
                           "reading it later)");
          return WalkResult::interrupt();
        }
        inner->emitError("effai-gpu-warp-mma: each lane of the warp would run "
                         "this on the whole tile");
        return WalkResult::interrupt();
      });
      if (left.wasInterrupted())
        return failure();
    }
    return success();
  }
};

} // namespace
} // namespace mlir::effai
