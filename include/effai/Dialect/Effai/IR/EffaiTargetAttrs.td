//===- EffaiTargetAttrs.td - machine model and tiling ------*- tablegen -*-===//
//
// The target is data: `#effai.target` describes a machine (vector units,
// peak rate per arithmetic, memory hierarchy, cores) so that policy passes
// can reason about it, and `#effai.tiling` records what such a pass decided
// for one op, so that the transform applying it and the report read the
// same decision.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_DIALECT_EFFAI_IR_EFFAITARGETATTRS_TD
#define EFFAI_DIALECT_EFFAI_IR_EFFAITARGETATTRS_TD

include "mlir/IR/EnumAttr.td"

/// A real number (a rate, a clock, a time) as an attribute parameter.
class Effai_RealParameter<string desc = ""> :
    AttrOrTypeParameter<"::mlir::effai::Real", desc> {
  let printer = "::mlir::effai::printReal($_printer, $_self)";
}

/// A list of integers printed in brackets, `[2, 7]`.
class Effai_IntListParameter<string desc = ""> :
    OptionalArrayRefParameter<"int64_t", desc> {
  let parser = "::mlir::effai::parseIntList($_parser)";
  let printer = [{
    $_printer << '[';
    ::llvm::interleaveComma($_self, $_printer);
    $_printer << ']';
  }];
}

def Effai_TargetKind : I32EnumAttr<"TargetKind", "kind of machine", [
    I32EnumAttrCase<"CPU", 0, "cpu">,
    I32EnumAttrCase<"GPU", 1, "gpu">,
    I32EnumAttrCase<"FPGA", 2, "fpga">]> {
  let cppNamespace = "::mlir::effai";
  let genSpecializedAttr = 0;
}

def Effai_MemoryLevelAttr : Effai_Attr<"MemoryLevel", "memory"> {
  let summary = "One level of a memory hierarchy";
  let description = [{
    A cache level or main memory as a roofline and a cache-blocking model
    see it. `size` is the capacity in bytes of one instance, shared by
    `shared_by` cores; `line` and `ways` are the line size and
    associativity (0 where they do not apply, e.g. DRAM). `bandwidth` is
    the rate (GB/s) one core sustains reading from this level,
    `shared_bandwidth` the rate all cores sharing it reach together.

    ```mlir
    #effai.memory<name = "L2", size = 2097152, line = 64, ways = 16,
                  shared_by = 1, bandwidth = 110.0, shared_bandwidth = 110.0>
    ```
  }];
  let parameters = (ins StringRefParameter<"level name">:$name,
                        "int64_t":$size, "int64_t":$line, "int64_t":$ways,
                        "int64_t":$shared_by, Effai_RealParameter<>:$bandwidth,
                        Effai_RealParameter<>:$shared_bandwidth);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def Effai_PeaksAttr : Effai_Attr<"Peaks", "peaks"> {
  let summary = "Peak throughput of one core per arithmetic, in GOP/s";
  let description = [{
    What one core computes per second at best, per kind of arithmetic, with
    a multiply-accumulate counting as two operations: `fp32` (vector FMA),
    `bf16` (bf16 dot products), `int8` (8-bit dot products such as VNNI's
    `vpdpbusd`) and `int32` (vector integer add or shift, what shift-add
    kernels run on). 0 means the machine has no such instructions; rates
    are then those of the fallback it would use.

    ```mlir
    #effai.peaks<fp32 = 134.4, bf16 = 268.8, int8 = 268.8, int32 = 134.4>
    ```
  }];
  let parameters = (ins Effai_RealParameter<>:$fp32, Effai_RealParameter<>:$bf16, Effai_RealParameter<>:$int8,
                        Effai_RealParameter<>:$int32);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def Effai_GPUAttr : Effai_Attr<"GPU", "gpu"> {
  let summary = "What a GPU target adds to the machine model";
  let description = [{
    The resources a GPU tiling is checked against and the code-generation
    settings of an NVIDIA chip. `chip` is the SM architecture (`sm_80`,
    `sm_90`) and `ptx` the PTX ISA version the code is emitted for (80:
    PTX 8.0). Per SM: `registers_per_sm` 32-bit registers, of which one
    thread may use `max_registers_per_thread`; `shared_per_sm` bytes of
    shared memory, of which one block may use `shared_per_block`; at most
    `max_threads_per_sm` resident threads and `max_threads_per_block` in
    a block. The tensor-core peaks (GOP/s per SM, a multiply-accumulate
    counting as two) are dense `mma.sync` rates for `tensor_fp16`,
    `tensor_bf16`, `tensor_tf32` and `tensor_int8`; the target's
    `#effai.peaks` hold the CUDA-core rates (`int32` is the shift/add
    rate shift-add kernels run at).

    ```mlir
    #effai.gpu<chip = "sm_90", ptx = 80, warp_size = 32,
               registers_per_sm = 65536, max_registers_per_thread = 255,
               shared_per_sm = 233472, shared_per_block = 232448,
               max_threads_per_sm = 2048, max_threads_per_block = 1024,
               tensor_fp16 = 7496.0, tensor_bf16 = 7496.0,
               tensor_tf32 = 3748.0, tensor_int8 = 14992.0>
    ```
  }];
  let parameters = (ins
    StringRefParameter<"SM architecture">:$chip,
    "int64_t":$ptx, "int64_t":$warp_size,
    "int64_t":$registers_per_sm, "int64_t":$max_registers_per_thread,
    "int64_t":$shared_per_sm, "int64_t":$shared_per_block,
    "int64_t":$max_threads_per_sm, "int64_t":$max_threads_per_block,
    Effai_RealParameter<>:$tensor_fp16, Effai_RealParameter<>:$tensor_bf16,
    Effai_RealParameter<>:$tensor_tf32, Effai_RealParameter<>:$tensor_int8);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The SM architecture as a number: 90 for `sm_90`.
    int64_t getArchitecture() const;
  }];
}


def Effai_FPGAAttr : Effai_Attr<"FPGA", "fpga"> {
  let summary = "What an FPGA target adds to the machine model: the part's "
                "resources";
  let description = [{
    The budget a streaming accelerator is folded into and the numbers the
    estimator counts in. `part` is the device (`xczu9eg-ffvb1156-2-e`),
    `family` its architecture (`zynq` (7-series), `zynquplus`, `virtexuplus`, `alveo`,
    `ice40`). Resources: `dsp` multiplier blocks, each an
    `dsp_a_bits` x `dsp_b_bits` signed multiplier (27 x 18 for a DSP48E2,
    16 x 16 for an iCE40 SB_MAC16); `lut` logic LUTs of `lut_inputs` inputs
    (6, or 4 on iCE40); `ff` flip-flops; `bram` block RAMs of `bram_bits`
    bits each (an 18 Kib BRAM18, a 4 Kib iCE40 EBR) and `uram` large RAMs
    of `uram_bits` bits each (a 288 Kib UltraRAM, a 256 Kib iCE40 SPRAM; 0
    where there are none). The design clock is the target's `clock_ghz`.

    ```mlir
    #effai.fpga<family = "zynquplus", part = "xczu9eg-ffvb1156-2-e",
                dsp = 2520, dsp_a_bits = 27, dsp_b_bits = 18, lut = 274080,
                lut_inputs = 6, ff = 548160, bram = 1824, bram_bits = 18432,
                uram = 0, uram_bits = 294912>
    ```
  }];
  let parameters = (ins
    StringRefParameter<"device architecture">:$family,
    StringRefParameter<"device">:$part,
    "int64_t":$dsp, "int64_t":$dsp_a_bits, "int64_t":$dsp_b_bits,
    "int64_t":$lut, "int64_t":$lut_inputs, "int64_t":$ff,
    "int64_t":$bram, "int64_t":$bram_bits,
    "int64_t":$uram, "int64_t":$uram_bits);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def Effai_TargetAttr : Effai_Attr<"Target", "target"> {
  let summary = "A machine description that policy passes read";
  let description = [{
    Describes the machine a module is compiled for: its kind, the LLVM
    triple, CPU name and ISA features code generation uses, the vector unit
    (`vector_bits` wide, `vector_registers` registers, FMAs of
    `fma_latency` cycles of which `fma_per_cycle` issue per cycle, and
    `loads_per_cycle` vector loads per cycle), the clock, the number of
    cores, the peak rate per arithmetic, the memory hierarchy from the
    fastest level to main memory, and the cost (µs) of starting and joining
    a parallel region on all cores. A GPU target (`kind = gpu`) reads
    `cores` as streaming multiprocessors, the peaks as one SM's CUDA-core
    rates, the first memory level as one SM's shared memory and
    `fork_join_us` as the cost of a kernel launch, and adds `gpu`, an
    `#effai.gpu` with the rest. An FPGA target (`kind = fpga`) reads
    `clock_ghz` as the design clock, the memory levels as on-chip RAM then
    off-chip DRAM, and adds `fpga`, an `#effai.fpga` with the part's
    resources (its vector fields are unused). `effai-set-target` attaches it to a
    module as `effai.target`; `effai-select-tiling` and the reports read
    it, so no pass hard-codes a machine.

    ```mlir
    module attributes {effai.target = #effai.target<
        name = "x86-avx512-vnni", kind = cpu,
        triple = "x86_64-unknown-linux-gnu", cpu = "cascadelake",
        features = ["avx2", "fma", "avx512f", "avx512vnni"],
        vector_bits = 512, vector_registers = 32, fma_latency = 4,
        fma_per_cycle = 2, loads_per_cycle = 2, clock_ghz = 2.5, cores = 16,
        peaks = #effai.peaks<fp32 = 160.0, bf16 = 0.0, int8 = 320.0,
                             int32 = 80.0>,
        memory = [#effai.memory<name = "L1", size = 32768, line = 64,
                                ways = 8, shared_by = 1, bandwidth = 250.0,
                                shared_bandwidth = 250.0>,
                  #effai.memory<name = "DRAM", size = 68719476736, line = 64,
                                ways = 0, shared_by = 16, bandwidth = 12.0,
                                shared_bandwidth = 100.0>],
        fork_join_us = 2.0>} {}
    ```
  }];
  let parameters = (ins
    StringRefParameter<"name of the machine or preset">:$name,
    EnumParameter<Effai_TargetKind>:$kind,
    StringRefParameter<"LLVM target triple">:$triple,
    StringRefParameter<"LLVM CPU name">:$cpu,
    "::mlir::ArrayAttr":$features,
    "int64_t":$vector_bits, "int64_t":$vector_registers,
    "int64_t":$fma_latency, "int64_t":$fma_per_cycle, "int64_t":$loads_per_cycle,
    Effai_RealParameter<>:$clock_ghz, "int64_t":$cores,
    "::mlir::effai::PeaksAttr":$peaks,
    "::mlir::ArrayAttr":$memory,
    Effai_RealParameter<>:$fork_join_us,
    OptionalParameter<"::mlir::effai::GPUAttr">:$gpu,
    OptionalParameter<"::mlir::effai::FPGAAttr">:$fpga);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Whether the ISA feature (LLVM spelling, without `+`) is present.
    bool hasFeature(::llvm::StringRef feature) const;
    /// Vector lanes for elements of `bits` bits.
    int64_t getLanes(unsigned bits) const { return getVectorBits() / bits; }
    /// The memory levels, fastest first (the last is main memory).
    ::llvm::SmallVector<::mlir::effai::MemoryLevelAttr> getMemoryLevels() const;
    /// The level named `name`, or null.
    ::mlir::effai::MemoryLevelAttr getMemoryLevel(::llvm::StringRef name) const;
    /// Main memory: the last level.
    ::mlir::effai::MemoryLevelAttr getMainMemory() const;
    /// Peak GOP/s of one core for `arithmetic` (bf16 at the fp32 rate
    /// where the machine has no bf16 instructions).
    double getPeakGops(::mlir::effai::Arithmetic arithmetic) const;
    /// Bytes of `level` that one computation's data can use: all ways but
    /// one (the rest holds other data).
    static double getUsableBytes(::mlir::effai::MemoryLevelAttr level);
    /// The level `bytes` of data stream from: the fastest whose share per
    /// core holds them, main memory when none does.
    ::mlir::effai::MemoryLevelAttr getStreamingLevel(double bytes) const;
    /// The roofline's time for `cost` on one core, in µs: its ops at the
    /// peak of its arithmetic (fp32's where that peak is 0) or its bytes at
    /// the bandwidth of the level that holds them, whichever takes longer.
    double predictRooflineUs(const ::mlir::effai::OpCost &cost) const;
    /// The attribute name modules carry it under.
    static ::llvm::StringRef getAttrName() { return "effai.target"; }
    /// The target attached to `op` or to the closest enclosing op, or null.
    static TargetAttr lookup(::mlir::Operation *op);
  }];
}

def Effai_TilingAttr : Effai_Attr<"Tiling", "tiling"> {
  let summary = "A tiling decision and its roofline prediction for one op";
  let description = [{
    Written by `effai-select-tiling`, read by the transforms that apply it
    and by the compile report; it changes nothing by itself.

    `kernel` is the class of code the op becomes: `contraction` (a
    register-blocked matmul or convolution micro-kernel), `unrolled` (a
    contraction against a small constant, such as a Winograd transform: its
    n and k loops unrolled with the coefficients folded in, zeros skipped),
    `elementwise`, `reduction` or `loops` (plain loops). For contractions, the iteration
    dimensions form groups: `m` (in the first input and the result), `n`
    (in the second input and the result, vectorized in vectors of `lanes`
    elements), `k` (reduced) and batch. `mr` is the register tile over the
    innermost `m` dimensions (one entry per dimension, innermost last),
    `nr` the register tile over `n` (a multiple of `lanes`); `dot` the
    number of consecutive reduction elements one lane of the
    multiply-accumulate instruction sums (1: an FMA or a multiply and an
    add; 4: the u8 x s8 -> i32 dot products of AVX-512 VNNI, `vpdpbusd`,
    over a reduction dimension the first input holds contiguously, with
    the second input packed `[N/nr][K/4][nr][4]`, K/4 counting that dim in
    groups of 4); `kc`, `mc`,
    `nc` are the cache blocks kept in L1, L2 and the last-level cache: `kc`
    reduction elements, `mc` rows of the outermost register-tiled `m`
    dimension (a multiple of its `mr` entry), `nc` columns (a multiple of
    `nr`). `pack_b`
    says where the second input is packed into the `[N/nr][K][nr]` panels
    the micro-kernel reads (`compile`: a constant, packed at compile time;
    `runtime`; `none`: read in place); `b_bits` the bits each element of
    the second input takes in those panels (0: as stored; 4 or 2: i8
    weight codes that all fit that many bits, 8 / `b_bits` to a byte, the
    codes of columns `j + q * nr * b_bits / 8` of a panel row in bits
    `[q * b_bits, (q + 1) * b_bits)` of its byte `j`: a half or a quarter
    of the bytes, decoded by shifts as they are loaded; needs
    `pack_b = "compile"`, `dot = 1` and `nr` a multiple of 8 / `b_bits`);
    `pack_a` whether `[mr]`-interleaved
    slivers of the first input are packed at run time. `threads` is the
    number of chunks the op is split into for parallel execution (1: runs
    on the calling thread) and `parallel` the group split (`n`, `m`,
    `batch`). `epilogue` is true when the elementwise consumer of the
    result (bias, activation, residual add, requantization) is computed on
    the register tile before its single store.

    The prediction: the op's arithmetic intensity against main memory
    (`intensity`, ops per byte), which roof bounds it (`bound`: `compute`
    or the memory level that does), and the predicted time in µs.

    ```mlir
    #effai.tiling<kernel = "contraction", lanes = 16, mr = [12], nr = 32,
                  kc = 256, mc = 1020, nc = 1024, pack_a = true,
                  pack_b = "compile", threads = 1, parallel = "n",
                  epilogue = true, intensity = 170.7, bound = "compute",
                  predicted_us = 16150.0>
    ```
  }];
  let parameters = (ins
    StringRefParameter<"kernel class">:$kernel,
    DefaultValuedParameter<"int64_t", "0">:$lanes,
    Effai_IntListParameter<>:$mr,
    DefaultValuedParameter<"int64_t", "0">:$nr,
    DefaultValuedParameter<"int64_t", "1">:$dot,
    DefaultValuedParameter<"int64_t", "0">:$kc,
    DefaultValuedParameter<"int64_t", "0">:$mc,
    DefaultValuedParameter<"int64_t", "0">:$nc,
    DefaultValuedParameter<"bool", "false">:$pack_a,
    StringRefParameter<"where the second input is packed", "\"none\"">:$pack_b,
    DefaultValuedParameter<"int64_t", "0">:$b_bits,
    DefaultValuedParameter<"int64_t", "1">:$threads,
    StringRefParameter<"group split across threads", "\"none\"">:$parallel,
    DefaultValuedParameter<"bool", "false">:$epilogue,
    Effai_RealParameter<>:$intensity,
    StringRefParameter<"limiting roof">:$bound,
    Effai_RealParameter<>:$predicted_us);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The attribute name ops carry it under.
    static ::llvm::StringRef getAttrName() { return "effai.tiling"; }
    /// Total register-tile rows (product of `mr`).
    int64_t getRegisterRows() const;
  }];
}

def Effai_GPUTilingAttr : Effai_Attr<"GPUTiling", "gpu_tiling"> {
  let summary = "A GPU tiling decision and its roofline prediction";
  let description = [{
    Written by `effai-select-tiling` on a GPU target, read by
    `effai-gpu-tile-and-map`, which applies it, and by the report. `block`
    and `thread` have one entry per loop of the op, in its iteration
    order: the tile of the iteration space one thread block computes and
    the tile each of its threads computes (0 for a loop left whole, as
    reductions are). The block tiles enumerate the grid (`blocks` in
    all); within one, the `threads` threads (the product of block over
    thread tile sizes) each own a `thread` tile and run the op's reduction
    loops sequentially on it, reading their inputs from global memory
    (through L1). `kernel`, `intensity`, `bound` and `predicted_us` read
    as on `#effai.tiling`.

    `kernel = "mma"` (i8 x i8 -> i32 and f16 x f16 -> f32 products on
    tensor cores) tiles by warps instead: each block's tile is split into
    `thread` tiles, one per warp of 32 lanes (`threads` counts the lanes),
    which the warp computes as 16 x 8 `mma.sync` results (m16n8k32 for
    i8, m16n8k16 for f16) along the whole reduction.

    `split_k` > 1 (ops with one reduction loop) splits the reduction into
    that many slices computed by separate blocks (`blocks`
    counts them all) into a partial result, which a second kernel sums,
    with the same block and thread tiles over the outputs: skinny products
    (a batch-1 linear layer) otherwise have too few outputs to keep the
    GPU's memory busy.

    `stage_k` > 0 (contractions with one reduction loop, whole block
    tiles) stages the operands through shared memory: the block runs its
    reduction in chunks of `stage_k`, and for each chunk its threads copy
    the block's slices of the inputs the reduction reads (coalesced:
    consecutive threads, consecutive elements) into shared memory,
    synchronize, and compute their register tiles from there. Each input
    element then leaves L2 once per block, as the model's L2 term counts.

    ```mlir
    #effai.gpu_tiling<kernel = "contraction", block = [64, 64, 0],
                      thread = [4, 4, 0], threads = 256, blocks = 256,
                      intensity = 170.7, bound = "compute",
                      predicted_us = 21.0>
    #effai.gpu_tiling<kernel = "contraction", block = [1, 128, 0],
                      thread = [1, 4, 0], threads = 32, blocks = 2048,
                      intensity = 0.5, bound = "HBM", predicted_us = 90.1,
                      split_k = 32>
    ```
  }];
  let parameters = (ins
    StringRefParameter<"kernel class">:$kernel,
    Effai_IntListParameter<>:$block,
    Effai_IntListParameter<>:$thread,
    DefaultValuedParameter<"int64_t", "1">:$threads,
    DefaultValuedParameter<"int64_t", "1">:$blocks,
    Effai_RealParameter<>:$intensity,
    StringRefParameter<"limiting roof">:$bound,
    Effai_RealParameter<>:$predicted_us,
    DefaultValuedParameter<"int64_t", "1">:$split_k,
    DefaultValuedParameter<"int64_t", "0">:$stage_k);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The attribute name ops carry it under.
    static ::llvm::StringRef getAttrName() { return "effai.gpu_tiling"; }
  }];
}

def Effai_ConvAlgorithmAttr : Effai_Attr<"ConvAlgorithm", "conv_algorithm"> {
  let summary = "How a convolution is computed, and the roofline times "
                "behind the choice";
  let description = [{
    Written by `effai-select-conv-algorithm` on the convolutions it can
    compute more than one way, read by `effai-winograd-conv`, which applies
    it; it changes nothing by itself.

    `algorithm` is `direct` (the convolution stays one contraction, an
    implicit GEMM) or `winograd-f2x2-3x3` (Lavin and Gray 2016: every 4x4
    input tile becomes a 2x2 output tile through 16 independent channel
    GEMMs against the filter transformed at compile time, 16 multiplies
    per 2x2 outputs instead of 36, in exchange for two transforms and 16/9
    times the weight bytes). `direct_us` and `winograd_us` are the predicted
    times of both on the module's target.

    ```mlir
    #effai.conv_algorithm<algorithm = "winograd-f2x2-3x3",
                          direct_us = 2050.0, winograd_us = 1380.0>
    ```
  }];
  let parameters = (ins
    StringRefParameter<"direct or winograd-f2x2-3x3">:$algorithm,
    Effai_RealParameter<>:$direct_us,
    Effai_RealParameter<>:$winograd_us);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The attribute name convolutions carry it under.
    static ::llvm::StringRef getAttrName() { return "effai.conv_algorithm"; }
    bool isWinograd() const { return getAlgorithm() == "winograd-f2x2-3x3"; }
  }];
}

#endif // EFFAI_DIALECT_EFFAI_IR_EFFAITARGETATTRS_TD
