// effai-select-conv-algorithm on the fixed AVX2 machine of
// effai-select-tiling.mlir: for each 3x3 stride-1 convolution with a constant
// filter it prices the direct kernel (the tiling effai-select-tiling would
// choose, its bias/ReLU consumer fused) against Winograd F(2x2, 3x3): the
// 16 channel GEMMs at the direct kernel's rate on 16/36 of the multiplies
// (less the padding to whole tiles), the input and output transforms and
// the then unfused epilogue as streaming passes over the memory level their
// bytes fit. It records both predictions and the faster algorithm.
// RUN: %effai_opt %s --effai-select-conv-algorithm --split-input-file -verify-diagnostics | FileCheck %s
// RUN: %effai_opt %s --effai-select-conv-algorithm=max-threads=0 --split-input-file -verify-diagnostics | FileCheck %s --check-prefix=THREADS

#target = #effai.target<name = "test-avx2", kind = cpu,
    triple = "x86_64-unknown-linux-gnu", cpu = "haswell",
    features = ["avx", "avx2", "fma"], vector_bits = 256,
    vector_registers = 16, fma_latency = 5, fma_per_cycle = 2,
    loads_per_cycle = 2, clock_ghz = 3.0, cores = 4,
    peaks = <fp32 = 96.0, bf16 = 0.0, int8 = 96.0, int32 = 48.0>,
    memory = [#effai.memory<name = "L1", size = 32768, line = 64, ways = 8, shared_by = 1, bandwidth = 190.0, shared_bandwidth = 190.0>,
              #effai.memory<name = "L2", size = 262144, line = 64, ways = 8, shared_by = 1, bandwidth = 90.0, shared_bandwidth = 90.0>,
              #effai.memory<name = "L3", size = 8388608, line = 64, ways = 16, shared_by = 4, bandwidth = 40.0, shared_bandwidth = 120.0>,
              #effai.memory<name = "DRAM", size = 17179869184, line = 64, ways = 0, shared_by = 4, bandwidth = 15.0, shared_bandwidth = 25.0>],
    fork_join_us = 2.0>
module attributes {effai.target = #target} {
  // ResNet-18's first stage, 64 -> 64 channels at 56x56, + bias and ReLU:
  // the GEMMs take 16 * 29 * 29 / (9 * 56 * 56) = 0.477 of the direct time,
  // 1223 us; the transforms and the epilogue add 617 us. On 4 threads the
  // GEMMs shrink 4x but the passes over 3.4 MiB transformed tensors share
  // L3 bandwidth: direct wins.
  // CHECK-LABEL: func.func @resnet_layer1
  // CHECK: effai.conv_algorithm = #effai.conv_algorithm<algorithm = "winograd-f2x2-3x3", direct_us = 2566.144, winograd_us = 1840.174>
  // THREADS-LABEL: func.func @resnet_layer1
  // THREADS: effai.conv_algorithm = #effai.conv_algorithm<algorithm = "direct", direct_us = 643.536, winograd_us = 711.815>
  func.func @resnet_layer1(%x: tensor<1x64x58x58xf32>, %bias: tensor<64xf32>) -> tensor<1x64x56x56xf32> {
    %w = arith.constant dense<0.5> : tensor<64x64x3x3xf32>
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<1x64x56x56xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x64x56x56xf32>) -> tensor<1x64x56x56xf32>
    %r = linalg.generic {indexing_maps = [
        affine_map<(n, o, h, w, c, kh, kw) -> (n, c, h + kh, w + kw)>,
        affine_map<(n, o, h, w, c, kh, kw) -> (o, c, kh, kw)>,
        affine_map<(n, o, h, w, c, kh, kw) -> (n, o, h, w)>],
        iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
        ins(%x, %w : tensor<1x64x58x58xf32>, tensor<64x64x3x3xf32>) outs(%f : tensor<1x64x56x56xf32>) {
    ^bb0(%i: f32, %wt: f32, %acc: f32):
      %p = arith.mulf %i, %wt : f32
      %q = arith.addf %acc, %p : f32
      linalg.yield %q : f32
    } -> tensor<1x64x56x56xf32>
    %e2 = tensor.empty() : tensor<1x64x56x56xf32>
    %y = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>,
        affine_map<(a, b, c, d) -> (b)>, affine_map<(a, b, c, d) -> (a, b, c, d)>],
        iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
        ins(%r, %bias : tensor<1x64x56x56xf32>, tensor<64xf32>) outs(%e2 : tensor<1x64x56x56xf32>) {
    ^bb0(%a: f32, %b: f32, %out: f32):
      %s = arith.addf %a, %b : f32
      %m = arith.maxnumf %s, %zero : f32
      linalg.yield %m : f32
    } -> tensor<1x64x56x56xf32>
    return %y : tensor<1x64x56x56xf32>
  }
  // 512 -> 512 channels at 7x7: 4x4 tiles cover 8x8 (0.58 of the direct
  // multiplies); the transformed filter (16 MiB) streams from DRAM. On 4
  // threads the direct kernel's split of the 7 rows into boxes is uneven
  // (the busiest thread's share counts): Winograd wins narrowly.
  // CHECK-LABEL: func.func @deep_7x7
  // CHECK: effai.conv_algorithm = #effai.conv_algorithm<algorithm = "winograd-f2x2-3x3", direct_us = 2616.768, winograd_us = 1560.4>
  // THREADS-LABEL: func.func @deep_7x7
  // THREADS: effai.conv_algorithm = #effai.conv_algorithm<algorithm = "winograd-f2x2-3x3", direct_us = 749.648, winograd_us = 734.822>
  func.func @deep_7x7(%x: tensor<1x512x9x9xf32>, %bias: tensor<512xf32>) -> tensor<1x512x7x7xf32> {
    %w = arith.constant dense<0.5> : tensor<512x512x3x3xf32>
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<1x512x7x7xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x512x7x7xf32>) -> tensor<1x512x7x7xf32>
    %r = linalg.generic {indexing_maps = [
        affine_map<(n, o, h, w, c, kh, kw) -> (n, c, h + kh, w + kw)>,
        affine_map<(n, o, h, w, c, kh, kw) -> (o, c, kh, kw)>,
        affine_map<(n, o, h, w, c, kh, kw) -> (n, o, h, w)>],
        iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
        ins(%x, %w : tensor<1x512x9x9xf32>, tensor<512x512x3x3xf32>) outs(%f : tensor<1x512x7x7xf32>) {
    ^bb0(%i: f32, %wt: f32, %acc: f32):
      %p = arith.mulf %i, %wt : f32
      %q = arith.addf %acc, %p : f32
      linalg.yield %q : f32
    } -> tensor<1x512x7x7xf32>
    %e2 = tensor.empty() : tensor<1x512x7x7xf32>
    %y = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>,
        affine_map<(a, b, c, d) -> (b)>, affine_map<(a, b, c, d) -> (a, b, c, d)>],
        iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
        ins(%r, %bias : tensor<1x512x7x7xf32>, tensor<512xf32>) outs(%e2 : tensor<1x512x7x7xf32>) {
    ^bb0(%a: f32, %b: f32, %out: f32):
      %s = arith.addf %a, %b : f32
      %m = arith.maxnumf %s, %zero : f32
      linalg.yield %m : f32
    } -> tensor<1x512x7x7xf32>
    return %y : tensor<1x512x7x7xf32>
  }
  // 3 -> 8 channels, no epilogue.
  // CHECK-LABEL: func.func @few_channels
  // CHECK: effai.conv_algorithm = #effai.conv_algorithm<algorithm = "winograd-f2x2-3x3", direct_us = 6.064, winograd_us = 5.284>
  // THREADS-LABEL: func.func @few_channels
  // THREADS: effai.conv_algorithm = #effai.conv_algorithm<algorithm = "direct", direct_us = 3.9, winograd_us = 7.152>
  func.func @few_channels(%x: tensor<1x3x34x34xf32>, %bias: tensor<8xf32>) -> tensor<1x8x32x32xf32> {
    %w = arith.constant dense<0.5> : tensor<8x3x3x3xf32>
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<1x8x32x32xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x8x32x32xf32>) -> tensor<1x8x32x32xf32>
    %r = linalg.generic {indexing_maps = [
        affine_map<(n, o, h, w, c, kh, kw) -> (n, c, h + kh, w + kw)>,
        affine_map<(n, o, h, w, c, kh, kw) -> (o, c, kh, kw)>,
        affine_map<(n, o, h, w, c, kh, kw) -> (n, o, h, w)>],
        iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
        ins(%x, %w : tensor<1x3x34x34xf32>, tensor<8x3x3x3xf32>) outs(%f : tensor<1x8x32x32xf32>) {
    ^bb0(%i: f32, %wt: f32, %acc: f32):
      %p = arith.mulf %i, %wt : f32
      %q = arith.addf %acc, %p : f32
      linalg.yield %q : f32
    } -> tensor<1x8x32x32xf32>
    return %r : tensor<1x8x32x32xf32>
  }
  // Stride 2 and 1x1 convolutions have no F(2x2, 3x3) form: no decision.
  // CHECK-LABEL: func.func @strided
  // CHECK-NOT: effai.conv_algorithm
  func.func @strided(%x: tensor<1x64x57x57xf32>, %bias: tensor<64xf32>) -> tensor<1x64x28x28xf32> {
    %w = arith.constant dense<0.5> : tensor<64x64x3x3xf32>
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<1x64x28x28xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x64x28x28xf32>) -> tensor<1x64x28x28xf32>
    %r = linalg.generic {indexing_maps = [
        affine_map<(n, o, h, w, c, kh, kw) -> (n, c, h * 2 + kh, w * 2 + kw)>,
        affine_map<(n, o, h, w, c, kh, kw) -> (o, c, kh, kw)>,
        affine_map<(n, o, h, w, c, kh, kw) -> (n, o, h, w)>],
        iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
        ins(%x, %w : tensor<1x64x57x57xf32>, tensor<64x64x3x3xf32>) outs(%f : tensor<1x64x28x28xf32>) {
    ^bb0(%i: f32, %wt: f32, %acc: f32):
      %p = arith.mulf %i, %wt : f32
      %q = arith.addf %acc, %p : f32
      linalg.yield %q : f32
    } -> tensor<1x64x28x28xf32>
    return %r : tensor<1x64x28x28xf32>
  }
  // CHECK-LABEL: func.func @pointwise
  // CHECK-NOT: effai.conv_algorithm
  func.func @pointwise(%x: tensor<1x64x56x56xf32>, %bias: tensor<64xf32>) -> tensor<1x64x56x56xf32> {
    %w = arith.constant dense<0.5> : tensor<64x64x1x1xf32>
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<1x64x56x56xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x64x56x56xf32>) -> tensor<1x64x56x56xf32>
    %r = linalg.generic {indexing_maps = [
        affine_map<(n, o, h, w, c, kh, kw) -> (n, c, h + kh, w + kw)>,
        affine_map<(n, o, h, w, c, kh, kw) -> (o, c, kh, kw)>,
        affine_map<(n, o, h, w, c, kh, kw) -> (n, o, h, w)>],
        iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
        ins(%x, %w : tensor<1x64x56x56xf32>, tensor<64x64x1x1xf32>) outs(%f : tensor<1x64x56x56xf32>) {
    ^bb0(%i: f32, %wt: f32, %acc: f32):
      %p = arith.mulf %i, %wt : f32
      %q = arith.addf %acc, %p : f32
      linalg.yield %q : f32
    } -> tensor<1x64x56x56xf32>
    return %r : tensor<1x64x56x56xf32>
  }
}

// -----

// A decision already made (by hand, or by an earlier run) is kept.
// CHECK-LABEL: func.func @marked
// CHECK: effai.conv_algorithm = #effai.conv_algorithm<algorithm = "direct", direct_us = 0.0, winograd_us = 0.0>
module attributes {effai.target = #effai.target<name = "test-avx2", kind = cpu,
    triple = "x86_64-unknown-linux-gnu", cpu = "haswell",
    features = ["avx", "avx2", "fma"], vector_bits = 256,
    vector_registers = 16, fma_latency = 5, fma_per_cycle = 2,
    loads_per_cycle = 2, clock_ghz = 3.0, cores = 4,
    peaks = <fp32 = 96.0, bf16 = 0.0, int8 = 96.0, int32 = 48.0>,
    memory = [#effai.memory<name = "L1", size = 32768, line = 64, ways = 8, shared_by = 1, bandwidth = 190.0, shared_bandwidth = 190.0>,
              #effai.memory<name = "DRAM", size = 17179869184, line = 64, ways = 0, shared_by = 4, bandwidth = 15.0, shared_bandwidth = 25.0>],
    fork_join_us = 2.0>} {
  func.func @marked(%x: tensor<1x8x10x10xf32>) -> tensor<1x8x8x8xf32> {
    %w = arith.constant dense<0.5> : tensor<8x8x3x3xf32>
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<1x8x8x8xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
    %r = linalg.generic {indexing_maps = [
        affine_map<(n, o, h, w, c, kh, kw) -> (n, c, h + kh, w + kw)>,
        affine_map<(n, o, h, w, c, kh, kw) -> (o, c, kh, kw)>,
        affine_map<(n, o, h, w, c, kh, kw) -> (n, o, h, w)>],
        iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"],
        effai.conv_algorithm = #effai.conv_algorithm<algorithm = "direct", direct_us = 0.0, winograd_us = 0.0>}
        ins(%x, %w : tensor<1x8x10x10xf32>, tensor<8x8x3x3xf32>) outs(%f : tensor<1x8x8x8xf32>) {
    ^bb0(%i: f32, %wt: f32, %acc: f32):
      %p = arith.mulf %i, %wt : f32
      %q = arith.addf %acc, %p : f32
      linalg.yield %q : f32
    } -> tensor<1x8x8x8xf32>
    return %r : tensor<1x8x8x8xf32>
  }
}

// -----

// expected-error @+1 {{effai-select-conv-algorithm: the module has no #effai.target (run effai-set-target first)}}
module {
  func.func @no_target() {
    return
  }
}

// -----

// expected-error @+1 {{effai-select-conv-algorithm: no convolution model for fpga targets}}
module attributes {effai.target = #effai.target<name = "some-fpga", kind = fpga,
    triple = "", cpu = "", features = [], vector_bits = 32,
    vector_registers = 1, fma_latency = 1, fma_per_cycle = 1,
    loads_per_cycle = 1, clock_ghz = 0.2, cores = 1,
    peaks = <fp32 = 1.0, bf16 = 0.0, int8 = 1.0, int32 = 1.0>,
    memory = [#effai.memory<name = "DRAM", size = 1073741824, line = 64, ways = 0, shared_by = 1, bandwidth = 10.0, shared_bandwidth = 10.0>],
    fork_join_us = 0.0,
    fpga = <family = "zynquplus", part = "xczu9eg-ffvb1156-2-e", dsp = 2520,
            dsp_a_bits = 27, dsp_b_bits = 18, lut = 274080, lut_inputs = 6,
            ff = 548160, bram = 1824, bram_bits = 18432, uram = 0,
            uram_bits = 294912>>} {
}
