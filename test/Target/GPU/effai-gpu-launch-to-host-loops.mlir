// effai-gpu-launch-to-host-loops: a launch becomes loops over blocks
// (z, y, x) around loops over threads, ids and sizes bound; threads that
// synchronize cannot be emulated that way.
// RUN: %effai_opt %s --effai-gpu-launch-to-host-loops -split-input-file -verify-diagnostics | FileCheck %s

// CHECK-LABEL: func.func @launch
// CHECK-NOT: gpu.
// CHECK: scf.for %[[BZ:.*]] = %c0 to %c1
// CHECK: scf.for %[[BY:.*]] = %c0 to %c1
// CHECK: scf.for %[[BX:.*]] = %c0 to %[[G:.*]] step
// CHECK: scf.for %[[TZ:.*]] = %c0 to %c1
// CHECK: scf.for %[[TY:.*]] = %c0 to %c1
// CHECK: scf.for %[[TX:.*]] = %c0 to %[[T:.*]] step
// CHECK: %[[P:.*]] = arith.muli %[[BX]], %[[T]]
// CHECK: %[[I:.*]] = arith.addi %[[P]], %[[TX]]
// CHECK: memref.store %{{.*}}, %{{.*}}[%[[I]]]
func.func @launch(%c: memref<256xf32>) {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1 : index
  %grid = arith.constant 4 : index
  %threads = arith.constant 64 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %grid, %gy = %one, %gz = %one)
             threads(%tx, %ty, %tz) in (%sx = %threads, %sy = %one, %sz = %one) {
    %p = arith.muli %bx, %sx : index
    %i = arith.addi %p, %tx : index
    memref.store %zero, %c[%i] : memref<256xf32>
    gpu.terminator
  }
  return
}

// -----
func.func @barrier(%c: memref<64xf32>) {
  %one = arith.constant 1 : index
  %threads = arith.constant 64 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %one, %gy = %one, %gz = %one)
             threads(%tx, %ty, %tz) in (%sx = %threads, %sy = %one, %sz = %one) {
    // expected-error @+1 {{effai-gpu-launch-to-host-loops: threads synchronize here; running them one after another would not}}
    gpu.barrier
    gpu.terminator
  }
  return
}

// -----
// A warp's i8 contraction (mma.sync s8 on the GPU) runs in i32 on the
// host: both operands sign-extended first.
// CHECK-LABEL: func.func @warp_contraction
// CHECK: %[[A:.*]] = arith.extsi %{{.*}} : vector<16x32xi8> to vector<16x32xi32>
// CHECK: %[[B:.*]] = arith.extsi %{{.*}} : vector<8x32xi8> to vector<8x32xi32>
// CHECK: vector.contract {{.*}} %[[A]], %[[B]], %{{.*}} : vector<16x32xi32>, vector<8x32xi32> into vector<16x8xi32>
func.func @warp_contraction(%a: vector<16x32xi8>, %b: vector<8x32xi8>, %c: memref<16x8xi32>) {
  %one = arith.constant 1 : index
  %warp = arith.constant 32 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %one, %gy = %one, %gz = %one)
             threads(%tx, %ty, %tz) in (%sx = %warp, %sy = %one, %sz = %one) {
    %zero = arith.constant dense<0> : vector<16x8xi32>
    %d = vector.contract {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %a, %b, %zero : vector<16x32xi8>, vector<8x32xi8> into vector<16x8xi32>
    %c0 = arith.constant 0 : index
    vector.transfer_write %d, %c[%c0, %c0] {in_bounds = [true, true]} : vector<16x8xi32>, memref<16x8xi32>
    gpu.terminator
  }
  return
}

// -----
// A warp's f16 contraction (mma.sync f16 -> f32) runs in f32 on the
// host: both operands extended first.
// CHECK-LABEL: func.func @warp_f16_contraction
// CHECK: %[[A:.*]] = arith.extf %{{.*}} : vector<16x16xf16> to vector<16x16xf32>
// CHECK: %[[B:.*]] = arith.extf %{{.*}} : vector<8x16xf16> to vector<8x16xf32>
// CHECK: vector.contract {{.*}} %[[A]], %[[B]], %{{.*}} : vector<16x16xf32>, vector<8x16xf32> into vector<16x8xf32>
func.func @warp_f16_contraction(%a: vector<16x16xf16>, %b: vector<8x16xf16>, %c: memref<16x8xf32>) {
  %one = arith.constant 1 : index
  %warp = arith.constant 32 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %one, %gy = %one, %gz = %one)
             threads(%tx, %ty, %tz) in (%sx = %warp, %sy = %one, %sz = %one) {
    %zero = arith.constant dense<0.0> : vector<16x8xf32>
    %d = vector.contract {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %a, %b, %zero : vector<16x16xf16>, vector<8x16xf16> into vector<16x8xf32>
    %c0 = arith.constant 0 : index
    vector.transfer_write %d, %c[%c0, %c0] {in_bounds = [true, true]} : vector<16x8xf32>, memref<16x8xf32>
    gpu.terminator
  }
  return
}
