# Bit-exact property test of the multiplication-free power-of-two kernels
# (effai-convert-shift-kernels): compiled linear layers against a NumPy
# reference that multiplies by 2^p, over random inputs and codes, including
# zeros, negatives, overflow to inf, underflow, subnormals, inf and NaN; and
# the integer-activation kernels (left shifts of uint8/int8 activations, then
# requantization rounding half to even and saturating) against multiplying.
# RUN: %python -m pytest -q -p no:cacheprovider %s

import math

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
    """Sums in the kernel's order, in float32: over k, each weight's terms
    added together first (x * w as one value), then into the sum."""
    codes = codes.reshape(N, K, terms)
    acc = np.zeros((M, N), np.float32)
    with np.errstate(invalid="ignore", over="ignore"):
        for k in range(K):
            product = term_reference(x[:, k:k + 1], codes[None, :, k, 0],
                                     min_exp)
            for t in range(1, terms):
                product = (product + term_reference(
                    x[:, k:k + 1], codes[None, :, k, t], min_exp)).astype(
                        np.float32)
            acc = (acc + product).astype(np.float32)
    return acc


def random_inputs(rng):
    x = (rng.standard_normal((M, K)) *
         np.exp2(rng.integers(-20, 20, (M, K)))).astype(np.float32)
    specials = np.array([0.0, -0.0, 3e38, -3e38, 1e-38, -2e-39, 1e-45,
                         np.inf, -np.inf, np.nan, 1.0, -1.5], np.float32)
    x.flat[rng.choice(x.size, specials.size, replace=False)] = specials
    return x


# 4-bit codes (7 levels) are read two to a byte (one term: the codes of
# two consecutive k; two terms: both of one weight), decoded in the kernel.
@pytest.mark.parametrize("terms,min_exp,max_exp,seed", [
    (1, -14, 0, 0), (2, -14, 0, 1), (2, -7, 8, 2), (1, -30, 30, 3),
    (1, -7, -1, 4), (2, -6, 0, 5)])
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


# --- Exact 8-bit codes on the CPU -------------------------------------------
# Where every weight's term sum fits i8 in units of 2^min_exp (terms = 2,
# bits = 4 but for 2^6 + 2^6), effai-cpu-pipeline reads those sums as i8
# codes (f32 x i8 kernels) and scales each output once: the result is the
# real-valued product up to f32 rounding, on odd shapes and remainders.

def pow2_module_text(codes, scales, m, k, n):
    # The codes as one constant (hex), as an importer writes them.
    hex_codes = codes.astype(np.int8).tobytes().hex()
    scale_list = ", ".join(repr(float(s)) for s in scales)
    enc = ("#effai.encoding<value = #effai.pow2<terms = 2, bits = 4, "
           f"min_exp = -6, max_exp = 0, scales = [{scale_list}]>>")
    return f"""
      func.func @main(%x: tensor<{m}x{k}xf32>) -> tensor<{m}x{n}xf32> {{
        %codes = arith.constant dense<"0x{hex_codes}"> : tensor<{n}x{k}x2xi8>
        %w = effai.pack %codes : tensor<{n}x{k}x2xi8> -> !effai.weight<{n}x{k}xf32, {enc}>
        %y = effai.linear %x, %w : (tensor<{m}x{k}xf32>, !effai.weight<{n}x{k}xf32, {enc}>) -> tensor<{m}x{n}xf32>
        return %y : tensor<{m}x{n}xf32>
      }}"""


@pytest.mark.parametrize("m,k,n,seed", [(1, 300, 33, 0), (5, 37, 19, 1),
                                        (17, 64, 48, 2)])
def test_integer_codes_match_real_product(m, k, n, seed):
    rng = np.random.default_rng(seed)
    codes = rng.integers(-7, 8, (n, k, 2)).astype(np.int8)
    codes[np.abs(codes).sum(axis=2) == 14] = 0  # keep |sums| < 128
    codes[0, 0] = [7, 6]  # the largest sum that fits: 96
    scales = rng.uniform(0.5, 2.0, n).astype(np.float32)
    terms = np.where(codes == 0, 0.0,
                     np.sign(codes) * np.exp2(np.abs(codes) - 1.0 - 6))
    w = terms.sum(axis=2) * scales[:, None].astype(np.float64)
    exe = effai.compile(effai.Module.parse(
        pow2_module_text(codes, scales, m, k, n)))
    x = rng.standard_normal((m, k)).astype(np.float32)
    want = x.astype(np.float64) @ w.T
    np.testing.assert_allclose(exe(x), want, rtol=1e-5,
                               atol=1e-5 * np.abs(want).max())


# --- Integer activations -----------------------------------------------------
# uint8/int8 activations times power-of-two weights: the inner loop shifts
# the centred activation left by k - 1 (no multiply); the i32 sum is then
# requantized by a fixed-point multiplier rounding half to even and
# saturating to int8. The reference multiplies instead, in Python integers.

def fixed_point(multiplier):
    """effai's M = m * 2^-shift (QuantizedOps.cpp getFixedPoint)."""
    mantissa, exponent = math.frexp(multiplier)
    m = math.floor(math.ldexp(mantissa, 31) + 0.5)
    if m == 1 << 31:
        m >>= 1
        exponent += 1
    shift = 31 - exponent
    if shift > 62:
        m >>= min(shift - 62, 62)
        shift = 62
    return m, shift


def round_half_even_shift(product, shift):
    floor = product >> shift
    remainder = product - (floor << shift)
    half = 1 << (shift - 1)
    return floor + int(remainder > half or (remainder == half and floor & 1))


def integer_reference(xq, zp, codes, x_scale, w_scales, min_exp, out_scale,
                      out_zp):
    """int8 result codes (sum (q - zp) * code value, requantized) and how
    many landed exactly half-way between two codes."""
    c = codes.astype(np.int64)
    values = np.where(c == 0, 0, np.sign(c) * (1 << np.maximum(
        np.abs(c) - 1, 0))).sum(axis=-1)                     # [N, K]
    acc = (xq.astype(np.int64) - zp) @ values.T               # [M, N]
    out = np.empty(acc.shape, np.int64)
    ties = 0
    for n in range(acc.shape[1]):
        m, shift = fixed_point(x_scale * w_scales[n] * 2.0 ** min_exp /
                               out_scale)
        for i in range(acc.shape[0]):
            product = int(acc[i, n]) * m
            ties += product % (1 << shift) == 1 << (shift - 1)
            out[i, n] = round_half_even_shift(product, shift)
    return np.clip(out + out_zp, -128, 127), ties


def integer_module_text(codes, min_exp, max_exp, terms, in_type, w_scales,
                        out_scale, out_zp):
    shape = f"{N}x{K}" + ("x2" if terms == 2 else "")
    # Constant codes (not reshaped): the accumulator bound is exact.
    nested = str((codes if terms == 2 else codes[..., 0]).tolist())
    scales = ", ".join(repr(float(s)) for s in w_scales)
    enc = (f"#effai.encoding<value = #effai.pow2<terms = {terms}, bits = 5, "
           f"min_exp = {min_exp}, max_exp = {max_exp}, scales = [{scales}]>>")
    xq = f"tensor<{M}x{K}x!quant.uniform<{in_type}>>"
    yq = f"tensor<{M}x{N}x!quant.uniform<i8:f32, {out_scale}:{out_zp}>>"
    return f"""
      func.func @main(%x: tensor<{M}x{K}xf32>) -> tensor<{M}x{N}xf32> {{
        %q = quant.qcast %x : tensor<{M}x{K}xf32> to {xq}
        %codes = arith.constant dense<{nested}> : tensor<{shape}xi8>
        %w = effai.pack %codes : tensor<{shape}xi8> -> !effai.weight<{N}x{K}xf32, {enc}>
        %y = effai.linear %q, %w : ({xq}, !effai.weight<{N}x{K}xf32, {enc}>) -> {yq}
        %f = quant.dcast %y : {yq} to tensor<{M}x{N}xf32>
        return %f : tensor<{M}x{N}xf32>
      }}"""


@pytest.mark.parametrize("terms,in_type,zp,out_scale,max_exp,dyadic,seed", [
    (1, "u8", 128, 0.5, 3, False, 0),   # unsigned, centred at 128
    (2, "u8", 3, 0.25, 3, False, 1),    # off-centre zero point: saturates
    (2, "i8", -5, 0.125, 3, False, 2),  # signed activations, both bounds
    # Power-of-two scales and codes +-1: requantization is a right shift by 3
    # and an eighth of the outputs are ties (half to even).
    (1, "i8", 0, 0.0078125, -6, True, 3)])
def test_integer_activations_bit_exact(terms, in_type, zp, out_scale, max_exp,
                                       dyadic, seed):
    rng = np.random.default_rng(seed)
    min_exp = -6
    levels = max_exp - min_exp + 1
    codes = rng.integers(-levels, levels + 1, (N, K, terms)).astype(np.int8)
    codes[0, :3] = 0                       # no term at all
    w_scales = np.ones(N) if dyadic else rng.uniform(0.5, 2.0, N)
    x_scale = 0.0625                       # power of two: inputs are exact
    lo, hi = (0, 255) if in_type == "u8" else (-128, 127)
    quant_in = f"{in_type}:f32, {x_scale}:{zp}"
    exe = effai.compile(effai.Module.parse(integer_module_text(
        codes, min_exp, max_exp, terms, quant_in, w_scales, out_scale, 2)))
    wants, ties = [], 0
    for _ in range(3):
        xq = rng.integers(lo, hi + 1, (M, K))
        xq[0, :4] = [lo, hi, zp, lo]       # extremes and the zero point
        x = ((xq - zp) * x_scale).astype(np.float32)
        got = exe(x)
        got_codes = np.round(got / out_scale).astype(np.int64) + 2
        want, tied = integer_reference(xq, zp, codes, x_scale, w_scales,
                                       min_exp, out_scale, 2)
        np.testing.assert_array_equal(got_codes, want)
        wants.append(want)
        ties += tied
    wants = np.concatenate(wants)
    assert (wants < 0).any()               # negative sums in every case
    if dyadic:
        assert ties > 0
    elif out_scale < 0.5:
        assert (wants == 127).any() and (wants == -128).any()
