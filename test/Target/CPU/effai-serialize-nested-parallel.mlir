// RUN: %effai_opt %s --effai-serialize-nested-parallel | FileCheck %s

// The outer band keeps its threads; the band under the reduction loop
// becomes a sequential nest with the same bounds and steps.
// CHECK-LABEL: func.func @conv_like
// CHECK: scf.parallel (%[[I:.*]]) = (%c0) to (%c8) step (%c1) {
// CHECK-NEXT: scf.for %[[K:.*]] = %c0 to %c4 step %c1 {
// CHECK-NEXT: scf.for %[[J0:.*]] = %c0 to %c16 step %c1 {
// CHECK-NEXT: scf.for %[[J1:.*]] = %c1 to %c4 step %c2 {
// CHECK-NEXT: memref.load %{{.*}}[%[[I]], %[[K]], %[[J0]], %[[J1]]]
// CHECK-NOT: scf.parallel
func.func @conv_like(%m: memref<8x4x16x4xf32>, %o: memref<8x16x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    scf.for %k = %c0 to %c4 step %c1 {
      scf.parallel (%j0, %j1) = (%c0, %c1) to (%c16, %c4) step (%c1, %c2) {
        %v = memref.load %m[%i, %k, %j0, %j1] : memref<8x4x16x4xf32>
        memref.store %v, %o[%i, %j0, %j1] : memref<8x16x4xf32>
        scf.reduce
      }
    }
    scf.reduce
  }
  return
}

// Top-level parallel loops and loops with reductions are left alone.
// CHECK-LABEL: func.func @untouched
// CHECK: scf.parallel
// CHECK: scf.parallel {{.*}} init
func.func @untouched(%m: memref<8xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  %r = arith.constant 0.0 : f32
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %s = scf.parallel (%j) = (%c0) to (%c8) step (%c1) init (%zero) -> f32 {
      %v = memref.load %m[%j] : memref<8xf32>
      scf.reduce(%v : f32) {
      ^bb0(%a: f32, %b: f32):
        %sum = arith.addf %a, %b : f32
        scf.reduce.return %sum : f32
      }
    }
    memref.store %s, %m[%i] : memref<8xf32>
    scf.reduce
  }
  return %r : f32
}
