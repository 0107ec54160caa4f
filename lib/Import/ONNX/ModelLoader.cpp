//===- ModelLoader.cpp - parse, check and shape-infer ONNX ------*- C++ -*-===//
//
// Compiled with -fexceptions: libonnx reports problems by throwing.
//
//===----------------------------------------------------------------------===//

#include "ModelLoader.h"
#include "OpsetUpgrade.h"
#include "ShapeFolding.h"

#include "onnx/checker.h"
#include "onnx/shape_inference/implementation.h"

#include <algorithm>
#include <fstream>
#include <limits>

using namespace mlir::effai;
using namespace mlir::effai::onnx_import;

/// Fold-and-infer rounds before giving up on a fixpoint.
static constexpr int kMaxFoldingRounds = 16;

/// Replaces the declared shape of graph input `name` by `dims`.
static bool overrideInputShape(onnx::GraphProto &graph, const std::string &name,
                               const std::vector<int64_t> &dims,
                               std::string &error) {
  for (onnx::ValueInfoProto &input : *graph.mutable_input()) {
    if (input.name() != name)
      continue;
    if (!input.type().has_tensor_type()) {
      error = "--input-shape names '" + name + "', which is not a tensor";
      return false;
    }
    onnx::TensorShapeProto *shape =
        input.mutable_type()->mutable_tensor_type()->mutable_shape();
    if (shape->dim_size() != 0 && shape->dim_size() != int(dims.size())) {
      error = "--input-shape gives input '" + name + "' rank " +
              std::to_string(dims.size()) + " but the model declares rank " +
              std::to_string(shape->dim_size());
      return false;
    }
    shape->clear_dim();
    for (int64_t dim : dims)
      shape->add_dim()->set_dim_value(dim);
    return true;
  }
  error = "--input-shape names '" + name + "', which is not a graph input";
  return false;
}

/// Moves graph input `name` to the initializers with the value in `bytes`
/// (a serialized TensorProto), checking it against the declared type.
static bool freezeInput(onnx::GraphProto &graph, const std::string &name,
                        const std::string &bytes, std::string &error) {
  auto inputs = graph.mutable_input();
  auto it = std::find_if(
      inputs->begin(), inputs->end(),
      [&](const onnx::ValueInfoProto &v) { return v.name() == name; });
  if (it == inputs->end()) {
    error = "--constant-input names '" + name + "', which is not a graph input";
    return false;
  }
  onnx::TensorProto tensor;
  if (!tensor.ParseFromString(bytes)) {
    error = "--constant-input '" + name + "' is not a valid TensorProto";
    return false;
  }
  const onnx::TypeProto_Tensor &declared = it->type().tensor_type();
  if (declared.elem_type() != tensor.data_type()) {
    error = "--constant-input '" + name + "' has data type " +
            std::to_string(tensor.data_type()) + " but the input is declared " +
            std::to_string(declared.elem_type());
    return false;
  }
  if (declared.has_shape()) {
    const auto &dims = declared.shape().dim();
    bool matches = dims.size() == tensor.dims_size();
    for (int i = 0; matches && i < dims.size(); ++i)
      matches =
          !dims[i].has_dim_value() || dims[i].dim_value() == tensor.dims(i);
    if (!matches) {
      error = "--constant-input '" + name +
              "' has a shape the input's declared shape does not allow";
      return false;
    }
  }
  tensor.set_name(name);
  *graph.add_initializer() = std::move(tensor);
  inputs->erase(it);
  return true;
}

std::map<std::string, int>
mlir::effai::onnx_import::getDeclaredRanks(const onnx::GraphProto &graph) {
  std::map<std::string, int> ranks;
  for (const auto *list : {&graph.input(), &graph.value_info()})
    for (const onnx::ValueInfoProto &info : *list)
      if (info.type().tensor_type().has_shape())
        ranks[info.name()] = info.type().tensor_type().shape().dim_size();
  for (const onnx::TensorProto &initializer : graph.initializer())
    ranks[initializer.name()] = initializer.dims_size();
  return ranks;
}

/// ONNX 1.12's shape inference trusts some inputs' ranks: a ConvTranspose
/// whose weight has no spatial dimensions crashes it, a ConvInteger's passes
/// to the handlers (both found by fuzzing). Checks convolutions' declared
/// input and weight ranks before inference runs.
static bool checkConvolutionRanks(const onnx::GraphProto &graph,
                                  std::string &error) {
  std::map<std::string, int> ranks = getDeclaredRanks(graph);
  for (int i = 0; i < graph.node_size(); ++i) {
    const onnx::NodeProto &node = graph.node(i);
    const std::string &op = node.op_type();
    int weight = op == "QLinearConv" ? 3 : 1;
    bool convolution = op == "Conv" || op == "ConvTranspose" ||
                       op == "ConvInteger" || op == "QLinearConv";
    if (!convolution || node.input_size() <= weight ||
        !ranks.count(node.input(0)) || !ranks.count(node.input(weight)))
      continue;
    int x = ranks[node.input(0)], w = ranks[node.input(weight)];
    if (x >= 3 && w == x)
      continue;
    error = "invalid model: " + describeNode(node, i) + ": input of rank " +
            std::to_string(x) + " and weight of rank " + std::to_string(w) +
            " (both need N/M, C and the same spatial dimensions)";
    return false;
  }
  return true;
}

/// onnx::checker::check_model, but with external data resolved below
/// `modelDir` rather than the current directory.
static void checkModel(const onnx::ModelProto &model,
                       const std::string &modelDir) {
  if (!model.ir_version())
    throw onnx::checker::ValidationError("the model has no ir_version");
  if (model.ir_version() > onnx::IR_VERSION)
    throw onnx::checker::ValidationError(
        "the model's ir_version " + std::to_string(model.ir_version()) +
        " is newer than this ONNX (" + std::to_string(onnx::IR_VERSION) + ")");
  std::unordered_map<std::string, int> opsets;
  for (const onnx::OperatorSetIdProto &opset : model.opset_import())
    opsets[opset.domain()] = int(opset.version());
  if (opsets.empty())
    throw onnx::checker::ValidationError("the model imports no opset");
  onnx::checker::CheckerContext ctx;
  ctx.set_ir_version(int(model.ir_version()));
  ctx.set_opset_imports(opsets);
  ctx.set_model_dir(modelDir);
  onnx::checker::LexicalScopeContext scope;
  onnx::checker::check_graph(model.graph(), ctx, scope);
  onnx::checker::check_model_local_functions(model, ctx, scope);
}

bool mlir::effai::onnx_import::loadModel(
    llvm::StringRef bytes, llvm::StringRef modelDir,
    const llvm::StringMap<std::vector<int64_t>> &inputShapes,
    const llvm::StringMap<std::string> &constantInputs, bool foldShapes,
    onnx::ModelProto &model, ShapeFoldingReport &folding, std::string &error) {
  if (bytes.size() > size_t(std::numeric_limits<int>::max())) {
    error = "model is larger than protobuf's 2 GiB limit; keep weights in "
            "external data";
    return false;
  }
  try {
    if (!model.ParseFromArray(bytes.data(), int(bytes.size()))) {
      error = "not a valid ONNX protobuf (truncated or corrupt ModelProto)";
      return false;
    }
    if (!model.has_graph()) {
      error = "the ModelProto has no graph";
      return false;
    }
    for (const auto &entry : inputShapes)
      if (!overrideInputShape(*model.mutable_graph(), entry.getKey().str(),
                              entry.getValue(), error))
        return false;
    for (const auto &entry : constantInputs)
      if (!freezeInput(*model.mutable_graph(), entry.getKey().str(),
                       entry.getValue(), error))
        return false;
    checkModel(model, modelDir.str());
    if (!checkConvolutionRanks(model.graph(), error) ||
        !upgradeOldOpset(model, error))
      return false;
    onnx::ShapeInferenceOptions options(/*check_type_val=*/true,
                                        /*strict_mode_val=*/1,
                                        /*data_prop_val=*/true);
    onnx::shape_inference::InferShapes(
        model, onnx::OpSchemaRegistry::Instance(), options);
    // Each round folds what the last inference made static; chains through
    // Reshape/Slice results need several.
    for (int round = 0; foldShapes && round < kMaxFoldingRounds; ++round) {
      if (!foldShapeComputations(model, folding))
        break;
      onnx::shape_inference::InferShapes(
          model, onnx::OpSchemaRegistry::Instance(), options);
    }
  } catch (const onnx::checker::ValidationError &e) {
    error = std::string("invalid model: ") + e.what();
    return false;
  } catch (const std::exception &e) {
    error = std::string("shape inference failed: ") + e.what();
    return false;
  } catch (...) {
    error = "unknown error while reading the model";
    return false;
  }
  return true;
}

bool mlir::effai::onnx_import::readExternalData(const onnx::TensorProto &tensor,
                                                llvm::StringRef baseDir,
                                                std::string &bytes,
                                                std::string &error) {
  std::string location;
  int64_t offset = 0, length = -1;
  try {
    for (const onnx::StringStringEntryProto &entry : tensor.external_data()) {
      if (entry.key() == "location")
        location = entry.value();
      else if (entry.key() == "offset")
        offset = std::stoll(entry.value());
      else if (entry.key() == "length")
        length = std::stoll(entry.value());
    }
  } catch (const std::exception &) {
    error = "external data of '" + tensor.name() +
            "' has a non-numeric offset or length";
    return false;
  }
  if (location.empty()) {
    error = "external data of '" + tensor.name() + "' has no location";
    return false;
  }
  // Only files beside the model: no absolute paths, no escaping upwards.
  if (location.front() == '/' || location.find("..") != std::string::npos) {
    error = "external data location '" + location + "' of '" + tensor.name() +
            "' must be a relative path inside the model's folder";
    return false;
  }
  if (offset < 0) {
    error = "external data of '" + tensor.name() + "' has a negative offset";
    return false;
  }
  std::string path =
      baseDir.empty() ? location : baseDir.str() + "/" + location;
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    error = "cannot open external data file '" + path + "' for '" +
            tensor.name() + "'";
    return false;
  }
  file.seekg(0, std::ios::end);
  int64_t size = file.tellg();
  if (length < 0)
    length = size - offset;
  if (offset + length > size) {
    error = "external data of '" + tensor.name() + "' needs bytes [" +
            std::to_string(offset) + ", " + std::to_string(offset + length) +
            ") but '" + path + "' has " + std::to_string(size);
    return false;
  }
  bytes.resize(length);
  file.seekg(offset);
  file.read(bytes.data(), length);
  return bool(file);
}
