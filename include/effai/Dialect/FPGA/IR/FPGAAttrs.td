//===- FPGAAttrs.td - effai_fpga attributes ----------------*- tablegen -*-===//

#ifndef EFFAI_DIALECT_FPGA_IR_FPGAATTRS_TD
#define EFFAI_DIALECT_FPGA_IR_FPGAATTRS_TD

include "effai/Dialect/Effai/IR/EffaiParameters.td"
include "effai/Dialect/FPGA/IR/FPGADialect.td"
include "mlir/IR/AttrTypeBase.td"

def FPGA_RequantAttr : FPGA_Attr<"Requant", "requant"> {
  let summary = "Fixed-point requantization of i32 accumulators to codes";
  let description = [{
    `out = clamp(round_half_even(acc * m[o] / 2^s[o]) + zero_point, min,
    max)` for output channel `o` (one entry for all channels, or one per
    channel): what effai's integer CPU path does, and with `min` at the
    zero point a fused ReLU.

    ```mlir
    #effai_fpga.requant<multipliers = [1518500250], shifts = [38],
                        zero_point = 0, min = 0, max = 255>
    ```
  }];
  let parameters = (ins ArrayRefParameter<"int64_t">:$multipliers,
                        ArrayRefParameter<"int64_t">:$shifts,
                        "int64_t":$zero_point, "int64_t":$min,
                        "int64_t":$max);
  let assemblyFormat = [{
    `<` `multipliers` `=` `[` $multipliers `]` `,` `shifts` `=` `[` $shifts `]`
    `,` `zero_point` `=` $zero_point `,` `min` `=` $min `,` `max` `=` $max `>`
  }];
  let genVerifyDecl = 1;
}

def FPGA_PortAttr : FPGA_Attr<"Port", "port"> {
  let summary = "How the host converts an accelerator input or output";
  let description = [{
    An input port quantizes float values to codes (`round_half_even(x /
    scale) + zero_point` in f32, saturated to the stream's element type); an
    output port dequantizes codes (`(code - zero_point) * scale[c]` in f64,
    one scale or one per channel, the stream's last dimension). `shape` is
    the tensor's frame on the host (without the batch dimension): `[C, H,
    W]` for an `[H, W, C]` stream, which the host transposes, else the
    stream's shape.

    ```mlir
    #effai_fpga.port<name = "input", shape = [1, 8, 8], scales = [0.0039215],
                     zero_point = 0>
    ```
  }];
  let parameters = (ins StringRefParameter<"tensor name">:$name,
                        "::mlir::DenseI64ArrayAttr":$shape,
                        Effai_ExactF64ArrayParameter:$scales,
                        "int64_t":$zero_point);
  let assemblyFormat = "`<` struct(params) `>`";
}

def FPGA_FoldAttr : FPGA_Attr<"Fold", "fold"> {
  let summary = "How one PE is built: parallelism, arithmetic, storage";
  let description = [{
    Chosen by `effai-fpga-fold` for a part, read by the estimator and the
    emitters. `pe` output channels and `simd` inputs are computed per
    cycle (as FINN names them); `arithmetic` is how a product is built:
    `dsp` (one multiplier block per product), `dsp-packed` (two products
    of two output channels sharing one 27 x 18 block: needs an even `pe`),
    `lut-mul` (a multiplier in LUTs) or `shift-add` (weights that are sums
    of at most two powers of two: shifts and adds, no multiplier); `none`
    for PEs without products (pooling, clamps). `storage` holds the
    weights: `registers` (constants wired into the datapath: only when
    the whole weight set is used every cycle), `lutram`, `bram` or `uram`.
    `acc_bits` is the accumulator width the weights need (exact: no sum
    can overflow it), `fifo_depth` the depth of the PE's output FIFO, and
    `skip_zeros` makes the PE visit each output channel's kept (non-zero)
    weights only, gathering their inputs: pruned weights cost no cycle and
    no storage.

    ```mlir
    #effai_fpga.fold<pe = 8, simd = 3, arithmetic = "dsp-packed",
                     storage = "lutram", acc_bits = 20, fifo_depth = 2,
                     skip_zeros = false>
    ```
  }];
  let parameters = (ins "int64_t":$pe, "int64_t":$simd,
                        StringRefParameter<"product arithmetic">:$arithmetic,
                        StringRefParameter<"weight storage">:$storage,
                        "int64_t":$acc_bits, "int64_t":$fifo_depth,
                        "bool":$skip_zeros);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

#endif // EFFAI_DIALECT_FPGA_IR_FPGAATTRS_TD
