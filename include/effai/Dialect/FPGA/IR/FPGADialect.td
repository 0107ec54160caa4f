//===- FPGADialect.td - effai_fpga dialect definition ------*- tablegen -*-===//
//
// The streaming-dataflow accelerator effai builds for an FPGA: one
// processing element (PE) per layer, streams between them, each layer with
// its own precision, arithmetic and parallelism.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_DIALECT_FPGA_IR_FPGADIALECT_TD
#define EFFAI_DIALECT_FPGA_IR_FPGADIALECT_TD

include "mlir/IR/OpBase.td"

def FPGA_Dialect : Dialect {
  let name = "effai_fpga";
  let cppNamespace = "::mlir::effai::fpga";
  let summary = "Flattened streaming accelerators for FPGAs";
  let description = [{
    An `effai_fpga.accelerator` is a dataflow graph: its block arguments
    are the input streams, each processing element (PE) op consumes streams
    and produces one, and `effai_fpga.yield` names the output streams. A
    stream (`!effai_fpga.stream<8x8x16xui8>`) carries one frame of a tensor
    at a time, feature maps pixel by pixel with the channels innermost
    (HWC), vectors element by element; its element type is the integer
    code on the wire.

    The PEs compute exactly what effai's integer CPU path computes for the
    same layer (centred activations times integer weights summed in i32,
    bias in accumulator units, fixed-point requantization rounding half to
    even, saturation), so a simulation of the accelerator is checked bit for
    bit against it. Weights are the integer multipliers themselves: zeros
    are pruned weights (the PE has no multiplier for them), powers of two
    (and sums of two) may be built as shifts and adds.

    How each PE is built (parallelism, arithmetic, weight storage, FIFO
    depth) is a separate decision, `#effai_fpga.fold`, made by a policy
    pass for a part's resources and read by the emitters.

    ```mlir
    effai_fpga.accelerator @digits
        inputs [#effai_fpga.port<name = "input", shape = [1, 8, 8], scales = [0.0039], zero_point = 0>]
        outputs [#effai_fpga.port<name = "logits", shape = [10], scales = [0.0012], zero_point = 0>] {
    ^bb0(%x: !effai_fpga.stream<8x8x1xui8>):
      %c = effai_fpga.conv2d %x {...} : !effai_fpga.stream<8x8x1xui8> -> !effai_fpga.stream<8x8x8xui8>
      ...
      effai_fpga.yield %y : !effai_fpga.stream<10xi32>
    }
    ```
  }];
  let useDefaultAttributePrinterParser = 1;
  let useDefaultTypePrinterParser = 1;
  let extraClassDeclaration = [{
    void registerAttributes();
    void registerTypes();
  }];
}

class FPGA_Op<string mnemonic, list<Trait> traits = []>
    : Op<FPGA_Dialect, mnemonic, traits>;

class FPGA_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<FPGA_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

class FPGA_Type<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<FPGA_Dialect, name, traits> {
  let mnemonic = typeMnemonic;
}

#endif // EFFAI_DIALECT_FPGA_IR_FPGADIALECT_TD
