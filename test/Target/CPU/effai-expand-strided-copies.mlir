// RUN: %effai_opt %s --effai-expand-strided-copies | FileCheck %s

// Contiguous copies stay memref.copy (a memcpy); copies touching a strided
// view become sequential loops, so artifacts never call memrefCopy (and a
// parallel build forks no thread region for them).
// CHECK-LABEL: func.func @copies
// CHECK-SAME: (%[[A:.*]]: memref<4x4xf32>, %[[B:.*]]: memref<4x4xf32>, %[[C:.*]]: memref<2x2xf32>)
// CHECK: memref.copy %[[A]], %[[B]] : memref<4x4xf32> to memref<4x4xf32>
// CHECK: %[[VIEW:.*]] = memref.subview %[[A]]
// CHECK: scf.for
// CHECK: scf.for
// CHECK: %[[X:.*]] = memref.load %[[VIEW]]
// CHECK: memref.store %[[X]], %[[C]]
// CHECK: scf.for
// CHECK: scf.for
// CHECK: %[[Y:.*]] = memref.load %[[C]]
// CHECK: memref.store %[[Y]], %[[VIEW]]
// CHECK-NOT: memref.copy
// CHECK-NOT: linalg.copy
// CHECK-NOT: scf.parallel
func.func @copies(%a: memref<4x4xf32>, %b: memref<4x4xf32>, %c: memref<2x2xf32>) {
  memref.copy %a, %b : memref<4x4xf32> to memref<4x4xf32>
  %v = memref.subview %a[1, 1] [2, 2] [1, 1] : memref<4x4xf32> to memref<2x2xf32, strided<[4, 1], offset: 5>>
  memref.copy %v, %c : memref<2x2xf32, strided<[4, 1], offset: 5>> to memref<2x2xf32>
  memref.copy %c, %v : memref<2x2xf32> to memref<2x2xf32, strided<[4, 1], offset: 5>>
  return
}
