//===- ContractionAnalysis.cpp - loop structure of contractions -*- C++ -*-===//
//
// A dimension's role follows from which operand maps use it: a convolution's
// output row `oh` appears in the input as `oh * stride + kh * dilation` and
// in the output, so it is an `m` dimension just like a matmul row.
//
//===----------------------------------------------------------------------===//

#include "effai/Utils/ContractionAnalysis.h"

#include "effai/Utils/ConstantData.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::effai;

int64_t ContractionDims::getSize(ArrayRef<unsigned> dims) const {
  int64_t size = 1;
  for (unsigned d : dims)
    size *= ranges[d];
  return size;
}

std::optional<LinearForm> mlir::effai::getLinearForm(AffineExpr expr,
                                                   unsigned numDims) {
  LinearForm form;
  form.coeffs.assign(numDims, 0);
  if (auto dim = dyn_cast<AffineDimExpr>(expr)) {
    form.coeffs[dim.getPosition()] = 1;
    return form;
  }
  if (auto constant = dyn_cast<AffineConstantExpr>(expr)) {
    form.constant = constant.getValue();
    return form;
  }
  auto binary = dyn_cast<AffineBinaryOpExpr>(expr);
  if (!binary)
    return std::nullopt;
  auto lhs = getLinearForm(binary.getLHS(), numDims);
  auto rhs = getLinearForm(binary.getRHS(), numDims);
  if (!lhs || !rhs)
    return std::nullopt;
  if (expr.getKind() == AffineExprKind::Add) {
    for (unsigned d = 0; d < numDims; ++d)
      lhs->coeffs[d] += rhs->coeffs[d];
    lhs->constant += rhs->constant;
    return lhs;
  }
  if (expr.getKind() != AffineExprKind::Mul)
    return std::nullopt;
  auto scale = [](LinearForm form, int64_t factor) {
    for (int64_t &c : form.coeffs)
      c *= factor;
    form.constant *= factor;
    return form;
  };
  if (llvm::all_of(rhs->coeffs, [](int64_t c) { return c == 0; }))
    return scale(*lhs, rhs->constant);
  if (llvm::all_of(lhs->coeffs, [](int64_t c) { return c == 0; }))
    return scale(*rhs, lhs->constant);
  return std::nullopt;
}

bool mlir::effai::isContiguousAlong(AffineMap map, unsigned dim) {
  if (map.getNumResults() == 0)
    return false;
  for (auto [i, expr] : llvm::enumerate(map.getResults())) {
    auto form = getLinearForm(expr, map.getNumDims());
    if (!form)
      return false;
    bool last = i + 1 == map.getNumResults();
    if (form->coeffs[dim] != (last ? 1 : 0))
      return false;
  }
  return true;
}

/// `value` with value-preserving or narrowing conversions stripped.
static Value stripCasts(Value value) {
  while (Operation *op = value.getDefiningOp()) {
    if (!isa<arith::ExtFOp, arith::ExtSIOp, arith::ExtUIOp, arith::TruncFOp,
             arith::TruncIOp, arith::SIToFPOp, arith::UIToFPOp>(op))
      break;
    value = op->getOperand(0);
  }
  return value;
}

bool mlir::effai::hasMultiplyAccumulateBody(linalg::LinalgOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1)
    return false;
  Block *body = op.getBlock();
  auto yield = dyn_cast<linalg::YieldOp>(body->getTerminator());
  if (!yield || yield.getNumOperands() != 1)
    return false;
  Value a = body->getArgument(0), b = body->getArgument(1);
  Value acc = body->getArgument(2);
  Operation *add = yield.getOperand(0).getDefiningOp();
  if (!add || !isa<arith::AddFOp, arith::AddIOp>(add))
    return false;
  Value product = add->getOperand(0) == acc   ? add->getOperand(1)
                  : add->getOperand(1) == acc ? add->getOperand(0)
                                              : Value();
  Operation *mul = product ? product.getDefiningOp() : nullptr;
  if (!mul || !isa<arith::MulFOp, arith::MulIOp>(mul) ||
      !product.hasOneUse())
    return false;
  Value x = stripCasts(mul->getOperand(0)), y = stripCasts(mul->getOperand(1));
  return (x == a && y == b) || (x == b && y == a);
}

std::optional<InputWidening>
mlir::effai::getInputWidening(linalg::LinalgOp op, unsigned index) {
  Type resultType = getElementTypeOrSelf(op.getDpsInitOperand(0)->get());
  Type inputType =
      getElementTypeOrSelf(op.getDpsInputOperand(index)->get().getType());
  if (inputType == resultType)
    return InputWidening::None;
  Value arg = op.getBlock()->getArgument(index);
  Operation *cast = arg.hasOneUse() ? *arg.getUsers().begin() : nullptr;
  if (!cast || cast->getNumResults() != 1 ||
      cast->getResult(0).getType() != resultType)
    return std::nullopt;
  if ((inputType.isF16() || inputType.isBF16()) && resultType.isF32())
    return isa<arith::ExtFOp>(cast) ? std::optional(InputWidening::Half)
                                    : std::nullopt;
  if (!inputType.isInteger(8) ||
      !(isa<FloatType>(resultType) || resultType.isInteger(32)))
    return std::nullopt;
  if (isa<arith::SIToFPOp, arith::ExtSIOp>(cast))
    return InputWidening::Signed8;
  if (isa<arith::UIToFPOp, arith::ExtUIOp>(cast))
    return InputWidening::Unsigned8;
  return std::nullopt;
}

bool mlir::effai::fitBits(ArrayRef<char> codes, InputWidening widening,
                          int64_t bits) {
  if (widening != InputWidening::Signed8 &&
      widening != InputWidening::Unsigned8)
    return false;
  bool isSigned = widening == InputWidening::Signed8;
  int64_t low = isSigned ? -(int64_t(1) << (bits - 1)) : 0;
  int64_t high = low + (int64_t(1) << bits) - 1;
  return llvm::all_of(codes, [&](char c) {
    int64_t code = static_cast<int8_t>(c);
    return code >= low && code <= high;
  });
}

int64_t mlir::effai::getPackableCodeBits(linalg::LinalgOp op, unsigned index) {
  std::optional<InputWidening> widening = getInputWidening(op, index);
  ElementsAttr attr;
  if ((widening != InputWidening::Signed8 &&
       widening != InputWidening::Unsigned8) ||
      !matchPattern(op.getDpsInputOperand(index)->get(), m_Constant(&attr)))
    return 0;
  std::vector<char> splat;
  std::optional<ArrayRef<char>> bytes;
  if (auto splatAttr = dyn_cast<SplatElementsAttr>(attr)) {
    splat.push_back(
        static_cast<char>(splatAttr.getSplatValue<APInt>().getSExtValue()));
    bytes = ArrayRef<char>(splat);
  } else {
    bytes = getDenseBytes(attr);
  }
  if (!bytes)
    return 0;
  for (int64_t bits : {2, 4})
    if (fitBits(*bytes, *widening, bits))
      return bits;
  return 0;
}

bool mlir::effai::hasKernelElementTypes(linalg::LinalgOp op) {
  Type accType = getElementTypeOrSelf(op.getDpsInitOperand(0)->get().getType());
  std::optional<InputWidening> widenA = getInputWidening(op, 0);
  std::optional<InputWidening> widenB = getInputWidening(op, 1);
  return (accType.isF32() || accType.isInteger(32)) && widenA &&
         (*widenA == InputWidening::None || accType.isInteger(32)) && widenB &&
         *widenA != InputWidening::Half && *widenB != InputWidening::Half;
}

bool mlir::effai::hasOnlyF32Operands(Operation *op) {
  return llvm::all_of(op->getOperands(), [](Value v) {
    return getElementTypeOrSelf(v.getType()).isF32();
  });
}

linalg::GenericOp mlir::effai::findFusableEpilogue(linalg::LinalgOp op,
                                                   bool halfResults) {
  Value result = op->getResult(0);
  if (!result.hasOneUse())
    return {};
  auto consumer = dyn_cast<linalg::GenericOp>(*result.getUsers().begin());
  Type accType = getElementTypeOrSelf(result.getType());
  if (!consumer || consumer->getNumResults() != 1)
    return {};
  Type resultType = getElementTypeOrSelf(consumer->getResult(0));
  if (consumer.getNumReductionLoops() != 0 || consumer.getNumDpsInits() != 1 ||
      consumer.hasIndexSemantics() ||
      cast<ShapedType>(consumer->getResult(0).getType()).getShape() !=
          cast<ShapedType>(result.getType()).getShape() ||
      !(accType.isF32() || accType.isInteger(32)) ||
      !(isEpilogueElementType(resultType) ||
        (halfResults && (resultType.isF16() || resultType.isBF16()))) ||
      !hasByteSizedInputs(consumer))
    return {};
  for (OpOperand *input : consumer.getDpsInputOperands())
    if (input->get() == result &&
        !consumer.getMatchingIndexingMap(input).isIdentity())
      return {};
  for (Operation &inner : consumer.getBody()->without_terminator())
    if (!inner.hasTrait<OpTrait::Elementwise>() &&
        !isa<arith::ConstantOp>(inner))
      return {};
  return consumer;
}

bool mlir::effai::hasByteSizedInputs(linalg::GenericOp consumer) {
  return llvm::all_of(consumer.getDpsInputOperands(), [](OpOperand *input) {
    Type type = getElementTypeOrSelf(input->get().getType());
    return type.isIntOrFloat() && type.getIntOrFloatBitWidth() % 8 == 0;
  });
}

bool mlir::effai::isEpilogueElementType(Type type) {
  return type.isF32() || (type.isInteger() &&
                          type.getIntOrFloatBitWidth() % 8 == 0 &&
                          type.getIntOrFloatBitWidth() <= 32);
}

std::optional<unsigned>
mlir::effai::getDotProductDim(linalg::LinalgOp op,
                              const ContractionDims &dims) {
  if (!getElementTypeOrSelf(op.getDpsInitOperand(0)->get().getType())
           .isInteger(32) ||
      getInputWidening(op, 0) != InputWidening::Unsigned8 ||
      getInputWidening(op, 1) != InputWidening::Signed8)
    return std::nullopt;
  AffineMap map = op.getMatchingIndexingMap(op.getDpsInputOperand(0));
  auto type = cast<ShapedType>(op.getDpsInputOperand(0)->get().getType());
  if (map.getNumResults() == 0 || !type.hasStaticShape())
    return std::nullopt;
  // The innermost reduction dim A holds contiguously.
  std::optional<unsigned> found;
  for (unsigned d : llvm::reverse(dims.k))
    if (isContiguousAlong(map, d)) {
      found = d;
      break;
    }
  if (!found)
    return std::nullopt;
  // The largest innermost index read with `dim` rounded up to 4.
  std::optional<LinearForm> form =
      getLinearForm(map.getResults().back(), map.getNumDims());
  int64_t last = form->constant;
  for (unsigned d = 0; d < map.getNumDims(); ++d) {
    int64_t range = d == *found ? llvm::divideCeil(dims.ranges[d], 4) * 4
                                : dims.ranges[d];
    if (form->coeffs[d] < 0)
      return std::nullopt;
    last += form->coeffs[d] * (range - 1);
  }
  if (last >= type.getShape().back())
    return std::nullopt;
  return found;
}

FailureOr<ContractionDims> mlir::effai::analyzeContraction(linalg::LinalgOp op) {
  if (!hasMultiplyAccumulateBody(op) || op.hasDynamicShape())
    return failure();
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (!maps[2].isProjectedPermutation())
    return failure();
  ContractionDims dims;
  dims.ranges = op.getStaticLoopRanges();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  for (unsigned d = 0, e = op.getNumLoops(); d < e; ++d) {
    bool inA = maps[0].isFunctionOfDim(d), inB = maps[1].isFunctionOfDim(d);
    bool inC = maps[2].isFunctionOfDim(d);
    bool reduced = iterators[d] == utils::IteratorType::reduction;
    if (inC == reduced)
      return failure();
    if (inA && inB && inC)
      dims.batch.push_back(d);
    else if (inA && !inB && inC)
      dims.m.push_back(d);
    else if (!inA && inB && inC)
      dims.n.push_back(d);
    else if (inA && inB && !inC)
      dims.k.push_back(d);
    else
      return failure();
  }
  if (dims.k.empty())
    return failure();
  return dims;
}
