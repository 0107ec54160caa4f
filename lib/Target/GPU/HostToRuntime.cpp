//===- HostToRuntime.cpp - GPU host code calling the runtime ----*- C++ -*-===//
//
// effai-gpu-host-to-runtime: after the kernels are serialized, the host
// function of a GPU model only sequences device work. Its launches and
// copies go through a launcher the runtime passes in (so the artifact
// links nothing of CUDA and loads on machines without a GPU), its constant
// buffers become one device buffer the runtime uploads once, and the
// kernel image becomes a global the runtime hands to the driver.
//
//===----------------------------------------------------------------------===//

#include "effai/Target/GPU/Passes.h"
#include "effai/Utils/ConstantData.h"

#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/MapVector.h"

namespace mlir::effai {
#define GEN_PASS_DEF_GPUHOSTTORUNTIME
#include "effai/Target/GPU/Passes.h.inc"

namespace {

/// Alignment of every constant in the device constants buffer (what
/// cuMemAlloc guarantees for its base, so vector loads stay aligned).
constexpr int64_t kConstantAlignment = 256;

constexpr StringLiteral kLaunchHelper = "__effai_gpu_launch";
constexpr StringLiteral kCopyHelper = "__effai_gpu_copy";

/// The launcher the runtime passes: `{void *context; void (*launch)(...);
/// void (*copy)(...)}`; `field` 1 is launch, 2 is copy.
/// `helper(launcher, args...)` loads the context and the function pointer
/// and calls it with the context first.
LLVM::LLVMFuncOp buildTrampoline(OpBuilder &b, ModuleOp module, StringRef name,
                                 int32_t field, ArrayRef<Type> argTypes) {
  MLIRContext *ctx = b.getContext();
  auto ptr = LLVM::LLVMPointerType::get(ctx);
  auto voidType = LLVM::LLVMVoidType::get(ctx);
  SmallVector<Type> helperArgs = {ptr};
  llvm::append_range(helperArgs, argTypes);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToEnd(module.getBody());
  Location loc = module.getLoc();
  auto helper = LLVM::LLVMFuncOp::create(
      b, loc, name, LLVM::LLVMFunctionType::get(voidType, helperArgs),
      LLVM::Linkage::Internal);
  Block *body = helper.addEntryBlock(b);
  b.setInsertionPointToStart(body);
  Value launcher = body->getArgument(0);
  auto launcherType = LLVM::LLVMStructType::getLiteral(ctx, {ptr, ptr, ptr});
  Value context = LLVM::LoadOp::create(b, loc, ptr, launcher);
  Value slot = LLVM::GEPOp::create(b, loc, ptr, launcherType, launcher,
                                   ArrayRef<LLVM::GEPArg>{0, field});
  Value callee = LLVM::LoadOp::create(b, loc, ptr, slot);
  SmallVector<Value> operands = {callee, context};
  llvm::append_range(operands, body->getArguments().drop_front());
  SmallVector<Type> calleeArgs = {ptr};
  llvm::append_range(calleeArgs, argTypes);
  LLVM::CallOp::create(
      b, loc, LLVM::LLVMFunctionType::get(voidType, calleeArgs), operands);
  LLVM::ReturnOp::create(b, loc, ValueRange{});
  return helper;
}

/// `value` as the LLVM value a kernel parameter slot holds: a memref's
/// aligned data pointer (the kernels' bare-pointer convention), an index
/// as i64, integers and floats as they are.
FailureOr<Value> toParameter(OpBuilder &b, Location loc, Value value) {
  Type type = value.getType();
  if (isa<MemRefType>(type)) {
    Value address =
        memref::ExtractAlignedPointerAsIndexOp::create(b, loc, value);
    Value word = arith::IndexCastOp::create(b, loc, b.getI64Type(), address);
    return LLVM::IntToPtrOp::create(
               b, loc, LLVM::LLVMPointerType::get(b.getContext()), word)
        .getResult();
  }
  if (type.isIndex())
    return arith::IndexCastOp::create(b, loc, b.getI64Type(), value)
        .getResult();
  if (isa<IntegerType, FloatType>(type))
    return value;
  return failure();
}

/// Whether `memref` (or any view of it) is only read by the host itself:
/// loads, no kernel or copy.
bool isOnlyReadByHost(Value memref) {
  return llvm::all_of(memref.getUsers(), [](Operation *user) {
    if (isa<memref::LoadOp>(user))
      return true;
    auto view = dyn_cast<ViewLikeOpInterface>(user);
    return view && isOnlyReadByHost(user->getResult(0));
  });
}

/// Whether `memref` is a host global or a view of one.
bool readsHostGlobal(Value memref) {
  while (auto view = memref.getDefiningOp<ViewLikeOpInterface>())
    memref = view.getViewSource();
  return memref.getDefiningOp<memref::GetGlobalOp>() != nullptr;
}

/// The view chain of `memref` rebuilt from a fresh `memref.get_global`
/// (memoized in `clones`): what the host's own loads of a constant read
/// when kernels use the same views.
Value cloneHostChain(OpBuilder &b, Value memref,
                     DenseMap<Value, Value> &clones) {
  if (Value clone = clones.lookup(memref))
    return clone;
  Operation *def = memref.getDefiningOp();
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointAfter(def);
  IRMapping mapping;
  if (auto view = dyn_cast<ViewLikeOpInterface>(def))
    mapping.map(view.getViewSource(),
                cloneHostChain(b, view.getViewSource(), clones));
  Value clone = b.clone(*def, mapping)->getResult(0);
  clones[memref] = clone;
  return clone;
}

/// An i64 (or i32) constant or value for the launcher's scalar arguments.
Value toI64(OpBuilder &b, Location loc, Value index) {
  return arith::IndexCastOp::create(b, loc, b.getI64Type(), index);
}

/// A contiguous memref's data pointer and byte count; failure when the
/// memref has a dynamic shape or holes.
FailureOr<std::pair<Value, Value>>
getContiguousBytes(OpBuilder &b, Location loc, Value memref) {
  auto type = cast<MemRefType>(memref.getType());
  if (!memref::isStaticShapeAndContiguousRowMajor(type) ||
      !type.getElementType().isIntOrIndexOrFloat())
    return failure();
  unsigned bits = type.getElementType().isIndex()
                      ? 64
                      : type.getElementType().getIntOrFloatBitWidth();
  int64_t bytes = type.getNumElements() * ((bits + 7) / 8);
  Value pointer = *toParameter(b, loc, memref);
  // The aligned pointer plus the static offset of the view (with a
  // dynamic one, effai-gpu-copies-to-launches made the copy a kernel).
  int64_t offset = 0;
  SmallVector<int64_t> strides;
  if (failed(type.getStridesAndOffset(strides, offset)) ||
      ShapedType::isDynamic(offset))
    return failure();
  if (offset != 0)
    pointer = LLVM::GEPOp::create(
        b, loc, LLVM::LLVMPointerType::get(b.getContext()),
        b.getIntegerType(bits < 8 ? 8 : bits), pointer,
        ArrayRef<LLVM::GEPArg>{Value(LLVM::ConstantOp::create(
            b, loc, b.getI64Type(), b.getI64IntegerAttr(offset)))});
  Value count = LLVM::ConstantOp::create(b, loc, b.getI64Type(),
                                         b.getI64IntegerAttr(bytes));
  return std::make_pair(pointer, count);
}

struct GPUHostToRuntimePass
    : public impl::GPUHostToRuntimeBase<GPUHostToRuntimePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    func::FuncOp model;
    for (auto func : module.getOps<func::FuncOp>())
      if (!func.isExternal() && func.isPublic()) {
        if (model) {
          module.emitError("effai-gpu-host-to-runtime: expected one public "
                           "function, found several");
          return signalPassFailure();
        }
        model = func;
      }
    auto binaries = llvm::to_vector(module.getOps<gpu::BinaryOp>());
    if (!model || binaries.size() != 1 ||
        binaries.front().getObjects().size() != 1) {
      module.emitError("effai-gpu-host-to-runtime: expected one public "
                       "function and one gpu.binary holding one object "
                       "(run effai-gpu-merge-kernel-modules and "
                       "gpu-module-to-binary first)");
      return signalPassFailure();
    }
    if (model.getNumArguments() == 0 ||
        !model.getArgAttr(model.getNumArguments() - 1, "effai.workspace")) {
      model.emitError("effai-gpu-host-to-runtime: expected the workspace as "
                      "the last argument (run effai-plan-buffers first)");
      return signalPassFailure();
    }
    gpu::BinaryOp binary = binaries.front();
    auto object = cast<gpu::ObjectAttr>(binary.getObjects()[0]);
    bool isPTX = object.getFormat() == gpu::CompilationTarget::Assembly;
    if (!isPTX && object.getFormat() != gpu::CompilationTarget::Binary) {
      binary.emitError("effai-gpu-host-to-runtime: the kernels must be PTX "
                       "(format=isa) or a cubin (format=bin)");
      return signalPassFailure();
    }

    OpBuilder b(&getContext());
    Location loc = model.getLoc();
    auto ptr = LLVM::LLVMPointerType::get(&getContext());
    auto i8 = b.getI8Type();

    // A reshape whose shape is a constant is a view: its shape operand is
    // host data, the only buffer the host may read.
    SmallVector<memref::ReshapeOp> reshapes;
    model.walk([&](memref::ReshapeOp reshape) { reshapes.push_back(reshape); });
    for (memref::ReshapeOp reshape : reshapes) {
      MemRefType type = reshape.getType();
      SmallVector<int64_t> strides;
      int64_t offset;
      if (!type.hasStaticShape() ||
          failed(type.getStridesAndOffset(strides, offset)) || offset != 0)
        continue;
      b.setInsertionPoint(reshape);
      Value view = memref::ReinterpretCastOp::create(
          b, reshape.getLoc(), type, reshape.getSource(), /*offset=*/0,
          type.getShape(), strides);
      Value shape = reshape.getShape();
      reshape.replaceAllUsesWith(view);
      reshape.erase();
      if (Operation *def = shape.getDefiningOp(); def && isOpTriviallyDead(def))
        def->erase();
    }

    // Host loads of a constant that kernels use too read a chain of their
    // own, so that each get_global is either the host's or the device's.
    DenseMap<Value, Value> hostChains;
    model.walk([&](memref::LoadOp load) {
      Value root = load.getMemRef();
      while (auto view = root.getDefiningOp<ViewLikeOpInterface>())
        root = view.getViewSource();
      if (root.getDefiningOp<memref::GetGlobalOp>() && !isOnlyReadByHost(root))
        load.getMemrefMutable().assign(
            cloneHostChain(b, load.getMemRef(), hostChains));
    });

    // The runtime's buffers: device constants, then the launcher.
    std::vector<char> constants;
    llvm::MapVector<memref::GlobalOp, int64_t> constantOffsets;
    SymbolTable symbols(module);
    WalkResult collected = model.walk([&](memref::GetGlobalOp get) {
      auto global = symbols.lookup<memref::GlobalOp>(get.getName());
      // A constant only the host reads (a sparse kernel's row offsets,
      // bounds of host loops) stays a host global.
      if (!global || constantOffsets.count(global) ||
          isOnlyReadByHost(get.getResult()))
        return WalkResult::advance();
      auto value = dyn_cast_or_null<ElementsAttr>(global.getInitialValueAttr());
      if (!global.getConstant() || !value ||
          !global.getType().getLayout().isIdentity()) {
        get.emitError("effai-gpu-host-to-runtime: kernels read the global '")
            << get.getName()
            << "', which is not an identity-layout constant; only "
               "constants can live on the device";
        return WalkResult::interrupt();
      }
      constants.resize(llvm::alignTo(constants.size(), kConstantAlignment));
      int64_t offset = constants.size();
      if (!appendElementBytes(value, constants)) {
        get.emitError("effai-gpu-host-to-runtime: cannot lay out the "
                      "elements of the constant '")
            << get.getName() << "' (" << value.getShapedType() << ")";
        return WalkResult::interrupt();
      }
      constantOffsets[global] = offset;
      return WalkResult::advance();
    });
    if (collected.wasInterrupted())
      return signalPassFailure();
    int64_t constantBytes =
        std::max<int64_t>(1, llvm::alignTo(constants.size(), 64));
    constants.resize(constantBytes);

    unsigned constantsIndex = model.getNumArguments();
    auto constantsType = MemRefType::get({constantBytes}, i8);
    if (failed(model.insertArgument(
            constantsIndex, constantsType,
            b.getDictionaryAttr(b.getNamedAttr(
                "effai.entry_slot", b.getStringAttr("gpu_constants"))),
            loc)) ||
        failed(model.insertArgument(
            constantsIndex + 1, ptr,
            b.getDictionaryAttr(b.getNamedAttr(
                "effai.entry_slot", b.getStringAttr("gpu_launcher"))),
            loc)))
      return signalPassFailure();
    Value deviceConstants = model.getArgument(constantsIndex);
    Value launcher = model.getArgument(constantsIndex + 1);

    // Kernel parameter slots and arrays live at the entry: one per launch.
    Block &entry = model.getBody().front();
    b.setInsertionPointToStart(&entry);
    Value one = LLVM::ConstantOp::create(b, loc, b.getI64Type(),
                                         b.getI64IntegerAttr(1));
    auto entryAlloca = [&](Type type, int64_t count) -> Value {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointAfter(one.getDefiningOp());
      Value size = count == 1
                       ? one
                       : LLVM::ConstantOp::create(b, loc, b.getI64Type(),
                                                  b.getI64IntegerAttr(count));
      return LLVM::AllocaOp::create(b, loc, ptr, type, size);
    };

    auto i32 = b.getI32Type(), i64 = b.getI64Type();
    LLVM::LLVMFuncOp launchHelper =
        buildTrampoline(b, module, kLaunchHelper, 1,
                        {i32, i64, i64, i64, i64, i64, i64, i32, ptr});
    LLVM::LLVMFuncOp copyHelper =
        buildTrampoline(b, module, kCopyHelper, 2, {ptr, ptr, i64});

    llvm::MapVector<StringAttr, int32_t> kernels;
    SmallVector<Operation *> erase;
    WalkResult rewritten = model.walk([&](Operation *op) -> WalkResult {
      b.setInsertionPoint(op);
      Location opLoc = op->getLoc();
      if (auto get = dyn_cast<memref::GetGlobalOp>(op)) {
        auto global = symbols.lookup<memref::GlobalOp>(get.getName());
        if (!constantOffsets.count(global))
          return WalkResult::advance();
        Value offset = arith::ConstantIndexOp::create(
            b, opLoc, constantOffsets.lookup(global));
        Value view = memref::ViewOp::create(
            b, opLoc, get.getType(), deviceConstants, offset, ValueRange{});
        // Host reads keep the host copy; everything else (launches,
        // copies, views for them) takes the device one.
        get.getResult().replaceUsesWithIf(view, [](OpOperand &use) {
          Operation *user = use.getOwner();
          return !isa<memref::LoadOp>(user) &&
                 !(isa<ViewLikeOpInterface>(user) &&
                   isOnlyReadByHost(user->getResult(0)));
        });
        if (get->use_empty())
          erase.push_back(get);
        return WalkResult::advance();
      }
      if (auto launch = dyn_cast<gpu::LaunchFuncOp>(op)) {
        if (launch.getAsyncToken() || !launch.getAsyncDependencies().empty() ||
            launch.hasClusterSize()) {
          launch.emitError("effai-gpu-host-to-runtime: asynchronous and "
                           "clustered launches are not supported");
          return WalkResult::interrupt();
        }
        StringAttr name = launch.getKernelName();
        int32_t index = kernels.insert({name, kernels.size()}).first->second;
        SmallVector<Value> parameters;
        for (auto [i, operand] : llvm::enumerate(launch.getKernelOperands())) {
          FailureOr<Value> parameter = toParameter(b, opLoc, operand);
          if (failed(parameter)) {
            launch.emitError("effai-gpu-host-to-runtime: kernel argument #")
                << i << " has type " << operand.getType()
                << "; only memrefs, integers, indices and floats cross to "
                   "the device";
            return WalkResult::interrupt();
          }
          parameters.push_back(*parameter);
        }
        Value array = entryAlloca(ptr, std::max<int64_t>(1, parameters.size()));
        for (auto [i, parameter] : llvm::enumerate(parameters)) {
          Value slot = entryAlloca(parameter.getType(), 1);
          LLVM::StoreOp::create(b, opLoc, parameter, slot);
          Value element = LLVM::GEPOp::create(
              b, opLoc, ptr, ptr, array, ArrayRef<LLVM::GEPArg>{int32_t(i)});
          LLVM::StoreOp::create(b, opLoc, slot, element);
        }
        gpu::KernelDim3 grid = launch.getGridSizeOperandValues();
        gpu::KernelDim3 block = launch.getBlockSizeOperandValues();
        // The launch's dynamic shared memory size is an i32 already.
        Value shared = launch.getDynamicSharedMemorySize();
        if (!shared)
          shared =
              LLVM::ConstantOp::create(b, opLoc, i32, b.getI32IntegerAttr(0));
        Value kernel =
            LLVM::ConstantOp::create(b, opLoc, i32, b.getI32IntegerAttr(index));
        LLVM::CallOp::create(
            b, opLoc, launchHelper,
            ValueRange{launcher, kernel, toI64(b, opLoc, grid.x),
                       toI64(b, opLoc, grid.y), toI64(b, opLoc, grid.z),
                       toI64(b, opLoc, block.x), toI64(b, opLoc, block.y),
                       toI64(b, opLoc, block.z), shared, array});
        erase.push_back(launch);
        return WalkResult::advance();
      }
      if (auto copy = dyn_cast<memref::CopyOp>(op)) {
        FailureOr<std::pair<Value, Value>> source =
            getContiguousBytes(b, opLoc, copy.getSource());
        FailureOr<std::pair<Value, Value>> target =
            getContiguousBytes(b, opLoc, copy.getTarget());
        if (failed(source) || failed(target)) {
          copy.emitError("effai-gpu-host-to-runtime: a copy between "
                         "non-contiguous buffers needs a kernel");
          return WalkResult::interrupt();
        }
        LLVM::CallOp::create(
            b, opLoc, copyHelper,
            ValueRange{launcher, target->first, source->first, source->second});
        erase.push_back(copy);
        return WalkResult::advance();
      }
      return WalkResult::advance();
    });
    if (rewritten.wasInterrupted())
      return signalPassFailure();
    for (Operation *op : erase)
      op->erase();

    // What is left must not touch memory: the host holds device pointers.
    WalkResult checked = model.walk([&](Operation *op) -> WalkResult {
      if (isa<LLVM::LLVMDialect>(op->getDialect()))
        return WalkResult::advance();
      if (isa<memref::AllocOp, memref::AllocaOp, memref::DeallocOp>(op)) {
        op->emitError("effai-gpu-host-to-runtime: a host allocation the "
                      "buffer planner could not place (dynamic size or "
                      "layout?) would hand the device a host pointer");
        return WalkResult::interrupt();
      }
      auto effects = dyn_cast<MemoryEffectOpInterface>(op);
      SmallVector<MemoryEffects::EffectInstance> instances;
      if (effects)
        effects.getEffects(instances);
      for (const MemoryEffects::EffectInstance &effect : instances)
        if (isa<MemoryEffects::Read, MemoryEffects::Write>(
                effect.getEffect()) &&
            effect.getValue() && isa<MemRefType>(effect.getValue().getType()) &&
            !readsHostGlobal(effect.getValue())) {
          op->emitError("effai-gpu-host-to-runtime: host code would access a "
                        "device buffer; only kernels may");
          return WalkResult::interrupt();
        }
      return WalkResult::advance();
    });
    if (checked.wasInterrupted())
      return signalPassFailure();

    // The kernel image and the constants as exported globals.
    std::string image = object.getObject().getValue().str();
    if (isPTX)
      image.push_back('\0');
    b.setInsertionPointToEnd(module.getBody());
    for (auto [name, bytes] :
         {std::make_pair(StringRef("effai_gpu_image"), StringRef(image)),
          std::make_pair(StringRef("effai_gpu_constants"),
                         StringRef(constants.data(), constants.size()))})
      LLVM::GlobalOp::create(b, loc, LLVM::LLVMArrayType::get(i8, bytes.size()),
                             /*isConstant=*/true, LLVM::Linkage::External, name,
                             b.getStringAttr(bytes), /*alignment=*/64);

    StringRef chip = "unknown";
    if (auto nvvm = dyn_cast<NVVM::NVVMTargetAttr>(object.getTarget()))
      chip = nvvm.getChip();
    SmallVector<Attribute> records = {
        b.getStringAttr("device cuda"), b.getStringAttr("chip " + chip.str()),
        b.getStringAttr("image " + std::string(isPTX ? "ptx " : "cubin ") +
                        std::to_string(image.size())),
        b.getStringAttr("constants " + std::to_string(constantBytes))};
    for (auto &kernel : kernels)
      records.push_back(b.getStringAttr("kernel " + kernel.first.str()));
    model->setAttr("effai.artifact_records", b.getArrayAttr(records));

    // The device code now lives in the image.
    binary.erase();
    for (auto &entry : constantOffsets)
      if (SymbolTable::symbolKnownUseEmpty(entry.first, module))
        entry.first.erase();
    module->removeAttr(gpu::GPUDialect::getContainerModuleAttrName());
  }
};

} // namespace
} // namespace mlir::effai
