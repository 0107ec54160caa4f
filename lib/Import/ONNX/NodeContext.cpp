//===- NodeContext.cpp - what an op handler sees of one node ----*- C++ -*-===//
//
// Input/attribute/result access for handlers, with diagnostics that name the
// node, and the handler registry.
//
//===----------------------------------------------------------------------===//

#include "NodeContext.h"
#include "GraphImporter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mlir::effai;
using namespace mlir::effai::onnx_import;

NodeContext::NodeContext(GraphImporter &importer, const onnx::NodeProto &node,
                         int64_t opset, Location loc)
    : node(node), b(importer.getBuilder()), loc(loc), opset(opset),
      importer(importer) {}

InFlightDiagnostic NodeContext::emitError() {
  failedFlag = true;
  InFlightDiagnostic diag = mlir::emitError(loc);
  diag << "node '" << (node.name().empty() ? "<unnamed>" : node.name()) << "' ("
       << node.op_type() << ", opset " << opset << "): ";
  return diag;
}

LogicalResult NodeContext::unsupported(const Twine &reason) {
  emitError() << "unsupported: " << reason;
  return failure();
}

bool NodeContext::hasInput(int64_t i) const {
  return i < node.input_size() && !node.input(i).empty();
}

bool NodeContext::hasOutput(int64_t i) const {
  return i < node.output_size() && !node.output(i).empty();
}

Value NodeContext::input(int64_t i) {
  if (!hasInput(i)) {
    emitError() << "input " << i << " is missing";
    return {};
  }
  Value value = importer.materialize(node.input(i));
  if (!value)
    emitError() << "input '" << node.input(i) << "' is not defined";
  return value;
}

RankedTensorType NodeContext::inputType(int64_t i) const {
  const ValueEntry *entry =
      hasInput(i) ? importer.lookup(node.input(i)) : nullptr;
  return entry ? entry->type : RankedTensorType();
}

bool NodeContext::isUnsignedInput(int64_t i) const {
  const ValueEntry *entry =
      hasInput(i) ? importer.lookup(node.input(i)) : nullptr;
  return entry && entry->isUnsigned;
}

const HostTensor *NodeContext::constantInput(int64_t i) const {
  const ValueEntry *entry =
      hasInput(i) ? importer.lookup(node.input(i)) : nullptr;
  return entry ? entry->constant.get() : nullptr;
}

FailureOr<SmallVector<int64_t>> NodeContext::constantInts(int64_t i,
                                                          StringRef what) {
  const HostTensor *tensor = constantInput(i);
  if (!tensor) {
    (void)unsupported(what + " (input " + Twine(i) +
                      ") computed at run time; it must be a constant");
    return failure();
  }
  return tensor->getInts();
}

RankedTensorType NodeContext::resultType(int64_t i) {
  bool isUnsigned;
  std::string why;
  FailureOr<RankedTensorType> type =
      importer.getInferredType(node.output(i), isUnsigned, why);
  if (failed(type)) {
    InFlightDiagnostic diag = emitError() << why;
    // Shape folding made every import-time integer a constant: the integer
    // inputs still computed at run time are what keeps the shape unknown.
    for (int64_t j = 0; j < getNumInputs(); ++j) {
      const ValueEntry *entry =
          hasInput(j) ? importer.lookup(node.input(j)) : nullptr;
      if (!entry || entry->constant || !entry->type ||
          !entry->type.getElementType().isInteger() ||
          entry->type.getElementType().isInteger(1))
        continue;
      std::string origin = importer.describeOrigin(node.input(j));
      diag << "; input " << j << " ('" << node.input(j)
           << "') is only known at run time (from " << origin << ")";
      if (StringRef(origin).starts_with("graph input"))
        diag << "; freeze it with --constant-input " << node.input(j)
             << "=TENSOR.pb";
    }
    return {};
  }
  return *type;
}

LogicalResult NodeContext::getUnaryOperands(Value &in,
                                            RankedTensorType &inputType,
                                            RankedTensorType &result) {
  in = input(0);
  result = resultType(0);
  if (!in || !result)
    return failure();
  inputType = cast<RankedTensorType>(in.getType());
  return success();
}

void NodeContext::setResult(int64_t i, Value value) {
  ValueEntry entry;
  entry.value = value;
  entry.type = cast<RankedTensorType>(value.getType());
  bool isUnsigned = false;
  std::string why;
  (void)importer.getInferredType(node.output(i), isUnsigned, why);
  entry.isUnsigned = isUnsigned;
  importer.define(node.output(i), entry);
}

void NodeContext::setConstantResult(int64_t i, HostTensor value) {
  ValueEntry entry;
  entry.type = value.getType();
  entry.isUnsigned = value.isUnsigned();
  entry.constant = std::make_shared<HostTensor>(std::move(value));
  importer.define(node.output(i), entry);
}

void NodeContext::forwardInput(int64_t input, int64_t output) {
  const ValueEntry *entry = importer.lookup(node.input(input));
  if (!entry) {
    emitError() << "input '" << node.input(input) << "' is not defined";
    return;
  }
  importer.define(node.output(output), *entry);
}

Value NodeContext::constant(const HostTensor &tensor, StringRef name) {
  ElementsAttr attr =
      tensor.toAttr(name, importer.getOptions().resourceThreshold);
  return arith::ConstantOp::create(b, loc, cast<TypedAttr>(attr));
}

StringRef NodeContext::getExternalDataDir() const {
  return importer.getOptions().externalDataDir;
}

const onnx::AttributeProto *NodeContext::findAttr(StringRef name) const {
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

const onnx::AttributeProto *
NodeContext::findAttrOfType(StringRef name,
                            onnx::AttributeProto_AttributeType type) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr || attr->type() == type)
    return attr;
  emitError() << "attribute '" << name << "' must be of type "
              << onnx::AttributeProto_AttributeType_Name(type) << ", got "
              << onnx::AttributeProto_AttributeType_Name(attr->type());
  return nullptr;
}

int64_t NodeContext::attrInt(StringRef name, int64_t dflt) {
  const onnx::AttributeProto *attr =
      findAttrOfType(name, onnx::AttributeProto::INT);
  return attr ? attr->i() : dflt;
}

float NodeContext::attrFloat(StringRef name, float dflt) {
  const onnx::AttributeProto *attr =
      findAttrOfType(name, onnx::AttributeProto::FLOAT);
  return attr ? attr->f() : dflt;
}

std::string NodeContext::attrString(StringRef name, StringRef dflt) {
  const onnx::AttributeProto *attr =
      findAttrOfType(name, onnx::AttributeProto::STRING);
  return attr ? attr->s() : dflt.str();
}

SmallVector<int64_t> NodeContext::attrInts(StringRef name) {
  const onnx::AttributeProto *attr =
      findAttrOfType(name, onnx::AttributeProto::INTS);
  return attr ? SmallVector<int64_t>(attr->ints().begin(), attr->ints().end())
              : SmallVector<int64_t>();
}

SmallVector<float> NodeContext::attrFloats(StringRef name) {
  const onnx::AttributeProto *attr =
      findAttrOfType(name, onnx::AttributeProto::FLOATS);
  return attr ? SmallVector<float>(attr->floats().begin(), attr->floats().end())
              : SmallVector<float>();
}

const onnx::TensorProto *NodeContext::attrTensor(StringRef name) {
  const onnx::AttributeProto *attr =
      findAttrOfType(name, onnx::AttributeProto::TENSOR);
  return attr ? &attr->t() : nullptr;
}

FailureOr<int64_t> NodeContext::attrAxis(StringRef name, int64_t dflt,
                                         int64_t rank) {
  int64_t raw = attrInt(name, dflt);
  int64_t axis = raw < 0 ? raw + rank : raw;
  if (axis < 0 || axis >= rank) {
    emitError() << "attribute '" << name << "' = " << raw
                << " is out of range for rank " << rank;
    return failure();
  }
  return axis;
}

//===----------------------------------------------------------------------===//
// OpHandlerRegistry
//===----------------------------------------------------------------------===//

void OpHandlerRegistry::add(StringRef opType, OpHandler handler,
                            int64_t sinceOpset) {
  handlers[opType].push_back({sinceOpset, std::move(handler)});
}

const OpHandler *OpHandlerRegistry::lookup(StringRef opType,
                                           int64_t opset) const {
  auto it = handlers.find(opType);
  if (it == handlers.end())
    return nullptr;
  // The newest handler whose opset range includes `opset`.
  const Entry *best = nullptr;
  for (const Entry &entry : it->second)
    if (entry.sinceOpset <= opset &&
        (!best || entry.sinceOpset > best->sinceOpset))
      best = &entry;
  return best ? &best->handler : nullptr;
}

std::vector<std::pair<std::string, int64_t>>
OpHandlerRegistry::getOpTypes() const {
  std::vector<std::pair<std::string, int64_t>> types;
  for (const auto &[opType, entries] : handlers) {
    int64_t since = entries.front().sinceOpset;
    for (const Entry &entry : entries)
      since = std::min(since, entry.sinceOpset);
    types.emplace_back(opType.str(), since);
  }
  llvm::sort(types);
  return types;
}

const OpHandlerRegistry &OpHandlerRegistry::get() {
  static const OpHandlerRegistry registry = [] {
    OpHandlerRegistry r;
    registerElementwiseHandlers(r);
    registerActivationHandlers(r);
    registerMatMulConvHandlers(r);
    registerNormalizationHandlers(r);
    registerPoolingHandlers(r);
    registerReductionHandlers(r);
    registerShapeHandlers(r);
    registerQuantizationHandlers(r);
    registerResizeHandlers(r);
    registerGeneratorHandlers(r);
    registerEinsumHandlers(r);
    return r;
  }();
  return registry;
}
