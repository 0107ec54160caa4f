//===- EffaiOps.td - effai operations ----------------------*- tablegen -*-===//
//
// Packing/unpacking compressed weights, the compressible ops that consume
// them, and integer requantization of activations.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_DIALECT_EFFAI_IR_EFFAIOPS_TD
#define EFFAI_DIALECT_EFFAI_IR_EFFAIOPS_TD

include "effai/Dialect/Effai/IR/EffaiTypes.td"
include "mlir/Dialect/Quant/IR/QuantBase.td"
include "mlir/IR/OpBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

/// Activations: float tensors, or tensors of `!quant.uniform` values.
def Effai_ActivationTensor
    : RankedTensorOf<[AnyFloat, quant_QuantizedType]>;

//===----------------------------------------------------------------------===//
// Weight packing
//===----------------------------------------------------------------------===//

def Effai_PackOp : Effai_Op<"pack", [Pure]> {
  let summary = "Form a compressed weight from its packed payload";
  let description = [{
    Binds a `values` payload (and, for sparse encodings, an `indices`
    payload) to a weight type. The payload shapes and element types must be
    exactly what the encoding prescribes (see the format attributes). The
    payload is usually an `arith.constant` of a `dense_resource` blob.

    ```mlir
    %w = effai.pack %vals indices(%idx : tensor<16x32xi8>)
        : tensor<16x32xi8>
        -> !effai.weight<16x64xf32, #effai.encoding<
             value = #effai.affine<!quant.uniform<i8:f32, 0.02>>,
             sparsity = #effai.nm<2:4>>>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$values,
                       Optional<AnyRankedTensor>:$indices);
  let results = (outs Effai_WeightType:$result);
  let assemblyFormat = [{
    $values (`indices` `(` $indices^ `:` type($indices) `)`)? attr-dict `:`
    type($values) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
}

def Effai_UnpackOp : Effai_Op<"unpack", [Pure]> {
  let summary = "Decompress a weight to its dense logical float tensor";
  let description = [{
    Dequantizes and scatters a compressed weight into a dense tensor of its
    logical shape and element type (pruned weights become 0). This is the
    reference semantics of every encoding; lowerings that exploit the
    encoding must agree with it. When the payload is constant, the
    canonicalizer decodes it at compile time.

    ```mlir
    %dense = effai.unpack %w : !effai.weight<16x64xf32, #enc> -> tensor<16x64xf32>
    ```
  }];
  let arguments = (ins Effai_WeightType:$weight);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$weight attr-dict `:` qualified(type($weight)) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

//===----------------------------------------------------------------------===//
// Compressible ops
//===----------------------------------------------------------------------===//

class Effai_CompressibleOp<string mnemonic, list<Trait> traits = []>
    : Effai_Op<mnemonic, !listconcat(traits, [Pure,
          DeclareOpInterfaceMethods<Effai_CostModelOpInterface>])> {
  let results = (outs Effai_ActivationTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  code commonDescription = [{

    Element types: with a float input the weight's element type is the
    activation type. A `!quant.uniform` input means integer arithmetic and
    needs an integer weight encoding (affine or pow2); its result may be
    quantized (requantized in the op) or float (dequantized). A quantized
    bias is `i32` with the accumulator's scale, as in ONNX QLinearConv.
  }];
}

def Effai_LinearOp : Effai_CompressibleOp<"linear"> {
  let summary = "y = x · Wᵀ + b with a compressed weight";
  let description = [{
    `x` is `[..., K]`, the weight `[N, K]` (output features first, as in
    PyTorch `nn.Linear` and ONNX `Gemm` with `transB = 1`), the optional bias
    `[N]`, and the result `[..., N]`. Covers Gemm and MatMul with a constant
    right-hand side.

    ```mlir
    %y = effai.linear %x, %w, %b
        : (tensor<8x64xf32>, !effai.weight<16x64xf32, #enc>, tensor<16xf32>)
        -> tensor<8x16xf32>
    ```
  }] # commonDescription;
  let arguments = (ins Effai_ActivationTensor:$input, Effai_WeightType:$weight,
                       Optional<Effai_ActivationTensor>:$bias);
}

def Effai_Conv2DOp : Effai_CompressibleOp<"conv2d"> {
  let summary = "2-D convolution (NCHW input, OIHW weight) with a compressed weight";
  let description = [{
    Layout as ONNX `Conv`: input `[N, C, H, W]`, weight `[O, C/groups, KH, KW]`,
    optional bias `[O]`, result `[N, O, OH, OW]` with
    `OH = (H + pad_top + pad_bottom - dil_h*(KH-1) - 1) / stride_h + 1`.
    `pads` is `[top, left, bottom, right]`.

    ```mlir
    %y = effai.conv2d %x, %w, %b {strides = array<i64: 2, 2>,
                                  pads = array<i64: 1, 1, 1, 1>}
        : (tensor<1x3x32x32xf32>, !effai.weight<16x3x3x3xf32, #enc>,
           tensor<16xf32>) -> tensor<1x16x16x16xf32>
    ```
  }] # commonDescription;
  let arguments = (ins Effai_ActivationTensor:$input, Effai_WeightType:$weight,
                       Optional<Effai_ActivationTensor>:$bias,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
                       DefaultValuedAttr<I64Attr, "1">:$groups);
}

def Effai_DepthwiseConv2DOp : Effai_CompressibleOp<"depthwise_conv2d"> {
  let summary = "Depthwise 2-D convolution (NCHW) with a compressed weight";
  let description = [{
    Each input channel is convolved with its own `multiplier` filters: input
    `[N, C, H, W]`, weight `[C*multiplier, 1, KH, KW]`, optional bias
    `[C*multiplier]`, result `[N, C*multiplier, OH, OW]` — ONNX `Conv` with
    `group = C`. Kept apart from `effai.conv2d` because it is memory-bound
    and gets its own kernels.

    ```mlir
    %y = effai.depthwise_conv2d %x, %w {pads = array<i64: 1, 1, 1, 1>}
        : (tensor<1x32x16x16xf32>, !effai.weight<32x1x3x3xf32, #enc>)
        -> tensor<1x32x16x16xf32>
    ```
  }] # commonDescription;
  let arguments = (ins Effai_ActivationTensor:$input, Effai_WeightType:$weight,
                       Optional<Effai_ActivationTensor>:$bias,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations);
}

//===----------------------------------------------------------------------===//
// Activation quantization
//===----------------------------------------------------------------------===//

def Effai_RequantizeOp : Effai_Op<"requantize", [Pure, SameOperandsAndResultShape,
    DeclareOpInterfaceMethods<Effai_CostModelOpInterface>]> {
  let summary = "Change the quantization parameters of a quantized tensor";
  let description = [{
    Maps each value from the input's `!quant.uniform` parameters to the
    result's (`q' = round(q * s/s') + z'` with `q` re-centred on its zero
    point, saturated to the result's storage range), e.g. an `i32`
    accumulator to `i8` activations. Upstream `quant` has quantize
    (`quant.qcast`) and dequantize (`quant.dcast`) but no integer-to-integer
    step. Folds away when both types are equal.

    ```mlir
    %y = effai.requantize %acc : tensor<8x16x!quant.uniform<i32:f32, 1.0e-4>>
        -> tensor<8x16x!quant.uniform<i8:f32, 0.05:-3>>
    ```
  }];
  let arguments = (ins RankedTensorOf<[quant_QuantizedType]>:$input);
  let results = (outs RankedTensorOf<[quant_QuantizedType]>:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

#endif // EFFAI_DIALECT_EFFAI_IR_EFFAIOPS_TD
