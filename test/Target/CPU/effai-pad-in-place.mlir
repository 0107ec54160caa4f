// effai-pad-in-place: the producer of a padded tensor writes into the
// interior of a buffer whose border (only) is filled with the pad value;
// pads of arguments stay.
// RUN: %effai_opt %s --effai-pad-in-place | FileCheck %s

// The border of a [1, 2, 6, 6] buffer around a [4 x 4] interior: rows 0 and
// 5 whole, then columns 0 and 5 of rows 1..4, each element once.
// CHECK-LABEL: func.func @producer_writes_padded
// CHECK: %[[EMPTY:.*]] = tensor.empty() : tensor<1x2x6x6xf32>
// CHECK: %[[TOP:.*]] = tensor.extract_slice %[[EMPTY]][0, 0, 0, 0] [1, 2, 1, 6] [1, 1, 1, 1]
// CHECK: %[[TOPF:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[TOP]] : tensor<1x2x1x6xf32>)
// CHECK: %[[B1:.*]] = tensor.insert_slice %[[TOPF]] into %[[EMPTY]][0, 0, 0, 0] [1, 2, 1, 6]
// CHECK: tensor.extract_slice %[[B1]][0, 0, 5, 0] [1, 2, 1, 6]
// CHECK: %[[B2:.*]] = tensor.insert_slice %{{.*}} into %[[B1]][0, 0, 5, 0] [1, 2, 1, 6]
// CHECK: tensor.extract_slice %[[B2]][0, 0, 1, 0] [1, 2, 4, 1]
// CHECK: %[[B3:.*]] = tensor.insert_slice %{{.*}} into %[[B2]][0, 0, 1, 0] [1, 2, 4, 1]
// CHECK: tensor.extract_slice %[[B3]][0, 0, 1, 5] [1, 2, 4, 1]
// CHECK: %[[FILL:.*]] = tensor.insert_slice %{{.*}} into %[[B3]][0, 0, 1, 5] [1, 2, 4, 1]
// CHECK-NOT: linalg.fill
// CHECK: %[[SLICE:.*]] = tensor.extract_slice %[[FILL]][0, 0, 1, 1] [1, 2, 4, 4] [1, 1, 1, 1]
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} outs(%[[SLICE]] : tensor<1x2x4x4xf32>)
// CHECK: %[[P:.*]] = tensor.insert_slice %[[Y]] into %[[FILL]][0, 0, 1, 1] [1, 2, 4, 4] [1, 1, 1, 1]
// CHECK-NOT: tensor.pad
// CHECK: return %[[P]]
func.func @producer_writes_padded(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x6x6xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x4x4xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x2x4x4xf32>) outs(%e : tensor<1x2x4x4xf32>) {
  ^bb0(%v: f32, %o: f32):
    %r = arith.maxnumf %v, %zero : f32
    linalg.yield %r : f32
  } -> tensor<1x2x4x4xf32>
  %p = tensor.pad %y low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x2x4x4xf32> to tensor<1x2x6x6xf32>
  return %p : tensor<1x2x6x6xf32>
}

// A function argument has no producer to redirect: its pad is kept (and
// bufferizes to a copy).
// CHECK-LABEL: func.func @argument
// CHECK: tensor.pad
func.func @argument(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x5x5xf32> {
  %ninf = arith.constant 0xFF800000 : f32
  %p = tensor.pad %x low[0, 0, 0, 0] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %ninf : f32
  } : tensor<1x1x4x4xf32> to tensor<1x1x5x5xf32>
  return %p : tensor<1x1x5x5xf32>
}
