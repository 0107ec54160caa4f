// effai-gpu-fuse-multiply-add: a multiply whose only use is an add, and
// the add, become contractable (other fast-math flags kept); a multiply
// with another use, or feeding something else, is left alone.
// RUN: %effai_opt %s --effai-gpu-fuse-multiply-add | FileCheck %s

// CHECK-LABEL: func.func @fused
// CHECK:       %[[P:.*]] = arith.mulf %arg0, %arg1 fastmath<contract> : f32
// CHECK:       arith.addf %arg2, %[[P]] fastmath<contract> : f32
// CHECK:       %[[Q:.*]] = arith.mulf %arg0, %arg2 fastmath<nnan,contract> : f32
// CHECK:       arith.addf %[[Q]], %arg1 fastmath<contract> : f32
func.func @fused(%a: f32, %b: f32, %c: f32) -> (f32, f32) {
  %p = arith.mulf %a, %b : f32
  %s = arith.addf %c, %p : f32
  %q = arith.mulf %a, %c fastmath<nnan> : f32
  %t = arith.addf %q, %b : f32
  return %s, %t : f32, f32
}

// CHECK-LABEL: func.func @left_alone
// CHECK:       arith.mulf %arg0, %arg1 : f32
// CHECK:       arith.addf %arg2, %{{.*}} : f32
// CHECK:       arith.mulf %arg0, %arg2 : f32
// CHECK:       arith.subf
func.func @left_alone(%a: f32, %b: f32, %c: f32) -> (f32, f32, f32) {
  %p = arith.mulf %a, %b : f32
  %s = arith.addf %c, %p : f32
  %q = arith.mulf %a, %c : f32
  %t = arith.subf %q, %b : f32
  return %s, %p, %t : f32, f32, f32
}
