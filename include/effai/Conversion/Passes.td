//===- Passes.td - effai conversion passes -----------------*- tablegen -*-===//
//
// Conversions out of the effai dialect.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_CONVERSION_PASSES_TD
#define EFFAI_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def EffaiLowerToLinalg : Pass<"effai-lower-to-linalg"> {
  let summary = "Lower effai ops to linalg, tensor, arith, math and scf";
  let description = [{
    Lowers every effai op on tensors:

    - `effai.unpack` decodes its payload in IR: dense encodings elementwise,
      sparse ones by scattering the stored weights (work proportional to
      what is kept), with the semantics of the C++ reference decoder.
    - Compressible ops with float activations become contraction and
      convolution generics on the decoded float weight.
    - Compressible ops with `!quant.uniform` activations run integer-only:
      zero-point-centred i32 operands, i32 accumulation, and requantization
      by fixed-point multipliers (`q * m >> s`, rounding half to even).
      Power-of-two weights enter as integer codes `±2^(k-1)`.
    - `effai.requantize` becomes the same fixed-point arithmetic.

    Quantized values are bridged with `quant.scast`; `lower-quant-ops` and
    `strip-func-quant-types` finish the job in `effai-cpu-pipeline`.

    Before:
    ```mlir
    %y = effai.linear %x, %w : (tensor<8x64xf32>, !effai.weight<16x64xf32, #enc>) -> tensor<8x16xf32>
    ```
    After:
    ```mlir
    %y = linalg.generic {iterator_types = ["parallel", "parallel", "reduction"]} ...
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::quant::QuantDialect",
    "::mlir::scf::SCFDialect", "::mlir::tensor::TensorDialect"
  ];
}

#endif // EFFAI_CONVERSION_PASSES_TD
