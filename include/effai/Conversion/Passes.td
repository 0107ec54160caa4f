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
      Dense power-of-two weights use the integer shift kernel: each term
      shifts the centred activation left by `k - 1` (its code is `±k`),
      with no multiply in the reduction loop. Weights at least half pruned
      (constant indices; linear and one-group conv2d) accumulate over their
      kept weights only, with the row kernel of
      `effai-convert-sparse-kernels` on integer codes (shifts for power of
      two). All paths accumulate the same i32 sums.
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

def EffaiLowerQuantizeCasts : Pass<"effai-lower-quantize-casts"> {
  let summary = "Lower quant.qcast of float tensors with ONNX QuantizeLinear "
                "semantics: round half to even, then saturate";
  let description = [{
    Rewrites `quant.qcast` from a float tensor to a `!quant.uniform`
    tensor (per tensor or per axis) into a `linalg.generic` computing
    `clamp(round_half_even(x / scale) + zero_point, storage_min,
    storage_max)` in float, converted to the storage integer, followed by a
    `quant.scast` to the quantized type. This is ONNX QuantizeLinear (and
    PyTorch/ONNX Runtime) arithmetic; NaN becomes `storage_min`.

    Why not upstream `lower-quant-ops` alone: it converts `x / scale + zp`
    to the storage type with `fptosi`/`fptoui`, which truncates instead of
    rounding, and an out-of-range value (an activation outside its
    calibrated range) converts to poison, which LLVM folds to anything at
    -O1 and above, so results differed between optimization levels and
    targets. `effai-cpu-pipeline` and `effai-gpu-pipeline` run this pass
    right before `lower-quant-ops`, which is left with `quant.dcast`.

    Quantized types with sub-channel parameters, and scalar casts, are left
    to `lower-quant-ops`.

    Before:
    ```mlir
    %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<u8:f32, 0.5:3>>
    ```
    After:
    ```mlir
    %i = linalg.generic ... ins(%x : tensor<4xf32>) outs(%e : tensor<4xi8>) {
      %s = arith.divf %in, %cst : f32
      %r = math.roundeven %s : f32
      %z = arith.addf %r, %cst_zp : f32
      ...  // arith.maxnumf / arith.minnumf to [0, 255], arith.fptoui
    }
    %q = quant.scast %i : tensor<4xi8> to tensor<4x!quant.uniform<u8:f32, 0.5:3>>
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::quant::QuantDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def EffaiConvertShiftKernels : Pass<"effai-convert-shift-kernels"> {
  let summary = "Lower power-of-two linear layers (and, optionally, "
                "convolutions) with float activations to multiplication-free "
                "shift/add kernels";
  let description = [{
    Rewrites `effai.linear` with f32 activations and a dense `#effai.pow2`
    weight into a `linalg.generic` whose body has no multiply: each term
    `±2^p` of a weight scales the activation by adding `p` to its exponent
    field (integer add on the bit pattern), negates it for a negative sign,
    and the terms are summed with `arith.addf`. Per-channel `scales` and the
    bias are applied once per output, outside the reduction loop.

    Edge cases, exactly: a zero code contributes nothing; zeros, inf and NaN
    keep their value; a result past the largest finite float becomes ±inf;
    subnormal inputs and results that would be subnormal flush to a signed
    zero (the kernels work on normal floats, like most DSP/FPGA datapaths).

    Runs before `effai-lower-to-linalg` in `effai-cpu-pipeline`; sparse
    power-of-two weights are left to `effai-convert-sparse-kernels` (the
    same exponent-field arithmetic over the kept weights only), other
    encodings to `effai-lower-to-linalg`.

    With `integer-codes` (what `effai-cpu-pipeline` sets: a CPU multiplies
    as fast as it adds), a layer whose weights' term sums are 8-bit
    integers in units of `2^min_exp` (`terms = 2, bits = 4` always are,
    but for `±(2^6 + 2^6)`) instead reads those exact i8 codes, computed at
    compile time, and multiplies each output by its channel's scale times
    `2^min_exp` once: the f32 x i8 contraction kernels then read a quarter
    of the f32 weight bytes. The shift kernel remains for the rest (and is
    what multiplier-free targets keep).

    With `convolutions` (what `effai-gpu-pipeline` sets), power-of-two
    `effai.conv2d` and `effai.depthwise_conv2d` become one generic over the
    zero-padded input with the same multiplication-free body, each weight's
    codes read once as stored (one term: its i8 code; two terms of at most
    4 bits: the two nibbles of one byte; wider pairs: the bytes of an
    i16), scales and bias applied once per output. The CPU pipeline keeps
    its register-blocked float convolutions (decoded weights), which
    multiply-add faster than the exponent arithmetic.
  }];
  let options = [
    Option<"integerCodes", "integer-codes", "bool", /*default=*/"false",
           "Lower layers whose term sums fit i8 to exact integer codes "
           "times the scale">,
    Option<"convolutions", "convolutions", "bool", /*default=*/"false",
           "Also lower power-of-two effai.conv2d and effai.depthwise_conv2d "
           "to shift kernels (what effai-gpu-pipeline sets)">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def EffaiConvertSparseKernels : Pass<"effai-convert-sparse-kernels"> {
  let summary = "Lower pruned linear and convolution layers to kernels that "
                "skip pruned weights";
  let description = [{
    Rewrites `effai.linear` and `effai.conv2d` (one group) with f32
    activations and a sparse weight (`#effai.nm`, `#effai.unstructured`,
    `#effai.block` or `#effai.channel` with constant indices) into a
    `linalg.generic` over the outputs whose body loops over the stored
    weights of the output's channel only (an `scf.for` between constant row
    offsets, CSR-style), gathering the activation each one multiplies. Work
    is proportional to the weights kept; pruned weights are never decoded,
    loaded or multiplied. Block payloads, whose blocks span several rows,
    are visited through a compile-time reordering (slot and column tables).

    Values are decoded inside the loop: float values as they are; affine
    (int8/int4) codes as integers with the scale applied once per output;
    power-of-two codes as exponent-field adds, so sparse power-of-two layers
    have no multiply at all (edge cases as in `effai-convert-shift-kernels`).
    The per-row sum is reassociable (`fastmath<reassoc>`) so LLVM may
    vectorize it.

    With `batch-inner` (the default), a linear layer with a batch of 8 or
    more runs the other way round, over the transposed batch: for each chunk
    of up to `batch-chunk` (64) batch rows and each output channel, a
    vector of the chunk's sums stays in registers across the channel's
    stored weights (one load and one FMA per weight and vector; masked when
    the batch is not a multiple of the chunk), written once. Power-of-two
    weights have no factor to broadcast: one vectorized pass over the batch
    per stored weight, shifting exponents. The GPU pipeline turns it off.

    With `set-bit-walk` (the default), bitmap rows are visited set bit by
    set bit; the GPU pipeline scans every position instead.

    Weights pruned less than `min-sparsity` are left to
    `effai-lower-to-linalg`, which decodes them; so are quantized
    activations, whose integer lowering runs this row kernel on integer
    codes itself (scanning bitmap positions).

    Before:
    ```mlir
    %w = effai.pack %v, %i : tensor<16x32xf32>, tensor<16x32xi8>
        -> !effai.weight<16x64xf32, #effai.encoding<value = #effai.float,
                                                    sparsity = #effai.nm<2:4>>>
    %y = effai.linear %x, %w : ...
    ```
    After:
    ```mlir
    %y = linalg.generic {iterator_types = ["parallel", "parallel"]} ... {
      %begin = tensor.extract %row_start[%o] : tensor<17xi32>
      %sum = scf.for %s = %begin to %end step %c1 iter_args(%acc = %zero) ...
    }
    ```
  }];
  let options = [
    Option<"minSparsity", "min-sparsity", "double", "0.5",
           "Rewrite only weights with at least this fraction pruned (below "
           "it the dense kernel is faster)">,
    Option<"batchInner", "batch-inner", "bool", /*default=*/"true",
           "Linear layers with a batch of 8 or more loop over the stored "
           "weights with the batch in vector registers (a CPU's loops); "
           "false: always one gather per output, one parallel op (what a GPU "
           "wants: the weight loop would run on the host)">,
    Option<"setBitWalk", "set-bit-walk", "bool", /*default=*/"true",
           "Bitmap rows: visit the set bits only, byte by byte (count "
           "trailing zeros); false: test every position (the same trip "
           "count in every GPU thread)">,
    Option<"batchChunk", "batch-chunk", "int64_t", /*default=*/"64",
           "Batch rows whose sums stay in vector registers (a power of two; "
           "64 f32 are 4 AVX-512 or 8 AVX2 registers)">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::vector::VectorDialect"];
}

def EffaiConvertToFPGA : Pass<"effai-convert-to-fpga", "::mlir::ModuleOp"> {
  let summary = "Convert an integer-only quantized model into an effai_fpga "
                "streaming accelerator";
  let description = [{
    Replaces each function of an integer-only model (quantized, then
    `effai-integerize`d: `effai.quantize(..., integer_only=True)` in
    Python) with an `effai_fpga.accelerator` of the same name: one PE per
    layer, streams between them, one frame (batch element) at a time.

    - The `quant.qcast` of each input becomes an input port (the host
      quantizes); an NCHW feature map streams as `[H, W, C]`, a vector as
      `[K]`.
    - `effai.conv2d`, `effai.depthwise_conv2d` and `effai.linear` become
      `effai_fpga.conv2d` / `effai_fpga.linear` with exact integer weights
      (decoded at compile time from any encoding: int8/int4 codes,
      power-of-two term sums, zeros where pruned; the narrowest of
      i8/i16/i32), the bias in accumulator units, and the fixed-point
      requantization of effai's integer CPU path, so results are bit-exact.
      A linear layer after a flattened feature map gets its weight columns
      permuted to the stream's HWC order.
    - ReLU (a max with the zero point on codes) and clamps become
      `effai_fpga.clamp` (folded into the producer's requantization by
      canonicalization), 2-D max pooling `effai_fpga.maxpool`, flattening
      reshapes disappear.
    - A layer with a float result (the logits) streams its i32
      accumulators; the output port dequantizes them.

    Anything else is refused before any code is emitted, with an error at
    the op naming it and the reason: float layers, float values between
    layers, ops without a PE (residual adds, soft-max, ...), dynamic
    shapes, dilated convolutions, accumulators that could overflow 32 bits.

    Before:
    ```mlir
    %q = quant.qcast %x : tensor<1x64xf32> to tensor<1x64x!quant.uniform<u8:f32, 0.5>>
    %y = effai.linear %q, %w, %b : (...) -> tensor<1x10xf32>
    ```
    After:
    ```mlir
    effai_fpga.accelerator @main
        inputs [#effai_fpga.port<name = "x", shape = [64], scales = [5.000000e-01], zero_point = 0>]
        outputs [#effai_fpga.port<name = "y", shape = [10], scales = [...], zero_point = 0>] {
    ^bb0(%x: !effai_fpga.stream<64xui8>):
      %y = effai_fpga.linear %x {...} : !effai_fpga.stream<64xui8> -> !effai_fpga.stream<10xi32>
      effai_fpga.yield %y : !effai_fpga.stream<10xi32>
    }
    ```
  }];
  let dependentDialects = ["::mlir::effai::fpga::FPGADialect"];
}

#endif // EFFAI_CONVERSION_PASSES_TD
