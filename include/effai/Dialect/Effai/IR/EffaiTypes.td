//===- EffaiTypes.td - effai types -------------------------*- tablegen -*-===//
//
// The compressed weight type: a logical (dequantized) tensor shape and element
// type plus the encoding that says how it is stored.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_DIALECT_EFFAI_IR_EFFAITYPES_TD
#define EFFAI_DIALECT_EFFAI_IR_EFFAITYPES_TD

include "effai/Dialect/Effai/IR/EffaiAttrs.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/BuiltinTypeInterfaces.td"

def Effai_WeightType : TypeDef<Effai_Dialect, "Weight"> {
  let mnemonic = "weight";
  let summary = "A compressed weight tensor";
  let description = [{
    A static-shaped weight of rank ≥ 2 whose leading dimension is the output
    channel. The shape and float element type are the *logical* ones (what
    `effai.unpack` produces); the encoding fixes the packed payload that
    `effai.pack` takes, so the type alone says how many weights are kept and
    how many bytes they occupy.

    ```mlir
    !effai.weight<64x3x3x3xf32, #effai.encoding<value = #effai.float>>
    ```
  }];
  let parameters = (ins ArrayRefParameter<"int64_t">:$shape,
                        "::mlir::FloatType":$elementType,
                        "::mlir::effai::EncodingAttr":$encoding);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Output channels (the leading dimension).
    int64_t getNumOutputChannels() const { return getShape().front(); }
    /// Size of the reduction (product of all but the leading dimension).
    int64_t getReductionSize() const;
    /// Number of logical weights.
    int64_t getNumElements() const;
    /// Number of weights the encoding keeps (stored non-zeros).
    int64_t getNumStoredWeights() const;
    /// Type of the packed `values` payload.
    ::mlir::RankedTensorType getValuesType() const;
    /// Type of the packed `indices` payload, or null when positions are
    /// implicit.
    ::mlir::RankedTensorType getIndicesType() const;
    /// Bytes of the packed payload (values at their storage bit width, plus
    /// indices).
    int64_t getPayloadBytes() const;
    /// The logical tensor type `effai.unpack` produces.
    ::mlir::RankedTensorType getLogicalType() const;
  }];
}

#endif // EFFAI_DIALECT_EFFAI_IR_EFFAITYPES_TD
