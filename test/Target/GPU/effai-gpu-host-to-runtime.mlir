// effai-gpu-host-to-runtime: the host side of a GPU model calls the runtime's
// launcher; constants move to one device buffer; the image and the metadata
// records are the artifact's. Host code that would touch device memory is
// an error.
// RUN: %effai_opt %s --effai-gpu-host-to-runtime -split-input-file -verify-diagnostics | FileCheck %s

// CHECK-LABEL: func.func @model(
// CHECK-SAME: %[[X:[^:]*]]: memref<2x2xf32>
// CHECK-SAME: %[[WS:[^:]*]]: memref<64xi8> {effai.workspace}
// CHECK-SAME: %[[CONSTANTS:[^:]*]]: memref<320xi8> {effai.entry_slot = "gpu_constants"}
// CHECK-SAME: %[[LAUNCHER:[^:]*]]: !llvm.ptr {effai.entry_slot = "gpu_launcher"}
// CHECK-SAME: effai.artifact_records = ["device cuda", "chip sm_90", "image ptx 35", "constants 320", "kernel scale", "kernel other"]
// The constant-shape reshape is a view (its shape is host data).
// CHECK: %[[FLAT:.*]] = memref.reinterpret_cast %[[X]] to offset: [0], sizes: [4], strides: [1]
// Constants at 256-byte aligned offsets of the device buffer.
// CHECK: %[[W:.*]] = memref.view %[[CONSTANTS]][%c0{{.*}}][] : memref<320xi8> to memref<4xf32>
// CHECK: %[[FLAGS:.*]] = memref.view %[[CONSTANTS]][%c256{{.*}}][] : memref<320xi8> to memref<3xi1>
// A launch: each argument in a slot (memrefs as aligned pointers, the
// index as i64, the float as is), the slots in an array, the call.
// CHECK: memref.extract_aligned_pointer_as_index %[[FLAT]]
// CHECK: memref.extract_aligned_pointer_as_index %[[W]]
// CHECK: llvm.store %{{.*}}, %{{.*}} : f32, !llvm.ptr
// CHECK: llvm.store %{{.*}}, %{{.*}} : i64, !llvm.ptr
// CHECK: llvm.call @__effai_gpu_launch(%[[LAUNCHER]], %{{.*}}) : (!llvm.ptr, i32, i64, i64, i64, i64, i64, i64, i32, !llvm.ptr) -> ()
// CHECK: llvm.call @__effai_gpu_launch(%[[LAUNCHER]],
// CHECK: llvm.call @__effai_gpu_launch(%[[LAUNCHER]],
// A contiguous copy is a device-to-device copy of its bytes.
// CHECK: %[[BYTES:.*]] = llvm.mlir.constant(16 : i64) : i64
// CHECK: llvm.call @__effai_gpu_copy(%[[LAUNCHER]], %{{.*}}, %{{.*}}, %[[BYTES]])
// CHECK-NOT: gpu.launch_func
// CHECK-NOT: memref.get_global
// The trampolines load the context and the function pointer.
// CHECK: llvm.func internal @__effai_gpu_launch(
// CHECK: llvm.getelementptr %{{.*}}[0, 1] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr, ptr, ptr)>
// CHECK: llvm.func internal @__effai_gpu_copy(
// CHECK: llvm.getelementptr %{{.*}}[0, 2] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr, ptr, ptr)>
// The image (NUL-terminated PTX) and the constants (1.0 .. 4.0, then the
// i1 flags one byte each at offset 256).
// CHECK: llvm.mlir.global external constant @effai_gpu_image("// PTX\0A.version 8.0\0A.target sm_90\0A\00")
// CHECK: llvm.mlir.global external constant @effai_gpu_constants("\00\00\80?\00\00\00@\00\00@@\00\00\80@
// CHECK-SAME: \01\00\01
// CHECK-NOT: gpu.binary
module attributes {gpu.container_module} {
  memref.global "private" constant @w : memref<4xf32> = dense<[1.0, 2.0, 3.0, 4.0]>
  memref.global "private" constant @flags : memref<3xi1> = dense<[true, false, true]>
  memref.global "private" constant @shape : memref<1xindex> = dense<4>
  gpu.binary @kernels [#gpu.object<#nvvm.target<chip = "sm_90">, assembly = "// PTX\n.version 8.0\n.target sm_90\n">]
  func.func @model(%x: memref<2x2xf32>, %y: memref<4xf32> {effai.output}, %t: memref<4xf32> {effai.workspace_offset = 0 : i64}, %ws: memref<64xi8> {effai.workspace}) {
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %s = memref.get_global @shape : memref<1xindex>
    %flat = memref.reshape %x(%s) : (memref<2x2xf32>, memref<1xindex>) -> memref<4xf32>
    %w = memref.get_global @w : memref<4xf32>
    %f = memref.get_global @flags : memref<3xi1>
    %scale = arith.constant 2.0 : f32
    gpu.launch_func @kernels::@scale blocks in (%c1, %c1, %c1) threads in (%c4, %c1, %c1) args(%flat : memref<4xf32>, %w : memref<4xf32>, %f : memref<3xi1>, %scale : f32, %c4 : index, %t : memref<4xf32>)
    gpu.launch_func @kernels::@scale blocks in (%c4, %c1, %c1) threads in (%c1, %c1, %c1) args(%t : memref<4xf32>, %w : memref<4xf32>, %f : memref<3xi1>, %scale : f32, %c4 : index, %y : memref<4xf32>)
    gpu.launch_func @kernels::@other blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%y : memref<4xf32>)
    memref.copy %w, %t : memref<4xf32> to memref<4xf32>
    return
  }
}

// -----

// expected-error @+1 {{effai-gpu-host-to-runtime: expected one public function and one gpu.binary holding one object}}
module {
  func.func @model(%ws: memref<64xi8> {effai.workspace}) {
    return
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.binary @kernels [#gpu.object<#nvvm.target<chip = "sm_90">, assembly = "ptx">]
  // expected-error @+1 {{effai-gpu-host-to-runtime: expected the workspace as the last argument (run effai-plan-buffers first)}}
  func.func @model(%x: memref<4xf32>) {
    return
  }
}

// -----

module attributes {gpu.container_module} {
  // expected-error @+1 {{effai-gpu-host-to-runtime: the kernels must be PTX (format=isa) or a cubin (format=bin)}}
  gpu.binary @kernels [#gpu.object<#nvvm.target<chip = "sm_90">, offload = "llvm bitcode">]
  func.func @model(%ws: memref<64xi8> {effai.workspace}) {
    return
  }
}

// -----

module attributes {gpu.container_module} {
  memref.global "private" @state : memref<4xf32> = dense<0.0>
  gpu.binary @kernels [#gpu.object<#nvvm.target<chip = "sm_90">, assembly = "ptx">]
  func.func @model(%ws: memref<64xi8> {effai.workspace}) {
    %c1 = arith.constant 1 : index
    // expected-error @+1 {{effai-gpu-host-to-runtime: kernels read the global 'state', which is not an identity-layout constant; only constants can live on the device}}
    %s = memref.get_global @state : memref<4xf32>
    gpu.launch_func @kernels::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%s : memref<4xf32>)
    return
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.binary @kernels [#gpu.object<#nvvm.target<chip = "sm_90">, assembly = "ptx">]
  func.func @model(%x: memref<4xf32>, %ws: memref<64xi8> {effai.workspace}) {
    %c0 = arith.constant 0 : index
    // expected-error @+1 {{effai-gpu-host-to-runtime: host code would access a device buffer; only kernels may}}
    %v = memref.load %x[%c0] : memref<4xf32>
    return
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.binary @kernels [#gpu.object<#nvvm.target<chip = "sm_90">, assembly = "ptx">]
  func.func @model(%n: index, %ws: memref<64xi8> {effai.workspace}) {
    %c1 = arith.constant 1 : index
    // expected-error @+1 {{effai-gpu-host-to-runtime: a host allocation the buffer planner could not place (dynamic size or layout?) would hand the device a host pointer}}
    %b = memref.alloc(%n) : memref<?xf32>
    gpu.launch_func @kernels::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%b : memref<?xf32>)
    return
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.binary @kernels [#gpu.object<#nvvm.target<chip = "sm_90">, assembly = "ptx">]
  func.func @model(%v: vector<4xf32>, %ws: memref<64xi8> {effai.workspace}) {
    %c1 = arith.constant 1 : index
    // expected-error @+1 {{effai-gpu-host-to-runtime: kernel argument #0 has type 'vector<4xf32>'; only memrefs, integers, indices and floats cross to the device}}
    gpu.launch_func @kernels::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%v : vector<4xf32>)
    return
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.binary @kernels [#gpu.object<#nvvm.target<chip = "sm_90">, assembly = "ptx">]
  func.func @model(%x: memref<4x4xf32>, %y: memref<2x2xf32>, %ws: memref<64xi8> {effai.workspace}) {
    %s = memref.subview %x[0, 0] [2, 2] [1, 1] : memref<4x4xf32> to memref<2x2xf32, strided<[4, 1]>>
    // expected-error @+1 {{effai-gpu-host-to-runtime: a copy between non-contiguous buffers needs a kernel}}
    memref.copy %s, %y : memref<2x2xf32, strided<[4, 1]>> to memref<2x2xf32>
    return
  }
}

// -----

// A constant the host reads (a sparse kernel's row offsets, directly or
// through a view) stays a host global; one both read by the host and
// passed to a kernel lives in both places.
// CHECK-LABEL: func.func @host_reads
// CHECK-SAME: effai.artifact_records = ["device cuda", "chip sm_90", "image ptx 4", "constants 64", "kernel k"]
// CHECK-DAG: %[[ROWS:.*]] = memref.get_global @rows : memref<3xi32>
// CHECK-DAG: %[[BOTH:.*]] = memref.get_global @both : memref<4xi32>
// CHECK-DAG: %[[DEVICE:.*]] = memref.view %{{.*}}[%c0{{.*}}][] : memref<64xi8> to memref<4xi32>
// CHECK-DAG: memref.load %[[ROWS]]
// CHECK-DAG: %[[PART:.*]] = memref.subview %[[BOTH]]
// CHECK-DAG: memref.load %[[PART]]
// CHECK-DAG: memref.extract_aligned_pointer_as_index %[[DEVICE]]
// CHECK: llvm.mlir.global external constant @effai_gpu_constants("\01\00\00\00\02\00\00\00\03\00\00\00\04\00\00\00
module attributes {gpu.container_module} {
  memref.global "private" constant @rows : memref<3xi32> = dense<[0, 2, 4]>
  memref.global "private" constant @both : memref<4xi32> = dense<[1, 2, 3, 4]>
  gpu.binary @kernels [#gpu.object<#nvvm.target<chip = "sm_90">, assembly = "ptx">]
  func.func @host_reads(%ws: memref<64xi8> {effai.workspace}) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %rows = memref.get_global @rows : memref<3xi32>
    %first = memref.load %rows[%c0] : memref<3xi32>
    %both = memref.get_global @both : memref<4xi32>
    %part = memref.subview %both[1] [2] [1] : memref<4xi32> to memref<2xi32, strided<[1], offset: 1>>
    %v = memref.load %part[%c1] : memref<2xi32, strided<[1], offset: 1>>
    gpu.launch_func @kernels::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%both : memref<4xi32>, %first : i32, %v : i32)
    return
  }
}

// -----

// One view of a constant that both a host load and a kernel use (what cse
// makes of two identical views): the host's load reads a chain of its own
// from a fresh get_global; the kernel's view reads the device copy.
// CHECK-LABEL: func.func @mixed_view
// CHECK-DAG: %[[HOST:.*]] = memref.get_global @rows : memref<4xi32>
// CHECK-DAG: %[[HOSTVIEW:.*]] = memref.subview %[[HOST]][1] [2] [1]
// CHECK-DAG: memref.load %[[HOSTVIEW]]
// CHECK-DAG: %[[DEVICE:.*]] = memref.view %{{.*}}[%c0{{.*}}][] : memref<64xi8> to memref<4xi32>
// CHECK-DAG: %[[DEVICEVIEW:.*]] = memref.subview %[[DEVICE]][1] [2] [1]
// CHECK-DAG: memref.extract_aligned_pointer_as_index %[[DEVICEVIEW]]
module attributes {gpu.container_module} {
  memref.global "private" constant @rows : memref<4xi32> = dense<[0, 2, 4, 6]>
  gpu.binary @kernels [#gpu.object<#nvvm.target<chip = "sm_90">, assembly = "ptx">]
  func.func @mixed_view(%ws: memref<64xi8> {effai.workspace}) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %rows = memref.get_global @rows : memref<4xi32>
    %part = memref.subview %rows[1] [2] [1] : memref<4xi32> to memref<2xi32, strided<[1], offset: 1>>
    %first = memref.load %part[%c0] : memref<2xi32, strided<[1], offset: 1>>
    gpu.launch_func @kernels::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%part : memref<2xi32, strided<[1], offset: 1>>, %first : i32)
    return
  }
}
