// RUN: %effai_opt %s --effai-expand-strided-copies | FileCheck %s

// Contiguous copies stay memref.copy (a memcpy); copies touching a strided
// view become linalg.copy (loops), so artifacts never call memrefCopy.
// CHECK-LABEL: func.func @copies
// CHECK-SAME: (%[[A:.*]]: memref<4x4xf32>, %[[B:.*]]: memref<4x4xf32>, %[[C:.*]]: memref<2x2xf32>)
// CHECK: memref.copy %[[A]], %[[B]] : memref<4x4xf32> to memref<4x4xf32>
// CHECK: %[[VIEW:.*]] = memref.subview %[[A]]
// CHECK: linalg.copy ins(%[[VIEW]] : memref<2x2xf32, strided<[4, 1], offset: 5>>) outs(%[[C]] : memref<2x2xf32>)
// CHECK: linalg.copy ins(%[[C]] : memref<2x2xf32>) outs(%[[VIEW]] : memref<2x2xf32, strided<[4, 1], offset: 5>>)
// CHECK-NOT: memref.copy
func.func @copies(%a: memref<4x4xf32>, %b: memref<4x4xf32>, %c: memref<2x2xf32>) {
  memref.copy %a, %b : memref<4x4xf32> to memref<4x4xf32>
  %v = memref.subview %a[1, 1] [2, 2] [1, 1] : memref<4x4xf32> to memref<2x2xf32, strided<[4, 1], offset: 5>>
  memref.copy %v, %c : memref<2x2xf32, strided<[4, 1], offset: 5>> to memref<2x2xf32>
  memref.copy %c, %v : memref<2x2xf32> to memref<2x2xf32, strided<[4, 1], offset: 5>>
  return
}
