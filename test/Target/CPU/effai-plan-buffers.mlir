// RUN: %effai_opt %s --split-input-file --effai-plan-buffers --verify-diagnostics | FileCheck %s

// Results become out-parameters; a fresh allocation returned is computed in
// place. Temporaries become arguments at their workspace offsets; these two
// are live at the same time: disjoint bytes. The model is kept out of line.
// CHECK-LABEL: func.func @two_live
// CHECK-SAME: (%[[X:[^:]*]]: memref<4xf32> {effai.name = "x"}, %[[Y:[^:]*]]: memref<4xf32> {effai.name = "y", effai.output}, %[[A:[^:]*]]: memref<4xf32> {effai.workspace_offset = 0 : i64}, %[[B:[^:]*]]: memref<4xf32> {effai.workspace_offset = 64 : i64}, %{{[^:]*}}: memref<128xi8> {effai.workspace}) attributes {passthrough = ["noinline"]}
// CHECK-NOT: memref.alloc
// CHECK: linalg.exp ins(%[[X]] : memref<4xf32>) outs(%[[A]] : memref<4xf32>)
// CHECK: linalg.add ins(%[[A]], %[[B]] : {{.*}}) outs(%[[Y]] : memref<4xf32>)
// CHECK: return{{$}}
func.func @two_live(%x: memref<4xf32> {effai.name = "x"}) -> (memref<4xf32> {effai.name = "y"}) {
  %a = memref.alloc() : memref<4xf32>
  linalg.exp ins(%x : memref<4xf32>) outs(%a : memref<4xf32>)
  %b = memref.alloc() : memref<4xf32>
  linalg.exp ins(%a : memref<4xf32>) outs(%b : memref<4xf32>)
  %y = memref.alloc() : memref<4xf32>
  linalg.add ins(%a, %b : memref<4xf32>, memref<4xf32>) outs(%y : memref<4xf32>)
  return %y : memref<4xf32>
}

// -----

// A chain of temporaries: %a is dead once %b is computed, so %c reuses its
// bytes; the alias through collapse_shape keeps %a alive until its use.
// CHECK-LABEL: func.func @reuse
// CHECK-SAME: memref<2x2xi32> {effai.workspace_offset = 0 : i64}, %{{[^:]*}}: memref<4xi32> {effai.workspace_offset = 64 : i64}, %{{[^:]*}}: memref<4xi32> {effai.workspace_offset = 0 : i64}, %{{[^:]*}}: memref<128xi8> {effai.workspace}
func.func @reuse(%x: memref<2x2xi32>) -> memref<4xi32> {
  %a = memref.alloc() : memref<2x2xi32>
  linalg.copy ins(%x : memref<2x2xi32>) outs(%a : memref<2x2xi32>)
  %r = memref.collapse_shape %a [[0, 1]] : memref<2x2xi32> into memref<4xi32>
  %b = memref.alloc() : memref<4xi32>
  linalg.copy ins(%r : memref<4xi32>) outs(%b : memref<4xi32>)
  %c = memref.alloc() : memref<4xi32>
  linalg.copy ins(%b : memref<4xi32>) outs(%c : memref<4xi32>)
  %y = memref.alloc() : memref<4xi32>
  linalg.add ins(%c, %c : memref<4xi32>, memref<4xi32>) outs(%y : memref<4xi32>)
  return %y : memref<4xi32>
}

// -----

// Overlapping live ranges through an alias: %a is read after %b is
// written, via the collapse_shape, so they must not share bytes.
// CHECK-LABEL: func.func @alias_extends_life
// CHECK-SAME: memref<2x2xi32> {effai.workspace_offset = 0 : i64}, %{{[^:]*}}: memref<4xi32> {effai.workspace_offset = 64 : i64}, %{{[^:]*}}: memref<128xi8> {effai.workspace}
func.func @alias_extends_life(%x: memref<2x2xi32>) -> memref<4xi32> {
  %a = memref.alloc() : memref<2x2xi32>
  linalg.copy ins(%x : memref<2x2xi32>) outs(%a : memref<2x2xi32>)
  %r = memref.collapse_shape %a [[0, 1]] : memref<2x2xi32> into memref<4xi32>
  %b = memref.alloc() : memref<4xi32>
  linalg.copy ins(%r : memref<4xi32>) outs(%b : memref<4xi32>)
  %y = memref.alloc() : memref<4xi32>
  linalg.add ins(%b, %r : memref<4xi32>, memref<4xi32>) outs(%y : memref<4xi32>)
  return %y : memref<4xi32>
}

// -----

// A result that is not a fresh allocation (an argument, returned twice) is
// copied into its out-parameter. No temporaries: an empty workspace.
// CHECK-LABEL: func.func @copy_results
// CHECK-SAME: (%[[X:[^:]*]]: memref<3xf32>, %[[O1:[^:]*]]: memref<3xf32> {effai.output}, %[[O2:[^:]*]]: memref<3xf32> {effai.output}, %{{.*}}: memref<0xi8> {effai.workspace})
// CHECK: memref.copy %[[X]], %[[O1]]
// CHECK: memref.copy %[[X]], %[[O2]]
func.func @copy_results(%x: memref<3xf32>) -> (memref<3xf32>, memref<3xf32>) {
  return %x, %x : memref<3xf32>, memref<3xf32>
}

// -----

// Dynamic allocations are left to the deallocation pipeline.
// CHECK-LABEL: func.func @dynamic
// CHECK: memref.alloc(%{{.*}}) : memref<?xf32>
func.func @dynamic(%n: index, %x: memref<2xf32>) -> memref<2xf32> {
  %d = memref.alloc(%n) : memref<?xf32>
  memref.dealloc %d : memref<?xf32>
  return %x : memref<2xf32>
}

// -----

// expected-error @+1 {{effai-plan-buffers: result #0 must be a memref with a static shape and identity layout, got 'memref<?xf32>'}}
func.func @dynamic_result(%n: index) -> memref<?xf32> {
  %d = memref.alloc(%n) : memref<?xf32>
  return %d : memref<?xf32>
}

// -----

// Private functions are not entry points: untouched.
// CHECK-LABEL: func.func private @helper
// CHECK: memref.alloc
func.func private @helper() -> memref<2xf32> {
  %a = memref.alloc() : memref<2xf32>
  return %a : memref<2xf32>
}
