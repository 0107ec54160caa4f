//===- OpsetUpgrade.cpp - old ONNX opsets through the version converter ---===//
//
// Compiled with -fexceptions: the converter reports problems by throwing.
//
//===----------------------------------------------------------------------===//

#include "OpsetUpgrade.h"
#include "ModelLoader.h"

#include "onnx/defs/schema.h"
#include "onnx/shape_inference/implementation.h"
#include "onnx/version_converter/convert.h"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

using namespace mlir::effai::onnx_import;

int64_t
mlir::effai::onnx_import::getDefaultOpset(const onnx::ModelProto &model) {
  for (const onnx::OperatorSetIdProto &opset : model.opset_import())
    if (opset.domain().empty() || opset.domain() == "ai.onnx")
      return opset.version();
  return 0;
}

std::string mlir::effai::onnx_import::describeNode(const onnx::NodeProto &node,
                                                   int index) {
  std::string name = node.name().empty() ? "#" + std::to_string(index)
                                         : "'" + node.name() + "'";
  return "node " + name + " (" + node.op_type() + ")";
}

/// The first default-domain node whose op has no schema at `opset`: ops
/// ONNX removed (the experimental ImageScaler, Crop, ...) have no upgrade.
static const onnx::NodeProto *findRemovedOp(const onnx::GraphProto &graph,
                                            int64_t opset, int &index) {
  for (int i = 0; i < graph.node_size(); ++i) {
    const onnx::NodeProto &node = graph.node(i);
    if (!node.domain().empty() && node.domain() != "ai.onnx")
      continue;
    const onnx::OpSchema *schema =
        onnx::OpSchemaRegistry::Schema(node.op_type(), int(opset));
    if (!schema || schema->Deprecated()) {
      index = i;
      return &node;
    }
  }
  return nullptr;
}

/// The number of values a TensorProto holds in its typed fields.
static int countTypedValues(const onnx::TensorProto &tensor) {
  return tensor.float_data_size() + tensor.int32_data_size() +
         tensor.int64_data_size() + tensor.double_data_size() +
         tensor.uint64_data_size();
}

/// Moves the Constant nodes the converter made (outputs not in `before`) to
/// initializers. It writes list attributes (Reshape-1's shape, ...) as int64
/// Constants, which Constant-1 (the schema until opset 9) does not allow,
/// and without dims although they are 1-D.
static void constantsToInitializers(onnx::GraphProto &graph,
                                    const std::set<std::string> &before) {
  auto *nodes = graph.mutable_node();
  for (int i = 0; i < nodes->size();) {
    const onnx::NodeProto &node = nodes->Get(i);
    bool isTensorConstant =
        node.op_type() == "Constant" && node.domain().empty() &&
        node.output_size() == 1 && node.attribute_size() == 1 &&
        node.attribute(0).name() == "value" && !before.count(node.output(0));
    if (!isTensorConstant) {
      ++i;
      continue;
    }
    onnx::TensorProto *initializer = graph.add_initializer();
    *initializer = node.attribute(0).t();
    initializer->set_name(node.output(0));
    if (initializer->dims_size() == 0 && initializer->raw_data().empty())
      initializer->add_dims(countTypedValues(*initializer));
    nodes->DeleteSubrange(i, 1);
  }
}

/// A graph output no input, initializer or node defines (the checker lets
/// it through; the converter dereferences it), or null.
static const std::string *findUndefinedOutput(const onnx::GraphProto &graph) {
  std::set<std::string> defined;
  for (const onnx::ValueInfoProto &input : graph.input())
    defined.insert(input.name());
  for (const onnx::TensorProto &initializer : graph.initializer())
    defined.insert(initializer.name());
  for (const onnx::NodeProto &node : graph.node())
    defined.insert(node.output().begin(), node.output().end());
  for (const onnx::ValueInfoProto &output : graph.output())
    if (!defined.count(output.name()))
      return &output.name();
  return nullptr;
}

/// Past this many nodes, a failed conversion is not searched node by node.
static constexpr int kMaxNodesToSearch = 512;

/// Legacy broadcasting (before opset 7) aligns B with A at `axis`; opset 7
/// aligns trailing dimensions. ONNX 1.12's adapter appends A's rank minus
/// B's rank ones to B whatever the axis (B [2] at axis 1 of A [2,2,3]
/// becomes [2,1,1], not [2,1]): wrong results, silently. So give B its
/// trailing ones here (an Unsqueeze-1) and drop `axis`, leaving the adapter
/// only `broadcast` to remove.
static void alignLegacyBroadcasts(onnx::GraphProto &graph) {
  std::map<std::string, int> ranks = getDeclaredRanks(graph);
  auto *nodes = graph.mutable_node();
  for (int i = 0; i < nodes->size(); ++i) {
    onnx::NodeProto *node = nodes->Mutable(i);
    auto attributes = node->mutable_attribute();
    auto axis = std::find_if(
        attributes->begin(), attributes->end(),
        [](const onnx::AttributeProto &a) { return a.name() == "axis"; });
    bool broadcasts =
        std::any_of(attributes->begin(), attributes->end(),
                    [](const onnx::AttributeProto &a) {
                      return a.name() == "broadcast" && a.i() == 1;
                    });
    if (!broadcasts || axis == attributes->end() || node->input_size() != 2 ||
        !ranks.count(node->input(0)) || !ranks.count(node->input(1)))
      continue;
    int rankA = ranks[node->input(0)], rankB = ranks[node->input(1)];
    int64_t trailing = rankA - axis->i() - rankB;
    attributes->erase(axis);
    if (trailing <= 0)
      continue;
    onnx::NodeProto unsqueeze;
    unsqueeze.set_op_type("Unsqueeze");
    unsqueeze.add_input(node->input(1));
    std::string aligned = node->input(1) + "_aligned_" + std::to_string(i);
    unsqueeze.add_output(aligned);
    onnx::AttributeProto *axes = unsqueeze.add_attribute();
    axes->set_name("axes");
    axes->set_type(onnx::AttributeProto::INTS);
    for (int64_t d = 0; d < trailing; ++d)
      axes->add_ints(rankB + d);
    node->set_input(1, aligned);
    nodes->Add(std::move(unsqueeze));
    // Move it before its user.
    for (int j = nodes->size() - 1; j > i; --j)
      nodes->SwapElements(j, j - 1);
    ++i;
  }
}

/// The adapters trust the model: Gemm-6's reads A's and B's dimensions by
/// index (a rank-1 B made it allocate terabytes, found by fuzzing). Throws
/// what the converter would not check.
static void checkAdapterInputs(const onnx::GraphProto &graph) {
  std::map<std::string, int> ranks = getDeclaredRanks(graph);
  for (const onnx::NodeProto &node : graph.node()) {
    if (node.op_type() != "Gemm" || node.input_size() < 2)
      continue;
    for (int i = 0; i < 2; ++i) {
      auto rank = ranks.find(node.input(i));
      if (rank != ranks.end() && rank->second != 2)
        throw std::invalid_argument("Gemm needs 2-D A and B, input " +
                                    std::to_string(i) + " has rank " +
                                    std::to_string(rank->second));
    }
  }
}

/// ONNX's converter with the upgrades ONNX 1.12's lacks ("No Adapter For
/// And"): the logical and comparison ops' legacy broadcasting is Add's
/// (alignLegacyBroadcasts has aligned `axis`); Pad-1's `paddings` became
/// `pads`; Cast-1 named its `to` type; Split-1 also took `split` as an
/// input (refused: the sizes would have to be read from a constant).
static onnx::ModelProto convertToImportOpset(const onnx::ModelProto &model) {
  namespace vc = onnx::version_conversion;
  vc::DefaultVersionConverter converter;
  for (const char *op : {"And", "Or", "Xor", "Equal", "Greater", "Less"})
    converter.registerAdapter(
        std::make_unique<vc::BroadcastForwardCompatibility>(
            op, onnx::OpSetID(6), onnx::OpSetID(7)));
  converter.registerAdapter(
      "Pad", 1, 2, [](std::shared_ptr<onnx::Graph>, onnx::Node *node) {
        onnx::Symbol paddings("paddings");
        if (node->hasAttribute(paddings)) {
          node->is_(onnx::kpads, std::vector<int64_t>(node->is(paddings)));
          node->removeAttribute(paddings);
        }
        return node;
      });
  converter.registerAdapter(
      "Cast", 5, 6, [](std::shared_ptr<onnx::Graph>, onnx::Node *node) {
        if (node->hasAttribute(onnx::kto) &&
            node->kindOf(onnx::kto) == onnx::AttributeKind::s) {
          onnx::TensorProto_DataType type;
          if (!onnx::TensorProto_DataType_Parse(node->s(onnx::kto), &type))
            throw std::invalid_argument("Cast-1 to an unknown type '" +
                                        node->s(onnx::kto) + "'");
          node->i_(onnx::kto, type);
        }
        return node;
      });
  converter.registerAdapter(
      "Split", 1, 2, [](std::shared_ptr<onnx::Graph>, onnx::Node *node) {
        if (node->inputs().size() > 1)
          throw std::invalid_argument(
              "Split-1 with its sizes as an input (not supported)");
        return node;
      });
  return converter.convert_version(model, onnx::OpSetID(getDefaultOpset(model)),
                                   onnx::OpSetID(kMinImportOpset));
}

static void convert(onnx::ModelProto &model) {
  // The adapters read shapes (Gemm's broadcast, ...): infer them first, as
  // ONNX's Python convert_version does.
  onnx::shape_inference::InferShapes(model);
  alignLegacyBroadcasts(*model.mutable_graph());
  onnx::shape_inference::InferShapes(model);
  checkAdapterInputs(model.graph());
  model = convertToImportOpset(model);
}

/// The node the converter fails on: the converter's messages name neither
/// the node nor (mostly) its op, so convert ever longer prefixes of the
/// graph. Null if no prefix fails (or the graph is too large to search).
static const onnx::NodeProto *findFailingNode(const onnx::ModelProto &model,
                                              int &index) {
  const onnx::GraphProto &graph = model.graph();
  if (graph.node_size() > kMaxNodesToSearch)
    return nullptr;
  for (int n = 1; n <= graph.node_size(); ++n) {
    onnx::ModelProto prefix = model;
    onnx::GraphProto &prefixGraph = *prefix.mutable_graph();
    prefixGraph.mutable_node()->DeleteSubrange(n, graph.node_size() - n);
    prefixGraph.clear_output();
    for (const std::string &output : graph.node(n - 1).output())
      prefixGraph.add_output()->set_name(output);
    try {
      convert(prefix);
    } catch (...) {
      index = n - 1;
      return &graph.node(n - 1);
    }
  }
  return nullptr;
}

bool mlir::effai::onnx_import::upgradeOldOpset(onnx::ModelProto &model,
                                               std::string &error) {
  int64_t opset = getDefaultOpset(model);
  if (opset == 0 || opset >= kMinImportOpset)
    return true;
  std::string prefix =
      "cannot upgrade the model from opset " + std::to_string(opset) + " to " +
      std::to_string(kMinImportOpset) + " with ONNX's version converter: ";
  int index = 0;
  if (const onnx::NodeProto *node =
          findRemovedOp(model.graph(), kMinImportOpset, index)) {
    error = prefix + describeNode(*node, index) + ": ONNX opset " +
            std::to_string(kMinImportOpset) + " has no " + node->op_type() +
            " (an experimental or removed op)";
    return false;
  }
  if (const std::string *output = findUndefinedOutput(model.graph())) {
    error = prefix + "graph output '" + *output + "' is not defined";
    return false;
  }
  // Before IR version 4, initializers had to be graph inputs too, and the
  // converter still assumes so: list the missing ones for the conversion.
  onnx::GraphProto &graph = *model.mutable_graph();
  std::set<std::string> inputs;
  for (const onnx::ValueInfoProto &input : graph.input())
    inputs.insert(input.name());
  int declaredInputs = graph.input_size();
  for (const onnx::TensorProto &initializer : graph.initializer()) {
    if (inputs.count(initializer.name()))
      continue;
    onnx::ValueInfoProto *input = graph.add_input();
    input->set_name(initializer.name());
    onnx::TypeProto_Tensor *type = input->mutable_type()->mutable_tensor_type();
    type->set_elem_type(initializer.data_type());
    for (int64_t dim : initializer.dims())
      type->mutable_shape()->add_dim()->set_dim_value(dim);
  }
  std::set<std::string> constantsBefore;
  for (const onnx::NodeProto &node : graph.node())
    if (node.op_type() == "Constant")
      constantsBefore.insert(node.output().begin(), node.output().end());
  try {
    onnx::ModelProto converted = model;
    convert(converted);
    model = std::move(converted);
    constantsToInitializers(*model.mutable_graph(), constantsBefore);
  } catch (const std::exception &e) {
    std::string message = e.what();
    // Drop the converter's source location ("./onnx/...h:20: adapt_...: ").
    size_t assertion = message.find("failed: ");
    if (assertion != std::string::npos)
      message = message.substr(assertion + 8);
    const onnx::NodeProto *node = findFailingNode(model, index);
    error = prefix + (node ? describeNode(*node, index) + ": " : "") + message;
    return false;
  } catch (...) {
    error = prefix + "unknown error";
    return false;
  }
  // The converter keeps the inputs' order: drop the ones added above.
  while (model.graph().input_size() > declaredInputs)
    model.mutable_graph()->mutable_input()->RemoveLast();
  return true;
}

int64_t
mlir::effai::onnx_import::getFirstDefinedOpset(const std::string &opType,
                                               int64_t opset) {
  for (; opset <= kMaxImportOpset; ++opset)
    if (onnx::OpSchemaRegistry::Schema(opType, int(opset)))
      return opset;
  return 0;
}
