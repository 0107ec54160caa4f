//===- EmitEntryPoint.cpp - the C ABI of a compiled model -------*- C++ -*-===//
//
// The runtime knows a compiled model only through three symbols with a
// fixed C signature (effai_entry, effai_set_num_threads, effai_metadata), so
// it needs neither MLIR nor the model's memref descriptor layout. This pass
// generates them next to the model function, before LLVM lowering: the
// entry point builds each memref descriptor from a bare data pointer (all
// shapes are static) and calls the model.
//
//===----------------------------------------------------------------------===//

#include "effai/Target/CPU/Passes.h"
#include "effai/Utils/ArtifactName.h"
#include "effai/Version.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::effai {
#define GEN_PASS_DEF_EMITENTRYPOINT
#include "effai/Target/CPU/Passes.h.inc"

namespace {

/// ONNX's name for an element type, used when the importer left none.
std::string getDefaultDtypeName(Type type) {
  if (type.isF32())
    return "float";
  if (type.isF64())
    return "double";
  if (type.isF16())
    return "float16";
  if (type.isBF16())
    return "bfloat16";
  if (type.isInteger(1))
    return "bool";
  if (auto integer = dyn_cast<IntegerType>(type))
    return (integer.isUnsigned() ? "uint" : "int") +
           std::to_string(integer.getWidth());
  return "";
}

/// The metadata record of argument `index` of the model, or failure with a
/// diagnostic when the argument cannot cross the C ABI.
FailureOr<std::string> describeArgument(func::FuncOp model, unsigned index,
                                        unsigned &numInputs,
                                        unsigned &numOutputs,
                                        int64_t &workspaceBytes) {
  // Runtime-provided slots after the workspace (a GPU model's device
  // constants and launcher) are described by the artifact's own records.
  if (model.getArgAttr(index, "effai.entry_slot"))
    return std::string();
  auto type = dyn_cast<MemRefType>(model.getArgumentTypes()[index]);
  if (!type || !type.hasStaticShape() || !type.getLayout().isIdentity())
    return model.emitError("effai-emit-entry-point: argument #")
           << index << " must be a memref with a static shape and identity "
           << "layout (run effai-plan-buffers first), got "
           << model.getArgumentTypes()[index];
  if (model.getArgAttr(index, "effai.workspace")) {
    for (unsigned next = index + 1; next < model.getNumArguments(); ++next)
      if (!model.getArgAttr(next, "effai.entry_slot"))
        return model.emitError("effai-emit-entry-point: the workspace must "
                               "be the last argument (but for "
                               "effai.entry_slot ones)");
    workspaceBytes = type.getNumElements();
    return std::string();
  }
  if (model.getArgAttr(index, "effai.workspace_offset"))
    return std::string(); // Planned inside the workspace: no record.
  bool isOutput = model.getArgAttr(index, "effai.output") != nullptr;
  if (!isOutput && numOutputs != 0)
    return model.emitError("effai-emit-entry-point: input argument #")
           << index << " follows an output; inputs must come first";
  unsigned &counter = isOutput ? numOutputs : numInputs;
  std::string name =
      (isOutput ? "output_" : "input_") + std::to_string(counter);
  ++counter;
  if (auto attr = model.getArgAttrOfType<StringAttr>(index, "effai.name"))
    name = attr.str();
  std::string dtype = getDefaultDtypeName(type.getElementType());
  if (auto attr = model.getArgAttrOfType<StringAttr>(index, "effai.dtype"))
    dtype = attr.str();
  if (dtype.empty())
    return model.emitError("effai-emit-entry-point: argument #")
           << index << " has element type " << type.getElementType()
           << ", which the runtime cannot represent";

  std::string record;
  llvm::raw_string_ostream os(record);
  os << (isOutput ? "output " : "input ") << escapeArtifactName(name) << " " << dtype
     << " " << type.getRank();
  for (int64_t dim : type.getShape())
    os << " " << dim;
  os << "\n";
  return record;
}

/// Builds the LLVM memref descriptor of `type` around `data` (allocated and
/// aligned pointer alike, offset 0, row-major strides) and casts it to the
/// memref type, a cast the LLVM lowering folds away.
Value buildDescriptor(OpBuilder &b, Location loc, MemRefType type, Value data) {
  MLIRContext *ctx = b.getContext();
  auto ptrType = LLVM::LLVMPointerType::get(ctx);
  auto i64 = b.getI64Type();
  int64_t rank = type.getRank();
  SmallVector<Type> fields = {ptrType, ptrType, i64};
  if (rank > 0) {
    fields.push_back(LLVM::LLVMArrayType::get(i64, rank));
    fields.push_back(LLVM::LLVMArrayType::get(i64, rank));
  }
  auto structType = LLVM::LLVMStructType::getLiteral(ctx, fields);
  auto constant = [&](int64_t value) {
    return LLVM::ConstantOp::create(b, loc, i64, b.getI64IntegerAttr(value));
  };
  Value desc = LLVM::PoisonOp::create(b, loc, structType);
  desc = LLVM::InsertValueOp::create(b, loc, desc, data, ArrayRef<int64_t>{0});
  desc = LLVM::InsertValueOp::create(b, loc, desc, data, ArrayRef<int64_t>{1});
  desc = LLVM::InsertValueOp::create(b, loc, desc, constant(0),
                                     ArrayRef<int64_t>{2});
  int64_t stride = 1;
  for (int64_t dim = rank - 1; dim >= 0; --dim) {
    desc = LLVM::InsertValueOp::create(b, loc, desc,
                                       constant(type.getDimSize(dim)),
                                       ArrayRef<int64_t>{3, dim});
    desc = LLVM::InsertValueOp::create(b, loc, desc, constant(stride),
                                       ArrayRef<int64_t>{4, dim});
    stride *= type.getDimSize(dim);
  }
  return UnrealizedConversionCastOp::create(b, loc, type, desc).getResult(0);
}

/// `void effai_entry(void **buffers)`: loads one pointer per input and
/// output, the workspace's and those of the entry slots after it; planned
/// buffers are at their offsets in the workspace.
void buildEntryFunction(OpBuilder &b, func::FuncOp model) {
  MLIRContext *ctx = b.getContext();
  Location loc = model.getLoc();
  auto ptrType = LLVM::LLVMPointerType::get(ctx);
  auto voidType = LLVM::LLVMVoidType::get(ctx);
  auto entry = LLVM::LLVMFuncOp::create(
      b, loc, "effai_entry", LLVM::LLVMFunctionType::get(voidType, {ptrType}));
  Block *body = entry.addEntryBlock(b);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(body);
  Value argv = body->getArgument(0);
  auto loadSlot = [&](int32_t slot) -> Value {
    Value address = LLVM::GEPOp::create(b, loc, ptrType, ptrType, argv,
                                        ArrayRef<LLVM::GEPArg>{slot});
    return LLVM::LoadOp::create(b, loc, ptrType, address);
  };
  // Every argument not planned inside the workspace has a slot, in order.
  SmallVector<int32_t> slots;
  int32_t numSlots = 0, workspaceSlot = -1;
  for (unsigned i = 0, e = model.getNumArguments(); i < e; ++i) {
    if (model.getArgAttr(i, "effai.workspace_offset")) {
      slots.push_back(-1);
      continue;
    }
    if (model.getArgAttr(i, "effai.workspace"))
      workspaceSlot = numSlots;
    slots.push_back(numSlots++);
  }
  Value workspace = loadSlot(workspaceSlot);
  SmallVector<Value> operands;
  for (auto [index, type] : llvm::enumerate(model.getArgumentTypes())) {
    Value data;
    if (auto offset = model.getArgAttrOfType<IntegerAttr>(
            index, "effai.workspace_offset"))
      data = LLVM::GEPOp::create(
          b, loc, ptrType, b.getI8Type(), workspace,
          ArrayRef<LLVM::GEPArg>{Value(LLVM::ConstantOp::create(
              b, loc, b.getI64Type(), offset.getInt()))});
    else if (slots[index] == workspaceSlot)
      data = workspace;
    else
      data = loadSlot(slots[index]);
    if (auto memref = dyn_cast<MemRefType>(type))
      data = buildDescriptor(b, loc, memref, data);
    operands.push_back(data);
  }
  func::CallOp::create(b, loc, model, operands);
  LLVM::ReturnOp::create(b, loc, ValueRange{});
}

/// `void effai_set_num_threads(int32_t)`: OpenMP's setter, or nothing.
void buildSetNumThreads(OpBuilder &b, ModuleOp module, Location loc,
                        bool openmp) {
  MLIRContext *ctx = b.getContext();
  auto voidType = LLVM::LLVMVoidType::get(ctx);
  auto fnType = LLVM::LLVMFunctionType::get(voidType, {b.getI32Type()});
  LLVM::LLVMFuncOp ompSetter;
  if (openmp) {
    ompSetter = module.lookupSymbol<LLVM::LLVMFuncOp>("omp_set_num_threads");
    if (!ompSetter)
      ompSetter =
          LLVM::LLVMFuncOp::create(b, loc, "omp_set_num_threads", fnType);
  }
  auto setter =
      LLVM::LLVMFuncOp::create(b, loc, "effai_set_num_threads", fnType);
  Block *body = setter.addEntryBlock(b);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(body);
  if (ompSetter)
    LLVM::CallOp::create(b, loc, ompSetter, body->getArguments());
  LLVM::ReturnOp::create(b, loc, ValueRange{});
}

struct EmitEntryPointPass
    : public impl::EmitEntryPointBase<EmitEntryPointPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> publicFuncs;
    for (auto func : module.getOps<func::FuncOp>())
      if (!func.isExternal() && func.isPublic())
        publicFuncs.push_back(func);
    if (publicFuncs.size() != 1) {
      module.emitError("effai-emit-entry-point: expected exactly one public "
                       "function to export, found ")
          << publicFuncs.size();
      return signalPassFailure();
    }
    func::FuncOp model = publicFuncs.front();
    for (StringRef reserved :
         {"effai_entry", "effai_set_num_threads", "effai_metadata"})
      if (module.lookupSymbol(reserved)) {
        module.emitError("effai-emit-entry-point: symbol '")
            << reserved << "' already exists";
        return signalPassFailure();
      }
    bool hasWorkspace =
        llvm::any_of(llvm::seq(model.getNumArguments()), [&](unsigned i) {
          return model.getArgAttr(i, "effai.workspace");
        });
    if (model.getNumResults() != 0 || !hasWorkspace) {
      model.emitError("effai-emit-entry-point: expected results as "
                      "out-parameters and a workspace argument (run "
                      "effai-plan-buffers first)");
      return signalPassFailure();
    }

    std::string records;
    unsigned numInputs = 0, numOutputs = 0;
    int64_t workspaceBytes = 0;
    for (unsigned i = 0, e = model.getNumArguments(); i < e; ++i) {
      FailureOr<std::string> record =
          describeArgument(model, i, numInputs, numOutputs, workspaceBytes);
      if (failed(record))
        return signalPassFailure();
      records += *record;
    }
    std::string metadata;
    llvm::raw_string_ostream os(metadata);
    os << "effai-artifact 1\n"
       << "version " << EFFAI_VERSION_STRING << "\n"
       << "threading " << (openmp ? "openmp" : "none") << "\n"
       << "workspace " << workspaceBytes << "\n"
       << records;
    // Target-specific records (a GPU model's device, image and kernels).
    if (auto extra = model->getAttrOfType<ArrayAttr>("effai.artifact_records"))
      for (Attribute record : extra)
        os << cast<StringAttr>(record).getValue() << "\n";
    // Per-layer timers of a profiled model (effai-profile-layers).
    if (auto layers = model->getAttrOfType<ArrayAttr>("effai.profile_layers"))
      for (Attribute layer : layers)
        os << "profile " << escapeArtifactName(cast<StringAttr>(layer).getValue())
           << "\n";
    metadata.push_back('\0');

    OpBuilder b(module.getBodyRegion());
    b.setInsertionPointToEnd(module.getBody());
    Location loc = model.getLoc();
    auto i8 = b.getI8Type();
    LLVM::GlobalOp::create(b, loc,
                           LLVM::LLVMArrayType::get(i8, metadata.size()),
                           /*isConstant=*/true, LLVM::Linkage::External,
                           "effai_metadata", b.getStringAttr(metadata));
    buildEntryFunction(b, model);
    buildSetNumThreads(b, module, loc, openmp);
    // The slots are described; LLVM has no use for the marks.
    for (unsigned i = 0, e = model.getNumArguments(); i < e; ++i)
      model.removeArgAttr(i, "effai.entry_slot");
  }
};

} // namespace
} // namespace mlir::effai
