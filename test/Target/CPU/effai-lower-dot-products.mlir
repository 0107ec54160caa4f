// effai-lower-dot-products selects vpdpbusd for the 4-way u8 x s8 dot
// products the dot = 4 kernels write (multi_reduction over [lanes x 4] of
// extui(a) * extsi(b)), where #effai.target has AVX-512 VNNI; everything
// else becomes vector adds.
// RUN: %effai_opt %s --effai-lower-dot-products --split-input-file | FileCheck %s

// AVX-512 VNNI with VL: 512- and 256-bit dot products are one instruction
// each, in either operand order of the multiply. A signed x signed product
// and a sum over groups of 2 are not vpdpbusd: they become vector adds.
// CHECK-LABEL: func.func @vnni
// CHECK-SAME: (%[[ACC:.*]]: vector<16xi32>, %[[A:.*]]: vector<64xi8>, %[[B:.*]]: vector<64xi8>, %[[ACC8:.*]]: vector<8xi32>, %[[A8:.*]]: vector<32xi8>, %[[B8:.*]]: vector<32xi8>)
// CHECK: %[[R:.*]] = llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%[[ACC]], %[[A]], %[[B]]) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
// CHECK: %[[R8:.*]] = llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"(%[[ACC8]], %[[A8]], %[[B8]]) : (vector<8xi32>, vector<32xi8>, vector<32xi8>) -> vector<8xi32>
// CHECK-NOT: llvm.call_intrinsic
// CHECK-NOT: vector.multi_reduction
// CHECK: return %[[R]], %[[R8]]
module attributes {effai.target = #effai.target<name = "vnni", kind = cpu,
    triple = "x86_64-unknown-linux-gnu", cpu = "icelake-server",
    features = ["avx512f", "avx512vl", "avx512vnni"], vector_bits = 512,
    vector_registers = 32, fma_latency = 4, fma_per_cycle = 2,
    loads_per_cycle = 2, clock_ghz = 3.0, cores = 1,
    peaks = <fp32 = 192.0, bf16 = 0.0, int8 = 768.0, int32 = 96.0>,
    memory = [#effai.memory<name = "DRAM", size = 17179869184, line = 64, ways = 0, shared_by = 1, bandwidth = 15.0, shared_bandwidth = 15.0>],
    fork_join_us = 2.0>} {
  func.func @vnni(%acc: vector<16xi32>, %a: vector<64xi8>, %b: vector<64xi8>,
                  %acc8: vector<8xi32>, %a8: vector<32xi8>, %b8: vector<32xi8>)
      -> (vector<16xi32>, vector<8xi32>, vector<16xi32>, vector<32xi32>) {
    %au = arith.extui %a : vector<64xi8> to vector<64xi32>
    %bs = arith.extsi %b : vector<64xi8> to vector<64xi32>
    %p = arith.muli %au, %bs : vector<64xi32>
    %g = vector.shape_cast %p : vector<64xi32> to vector<16x4xi32>
    %r = vector.multi_reduction <add>, %g, %acc [1] : vector<16x4xi32> to vector<16xi32>
    %au8 = arith.extui %a8 : vector<32xi8> to vector<32xi32>
    %bs8 = arith.extsi %b8 : vector<32xi8> to vector<32xi32>
    %p8 = arith.muli %bs8, %au8 : vector<32xi32>
    %g8 = vector.shape_cast %p8 : vector<32xi32> to vector<8x4xi32>
    %r8 = vector.multi_reduction <add>, %g8, %acc8 [1] : vector<8x4xi32> to vector<8xi32>
    %as = arith.extsi %a : vector<64xi8> to vector<64xi32>
    %q = arith.muli %as, %bs : vector<64xi32>
    %gq = vector.shape_cast %q : vector<64xi32> to vector<16x4xi32>
    %signed = vector.multi_reduction <add>, %gq, %acc [1] : vector<16x4xi32> to vector<16xi32>
    %pairs = vector.shape_cast %p : vector<64xi32> to vector<32x2xi32>
    %zero = arith.constant dense<0> : vector<32xi32>
    %two = vector.multi_reduction <add>, %pairs, %zero [1] : vector<32x2xi32> to vector<32xi32>
    return %r, %r8, %signed, %two : vector<16xi32>, vector<8xi32>, vector<16xi32>, vector<32xi32>
  }
}

// -----
// Without VNNI (an AVX2 target), and without a target at all, the same
// 4-way sum is the multiply and four vector adds (the four products of
// each group into the accumulator): exact, only slower.
// CHECK-LABEL: func.func @no_vnni
// CHECK-NOT: llvm.call_intrinsic
// CHECK-NOT: vector.multi_reduction
// CHECK: arith.muli {{.*}} : vector<64xi32>
// CHECK-COUNT-4: arith.addi {{.*}} : vector<16xi32>
module attributes {effai.target = #effai.target<name = "avx2", kind = cpu,
    triple = "x86_64-unknown-linux-gnu", cpu = "haswell",
    features = ["avx", "avx2", "fma"], vector_bits = 256,
    vector_registers = 16, fma_latency = 5, fma_per_cycle = 2,
    loads_per_cycle = 2, clock_ghz = 3.0, cores = 1,
    peaks = <fp32 = 96.0, bf16 = 0.0, int8 = 96.0, int32 = 48.0>,
    memory = [#effai.memory<name = "DRAM", size = 17179869184, line = 64, ways = 0, shared_by = 1, bandwidth = 15.0, shared_bandwidth = 15.0>],
    fork_join_us = 2.0>} {
  func.func @no_vnni(%acc: vector<16xi32>, %a: vector<64xi8>, %b: vector<64xi8>) -> vector<16xi32> {
    %au = arith.extui %a : vector<64xi8> to vector<64xi32>
    %bs = arith.extsi %b : vector<64xi8> to vector<64xi32>
    %p = arith.muli %au, %bs : vector<64xi32>
    %g = vector.shape_cast %p : vector<64xi32> to vector<16x4xi32>
    %r = vector.multi_reduction <add>, %g, %acc [1] : vector<16x4xi32> to vector<16xi32>
    return %r : vector<16xi32>
  }
}

// -----
// CHECK-LABEL: func.func @no_target
// CHECK-NOT: llvm.call_intrinsic
// CHECK-NOT: vector.multi_reduction
func.func @no_target(%acc: vector<16xi32>, %a: vector<64xi8>, %b: vector<64xi8>) -> vector<16xi32> {
  %au = arith.extui %a : vector<64xi8> to vector<64xi32>
  %bs = arith.extsi %b : vector<64xi8> to vector<64xi32>
  %p = arith.muli %au, %bs : vector<64xi32>
  %g = vector.shape_cast %p : vector<64xi32> to vector<16x4xi32>
  %r = vector.multi_reduction <add>, %g, %acc [1] : vector<16x4xi32> to vector<16xi32>
  return %r : vector<16xi32>
}
