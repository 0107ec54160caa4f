// effai-approximate-math: f32 transcendental functions become polynomial
// arithmetic (no libm call left to block vectorization); others are kept.
// RUN: %effai_opt %s --effai-approximate-math | FileCheck %s
// RUN: %effai_opt %s --effai-approximate-math=ops=tanh | FileCheck %s --check-prefix=ONLY

// CHECK-LABEL: func.func @f32_vector_and_scalar
// CHECK-NOT:   math.exp
// CHECK-NOT:   math.erf
// CHECK-NOT:   math.tanh
// CHECK:       math.fma
// CHECK:       return
// ONLY-LABEL:  func.func @f32_vector_and_scalar
// ONLY:        math.exp
// ONLY:        math.erf
// ONLY-NOT:    math.tanh
func.func @f32_vector_and_scalar(%v: vector<16xf32>, %s: f32) -> (vector<16xf32>, f32, f32) {
  %0 = math.exp %v : vector<16xf32>
  %1 = math.erf %s : f32
  %2 = math.tanh %s : f32
  return %0, %1, %2 : vector<16xf32>, f32, f32
}

// f64 has no approximation here: libm keeps it exact.
// CHECK-LABEL: func.func @f64_kept
// CHECK:       math.exp %{{.+}} : f64
func.func @f64_kept(%x: f64) -> f64 {
  %0 = math.exp %x : f64
  return %0 : f64
}

// Ops not in the list (sqrt has an instruction) are left alone.
// CHECK-LABEL: func.func @sqrt_kept
// CHECK:       math.sqrt
func.func @sqrt_kept(%x: f32) -> f32 {
  %0 = math.sqrt %x : f32
  return %0 : f32
}
