// effai-lower-code-lookups selects one 16-entry permute (vpermps, vpermd)
// for the code decodes that b_bits = 4 and 2 kernels write, where
// #effai.target has AVX-512; elsewhere the shifts stay.
// RUN: %effai_opt %s --effai-lower-code-lookups --split-input-file | FileCheck %s

// Signed codes: the low nibble's shifts and conversion become a lookup of
// the sign-extended bytes (the permute reads an index's low 4 bits), the
// high nibble's conversion a lookup of the shifted value; unsigned codes
// likewise, from a table of 0..15. A decoded nibble kept as i32 (integer
// accumulators) becomes a vpermd. Not decodes: 8 lanes, a shift by 27, a
// plain conversion.
// CHECK-LABEL: func.func @lookups
// CHECK-SAME: (%[[BYTES:.*]]: vector<16xi8>, %[[X:.*]]: vector<16xi32>, %[[NARROW:.*]]: vector<8xi32>)
// CHECK-DAG: %[[SIGNED:.*]] = arith.constant dense<[0.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00, -8.000000e+00, -7.000000e+00, -6.000000e+00, -5.000000e+00, -4.000000e+00, -3.000000e+00, -2.000000e+00, -1.000000e+00]> : vector<16xf32>
// CHECK-DAG: %[[UNSIGNED:.*]] = arith.constant dense<[0.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00, 8.000000e+00, 9.000000e+00, 1.000000e+01, 1.100000e+01, 1.200000e+01, 1.300000e+01, 1.400000e+01, 1.500000e+01]> : vector<16xf32>
// CHECK-DAG: %[[INTS:.*]] = arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1]> : vector<16xi32>
// CHECK-DAG: %[[S:.*]] = arith.extsi %[[BYTES]] : vector<16xi8> to vector<16xi32>
// CHECK-DAG: %[[U:.*]] = arith.extui %[[BYTES]] : vector<16xi8> to vector<16xi32>
// CHECK-DAG: %[[SLOW:.*]] = llvm.call_intrinsic "llvm.x86.avx512.permvar.sf.512"(%[[SIGNED]], %[[S]]) : (vector<16xf32>, vector<16xi32>) -> vector<16xf32>
// CHECK-DAG: %[[SHIGH:.*]] = arith.shrsi %[[S]], %{{.*}} : vector<16xi32>
// CHECK-DAG: %[[SHIGHF:.*]] = llvm.call_intrinsic "llvm.x86.avx512.permvar.sf.512"(%[[SIGNED]], %[[SHIGH]])
// CHECK-DAG: %[[ULOW:.*]] = llvm.call_intrinsic "llvm.x86.avx512.permvar.sf.512"(%[[UNSIGNED]], %[[U]])
// CHECK-DAG: %[[UHIGH:.*]] = arith.shrui %[[U]], %{{.*}} : vector<16xi32>
// CHECK-DAG: %[[UHIGHF:.*]] = llvm.call_intrinsic "llvm.x86.avx512.permvar.sf.512"(%[[UNSIGNED]], %[[UHIGH]])
// CHECK-DAG: %[[ILOW:.*]] = llvm.call_intrinsic "llvm.x86.avx512.permvar.si.512"(%[[INTS]], %[[X]]) : (vector<16xi32>, vector<16xi32>) -> vector<16xi32>
// CHECK-DAG: %[[PRODUCT:.*]] = arith.muli %[[ILOW]], %[[X]] : vector<16xi32>
// CHECK-DAG: %[[NOT1:.*]] = arith.sitofp %{{.*}} : vector<8xi32> to vector<8xf32>
// CHECK-DAG: %[[NOT2:.*]] = arith.sitofp %{{.*}} : vector<16xi32> to vector<16xf32>
// CHECK-DAG: %[[NOT3:.*]] = arith.sitofp %[[X]] : vector<16xi32> to vector<16xf32>
// CHECK: return %[[SLOW]], %[[SHIGHF]], %[[ULOW]], %[[UHIGHF]], %[[PRODUCT]], %[[NOT1]], %[[NOT2]], %[[NOT3]]
#avx512 = #effai.target<name = "avx512", kind = cpu,
    triple = "x86_64-unknown-linux-gnu", cpu = "skylake-avx512",
    features = ["avx512f"], vector_bits = 512,
    vector_registers = 32, fma_latency = 4, fma_per_cycle = 2,
    loads_per_cycle = 2, clock_ghz = 3.0, cores = 1,
    peaks = <fp32 = 192.0, bf16 = 0.0, int8 = 0.0, int32 = 96.0>,
    memory = [#effai.memory<name = "DRAM", size = 17179869184, line = 64, ways = 0, shared_by = 1, bandwidth = 15.0, shared_bandwidth = 15.0>],
    fork_join_us = 2.0>
module attributes {effai.target = #avx512} {
  func.func @lookups(%bytes: vector<16xi8>, %x: vector<16xi32>,
                     %narrow: vector<8xi32>)
      -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>,
          vector<16xi32>, vector<8xf32>, vector<16xf32>, vector<16xf32>) {
    %c4 = arith.constant dense<4> : vector<16xi32>
    %c15 = arith.constant dense<15> : vector<16xi32>
    %c27 = arith.constant dense<27> : vector<16xi32>
    %c28 = arith.constant dense<28> : vector<16xi32>
    %c28n = arith.constant dense<28> : vector<8xi32>
    %s = arith.extsi %bytes : vector<16xi8> to vector<16xi32>
    %up = arith.shli %s, %c28 : vector<16xi32>
    %slow = arith.shrsi %up, %c28 : vector<16xi32>
    %slowf = arith.sitofp %slow : vector<16xi32> to vector<16xf32>
    %shigh = arith.shrsi %s, %c4 : vector<16xi32>
    %shighf = arith.sitofp %shigh : vector<16xi32> to vector<16xf32>
    %u = arith.extui %bytes : vector<16xi8> to vector<16xi32>
    %ulow = arith.andi %u, %c15 : vector<16xi32>
    %ulowf = arith.uitofp %ulow : vector<16xi32> to vector<16xf32>
    %uhigh = arith.shrui %u, %c4 : vector<16xi32>
    %uhighf = arith.uitofp %uhigh : vector<16xi32> to vector<16xf32>
    %xup = arith.shli %x, %c28 : vector<16xi32>
    %xlow = arith.shrsi %xup, %c28 : vector<16xi32>
    %product = arith.muli %xlow, %x : vector<16xi32>
    %nup = arith.shli %narrow, %c28n : vector<8xi32>
    %nlow = arith.shrsi %nup, %c28n : vector<8xi32>
    %not1 = arith.sitofp %nlow : vector<8xi32> to vector<8xf32>
    %up27 = arith.shli %s, %c27 : vector<16xi32>
    %low27 = arith.shrsi %up27, %c27 : vector<16xi32>
    %not2 = arith.sitofp %low27 : vector<16xi32> to vector<16xf32>
    %not3 = arith.sitofp %x : vector<16xi32> to vector<16xf32>
    return %slowf, %shighf, %ulowf, %uhighf, %product, %not1, %not2, %not3
        : vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>,
          vector<16xi32>, vector<8xf32>, vector<16xf32>, vector<16xf32>
  }
}

// -----
// The kernels convert unsigned codes with sitofp (exact: not negative):
// looked up in the 0..15 table. A uitofp of a signed code is not a code's
// value and stays. A signed low nibble both converted and multiplied as
// i32 gives one lookup of each type.
// CHECK-LABEL: func.func @converted_as_signed
// CHECK-SAME: (%[[BYTES:.*]]: vector<16xi8>, %[[X:.*]]: vector<16xi32>)
// CHECK-DAG: %[[UNSIGNED:.*]] = arith.constant dense<[0.000000e+00, 1.000000e+00, {{.*}}, 1.500000e+01]> : vector<16xf32>
// CHECK-DAG: %[[SIGNED:.*]] = arith.constant dense<[0.000000e+00, {{.*}}, -1.000000e+00]> : vector<16xf32>
// CHECK-DAG: %[[INTS:.*]] = arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1]> : vector<16xi32>
// CHECK-DAG: %[[U:.*]] = arith.extui %[[BYTES]] : vector<16xi8> to vector<16xi32>
// CHECK-DAG: %[[LOWF:.*]] = llvm.call_intrinsic "llvm.x86.avx512.permvar.sf.512"(%[[UNSIGNED]], %[[U]])
// CHECK-DAG: %[[HIGH:.*]] = arith.shrui %[[U]], %{{.*}} : vector<16xi32>
// CHECK-DAG: %[[HIGHF:.*]] = llvm.call_intrinsic "llvm.x86.avx512.permvar.sf.512"(%[[UNSIGNED]], %[[HIGH]])
// CHECK-DAG: %[[STAYS:.*]] = arith.uitofp %{{.*}} : vector<16xi32> to vector<16xf32>
// CHECK-DAG: %[[BOTHF:.*]] = llvm.call_intrinsic "llvm.x86.avx512.permvar.sf.512"(%[[SIGNED]], %[[X]])
// CHECK-DAG: %[[BOTHI:.*]] = llvm.call_intrinsic "llvm.x86.avx512.permvar.si.512"(%[[INTS]], %[[X]])
// CHECK-DAG: %[[PRODUCT:.*]] = arith.muli %[[BOTHI]], %[[X]] : vector<16xi32>
// CHECK: return %[[LOWF]], %[[HIGHF]], %[[STAYS]], %[[BOTHF]], %[[PRODUCT]]
#avx512 = #effai.target<name = "avx512", kind = cpu,
    triple = "x86_64-unknown-linux-gnu", cpu = "skylake-avx512",
    features = ["avx512f"], vector_bits = 512,
    vector_registers = 32, fma_latency = 4, fma_per_cycle = 2,
    loads_per_cycle = 2, clock_ghz = 3.0, cores = 1,
    peaks = <fp32 = 192.0, bf16 = 0.0, int8 = 0.0, int32 = 96.0>,
    memory = [#effai.memory<name = "DRAM", size = 17179869184, line = 64, ways = 0, shared_by = 1, bandwidth = 15.0, shared_bandwidth = 15.0>],
    fork_join_us = 2.0>
module attributes {effai.target = #avx512} {
  func.func @converted_as_signed(%bytes: vector<16xi8>, %x: vector<16xi32>)
      -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>,
          vector<16xi32>) {
    %c4 = arith.constant dense<4> : vector<16xi32>
    %c15 = arith.constant dense<15> : vector<16xi32>
    %c28 = arith.constant dense<28> : vector<16xi32>
    %u = arith.extui %bytes : vector<16xi8> to vector<16xi32>
    %low = arith.andi %u, %c15 : vector<16xi32>
    %lowf = arith.sitofp %low : vector<16xi32> to vector<16xf32>
    %high = arith.shrui %u, %c4 : vector<16xi32>
    %highf = arith.sitofp %high : vector<16xi32> to vector<16xf32>
    %s = arith.extsi %bytes : vector<16xi8> to vector<16xi32>
    %shigh = arith.shrsi %s, %c4 : vector<16xi32>
    %stays = arith.uitofp %shigh : vector<16xi32> to vector<16xf32>
    %up = arith.shli %x, %c28 : vector<16xi32>
    %both = arith.shrsi %up, %c28 : vector<16xi32>
    %bothf = arith.sitofp %both : vector<16xi32> to vector<16xf32>
    %product = arith.muli %both, %x : vector<16xi32>
    return %lowf, %highf, %stays, %bothf, %product
        : vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>,
          vector<16xi32>
  }
}

// -----
// 2-bit codes (four a byte): a field in the low 4 bits is looked up as the
// byte stands, from a table of that field's values (slot 0: 0 1 -2 -1
// repeated; slot 1: each value four times); the fields above take one
// shift by 4 (slot 2, in place of two) or keep their own (the top slot).
// Unsigned fields alike, masks and all.
// CHECK-LABEL: func.func @two_bit
// CHECK-SAME: (%[[BYTES:.*]]: vector<16xi8>)
// CHECK-DAG: %[[U1:.*]] = arith.constant dense<[0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 2.000000e+00, 2.000000e+00, 2.000000e+00, 2.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00]> : vector<16xf32>
// CHECK-DAG: %[[U0:.*]] = arith.constant dense<[0.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00, 0.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00, 0.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00, 0.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00]> : vector<16xf32>
// CHECK-DAG: %[[S1:.*]] = arith.constant dense<[0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, -2.000000e+00, -2.000000e+00, -2.000000e+00, -2.000000e+00, -1.000000e+00, -1.000000e+00, -1.000000e+00, -1.000000e+00]> : vector<16xf32>
// CHECK-DAG: %[[S0:.*]] = arith.constant dense<[0.000000e+00, 1.000000e+00, -2.000000e+00, -1.000000e+00, 0.000000e+00, 1.000000e+00, -2.000000e+00, -1.000000e+00, 0.000000e+00, 1.000000e+00, -2.000000e+00, -1.000000e+00, 0.000000e+00, 1.000000e+00, -2.000000e+00, -1.000000e+00]> : vector<16xf32>
// CHECK-DAG: %[[C4:.*]] = arith.constant dense<4> : vector<16xi32>
// CHECK-DAG: %[[C6:.*]] = arith.constant dense<6> : vector<16xi32>
// CHECK: %[[S:.*]] = arith.extsi %[[BYTES]]
// CHECK-NEXT: %[[F0:.*]] = llvm.call_intrinsic "llvm.x86.avx512.permvar.sf.512"(%[[S0]], %[[S]])
// CHECK-NEXT: %[[F1:.*]] = llvm.call_intrinsic "llvm.x86.avx512.permvar.sf.512"(%[[S1]], %[[S]])
// CHECK-NEXT: %[[D2:.*]] = arith.shrui %[[S]], %[[C4]]
// CHECK-NEXT: %[[F2:.*]] = llvm.call_intrinsic "llvm.x86.avx512.permvar.sf.512"(%[[S0]], %[[D2]])
// CHECK-NEXT: %[[D3:.*]] = arith.shrsi %[[S]], %[[C6]]
// CHECK-NEXT: %[[F3:.*]] = llvm.call_intrinsic "llvm.x86.avx512.permvar.sf.512"(%[[S0]], %[[D3]])
// CHECK-NEXT: %[[Z:.*]] = arith.extui %[[BYTES]]
// CHECK-NEXT: %[[G0:.*]] = llvm.call_intrinsic "llvm.x86.avx512.permvar.sf.512"(%[[U0]], %[[Z]])
// CHECK-NEXT: %[[G1:.*]] = llvm.call_intrinsic "llvm.x86.avx512.permvar.sf.512"(%[[U1]], %[[Z]])
// CHECK-NEXT: %[[E2:.*]] = arith.shrui %[[Z]], %[[C4]]
// CHECK-NEXT: %[[G2:.*]] = llvm.call_intrinsic "llvm.x86.avx512.permvar.sf.512"(%[[U0]], %[[E2]])
// CHECK-NEXT: %[[E3:.*]] = arith.shrui %[[Z]], %[[C6]]
// CHECK-NEXT: %[[G3:.*]] = llvm.call_intrinsic "llvm.x86.avx512.permvar.sf.512"(%[[U0]], %[[E3]])
// CHECK-NEXT: return %[[F0]], %[[F1]], %[[F2]], %[[F3]], %[[G0]], %[[G1]], %[[G2]], %[[G3]]
#avx512 = #effai.target<name = "avx512", kind = cpu,
    triple = "x86_64-unknown-linux-gnu", cpu = "skylake-avx512",
    features = ["avx512f"], vector_bits = 512,
    vector_registers = 32, fma_latency = 4, fma_per_cycle = 2,
    loads_per_cycle = 2, clock_ghz = 3.0, cores = 1,
    peaks = <fp32 = 192.0, bf16 = 0.0, int8 = 0.0, int32 = 96.0>,
    memory = [#effai.memory<name = "DRAM", size = 17179869184, line = 64, ways = 0, shared_by = 1, bandwidth = 15.0, shared_bandwidth = 15.0>],
    fork_join_us = 2.0>
module attributes {effai.target = #avx512} {
  func.func @two_bit(%bytes: vector<16xi8>)
      -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>,
          vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
    %c2 = arith.constant dense<2> : vector<16xi32>
    %c3 = arith.constant dense<3> : vector<16xi32>
    %c4 = arith.constant dense<4> : vector<16xi32>
    %c6 = arith.constant dense<6> : vector<16xi32>
    %c26 = arith.constant dense<26> : vector<16xi32>
    %c28 = arith.constant dense<28> : vector<16xi32>
    %c30 = arith.constant dense<30> : vector<16xi32>
    %s = arith.extsi %bytes : vector<16xi8> to vector<16xi32>
    %u0 = arith.shli %s, %c30 : vector<16xi32>
    %s0 = arith.shrsi %u0, %c30 : vector<16xi32>
    %f0 = arith.sitofp %s0 : vector<16xi32> to vector<16xf32>
    %u1 = arith.shli %s, %c28 : vector<16xi32>
    %s1 = arith.shrsi %u1, %c30 : vector<16xi32>
    %f1 = arith.sitofp %s1 : vector<16xi32> to vector<16xf32>
    %u2 = arith.shli %s, %c26 : vector<16xi32>
    %s2 = arith.shrsi %u2, %c30 : vector<16xi32>
    %f2 = arith.sitofp %s2 : vector<16xi32> to vector<16xf32>
    %s3 = arith.shrsi %s, %c6 : vector<16xi32>
    %f3 = arith.sitofp %s3 : vector<16xi32> to vector<16xf32>
    %z = arith.extui %bytes : vector<16xi8> to vector<16xi32>
    %z0 = arith.andi %z, %c3 : vector<16xi32>
    %g0 = arith.sitofp %z0 : vector<16xi32> to vector<16xf32>
    %d1 = arith.shrui %z, %c2 : vector<16xi32>
    %z1 = arith.andi %d1, %c3 : vector<16xi32>
    %g1 = arith.sitofp %z1 : vector<16xi32> to vector<16xf32>
    %d2 = arith.shrui %z, %c4 : vector<16xi32>
    %z2 = arith.andi %d2, %c3 : vector<16xi32>
    %g2 = arith.uitofp %z2 : vector<16xi32> to vector<16xf32>
    %z3 = arith.shrui %z, %c6 : vector<16xi32>
    %g3 = arith.sitofp %z3 : vector<16xi32> to vector<16xf32>
    return %f0, %f1, %f2, %f3, %g0, %g1, %g2, %g3
        : vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>,
          vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>
  }
}

// -----
// Without AVX-512 the decode keeps its shifts and conversion.
// CHECK-LABEL: func.func @no_avx512
// CHECK-NOT: llvm.call_intrinsic
// CHECK: arith.shli
// CHECK: arith.shrsi
// CHECK: arith.sitofp
#avx2 = #effai.target<name = "avx2", kind = cpu,
    triple = "x86_64-unknown-linux-gnu", cpu = "haswell",
    features = ["avx", "avx2", "fma"], vector_bits = 256,
    vector_registers = 16, fma_latency = 5, fma_per_cycle = 2,
    loads_per_cycle = 2, clock_ghz = 3.0, cores = 1,
    peaks = <fp32 = 96.0, bf16 = 0.0, int8 = 0.0, int32 = 48.0>,
    memory = [#effai.memory<name = "DRAM", size = 17179869184, line = 64, ways = 0, shared_by = 1, bandwidth = 15.0, shared_bandwidth = 15.0>],
    fork_join_us = 2.0>
module attributes {effai.target = #avx2} {
  func.func @no_avx512(%bytes: vector<16xi8>) -> vector<16xf32> {
    %c28 = arith.constant dense<28> : vector<16xi32>
    %s = arith.extsi %bytes : vector<16xi8> to vector<16xi32>
    %up = arith.shli %s, %c28 : vector<16xi32>
    %low = arith.shrsi %up, %c28 : vector<16xi32>
    %f = arith.sitofp %low : vector<16xi32> to vector<16xf32>
    return %f : vector<16xf32>
  }
}
