"""Prints a w8a8 linear layer as effai-integerize leaves it: u8 activations
from a quantizing op, constant i8 weights stored [k, n] (pseudo-random,
so that nothing folds them), the i32 sum requantized to u8.

Usage: int8_linear.py [M K N]   (default 256 512 256: whole mma.sync tiles)
"""
import sys

import numpy as np

m, k, n = (int(v) for v in sys.argv[1:4]) if len(sys.argv) > 3 else (256, 512, 256)
weights = np.random.default_rng(0).integers(-128, 128, (k, n), dtype=np.int8)
print(f"""#x = affine_map<(m, n) -> (m, n)>
func.func @forward(%x: tensor<{m}x{k}xf32>) -> tensor<{m}x{n}xi8> {{
  %w = arith.constant dense<"0x{weights.tobytes().hex().upper()}"> : tensor<{k}x{n}xi8>
  %zero = arith.constant 0 : i32
  %scale = arith.constant 0.125 : f32
  %e8 = tensor.empty() : tensor<{m}x{k}xi8>
  %q = linalg.generic {{indexing_maps = [#x, #x], iterator_types = ["parallel", "parallel"]}} ins(%x : tensor<{m}x{k}xf32>) outs(%e8 : tensor<{m}x{k}xi8>) {{
  ^bb0(%v: f32, %o: i8):
    %s = arith.mulf %v, %scale : f32
    %r = math.roundeven %s : f32
    %c0 = arith.constant 0.0 : f32
    %c255 = arith.constant 255.0 : f32
    %lo = arith.maximumf %r, %c0 : f32
    %hi = arith.minimumf %lo, %c255 : f32
    %u = arith.fptoui %hi : f32 to i8
    linalg.yield %u : i8
  }} -> tensor<{m}x{k}xi8>
  %e = tensor.empty() : tensor<{m}x{n}xi32>
  %f = linalg.fill ins(%zero : i32) outs(%e : tensor<{m}x{n}xi32>) -> tensor<{m}x{n}xi32>
  %p = linalg.generic {{indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}} ins(%q, %w : tensor<{m}x{k}xi8>, tensor<{k}x{n}xi8>) outs(%f : tensor<{m}x{n}xi32>) {{
  ^bb0(%a: i8, %b: i8, %acc: i32):
    %ae = arith.extui %a : i8 to i32
    %be = arith.extsi %b : i8 to i32
    %prod = arith.muli %ae, %be : i32
    %sum = arith.addi %acc, %prod : i32
    linalg.yield %sum : i32
  }} -> tensor<{m}x{n}xi32>
  %eo = tensor.empty() : tensor<{m}x{n}xi8>
  %out = linalg.generic {{indexing_maps = [#x, #x], iterator_types = ["parallel", "parallel"]}} ins(%p : tensor<{m}x{n}xi32>) outs(%eo : tensor<{m}x{n}xi8>) {{
  ^bb0(%v: i32, %o: i8):
    %c0 = arith.constant 0 : i32
    %c255 = arith.constant 255 : i32
    %sh = arith.constant 9 : i32
    %d = arith.shrsi %v, %sh : i32
    %lo = arith.maxsi %d, %c0 : i32
    %hi = arith.minsi %lo, %c255 : i32
    %t = arith.trunci %hi : i32 to i8
    linalg.yield %t : i8
  }} -> tensor<{m}x{n}xi8>
  return %out : tensor<{m}x{n}xi8>
}}""")
