// effai-gpu-copies-to-launches: a host copy into part of a buffer becomes a
// kernel with one thread per element; contiguous copies and copies inside
// kernels stay; a dynamic shape is an error.
// RUN: %effai_opt %s --effai-gpu-copies-to-launches -split-input-file -verify-diagnostics | FileCheck %s

// 64 elements: one block of 64 threads; the id is delinearized over the
// copy's shape, guarded, loaded from the source and stored into the view.
// CHECK-LABEL: func.func @pad_interior
// CHECK-SAME: (%[[X:.*]]: memref<1x1x8x8xf32>, %[[P:.*]]: memref<1x1x10x10xf32>)
// CHECK: %[[VIEW:.*]] = memref.subview %[[P]]
// CHECK: %[[C64:.*]] = arith.constant 64 : index
// CHECK: gpu.launch blocks(%[[BX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %c1{{.*}}, %{{.*}} = %c1{{.*}}, %{{.*}} = %c1{{.*}}) threads(%[[TX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[C64]], %{{.*}} = %c1{{.*}}, %{{.*}} = %c1{{.*}})
// CHECK: %[[SCALED:.*]] = arith.muli %[[BX]], %[[C64]]
// CHECK: %[[ID:.*]] = arith.addi %[[SCALED]], %[[TX]]
// CHECK: %[[IN:.*]] = arith.cmpi ult, %[[ID]], %{{.*}}
// CHECK: scf.if %[[IN]]
// CHECK: %[[I:.*]]:4 = affine.delinearize_index %[[ID]] into (1, 1, 8, 8)
// CHECK: %[[V:.*]] = memref.load %[[X]][%[[I]]#0, %[[I]]#1, %[[I]]#2, %[[I]]#3]
// CHECK: memref.store %[[V]], %[[VIEW]][%[[I]]#0, %[[I]]#1, %[[I]]#2, %[[I]]#3]
// CHECK: gpu.terminator
// CHECK-NOT: memref.copy
func.func @pad_interior(%x: memref<1x1x8x8xf32>, %p: memref<1x1x10x10xf32>) {
  %view = memref.subview %p[0, 0, 1, 1] [1, 1, 8, 8] [1, 1, 1, 1] : memref<1x1x10x10xf32> to memref<1x1x8x8xf32, strided<[100, 100, 10, 1], offset: 11>>
  memref.copy %x, %view : memref<1x1x8x8xf32> to memref<1x1x8x8xf32, strided<[100, 100, 10, 1], offset: 11>>
  return
}

// -----

// 1000 elements: 4 blocks of 256 threads, the last one partly idle.
// CHECK-LABEL: func.func @concat_inner
// CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG: %[[C256:.*]] = arith.constant 256 : index
// CHECK: gpu.launch blocks({{.*}}) in (%{{.*}} = %[[C4]], {{.*}}) threads({{.*}}) in (%{{.*}} = %[[C256]],
// CHECK: %[[C1000:.*]] = arith.constant 1000 : index
// CHECK: arith.cmpi ult, %{{.*}}, %[[C1000]]
// CHECK: affine.delinearize_index %{{.*}} into (10, 100)
func.func @concat_inner(%x: memref<10x100xi8>, %y: memref<10x200xi8>) {
  %view = memref.subview %y[0, 100] [10, 100] [1, 1] : memref<10x200xi8> to memref<10x100xi8, strided<[200, 1], offset: 100>>
  memref.copy %x, %view : memref<10x100xi8> to memref<10x100xi8, strided<[200, 1], offset: 100>>
  return
}

// -----

// Contiguous on both sides: the runtime copies the bytes; in a kernel:
// the kernel's own business.
// CHECK-LABEL: func.func @contiguous
// CHECK-NOT: gpu.launch blocks
// CHECK: memref.copy %{{.*}}, %{{.*}} : memref<4x4xf32> to memref<4x4xf32>
// CHECK: gpu.launch
// CHECK: memref.copy
func.func @contiguous(%x: memref<4x4xf32>, %y: memref<4x4xf32>, %s: memref<2x2xf32, strided<[4, 1]>>, %t: memref<2x2xf32>) {
  memref.copy %x, %y : memref<4x4xf32> to memref<4x4xf32>
  %c1 = arith.constant 1 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    memref.copy %s, %t : memref<2x2xf32, strided<[4, 1]>> to memref<2x2xf32>
    gpu.terminator
  }
  return
}

// -----

func.func @dynamic(%x: memref<?xf32>, %y: memref<?xf32, strided<[2]>>) {
  // expected-error @+1 {{effai-gpu-copies-to-launches: a copy with a dynamic shape cannot become a kernel}}
  memref.copy %x, %y : memref<?xf32> to memref<?xf32, strided<[2]>>
  return
}

// -----

// A contiguous view at a dynamic offset is no single memcpy of a known
// place: a kernel copies it.
// CHECK-LABEL: func.func @dynamic_offset
// CHECK: gpu.launch
// CHECK-NOT: memref.copy
func.func @dynamic_offset(%x: memref<4xf32>, %y: memref<16xf32>, %i: index) {
  %part = memref.subview %y[%i] [4] [1] : memref<16xf32> to memref<4xf32, strided<[1], offset: ?>>
  memref.copy %x, %part : memref<4xf32> to memref<4xf32, strided<[1], offset: ?>>
  return
}
