//===- EffaiInterfaces.td - effai interfaces ---------------*- tablegen -*-===//
//
// Interfaces that let passes ask questions without knowing every encoding or
// op: what a weight encoding stores, and what an op costs on a roofline.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_DIALECT_EFFAI_IR_EFFAIINTERFACES_TD
#define EFFAI_DIALECT_EFFAI_IR_EFFAIINTERFACES_TD

include "mlir/IR/OpBase.td"

def Effai_ValueFormatAttrInterface : AttrInterface<"ValueFormatAttrInterface"> {
  let cppNamespace = "::mlir::effai";
  let description = [{
    How each kept weight value is represented: the element type of the packed
    `values` payload, how many payload elements one weight needs, and whether
    the arithmetic it implies needs a multiplier.
  }];
  let methods = [
    InterfaceMethod<"Element type of the `values` payload for a weight whose "
                    "logical (dequantized) element type is `elementType`.",
      "::mlir::Type", "getStorageElementType", (ins "::mlir::Type":$elementType)>,
    InterfaceMethod<"Bits one payload element occupies once packed.",
      "unsigned", "getStorageBits", (ins "::mlir::Type":$elementType)>,
    InterfaceMethod<"Payload elements per weight; above 1 they form a "
                    "trailing `values` dimension.",
      "int64_t", "getTermsPerValue", (ins), "", "return 1;">,
    InterfaceMethod<"True when weights of this format need no multiplier "
                    "(shift-add arithmetic).",
      "bool", "isMultiplicationFree", (ins), "", "return false;">,
    InterfaceMethod<"True when the payload is integer codes, so integer-only "
                    "arithmetic on quantized activations is possible.",
      "bool", "hasIntegerStorage", (ins), "", "return true;">,
    InterfaceMethod<"Checks the format against the weight's logical shape and "
                    "element type.",
      "::llvm::LogicalResult", "verifyForWeight",
      (ins "::llvm::function_ref<::mlir::InFlightDiagnostic()>":$emitError,
           "::llvm::ArrayRef<int64_t>":$shape, "::mlir::Type":$elementType)>,
  ];
}

def Effai_SparsityFormatAttrInterface
    : AttrInterface<"SparsityFormatAttrInterface"> {
  let cppNamespace = "::mlir::effai";
  let description = [{
    Which weights are kept and how their positions are stored. Sparsity works
    on the 2-D view `[O, R]` of a weight, `O` its leading (output-channel)
    dimension and `R` the product of the rest (the reduction). The format
    fixes the shape of the `values` payload and of the optional `indices`
    payload, so a weight type describes its storage completely.
  }];
  let methods = [
    InterfaceMethod<"Checks the format against the logical weight shape.",
      "::llvm::LogicalResult", "verifyForShape",
      (ins "::llvm::function_ref<::mlir::InFlightDiagnostic()>":$emitError,
           "::llvm::ArrayRef<int64_t>":$shape)>,
    InterfaceMethod<"Shape of the `values` payload (before the value format's "
                    "trailing terms dim).",
      "::llvm::SmallVector<int64_t>", "getValuesShape",
      (ins "::llvm::ArrayRef<int64_t>":$shape)>,
    InterfaceMethod<"Type of the `indices` payload, or null when positions "
                    "are implicit.",
      "::mlir::RankedTensorType", "getIndicesType",
      (ins "::llvm::ArrayRef<int64_t>":$shape), "", "return {};">,
  ];
}

def Effai_CostModelOpInterface : OpInterface<"CostModelOpInterface"> {
  let cppNamespace = "::mlir::effai";
  let description = [{
    Reports the work an op does and the bytes it must move at least once
    (compulsory traffic), accounting for the weight encoding: pruned weights
    do no work, power-of-two weights cost shifts and adds instead of
    multiplies, and packed payloads move fewer bytes. Roofline analyses
    (arithmetic intensity = ops / bytes) and reports read it.
  }];
  let methods = [
    InterfaceMethod<"Cost of one execution of the op; fails when a shape it "
                    "needs is dynamic.",
      "::mlir::FailureOr<::mlir::effai::OpCost>", "getCost">,
  ];
}

#endif // EFFAI_DIALECT_EFFAI_IR_EFFAIINTERFACES_TD
