// effai-gpu-native-math: math.roundeven as (|x| + 2^m) - 2^m with the
// sign by bits. Structure, then the numbers against math.roundeven on the
// CPU: ties to even, signed zeros, huge values, the last non-integers
// below 2^m, f32 and f64.
// RUN: %effai_opt %s --effai-gpu-native-math | FileCheck %s
// RUN: %effai_opt %s --effai-gpu-native-math --effai-cpu-pipeline | %mlir_runner -e entry -entry-point-result=void -shared-libs=%mlir_runner_utils | FileCheck %s --check-prefix=NUMBERS
// RUN: %effai_opt %s --effai-cpu-pipeline | %mlir_runner -e entry -entry-point-result=void -shared-libs=%mlir_runner_utils | FileCheck %s --check-prefix=NUMBERS

// CHECK-LABEL: func.func @round32
// CHECK-NOT: math.roundeven
// CHECK: arith.addf %{{.*}}, %[[C:.*]] : f32
// CHECK: arith.subf %{{.*}}, %[[C]] : f32
// CHECK: arith.cmpf oge
// CHECK: arith.ori
func.func @round32(%x: tensor<12xf32>) -> tensor<12xf32> {
  %e = tensor.empty() : tensor<12xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]} ins(%x : tensor<12xf32>) outs(%e : tensor<12xf32>) {
  ^bb0(%a: f32, %o: f32):
    %y = math.roundeven %a : f32
    linalg.yield %y : f32
  } -> tensor<12xf32>
  return %r : tensor<12xf32>
}

// f64: the rounded value minus the expected integer (exact in f64).
func.func @round64(%x: tensor<8xf64>, %want: tensor<8xf64>) -> tensor<8xf32> {
  %e = tensor.empty() : tensor<8xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]} ins(%x, %want : tensor<8xf64>, tensor<8xf64>) outs(%e : tensor<8xf32>) {
  ^bb0(%a: f64, %w: f64, %o: f32):
    %y = math.roundeven %a : f64
    %d = arith.subf %y, %w : f64
    %z = arith.truncf %d : f64 to f32
    linalg.yield %z : f32
  } -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// CHECK-LABEL: func.func @magnitudes
// CHECK-NOT: math.abs
// CHECK: arith.andi
// CHECK: arith.subi
// CHECK: arith.maxsi
func.func @magnitudes(%x: f32, %i: i32) -> (f32, i32) {
  %a = math.absf %x : f32
  %b = math.absi %i : i32
  return %a, %b : f32, i32
}

func.func private @printMemrefF32(tensor<*xf32>)
func.func private @printMemrefI32(tensor<*xi32>)

func.func @entry() {
  %x = arith.constant dense<[0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.49999976, 0.49999997, 8388607.5, 8388609.0, 1.0e20, -3.7]> : tensor<12xf32>
  %r = call @round32(%x) : (tensor<12xf32>) -> tensor<12xf32>
  %u = tensor.cast %r : tensor<12xf32> to tensor<*xf32>
  // NUMBERS: {{\[}}0,  2,  2,  -0,  -2,  -2,  2,  0,  8.38861e+06,  8.38861e+06,  1e+20,  -4]
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  %y = arith.constant dense<[0.5, 3.5, -4.5, 1000000.5, 1000001.5, 0.49999999999999994, 4503599627370495.5, 4503599627370497.0]> : tensor<8xf64>
  %w = arith.constant dense<[0.0, 4.0, -4.0, 1000000.0, 1000002.0, 0.0, 4503599627370496.0, 4503599627370497.0]> : tensor<8xf64>
  %s = call @round64(%y, %w) : (tensor<8xf64>, tensor<8xf64>) -> tensor<8xf32>
  %v = tensor.cast %s : tensor<8xf32> to tensor<*xf32>
  // NUMBERS: {{\[}}0,  0,  0,  0,  0,  0,  0,  0]
  call @printMemrefF32(%v) : (tensor<*xf32>) -> ()
  %f = arith.constant -2.5 : f32
  %n = arith.constant -7 : i32
  %fa, %na = call @magnitudes(%f, %n) : (f32, i32) -> (f32, i32)
  %ft = tensor.from_elements %fa : tensor<1xf32>
  %nt = tensor.from_elements %na : tensor<1xi32>
  %fu = tensor.cast %ft : tensor<1xf32> to tensor<*xf32>
  %nu = tensor.cast %nt : tensor<1xi32> to tensor<*xi32>
  // NUMBERS: {{\[}}2.5]
  call @printMemrefF32(%fu) : (tensor<*xf32>) -> ()
  // NUMBERS: {{\[}}7]
  call @printMemrefI32(%nu) : (tensor<*xi32>) -> ()
  return
}
