//===- ShapeFolding.cpp - fold shape subgraphs of an ONNX model -*- C++ -*-===//
//
// The graph side of folding: which values are known, which nodes go, which
// initializers come. The per-op semantics live in ShapeEvaluator.
//
//===----------------------------------------------------------------------===//

#include "ShapeFolding.h"
#include "EinsumEquation.h"
#include "ShapeEvaluator.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <optional>

using namespace mlir::effai::onnx_import;

namespace {
/// The values of one graph that are known at import time.
class KnownValues {
public:
  explicit KnownValues(const onnx::GraphProto &graph) {
    for (const onnx::TensorProto &init : graph.initializer())
      initializers[init.name()] = &init;
    for (const auto *list :
         {&graph.input(), &graph.value_info(), &graph.output()})
      for (const onnx::ValueInfoProto &info : *list) {
        if (info.type().has_tensor_type())
          elementTypes[info.name()] = info.type().tensor_type().elem_type();
        if (std::optional<std::vector<int64_t>> shape = staticShape(info))
          shapes[info.name()] = *shape;
      }
    for (const onnx::TensorProto &init : graph.initializer())
      elementTypes[init.name()] = init.data_type();
  }

  /// The value of `name`, read from its initializer on first use.
  const KnownTensor *value(const std::string &name) {
    auto it = values.find(name);
    if (it != values.end())
      return it->second ? &*it->second : nullptr;
    std::optional<KnownTensor> &slot = values[name];
    auto init = initializers.find(name);
    if (init != initializers.end())
      slot = readKnownTensor(*init->second, kMaxFoldedElements);
    return slot ? &*slot : nullptr;
  }

  /// The static shape of `name`: its value's, else ONNX inference's.
  std::optional<std::vector<int64_t>> shape(const std::string &name) {
    if (const KnownTensor *known = value(name))
      return known->dims;
    auto it = shapes.find(name);
    if (it == shapes.end())
      return std::nullopt;
    return it->second;
  }

  void define(const std::string &name, KnownTensor tensor) {
    values[name] = std::move(tensor);
  }

  /// The ONNX element type of `name`, 0 when unknown.
  int32_t elementType(const std::string &name) const {
    auto it = elementTypes.find(name);
    return it == elementTypes.end() ? 0 : it->second;
  }

private:
  static std::optional<std::vector<int64_t>>
  staticShape(const onnx::ValueInfoProto &info) {
    if (!info.type().has_tensor_type() ||
        !info.type().tensor_type().has_shape())
      return std::nullopt;
    std::vector<int64_t> dims;
    for (const auto &dim : info.type().tensor_type().shape().dim()) {
      if (!dim.has_dim_value())
        return std::nullopt;
      dims.push_back(dim.dim_value());
    }
    return dims;
  }

  llvm::StringMap<const onnx::TensorProto *> initializers;
  llvm::StringMap<std::vector<int64_t>> shapes;
  llvm::StringMap<int32_t> elementTypes;
  llvm::StringMap<std::optional<KnownTensor>> values;
};
} // namespace

/// Adds the inputs of `node`, and of the nodes of its subgraphs (If/Loop
/// bodies read outer values by name), to `names`.
static void collectInputs(const onnx::NodeProto &node,
                          llvm::StringSet<> &names) {
  for (const std::string &name : node.input())
    names.insert(name);
  for (const onnx::AttributeProto &attr : node.attribute()) {
    for (const onnx::NodeProto &inner : attr.g().node())
      collectInputs(inner, names);
    for (const onnx::GraphProto &graph : attr.graphs())
      for (const onnx::NodeProto &inner : graph.node())
        collectInputs(inner, names);
  }
}

static int64_t getDefaultOpset(const onnx::ModelProto &model) {
  for (const onnx::OperatorSetIdProto &opset : model.opset_import())
    if (opset.domain().empty() || opset.domain() == "ai.onnx")
      return opset.version();
  return 0;
}

static bool isDefaultDomain(const onnx::NodeProto &node) {
  return node.domain().empty() || node.domain() == "ai.onnx";
}

/// Declares `name` with a static type: in value_info, and in the graph's
/// outputs when it is one (the importer reads those last).
static void setStaticType(onnx::GraphProto &graph, const std::string &name,
                          int32_t elementType,
                          const std::vector<int64_t> &dims) {
  auto assign = [&](onnx::ValueInfoProto &info) {
    onnx::TypeProto_Tensor *type = info.mutable_type()->mutable_tensor_type();
    type->set_elem_type(elementType);
    onnx::TensorShapeProto *shape = type->mutable_shape();
    shape->clear_dim();
    for (int64_t dim : dims)
      shape->add_dim()->set_dim_value(dim);
  };
  bool declared = false;
  for (auto *list : {graph.mutable_value_info(), graph.mutable_output()})
    for (onnx::ValueInfoProto &info : *list)
      if (info.name() == name) {
        assign(info);
        declared = true;
      }
  if (!declared) {
    onnx::ValueInfoProto *info = graph.add_value_info();
    info->set_name(name);
    assign(*info);
  }
}

/// ONNX infers only the rank of an Einsum result; with static operands the
/// equation gives its shape. Returns whether it set one.
static bool shapeEinsum(onnx::GraphProto &graph, const onnx::NodeProto &node,
                        KnownValues &known) {
  if (node.op_type() != "Einsum" || node.output_size() != 1 ||
      known.shape(node.output(0)))
    return false;
  std::string text;
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == "equation")
      text = attr.s();
  std::vector<std::vector<int64_t>> shapes;
  std::vector<int64_t> ranks;
  for (const std::string &name : node.input()) {
    std::optional<std::vector<int64_t>> shape = known.shape(name);
    if (!shape)
      return false;
    ranks.push_back(int64_t(shape->size()));
    shapes.push_back(*shape);
  }
  // A malformed equation stays for the importer to report.
  std::string error;
  std::optional<EinsumEquation> equation =
      EinsumEquation::parse(text, ranks, error);
  if (!equation)
    return false;
  std::optional<std::map<int, int64_t>> sizes =
      equation->getLabelSizes(shapes, error);
  int32_t elementType = known.elementType(node.input(0));
  if (!sizes || !elementType)
    return false;
  std::vector<int64_t> dims;
  for (int label : equation->output)
    dims.push_back(sizes->at(label));
  setStaticType(graph, node.output(0), elementType, dims);
  return true;
}

int64_t
mlir::effai::onnx_import::foldShapeComputations(onnx::ModelProto &model,
                                                ShapeFoldingReport &report) {
  onnx::GraphProto &graph = *model.mutable_graph();
  int64_t opset = getDefaultOpset(model);
  KnownValues known(graph);
  llvm::StringSet<> graphOutputs;
  for (const onnx::ValueInfoProto &output : graph.output())
    graphOutputs.insert(output.name());

  // Evaluate in graph (topological) order, so one pass folds whole chains.
  std::vector<bool> folded(graph.node_size(), false);
  llvm::StringMap<KnownTensor> foldedValues;
  int64_t count = 0;
  int64_t shaped = 0;
  for (int i = 0, e = graph.node_size(); i < e; ++i) {
    const onnx::NodeProto &node = graph.node(i);
    if (isDefaultDomain(node) && shapeEinsum(graph, node, known)) {
      ++shaped;
      ++report.shapedNodes[node.op_type()];
    }
    if (!isDefaultDomain(node) || !isEvaluableOp(node.op_type()))
      continue;
    std::vector<EvaluatorInput> inputs;
    for (const std::string &name : node.input()) {
      EvaluatorInput input;
      input.present = !name.empty();
      if (input.present) {
        input.value = known.value(name);
        input.shape = known.shape(name);
      }
      inputs.push_back(std::move(input));
    }
    std::optional<std::vector<KnownTensor>> results =
        evaluateNode(node, opset, inputs, kMaxFoldedElements);
    if (!results)
      continue;
    bool feedsGraphOutput = false;
    for (int r = 0; r < node.output_size(); ++r) {
      feedsGraphOutput |= graphOutputs.contains(node.output(r));
      known.define(node.output(r), (*results)[r]);
    }
    // Constants are already constants; graph outputs keep their producer.
    if (node.op_type() == "Constant" || feedsGraphOutput)
      continue;
    folded[i] = true;
    ++count;
    ++report.foldedNodes[node.op_type()];
    for (int r = 0; r < node.output_size(); ++r)
      if (!node.output(r).empty())
        foldedValues[node.output(r)] = std::move((*results)[r]);
  }
  if (count == 0) {
    report.rounds += shaped != 0;
    return shaped;
  }

  // Keep the other nodes, minus Constant nodes nothing reads any more.
  llvm::StringSet<> used;
  for (int i = 0, e = graph.node_size(); i < e; ++i)
    if (!folded[i])
      collectInputs(graph.node(i), used);
  for (const onnx::ValueInfoProto &output : graph.output())
    used.insert(output.name());
  google::protobuf::RepeatedPtrField<onnx::NodeProto> kept;
  for (int i = 0, e = graph.node_size(); i < e; ++i) {
    const onnx::NodeProto &node = graph.node(i);
    bool deadConstant = node.op_type() == "Constant" &&
                        node.output_size() == 1 &&
                        !used.contains(node.output(0));
    if (!folded[i] && !deadConstant)
      *kept.Add() = node;
  }
  graph.mutable_node()->Swap(&kept);

  // Folded values still read become initializers (and, before IR 4, graph
  // inputs too, as initializers had to be).
  for (auto &entry : foldedValues) {
    std::string name = entry.getKey().str();
    if (!used.contains(name))
      continue;
    writeKnownTensor(entry.getValue(), name, *graph.add_initializer());
    if (model.ir_version() < 4) {
      onnx::ValueInfoProto *input = graph.add_input();
      input->set_name(name);
      onnx::TypeProto_Tensor *type =
          input->mutable_type()->mutable_tensor_type();
      type->set_elem_type(entry.getValue().dataType);
      onnx::TensorShapeProto *shape = type->mutable_shape();
      for (int64_t dim : entry.getValue().dims)
        shape->add_dim()->set_dim_value(dim);
    }
  }
  // Their inferred types are now the initializers' own.
  auto *valueInfo = graph.mutable_value_info();
  for (int i = valueInfo->size() - 1; i >= 0; --i)
    if (foldedValues.count(valueInfo->Get(i).name()))
      valueInfo->DeleteSubrange(i, 1);
  ++report.rounds;
  return count + shaped;
}
