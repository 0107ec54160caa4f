// RUN: %effai_opt %s --split-input-file --effai-emit-entry-point --verify-diagnostics | FileCheck %s
// RUN: %effai_opt %s --split-input-file --effai-emit-entry-point=openmp --verify-diagnostics | FileCheck %s --check-prefix=OMP

// Metadata: names (percent-escaped), ONNX dtypes (from effai.dtype or the
// element type), ranks and dims; the workspace size; no threading.
// CHECK: llvm.mlir.global external constant @effai_metadata("effai-artifact 1\0Aversion {{[0-9.]+}}\0Athreading none\0Aworkspace 128\0Ainput x%20in uint8 2 1 4\0Ainput s float 0\0Aoutput output_0 int32 1 4\0A\00")
// The entry point loads one pointer per argument, builds each descriptor
// (offset 0, row-major strides) and calls the model.
// CHECK-LABEL: llvm.func @effai_entry(
// CHECK-SAME: %[[ARGV:.*]]: !llvm.ptr)
// CHECK: %[[SLOT3:.*]] = llvm.getelementptr %[[ARGV]][3] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[WSP:.*]] = llvm.load %[[SLOT3]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[SLOT0:.*]] = llvm.getelementptr %[[ARGV]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[P0:.*]] = llvm.load %[[SLOT0]] : !llvm.ptr -> !llvm.ptr
// CHECK: llvm.insertvalue %[[P0]], %{{.*}}[0] : !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>
// CHECK: %[[M0:.*]] = builtin.unrealized_conversion_cast %{{.*}} : !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)> to memref<1x4xi8>
// CHECK: builtin.unrealized_conversion_cast %{{.*}} : !llvm.struct<(ptr, ptr, i64)> to memref<f32>
// The planned buffer is the workspace pointer (the last slot) plus 64.
// CHECK: %[[C64:.*]] = llvm.mlir.constant(64 : i64) : i64
// CHECK: %[[TP:.*]] = llvm.getelementptr %[[WSP]][%[[C64]]] : (!llvm.ptr, i64) -> !llvm.ptr, i8
// CHECK: llvm.insertvalue %[[TP]], %{{.*}}[0] : !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>
// CHECK: %[[T:.*]] = builtin.unrealized_conversion_cast %{{.*}} to memref<16xf32>
// CHECK: llvm.insertvalue %[[WSP]], %{{.*}}[0]
// CHECK: %[[WS:.*]] = builtin.unrealized_conversion_cast %{{.*}} to memref<128xi8>
// CHECK: call @model(%[[M0]], %{{.*}}, %{{.*}}, %[[T]], %[[WS]]) : (memref<1x4xi8>, memref<f32>, memref<4xi32>, memref<16xf32>, memref<128xi8>) -> ()
// CHECK: llvm.return
// CHECK-LABEL: llvm.func @effai_set_num_threads(
// CHECK-NEXT: llvm.return
// OMP: threading openmp
// OMP: llvm.func @omp_set_num_threads(i32)
// OMP-LABEL: llvm.func @effai_set_num_threads(
// OMP-NEXT: llvm.call @omp_set_num_threads(%{{.*}}) : (i32) -> ()
func.func @model(%x: memref<1x4xi8> {effai.name = "x in", effai.dtype = "uint8"},
                 %s: memref<f32> {effai.name = "s"},
                 %y: memref<4xi32> {effai.output},
                 %t: memref<16xf32> {effai.workspace_offset = 64 : i64},
                 %ws: memref<128xi8> {effai.workspace}) {
  return
}

// -----

// expected-error @+1 {{effai-emit-entry-point: expected results as out-parameters and a workspace argument (run effai-plan-buffers first)}}
func.func @not_planned(%x: memref<4xf32>) -> memref<4xf32> {
  return %x : memref<4xf32>
}

// -----

// expected-error @+1 {{effai-emit-entry-point: argument #0 must be a memref with a static shape and identity layout (run effai-plan-buffers first), got 'memref<?xf32>'}}
func.func @dynamic(%x: memref<?xf32>, %ws: memref<0xi8> {effai.workspace}) {
  return
}

// -----

// expected-error @+1 {{effai-emit-entry-point: input argument #1 follows an output; inputs must come first}}
func.func @order(%y: memref<4xf32> {effai.output}, %x: memref<4xf32>, %ws: memref<0xi8> {effai.workspace}) {
  return
}

// -----

// expected-error @+1 {{effai-emit-entry-point: expected exactly one public function to export, found 2}}
module {
  func.func @a(%ws: memref<0xi8> {effai.workspace}) {
    return
  }
  func.func @b(%ws: memref<0xi8> {effai.workspace}) {
    return
  }
}

// -----

// expected-error @+1 {{effai-emit-entry-point: argument #0 has element type 'index', which the runtime cannot represent}}
func.func @index_arg(%x: memref<4xindex>, %ws: memref<0xi8> {effai.workspace}) {
  return
}

// -----

// A GPU model: the runtime's slots come after the workspace (device
// constants, then the launcher, passed as it is); the function's artifact
// records end the metadata.
// CHECK: llvm.mlir.global external constant @effai_metadata("effai-artifact 1\0Aversion {{[0-9.]+}}\0Athreading none\0Aworkspace 64\0Ainput input_0 float 1 4\0Aoutput output_0 float 1 4\0Adevice cuda\0Akernel k\0A\00")
// CHECK-LABEL: llvm.func @effai_entry(
// CHECK-SAME: %[[ARGV:.*]]: !llvm.ptr)
// CHECK: %[[SLOT2:.*]] = llvm.getelementptr %[[ARGV]][2] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[WSP:.*]] = llvm.load %[[SLOT2]]
// CHECK: %[[SLOT3:.*]] = llvm.getelementptr %[[ARGV]][3] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: llvm.load %[[SLOT3]]
// CHECK: %[[SLOT4:.*]] = llvm.getelementptr %[[ARGV]][4] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[LAUNCHER:.*]] = llvm.load %[[SLOT4]]
// CHECK: call @gpu_model(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[LAUNCHER]]) : (memref<4xf32>, memref<4xf32>, memref<64xi8>, memref<512xi8>, !llvm.ptr) -> ()
func.func @gpu_model(%x: memref<4xf32>, %y: memref<4xf32> {effai.output},
                     %ws: memref<64xi8> {effai.workspace},
                     %constants: memref<512xi8> {effai.entry_slot = "gpu_constants"},
                     %launcher: !llvm.ptr {effai.entry_slot = "gpu_launcher"})
    attributes {effai.artifact_records = ["device cuda", "kernel k"]} {
  return
}

// -----

// expected-error @+1 {{effai-emit-entry-point: the workspace must be the last argument (but for effai.entry_slot ones)}}
func.func @late_input(%ws: memref<64xi8> {effai.workspace}, %x: memref<4xf32>) {
  return
}
