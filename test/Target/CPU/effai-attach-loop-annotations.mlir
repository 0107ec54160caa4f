// effai-attach-loop-annotations: the annotation scf-to-cf forwards to a
// loop's back edge (a discardable attribute LLVM's translation ignores)
// becomes the branch's own loop metadata, and reaches LLVM IR.
// RUN: %effai_opt %s --convert-scf-to-cf --convert-to-llvm --reconcile-unrealized-casts --effai-attach-loop-annotations | FileCheck %s
// RUN: %effai_opt %s --convert-scf-to-cf --convert-to-llvm --reconcile-unrealized-casts --effai-attach-loop-annotations | mlir-translate --mlir-to-llvmir | FileCheck %s --check-prefix=LLVMIR

// CHECK: #[[ANN:.*]] = #llvm.loop_annotation<unroll = #{{.*}}>
// CHECK: llvm.br ^{{.*}} {loop_annotation = #[[ANN]]}
// CHECK-NOT: llvm.loop_annotation
// LLVMIR: br label %{{.*}}, !llvm.loop ![[LOOP:[0-9]+]]
// LLVMIR: ![[LOOP]] = distinct !{![[LOOP]], ![[UNROLL:[0-9]+]]}
// LLVMIR: ![[UNROLL]] = !{!"llvm.loop.unroll.disable"}
#rolled = #llvm.loop_annotation<unroll = #llvm.loop_unroll<disable = true>>
func.func @f(%m: memref<100xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c100 = arith.constant 100 : index
  %one = arith.constant 1.0 : f32
  scf.for %i = %c0 to %c100 step %c1 {
    memref.store %one, %m[%i] : memref<100xf32>
  } {llvm.loop_annotation = #rolled}
  return
}
