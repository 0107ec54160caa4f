//===- Shape.cpp - reshapes, slicing, gathering and constants ---*- C++ -*-===//
//
// Data-movement ops. Results take their static shape from ONNX inference;
// reshapes of host constants stay host constants so weights remain visible.
//
//===----------------------------------------------------------------------===//

#include "HandlerUtils.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::effai;
using namespace mlir::effai::onnx_import;

namespace {
Value indexConstant(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

/// Reshape, Flatten, Squeeze, Unsqueeze: only the inferred shape matters.
LogicalResult importReshapeLike(NodeContext &ctx) {
  RankedTensorType result = ctx.resultType(0);
  if (!result)
    return failure();
  if (const HostTensor *constant = ctx.constantInput(0)) {
    ctx.setConstantResult(0, constant->reshaped(result.getShape()));
    return success();
  }
  Value input = ctx.input(0);
  if (!input)
    return failure();
  ctx.setResult(0, buildReshape(ctx.b, ctx.loc, input, result));
  return success();
}

LogicalResult importIdentity(NodeContext &ctx) {
  ctx.forwardInput(0, 0);
  return success(!ctx.hadError());
}

/// Inference-time Dropout is the identity; the optional mask is all true.
/// Training-mode dropout (random) is refused.
LogicalResult importDropout(NodeContext &ctx) {
  if (ctx.hasInput(2)) {
    const HostTensor *training = ctx.constantInput(2);
    if (!training)
      return ctx.unsupported("training_mode computed at run time (effai "
                             "imports inference-time Dropout only)");
    if (training->getNumElements() && training->getInt(0) != 0)
      return ctx.unsupported("training-mode Dropout (random; effai imports "
                             "inference-time Dropout only)");
  }
  ctx.forwardInput(0, 0);
  if (ctx.hasOutput(1)) {
    RankedTensorType maskType = ctx.resultType(1);
    if (!maskType)
      return failure();
    ctx.setResult(
        1, buildFill(ctx.b, ctx.loc, maskType,
                     ctx.b.getIntegerAttr(maskType.getElementType(), 1)));
  }
  return success(!ctx.hadError());
}

LogicalResult importTranspose(NodeContext &ctx) {
  Value input = ctx.input(0);
  if (!input)
    return failure();
  int64_t rank = ctx.inputType(0).getRank();
  SmallVector<int64_t> perm = ctx.attrInts("perm");
  if (perm.empty())
    perm = llvm::to_vector(llvm::reverse(llvm::seq<int64_t>(0, rank)));
  SmallVector<int64_t> sorted(perm);
  llvm::sort(sorted);
  if (!llvm::equal(sorted, llvm::seq<int64_t>(0, rank))) {
    ctx.emitError() << "perm is not a permutation of 0.." << rank - 1;
    return failure();
  }
  ctx.setResult(0, buildTranspose(ctx.b, ctx.loc, input, perm));
  return success();
}

LogicalResult importConcat(NodeContext &ctx) {
  RankedTensorType result = ctx.resultType(0);
  if (!result)
    return failure();
  int64_t rank = result.getRank();
  FailureOr<int64_t> axisOr = ctx.attrAxis("axis", 0, rank);
  if (failed(axisOr))
    return failure();
  int64_t axis = *axisOr;
  Value acc = tensor::EmptyOp::create(ctx.b, ctx.loc, result.getShape(),
                                      result.getElementType());
  int64_t offset = 0;
  for (int64_t i = 0; i < ctx.getNumInputs(); ++i) {
    Value input = ctx.input(i);
    if (!input)
      return failure();
    auto type = cast<RankedTensorType>(input.getType());
    if (type.getRank() != rank) {
      ctx.emitError() << "input " << i << " has rank " << type.getRank()
                      << " but the result has rank " << rank;
      return failure();
    }
    SmallVector<OpFoldResult> offsets(rank, ctx.b.getIndexAttr(0));
    SmallVector<OpFoldResult> sizes, strides(rank, ctx.b.getIndexAttr(1));
    for (int64_t d = 0; d < rank; ++d)
      sizes.push_back(ctx.b.getIndexAttr(type.getDimSize(d)));
    offsets[axis] = ctx.b.getIndexAttr(offset);
    offset += type.getDimSize(axis);
    acc = tensor::InsertSliceOp::create(ctx.b, ctx.loc, input, acc, offsets,
                                        sizes, strides);
  }
  ctx.setResult(0, acc);
  return success();
}

LogicalResult importSplit(NodeContext &ctx) {
  Value input = ctx.input(0);
  if (!input)
    return failure();
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  FailureOr<int64_t> axisOr = ctx.attrAxis("axis", 0, rank);
  if (failed(axisOr))
    return failure();
  int64_t axis = *axisOr;
  int64_t offset = 0;
  for (int64_t i = 0; i < ctx.getNumOutputs(); ++i) {
    RankedTensorType result = ctx.resultType(i);
    if (!result)
      return failure();
    if (result.getRank() != rank) {
      ctx.emitError() << "output " << i << " has rank " << result.getRank()
                      << " but the input has rank " << rank;
      return failure();
    }
    SmallVector<OpFoldResult> offsets(rank, ctx.b.getIndexAttr(0));
    SmallVector<OpFoldResult> sizes, strides(rank, ctx.b.getIndexAttr(1));
    for (int64_t d = 0; d < rank; ++d)
      sizes.push_back(ctx.b.getIndexAttr(result.getDimSize(d)));
    offsets[axis] = ctx.b.getIndexAttr(offset);
    offset += result.getDimSize(axis);
    if (offset > type.getDimSize(axis)) {
      ctx.emitError() << "split sizes exceed dimension " << axis << " ("
                      << type.getDimSize(axis) << ")";
      return failure();
    }
    // An empty part has no valid offset to slice at.
    if (result.getNumElements() == 0) {
      ctx.setResult(i,
                    tensor::EmptyOp::create(ctx.b, ctx.loc, result.getShape(),
                                            result.getElementType()));
      continue;
    }
    ctx.setResult(i,
                  tensor::ExtractSliceOp::create(ctx.b, ctx.loc, result, input,
                                                 offsets, sizes, strides));
  }
  return success();
}

LogicalResult importSlice(NodeContext &ctx) {
  Value input;
  RankedTensorType type, result;
  if (failed(ctx.getUnaryOperands(input, type, result)))
    return failure();
  int64_t rank = type.getRank();
  SmallVector<int64_t> starts, ends, axes, steps;
  if (ctx.opset < 10) {
    starts = ctx.attrInts("starts");
    ends = ctx.attrInts("ends");
    axes = ctx.attrInts("axes");
  } else {
    FailureOr<SmallVector<int64_t>> s = ctx.constantInts(1, "starts");
    FailureOr<SmallVector<int64_t>> e = ctx.constantInts(2, "ends");
    if (failed(s) || failed(e))
      return failure();
    starts = *s;
    ends = *e;
    if (ctx.hasInput(3)) {
      FailureOr<SmallVector<int64_t>> a = ctx.constantInts(3, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
    if (ctx.hasInput(4)) {
      FailureOr<SmallVector<int64_t>> st = ctx.constantInts(4, "steps");
      if (failed(st))
        return failure();
      steps = *st;
    }
  }
  if (axes.empty())
    axes = llvm::to_vector(llvm::seq<int64_t>(0, starts.size()));
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size()) {
    ctx.emitError() << "starts, ends, axes and steps must have equal lengths";
    return failure();
  }
  SmallVector<int64_t> offset(rank, 0), stride(rank, 1);
  for (auto [start, end, axisIn, step] : llvm::zip(starts, ends, axes, steps)) {
    int64_t axis = normalizeAxis(axisIn, rank);
    if (axis < 0 || step == 0) {
      ctx.emitError() << (step == 0 ? "a step is 0"
                                    : "an axis is out of range");
      return failure();
    }
    int64_t dim = type.getDimSize(axis);
    if (start < 0)
      start += dim;
    start = step > 0 ? std::clamp<int64_t>(start, 0, dim)
                     : std::clamp<int64_t>(start, 0, dim - 1);
    offset[axis] = start;
    stride[axis] = step;
  }
  bool positive = llvm::all_of(stride, [](int64_t s) { return s > 0; });
  OpBuilder &b = ctx.b;
  if (positive) {
    SmallVector<OpFoldResult> offsets, sizes, strides;
    for (int64_t d = 0; d < rank; ++d) {
      offsets.push_back(b.getIndexAttr(offset[d]));
      sizes.push_back(b.getIndexAttr(result.getDimSize(d)));
      strides.push_back(b.getIndexAttr(stride[d]));
    }
    ctx.setResult(0, tensor::ExtractSliceOp::create(b, ctx.loc, result, input,
                                                    offsets, sizes, strides));
    return success();
  }
  // Negative steps walk backwards: gather source[offset + step * i].
  ctx.setResult(
      0, buildGather(
             b, ctx.loc, result, input, {},
             [&](OpBuilder &b, Location loc, ValueRange position, ValueRange) {
               SmallVector<Value> coords;
               for (int64_t d = 0; d < rank; ++d) {
                 Value start = indexConstant(b, loc, offset[d]);
                 Value step = indexConstant(b, loc, stride[d]);
                 Value walked =
                     arith::MulIOp::create(b, loc, position[d], step);
                 coords.push_back(arith::AddIOp::create(b, loc, start, walked));
               }
               return coords;
             }));
  return success();
}

LogicalResult importGather(NodeContext &ctx) {
  Value data = ctx.input(0), indices = ctx.input(1);
  RankedTensorType result = ctx.resultType(0);
  if (!data || !indices || !result)
    return failure();
  auto dataType = cast<RankedTensorType>(data.getType());
  auto indicesType = cast<RankedTensorType>(indices.getType());
  FailureOr<int64_t> axisOr = ctx.attrAxis("axis", 0, dataType.getRank());
  if (failed(axisOr))
    return failure();
  int64_t axis = *axisOr;
  int64_t indexRank = indicesType.getRank();
  int64_t dim = dataType.getDimSize(axis);
  // Present the indices at the result's rank: dims [axis, axis+indexRank).
  SmallVector<int64_t> spread(result.getRank(), 1);
  for (int64_t j = 0; j < indexRank; ++j)
    spread[axis + j] = indicesType.getDimSize(j);
  Value spreadIndices =
      buildReshape(ctx.b, ctx.loc, indices,
                   RankedTensorType::get(spread, indicesType.getElementType()));
  ctx.setResult(
      0, buildGather(ctx.b, ctx.loc, result, data, spreadIndices,
                     [&](OpBuilder &b, Location loc, ValueRange position,
                         ValueRange scalars) {
                       Value index = arith::IndexCastOp::create(
                           b, loc, b.getIndexType(), scalars[0]);
                       // Negative indices count from the end.
                       Value negative = arith::CmpIOp::create(
                           b, loc, arith::CmpIPredicate::slt, index,
                           indexConstant(b, loc, 0));
                       index = arith::SelectOp::create(
                           b, loc, negative,
                           arith::AddIOp::create(b, loc, index,
                                                 indexConstant(b, loc, dim)),
                           index);
                       // Out-of-range indices (ONNX: an error) are clamped:
                       // the kernels have no error path, and an embedding
                       // lookup with a bad id must not read outside `data`.
                       index = arith::MaxSIOp::create(b, loc, index,
                                                      indexConstant(b, loc, 0));
                       index = arith::MinSIOp::create(
                           b, loc, index, indexConstant(b, loc, dim - 1));
                       SmallVector<Value> coords;
                       for (int64_t d = 0; d < axis; ++d)
                         coords.push_back(position[d]);
                       coords.push_back(index);
                       for (int64_t d = axis + indexRank; d < result.getRank();
                            ++d)
                         coords.push_back(position[d]);
                       return coords;
                     }));
  return success();
}

LogicalResult importShape(NodeContext &ctx) {
  RankedTensorType type = ctx.inputType(0);
  if (!type)
    return failure();
  int64_t rank = type.getRank();
  auto clampIndex = [&](int64_t i) {
    if (i < 0)
      i += rank;
    return std::clamp<int64_t>(i, 0, rank);
  };
  int64_t start = clampIndex(ctx.attrInt("start", 0));
  int64_t end =
      ctx.hasAttr("end") ? clampIndex(ctx.attrInt("end", rank)) : rank;
  SmallVector<int64_t> dims;
  for (int64_t d = start; d < end; ++d)
    dims.push_back(type.getDimSize(d));
  ctx.setConstantResult(0, HostTensor::fromInt64s(ctx.getContext(), dims));
  return success();
}

LogicalResult importSize(NodeContext &ctx) {
  RankedTensorType type = ctx.inputType(0);
  if (!type)
    return failure();
  HostTensor size =
      HostTensor::fromInt64s(ctx.getContext(), {type.getNumElements()});
  ctx.setConstantResult(0, size.reshaped({}));
  return success();
}

LogicalResult importConstant(NodeContext &ctx) {
  HostTensor value;
  std::string error;
  MLIRContext *context = ctx.getContext();
  if (const onnx::TensorProto *tensor = ctx.attrTensor("value")) {
    if (!HostTensor::fromProto(context, *tensor, ctx.getExternalDataDir(),
                               value, error)) {
      ctx.emitError() << error;
      return failure();
    }
  } else if (ctx.hasAttr("value_int")) {
    value = HostTensor::fromInt64s(context, {ctx.attrInt("value_int", 0)})
                .reshaped({});
  } else if (ctx.hasAttr("value_ints")) {
    value = HostTensor::fromInt64s(context, ctx.attrInts("value_ints"));
  } else if (ctx.hasAttr("value_float") || ctx.hasAttr("value_floats")) {
    SmallVector<float> floats =
        ctx.hasAttr("value_float")
            ? SmallVector<float>{ctx.attrFloat("value_float", 0)}
            : ctx.attrFloats("value_floats");
    SmallVector<int64_t> shape;
    if (!ctx.hasAttr("value_float"))
      shape.push_back(floats.size());
    value = HostTensor::fromFloats(context, floats, shape);
  } else {
    return ctx.unsupported("Constant without a numeric value attribute "
                           "(sparse or string constants)");
  }
  ctx.setConstantResult(0, std::move(value));
  return success(!ctx.hadError());
}

LogicalResult importConstantOfShape(NodeContext &ctx) {
  RankedTensorType result = ctx.resultType(0);
  if (!result)
    return failure();
  double fill = 0.0;
  if (const onnx::TensorProto *tensor = ctx.attrTensor("value")) {
    HostTensor value;
    std::string error;
    if (!HostTensor::fromProto(ctx.getContext(), *tensor, "", value, error)) {
      ctx.emitError() << error;
      return failure();
    }
    if (value.getNumElements() != 1) {
      ctx.emitError() << "attribute 'value' must hold one element";
      return failure();
    }
    fill = value.getDouble(0);
  }
  ctx.setResult(0, buildFill(ctx.b, ctx.loc, result,
                             getScalarAttr(result.getElementType(), fill)));
  return success();
}

LogicalResult importExpand(NodeContext &ctx) {
  Value input = ctx.input(0);
  RankedTensorType result = ctx.resultType(0);
  if (!input || !result)
    return failure();
  ctx.setResult(0, buildElementwise(ctx.b, ctx.loc, result, input,
                                    [](OpBuilder &, Location, ValueRange a) {
                                      return a[0];
                                    }));
  return success();
}

LogicalResult importTile(NodeContext &ctx) {
  Value input;
  RankedTensorType type, result;
  if (failed(ctx.getUnaryOperands(input, type, result)))
    return failure();
  ctx.setResult(0,
                buildGather(ctx.b, ctx.loc, result, input, {},
                            [&](OpBuilder &b, Location loc, ValueRange position,
                                ValueRange) {
                              SmallVector<Value> coords;
                              for (int64_t d = 0; d < type.getRank(); ++d)
                                coords.push_back(arith::RemUIOp::create(
                                    b, loc, position[d],
                                    indexConstant(b, loc, type.getDimSize(d))));
                              return coords;
                            }));
  return success();
}

LogicalResult importPad(NodeContext &ctx) {
  Value input;
  RankedTensorType type, result;
  if (failed(ctx.getUnaryOperands(input, type, result)))
    return failure();
  int64_t rank = type.getRank();
  std::string mode = ctx.attrString("mode", "constant");
  SmallVector<int64_t> pads;
  double padValue = 0.0;
  Value padScalar;
  if (ctx.opset < 11) {
    pads = ctx.attrInts("pads");
    padValue = ctx.attrFloat("value", 0.0f);
  } else {
    FailureOr<SmallVector<int64_t>> p = ctx.constantInts(1, "pads");
    if (failed(p))
      return failure();
    pads = *p;
    if (ctx.hasInput(2)) {
      if (const HostTensor *value = ctx.constantInput(2)) {
        padValue = value->getNumElements() ? value->getDouble(0) : 0.0;
      } else {
        Value tensor = ctx.input(2);
        if (!tensor)
          return failure();
        padScalar =
            tensor::ExtractOp::create(ctx.b, ctx.loc, tensor, ValueRange{});
      }
    }
  }
  if (int64_t(pads.size()) != 2 * rank) {
    ctx.emitError() << "pads has " << pads.size() << " values, expected "
                    << 2 * rank;
    return failure();
  }
  if (llvm::any_of(pads, [](int64_t p) { return p < 0; }))
    return ctx.unsupported("negative pads (cropping)");
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  if (mode == "constant") {
    SmallVector<OpFoldResult> low, high;
    for (int64_t d = 0; d < rank; ++d) {
      low.push_back(b.getIndexAttr(pads[d]));
      high.push_back(b.getIndexAttr(pads[d + rank]));
    }
    if (!padScalar)
      padScalar = buildScalar(b, loc, type.getElementType(), padValue);
    ctx.setResult(
        0, tensor::PadOp::create(b, loc, result, input, low, high, padScalar));
    return success();
  }
  if (mode != "reflect" && mode != "edge")
    return ctx.unsupported("Pad mode '" + mode + "'");
  bool reflect = mode == "reflect";
  ctx.setResult(
      0, buildGather(
             b, loc, result, input, {},
             [&](OpBuilder &b, Location loc, ValueRange position, ValueRange) {
               SmallVector<Value> coords;
               for (int64_t d = 0; d < rank; ++d) {
                 int64_t dim = type.getDimSize(d);
                 Value src = arith::SubIOp::create(
                     b, loc, position[d], indexConstant(b, loc, pads[d]));
                 Value zero = indexConstant(b, loc, 0);
                 Value last = indexConstant(b, loc, dim - 1);
                 if (reflect) {
                   // -i before the start, 2*last - i past the end.
                   Value before = arith::CmpIOp::create(
                       b, loc, arith::CmpIPredicate::slt, src, zero);
                   src = arith::SelectOp::create(
                       b, loc, before, arith::SubIOp::create(b, loc, zero, src),
                       src);
                   Value after = arith::CmpIOp::create(
                       b, loc, arith::CmpIPredicate::sgt, src, last);
                   Value mirrored = arith::SubIOp::create(
                       b, loc, indexConstant(b, loc, 2 * (dim - 1)), src);
                   src = arith::SelectOp::create(b, loc, after, mirrored, src);
                 }
                 src = arith::MaxSIOp::create(b, loc, src, zero);
                 src = arith::MinSIOp::create(b, loc, src, last);
                 coords.push_back(src);
               }
               return coords;
             }));
  return success();
}
} // namespace

void mlir::effai::onnx_import::registerShapeHandlers(OpHandlerRegistry &r) {
  for (StringRef op : {"Reshape", "Flatten", "Squeeze", "Unsqueeze"})
    r.add(op, importReshapeLike);
  r.add("Identity", importIdentity);
  r.add("Dropout", importDropout);
  r.add("Transpose", importTranspose);
  r.add("Concat", importConcat);
  r.add("Split", importSplit);
  r.add("Slice", importSlice);
  r.add("Gather", importGather);
  r.add("Shape", importShape);
  r.add("Size", importSize);
  r.add("Constant", importConstant);
  r.add("ConstantOfShape", importConstantOfShape);
  r.add("Expand", importExpand);
  r.add("Tile", importTile);
  r.add("Pad", importPad);
}
