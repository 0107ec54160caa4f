//===- Passes.td - effai transformation passes -------------*- tablegen -*-===//
//
// Passes that analyse or transform effai IR independently of a target
// lowering: compression, fusion, tiling decisions and reports.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_TRANSFORMS_PASSES_TD
#define EFFAI_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def AnnotateCost : Pass<"effai-annotate-cost"> {
  let summary = "Record each op's work and memory traffic as an `effai.cost` "
                "attribute";
  let description = [{
    Asks every op implementing `CostModelOpInterface` for its cost and
    attaches it as a dictionary: `macs`, `shifts`, `adds`, `ops`
    (= 2·macs + shifts + adds), `bytes_read`, `bytes_written` and
    `intensity` (ops per byte, the roofline x-axis). The numbers account for
    the weight encoding: pruned weights do no work, power-of-two weights cost
    shifts instead of multiplies, packed payloads move fewer bytes. Ops whose
    shapes are dynamic get a remark instead. Tiling and reports read these
    numbers; the pass changes nothing else.

    Before:
    ```mlir
    %y = effai.linear %x, %w : (tensor<8x64xf32>, !effai.weight<16x64xf32, #enc>)
        -> tensor<8x16xf32>
    ```
    After:
    ```mlir
    %y = effai.linear %x, %w {effai.cost = {adds = 0 : i64,
        bytes_read = 6144 : i64, bytes_written = 512 : i64,
        intensity = 2.4615... : f64, macs = 8192 : i64, ops = 16384 : i64,
        shifts = 0 : i64}} : ...
    ```
  }];
}

def FoldQDQ : Pass<"effai-fold-qdq"> {
  let summary = "Fold quantize/dequantize pairs into integer-only effai ops";
  let description = [{
    ONNX's QDQ format (what ONNX Runtime's quantizer exports) wraps float ops
    in QuantizeLinear/DequantizeLinear pairs, which import as `quant.qcast`
    and `quant.dcast`. This pass folds them into the effai ops:

    1. `effai.pack` of a dequantized integer tensor becomes a pack of the
       integer codes with an `#effai.affine` encoding (per-tensor, or
       per-axis along the output channels);
    2. a compressible op with an integer weight whose input is dequantized
       takes the quantized input instead;
    3. quantizing such an op's only result makes the op produce the
       quantized result itself.

    Before:
    ```mlir
    %x = quant.dcast %xq : tensor<1x1x4x4x!quant.uniform<u8:f32, 0.05:128>> to tensor<1x1x4x4xf32>
    %wf = quant.dcast %wq : tensor<2x1x2x2x!quant.uniform<i8:f32:0, {0.02,0.01}>> to tensor<2x1x2x2xf32>
    %w = effai.pack %wf : tensor<2x1x2x2xf32> -> !effai.weight<2x1x2x2xf32, #effai.encoding<value = #effai.float>>
    %y = effai.conv2d %x, %w : (...) -> tensor<1x2x3x3xf32>
    %yq = quant.qcast %y : tensor<1x2x3x3xf32> to tensor<1x2x3x3x!quant.uniform<u8:f32, 0.1:120>>
    ```
    After:
    ```mlir
    %w = effai.pack %codes : tensor<2x1x2x2xi8> -> !effai.weight<2x1x2x2xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32:0, {0.02,0.01}>>>>
    %yq = effai.conv2d %xq, %w : (...) -> tensor<1x2x3x3x!quant.uniform<u8:f32, 0.1:120>>
    ```
  }];
  let dependentDialects = ["::mlir::quant::QuantDialect"];
}

#endif // EFFAI_TRANSFORMS_PASSES_TD
