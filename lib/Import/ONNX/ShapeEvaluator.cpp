//===- ShapeEvaluator.cpp - evaluate ONNX shape computations ----*- C++ -*-===//
//
// Host semantics of the ops exporters use to compute shapes, following the
// ONNX operator specification (broadcasting, negative axes, Slice clamping,
// Reshape's 0 and -1). Anything outside that, or anything that would be
// wrong to guess (integer division by zero, unknown attributes), is left
// unevaluated for the importer to handle or refuse.
//
//===----------------------------------------------------------------------===//

#include "ShapeEvaluator.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringMap.h"

#include <cmath>
#include <functional>
#include <limits>

using namespace mlir::effai::onnx_import;
using onnx::TensorProto;
using Shape = std::vector<int64_t>;

//===----------------------------------------------------------------------===//
// Attributes and shapes
//===----------------------------------------------------------------------===//

namespace {
/// One node being evaluated: its attributes, inputs and the size limit.
struct Evaluation {
  const onnx::NodeProto &node;
  int64_t opset;
  llvm::ArrayRef<EvaluatorInput> inputs;
  int64_t maxElements;

  const onnx::AttributeProto *attr(llvm::StringRef name) const {
    for (const onnx::AttributeProto &a : node.attribute())
      if (a.name() == name)
        return &a;
    return nullptr;
  }
  int64_t attrInt(llvm::StringRef name, int64_t dflt) const {
    const onnx::AttributeProto *a = attr(name);
    return a && a->type() == onnx::AttributeProto::INT ? a->i() : dflt;
  }
  std::optional<Shape> attrInts(llvm::StringRef name) const {
    const onnx::AttributeProto *a = attr(name);
    if (!a || a->type() != onnx::AttributeProto::INTS)
      return std::nullopt;
    return Shape(a->ints().begin(), a->ints().end());
  }

  int64_t numInputs() const { return int64_t(inputs.size()); }
  bool has(int64_t i) const { return i < numInputs() && inputs[i].present; }
  /// Input `i`'s value, or null when absent or unknown.
  const KnownTensor *value(int64_t i) const {
    return has(i) ? inputs[i].value : nullptr;
  }
  /// Input `i`'s values as integers.
  std::optional<Shape> ints(int64_t i) const {
    const KnownTensor *t = value(i);
    if (!t)
      return std::nullopt;
    Shape v;
    for (int64_t k = 0, e = t->getNumElements(); k < e; ++k)
      v.push_back(t->integer(k));
    return v;
  }
  /// The integer list given by input `i` from `sinceOpset` on, else by
  /// attribute `name`; an absent one yields `absent`.
  std::optional<std::optional<Shape>>
  intsFromInputOrAttr(int64_t i, llvm::StringRef name,
                      int64_t sinceOpset) const {
    if (opset >= sinceOpset) {
      if (!has(i))
        return std::optional<Shape>();
      std::optional<Shape> v = ints(i);
      if (!v)
        return std::nullopt;
      return v;
    }
    return attrInts(name);
  }
  bool fits(const Shape &dims) const {
    int64_t count = 1;
    for (int64_t dim : dims) {
      if (dim < 0 || (dim != 0 && count > maxElements / dim))
        return false;
      count *= dim;
    }
    return true;
  }
};
} // namespace

/// Normalizes a possibly negative `axis` of a rank-`rank` tensor.
static std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}

static Shape stridesOf(const Shape &dims) {
  Shape strides(dims.size(), 1);
  for (int64_t d = int64_t(dims.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * dims[d + 1];
  return strides;
}

/// A tensor of `dims` whose element at coordinates (c0, c1, ...) is the
/// element of `data` at (source(0, c0), source(1, c1), ...).
static KnownTensor
remapped(const KnownTensor &data, const Shape &dims,
         llvm::function_ref<int64_t(size_t, int64_t)> source) {
  KnownTensor result = makeTensor(data.dataType, dims);
  Shape outStrides = stridesOf(dims), inStrides = stridesOf(data.dims);
  for (int64_t flat = 0, e = result.getNumElements(); flat < e; ++flat) {
    int64_t rest = flat, index = 0;
    for (size_t d = 0; d < dims.size(); ++d) {
      int64_t coord = rest / outStrides[d];
      rest %= outStrides[d];
      index += source(d, coord) * inStrides[d];
    }
    copyElement(data, index, result, flat);
  }
  return result;
}

/// Numpy broadcasting of `shapes`, or nullopt when they are incompatible.
static std::optional<Shape> broadcastShapes(llvm::ArrayRef<Shape> shapes) {
  size_t rank = 0;
  for (const Shape &s : shapes)
    rank = std::max(rank, s.size());
  Shape result(rank, 1);
  for (const Shape &s : shapes)
    for (size_t i = 0; i < s.size(); ++i) {
      int64_t &out = result[rank - s.size() + i];
      int64_t dim = s[i];
      if (dim == out || dim == 1)
        continue;
      if (out != 1)
        return std::nullopt;
      out = dim;
    }
  return result;
}

/// For each element of a tensor of `outDims`, the flat index of the element
/// of a tensor of `inDims` that broadcasting reads.
static Shape broadcastIndices(const Shape &outDims, const Shape &inDims) {
  Shape outStrides = stridesOf(outDims), inStrides = stridesOf(inDims);
  size_t offset = outDims.size() - inDims.size();
  int64_t count = 1;
  for (int64_t dim : outDims)
    count *= dim;
  Shape indices(count);
  for (int64_t flat = 0; flat < count; ++flat) {
    int64_t rest = flat, index = 0;
    for (size_t d = 0; d < outDims.size(); ++d) {
      int64_t coord = rest / outStrides[d];
      rest %= outStrides[d];
      if (d >= offset && inDims[d - offset] != 1)
        index += coord * inStrides[d - offset];
    }
    indices[flat] = index;
  }
  return indices;
}

//===----------------------------------------------------------------------===//
// Elementwise ops
//===----------------------------------------------------------------------===//

using Result = std::optional<std::vector<KnownTensor>>;

static Result single(KnownTensor t) {
  return std::vector<KnownTensor>{std::move(t)};
}

/// Evaluates an elementwise op over the broadcast of all inputs. `compute`
/// fills element `i` of the result from the input indices `at`.
static Result elementwise(
    const Evaluation &ev, int32_t resultType,
    const std::function<bool(llvm::ArrayRef<const KnownTensor *>,
                             llvm::ArrayRef<int64_t>, KnownTensor &, int64_t)>
        &compute) {
  std::vector<const KnownTensor *> args;
  std::vector<Shape> shapes;
  for (int64_t i = 0; i < ev.numInputs(); ++i) {
    const KnownTensor *t = ev.value(i);
    if (!t)
      return std::nullopt;
    args.push_back(t);
    shapes.push_back(t->dims);
  }
  std::optional<Shape> dims = broadcastShapes(shapes);
  if (!dims || !ev.fits(*dims) || !isSupportedType(resultType))
    return std::nullopt;
  std::vector<Shape> indices;
  for (const Shape &s : shapes)
    indices.push_back(broadcastIndices(*dims, s));
  KnownTensor result = makeTensor(resultType, *dims);
  Shape at(args.size());
  for (int64_t i = 0, e = result.getNumElements(); i < e; ++i) {
    for (size_t a = 0; a < args.size(); ++a)
      at[a] = indices[a][i];
    if (!compute(args, at, result, i))
      return std::nullopt;
  }
  return single(std::move(result));
}

/// Arithmetic with one formula for reals and one for integers (which may
/// refuse, e.g. a division by zero). Inputs share the result's type.
static Result arithmetic(
    const Evaluation &ev, const std::function<double(double, double)> &real,
    const std::function<std::optional<int64_t>(int64_t, int64_t)> &integer) {
  const KnownTensor *first = ev.value(0);
  if (!first)
    return std::nullopt;
  int32_t type = first->dataType;
  return elementwise(
      ev, type,
      [&](llvm::ArrayRef<const KnownTensor *> args, llvm::ArrayRef<int64_t> at,
          KnownTensor &out, int64_t i) {
        if (out.isReal()) {
          double acc = args[0]->real(at[0]);
          for (size_t a = 1; a < args.size(); ++a)
            acc = roundReal(type, real(acc, args[a]->real(at[a])));
          out.reals[i] = roundReal(type, acc);
          return true;
        }
        int64_t acc = args[0]->integer(at[0]);
        for (size_t a = 1; a < args.size(); ++a) {
          std::optional<int64_t> v = integer(acc, args[a]->integer(at[a]));
          if (!v)
            return false;
          acc = wrapInteger(type, *v);
        }
        out.ints[i] = wrapInteger(type, acc);
        return true;
      });
}

/// A comparison or logical op: a boolean result.
static Result predicate(const Evaluation &ev,
                        const std::function<bool(double, double)> &real,
                        const std::function<bool(int64_t, int64_t)> &integer) {
  return elementwise(
      ev, TensorProto::BOOL,
      [&](llvm::ArrayRef<const KnownTensor *> args, llvm::ArrayRef<int64_t> at,
          KnownTensor &out, int64_t i) {
        const KnownTensor &a = *args[0];
        const KnownTensor &b = *args.back();
        bool value = a.isReal() || b.isReal()
                         ? real(a.real(at[0]), b.real(at.back()))
                         : integer(a.integer(at[0]), b.integer(at.back()));
        out.ints[i] = value;
        return true;
      });
}

static Result unaryReal(const Evaluation &ev, double (*fn)(double)) {
  const KnownTensor *in = ev.value(0);
  if (!in || !in->isReal())
    return std::nullopt;
  return elementwise(
      ev, in->dataType,
      [&](llvm::ArrayRef<const KnownTensor *> args, llvm::ArrayRef<int64_t> at,
          KnownTensor &out, int64_t i) {
        out.reals[i] = roundReal(out.dataType, fn(args[0]->reals[at[0]]));
        return true;
      });
}

static Result evaluateCast(const Evaluation &ev) {
  const KnownTensor *in = ev.value(0);
  int32_t to = int32_t(ev.attrInt("to", 0));
  if (!in || !isSupportedType(to))
    return std::nullopt;
  return elementwise(ev, to,
                     [&](llvm::ArrayRef<const KnownTensor *> args,
                         llvm::ArrayRef<int64_t> at, KnownTensor &out,
                         int64_t i) {
                       const KnownTensor &src = *args[0];
                       if (out.isReal()) {
                         out.reals[i] = roundReal(to, src.real(at[0]));
                         return true;
                       }
                       if (src.isReal()) {
                         double v = src.reals[at[0]];
                         if (to == TensorProto::BOOL) {
                           out.ints[i] = v != 0;
                           return true;
                         }
                         // Out-of-range float to integer conversion is
                         // undefined: refuse.
                         if (!std::isfinite(v) || std::fabs(v) >= 9.2e18)
                           return false;
                         out.ints[i] = wrapInteger(to, int64_t(v));
                         return true;
                       }
                       out.ints[i] = wrapInteger(to, src.ints[at[0]]);
                       return true;
                     });
}

static Result evaluateWhere(const Evaluation &ev) {
  const KnownTensor *x = ev.value(1), *y = ev.value(2);
  if (!x || !y || x->dataType != y->dataType)
    return std::nullopt;
  return elementwise(
      ev, x->dataType,
      [&](llvm::ArrayRef<const KnownTensor *> args, llvm::ArrayRef<int64_t> at,
          KnownTensor &out, int64_t i) {
        bool pick = args[0]->integer(at[0]) != 0;
        copyElement(*args[pick ? 1 : 2], at[pick ? 1 : 2], out, i);
        return true;
      });
}

//===----------------------------------------------------------------------===//
// Shape and data-movement ops
//===----------------------------------------------------------------------===//

static Result evaluateShape(const Evaluation &ev) {
  if (!ev.has(0) || !ev.inputs[0].shape)
    return std::nullopt;
  const Shape &dims = *ev.inputs[0].shape;
  int64_t rank = int64_t(dims.size());
  // Opset 15 added start/end, clamped to [0, rank].
  auto clampIndex = [&](int64_t i) {
    if (i < 0)
      i += rank;
    return std::clamp<int64_t>(i, 0, rank);
  };
  int64_t start = clampIndex(ev.attrInt("start", 0));
  int64_t end = clampIndex(ev.attrInt("end", rank));
  Shape values;
  for (int64_t d = start; d < end; ++d)
    values.push_back(dims[d]);
  int64_t count = int64_t(values.size());
  return single(makeInt64s({count}, std::move(values)));
}

static Result evaluateSize(const Evaluation &ev) {
  if (!ev.has(0) || !ev.inputs[0].shape)
    return std::nullopt;
  int64_t count = 1;
  for (int64_t dim : *ev.inputs[0].shape)
    count *= dim;
  return single(makeInt64s({}, {count}));
}

static Result evaluateGather(const Evaluation &ev) {
  const KnownTensor *data = ev.value(0);
  const KnownTensor *indices = ev.value(1);
  if (!data || !indices || indices->isReal())
    return std::nullopt;
  int64_t rank = int64_t(data->dims.size());
  std::optional<int64_t> axis = normalizeAxis(ev.attrInt("axis", 0), rank);
  if (!axis)
    return std::nullopt;
  int64_t axisDim = data->dims[*axis];
  Shape dims(data->dims.begin(), data->dims.begin() + *axis);
  dims.insert(dims.end(), indices->dims.begin(), indices->dims.end());
  dims.insert(dims.end(), data->dims.begin() + *axis + 1, data->dims.end());
  if (!ev.fits(dims))
    return std::nullopt;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < *axis; ++d)
    outer *= data->dims[d];
  for (int64_t d = *axis + 1; d < rank; ++d)
    inner *= data->dims[d];
  KnownTensor result = makeTensor(data->dataType, dims);
  int64_t count = indices->getNumElements(), out = 0;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t k = 0; k < count; ++k) {
      int64_t index = indices->ints[k];
      if (index < 0)
        index += axisDim;
      if (index < 0 || index >= axisDim)
        return std::nullopt;
      for (int64_t n = 0; n < inner; ++n)
        copyElement(*data, (o * axisDim + index) * inner + n, result, out++);
    }
  return single(std::move(result));
}

static Result evaluateSlice(const Evaluation &ev) {
  const KnownTensor *data = ev.value(0);
  if (!data)
    return std::nullopt;
  int64_t rank = int64_t(data->dims.size());
  std::optional<Shape> starts, ends, axes, steps;
  if (ev.opset >= 10) {
    starts = ev.ints(1);
    ends = ev.ints(2);
    if (ev.has(3) && !(axes = ev.ints(3)))
      return std::nullopt;
    if (ev.has(4) && !(steps = ev.ints(4)))
      return std::nullopt;
  } else {
    starts = ev.attrInts("starts");
    ends = ev.attrInts("ends");
    axes = ev.attrInts("axes");
  }
  if (!starts || !ends || starts->size() != ends->size())
    return std::nullopt;
  if (!axes) {
    axes.emplace();
    for (size_t i = 0; i < starts->size(); ++i)
      axes->push_back(int64_t(i));
  }
  if (!steps)
    steps = Shape(starts->size(), 1);
  if (axes->size() != starts->size() || steps->size() != starts->size())
    return std::nullopt;
  Shape begin(rank, 0), step(rank, 1), dims = data->dims;
  for (size_t i = 0; i < starts->size(); ++i) {
    std::optional<int64_t> axis = normalizeAxis((*axes)[i], rank);
    if (!axis || (*steps)[i] == 0)
      return std::nullopt;
    int64_t dim = data->dims[*axis], s = (*steps)[i];
    int64_t first = (*starts)[i], last = (*ends)[i];
    if (first < 0)
      first += dim;
    if (last < 0)
      last += dim;
    if (s > 0) {
      first = std::clamp<int64_t>(first, 0, dim);
      last = std::clamp<int64_t>(last, 0, dim);
      dims[*axis] = last > first ? (last - first + s - 1) / s : 0;
    } else {
      first = std::clamp<int64_t>(first, 0, dim - 1);
      last = std::clamp<int64_t>(last, -1, dim - 1);
      dims[*axis] = first > last ? (first - last - s - 1) / -s : 0;
    }
    begin[*axis] = first;
    step[*axis] = s;
  }
  if (!ev.fits(dims))
    return std::nullopt;
  return single(remapped(*data, dims, [&](size_t d, int64_t coord) {
    return begin[d] + coord * step[d];
  }));
}

static Result evaluateConcat(const Evaluation &ev) {
  if (ev.numInputs() == 0 || !ev.value(0))
    return std::nullopt;
  const KnownTensor &first = *ev.value(0);
  int64_t rank = int64_t(first.dims.size());
  std::optional<int64_t> axis = normalizeAxis(ev.attrInt("axis", 0), rank);
  if (!axis)
    return std::nullopt;
  Shape dims = first.dims;
  dims[*axis] = 0;
  for (int64_t i = 0; i < ev.numInputs(); ++i) {
    const KnownTensor *t = ev.value(i);
    if (!t || t->dataType != first.dataType || int64_t(t->dims.size()) != rank)
      return std::nullopt;
    for (int64_t d = 0; d < rank; ++d)
      if (d != *axis && t->dims[d] != first.dims[d])
        return std::nullopt;
    dims[*axis] += t->dims[*axis];
  }
  if (!ev.fits(dims))
    return std::nullopt;
  int64_t outer = 1;
  for (int64_t d = 0; d < *axis; ++d)
    outer *= dims[d];
  KnownTensor result = makeTensor(first.dataType, dims);
  int64_t out = 0;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < ev.numInputs(); ++i) {
      const KnownTensor &t = *ev.value(i);
      int64_t chunk = t.getNumElements() / std::max<int64_t>(outer, 1);
      for (int64_t k = 0; k < chunk; ++k)
        copyElement(t, o * chunk + k, result, out++);
    }
  return single(std::move(result));
}

/// The same elements under `dims`.
static Result reshaped(const KnownTensor &t, Shape dims) {
  KnownTensor result = t;
  result.dims = std::move(dims);
  if (result.getNumElements() != t.getNumElements())
    return std::nullopt;
  return single(std::move(result));
}

static Result evaluateUnsqueeze(const Evaluation &ev) {
  const KnownTensor *data = ev.value(0);
  std::optional<std::optional<Shape>> axes =
      ev.intsFromInputOrAttr(1, "axes", 13);
  if (!data || !axes || !*axes)
    return std::nullopt;
  int64_t rank = int64_t(data->dims.size() + (*axes)->size());
  std::vector<bool> inserted(rank, false);
  for (int64_t axis : **axes) {
    std::optional<int64_t> a = normalizeAxis(axis, rank);
    if (!a || inserted[*a])
      return std::nullopt;
    inserted[*a] = true;
  }
  Shape dims;
  size_t next = 0;
  for (int64_t d = 0; d < rank; ++d)
    dims.push_back(inserted[d] ? 1 : data->dims[next++]);
  return reshaped(*data, dims);
}

static Result evaluateSqueeze(const Evaluation &ev) {
  const KnownTensor *data = ev.value(0);
  std::optional<std::optional<Shape>> axes =
      ev.intsFromInputOrAttr(1, "axes", 13);
  if (!data || !axes)
    return std::nullopt;
  int64_t rank = int64_t(data->dims.size());
  std::vector<bool> removed(rank, false);
  if (!*axes) {
    for (int64_t d = 0; d < rank; ++d)
      removed[d] = data->dims[d] == 1;
  } else {
    for (int64_t axis : **axes) {
      std::optional<int64_t> a = normalizeAxis(axis, rank);
      if (!a || data->dims[*a] != 1)
        return std::nullopt;
      removed[*a] = true;
    }
  }
  Shape dims;
  for (int64_t d = 0; d < rank; ++d)
    if (!removed[d])
      dims.push_back(data->dims[d]);
  return reshaped(*data, dims);
}

static Result evaluateReshape(const Evaluation &ev) {
  const KnownTensor *data = ev.value(0);
  std::optional<Shape> target = ev.ints(1);
  if (!data || !target)
    return std::nullopt;
  bool allowZero = ev.attrInt("allowzero", 0) != 0;
  Shape dims;
  int64_t known = 1, inferred = -1;
  for (size_t d = 0; d < target->size(); ++d) {
    int64_t dim = (*target)[d];
    if (dim == 0 && !allowZero) {
      if (d >= data->dims.size())
        return std::nullopt;
      dim = data->dims[d];
    }
    if (dim == -1) {
      if (inferred >= 0)
        return std::nullopt;
      inferred = int64_t(d);
      dims.push_back(1);
      continue;
    }
    if (dim < 0)
      return std::nullopt;
    known *= dim;
    dims.push_back(dim);
  }
  if (inferred >= 0) {
    if (known == 0 || data->getNumElements() % known)
      return std::nullopt;
    dims[inferred] = data->getNumElements() / known;
  }
  return reshaped(*data, dims);
}

static Result evaluateConstantOfShape(const Evaluation &ev) {
  std::optional<Shape> dims = ev.ints(0);
  if (!dims || !ev.fits(*dims))
    return std::nullopt;
  KnownTensor fill = makeTensor(TensorProto::FLOAT, {1});
  if (const onnx::AttributeProto *value = ev.attr("value")) {
    std::optional<KnownTensor> t = readKnownTensor(value->t(), 1);
    if (!t || t->getNumElements() != 1)
      return std::nullopt;
    fill = *t;
  }
  KnownTensor result = makeTensor(fill.dataType, *dims);
  for (int64_t i = 0, e = result.getNumElements(); i < e; ++i)
    copyElement(fill, 0, result, i);
  return single(std::move(result));
}

static Result evaluateRange(const Evaluation &ev) {
  const KnownTensor *start = ev.value(0), *limit = ev.value(1),
                    *delta = ev.value(2);
  if (!start || !limit || !delta || start->getNumElements() != 1 ||
      limit->getNumElements() != 1 || delta->getNumElements() != 1)
    return std::nullopt;
  double s = start->real(0), l = limit->real(0), d = delta->real(0);
  if (d == 0)
    return std::nullopt;
  double steps = std::ceil((l - s) / d);
  int64_t count = steps > 0 ? int64_t(steps) : 0;
  if (!ev.fits({count}))
    return std::nullopt;
  KnownTensor result = makeTensor(start->dataType, {count});
  for (int64_t i = 0; i < count; ++i) {
    if (result.isReal())
      result.reals[i] = roundReal(result.dataType, s + double(i) * d);
    else
      result.ints[i] =
          wrapInteger(result.dataType, start->ints[0] + i * delta->ints[0]);
  }
  return single(std::move(result));
}

static Result evaluateExpand(const Evaluation &ev) {
  const KnownTensor *data = ev.value(0);
  std::optional<Shape> shape = ev.ints(1);
  if (!data || !shape)
    return std::nullopt;
  std::optional<Shape> dims = broadcastShapes({data->dims, *shape});
  if (!dims || !ev.fits(*dims))
    return std::nullopt;
  Shape indices = broadcastIndices(*dims, data->dims);
  KnownTensor result = makeTensor(data->dataType, *dims);
  for (int64_t i = 0, e = result.getNumElements(); i < e; ++i)
    copyElement(*data, indices[i], result, i);
  return single(std::move(result));
}

static Result evaluateTile(const Evaluation &ev) {
  const KnownTensor *data = ev.value(0);
  std::optional<Shape> repeats = ev.ints(1);
  if (!data || !repeats || repeats->size() != data->dims.size())
    return std::nullopt;
  Shape dims = data->dims;
  for (size_t d = 0; d < dims.size(); ++d) {
    if ((*repeats)[d] < 0)
      return std::nullopt;
    dims[d] *= (*repeats)[d];
  }
  if (!ev.fits(dims))
    return std::nullopt;
  return single(remapped(*data, dims, [&](size_t d, int64_t coord) {
    return coord % data->dims[d];
  }));
}

/// ReduceSum/ReduceProd/ReduceMin/ReduceMax over integer shape data.
static Result evaluateReduce(const Evaluation &ev, llvm::StringRef op) {
  const KnownTensor *data = ev.value(0);
  // ReduceSum takes axes as an input from opset 13, the others from 18.
  std::optional<std::optional<Shape>> axes =
      ev.intsFromInputOrAttr(1, "axes", op == "ReduceSum" ? 13 : 18);
  if (!data || data->isReal() || !axes)
    return std::nullopt;
  int64_t rank = int64_t(data->dims.size());
  std::vector<bool> reduced(rank, !*axes || (*axes)->empty());
  if (*axes && (*axes)->empty() && ev.attrInt("noop_with_empty_axes", 0))
    return single(*data);
  if (*axes)
    for (int64_t axis : **axes) {
      std::optional<int64_t> a = normalizeAxis(axis, rank);
      if (!a)
        return std::nullopt;
      reduced[*a] = true;
    }
  bool keepDims = ev.attrInt("keepdims", 1) != 0;
  Shape kept(rank), dims;
  for (int64_t d = 0; d < rank; ++d) {
    kept[d] = reduced[d] ? 1 : data->dims[d];
    if (!reduced[d] || keepDims)
      dims.push_back(kept[d]);
  }
  if (data->getNumElements() == 0 && op != "ReduceSum" && op != "ReduceProd")
    return std::nullopt;
  int64_t init = op == "ReduceProd"  ? 1
                 : op == "ReduceMin" ? std::numeric_limits<int64_t>::max()
                 : op == "ReduceMax" ? std::numeric_limits<int64_t>::min()
                                     : 0;
  KnownTensor result = makeTensor(data->dataType, dims);
  std::fill(result.ints.begin(), result.ints.end(), init);
  Shape inStrides = stridesOf(data->dims), outStrides = stridesOf(kept);
  for (int64_t flat = 0, e = data->getNumElements(); flat < e; ++flat) {
    int64_t rest = flat, target = 0;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t coord = rest / inStrides[d];
      rest %= inStrides[d];
      if (!reduced[d])
        target += coord * outStrides[d];
    }
    int64_t &acc = result.ints[target];
    int64_t v = data->ints[flat];
    acc = op == "ReduceProd"  ? acc * v
          : op == "ReduceMin" ? std::min(acc, v)
          : op == "ReduceMax" ? std::max(acc, v)
                              : acc + v;
    acc = wrapInteger(data->dataType, acc);
  }
  return single(std::move(result));
}

static Result evaluateConstant(const Evaluation &ev) {
  if (ev.node.attribute_size() != 1)
    return std::nullopt;
  const onnx::AttributeProto &a = ev.node.attribute(0);
  if (a.name() == "value")
    if (std::optional<KnownTensor> t = readKnownTensor(a.t(), ev.maxElements))
      return single(std::move(*t));
  if (a.name() == "value_int")
    return single(makeInt64s({}, {a.i()}));
  if (a.name() == "value_ints")
    return single(makeInt64s({int64_t(a.ints_size())},
                             Shape(a.ints().begin(), a.ints().end())));
  if (a.name() == "value_float" || a.name() == "value_floats") {
    bool scalar = a.name() == "value_float";
    KnownTensor t = makeTensor(
        TensorProto::FLOAT, scalar ? Shape{} : Shape{int64_t(a.floats_size())});
    for (int64_t i = 0, e = t.getNumElements(); i < e; ++i)
      t.reals[i] = scalar ? a.f() : a.floats(int(i));
    return single(std::move(t));
  }
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Dispatch
//===----------------------------------------------------------------------===//

namespace {
using Evaluator = std::function<Result(const Evaluation &)>;

/// An arithmetic op whose integer form cannot fail.
template <typename RealFn, typename IntFn>
Evaluator arithmeticOp(RealFn real, IntFn integer) {
  return [=](const Evaluation &ev) {
    return arithmetic(ev, real, [=](int64_t a, int64_t b) {
      return std::optional<int64_t>(integer(a, b));
    });
  };
}

/// A comparison, evaluated on reals when either side is real.
template <typename Fn> Evaluator compareOp(Fn fn) {
  return [=](const Evaluation &ev) {
    return predicate(
        ev, [=](double a, double b) { return fn(a, b); },
        [=](int64_t a, int64_t b) { return fn(a, b); });
  };
}

/// A logical op on booleans.
template <typename Fn> Evaluator logicOp(Fn fn) {
  return [=](const Evaluation &ev) -> Result {
    for (int64_t i = 0; i < ev.numInputs(); ++i)
      if (!ev.value(i) || ev.value(i)->dataType != TensorProto::BOOL)
        return std::nullopt;
    return predicate(
        ev, [](double, double) { return false; },
        [=](int64_t a, int64_t b) { return fn(a != 0, b != 0); });
  };
}

/// Neg and Abs: sign changes in the input's type.
Evaluator signOp(bool negate) {
  return [=](const Evaluation &ev) -> Result {
    const KnownTensor *in = ev.value(0);
    if (!in)
      return std::nullopt;
    return elementwise(
        ev, in->dataType,
        [=](llvm::ArrayRef<const KnownTensor *> args,
            llvm::ArrayRef<int64_t> at, KnownTensor &out, int64_t i) {
          if (out.isReal()) {
            double v = args[0]->reals[at[0]];
            out.reals[i] = negate || v < 0 ? -v : v;
          } else {
            int64_t v = args[0]->ints[at[0]];
            out.ints[i] = wrapInteger(out.dataType, negate || v < 0 ? -v : v);
          }
          return true;
        });
  };
}

/// Integer division and remainder, refused where C++ is undefined.
std::optional<int64_t> integerDivide(int64_t a, int64_t b) {
  if (b == 0 || (a == std::numeric_limits<int64_t>::min() && b == -1))
    return std::nullopt;
  return a / b; // Truncation, as ONNX runtimes divide integers.
}

Result evaluateMod(const Evaluation &ev) {
  // fmod=0 takes the divisor's sign (Python %), fmod=1 the dividend's.
  bool cStyle = ev.attrInt("fmod", 0) != 0;
  auto adjust = [cStyle](auto r, auto b) {
    return !cStyle && r != 0 && ((r < 0) != (b < 0)) ? r + b : r;
  };
  return arithmetic(
      ev, [=](double a, double b) { return adjust(std::fmod(a, b), b); },
      [=](int64_t a, int64_t b) -> std::optional<int64_t> {
        if (!integerDivide(a, b))
          return std::nullopt;
        return adjust(a % b, b);
      });
}

Evaluator unaryRealOp(double (*fn)(double)) {
  return [=](const Evaluation &ev) { return unaryReal(ev, fn); };
}

/// Every op the evaluator knows, by op type.
const llvm::StringMap<Evaluator> &getEvaluators() {
  static const llvm::StringMap<Evaluator> evaluators = [] {
    llvm::StringMap<Evaluator> m;
    m["Constant"] = evaluateConstant;
    m["Shape"] = evaluateShape;
    m["Size"] = evaluateSize;
    m["Identity"] = [](const Evaluation &ev) -> Result {
      return ev.value(0) ? single(*ev.value(0)) : std::nullopt;
    };
    m["Gather"] = evaluateGather;
    m["Slice"] = evaluateSlice;
    m["Concat"] = evaluateConcat;
    m["Unsqueeze"] = evaluateUnsqueeze;
    m["Squeeze"] = evaluateSqueeze;
    m["Reshape"] = evaluateReshape;
    m["Cast"] = evaluateCast;
    m["ConstantOfShape"] = evaluateConstantOfShape;
    m["Range"] = evaluateRange;
    m["Expand"] = evaluateExpand;
    m["Tile"] = evaluateTile;
    m["Where"] = evaluateWhere;
    for (llvm::StringRef op :
         {"ReduceSum", "ReduceProd", "ReduceMin", "ReduceMax"})
      m[op] = [op](const Evaluation &ev) { return evaluateReduce(ev, op); };
    m["Add"] = arithmeticOp(std::plus<double>(), std::plus<int64_t>());
    m["Sub"] = arithmeticOp(std::minus<double>(), std::minus<int64_t>());
    m["Mul"] =
        arithmeticOp(std::multiplies<double>(), std::multiplies<int64_t>());
    m["Div"] = [](const Evaluation &ev) {
      return arithmetic(ev, std::divides<double>(), integerDivide);
    };
    m["Mod"] = evaluateMod;
    m["Min"] =
        arithmeticOp([](double a, double b) { return std::min(a, b); },
                     [](int64_t a, int64_t b) { return std::min(a, b); });
    m["Max"] =
        arithmeticOp([](double a, double b) { return std::max(a, b); },
                     [](int64_t a, int64_t b) { return std::max(a, b); });
    m["Neg"] = signOp(/*negate=*/true);
    m["Abs"] = signOp(/*negate=*/false);
    m["Sqrt"] = unaryRealOp([](double v) { return std::sqrt(v); });
    m["Floor"] = unaryRealOp([](double v) { return std::floor(v); });
    m["Ceil"] = unaryRealOp([](double v) { return std::ceil(v); });
    m["Reciprocal"] = unaryRealOp([](double v) { return 1.0 / v; });
    m["Equal"] = compareOp([](auto a, auto b) { return a == b; });
    m["Less"] = compareOp([](auto a, auto b) { return a < b; });
    m["LessOrEqual"] = compareOp([](auto a, auto b) { return a <= b; });
    m["Greater"] = compareOp([](auto a, auto b) { return a > b; });
    m["GreaterOrEqual"] = compareOp([](auto a, auto b) { return a >= b; });
    m["And"] = logicOp([](bool a, bool b) { return a && b; });
    m["Or"] = logicOp([](bool a, bool b) { return a || b; });
    m["Xor"] = logicOp([](bool a, bool b) { return a != b; });
    m["Not"] = logicOp([](bool a, bool) { return !a; });
    return m;
  }();
  return evaluators;
}
} // namespace

bool mlir::effai::onnx_import::isEvaluableOp(llvm::StringRef opType) {
  return getEvaluators().contains(opType);
}

std::optional<std::vector<KnownTensor>> mlir::effai::onnx_import::evaluateNode(
    const onnx::NodeProto &node, int64_t opset,
    llvm::ArrayRef<EvaluatorInput> inputs, int64_t maxElements) {
  auto evaluator = getEvaluators().find(node.op_type());
  if (evaluator == getEvaluators().end())
    return std::nullopt;
  Evaluation ev{node, opset, inputs, maxElements};
  Result result = evaluator->second(ev);
  if (!result || int64_t(result->size()) != node.output_size())
    return std::nullopt;
  for (const KnownTensor &t : *result)
    if (!ev.fits(t.dims))
      return std::nullopt;
  return result;
}
