//===- Passes.td - CPU code-generation passes --------------*- tablegen -*-===//
//
// Passes that only make sense for the CPU target: register-blocked kernels
// for the tiling effai-select-tiling chose, and the artifact ABI (what a
// compiled model looks like to the runtime).
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_TARGET_CPU_PASSES_TD
#define EFFAI_TARGET_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

//===----------------------------------------------------------------------===//
// Kernels: applying effai-select-tiling's decisions.
//===----------------------------------------------------------------------===//

def PadInPlace : Pass<"effai-pad-in-place", "::mlir::func::FuncOp"> {
  let summary = "Let the producer of a padded tensor write into the interior "
                "of the padded buffer";
  let description = [{
    A convolution or pooling reads its input zero- (or -inf-) padded;
    bufferized as is, `tensor.pad` allocates the padded buffer, fills it and
    copies the producer's whole result into it, every call. This pass
    rewrites each `tensor.pad` with a constant value as fills of the padded
    shape's border (per padded dim, the slabs below and above the interior:
    each border element is written once, the interior not at all), created
    just before the source's producer, with the source inserted into it
    (`tensor.insert_slice`), then eliminates the `tensor.empty` the
    producer writes into (`bufferization::eliminateEmptyTensors`): the
    producer (e.g. the fused epilogue of the previous convolution) then
    writes straight into the interior of the padded buffer and the copy
    disappears. Pads of function arguments keep their copy.

    Before:
    ```mlir
    %y = linalg.generic ... outs(%empty : tensor<1x64x56x56xf32>)
    %p = tensor.pad %y low[0, 0, 1, 1] high[0, 0, 1, 1] { tensor.yield %zero }
    ```
    After:
    ```mlir
    %top = tensor.extract_slice %e[0, 0, 0, 0] [1, 64, 1, 58] [1, 1, 1, 1]
    %f = linalg.fill ins(%zero) outs(%top : tensor<1x64x1x58xf32>)
    %b = tensor.insert_slice %f into %e[0, 0, 0, 0] [1, 64, 1, 58] [1, 1, 1, 1]
    ... (the bottom row, then columns 0 and 57 of rows 1..56: %buf)
    %in = tensor.extract_slice %buf[0, 0, 1, 1] [1, 64, 56, 56] [1, 1, 1, 1]
    %y = linalg.generic ... outs(%in : tensor<1x64x56x56xf32>)
    %p = tensor.insert_slice %y into %buf[0, 0, 1, 1] [1, 64, 56, 56] [1, 1, 1, 1]
    ```
  }];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def TileAndFuse : Pass<"effai-tile-and-fuse", "::mlir::func::FuncOp"> {
  let summary = "Apply `effai.tiling`: cache-blocked, register-blocked "
                "contraction kernels with fused epilogues";
  let description = [{
    The mechanism half of tiling: it reads the `#effai.tiling` that
    `effai-select-tiling` recorded on each contraction (matmul, linear
    layer, convolution, on buffers after bufferization) and decides
    nothing itself. For `kernel = "contraction"` it emits

    - the cache blocks (`nc` columns, `kc` reduction steps, `mc` rows) as
      loops, split into `threads` chunks along `parallel` by an
      `scf.parallel` (OpenMP later);
    - the register tile: `mr` rows (a box over the innermost `m`
      dimensions, e.g. 2 output rows x 7 columns of a convolution) by `nr`
      columns in vectors of `lanes`, accumulated in registers over the
      reduction with `vector.fma` of one broadcast element of the first
      input and `nr / lanes` vectors of the second;
    - the second input packed into `[N/nr][K][nr]` panels at compile time
      when it is a constant (`pack_b = "compile"`), or read in place;
      `pack_a` packs `mr`-interleaved slivers of the first input per block;
    - with `epilogue = true`, the elementwise consumer of the result (bias,
      activation, residual add, ...) computed on the register tile, written
      to the consumer's output: the intermediate buffer disappears;
    - results stored as vectors along `n`, or, when the result is
      contiguous along an `m` dimension instead (NCHW convolutions),
      transposed in registers and stored along it.

    Edges (ranges that are not tile multiples) get statically sized tiles
    and lane masks. An op whose tiling the emitter cannot apply keeps its
    generic form and gets a warning saying why.

    Before (buffers, tiling attached):
    ```mlir
    linalg.fill ins(%zero : f32) outs(%c : memref<64x64xf32>)
    linalg.matmul {effai.tiling = #effai.tiling<kernel = "contraction",
        lanes = 16, mr = [4], nr = 32, kc = 64, mc = 64, nc = 64,
        pack_b = "compile", ...>}
      ins(%a, %w : memref<64x64xf32>, memref<64x64xf32>)
      outs(%c : memref<64x64xf32>)
    ```
    After (sketch):
    ```mlir
    scf.for %jr = ... step %c32 {
      scf.for %ir = ... step %c4 {
        %acc:8 = scf.for %k = ... iter_args(...) {
          %b0 = vector.load %packed[%panel, %k, %c0] : ..., vector<16xf32>
          %a0 = memref.load %a[%ir, %k] : memref<64x64xf32>
          %s0 = vector.broadcast %a0 : f32 to vector<16xf32>
          %f0 = vector.fma %s0, %b0, %acc0 : vector<16xf32>
          ...
        }
        vector.store %acc#0, %c[%ir, %jr] : memref<64x64xf32>, vector<16xf32>
        ...
    ```
  }];
  let dependentDialects = ["::mlir::affine::AffineDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect"];
}

def ApproximateMath : Pass<"effai-approximate-math"> {
  let summary = "Replace f32 transcendental functions by polynomials LLVM "
                "can vectorize";
  let description = [{
    `math.exp`, `math.erf`, `math.tanh`, `math.log` and friends on f32 (and
    vectors of f32) become MLIR's polynomial approximations: arithmetic,
    bit casts and selects, accurate to a few ULP, with no call left. A
    softmax, a GELU or a sigmoid then runs as vector code (the loop
    vectorizer handles the loops; the kernels' epilogues are vectors
    already), where a call to libm's `expf` per element would be scalar.
    Runs just before the math lowering to LLVM/libm, which keeps the ops
    not listed.
  }];
  let options = [
    ListOption<"ops", "ops", "std::string",
               "math ops to approximate (default: exp, expm1, erf, tanh, "
               "log, log1p, log2)">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::vector::VectorDialect"];
}

def LowerCodeLookups : Pass<"effai-lower-code-lookups"> {
  let summary = "Select 16-entry table lookups (AVX-512 `vpermps`, "
                "`vpermd`) for the packed-code decodes kernels emit";
  let description = [{
    Kernels over weight codes packed 2 or 4 to a byte (`b_bits` in their
    tiling) decode each code as what it computes, in pure vector ops:

    ```mlir
    %w = arith.extsi %bytes : vector<16xi8> to vector<16xi32>
    %l = arith.shli %w, %c28 : vector<16xi32>
    %low = arith.shrsi %l, %c28 : vector<16xi32>     // bits 0-3, signed
    %high = arith.shrsi %w, %c4 : vector<16xi32>     // bits 4-7, signed
    %f = arith.sitofp %low : vector<16xi32> to vector<16xf32>
    ```

    (2-bit codes: `shli` by 28 - 2q and `shrsi` by 30 for slot q, `shrsi`
    by 6 for the top one; unsigned codes: `arith.andi` with 15 or 3 after
    an `arith.shrui`, of a zero extension, converted with `sitofp` or
    `uitofp`). Where the module's `#effai.target` has `avx512f`, the
    conversion of 16 such lanes to f32 becomes one
    `llvm.x86.avx512.permvar.sf.512` from a table of the values the lane's
    low 4 bits stand for (the permute reads only those, so a code in them
    needs no shifts, and one above them a single shift by 4), and a signed
    code in the low 4 bits kept as i32 (integer accumulators) one
    `llvm.x86.avx512.permvar.si.512`. Exact: the table holds every code's
    value. Other targets keep the shifts.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::arith::ArithDialect"];
}

def LowerDotProducts : Pass<"effai-lower-dot-products"> {
  let summary = "Select u8 x s8 dot-product instructions (AVX-512 VNNI "
                "`vpdpbusd`) for the 4-way dot products kernels emit";
  let description = [{
    Kernels with `dot = 4` in their tiling write each step as what it
    computes, in pure vector ops the buffer passes can reason about:

    ```mlir
    %a32 = arith.extui %a : vector<64xi8> to vector<64xi32>
    %b32 = arith.extsi %b : vector<64xi8> to vector<64xi32>
    %p = arith.muli %a32, %b32 : vector<64xi32>
    %g = vector.shape_cast %p : vector<64xi32> to vector<16x4xi32>
    %r = vector.multi_reduction <add>, %g, %acc [1]
        : vector<16x4xi32> to vector<16xi32>
    ```

    Where the module's `#effai.target` has `avx512vnni` (with `avx512vl`
    for 128- and 256-bit vectors), each such chain becomes one
    `llvm.x86.avx512.vpdpbusd.{128,256,512}` call: the sums are exact in
    i32 either way (each u8 x s8 product fits 16 bits). Other reductions
    (and all of them without VNNI) are lowered to plain vector adds.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::vector::VectorDialect"];
}

def ExpandArith : Pass<"effai-expand-arith"> {
  let summary = "Expand the arith ops LLVM has no instruction for, keeping "
                "float min/max as LLVM intrinsics";
  let description = [{
    `arith-expand` minus its float min/max rewrites: integer ceil/floor
    divisions and scaling casts become plain arithmetic, while
    `arith.maximumf`/`minimumf`/`maxnumf`/`minnumf` stay whole and reach
    LLVM as `llvm.maximum` & co. Expanded into compare-and-select chains,
    a max reduction (softmax, max pooling, ReduceMax) is a scalar loop LLVM
    does not vectorize; as intrinsics it becomes `vmaxps` over vector lanes.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

//===----------------------------------------------------------------------===//
// Artifact ABI: what a compiled model looks like to the runtime.
//===----------------------------------------------------------------------===//

def AttachLoopAnnotations : Pass<"effai-attach-loop-annotations",
                                  "::mlir::ModuleOp"> {
  let summary = "Make the loop annotations kernels put on scf.for reach LLVM";
  let description = [{
    The register-blocked kernels mark their reduction loops
    `llvm.loop_annotation = #llvm.loop_annotation<unroll = <disable = true>>`
    (unrolled, LLVM would keep the broadcasts neighbouring rows share live
    and spill accumulators). `convert-scf-to-cf` forwards the attribute to
    the loop's back edge as a discardable attribute, which the LLVM IR
    translation ignores; this pass moves it into the `llvm.br` /
    `llvm.cond_br` loop metadata. Runs after the conversion to the LLVM
    dialect.
  }];
}

def ExportTarget : Pass<"effai-export-target", "::mlir::ModuleOp"> {
  let summary = "Move the module's #effai.target into the LLVM dialect's "
                "function attributes";
  let description = [{
    At the end of the CPU pipeline, after everything that reads the machine
    description has run: every `llvm.func` with a body gets the target's
    `target_cpu` and `target_features` (`+feature` for each ISA feature it
    lists), so instruction selection uses exactly the CPU the kernels were
    tiled for, whichever tool translates the module, and
    `prefer_vector_width` = the target's `vector_bits`, so the loops LLVM
    vectorizes use the width the tiling model assumed; the `effai.target`
    attribute is then removed, leaving a module that mlir-runner and
    mlir-translate read without the effai dialect.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def ProfileLayers : Pass<"effai-profile-layers", "::mlir::ModuleOp"> {
  let summary = "Time every layer of the model with per-layer cycle counters";
  let description = [{
    Instruments the public function for `effai-compile --profile`: the ops
    of the function body that do work (loops, kernels, linalg ops, copies,
    calls) are grouped by the layer they come from (the name of their
    location, e.g. the ONNX node), and each group is bracketed by reads of
    the cycle counter (`llvm.readcyclecounter`, the TSC on x86) whose
    difference is added to the layer's slot of the exported global
    `effai_profile_cycles` (i64 per layer). The layer names, in slot
    order, go to the function attribute `effai.profile_layers`, which
    `effai-emit-entry-point` writes into the metadata (`profile NAME`
    lines); the runtime converts cycles to seconds
    (`effai_profile_layer`). Runs on buffers, after the kernels are built.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def PlanBuffers : Pass<"effai-plan-buffers", "::mlir::ModuleOp"> {
  let summary = "Make results out-parameters and place intermediate buffers "
                "in one workspace planned at compile time";
  let description = [{
    Runs on bufferized public functions (after `one-shot-bufferize`), so
    that a compiled model allocates nothing per call:

    1. Every memref result becomes an out-parameter appended to the
       arguments (marked `effai.output`, keeping the result's `effai.name`
       and `effai.dtype`). A result that is a fresh static allocation is
       computed in place into the out-parameter; any other result (an
       argument, a constant, a view) is copied into it.
    2. Every remaining static, identity-layout `memref.alloc` in the
       function's entry block becomes an argument of its own, marked
       `effai.workspace_offset = N`: the caller passes the workspace
       address plus N. Offsets come from the buffers' live ranges
       (definition to last use of the buffer or any view of it): buffers
       that are never live at the same time share bytes. Placement is
       greedy by decreasing size, first fit, with every offset a multiple
       of `alignment`. The whole workspace is the last argument (marked
       `effai.workspace`, its size the total).

    Buffers are separate pointer arguments of a function that is not
    inlined (`passthrough = ["noinline"]`) rather than views of one base
    pointer: LLVM then versions loops with run-time overlap checks and
    vectorizes them, which it does not do for offsets from a common base.
    Allocations with dynamic sizes, non-identity layouts, memory spaces or
    inside nested regions are left for the deallocation pipeline. The
    runtime allocates the workspace once per loaded model.

    Before:
    ```mlir
    func.func @main(%x: memref<4xf32>) -> memref<4xf32> {
      %t = memref.alloc() : memref<4xf32>
      %y = memref.alloc() : memref<4xf32>
      ...
      return %y : memref<4xf32>
    }
    ```
    After:
    ```mlir
    func.func @main(%x: memref<4xf32>, %y: memref<4xf32> {effai.output},
                    %t: memref<4xf32> {effai.workspace_offset = 0 : i64},
                    %ws: memref<64xi8> {effai.workspace})
        attributes {passthrough = ["noinline"]} {
      ...
    }
    ```
  }];
  let options = [
    Option<"alignment", "alignment", "int64_t", /*default=*/"64",
           "Byte alignment of every buffer in the workspace">,
  ];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def EmitEntryPoint : Pass<"effai-emit-entry-point", "::mlir::ModuleOp"> {
  let summary = "Add the stable C entry point and metadata a compiled model "
                "exports to the runtime";
  let description = [{
    Takes the module's one public function, already in the form
    `effai-plan-buffers` produces (inputs, then `effai.output`
    out-parameters, then planned buffers marked `effai.workspace_offset`,
    then the `effai.workspace` argument; static shapes, identity layouts),
    and adds what the runtime looks up by name:

    - `void effai_entry(void **buffers)`: one data pointer per input and
      output, then the workspace, then one per argument after it marked
      `effai.entry_slot` (a GPU model's device constants and launcher,
      see `effai-gpu-host-to-runtime`); it builds the memref descriptors
      (planned buffers at their offsets in the workspace; an `!llvm.ptr`
      slot passes as it is) and calls the model;
    - `void effai_set_num_threads(int32_t)`: forwards to OpenMP's
      `omp_set_num_threads` when the model runs threaded, else does nothing;
    - `const char effai_metadata[]`: text, one record per line:
      `effai-artifact 1`, `version V`, `threading none|openmp`,
      `workspace BYTES`, then `input|output NAME DTYPE RANK DIMS...` per
      tensor, then the model function's `effai.artifact_records` (strings,
      one per line) when it has them. Names are percent-escaped; dtypes
      are ONNX's names (`float`, `uint8`, …) from `effai.dtype`, else
      derived from the element type.

    The bodies use `llvm` dialect ops plus `func.call`, so the rest of the
    CPU pipeline lowers them with the model.
  }];
  let options = [
    Option<"openmp", "openmp", "bool", /*default=*/"false",
           "The model runs threaded through OpenMP">,
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::func::FuncDialect"];
}

def ExpandStridedCopies : Pass<"effai-expand-strided-copies"> {
  let summary = "Rewrite memref.copy between non-contiguous buffers as "
                "loops";
  let description = [{
    The LLVM lowering of `memref.copy` emits a `memcpy` when both buffers
    have the identity layout, and otherwise a call to `memrefCopy` from
    MLIR's C runner utilities, which a standalone artifact cannot link.
    This pass turns the strided copies into `scf.for` loops of loads and
    stores (sequential: no thread decision was made for them, so a parallel
    build forks no region for a copy); contiguous copies stay `memcpy`.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

def SerializeNestedParallel : Pass<"effai-serialize-nested-parallel"> {
  let summary = "Turn scf.parallel loops nested in another scf.parallel into "
                "scf.for loops";
  let description = [{
    `convert-linalg-to-parallel-loops` emits one `scf.parallel` per band of
    parallel dimensions, so a convolution whose output columns are innermost
    (for vectorization) becomes parallel / reduction / parallel. OpenMP
    would fork a (serialized) nested region for every iteration of the
    reduction loops. Threads belong to the outermost band only: inner
    `scf.parallel` ops without reductions become `scf.for` nests, which LLVM
    then vectorizes like any loop. A multi-dimensional `scf.parallel` keeps
    only as many leading dimensions as give `parallel-iterations`
    iterations; the rest become inner `scf.for` loops (OpenMP would collapse
    every dimension into one loop and recover each index per iteration,
    which costs more than an element copy).

    Before:
    ```mlir
    scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
      scf.for %k = %c0 to %c4 step %c1 {
        scf.parallel (%j) = (%c0) to (%c16) step (%c1) { ... }
      }
    }
    ```
    After:
    ```mlir
    scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
      scf.for %k = %c0 to %c4 step %c1 {
        scf.for %j = %c0 to %c16 step %c1 { ... }
      }
    }
    ```
  }];
  let options = [
    Option<"parallelIterations", "parallel-iterations", "int64_t",
           /*default=*/"64",
           "Parallel iterations a loop keeps (leading dims beyond are "
           "serialized)">,
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect"];
}

#endif // EFFAI_TARGET_CPU_PASSES_TD
