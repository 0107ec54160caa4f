// A 3x3 convolution of u8 activations (already padded by one column and
// row, plus one slack column) with i8 codes into i32: 32 -> 64 channels,
// 28x28 output.
func.func @main(%x: tensor<1x32x30x31xi8> {effai.name = "x"}) -> (tensor<1x64x28x28xi32> {effai.name = "y"}) {
  %w = arith.constant dense<3> : tensor<64x32x3x3xi8>
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<1x64x28x28xi32>
  %f = linalg.fill ins(%zero : i32) outs(%e : tensor<1x64x28x28xi32>) -> tensor<1x64x28x28xi32>
  %y = linalg.generic {indexing_maps = [
      affine_map<(n, o, h, w, c, kh, kw) -> (n, c, h + kh, w + kw)>,
      affine_map<(n, o, h, w, c, kh, kw) -> (o, c, kh, kw)>,
      affine_map<(n, o, h, w, c, kh, kw) -> (n, o, h, w)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel",
                        "reduction", "reduction", "reduction"]}
      ins(%x, %w : tensor<1x32x30x31xi8>, tensor<64x32x3x3xi8>)
      outs(%f : tensor<1x64x28x28xi32>) {
  ^bb0(%a: i8, %b: i8, %acc: i32):
    %a32 = arith.extui %a : i8 to i32
    %b32 = arith.extsi %b : i8 to i32
    %p = arith.muli %a32, %b32 : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  } -> tensor<1x64x28x28xi32>
  return %y : tensor<1x64x28x28xi32>
}
