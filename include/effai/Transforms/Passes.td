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

def Integerize : Pass<"effai-integerize"> {
  let summary = "Make a quantized model integer from layer to layer: move "
                "each quant.qcast above ReLU, max pooling and reshapes into "
                "the op that produces the value";
  let description = [{
    Post-training quantization (`effai-quantize{activations=int8}`) runs
    each compressible op on integer codes but returns a float result; ReLU,
    max pooling and reshapes then run in float until the next layer's
    `quant.qcast`. Quantizing commutes exactly with each of them (they are
    monotone, and ReLU's 0 is the zero point), so this pass moves the qcast
    above them, one op at a time, rewriting them on the integer codes:
    ReLU becomes a max with the zero point, max pooling a max starting from
    the storage minimum (unsigned or signed as the type says), reshapes
    reshape the quantized tensor. Once the qcast sits on a compressible
    op's result, `effai-fold-qdq`'s patterns make that op produce the
    quantized result itself: the float `acc * scale + bias` and the
    rounding become the integer requantization (bias in accumulator units,
    a fixed-point multiplier rounding half to even), which can differ from
    the float path by one code where a value lies on a rounding boundary.
    Values with other users (a residual's two branches) stay as they are.

    Before:
    ```mlir
    %y = effai.conv2d %xq, %w, %b : (...) -> tensor<1x8x8x8xf32>
    %r = linalg.generic {...} ins(%y) { maximumf %in, 0.0 } -> tensor<1x8x8x8xf32>
    %q = quant.qcast %r : tensor<1x8x8x8xf32> to tensor<1x8x8x8x!quant.uniform<u8:f32, 0.014>>
    ```
    After:
    ```mlir
    %y = effai.conv2d %xq, %w, %b : (...) -> tensor<1x8x8x8x!quant.uniform<u8:f32, 0.014>>
    %c = quant.scast %y : ... to tensor<1x8x8x8xi8>
    %r = linalg.generic {...} ins(%c) { arith.maxui %in, %zero_point } -> tensor<1x8x8x8xi8>
    %q = quant.scast %r : tensor<1x8x8x8xi8> to tensor<1x8x8x8x!quant.uniform<u8:f32, 0.014>>
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::quant::QuantDialect",
                           "::mlir::tensor::TensorDialect"];
}

//===----------------------------------------------------------------------===//
// The target model: what machine, and what to do on it.
//===----------------------------------------------------------------------===//

def SetTarget : Pass<"effai-set-target", "::mlir::ModuleOp"> {
  let summary = "Attach a machine description (`#effai.target`) to the module";
  let description = [{
    Sets the module's `effai.target` attribute, which every policy pass
    (tiling, parallelization, reports) reads instead of assuming a machine:

    - `target=host`: the running CPU, read from CPUID (LLVM's host
      detection), sysfs (caches), the affinity mask (cores) and cpufreq or
      /proc/cpuinfo (clock); peak rates derived from the ISA and the clock;
    - `target=NAME`: a built-in preset (`generic`, `x86-avx2`,
      `x86-avx512-vnni`, `sapphirerapids`, `zen5`; the JSON files in
      lib/Target/Presets/);
    - `target=FILE.json`: a description in the same JSON format, e.g. what
      `effai-probe-target` measured on a machine.

    `cpu=NAME` then re-derives the ISA facts (features, vector width, peak
    rates) for that LLVM CPU, keeping caches, clock and cores. An existing
    target is replaced, unless `if-missing` is set.

    ```mlir
    module attributes {effai.target = #effai.target<name = "x86-avx2",
        kind = cpu, triple = "x86_64-unknown-linux-gnu", cpu = "haswell",
        features = ["sse4.2", "avx", "avx2", "fma", "f16c"], vector_bits = 256,
        ...>} { ... }
    ```
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"host\"",
           "host, a preset name, or a .json file">,
    Option<"cpu", "cpu", "std::string", /*default=*/"\"\"",
           "LLVM CPU to re-derive the ISA facts for (empty: keep)">,
    Option<"ifMissing", "if-missing", "bool", /*default=*/"false",
           "Keep a target the module already has">,
  ];
  let dependentDialects = ["::mlir::effai::EffaiDialect"];
}

def SelectTiling : Pass<"effai-select-tiling", "::mlir::ModuleOp"> {
  let summary = "Choose each op's tiles, packing, fusion and threads from the "
                "roofline model of the module's #effai.target";
  let description = [{
    The policy half of tiling (the CPU's mechanism is
    `effai-tile-and-fuse`). For every linalg op on tensors it asks the
    op's `CostModelOpInterface` for its work and compulsory bytes, reads
    the machine from the module's `effai.target`, and records its decision
    and prediction as `effai.tiling = #effai.tiling<...>`.

    A contraction (matmul, linear layer, convolution: `C += A * B` over
    any loops) that the CPU kernels support gets `kernel = "contraction"`:

    - register tile: with `V = vector_bits / 32` lanes, FMA latency `L` and
      `fma_per_cycle` `T`, the candidates keep `mr x nr/V` accumulators
      within 3/4 of the vector registers; each is scored by the cycles it
      predicts for the whole op, `K * max(acc / T, loads / loads_per_cycle,
      L)` per tile plus its stores, counting edge tiles and wasted lanes,
      and the cheapest wins (Low et al. 2016). Convolutions whose result is
      NCHW tile a box of output rows x columns;
    - cache blocks: `kc` so that the `kc x nr` B micro-panel and the
      `mr x kc` A sliver fill L1 but one way, `mc` so that the A block
      takes half of L2, `nc` half of the core's share of the last cache;
    - packing: constant second inputs at compile time; the first input's
      rows when their stride maps them onto few L1 sets (e.g. 1024 f32
      columns);
    - fusion: `epilogue = true` when the result's only user is an
      elementwise generic over the same shape (bias, activations, residual
      adds fused by `effai-fuse-elementwise`); that consumer is marked
      `effai.epilogue`;
    - threads: up to `max-threads` (0: all the target's cores), splitting
      the `n` tiles, `m` tiles or batch, while the predicted time including
      `fork_join_us` keeps dropping.

    A tiled contraction whose zero-filled init is shared with others (CSE
    merges identical fills) gets a fill of its own, so that its kernel can
    start from zeros in registers, and that fill and a fused consumer get
    `tensor.empty` inits of their own (shared, bufferization may give the
    consumer the buffer of a dead value, e.g. the input its contraction is
    still reading when fused); nothing else in the IR changes.

    Other ops get `kernel = "elementwise"`, `"reduction"` or `"loops"`
    with a thread count by the same rule. Every record carries the
    intensity (ops per byte of main-memory traffic), the bounding roof
    (`compute` or a memory level) and the predicted time in µs.

    On a GPU target (`kind = gpu`) every static linalg op on tensors becomes
    a kernel and gets `effai.gpu_tiling = #effai.gpu_tiling<...>` instead
    (applied by `effai-gpu-tile-and-map`). A multiply-accumulate
    contraction gets the block tile (over its innermost `m` and `n`
    dimensions, spread outwards where those are small) and per-thread
    register tile `TM x TN` whose predicted time is lowest: blocks run in
    waves of as many as fit an SM's threads, at half the CUDA-core FMA
    peak; each thread loads `TM + TN` operands per `TM x TN` FMAs from
    L1/shared; each block streams its input slices through L2; HBM moves
    the compulsory bytes; a launch costs `fork_join_us`. Register tiles
    stay within 128 registers a thread, blocks within 512 threads. An
    i8 x i8 -> i32 product whose dimensions are whole `mma.sync.m16n8k32`
    tiles (and, with u8 activations, constant weights, an elementwise
    producer of the activations and one elementwise consumer of the sum),
    or an f16 x f16 -> f32 one of whole `m16n8k16` tiles (weights stored
    [k, n] constant), gets `kernel = "mma"` instead where that predicts no
    slower: block tiles of whole warps, `thread` each warp's tile of 16 x 8
    results, at the chip's int8 or fp16 tensor-core peak (scaled by the
    instructions each SM
    has in flight), the warps' operand loads through L1, L2 and HBM as
    above; an epilogue of another element type (the requantization, the
    rounding to f16) runs in its kernel, others stay kernels of their
    own. Other
    ops get one thread per point of their parallel loops, 256 to a block,
    consecutive threads along the result's innermost dimension. An
    elementwise consumer of a contraction's result (the only reader, same
    shape, reading it unpermuted: bias, activation, residual add, and of
    another element type the rounding of an f32 sum to f16 or the
    requantization of an i32 one) runs in the contraction's kernel
    instead: it gets `effai.epilogue_of = <input operand number>` and no
    tiling.

    ```mlir
    %y = linalg.matmul {effai.tiling = #effai.tiling<kernel = "contraction",
        lanes = 16, mr = [12], nr = 32, kc = 256, mc = 1020, nc = 1024,
        pack_a = true, pack_b = "compile", intensity = 170.667,
        bound = "compute", predicted_us = 16150.1>} ins(...) outs(...)
    ```
  }];
  let options = [
    Option<"maxThreads", "max-threads", "int64_t", /*default=*/"1",
           "Most threads an op may use (0: every core of the target)">,
  ];
}

def SelectConvAlgorithm : Pass<"effai-select-conv-algorithm",
                                "::mlir::ModuleOp"> {
  let summary = "Choose direct or Winograd F(2x2, 3x3) for each 3x3 "
                "convolution from the roofline of the module's #effai.target";
  let description = [{
    The policy half of fast convolution (the mechanism is
    `effai-winograd-conv`). For every convolution generic that Winograd
    F(2x2, 3x3) can compute (3x3 filter, stride 1, dilation 1, batch 1,
    f32, constant filter, zero-filled init) it predicts two times on the
    target:

    - direct: the register-blocked contraction kernel's prediction, as
      `effai-select-tiling` would record it;
    - Winograd: the 16 channel GEMMs at that kernel's rate on their
      multiplies (16 per 2x2 output tile instead of 36), or the bandwidth
      the transformed filter (16/9 of the filter's bytes) and the
      transformed tensors need, whichever bounds; plus the input and output
      transforms and an unfused epilogue as plain vectorized loops.

    It records the choice and both times as
    `effai.conv_algorithm = #effai.conv_algorithm<...>`; nothing else in
    the IR changes. A convolution that already carries one keeps it.

    ```mlir
    %y = linalg.generic {effai.conv_algorithm = #effai.conv_algorithm<
        algorithm = "winograd-f2x2-3x3", direct_us = 2050.0,
        winograd_us = 1380.0>, ...}
    ```
  }];
  let options = [
    Option<"maxThreads", "max-threads", "int64_t", /*default=*/"1",
           "Threads both forms are predicted with (0: every core of the "
           "target)">,
  ];
}

def WinogradConv : Pass<"effai-winograd-conv"> {
  let summary = "Rewrite convolutions marked winograd-f2x2-3x3 into the "
                "input transform, 16 channel GEMMs and the output transform";
  let description = [{
    The mechanism that applies `effai-select-conv-algorithm`'s decision.
    A convolution with `effai.conv_algorithm` of algorithm
    `winograd-f2x2-3x3` becomes three contractions on tensors, each of a
    kind the CPU kernels tile (Lavin and Gray 2016):

    1. `V[a, b, c, ty, tx] = sum_ij BB[a, b, i, j] * x[0, c, 2ty+i, 2tx+j]`,
       with `BB = kron(B^T, B^T)` a 4x4x4x4 constant (an `unrolled`
       kernel: 64 additions per tile and channel, no multiplies);
    2. `M[a, b, o, ty, tx] = sum_c U[a, b, o, c] * V[a, b, c, ty, tx]`, with
       `U = G g G^T` the filter transformed at compile time (batched GEMMs);
    3. `Y[o, ty, p, tx, q] = sum_ab M[a, b, o, ty, tx] * AA[a, b, p, q]`,
       `AA = kron(A^T, A^T)` (an `unrolled` kernel), then reshaped to NCHW.

    Odd output sizes pad the input by one more row or column and slice the
    result. A marked op that is not such a convolution is an error naming
    the reason; ops marked `direct` or unmarked are left alone.
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

def FoldBatchNorm : Pass<"effai-fold-batch-norm"> {
  let summary = "Fold BatchNormalization (any per-channel affine epilogue) "
                "into the weights and bias of the conv or linear layer before "
                "it";
  let description = [{
    At inference BatchNormalization after a layer is `y * a[c] + b[c]` per
    output channel `c` (`a = scale / sqrt(var + eps)`,
    `b = B - mean * a`): scaling the layer's weights by `a` and setting its
    bias to `bias * a + b` removes it, and its pass over the activations,
    as ONNX Runtime's Conv+BatchNormalization (and Conv+Mul, Conv+Add)
    fusions do.

    The ONNX importer writes BatchNormalization, and `Mul`/`Add` by
    constants, as an elementwise `linalg.generic`. This pass folds such a
    generic into the `effai.conv2d`, `effai.depthwise_conv2d` or
    `effai.linear` producing its input when

    - the layer's output has no other user and is read point by point;
    - every other operand is a constant (behind reshapes) that varies at
      most along the output channel (C of NCHW, N of a linear's `[..., N]`);
    - the body is provably affine in the layer's output: built from
      `addf`, `subf`, `negf`, `mulf`/`divf` by a constant and `sqrt`/`rsqrt`
      of constants (evaluated per channel in double precision);
    - the weight is a constant float `effai.pack` used only by this layer
      (dense or sparse: pruned weights keep their pattern) and the bias is
      constant or absent.

    The folded layer's location fuses both ops' locations, so the report
    names the normalization it absorbed. Run it before compressing
    weights: `effai-cpu-pipeline` runs it first, and Python's
    `effai.import_onnx` after importing.

    ```mlir
    %y = effai.conv2d %x, %w, %b : ...
    %z = linalg.generic {...} ins(%y, %mean, %var, %scale, %shift ...) {
      (y - mean) / sqrt(var + eps) * scale + shift }
    // becomes
    %z = effai.conv2d %x, %w_folded, %b_folded : ...
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def FuseElementwise : Pass<"effai-fuse-elementwise"> {
  let summary = "Fuse elementwise producers into their consumers where no "
                "value is computed twice";
  let description = [{
    Upstream's elementwise fusion on tensors (`linalg.generic` producers
    into consumers, reshapes folded by expansion, constant folding), with
    one rule added: a producer is fused into an operand only when the
    consumer reads that operand through a permutation of all its loops, so
    that each produced value is still computed once. Fusing a GELU into the
    matmul that reads it would otherwise recompute the `erf` for every
    multiply-accumulate (N times per element); fusing softmax's division
    into `P x V` likewise.

    Chains of elementwise ops become one generic; an elementwise op feeding
    a reduction over all of its elements (softmax's `exp` into the sum, a
    ReLU into a global pool) is fused into it. Contractions and their
    epilogues are fused later, by `effai-select-tiling`'s decision.

    ```mlir
    // Kept apart: %gelu is read as A[m, k] by a loop nest over (m, n, k).
    %gelu = linalg.generic {...} ins(%h) outs(%e) { erf ... }
    %y = linalg.matmul ins(%gelu, %w) outs(%acc)
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

//===----------------------------------------------------------------------===//
// Compression.
//===----------------------------------------------------------------------===//

def Prune : Pass<"effai-prune", "::mlir::ModuleOp"> {
  let summary = "Prune constant float weights by magnitude into a sparse "
                "encoding";
  let description = [{
    Rewrites every `effai.pack` of a constant f32 weight with a dense float
    encoding (what the ONNX importer produces for Conv, Gemm and MatMul)
    into a sparse encoding that keeps the largest-magnitude weights of the
    `[O, R]` view (output channels by flattened reduction):

    - `mode=magnitude`: the `1 - sparsity` fraction of all weights with the
      largest |w| (ties go to the lower index); per weight (`scope=layer`),
      or ranked over all the weights pruned together (`scope=global`), so
      sensitive layers with large weights keep more of them. Positions are
      stored as `index` says: `delta` (`#effai.delta<nnz = K, bits = B>`,
      B-bit relative indices, B from `delta-bits` or, when 0, the one with
      the smallest payload), `bitmap` (`#effai.bitmap<nnz = K>`, one bit
      per weight), `pairs` (`#effai.unstructured<nnz = K>`, i32 row and
      column: readable but 8 bytes per weight), or `auto` (default): delta
      or bitmap, whichever payload (values and indices) is smaller with
      values of `value-bits` bits (32 now; 4 if int4 quantization follows);
    - `mode=nm`: the `n` largest of every `m` consecutive weights along R
      (e.g. 2:4), as `#effai.nm<n:m>` (positions in `ceil(log2 m)` bits);
      needs R divisible by `m`;
    - `mode=block`: `[block-rows, block-cols]` tiles ranked by their L1 or
      L2 norm (`norm`), the top `1 - sparsity` fraction kept, as
      `#effai.block<[bo, br], blocks = K>`; needs the view to tile evenly;
    - `mode=channel`: the `sparsity` fraction of a layer's output channels
      with the smallest L1 or L2 norm (`norm`) are removed outright: the
      layer's weight rows and bias entries, the matching slices of
      per-channel constants in the elementwise and pooling ops that follow,
      and the matching input channels (or, after a Flatten, column blocks)
      of the next linear or conv2d layer. The result is a smaller dense
      model. A layer whose channels reach the function's results is left
      alone; one whose channels reach an op that cannot be rewritten (a
      residual add, a second reader, a grouped convolution...) gets a
      warning naming that op and is left alone.

    Weights with fewer than `min-elements` elements are left dense (tiny
    layers save nothing and are often the most sensitive). A weight that
    cannot take the requested structure gets a warning naming the op and
    stays dense. No retraining: this is one-shot magnitude pruning. Except
    in channel mode the consumers (`effai.linear`, `effai.conv2d`) are
    unchanged: they take the new weight type, and lowering
    (`effai-convert-sparse-kernels`) skips the pruned weights.

    Before:
    ```mlir
    %v = arith.constant dense<[[0.1, -2.0, 0.3, 4.0]]> : tensor<1x4xf32>
    %w = effai.pack %v : tensor<1x4xf32> -> !effai.weight<1x4xf32, #effai.encoding<value = #effai.float>>
    ```
    After `effai-prune{mode=nm n=2 m=4}`:
    ```mlir
    %v = arith.constant dense<[[-2.0, 4.0]]> : tensor<1x2xf32>
    // Positions 1 and 3 as 2-bit fields, least significant first: 0b1101.
    %i = arith.constant dense<13> : tensor<1xi8>
    %w = effai.pack %v indices(%i : tensor<1xi8>) : tensor<1x2xf32> -> !effai.weight<1x4xf32, #effai.encoding<value = #effai.float, sparsity = #effai.nm<2:4>>>
    ```

    Calibrated pruning (`mode=magnitude`): where the op consuming a weight
    carries `effai.input_gram`, the mask is still chosen by magnitude, but
    each pruned weight's contribution is moved onto the kept weights of
    later columns through the Gram matrix (SparseGPT's update), so the kept
    values change and the layer's output error shrinks
    (`error-feedback=false` keeps them as they were); sweeps of coordinate
    descent on that error then refine the kept values (`refine-sweeps`).
  }];
  let options = [
    ListOption<"layers", "layers", "int64_t",
               "Only these weights: effai.pack ops numbered from 0 in walk "
               "order (all when empty)">,
    Option<"mode", "mode", "std::string", /*default=*/"\"magnitude\"",
           "magnitude | nm | block | channel">,
    Option<"sparsity", "sparsity", "double", /*default=*/"0.5",
           "Fraction of weights (magnitude), blocks (block) or output "
           "channels (channel) removed, in [0, 1)">,
    Option<"n", "n", "int64_t", /*default=*/"2",
           "Weights kept per group (nm)">,
    Option<"m", "m", "int64_t", /*default=*/"4",
           "Group size along the reduction dimension (nm)">,
    Option<"blockRows", "block-rows", "int64_t", /*default=*/"4",
           "Block height in output channels (block)">,
    Option<"blockCols", "block-cols", "int64_t", /*default=*/"4",
           "Block width along the reduction dimension (block)">,
    Option<"scope", "scope", "std::string", /*default=*/"\"layer\"",
           "Magnitude ranking per weight (layer) or over all of them "
           "(global)">,
    Option<"norm", "norm", "std::string", /*default=*/"\"l1\"",
           "Block or channel score: l1 | l2 (block, channel)">,
    Option<"minElements", "min-elements", "int64_t", /*default=*/"0",
           "Leave weights with fewer elements dense">,
    Option<"index", "index", "std::string", /*default=*/"\"auto\"",
           "How magnitude pruning stores positions: auto | delta | bitmap "
           "| pairs">,
    Option<"deltaBits", "delta-bits", "unsigned", /*default=*/"0",
           "Bits per relative index (index=delta or auto), 1-16; 0: the "
           "smallest payload">,
    Option<"valueBits", "value-bits", "unsigned", /*default=*/"32",
           "Bits per stored value that index=auto sizes payloads with">,
    Option<"errorFeedback", "error-feedback", "bool", /*default=*/"true",
           "mode=magnitude, where the consuming op carries effai.input_gram "
           "(calibration): move each pruned weight onto the kept weights "
           "of later columns (SparseGPT with a magnitude mask)">,
    Option<"refineSweeps", "refine-sweeps", "unsigned", /*default=*/"20",
           "With error feedback: up to this many sweeps of coordinate "
           "descent on the layer's output error after the feedback pass "
           "(CDQuant); 0: the feedback pass alone">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def ShiftQuantize : Pass<"effai-shift-quantize", "::mlir::ModuleOp"> {
  let summary = "Quantize constant float weights to sums of powers of two";
  let description = [{
    Rewrites every `effai.pack` of a constant f32 weight with a float value
    format, dense or already pruned, into `#effai.pow2`: each kept weight
    becomes `scale * (±2^p1 [± 2^p2])`, so multiplying by it is shifts and
    adds. Sparsity is kept as is (prune, then shift-quantize: sparse
    power-of-two, i.e. focused quantization's storage format).

    Scales are per output channel (`per-channel`, default) or per tensor:
    the largest kept |w|, so normalized weights lie in [-1, 1] and the
    exponent window is `[-(L - 1), 0]` with `L = 2^(bits-1) - 1` levels.
    With `focused`, the window is placed where the kept weights are
    instead: its top at the largest normalized magnitude, its bottom at the
    smallest kept one (when the bit budget allows), so pruned layers spend
    no levels on magnitudes that pruning removed.

    Terms are chosen greedily: the nearest power of two (or zero), then the
    nearest power of two to the remainder (`terms=2`). "Nearest" is
    `rounding=value` (default: the arithmetic midpoint 1.5 * 2^p between
    levels) or `rounding=log` (e = round(log2 |w / s|): the geometric
    midpoint 2^(p + 1/2)); both send magnitudes below half the smallest
    level to 0. Neither is always more accurate: compare both.

    `scale=search` replaces the largest-|w| scale, per output channel (or
    tensor), by the one among 33 candidates `max|w| * 2^(k/16)`,
    `k = -16..16`, whose codes reconstruct the channel's weights with the
    least squared error (the exponent window, chosen first, stays fixed).

    Before:
    ```mlir
    %w = effai.pack %v : tensor<2x4xf32> -> !effai.weight<2x4xf32, #effai.encoding<value = #effai.float>>
    ```
    After `effai-shift-quantize{terms=1 bits=4}`:
    ```mlir
    %w = effai.pack %codes : tensor<2x4xi8> -> !effai.weight<2x4xf32, #effai.encoding<value = #effai.pow2<terms = 1, bits = 4, min_exp = -6, max_exp = 0, scales = [4.0, 6.0]>>>
    ```

    Calibrated rounding: where the op consuming a weight carries
    `effai.input_gram` (its input's Gram matrix, recorded by
    `effai.record_input_grams` or `effai-calibrate --input-grams`), the
    weight is rounded column by column and each rounding error is fed
    forward onto the columns not yet rounded, as GPTQ does, so the layer's
    output error on the calibration data is what shrinks, not the weight
    error (`error-feedback=false` rounds each weight alone). Then, as
    CDQuant does, sweeps of coordinate descent on that output error move
    single values to another level where that lowers it (GPTQ's one pass
    in column order leaves such moves; `refine-sweeps` bounds them, 0
    skips them).
  }];
  let options = [
    ListOption<"layers", "layers", "int64_t",
               "Only these weights: effai.pack ops numbered from 0 in walk "
               "order (all when empty)">,
    Option<"terms", "terms", "unsigned", /*default=*/"2",
           "Power-of-two terms per weight: 1 or 2">,
    Option<"bits", "bits", "unsigned", /*default=*/"4",
           "Bits per term code (sign + exponent level), 2-8">,
    Option<"perChannel", "per-channel", "bool", /*default=*/"true",
           "One scale per output channel (else one per tensor)">,
    Option<"focused", "focused", "bool", /*default=*/"false",
           "Place the exponent window over the kept weights' magnitudes">,
    Option<"minElements", "min-elements", "int64_t", /*default=*/"0",
           "Leave weights with fewer elements in float">,
    Option<"rounding", "rounding", "std::string", /*default=*/"\"value\"",
           "Nearest power of two in value or in log2: value | log">,
    Option<"scale", "scale", "std::string", /*default=*/"\"max\"",
           "Scale per channel: max (largest |w|) | search (least squared "
           "reconstruction error)">,
    Option<"errorFeedback", "error-feedback", "bool", /*default=*/"true",
           "Where the consuming op carries effai.input_gram (calibration), "
           "feed each rounding error forward to the columns not yet rounded "
           "(GPTQ)">,
    Option<"refineSweeps", "refine-sweeps", "unsigned", /*default=*/"20",
           "With error feedback: up to this many sweeps of coordinate "
           "descent on the layer's output error after the feedback pass "
           "(CDQuant); 0: the feedback pass alone">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def FocusedQuantize : Pass<"effai-focused-quantize", "::mlir::ModuleOp"> {
  let summary = "Recentred power-of-two weights for pruned layers "
                "(focused quantization)";
  let description = [{
    Rewrites every `effai.pack` of a constant f32 weight with a float value
    format, pruned (the point) or dense, into `#effai.focused`: pruning
    leaves a bimodal distribution, its kept weights around `-c` and `+c`.
    Per output channel (`per-channel`, default) or tensor, the pass fits
    the modes (`c` = the mean kept |w|: the centre of a symmetric two-mode
    mixture whose modes are the weights' signs) and stores each kept weight
    as its mode plus a power-of-two offset, `w = sign(w) * c + s * r`, so
    the levels sit where the weights are instead of spreading from zero.
    `s` is the largest offset (`scale=max`) or the candidate among
    `2^(k/16)` times it with the least squared error (`scale=search`);
    offsets round to the nearest of 0 and `±2^p`, `p` in
    `[-(L - 1), 0]`, `L = (2^(bits-1) - 2) / 2` levels (3 for 4 bits), in
    value or in log2 (`rounding`). Sparsity is kept as is.

    Before and after (`effai-focused-quantize{bits=4}`):
    ```mlir
    %w = effai.pack %v indices(%i : tensor<1xi8>) : tensor<4xf32> -> !effai.weight<2x4xf32, #effai.encoding<value = #effai.float, sparsity = #effai.bitmap<nnz = 4>>>
    %w = effai.pack %codes indices(%i : tensor<1xi8>) : tensor<4xi8> -> !effai.weight<2x4xf32, #effai.encoding<value = #effai.focused<bits = 4, min_exp = -2, max_exp = 0, centres = [...], scales = [...]>, sparsity = #effai.bitmap<nnz = 4>>>
    ```

    Calibrated rounding: where the op consuming a weight carries
    `effai.input_gram` (its input's Gram matrix, recorded by
    `effai.record_input_grams` or `effai-calibrate --input-grams`), the
    weight is rounded column by column and each rounding error is fed
    forward onto the columns not yet rounded, as GPTQ does, so the layer's
    output error on the calibration data is what shrinks, not the weight
    error (`error-feedback=false` rounds each weight alone). Then, as
    CDQuant does, sweeps of coordinate descent on that output error move
    single values to another level where that lowers it (GPTQ's one pass
    in column order leaves such moves; `refine-sweeps` bounds them, 0
    skips them).
  }];
  let options = [
    ListOption<"layers", "layers", "int64_t",
               "Only these weights: effai.pack ops numbered from 0 in walk "
               "order (all when empty)">,
    Option<"bits", "bits", "unsigned", /*default=*/"4",
           "Bits per code (mode sign + offset level), 3-8">,
    Option<"perChannel", "per-channel", "bool", /*default=*/"true",
           "One centre and scale per output channel (else one per tensor)">,
    Option<"rounding", "rounding", "std::string", /*default=*/"\"value\"",
           "Nearest offset in value or in log2: value | log">,
    Option<"scale", "scale", "std::string", /*default=*/"\"max\"",
           "Offset scale per channel: max | search">,
    Option<"minElements", "min-elements", "int64_t", /*default=*/"0",
           "Leave weights with fewer elements in float">,
    Option<"errorFeedback", "error-feedback", "bool", /*default=*/"true",
           "Where the consuming op carries effai.input_gram (calibration), "
           "feed each rounding error forward to the columns not yet rounded "
           "(GPTQ)">,
    Option<"refineSweeps", "refine-sweeps", "unsigned", /*default=*/"20",
           "With error feedback: up to this many sweeps of coordinate "
           "descent on the layer's output error after the feedback pass "
           "(CDQuant); 0: the feedback pass alone">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def Quantize : Pass<"effai-quantize", "::mlir::ModuleOp"> {
  let summary = "Quantize constant float weights to symmetric int8/int4 "
                "(weight-only post-training quantization)";
  let description = [{
    Rewrites every `effai.pack` of a constant f32 weight with a float value
    format, dense or pruned, into `#effai.affine` integer codes:
    symmetric (zero point 0), `weight-bits` wide (8, or 2-7 such as int4),
    with one scale per output channel (`per-channel`, default) or per
    tensor: `scale = max|w| / (2^(bits-1) - 1)`, codes rounded to nearest
    (ties to even) and clamped. Sparsity is kept (prune, then quantize).
    `scale=search` clips instead: per channel (or tensor), the scale among
    `max|w| / qmax * f`, f = 1, 0.98, ..., 0.5, with the least squared
    reconstruction error (low bit widths gain most: int4, int3, int2).

    With `activations=int8`, every compressible op (`effai.linear`,
    `effai.conv2d`, `effai.depthwise_conv2d`) whose weight now has integer
    codes and that carries a calibrated `effai.input_range = array<f64: lo,
    hi>` also gets its input quantized per tensor, asymmetric uint8 (range
    widened to contain 0; `scale = (hi - lo) / 255`): a `quant.qcast` feeds
    the op, which then runs integer-only (i32 accumulation) and returns
    float. Ranges come from calibration (`effai-set-input-ranges`, or
    `effai.quantize(module, samples)` in Python), so the IR records them and
    the pass is reproducible from text. Ops without a range keep float
    activations (with a warning).

    Before:
    ```mlir
    %w = effai.pack %v : tensor<2x4xf32> -> !effai.weight<2x4xf32, #effai.encoding<value = #effai.float>>
    ```
    After `effai-quantize{weight-bits=8}`:
    ```mlir
    %w = effai.pack %codes : tensor<2x4xi8> -> !effai.weight<2x4xf32, #effai.encoding<value = #effai.affine<!quant.uniform<i8:f32:0, {0.0314..., 0.0472...}>>>>
    ```

    Calibrated rounding: where the op consuming a weight carries
    `effai.input_gram` (its input's Gram matrix, recorded by
    `effai.record_input_grams` or `effai-calibrate --input-grams`), the
    weight is rounded column by column and each rounding error is fed
    forward onto the columns not yet rounded, as GPTQ does, so the layer's
    output error on the calibration data is what shrinks, not the weight
    error (`error-feedback=false` rounds each weight alone). Then, as
    CDQuant does, sweeps of coordinate descent on that output error move
    single values to another level where that lowers it (GPTQ's one pass
    in column order leaves such moves; `refine-sweeps` bounds them, 0
    skips them).
  }];
  let options = [
    ListOption<"layers", "layers", "int64_t",
               "Only these weights: effai.pack ops numbered from 0 in walk "
               "order (all when empty)">,
    Option<"weightBits", "weight-bits", "unsigned", /*default=*/"8",
           "Bits per weight code, 2-8">,
    Option<"perChannel", "per-channel", "bool", /*default=*/"true",
           "One scale per output channel (else one per tensor)">,
    Option<"minElements", "min-elements", "int64_t", /*default=*/"0",
           "Leave weights with fewer elements in float">,
    Option<"scale", "scale", "std::string", /*default=*/"\"max\"",
           "Scale per channel: max (max|w| / qmax) | search (clipped: least "
           "squared reconstruction error)">,
    Option<"activations", "activations", "std::string", /*default=*/"\"none\"",
           "none | int8 (needs effai.input_range on the ops)">,
    Option<"errorFeedback", "error-feedback", "bool", /*default=*/"true",
           "Where the consuming op carries effai.input_gram (calibration), "
           "feed each rounding error forward to the columns not yet rounded "
           "(GPTQ)">,
    Option<"refineSweeps", "refine-sweeps", "unsigned", /*default=*/"20",
           "With error feedback: up to this many sweeps of coordinate "
           "descent on the layer's output error after the feedback pass "
           "(CDQuant); 0: the feedback pass alone">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::quant::QuantDialect"];
}

def ExposeActivations : Pass<"effai-expose-activations", "::mlir::ModuleOp"> {
  let summary = "Return every compressible op's input as an extra result "
                "(for calibration)";
  let description = [{
    Calibration runs the model on sample data and observes the inputs of
    `effai.linear`, `effai.conv2d` and `effai.depthwise_conv2d`. This pass
    appends each such input (in walk order) to the results of the module's
    public function, named `effai.activation.N`, so a compiled copy returns
    them. `effai-set-input-ranges` writes the observed ranges back in the
    same order.
  }];
}

def SetInputRanges : Pass<"effai-set-input-ranges", "::mlir::ModuleOp"> {
  let summary = "Record calibrated input ranges on the compressible ops";
  let description = [{
    Sets `effai.input_range = array<f64: lo, hi>` on each `effai.linear`,
    `effai.conv2d` and `effai.depthwise_conv2d`, in walk order, from
    `ranges` (lo0, hi0, lo1, hi1, ...): one pair per op, which
    `effai-quantize{activations=int8}` reads.
  }];
  let options = [
    ListOption<"ranges", "ranges", "double",
               "lo, hi per compressible op, in walk order">,
  ];
}

def Hybrid : Pass<"effai-hybrid", "::mlir::ModuleOp"> {
  let summary = "Choose a compression per weight from measured sensitivities";
  let description = [{
    Per-layer arithmetic selection. Each weight (`effai.pack`, numbered in
    walk order) gets one of the `candidates`, applied with the compression
    passes' `layers=` option. A candidate is a value format, optionally
    after pruning:

    - values: `fp32`; `int2`-`int8` (max-|w| scales); `int2s`-`int8s`
      (searched scales, `effai-quantize{scale=search}`); `pow2`
      (2 terms, 4 bits); `pow2x3` (1 term, 3 bits, searched scale; focused
      window when pruned); `fq3`-`fq8` (`effai-focused-quantize` codes of
      that many bits, searched scales);
    - pruning prefixes: `sNN+` (`NN`% of the weight's entries removed by
      magnitude, positions stored for values of the candidate's width:
      `s70+int3s`), `2:4+`;
    - channel removal before them: `cNN+` (`effai-prune{mode=channel}`:
      `NN`% of the layer's output channels removed, and the next layer's
      matching inputs: `c25+int4s`, `c25+s50+int3s`). Channel removal
      steps run first in the pipeline, while every weight is still a dense
      float; a layer whose channels cannot shrink (the model's output, or
      an op in the way) is only quantized.

    The default candidates are `fp32,int8,pow2,int4,2:4+int8`. Modes:

    - `choices=int4,int4,int8`: exactly these, one per weight;
    - `max-error=E errors=...`: `errors` holds, per weight, the measured
      relative output error with only that weight compressed by each
      candidate but the first (`fp32`), weight-major (`effai.hybrid` in
      Python measures them on calibration samples). Each weight gets the
      candidate that saves the most bytes within its share `E / weights` of
      the budget;
    - `max-bytes=B errors=...`: starting from fp32, the step that adds the
      least error per byte saved is taken until the weights fit in `B`
      bytes (a warning when nothing smaller exists);
    - `max-latency-us=T errors=...`: the same with time for bytes: the
      step that adds the least error per µs saved is taken until the ops
      applying weights are predicted to take at most `T` µs on one core of
      the module's `effai.target` (required: `effai-set-target`). Each op's
      time is the roofline's: its ops at the peak of its arithmetic (fp32,
      int8 with quantized activations, int32 shifts and adds for powers of
      two) or its bytes at the bandwidth of the memory level that holds
      them, whichever is longer; pruned weights do no work, packed weights
      move fewer bytes. So on a layer whose weights stream from DRAM int8
      codes save time, while where compute bounds only pruning does (and
      power-of-two codes, one shift and one add per term, may cost time).
      A peak of 0 (no such instructions) counts at the fp32 rate. The
      roofline is a prediction, not a measurement: sparse kernels run
      below the peak it assumes;
    - `front errors=...`: nothing is applied; the Pareto front of (bytes,
      summed error) over every combination of candidates is recorded
      (`effai.hybrid_front`: one `"bytes error choices"` string per point,
      smallest first), computed layer by layer keeping only undominated
      partial combinations. `effai.hybrid_front` in Python measures the
      front's points on held-out data.

    Bytes saved are exact: the pass compresses a copy per weight and
    candidate. The choice, its pipeline and the bytes it rests on are
    recorded on the module (`effai.hybrid_choices`,
    `effai.hybrid_pipeline`, `effai.hybrid_saved_bytes`, and for a latency
    budget `effai.hybrid_saved_us`), so the pass replays from text; with a
    target, `effai.hybrid_predicted_us` is the roofline's time for the
    result's weighted ops (every mode but `front`; a warning when a
    latency budget's additive estimate missed, as channel removal, which
    also shrinks the next layer, can make it). Errors are additive estimates; `effai.hybrid`
    re-measures the combined model and backs off where it misses the budget.

    ```mlir
    // effai-hybrid{max-bytes=11349 errors=1.4e-3,9.9e-3,3.1e-2,2.3e-1,...}
    module attributes {effai.hybrid_choices = ["int4", "int4", "int8"], ...}
    ```
  }];
  let options = [
    ListOption<"choices", "choices", "std::string",
               "One candidate per weight (see the candidates)">,
    ListOption<"candidates", "candidates", "std::string",
               "Candidates to choose among, fp32 first (default fp32, int8, "
               "pow2, int4, 2:4+int8)">,
    Option<"maxError", "max-error", "double", /*default=*/"-1.0",
           "Output-error budget (sum of the measured per-weight errors)">,
    Option<"maxBytes", "max-bytes", "int64_t", /*default=*/"-1",
           "Size budget in packed weight bytes">,
    Option<"maxLatencyUs", "max-latency-us", "double", /*default=*/"-1.0",
           "Latency budget in µs: the roofline time of the ops applying "
           "weights, predicted from the module's effai.target">,
    Option<"front", "front", "bool", /*default=*/"false",
           "Record the Pareto front of bytes and error; apply nothing">,
    ListOption<"errors", "errors", "double",
               "Measured error per weight and candidate (all but the first), "
               "weight-major">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::quant::QuantDialect"];
}

#endif // EFFAI_TRANSFORMS_PASSES_TD
