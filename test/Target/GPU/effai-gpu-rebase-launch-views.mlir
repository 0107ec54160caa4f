// effai-gpu-rebase-launch-views: a view with a dynamic offset that a launch
// captures crosses as its base buffer and indices, rebuilt inside; static
// views and values defined inside the launch stay.
// RUN: %effai_opt %s --effai-gpu-rebase-launch-views | FileCheck %s

// CHECK-LABEL: func.func @row_of_host_loop
// CHECK-SAME: (%[[B:.*]]: memref<64x360xf32>, %[[C:.*]]: memref<4x4xf32>, %[[I:.*]]: index)
// CHECK: %[[ROW:.*]] = memref.subview %[[B]][%[[I]], 0] [1, 360] [1, 1]
// CHECK: %[[BASE:.*]], %[[OFFSET:.*]], %{{.*}}, %{{.*}} = memref.extract_strided_metadata %[[ROW]]
// CHECK-NOT: extract_strided_metadata
// CHECK: gpu.launch
// CHECK: %[[VIEW:.*]] = memref.reinterpret_cast %[[BASE]] to offset: [%[[OFFSET]]], sizes: [360], strides: [1] : memref<f32> to memref<360xf32, strided<[1], offset: ?>>
// CHECK: memref.load %[[VIEW]]
// CHECK: memref.store %{{.*}}, %[[C]]
func.func @row_of_host_loop(%b: memref<64x360xf32>, %c: memref<4x4xf32>, %i: index) {
  %one = arith.constant 1 : index
  %row = memref.subview %b[%i, 0] [1, 360] [1, 1] : memref<64x360xf32> to memref<360xf32, strided<[1], offset: ?>>
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %one, %gy = %one, %gz = %one) threads(%tx, %ty, %tz) in (%sx = %one, %sy = %one, %sz = %one) {
    %v = memref.load %row[%tx] : memref<360xf32, strided<[1], offset: ?>>
    memref.store %v, %c[%tx, %tx] : memref<4x4xf32>
    gpu.terminator
  }
  return
}

// A dynamic size crosses as an index too; the static offset stays static.
// CHECK-LABEL: func.func @dynamic_size
// CHECK: %[[BASE:.*]], %{{.*}}, %[[SIZE:.*]], %{{.*}} = memref.extract_strided_metadata
// CHECK: gpu.launch
// CHECK: memref.reinterpret_cast %[[BASE]] to offset: [4], sizes: [%[[SIZE]]], strides: [1]
func.func @dynamic_size(%b: memref<64xf32>, %n: index) {
  %one = arith.constant 1 : index
  %part = memref.subview %b[4] [%n] [1] : memref<64xf32> to memref<?xf32, strided<[1], offset: 4>>
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %one, %gy = %one, %gz = %one) threads(%tx, %ty, %tz) in (%sx = %one, %sy = %one, %sz = %one) {
    %zero = arith.constant 0.0 : f32
    memref.store %zero, %part[%tx] : memref<?xf32, strided<[1], offset: 4>>
    gpu.terminator
  }
  return
}
