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

#endif // EFFAI_TRANSFORMS_PASSES_TD
