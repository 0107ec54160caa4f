// Clamps fold into the requantization they follow, into each other, and
// disappear when they clamp nothing.
// RUN: %effai_opt %s --canonicalize -split-input-file | FileCheck %s

// CHECK-LABEL: effai_fpga.accelerator @relu_into_requant
// CHECK: effai_fpga.linear {{.*}}requant = #effai_fpga.requant<multipliers = [1073741824], shifts = [31], zero_point = 3, min = 3, max = 200>
// CHECK-NOT: effai_fpga.clamp
effai_fpga.accelerator @relu_into_requant inputs [#effai_fpga.port<name = "x", shape = [8], scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = [2], scales = [1.0], zero_point = 3>] {
^bb0(%x: !effai_fpga.stream<8xui8>):
  %l = effai_fpga.linear %x {weights = dense<1> : tensor<2x8xi8>, bias = dense<0> : tensor<2xi32>, input_zero_point = 0, requant = #effai_fpga.requant<multipliers = [1073741824], shifts = [31], zero_point = 3, min = 0, max = 255>} : !effai_fpga.stream<8xui8> -> !effai_fpga.stream<2xui8>
  %r = effai_fpga.clamp %l {min = 3, max = 255} : !effai_fpga.stream<2xui8> -> !effai_fpga.stream<2xui8>
  %s = effai_fpga.clamp %r {min = 0, max = 200} : !effai_fpga.stream<2xui8> -> !effai_fpga.stream<2xui8>
  effai_fpga.yield %s : !effai_fpga.stream<2xui8>
}

// -----

// A clamp of the input stream stays (no requantization to fold into); the
// one after it merges; the full-range one goes.
// CHECK-LABEL: effai_fpga.accelerator @clamps
// CHECK: %[[C:.*]] = effai_fpga.clamp %{{.*}} {max = 100 : i64, min = 5 : i64}
// CHECK-NEXT: effai_fpga.yield %[[C]]
effai_fpga.accelerator @clamps inputs [#effai_fpga.port<name = "x", shape = [8], scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = [8], scales = [1.0], zero_point = 0>] {
^bb0(%x: !effai_fpga.stream<8xi8>):
  %a = effai_fpga.clamp %x {min = 5, max = 127} : !effai_fpga.stream<8xi8> -> !effai_fpga.stream<8xi8>
  %b = effai_fpga.clamp %a {min = -128, max = 100} : !effai_fpga.stream<8xi8> -> !effai_fpga.stream<8xi8>
  %c = effai_fpga.clamp %b {min = -128, max = 127} : !effai_fpga.stream<8xi8> -> !effai_fpga.stream<8xi8>
  effai_fpga.yield %c : !effai_fpga.stream<8xi8>
}
