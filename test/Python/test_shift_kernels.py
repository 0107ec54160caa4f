# Bit-exact property test of the multiplication-free power-of-two kernels
# (effai-convert-shift-kernels): compiled linear layers against a NumPy
# reference that multiplies by 2^p, over random inputs and codes, including
# zeros, negatives, overflow to inf, underflow, subnormals, inf and NaN.
# RUN: %python -m pytest -q -p no:cacheprovider %s

import numpy as np
import pytest

import effai

M, K, N = 5, 12, 7


def module_text(codes, min_exp, max_exp, terms):
    shape = f"{N}x{K}" + ("x2" if terms == 2 else "")
    flat = ", ".join(str(int(c)) for c in codes.flatten())
    levels = max_exp - min_exp + 1
    bits = next(b for b in range(2, 9) if (1 << (b - 1)) - 1 >= levels)
    enc = (f"#effai.encoding<value = #effai.pow2<terms = {terms}, bits = {bits}, "
           f"min_exp = {min_exp}, max_exp = {max_exp}>>")
    return f"""
      func.func @main(%x: tensor<{M}x{K}xf32>) -> tensor<{M}x{N}xf32> {{
        %c = arith.constant dense<[{flat}]> : tensor<{codes.size}xi8>
        %shape = arith.constant dense<[{shape.replace('x', ', ')}]> : tensor<{shape.count('x') + 1}xindex>
        %codes = tensor.reshape %c(%shape) : (tensor<{codes.size}xi8>, tensor<{shape.count('x') + 1}xindex>) -> tensor<{shape}xi8>
        %w = effai.pack %codes : tensor<{shape}xi8> -> !effai.weight<{N}x{K}xf32, {enc}>
        %y = effai.linear %x, %w : (tensor<{M}x{K}xf32>, !effai.weight<{N}x{K}xf32, {enc}>) -> tensor<{M}x{N}xf32>
        return %y : tensor<{M}x{N}xf32>
      }}"""


def term_reference(x, code, min_exp):
    """x * ±2^p in float32, subnormal inputs and results flushed to a
    signed zero; a zero code contributes 0."""
    x = np.where(np.abs(x) < np.finfo(np.float32).tiny,
                 np.copysign(np.float32(0), x), x).astype(np.float32)
    p = np.abs(code).astype(np.int32) + min_exp - 1
    with np.errstate(over="ignore", invalid="ignore"):
        y = np.ldexp(x, p).astype(np.float32)
    y = np.where(np.abs(y) < np.finfo(np.float32).tiny,
                 np.copysign(np.float32(0), y), y).astype(np.float32)
    y = np.where(code < 0, -y, y)
    return np.where(code == 0, np.float32(0), y).astype(np.float32)


def reference(x, codes, min_exp, terms):
    """Sums in the kernel's order: over k, terms in order, in float32."""
    codes = codes.reshape(N, K, terms)
    acc = np.zeros((M, N), np.float32)
    with np.errstate(invalid="ignore", over="ignore"):
        for k in range(K):
            for t in range(terms):
                acc = (acc + term_reference(x[:, k:k + 1], codes[None, :, k, t],
                                            min_exp)).astype(np.float32)
    return acc


def random_inputs(rng):
    x = (rng.standard_normal((M, K)) *
         np.exp2(rng.integers(-20, 20, (M, K)))).astype(np.float32)
    specials = np.array([0.0, -0.0, 3e38, -3e38, 1e-38, -2e-39, 1e-45,
                         np.inf, -np.inf, np.nan, 1.0, -1.5], np.float32)
    x.flat[rng.choice(x.size, specials.size, replace=False)] = specials
    return x


@pytest.mark.parametrize("terms,min_exp,max_exp,seed", [
    (1, -14, 0, 0), (2, -14, 0, 1), (2, -7, 8, 2), (1, -30, 30, 3)])
def test_bit_exact_against_multiply_by_power_of_two(terms, min_exp, max_exp,
                                                    seed):
    rng = np.random.default_rng(seed)
    levels = max_exp - min_exp + 1
    codes = rng.integers(-levels, levels + 1, (N, K, terms)).astype(np.int8)
    exe = effai.compile(effai.Module.parse(
        module_text(codes, min_exp, max_exp, terms)))
    for _ in range(3):
        x = random_inputs(rng)
        got = exe(x)
        want = reference(x, codes, min_exp, terms)
        assert np.array_equal(got.view(np.uint32), want.view(np.uint32)) or \
            np.array_equal(np.isnan(got), np.isnan(want)) and \
            np.array_equal(got[~np.isnan(got)].view(np.uint32),
                           want[~np.isnan(want)].view(np.uint32)), (got, want)
