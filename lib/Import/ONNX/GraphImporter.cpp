//===- GraphImporter.cpp - ONNX graph to one func.func ----------*- C++ -*-===//
//
// The model-level part of the importer: opsets, inputs, initializers, the node
// walk and outputs. Per-op work lives in the handlers.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"
#include "OpsetUpgrade.h"

#include "effai/Transforms/FoldQDQ.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace mlir::effai;
using namespace mlir::effai::onnx_import;

/// Larger tensors are surely a corrupt or hostile model.
static constexpr int64_t kMaxElements = int64_t(1) << 36;

GraphImporter::GraphImporter(MLIRContext *context,
                             const onnx::ModelProto &model,
                             StringRef sourceName,
                             const OnnxImportOptions &options)
    : context(context), model(model), sourceName(sourceName.str()),
      options(options), builder(context) {}

/// A node's name, or "Op#index" for unnamed ones (locations, messages).
static std::string getNodeName(const onnx::NodeProto &node, int64_t index) {
  return node.name().empty() ? node.op_type() + "#" + std::to_string(index)
                             : node.name();
}

Location GraphImporter::getLocation(StringRef name) {
  return NameLoc::get(StringAttr::get(context, name),
                      FileLineColLoc::get(context, sourceName, 0, 0));
}

InFlightDiagnostic GraphImporter::emitModelError() {
  return mlir::emitError(FileLineColLoc::get(context, sourceName, 0, 0));
}

const ValueEntry *GraphImporter::lookup(StringRef name) const {
  auto it = values.find(name);
  return it == values.end() ? nullptr : &it->second;
}

void GraphImporter::define(StringRef name, ValueEntry entry) {
  values[name] = std::move(entry);
}

Value GraphImporter::materialize(StringRef name) {
  auto it = values.find(name);
  if (it == values.end())
    return {};
  ValueEntry &entry = it->second;
  if (!entry.value && entry.constant) {
    ElementsAttr attr = entry.constant->toAttr(name, options.resourceThreshold);
    if (!attr)
      return {};
    entry.value = arith::ConstantOp::create(builder, getLocation(name),
                                            cast<TypedAttr>(attr));
  }
  return entry.value;
}

FailureOr<RankedTensorType>
GraphImporter::getInferredType(StringRef name, bool &isUnsigned,
                               std::string &why) const {
  auto it = inferredTypes.find(name);
  if (it == inferredTypes.end()) {
    why = "ONNX shape inference found no type for '" + name.str() + "'";
    return failure();
  }
  const onnx::TypeProto &type = *it->second;
  if (!type.has_tensor_type()) {
    why = "'" + name.str() +
          "' is not a tensor (sequences, maps and "
          "optionals are not supported)";
    return failure();
  }
  const onnx::TypeProto_Tensor &tensor = type.tensor_type();
  Type elementType = getElementType(context, tensor.elem_type());
  if (!elementType) {
    why = "'" + name.str() + "' has unsupported element type " +
          getOnnxTypeName(tensor.elem_type());
    return failure();
  }
  if (!tensor.has_shape()) {
    why = "the rank of '" + name.str() + "' is unknown";
    return failure();
  }
  SmallVector<int64_t> shape;
  int64_t count = 1;
  for (const onnx::TensorShapeProto_Dimension &dim : tensor.shape().dim()) {
    if (!dim.has_dim_value()) {
      why = "'" + name.str() + "' has dynamic dimension " +
            std::to_string(shape.size()) +
            (dim.has_dim_param() ? " ('" + dim.dim_param() + "')" : "");
      return failure();
    }
    int64_t size = dim.dim_value();
    if (size < 0 || (size != 0 && count > kMaxElements / size)) {
      why = "'" + name.str() + "' has an invalid or huge dimension " +
            std::to_string(size);
      return failure();
    }
    count *= size;
    shape.push_back(size);
  }
  isUnsigned = isUnsignedOnnxType(tensor.elem_type());
  return RankedTensorType::get(shape, elementType);
}

std::string GraphImporter::describeOrigin(StringRef name) const {
  auto it = producers.find(name);
  if (it == producers.end())
    return "graph input '" + name.str() + "'";
  const auto &[node, index] = it->second;
  return "node '" + getNodeName(*node, index) + "' (" + node->op_type() + ")";
}

LogicalResult
GraphImporter::importInputs(SmallVectorImpl<Type> &argTypes,
                            SmallVectorImpl<std::string> &argNames) {
  llvm::StringSet<> initializers;
  for (const onnx::TensorProto &init : model.graph().initializer())
    initializers.insert(init.name());
  for (const onnx::ValueInfoProto &input : model.graph().input()) {
    // Older exporters list initializers as inputs too; they are constants.
    if (initializers.contains(input.name()))
      continue;
    bool isUnsigned;
    std::string why;
    FailureOr<RankedTensorType> type =
        getInferredType(input.name(), isUnsigned, why);
    if (failed(type)) {
      InFlightDiagnostic diag =
          emitModelError() << "graph input '" << input.name() << "': " << why;
      if (StringRef(why).contains("dynamic dimension"))
        diag << "; give it a static shape with --input-shape " << input.name()
             << "=DxDx...";
      return diag;
    }
    argTypes.push_back(*type);
    argNames.push_back(input.name());
  }
  return success();
}

LogicalResult GraphImporter::importInitializers() {
  for (const onnx::TensorProto &init : model.graph().initializer()) {
    auto tensor = std::make_shared<HostTensor>();
    std::string error;
    if (!HostTensor::fromProto(context, init, options.externalDataDir, *tensor,
                               error))
      return emitModelError() << "initializer: " << error;
    ValueEntry entry;
    entry.type = tensor->getType();
    entry.isUnsigned = tensor->isUnsigned();
    entry.constant = std::move(tensor);
    define(init.name(), std::move(entry));
  }
  return success();
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node,
                                        int64_t index) {
  std::string name = getNodeName(node, index);
  StringRef domain = node.domain();
  if (domain == "ai.onnx")
    domain = "";
  auto opset = opsets.find(domain);
  NodeContext ctx(*this, node, opset == opsets.end() ? 0 : opset->second,
                  getLocation(name));
  if (!domain.empty())
    return ctx.unsupported("operators of domain '" + domain.str() + "'");
  if (node.attribute_size() > 0)
    for (const onnx::AttributeProto &attr : node.attribute())
      if (attr.type() == onnx::AttributeProto::GRAPH ||
          attr.type() == onnx::AttributeProto::GRAPHS)
        return ctx.unsupported("control flow (subgraph attribute '" +
                               attr.name() + "')");
  const OpHandler *handler =
      OpHandlerRegistry::get().lookup(node.op_type(), ctx.opset);
  if (!handler)
    return ctx.unsupported("no importer for op type '" + node.op_type() + "'");
  if (failed((*handler)(ctx)) || ctx.hadError()) {
    // Never fail silently, whatever the handler forgot to say.
    if (!ctx.hadError())
      ctx.emitError() << "import failed";
    return failure();
  }
  for (int64_t i = 0, e = node.output_size(); i < e; ++i)
    if (ctx.hasOutput(i) && !lookup(node.output(i)))
      return ctx.emitError()
             << "internal error: output " << i << " was not produced";
  return success();
}

OwningOpRef<ModuleOp> GraphImporter::run() {
  for (const onnx::OperatorSetIdProto &opset : model.opset_import()) {
    // (Not a ?: of "" and the std::string: that makes a temporary string
    // the StringRef would outlive.)
    StringRef domain = opset.domain();
    if (domain == "ai.onnx")
      domain = "";
    opsets[domain] = opset.version();
  }
  auto defaultOpset = opsets.find("");
  if (defaultOpset == opsets.end()) {
    emitModelError() << "the model imports no opset of the default ONNX "
                        "domain";
    return {};
  }
  // Older opsets were upgraded by the loader; newer ones need a newer ONNX.
  if (defaultOpset->second > kMaxImportOpset) {
    emitModelError() << "opset " << defaultOpset->second
                     << " is newer than this build's ONNX knows (opsets up to "
                     << kMaxImportOpset
                     << "); export the model with opset_version <= "
                     << kMaxImportOpset;
    return {};
  }
  if (defaultOpset->second < kMinImportOpset) {
    emitModelError() << "opset " << defaultOpset->second
                     << " reached the importer without an upgrade to "
                     << kMinImportOpset << " (internal error)";
    return {};
  }

  const onnx::GraphProto &graph = model.graph();
  for (const auto *list :
       {&graph.input(), &graph.value_info(), &graph.output()})
    for (const onnx::ValueInfoProto &info : *list)
      inferredTypes[info.name()] = &info.type();

  OwningOpRef<ModuleOp> module =
      ModuleOp::create(FileLineColLoc::get(context, sourceName, 0, 0));
  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  if (failed(importInputs(argTypes, argNames)) || failed(importInitializers()))
    return {};

  builder.setInsertionPointToEnd(module->getBody());
  auto func =
      func::FuncOp::create(builder, module->getLoc(), options.functionName,
                           builder.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  builder.setInsertionPointToStart(entry);
  for (auto [i, name] : llvm::enumerate(argNames)) {
    ValueEntry value;
    value.value = entry->getArgument(i);
    value.type = cast<RankedTensorType>(argTypes[i]);
    std::string why;
    (void)getInferredType(name, value.isUnsigned, why);
    define(name, value);
    func.setArgAttr(i, "effai.name", builder.getStringAttr(name));
  }

  for (auto [index, node] : llvm::enumerate(graph.node()))
    for (const std::string &output : node.output())
      producers[output] = {&node, int64_t(index)};
  for (auto [index, node] : llvm::enumerate(graph.node()))
    if (failed(importNode(node, index)))
      return {};

  SmallVector<Value> results;
  for (const onnx::ValueInfoProto &output : graph.output()) {
    Value value = materialize(output.name());
    if (!value) {
      emitModelError() << "graph output '" << output.name()
                       << "' is never produced";
      return {};
    }
    results.push_back(value);
  }
  func::ReturnOp::create(builder, module->getLoc(), results);
  func.setFunctionType(
      builder.getFunctionType(argTypes, ValueRange(results).getTypes()));
  for (auto [i, output] : llvm::enumerate(graph.output()))
    func.setResultAttr(i, "effai.name", builder.getStringAttr(output.name()));
  // ONNX signedness is lost in signless integers; keep it for the runtime.
  auto recordDtype = [&](StringRef name, auto setAttr) {
    auto it = inferredTypes.find(name);
    if (it != inferredTypes.end() && it->second->has_tensor_type())
      setAttr(builder.getStringAttr(
          getOnnxTypeName(it->second->tensor_type().elem_type())));
  };
  for (auto [i, name] : llvm::enumerate(argNames))
    recordDtype(name,
                [&](StringAttr t) { func.setArgAttr(i, "effai.dtype", t); });
  for (auto [i, output] : llvm::enumerate(graph.output()))
    recordDtype(output.name(),
                [&](StringAttr t) { func.setResultAttr(i, "effai.dtype", t); });

  if (failed(mlir::verify(*module)))
    return {};
  if (options.foldQDQ && failed(applyFoldQDQ(*module)))
    return {};
  return module;
}
