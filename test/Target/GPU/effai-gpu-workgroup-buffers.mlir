// effai-gpu-workgroup-buffers: a shared-memory stack allocation in a
// kernel (a staging buffer of effai-gpu-register-accumulators, carried in
// by outlining) becomes a workgroup attribution of the kernel, aligned to
// at least 16 bytes (128-bit shared-memory accesses).
// RUN: %effai_opt %s --pass-pipeline="builtin.module(gpu.module(effai-gpu-workgroup-buffers))" -split-input-file -verify-diagnostics | FileCheck %s
// RUN: %effai_opt %s --pass-pipeline="builtin.module(gpu.module(effai-gpu-workgroup-buffers,convert-gpu-to-nvvm))" -split-input-file -verify-diagnostics | FileCheck %s --check-prefix=NVVM

// CHECK-LABEL: gpu.func @staged
// CHECK-SAME:  workgroup(%[[A:.*]] : memref<16x8xf32, #gpu.address_space<workgroup>> {llvm.align = 16 : i64}, %[[B:.*]] : memref<64xf32, #gpu.address_space<workgroup>> {llvm.align = 64 : i64})
// CHECK-NOT:     memref.alloca
// CHECK:         memref.store %{{.*}}, %[[A]][%{{.*}}, %{{.*}}]
// CHECK:         gpu.barrier
// CHECK:         memref.load %[[A]]
// CHECK:         memref.store %{{.*}}, %[[B]]
// The NVVM conversion makes them aligned .shared arrays.
// NVVM: llvm.mlir.global internal @__wg_staged_0() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<128 x f32>
// NVVM: llvm.mlir.global internal @__wg_staged_1() {addr_space = 3 : i32, alignment = 64 : i64} : !llvm.array<64 x f32>
module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @staged(%a: memref<16x8xf32>, %b: memref<16x8xf32>) kernel {
      %c0 = arith.constant 0 : index
      %tx = gpu.thread_id x
      %buffer = memref.alloca() : memref<16x8xf32, #gpu.address_space<workgroup>>
      %wide = memref.alloca() {alignment = 64 : i64} : memref<64xf32, #gpu.address_space<workgroup>>
      %v = memref.load %a[%tx, %c0] : memref<16x8xf32>
      memref.store %v, %buffer[%tx, %c0] : memref<16x8xf32, #gpu.address_space<workgroup>>
      gpu.barrier
      %w = memref.load %buffer[%c0, %c0] : memref<16x8xf32, #gpu.address_space<workgroup>>
      memref.store %w, %wide[%tx] : memref<64xf32, #gpu.address_space<workgroup>>
      memref.store %w, %b[%tx, %c0] : memref<16x8xf32>
      gpu.return
    }
  }
}

// -----
// Private stack memory stays as it is.
// CHECK-LABEL: gpu.func @private
// CHECK-NOT:   workgroup(
// CHECK:       memref.alloca() : memref<4xf32>
module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @private(%a: memref<4xf32>) kernel {
      %scratch = memref.alloca() : memref<4xf32>
      memref.copy %a, %scratch : memref<4xf32> to memref<4xf32>
      gpu.return
    }
  }
}

// -----
// Shared memory outside a kernel has no block to belong to.
module attributes {gpu.container_module} {
  gpu.module @kernels {
    func.func @helper() {
      // expected-error @+1 {{effai-gpu-workgroup-buffers: shared memory is allocated with a static shape inside a gpu.func}}
      %buffer = memref.alloca() : memref<16xf32, #gpu.address_space<workgroup>>
      return
    }
  }
}
