"""Prints an f16 linear layer as effai-lower-to-linalg leaves it: f16
activations, constant f16 weights stored [k, n] (pseudo-random, so that
nothing folds them), the product summed in f32 and rounded to f16 with a
bias added in f16.

Usage: f16_linear.py [M K N]   (default 128 256 128: whole mma.sync tiles)
"""
import sys

import numpy as np

m, k, n = (int(v) for v in sys.argv[1:4]) if len(sys.argv) > 3 else (128, 256, 128)
rng = np.random.default_rng(0)
weights = (rng.standard_normal((k, n)) / 16).astype(np.float16)
bias = rng.standard_normal(n).astype(np.float16)
print(f"""#x = affine_map<(m, n) -> (m, n)>
#row = affine_map<(m, n) -> (n)>
func.func @forward(%x: tensor<{m}x{k}xf16>) -> tensor<{m}x{n}xf16> {{
  %w = arith.constant dense<"0x{weights.tobytes().hex().upper()}"> : tensor<{k}x{n}xf16>
  %b = arith.constant dense<"0x{bias.tobytes().hex().upper()}"> : tensor<{n}xf16>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<{m}x{n}xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  %p = linalg.generic {{indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}} ins(%x, %w : tensor<{m}x{k}xf16>, tensor<{k}x{n}xf16>) outs(%f : tensor<{m}x{n}xf32>) {{
  ^bb0(%a: f16, %c: f16, %acc: f32):
    %ae = arith.extf %a : f16 to f32
    %ce = arith.extf %c : f16 to f32
    %prod = arith.mulf %ae, %ce fastmath<contract> : f32
    %sum = arith.addf %acc, %prod fastmath<contract> : f32
    linalg.yield %sum : f32
  }} -> tensor<{m}x{n}xf32>
  %eo = tensor.empty() : tensor<{m}x{n}xf16>
  %out = linalg.generic {{indexing_maps = [#x, #row, #x], iterator_types = ["parallel", "parallel"]}} ins(%p, %b : tensor<{m}x{n}xf32>, tensor<{n}xf16>) outs(%eo : tensor<{m}x{n}xf16>) {{
  ^bb0(%v: f32, %bv: f16, %o: f16):
    %t = arith.truncf %v : f32 to f16
    %s = arith.addf %t, %bv : f16
    linalg.yield %s : f16
  }} -> tensor<{m}x{n}xf16>
  return %out : tensor<{m}x{n}xf16>
}}""")
