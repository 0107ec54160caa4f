"""One fully parallel linear PE (4 x 16 int8 weights as constants, LUT
multipliers) synthesized by yosys with 0%, 50%, 75% and 90% of its weights
pruned (by magnitude): prints estimated and synthesized LUTs per pruned
fraction; fails unless both drop as the fraction grows."""
import json
import os
import subprocess
import sys

import numpy as np

effai_opt, effai_compile, work = sys.argv[1:4]
rng = np.random.default_rng(7)
dense = rng.integers(-127, 128, (4, 16))
dense[dense == 0] = 1
previous = None
for fraction in (0.0, 0.5, 0.75, 0.9):
    w = dense.copy()
    if fraction:
        w[np.abs(w) < np.quantile(np.abs(w), fraction)] = 0
    text = f"""effai_fpga.accelerator @pe inputs [#effai_fpga.port<name = "x", shape = [16], scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = [4], scales = [1.0], zero_point = 0>] {{
^bb0(%x: !effai_fpga.stream<16xui8>):
  %l = effai_fpga.linear %x {{weights = dense<{w.tolist()}> : tensor<4x16xi8>, bias = dense<0> : tensor<4xi32>, input_zero_point = 0, fold = #effai_fpga.fold<pe = 4, simd = 16, arithmetic = "lut-mul", storage = "registers", acc_bits = 24, fifo_depth = 2, skip_zeros = false>}} : !effai_fpga.stream<16xui8> -> !effai_fpga.stream<4xi32>
  effai_fpga.yield %l : !effai_fpga.stream<4xi32>
}}
"""
    path = os.path.join(work, f"pruned{int(100 * fraction)}.mlir")
    subprocess.run([effai_opt, "--effai-set-target=target=xczu9eg", "-o",
                    path], input=text, text=True, check=True)
    out = path[:-len(".mlir")]
    subprocess.run([effai_compile, path, "--target=fpga-synth", "-o", out],
                   check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(out, "report.json")) as f:
        pe = json.load(f)["accelerators"][0]["pes"][0]
    luts = (pe["resources"]["lut"], pe["synthesized"]["lut"])
    print(f"pruned {int(100 * fraction)}%: lut {luts[0]}/{luts[1]}")
    if previous and not (luts[0] < previous[0] and luts[1] < previous[1]):
        sys.exit("LUTs do not drop with the pruned fraction")
    previous = luts
