// effai-fpga-pipeline: an integer-only model to a folded accelerator for a
// part: conversion, the ReLU clamp folded into the conv's requantization,
// the part as the module's target and a fold on every PE.
// RUN: %effai_opt %S/../Tools/Inputs/integer-cnn.mlir --effai-fpga-pipeline="part=ice40up5k" | FileCheck %s
// RUN: %effai_opt %S/../Tools/Inputs/integer-cnn.mlir --effai-fpga-pipeline="part=xczu9eg utilization=0.5" | FileCheck %s --check-prefix=ZU9
// RUN: not %effai_opt %S/../Tools/Inputs/integer-cnn.mlir --effai-fpga-pipeline="part=sm_90" 2>&1 | FileCheck %s --check-prefix=NOT-FPGA

// CHECK: #target = #effai.target<name = "ice40up5k", kind = fpga
// CHECK: module attributes {effai.target = #target}
// CHECK: effai_fpga.accelerator @cnn
// CHECK: effai_fpga.conv2d {{.*}}fold = #effai_fpga.fold<{{.*}}requant = #effai_fpga.requant<{{.*}}min = 2, max = 255>
// CHECK-NOT: effai_fpga.clamp
// CHECK: effai_fpga.maxpool {{.*}}fold = #effai_fpga.fold<pe = 1, simd = 1, arithmetic = "none"
// CHECK: effai_fpga.linear {{.*}}fold = #effai_fpga.fold<
// CHECK-NOT: func.func

// ZU9: #effai.target<name = "xczu9eg", kind = fpga
// ZU9: effai_fpga.accelerator @cnn

// NOT-FPGA: error: {{.*}}FPGA
