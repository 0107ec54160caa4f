// RUN: %effai_opt %s --split-input-file --effai-expose-activations | FileCheck %s --check-prefix=EXPOSE
// RUN: %effai_opt %s --split-input-file --effai-set-input-ranges="ranges=-1.5,2,0,6" | FileCheck %s --check-prefix=RANGES
// RUN: %effai_opt %s --split-input-file --effai-set-input-ranges="ranges=-1.5,2,0,6" --effai-quantize="activations=int8" --verify-diagnostics | FileCheck %s --check-prefix=QUANT
// RUN: not %effai_opt %s --split-input-file --effai-set-input-ranges="ranges=1,2" 2>&1 | FileCheck %s --check-prefix=COUNT
// RUN: not %effai_opt %s --split-input-file --effai-set-input-ranges="ranges=3,2,0,1" 2>&1 | FileCheck %s --check-prefix=EMPTY
// RUN: not %effai_opt %s --split-input-file --effai-quantize="activations=int4" 2>&1 | FileCheck %s --check-prefix=OPTION

// Each compressible op's input becomes an extra result, in walk order.
// EXPOSE-LABEL: func.func @mlp
// EXPOSE-SAME: -> (tensor<2x3xf32> {effai.name = "y"}, tensor<2x4xf32> {effai.name = "effai.activation.0"}, tensor<2x3xf32> {effai.name = "effai.activation.1"})
// EXPOSE: return %[[Y:.*]], %arg0, %[[H:.*]] :
// RANGES: effai.linear %arg0, %{{.*}} {effai.input_range = array<f64: -1.500000e+00, 2.000000e+00>}
// RANGES: effai.linear %{{.*}}, %{{.*}} {effai.input_range = array<f64: 0.000000e+00, 6.000000e+00>}
// Weights become int8 codes, then each input is quantized from its range:
// [-1.5, 2] -> scale 3.5/255, zero point round(1.5/scale) = 109; [0, 6] ->
// scale 6/255, zero point 0. The ops take uint8 and still return f32.
// QUANT-LABEL: func.func @mlp
// QUANT: %[[Q0:.*]] = quant.qcast %arg0 : tensor<2x4xf32> to tensor<2x4x!quant.uniform<u8:f32, 0.013725490196078431:109>>
// QUANT: effai.linear %[[Q0]], %{{.*}} {effai.input_range = {{.*}}} : (tensor<2x4x!quant.uniform<u8:f32, 0.013725490196078431:109>>, !effai.weight<3x4xf32, #{{.*}}>) -> tensor<2x3xf32>
// QUANT: quant.qcast %{{.*}} : tensor<2x3xf32> to tensor<2x3x!quant.uniform<u8:f32, 0.023529411764705882>>
// COUNT: error: effai-set-input-ranges: expected 4 values (lo, hi for each of the 2 compressible ops), got 2
// EMPTY: error: effai-set-input-ranges: range [3.000000e+00, 2.000000e+00] is empty
// OPTION: error: effai-quantize: activations must be none or int8, got 'int4'
func.func @mlp(%x: tensor<2x4xf32>) -> (tensor<2x3xf32> {effai.name = "y"}) {
  %v1 = arith.constant dense<[[1.0, 0.0, -1.0, 0.5], [0.0, 2.0, 0.0, 1.0], [0.5, 0.25, 0.0, -0.5]]> : tensor<3x4xf32>
  %w1 = effai.pack %v1 : tensor<3x4xf32> -> !effai.weight<3x4xf32, #effai.encoding<value = #effai.float>>
  %h = effai.linear %x, %w1 : (tensor<2x4xf32>, !effai.weight<3x4xf32, #effai.encoding<value = #effai.float>>) -> tensor<2x3xf32>
  %v2 = arith.constant dense<[[1.0, 1.0, 1.0], [-1.0, 0.5, 2.0], [0.0, 0.0, 1.0]]> : tensor<3x3xf32>
  %w2 = effai.pack %v2 : tensor<3x3xf32> -> !effai.weight<3x3xf32, #effai.encoding<value = #effai.float>>
  %y = effai.linear %h, %w2 : (tensor<2x3xf32>, !effai.weight<3x3xf32, #effai.encoding<value = #effai.float>>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
