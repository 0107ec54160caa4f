//===- Passes.td - GPU code-generation passes --------------*- tablegen -*-===//
//
// The mechanism half of the GPU target: apply the block and thread tiles
// effai-select-tiling chose, map them onto gpu.launch, and, for testing
// without a GPU, run the same mapped kernels as host loops.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_TARGET_GPU_PASSES_TD
#define EFFAI_TARGET_GPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def GPUTileAndMap : Pass<"effai-gpu-tile-and-map", "::mlir::func::FuncOp"> {
  let summary = "Tile linalg ops into block and thread scf.forall nests as "
                "their #effai.gpu_tiling says";
  let description = [{
    Every linalg op on tensors with an `effai.gpu_tiling` becomes an
    `scf.forall` over its `block` tiles, mapped to `#gpu.block`, around an
    `scf.forall` over the `thread` tiles of one block, mapped to
    `#gpu.thread`; the tile of one thread is the op on slices, reductions
    whole. A `linalg.fill` producing the init of a contraction is fused
    into both loops, so each thread zeroes its own accumulators. A
    contraction with an epilogue (`effai.epilogue_of`) is tiled through it:
    the epilogue, rewritten to update the contraction's result in place, is
    the root of both loops and the contraction and its fill are fused into
    it, so each thread applies the epilogue to its own tile in the same
    kernel, with no second pass over the result. An epilogue of another
    element type (f32 rounded to f16, i32 requantized to i8) reads the
    contraction instead of updating it: the contraction is fused as that
    input, its tiles yielded by both loops (written into their slice of
    the whole result, not a copy per thread), and the thread's epilogue
    tile is marked `effai.gpu_epilogue_tile` for
    `effai-gpu-register-accumulators` and `effai-gpu-warp-mma`. The mapping ids are linear (`linear_dim_0` varies fastest) and follow the
    result's dimensions from the innermost out, so consecutive threads
    and blocks write consecutive elements. The block loop keeps the
    tiling as `effai.gpu_tiling` for `effai-gpu-map-to-launch`.

    ```mlir
    %r = scf.forall (%i, %j) = (0, 0) to (256, 256) step (64, 64)
        shared_outs(%o = %init) -> (tensor<256x256xf32>) {
      %t = scf.forall (%ti, %tj) = (0, 0) to (64, 64) step (4, 4)
          shared_outs(%to = ...) -> (tensor<64x64xf32>) {
        %f = linalg.fill ins(%zero : f32) outs(...) -> tensor<4x4xf32>
        %m = linalg.matmul ins(...) outs(%f : tensor<4x4xf32>)
        ...
      } {mapping = [#gpu.thread<linear_dim_1>, #gpu.thread<linear_dim_0>]}
      ...
    } {mapping = [#gpu.block<linear_dim_1>, #gpu.block<linear_dim_0>]}
    ```

    An `mma` tiling (tensor cores) tiles by warps instead of threads: the
    inner loop is mapped to `#gpu.warp` and each warp's tile, marked
    `effai.gpu_mma_tile`, is left for `effai-gpu-warp-mma`. First the
    operands are rewritten as `mma.sync` (s8 or f16) reads them: constant
    weights read [k, n] are transposed to [n, k] at compile time; u8
    activations are flipped to s8 where they are made (the producing
    elementwise op yields x ^ 0x80, i.e. x - 128) and the one elementwise
    consumer of the sum adds 128 * sum_k w[k, n] to what it reads.

    An op without a tiling is left alone.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect"];
}

def GPUWarpMma : Pass<"effai-gpu-warp-mma", "::mlir::func::FuncOp"> {
  let summary = "Tensor-core warp tiles as warp-level vector contractions in "
                "the shape of mma.sync";
  let description = [{
    Each bufferized `linalg.generic` marked `effai.gpu_mma_tile` by
    `effai-gpu-tile-and-map` (a warp's tile of an i8 x i8 -> i32 product,
    both operands sign-extended, or of an f16 x f16 -> f32 one, both
    extended: A [m, k], B [n, k], C [m, n]) becomes a loop over k in steps
    of 32 (16 for f16) that reads 16 x 32 (16 x 16) slices of A and 8 x 32
    (8 x 16) slices of B once per step and accumulates every 16 x 8 tile of
    C in a `vector.contract` of those shapes: the shape of
    `mma.sync.aligned.m16n8k32` (s8) or `m16n8k16` (f16 into f32), which
    `convert-vector-to-gpu
    {use-nvgpu}` then distributes over the warp's 32 lanes (each lane's
    fragment loads and stores then marked aligned to their size where the
    views' buffers, tile offsets and row strides show it: 32-bit loads
    instead of bytes). The
    accumulators stay in registers across the loop: they start from the
    constant of the `linalg.fill` of C just before the tile (which is
    erased) and are written to C once at the end. Every index is a
    constant or the loop's induction variable, as the conversion needs;
    it runs on each tile alone (on a whole function it also tries the
    scalar arithmetic of other kernels).

    An epilogue tile of another element type after the tile
    (`effai.gpu_epilogue_tile`, see effai-gpu-tile-and-map: the i32 sum
    requantized to i8, the f32 one rounded to f16), reading C once and
    unpermuted, is applied by each lane to the elements of its fragments
    in place of their stores: the epilogue's body per element (its other
    inputs loaded at the element's indices), stored into its result; C is
    not written and the epilogue is erased (upstream's distribution takes
    no elementwise ops on fragments). Emulated (`distribute=false`), the
    tile is stored whole and the epilogue, left as it is, reads it back.

    All 32 lanes run whatever else a warp loop holds, so after the
    rewrite bufferization's copies between identical views of the tile
    are merged and dropped there, and a copy or linalg op still left in a
    warp loop is an error (each lane would move the whole tile while the
    others store their fragments).

    ```mlir
    %r:2 = scf.for %k = %c0 to %c64 step %c32 iter_args(%c00 = %zero,
        %c01 = %zero) -> (vector<16x8xi32>, vector<16x8xi32>) {
      %a = vector.transfer_read %A[%c0, %k], %pad : ..., vector<16x32xi8>
      %b0 = vector.transfer_read %B[%c0, %k], %pad : ..., vector<8x32xi8>
      %b1 = vector.transfer_read %B[%c8, %k], %pad : ..., vector<8x32xi8>
      %d0 = vector.contract {...} %a, %b0, %c00 : ... into vector<16x8xi32>
      %d1 = vector.contract {...} %a, %b1, %c01 : ... into vector<16x8xi32>
      scf.yield %d0, %d1 : vector<16x8xi32>, vector<16x8xi32>
    }
    ```

    A marked tile whose shapes are not whole instruction tiles, whose
    operands are not sign-extended i8 into i32 (or f16 extended into f32),
    or that does not start from a fill, is an error naming it; so is, on
    the GPU, an epilogue tile it cannot apply to the fragments.
  }];
  let options = [
    Option<"distribute", "distribute", "bool", /*default=*/"true",
           "Distribute each warp's contractions over its lanes as "
           "nvgpu.mma.sync (upstream's vector-to-nvgpu conversion, rooted at "
           "the warp's loop); off keeps the warp-level form, which GPU "
           "emulation runs on the host">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::gpu::GPUDialect",
                           "::mlir::nvgpu::NVGPUDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect"];
}

def GPURegisterAccumulators : Pass<"effai-gpu-register-accumulators",
                                   "::mlir::func::FuncOp"> {
  let summary = "Each thread's tile of a reduction accumulates in registers";
  let description = [{
    The register tile effai-select-tiling sized (`thread` of
    `#effai.gpu_tiling`, TM x TN accumulators for TM + TN operand loads per
    step) made real. Each bufferized linalg op with reduction loops and at
    most 256 output points (up to the bounds of a partial tile's sizes),
    directly in an `scf.forall` mapped to `#gpu.thread`, becomes an `scf.for` nest over its reduction
    loops whose body computes every output point of the tile, unrolled,
    with each point's accumulator an iteration argument: the operands are
    loaded once per step (duplicate loads of a point's row or column are
    merged by cse) and the result is stored once, after the loop. Without
    it the tile's loops store the accumulator to global memory after every
    multiply-add.

    ```mlir
    linalg.fill ins(%zero : f32) outs(%c : memref<8x8xf32, ...>)
    linalg.matmul ins(%a, %b : memref<8x1024xf32, ...>, memref<1024x8xf32, ...>)
                  outs(%c : memref<8x8xf32, ...>)
    // becomes
    %acc:64 = scf.for %k = %c0 to %c1024 step %c1
        iter_args(%c00 = %zero, ..., %c77 = %zero) -> (f32, ..., f32) {
      %a0 = memref.load %a[%c0, %k] ...
      %b0 = memref.load %b[%k, %c0] ...
      %m00 = arith.mulf %a0, %b0 : f32
      %s00 = arith.addf %c00, %m00 : f32
      ...
      scf.yield %s00, ..., %s77 : f32, ..., f32
    }
    memref.store %acc#0, %c[%c0, %c0] ...
    ```

    The accumulators start from the constant of a `linalg.fill` of the
    result just before the op (which is erased), or else from the result's
    values. A partial tile at the edge of the data computes up to its
    bound, its points past the edge on the last real one, and stores only
    the real ones. An epilogue tile (`effai.gpu_epilogue_tile`) after the
    op that reads its result view unpermuted (past views, constants and
    copies of a view onto itself) is applied to each accumulator as it is
    stored: the epilogue's value goes to the epilogue's result and the
    op's own result is not written. Other ops (no reduction, more points)
    are left to the plain loops of `convert-linalg-to-loops`.

    Where the block's tiling has `stage_k` > 0, the reduction runs in
    chunks of that many steps. At the start of each chunk the block's
    threads copy the chunk of each input the reduction reads (the block's
    view of it, of which the thread's view is a slice) into a buffer in
    shared memory (a `memref.alloca` in `#gpu.address_space<workgroup>`
    before the thread loop, aligned to 16 bytes, which
    effai-gpu-workgroup-buffers declares on the kernel), consecutive
    threads taking consecutive elements, then
    synchronize (`gpu.barrier`); the tile's points read from the buffers,
    and a second barrier ends the chunk. A tiling that stages a tile that
    is partial, has no single static reduction of a multiple of
    `stage_k`, or whose thread loop has other reductions or not exactly
    one iteration per thread of the block (a thread would skip the
    barriers) is an error.
  }];
  let options = [
    Option<"distribute", "distribute", "bool", /*default=*/"true",
           "Share each staged chunk's copy among the block's threads, "
           "synchronized by barriers; off (GPU emulation, which runs blocks "
           "and threads one after another) each thread copies the whole "
           "chunk, every thread's share in turn, into one host buffer per "
           "staged input made at the function's entry">
  ];
  let dependentDialects = ["::mlir::affine::AffineDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::gpu::GPUDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

def GPUWorkgroupBuffers : Pass<"effai-gpu-workgroup-buffers"> {
  let summary = "Shared-memory buffers of a kernel as its workgroup "
                "attributions";
  let description = [{
    Each `memref.alloca` of a static shape in shared memory
    (`#gpu.address_space<workgroup>`) in the body of a `gpu.func` (the
    staging buffers of effai-gpu-register-accumulators, carried into the
    kernel by outlining) becomes a workgroup attribution of the kernel,
    aligned (`llvm.align`) to the allocation's alignment and at least 16
    bytes, which the NVVM conversion makes a `.shared` array: one per
    block, alive for the kernel. The buffers are stack allocations until
    then because buffer deallocation, which runs before outlining, leaves
    those alone but does not know attributions.

    ```mlir
    gpu.func @k(...) kernel {
      %buffer = memref.alloca() {alignment = 16 : i64}
          : memref<16x8xf32, #gpu.address_space<workgroup>>
      ...
    // becomes
    gpu.func @k(...) workgroup(%buffer : memref<16x8xf32,
        #gpu.address_space<workgroup>> {llvm.align = 16 : i64}) kernel {
    ```

    A shared-memory allocation that is dynamic, or outside a kernel, is an
    error.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::memref::MemRefDialect"];
}

def GPUMapToLaunch : Pass<"effai-gpu-map-to-launch", "::mlir::func::FuncOp"> {
  let summary = "Turn bufferized block/thread scf.forall nests into "
                "gpu.launch";
  let description = [{
    Each outermost `scf.forall` mapped to `#gpu.block` (bufferized: no
    results) becomes a `gpu.launch` with a one-dimensional grid of as many
    blocks as the loop has iterations and a block of the tiling's
    `threads`. The block id is delinearized into the loop's induction
    variables (`linear_dim_0` fastest); each nested `scf.forall` mapped to
    `#gpu.thread` becomes its body guarded by `scf.if`, with the thread id
    delinearized the same way over the loop's largest trip counts, so
    partial tiles at the edges idle their surplus threads. A nested loop
    mapped to `#gpu.warp` is bound the same way to the warp id (the thread
    id over the target's warp size): the 32 lanes of a warp run one
    iteration together, as warp-level operations need.

    A block loop with a dynamic trip count, a mapping that is not linear,
    or more threads than the block holds is an error naming the loop.
  }];
  let dependentDialects = ["::mlir::affine::AffineDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::gpu::GPUDialect",
                           "::mlir::scf::SCFDialect"];
}

def GPULaunchToHostLoops : Pass<"effai-gpu-launch-to-host-loops",
                                "::mlir::func::FuncOp"> {
  let summary = "Run gpu.launch bodies as host loops over blocks and threads "
                "(GPU emulation for tests)";
  let description = [{
    Replaces each `gpu.launch` by `scf.for` loops over its blocks and, in
    each, over its threads, with `gpu.block_id`, `gpu.thread_id`,
    `gpu.grid_dim` and `gpu.block_dim` bound to the loop variables and the
    launch sizes. The kernels the GPU path maps then run on the CPU, so
    their tiling, index arithmetic and guards are tested against the CPU
    pipeline's numbers on machines without a GPU. Sound for kernels
    whose threads do not communicate: a launch containing `gpu.barrier`
    is an error. Warp-level `vector.contract`s of i8 or f16 (the
    tensor-core tiles of `effai-gpu-warp-mma`, which every lane of the warp
    computes whole here) extend their operands to the accumulator's type
    (i8 sign-extended), as `mma.sync` reads them.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::scf::SCFDialect"];
}

def GPUMergeKernelModules : Pass<"effai-gpu-merge-kernel-modules",
                                 "::mlir::ModuleOp"> {
  let summary = "Put every outlined kernel into one gpu.module";
  let description = [{
    `gpu-kernel-outlining` gives each kernel a `gpu.module` of its own, so
    a model would become one PTX module (one `.version` header, one load)
    per layer. This pass moves every `gpu.func` into the first
    `gpu.module`, renamed after the module it came from (unique, where the
    functions inside outlined modules all share their host function's
    name), and points the `gpu.launch_func` ops at the new symbols. Then
    the model is one PTX (or cubin) module that ptxas assembles and the
    driver loads once.
  }];
}

def GPUNativeMath : Pass<"effai-gpu-native-math"> {
  let summary = "Round half to even and take absolute values in kernels "
                "without libdevice";
  let description = [{
    NVVM lowers `math.roundeven` (requantization rounds with it),
    `math.absf` and `math.absi` (shift kernels take magnitudes) to calls
    of libdevice (`__nv_rint`, `__nv_fabsf`, `__nv_abs`), which ptxas
    rejects unless libdevice was found and linked when the kernels were
    serialized (a CUDA toolkit on the compiling machine). This pass
    expands them into arithmetic the hardware has: `roundeven` (f32, f64)
    as `(|x| + 2^m) - 2^m` with the sign put back by bits (`m` the
    mantissa width; from `2^m` on every float is an integer), so the
    round-to-nearest-even addition rounds, exactly; `absf` as the sign bit
    cleared; `absi` as `max(x, 0 - x)`.

    ```mlir
    %r = math.roundeven %x : f32
    // becomes: bitcast, andi (sign, magnitude), addf 8388608.0, subf,
    // cmpf oge, select, ori (sign), bitcast
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def GPUFuseMultiplyAdd : Pass<"effai-gpu-fuse-multiply-add"> {
  let summary = "Let kernels' multiply-adds become fused multiply-adds";
  let description = [{
    Marks every `arith.mulf` whose only use is an `arith.addf`, and that
    add, `fastmath<contract>`, so that NVPTX emits one `fma.rn` (one
    rounding, one instruction) instead of `mul.rn` + `add.rn`: what nvcc
    does by default (`-fmad=true`) and what the CPU kernels do. Without
    the flag on both, LLVM keeps them apart. Other flags are kept.

    ```mlir
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    // becomes
    %p = arith.mulf %a, %b fastmath<contract> : f32
    %s = arith.addf %acc, %p fastmath<contract> : f32
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def GPUDecomposePads : Pass<"effai-gpu-decompose-pads",
                            "::mlir::func::FuncOp"> {
  let summary = "Write tensor.pad as a fill of the padded tensor and an "
                "insertion of the source, both of which become kernels";
  let description = [{
    Bufferization gives `tensor.pad` a host loop nest for its border (a
    `linalg.map` built after the GPU tiles were chosen), which the host
    cannot run on device memory. Decomposed first (upstream's
    `DecomposePadOpPattern`), the border is a `linalg.fill` that
    `effai-select-tiling` maps like any other op, and the interior a
    `tensor.insert_slice`, which bufferizes to a strided copy that
    `effai-gpu-copies-to-launches` runs as a kernel. Pads whose value is
    not a constant or a value defined outside are decomposed the same way
    (the fill takes the value).

    ```mlir
    %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] { ... yield %zero }
    // becomes
    %e = tensor.empty() : tensor<1x1x10x10xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x10x10xf32>)
    %p = tensor.insert_slice %x into %f[0, 0, 1, 1] [1, 1, 8, 8] [1, 1, 1, 1]
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def GPUCopiesToLaunches : Pass<"effai-gpu-copies-to-launches",
                               "::mlir::func::FuncOp"> {
  let summary = "Run host-side copies between non-contiguous buffers as "
                "kernels";
  let description = [{
    Bufferization leaves `memref.copy` in the host function where a tensor
    is inserted into part of another (a `tensor.pad`'s interior, a
    `tensor.concat` along an inner dimension). On a GPU the host cannot
    touch those buffers, and a strided region is not one `memcpy`: each
    such copy becomes a `gpu.launch` with one thread per element, 256 to a
    block, the linear id delinearized into the element's indices and
    guarded at the end. Copies between contiguous buffers stay (the
    runtime does them as device-to-device `memcpy`); copies inside kernels
    are left alone. A copy with a dynamic shape is an error.

    ```mlir
    memref.copy %x, %interior : memref<1x1x8x8xf32>
        to memref<1x1x8x8xf32, strided<[100, 100, 10, 1], offset: 11>>
    // becomes
    gpu.launch blocks(...) in (%c1, %c1, %c1) threads(...) in (%c256, ...) {
      // linear id < 64: delinearize into (i, j, k, l), load, store
    }
    ```
  }];
  let dependentDialects = ["::mlir::affine::AffineDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::gpu::GPUDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

def GPURebaseLaunchViews : Pass<"effai-gpu-rebase-launch-views",
                                "::mlir::func::FuncOp"> {
  let summary = "Pass kernels their views as base buffer plus offset, sizes "
                "and strides";
  let description = [{
    Kernels take memrefs as bare pointers (`kernel-bare-ptr-calling-
    convention`), which needs a static shape, offset and strides; a view
    the host computes with a dynamic offset (a row of a buffer chosen in a
    host loop, as the sparse row kernels make) cannot cross that way. Each
    such memref a `gpu.launch` captures is taken apart outside the launch
    (`memref.extract_strided_metadata`: its base buffer, rank 0, and its
    offset, sizes and strides as indices) and rebuilt at the top of the
    launch body (`memref.reinterpret_cast`), so outlining passes the base
    buffer and the indices. Static views are left alone.

    ```mlir
    %row = memref.subview %b[%i, 0] [1, 360] [1, 1]
        : memref<64x360xf32> to memref<360xf32, strided<[1], offset: ?>>
    gpu.launch ... { ... memref.load %row[%j] ... }
    // becomes
    %base, %offset, %size, %stride = memref.extract_strided_metadata %row
    gpu.launch ... {
      %view = memref.reinterpret_cast %base to offset: [%offset],
          sizes: [360], strides: [1]
      ... memref.load %view[%j] ...
    }
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def GPUHostToRuntime : Pass<"effai-gpu-host-to-runtime", "::mlir::ModuleOp"> {
  let summary = "Make the host side of a compiled GPU model call the effai "
                "runtime: launches, device copies, constants on the device, "
                "the kernel image embedded";
  let description = [{
    Runs after `gpu-module-to-binary` on the one public function that
    `effai-plan-buffers` prepared (inputs, outputs, planned buffers, the
    workspace): every buffer it passes to a kernel is device memory that
    the runtime allocated. The host code then only sequences work:

    - Each `gpu.launch_func` becomes a call through the **launcher**, a
      runtime struct `{void *context; launch; copy}` passed as a new last
      argument (`effai.entry_slot = "gpu_launcher"`): `launch(context,
      kernel, grid x/y/z, block x/y/z, shared bytes, params)`, `params`
      the kernel's arguments as `cuLaunchKernel` takes them (one pointer to
      each value; a memref is its aligned data pointer, as the kernels'
      bare-pointer convention expects). `kernel` indexes the `kernel`
      records of the metadata.
    - Each `memref.copy` becomes `copy(context, dst, src, bytes)`, a
      device-to-device copy (both sides contiguous).
    - Constant `memref.global`s the host function uses are laid out in one
      byte buffer (256-byte aligned), exported as `effai_gpu_constants`;
      the function takes its device copy as an argument
      (`effai.entry_slot = "gpu_constants"`) and each `memref.get_global`
      becomes a `memref.view` of it.
    - The `gpu.binary`'s object (PTX, NUL-terminated, or a cubin) is
      exported as `effai_gpu_image`.

    The function gets `effai.artifact_records` for the metadata
    (`device cuda`, `chip`, `image ptx|cubin BYTES`, `constants BYTES`,
    one `kernel NAME` per launched kernel) that `effai-emit-entry-point`
    writes. Host code that would read or write a buffer itself (a load, a
    store, an allocation the planner could not place), a kernel argument
    that is not a memref, an integer, an index or a float, and a module
    with other than one `gpu.binary` holding one object are errors.

    ```mlir
    gpu.launch_func @m::@k blocks in (%c8, %c1, %c1)
        threads in (%c32, %c1, %c1) args(%x : memref<2x16xf32>)
    // becomes (the slots and the array are allocas at the entry):
    llvm.store %x_ptr, %slot0 : !llvm.ptr, !llvm.ptr
    llvm.call @__effai_gpu_launch(%launcher, %c0_i32, %c8_i64, ...,
                                  %c0_i32, %params) : (...) -> ()
    ```
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
}

#endif // EFFAI_TARGET_GPU_PASSES_TD
