// effai-gpu-merge-kernel-modules: every kernel in the first gpu.module,
// renamed after the module it came from, launches pointed at the new
// symbols; modules for different targets stay apart.
// RUN: %effai_opt %s --effai-gpu-merge-kernel-modules -split-input-file -verify-diagnostics | FileCheck %s

// CHECK: gpu.module @f_kernel {
// CHECK:   gpu.func @f_kernel() kernel
// CHECK:   gpu.func @f_kernel_0() kernel
// CHECK: }
// CHECK-NOT: gpu.module
// CHECK: gpu.launch_func @f_kernel::@f_kernel blocks
// CHECK: gpu.launch_func @f_kernel::@f_kernel_0 blocks
module attributes {gpu.container_module} {
  gpu.module @f_kernel {
    gpu.func @f_kernel() kernel { gpu.return }
  }
  gpu.module @f_kernel_0 {
    gpu.func @f_kernel() kernel { gpu.return }
  }
  func.func @f() {
    %c1 = arith.constant 1 : index
    gpu.launch_func @f_kernel::@f_kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1)
    gpu.launch_func @f_kernel_0::@f_kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1)
    return
  }
}

// -----
module attributes {gpu.container_module} {
  // expected-error @+1 {{effai-gpu-merge-kernel-modules: kernel modules for different targets cannot be merged}}
  gpu.module @a [#nvvm.target<chip = "sm_80">] {
    gpu.func @a() kernel { gpu.return }
  }
  gpu.module @b [#nvvm.target<chip = "sm_90">] {
    gpu.func @b() kernel { gpu.return }
  }
}
