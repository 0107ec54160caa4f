// effai-gpu-warp-mma on the GPU (distribute): an epilogue tile it cannot
// apply to the tile's fragments is an error naming it (emulated, the
// epilogue would read the tile back; on the GPU every lane would run it on
// the whole tile).
// RUN: %effai_opt %s --effai-gpu-warp-mma -verify-diagnostics

#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (n, k)>
#mC = affine_map<(m, n, k) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
// The epilogue reads the tile transposed.
#tr = affine_map<(m, n) -> (n, m)>
func.func @transposed_epilogue(%a: memref<32x32xf16>, %b: memref<32x32xf16>, %c: memref<32x32xf32>, %y: memref<32x32xf16>) {
  %zero = arith.constant 0.0 : f32
  scf.forall (%w) in (1) {
    linalg.fill ins(%zero : f32) outs(%c : memref<32x32xf32>)
    linalg.generic {indexing_maps = [#mA, #mB, #mC], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : memref<32x32xf16>, memref<32x32xf16>) outs(%c : memref<32x32xf32>) attrs = {effai.gpu_mma_tile} {
    ^bb0(%x: f16, %v: f16, %acc: f32):
      %xe = arith.extf %x : f16 to f32
      %ve = arith.extf %v : f16 to f32
      %p = arith.mulf %xe, %ve : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
    }
    // expected-error @+1 {{this epilogue cannot be applied to the tile's fragments}}
    linalg.generic {indexing_maps = [#tr, #id], iterator_types = ["parallel", "parallel"]} ins(%c : memref<32x32xf32>) outs(%y : memref<32x32xf16>) attrs = {effai.gpu_epilogue_tile} {
    ^bb0(%v: f32, %o: f16):
      %t = arith.truncf %v : f32 to f16
      linalg.yield %t : f16
    }
  } {mapping = [#gpu.warp<linear_dim_0>]}
  return
}
