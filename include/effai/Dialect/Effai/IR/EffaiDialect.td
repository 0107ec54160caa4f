//===- EffaiDialect.td - effai dialect definition ----------*- tablegen -*-===//
//
// The effai dialect models what no upstream dialect does: compressed weights
// (pruned, quantized, power-of-two) and the ops that consume them.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_DIALECT_EFFAI_IR_EFFAIDIALECT_TD
#define EFFAI_DIALECT_EFFAI_IR_EFFAIDIALECT_TD

include "mlir/IR/OpBase.td"

def Effai_Dialect : Dialect {
  let name = "effai";
  let cppNamespace = "::mlir::effai";
  let summary = "Compressed (pruned, quantized, shift-add) neural-network ops";
  let description = [{
    The `effai` dialect captures neural-network compression in the IR so that
    later passes can exploit it: a weight carries an *encoding* that is the
    product of a value format (dense float, affine-quantized integer,
    power-of-two `±2^p` with one or two terms) and a sparsity format (dense,
    N:M, block, channel-pruned, unstructured). The compressible ops
    (`effai.linear`, `effai.conv2d`, `effai.depthwise_conv2d`) consume such
    weights; everything else stays in upstream dialects, and quantized
    activations use the upstream `!quant.uniform` types.

    ```mlir
    #w = #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32, 0.02>>,
                         sparsity = #effai.nm<2:4>>
    %w = effai.pack %vals indices(%idx : tensor<16x32xi8>)
        : tensor<16x32xi8> -> !effai.weight<16x64xf32, #w>
    %y = effai.linear %x, %w : (tensor<8x64xf32>, !effai.weight<16x64xf32, #w>)
        -> tensor<8x16xf32>
    ```
  }];
  // Constant weights decode to arith.constant; quantized types come from quant.
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::quant::QuantDialect"];
  let useDefaultAttributePrinterParser = 1;
  let useDefaultTypePrinterParser = 1;
  let extraClassDeclaration = [{
    void registerAttributes();
    void registerTypes();
  }];
}

class Effai_Op<string mnemonic, list<Trait> traits = []>
    : Op<Effai_Dialect, mnemonic, traits>;

#endif // EFFAI_DIALECT_EFFAI_IR_EFFAIDIALECT_TD
