//===- FPGAOps.td - effai_fpga operations ------------------*- tablegen -*-===//
//
// The accelerator and its processing elements. Each PE op is a layer as
// the hardware computes it, on integer codes; its folding (how it is
// built) is the optional `fold` attribute.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_DIALECT_FPGA_IR_FPGAOPS_TD
#define EFFAI_DIALECT_FPGA_IR_FPGAOPS_TD

include "effai/Dialect/FPGA/IR/FPGAAttrs.td"
include "effai/Dialect/FPGA/IR/FPGATypes.td"
include "mlir/IR/OpBase.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def FPGA_AcceleratorOp : FPGA_Op<"accelerator", [
    IsolatedFromAbove, Symbol,
    SingleBlockImplicitTerminator<"::mlir::effai::fpga::YieldOp">]> {
  let summary = "A streaming accelerator: PEs connected by streams";
  let description = [{
    The body's block arguments are the input streams; its
    `effai_fpga.yield` names the output streams. `inputs` and `outputs`
    hold one `#effai_fpga.port` per stream: how the host converts floats
    to codes and back.

    ```mlir
    effai_fpga.accelerator @mlp
        inputs [#effai_fpga.port<name = "x", shape = [64], scales = [0.5], zero_point = 0>]
        outputs [#effai_fpga.port<name = "y", shape = [10], scales = [0.01], zero_point = 0>] {
    ^bb0(%x: !effai_fpga.stream<64xui8>):
      %y = effai_fpga.linear %x {...}
          : !effai_fpga.stream<64xui8> -> !effai_fpga.stream<10xi32>
      effai_fpga.yield %y : !effai_fpga.stream<10xi32>
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       TypedArrayAttrBase<FPGA_PortAttr, "ports">:$inputs,
                       TypedArrayAttrBase<FPGA_PortAttr, "ports">:$outputs);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $sym_name `inputs` $inputs `outputs` $outputs attr-dict-with-keyword $body
  }];
  let hasVerifier = 1;
  let skipDefaultBuilders = 1;
  let builders = [OpBuilder<(ins "::llvm::StringRef":$name,
                                 "::mlir::TypeRange":$inputTypes,
                                 "::mlir::ArrayAttr":$inputs,
                                 "::mlir::ArrayAttr":$outputs)>];
  let extraClassDeclaration = [{
    ::mlir::Block &getBlock() { return getBody().front(); }
  }];
}

def FPGA_YieldOp : FPGA_Op<"yield", [
    Pure, ReturnLike, Terminator,
    HasParent<"::mlir::effai::fpga::AcceleratorOp">]> {
  let summary = "The accelerator's output streams";
  let arguments = (ins Variadic<FPGA_StreamType>:$streams);
  let assemblyFormat = "attr-dict ($streams^ `:` type($streams))?";
  let builders = [OpBuilder<(ins), [{ /* nothing */ }]>];
}

class FPGA_PEOp<string mnemonic, list<Trait> traits = []>
    : FPGA_Op<mnemonic, !listconcat(traits, [Pure])> {
  let hasVerifier = 1;
}

def FPGA_Conv2DOp : FPGA_PEOp<"conv2d"> {
  let summary = "A convolution PE: sliding window, integer MACs, "
                "requantization";
  let description = [{
    `output[y, x, o] = sum (input[y*sh + ky - pt, x*sw + kx - pl, c] -
    input_zero_point) * weights[o, ky, kx, c] + bias[o]` over the window
    (padding reads the zero point, i.e. contributes 0), over the `c` of
    `o`'s group; then `requant` (absent: the i32 accumulators are the
    output). Streams are HWC; `weights` are `[O, KH, KW, C/groups]`
    integers, `bias` `[O]` i32 in accumulator units.

    ```mlir
    %y = effai_fpga.conv2d %x {weights = dense<...> : tensor<8x3x3x1xi8>,
        bias = dense<...> : tensor<8xi32>, input_zero_point = 0,
        strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>,
        requant = #effai_fpga.requant<...>}
        : !effai_fpga.stream<8x8x1xui8> -> !effai_fpga.stream<8x8x8xui8>
    ```
  }];
  let arguments = (ins FPGA_StreamType:$input, ElementsAttr:$weights,
                       ElementsAttr:$bias, I64Attr:$input_zero_point,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DefaultValuedAttr<I64Attr, "1">:$groups,
                       OptionalAttr<FPGA_RequantAttr>:$requant,
                       OptionalAttr<FPGA_FoldAttr>:$fold);
  let results = (outs FPGA_StreamType:$output);
  let assemblyFormat =
      "$input attr-dict `:` qualified(type($input)) `->` qualified(type($output))";
}

def FPGA_LinearOp : FPGA_PEOp<"linear"> {
  let summary = "A fully connected PE: integer MACs, requantization";
  let description = [{
    `output[o] = sum_i (input[i] - input_zero_point) * weights[o, i] +
    bias[o]` over the input frame's elements in stream order (a feature
    map's HWC order: the weights' columns are laid out to match), then
    `requant` (absent: the i32 accumulators are the output).

    ```mlir
    %y = effai_fpga.linear %x {weights = dense<...> : tensor<10x64xi8>,
        bias = dense<...> : tensor<10xi32>, input_zero_point = 0}
        : !effai_fpga.stream<64xui8> -> !effai_fpga.stream<10xi32>
    ```
  }];
  let arguments = (ins FPGA_StreamType:$input, ElementsAttr:$weights,
                       ElementsAttr:$bias, I64Attr:$input_zero_point,
                       OptionalAttr<FPGA_RequantAttr>:$requant,
                       OptionalAttr<FPGA_FoldAttr>:$fold);
  let results = (outs FPGA_StreamType:$output);
  let assemblyFormat =
      "$input attr-dict `:` qualified(type($input)) `->` qualified(type($output))";
}

def FPGA_MaxPoolOp : FPGA_PEOp<"maxpool"> {
  let summary = "A max-pooling PE on codes";
  let description = [{
    `output[y, x, c] = max input[y*sh + ky, x*sw + kx, c]` over the
    `window` (no padding; codes compare as the element type's signedness
    says).

    ```mlir
    %p = effai_fpga.maxpool %x {window = array<i64: 2, 2>,
        strides = array<i64: 2, 2>}
        : !effai_fpga.stream<8x8x8xui8> -> !effai_fpga.stream<4x4x8xui8>
    ```
  }];
  let arguments = (ins FPGA_StreamType:$input, DenseI64ArrayAttr:$window,
                       DenseI64ArrayAttr:$strides,
                       OptionalAttr<FPGA_FoldAttr>:$fold);
  let results = (outs FPGA_StreamType:$output);
  let assemblyFormat =
      "$input attr-dict `:` qualified(type($input)) `->` qualified(type($output))";
}

def FPGA_ClampOp : FPGA_PEOp<"clamp"> {
  let summary = "Codes clamped to [min, max] (a ReLU on codes)";
  let description = [{
    Canonicalization folds a clamp into the requantization of the conv2d
    or linear PE it reads (narrowing its `min`/`max`: a fused ReLU), into
    a clamp it reads, and drops one that clamps to the whole code range.

    ```mlir
    %r = effai_fpga.clamp %x {min = 3, max = 255}
        : !effai_fpga.stream<8x8x8xui8> -> !effai_fpga.stream<8x8x8xui8>
    ```
  }];
  let arguments = (ins FPGA_StreamType:$input, I64Attr:$min, I64Attr:$max,
                       OptionalAttr<FPGA_FoldAttr>:$fold);
  let results = (outs FPGA_StreamType:$output);
  let assemblyFormat =
      "$input attr-dict `:` qualified(type($input)) `->` qualified(type($output))";
  let hasCanonicalizer = 1;
}

#endif // EFFAI_DIALECT_FPGA_IR_FPGAOPS_TD
