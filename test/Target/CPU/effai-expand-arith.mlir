// effai-expand-arith: integer ceil/floor divisions are expanded; float
// min/max stay whole (LLVM vectorizes reductions over llvm.maximum).
// RUN: %effai_opt %s --effai-expand-arith | FileCheck %s

// CHECK-LABEL: func.func @expand
// CHECK-NOT:   arith.ceildivsi
// CHECK-NOT:   arith.floordivsi
// CHECK:       arith.divsi
// CHECK:       arith.maximumf %{{.+}}, %{{.+}} : f32
// CHECK:       arith.minnumf %{{.+}}, %{{.+}} : vector<8xf32>
func.func @expand(%a: index, %b: index, %x: f32, %y: f32, %v: vector<8xf32>, %w: vector<8xf32>) -> (index, index, f32, vector<8xf32>) {
  %0 = arith.ceildivsi %a, %b : index
  %1 = arith.floordivsi %a, %b : index
  %2 = arith.maximumf %x, %y : f32
  %3 = arith.minnumf %v, %w : vector<8xf32>
  return %0, %1, %2, %3 : index, index, f32, vector<8xf32>
}
