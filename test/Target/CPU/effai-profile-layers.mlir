// effai-profile-layers: consecutive ops of one layer (location name) share
// a pair of cycle-counter reads; allocations and views are not timed and
// do not split a layer; a layer seen twice accumulates into one slot.
// RUN: %effai_opt %s --effai-profile-layers | FileCheck %s

// CHECK-LABEL: func.func @model
// CHECK-SAME: effai.profile_layers = ["conv", "relu"]
// CHECK: %[[T0:.*]] = llvm.call_intrinsic "llvm.readcyclecounter"() : () -> i64
// CHECK: linalg.fill
// CHECK: memref.alloc
// CHECK: linalg.copy
// CHECK: %[[T1:.*]] = llvm.call_intrinsic "llvm.readcyclecounter"() : () -> i64
// CHECK: %[[D:.*]] = llvm.sub %[[T1]], %[[T0]] : i64
// CHECK: %[[SLOT:.*]] = llvm.getelementptr %{{.*}}[0, 0] : (!llvm.ptr) -> !llvm.ptr, !llvm.array<2 x i64>
// CHECK: llvm.store {{.*}}, %[[SLOT]]
// CHECK: llvm.call_intrinsic "llvm.readcyclecounter"
// CHECK: linalg.generic
// CHECK: llvm.getelementptr %{{.*}}[0, 1]
// CHECK: linalg.fill
// CHECK: llvm.getelementptr %{{.*}}[0, 0]
// CHECK: llvm.mlir.global external @effai_profile_cycles(#llvm.zero) {{.*}} : !llvm.array<2 x i64>
func.func @model(%a: memref<8xf32>, %b: memref<8xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%a : memref<8xf32>) loc(#conv)
  %t = memref.alloc() : memref<8xf32> loc(#conv)
  linalg.copy ins(%a : memref<8xf32>) outs(%t : memref<8xf32>) loc(#conv)
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>],
                  iterator_types = ["parallel"]}
      ins(%t : memref<8xf32>) outs(%b : memref<8xf32>) {
  ^bb0(%x: f32, %y: f32):
    %r = arith.maxnumf %x, %zero : f32
    linalg.yield %r : f32
  } loc(#relu)
  linalg.fill ins(%zero : f32) outs(%a : memref<8xf32>) loc(#conv)
  memref.dealloc %t : memref<8xf32>
  return
}
#conv = loc("conv"("model.onnx":0:0))
#relu = loc("relu"("model.onnx":0:0))
