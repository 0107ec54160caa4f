# Numeric test of Winograd F(2x2, 3x3) convolutions (effai-winograd-conv):
# convolution generics marked winograd-f2x2-3x3 by hand (so the transformed
# path runs whatever the host's roofline would choose), compiled with the
# whole CPU pipeline and run against PyTorch. Even and odd output sizes
# (odd ones pad to whole 2x2 tiles and slice), an input padded by the
# module or already padded, one channel, a bias/ReLU epilogue, threads.
# RUN: %python -m pytest -q -p no:cacheprovider %s

import numpy as np
import pytest

import effai


def blob(name, array):
    """A dialect-resource entry holding `array` as f32."""
    data = np.ascontiguousarray(array, dtype=np.float32).tobytes().hex()
    return f'      {name}: "0x04000000{data}"'


def conv_module(c, h, w, oc, algorithm, pad, epilogue):
    """`y = conv3x3(x, w)` (+ bias, ReLU) as effai-lower-to-linalg builds it,
    the convolution marked with `algorithm`; `pad` zero-pads the input by
    one pixel inside the module (a `same` convolution)."""
    ph, pw = (h + 2, w + 2) if pad else (h, w)
    oh, ow = ph - 2, pw - 2
    shape = f"1x{oc}x{oh}x{ow}xf32"
    xin = f"tensor<1x{c}x{ph}x{pw}xf32>"
    padding = ""
    source = "%x"
    if pad:
        padding = f"""
  %xp = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {{
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zero : f32
  }} : tensor<1x{c}x{h}x{w}xf32> to {xin}"""
        source = "%xp"
    tail, extra = "%r", ""
    if epilogue:
        ident = "affine_map<(a, b, c, d) -> (a, b, c, d)>"
        extra = f"""
  %e2 = tensor.empty() : tensor<{shape}>
  %y = linalg.generic {{indexing_maps = [{ident},
      affine_map<(a, b, c, d) -> (b)>, {ident}],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}}
      ins(%r, %bias : tensor<{shape}>, tensor<{oc}xf32>)
      outs(%e2 : tensor<{shape}>) {{
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    %m = arith.maxnumf %s, %zero : f32
    linalg.yield %m : f32
  }} -> tensor<{shape}>"""
        tail = "%y"
    mark = (f'#effai.conv_algorithm<algorithm = "{algorithm}", '
            'direct_us = 1.0, winograd_us = 1.0>')
    return f"""func.func @main(%x: tensor<1x{c}x{h}x{w}xf32> {{effai.name = "x"}}) -> (tensor<{shape}> {{effai.name = "y"}}) {{
  %w = arith.constant dense_resource<w> : tensor<{oc}x{c}x3x3xf32>
  %bias = arith.constant dense_resource<bias> : tensor<{oc}xf32>
  %zero = arith.constant 0.0 : f32{padding}
  %e = tensor.empty() : tensor<{shape}>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<{shape}>) -> tensor<{shape}>
  %r = linalg.generic {{indexing_maps = [
      affine_map<(n, o, h, w, c, kh, kw) -> (n, c, h + kh, w + kw)>,
      affine_map<(n, o, h, w, c, kh, kw) -> (o, c, kh, kw)>,
      affine_map<(n, o, h, w, c, kh, kw) -> (n, o, h, w)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel",
                        "reduction", "reduction", "reduction"],
      effai.conv_algorithm = {mark}}}
      ins({source}, %w : {xin}, tensor<{oc}x{c}x3x3xf32>)
      outs(%f : tensor<{shape}>) {{
  ^bb0(%i: f32, %wt: f32, %acc: f32):
    %p = arith.mulf %i, %wt : f32
    %q = arith.addf %acc, %p : f32
    linalg.yield %q : f32
  }} -> tensor<{shape}>{extra}
  return {tail} : tensor<{shape}>
}}
"""


def run_conv(c, h, w, oc, algorithm="winograd-f2x2-3x3", pad=True,
             epilogue=False, parallel=False):
    """Relative error of the compiled convolution against PyTorch's."""
    import torch
    rng = np.random.default_rng(c * 31 + h * 7 + oc)
    x = rng.standard_normal((1, c, h, w)).astype(np.float32)
    weight = rng.standard_normal((oc, c, 3, 3)).astype(np.float32)
    bias = rng.standard_normal(oc).astype(np.float32)
    text = conv_module(c, h, w, oc, algorithm, pad, epilogue)
    text += ("{-#\n  dialect_resources: {\n    builtin: {\n" +
             ",\n".join([blob("w", weight), blob("bias", bias)]) +
             "\n    }\n  }\n#-}\n")
    exe = effai.compile(effai.Module.parse(text), parallel=parallel)
    got = exe(x)
    want = torch.nn.functional.conv2d(
        torch.from_numpy(x).double(), torch.from_numpy(weight).double(),
        padding=1 if pad else 0).numpy()
    if epilogue:
        want = np.maximum(want + bias.reshape(1, -1, 1, 1), 0)
    assert got.shape == want.shape
    return float(np.abs(got - want).max() / np.abs(want).max())


# F(2x2, 3x3) rounds a little more than the direct sum (the transforms
# add up to 16 terms with coefficients 1/2): errors stay near 1e-6.
TOLERANCE = 1e-5


@pytest.mark.parametrize("c,h,w,oc,pad,epilogue", [
    (3, 8, 8, 5, True, False),      # whole tiles
    (4, 7, 9, 6, True, True),       # odd: one more padded row and column
    (1, 6, 6, 1, False, False),     # already padded, one channel, 4x4 out
    (5, 9, 6, 3, False, True),      # already padded, odd rows: a second pad
    (32, 14, 14, 48, True, True),   # GEMMs the kernels block and pack
])
def test_winograd_conv(c, h, w, oc, pad, epilogue):
    assert run_conv(c, h, w, oc, pad=pad, epilogue=epilogue) < TOLERANCE


def test_winograd_conv_threads():
    assert run_conv(16, 12, 12, 32, epilogue=True, parallel=True) < TOLERANCE


def test_direct_marked_conv_stays_direct():
    assert run_conv(4, 7, 9, 6, algorithm="direct", epilogue=True) < 1e-6
