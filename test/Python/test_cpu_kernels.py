# Numeric test of the register-blocked contraction kernels
# (effai-tile-and-fuse): matmuls, linear layers and convolutions with
# explicit #effai.tiling (so every path runs whatever the host), compiled
# and run against NumPy / PyTorch. Odd sizes on purpose: row tiles with
# remainders along both box dimensions, columns that are not a multiple of
# the vector tile (masked lanes), k blocks with a short last block, A
# packing, B read in place or packed at compile time, fused epilogues
# (bias, ReLU, residual add) and threads split along m and n.
# RUN: %python -m pytest -q -p no:cacheprovider %s

import numpy as np
import pytest

import effai


def blob(name, array):
    """A dialect-resource entry holding `array` as f32."""
    data = np.ascontiguousarray(array, dtype=np.float32).tobytes().hex()
    return f'      {name}: "0x04000000{data}"'


def tiling(**fields):
    values = dict(kernel='"contraction"', lanes=16, mr="[4]", nr=32, kc=64,
                  mc=16, nc=64, pack_a="false", pack_b='"compile"',
                  threads=1, parallel='"none"', epilogue="false")
    values.update(fields)
    body = ", ".join(f"{k} = {v}" for k, v in values.items())
    return (f"#effai.tiling<{body}, intensity = 1.0, bound = \"compute\", "
            "predicted_us = 1.0>")


def compile_module(text, blobs, parallel=False):
    text += ("{-#\n  dialect_resources: {\n    builtin: {\n" +
             ",\n".join(blobs) + "\n    }\n  }\n#-}\n")
    return effai.compile(effai.Module.parse(text), parallel=parallel)


def relative_error(got, want):
    return float(np.abs(got - want).max() / np.abs(want).max())


RELU_BIAS = """
  %e2 = tensor.empty() : tensor<{shape}>
  %y = linalg.generic {{indexing_maps = [{ident}, {bias_map}, {ident}],
      iterator_types = [{iters}]}}
      ins(%r, %bias : tensor<{shape}>, tensor<{n}xf32>)
      outs(%e2 : tensor<{shape}>) {{
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    %z = arith.constant 0.0 : f32
    %m = arith.maxnumf %s, %z : f32
    linalg.yield %m : f32
  }} -> tensor<{shape}>"""


def run_gemm(m, k, n, epilogue=False, b_input=False, threads=1, **fields):
    rng = np.random.default_rng(m * 131 + k * 7 + n)
    x = rng.standard_normal((m, k)).astype(np.float32)
    w = rng.standard_normal((k, n)).astype(np.float32)
    bias = rng.standard_normal(n).astype(np.float32)
    if threads > 1:
        fields.setdefault("parallel", '"m"')
    t = tiling(epilogue="true" if epilogue else "false", threads=threads,
               pack_b='"none"' if b_input else '"compile"', **fields)
    shape = f"{m}x{n}xf32"
    args = f'%x: tensor<{m}x{k}xf32> {{effai.name = "x"}}'
    if b_input:
        args += f', %w: tensor<{k}x{n}xf32> {{effai.name = "w"}}'
    weight = "" if b_input else (
        f"  %w = arith.constant dense_resource<w> : tensor<{k}x{n}xf32>\n")
    tail = "%r"
    extra = ""
    if epilogue:
        extra = RELU_BIAS.format(
            shape=shape, n=n, ident="affine_map<(i, j) -> (i, j)>",
            bias_map="affine_map<(i, j) -> (j)>",
            iters='"parallel", "parallel"')
        tail = "%y"
    text = f"""func.func @main({args}) -> (tensor<{shape}> {{effai.name = "y"}}) {{
{weight}  %bias = arith.constant dense_resource<bias> : tensor<{n}xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<{shape}>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<{shape}>) -> tensor<{shape}>
  %r = linalg.matmul {{effai.tiling = {t}}}
      ins(%x, %w : tensor<{m}x{k}xf32>, tensor<{k}x{n}xf32>)
      outs(%f : tensor<{shape}>) -> tensor<{shape}>{extra}
  return {tail} : tensor<{shape}>
}}
"""
    blobs = [blob("bias", bias)] + ([] if b_input else [blob("w", w)])
    exe = compile_module(text, blobs, parallel=threads > 1)
    got = exe(x, w) if b_input else exe(x)
    want = x @ w
    if epilogue:
        want = np.maximum(want + bias, 0)
    return relative_error(got, want)


GEMMS = [
    # (m, k, n, fields)
    (96, 256, 200, dict(pack_a="true", kc=64, mc=48, nc=128, mr="[12]")),
    (37, 70, 45, dict(pack_a="true", kc=32, mc=24, nc=64, mr="[12]")),
    (37, 70, 45, dict(kc=32, mc=24, nc=64, mr="[12]")),
    (1, 300, 100, dict(mr="[1]", nr=64, kc=300, mc=1, nc=128)),
    (7, 5, 3, dict(mr="[3]", nr=16, kc=5, mc=6, nc=16)),
]


@pytest.mark.parametrize("m,k,n,fields", GEMMS)
def test_gemm(m, k, n, fields):
    assert run_gemm(m, k, n, **fields) < 1e-5


@pytest.mark.parametrize("m,k,n,fields", GEMMS[1:3])
def test_gemm_epilogue(m, k, n, fields):
    assert run_gemm(m, k, n, epilogue=True, **fields) < 1e-5


def test_gemm_second_input_in_place():
    assert run_gemm(33, 20, 50, b_input=True, epilogue=True) < 1e-5


@pytest.mark.parametrize("parallel,fields", [
    ('"n"', dict(mr="[4]", mc=16, nc=32)),
    ('"m"', dict(mr="[4]", mc=16, nc=64, pack_a="true")),
])
def test_gemm_threads(parallel, fields):
    assert run_gemm(41, 64, 96, threads=2, parallel=parallel, **fields) < 1e-5


def conv_function(args, c, h, w, oc, kh, kw, stride, t, codes=False,
                  extra="", tail="%r"):
    """@main over a direct convolution generic (NCHW input, OIHW weight
    `w`; `codes`: i8 codes converted in the body, else f32 and a `bias`
    resource), `extra` ops after it, returning `tail`."""
    oh, ow = (h - kh) // stride + 1, (w - kw) // stride + 1
    shape = f"1x{oc}x{oh}x{ow}xf32"
    wt = "i8" if codes else "f32"
    bias = ("" if codes else
            f"  %bias = arith.constant dense_resource<bias> : tensor<{oc}xf32>\n")
    convert = "    %wf = arith.sitofp %wt : i8 to f32\n" if codes else ""
    return f"""func.func @main({args}) -> (tensor<{shape}> {{effai.name = "y"}}) {{
  %w = arith.constant dense_resource<w> : tensor<{oc}x{c}x{kh}x{kw}x{wt}>
{bias}  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<{shape}>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<{shape}>) -> tensor<{shape}>
  %r = linalg.generic {{indexing_maps = [
      affine_map<(n, o, h, w, c, kh, kw) -> (n, c, h * {stride} + kh, w * {stride} + kw)>,
      affine_map<(n, o, h, w, c, kh, kw) -> (o, c, kh, kw)>,
      affine_map<(n, o, h, w, c, kh, kw) -> (n, o, h, w)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel",
                        "reduction", "reduction", "reduction"],
      effai.tiling = {t}}}
      ins(%x, %w : tensor<1x{c}x{h}x{w}xf32>, tensor<{oc}x{c}x{kh}x{kw}x{wt}>)
      outs(%f : tensor<{shape}>) {{
  ^bb0(%i: f32, %wt: {wt}, %acc: f32):
{convert}    %p = arith.mulf %i, {"%wf" if codes else "%wt"} : f32
    %q = arith.addf %acc, %p : f32
    linalg.yield %q : f32
  }} -> tensor<{shape}>{extra}
  return {tail} : tensor<{shape}>
}}
"""


def run_conv(c, h, w, oc, kh, kw, stride, mr, epilogue=False,
             residual=False, **fields):
    import torch
    rng = np.random.default_rng(c * 17 + oc)
    oh, ow = (h - kh) // stride + 1, (w - kw) // stride + 1
    x = rng.standard_normal((1, c, h, w)).astype(np.float32)
    weight = rng.standard_normal((oc, c, kh, kw)).astype(np.float32)
    bias = rng.standard_normal(oc).astype(np.float32)
    res = rng.standard_normal((1, oc, oh, ow)).astype(np.float32)
    t = tiling(mr=mr, epilogue="true" if epilogue else "false", **fields)
    shape = f"1x{oc}x{oh}x{ow}xf32"
    extra, tail = "", "%r"
    if epilogue:
        ident = "affine_map<(a, b, c, d) -> (a, b, c, d)>"
        ins = "%r, %bias" + (", %res" if residual else "")
        types = f"tensor<{shape}>, tensor<{oc}xf32>" + (
            f", tensor<{shape}>" if residual else "")
        maps = f"{ident}, affine_map<(a, b, c, d) -> (b)>" + (
            f", {ident}" if residual else "")
        args = "%a: f32, %b: f32" + (", %q: f32" if residual else "")
        add = ("%s2 = arith.addf %s, %q : f32" if residual
               else "%s2 = arith.addf %s, %z : f32")
        extra = f"""
  %e2 = tensor.empty() : tensor<{shape}>
  %y = linalg.generic {{indexing_maps = [{maps}, {ident}],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}}
      ins({ins} : {types}) outs(%e2 : tensor<{shape}>) {{
  ^bb0({args}, %o: f32):
    %z = arith.constant 0.0 : f32
    %s = arith.addf %a, %b : f32
    {add}
    %m = arith.maxnumf %s2, %z : f32
    linalg.yield %m : f32
  }} -> tensor<{shape}>"""
        tail = "%y"
    args = f'%x: tensor<1x{c}x{h}x{w}xf32> {{effai.name = "x"}}'
    if residual:
        args += f', %res: tensor<{shape}> {{effai.name = "res"}}'
    text = conv_function(args, c, h, w, oc, kh, kw, stride, t, extra=extra,
                         tail=tail)
    exe = compile_module(text, [blob("w", weight), blob("bias", bias)])
    got = exe(x, res) if residual else exe(x)
    want = torch.nn.functional.conv2d(torch.from_numpy(x),
                                      torch.from_numpy(weight),
                                      stride=stride).numpy()
    if epilogue:
        want = want + bias.reshape(1, -1, 1, 1)
        if residual:
            want = want + res
        want = np.maximum(want, 0)
    return relative_error(got, want)


CONVS = [
    # (c, h, w, oc, kh, kw, stride, mr, epilogue, residual, fields)
    (8, 10, 12, 32, 3, 3, 1, "[2, 5]", False, False, dict(kc=72, mc=8, nc=32)),
    (8, 10, 12, 40, 3, 3, 1, "[3, 4]", True, False, dict(kc=72, mc=9, nc=64)),
    (3, 15, 15, 64, 7, 7, 2, "[1, 5]", True, True, dict(kc=147, mc=5, nc=64)),
    (16, 9, 9, 32, 1, 1, 1, "[9]", True, False, dict(kc=16, mc=9, nc=32)),
    (1, 10, 10, 8, 3, 3, 1, "[2, 8]", False, False,
     dict(nr=16, kc=9, mc=8, nc=16)),
]


@pytest.mark.parametrize("c,h,w,oc,kh,kw,stride,mr,epilogue,residual,fields",
                         CONVS)
def test_conv(c, h, w, oc, kh, kw, stride, mr, epilogue, residual, fields):
    assert run_conv(c, h, w, oc, kh, kw, stride, mr, epilogue, residual,
                    **fields) < 1e-5


@pytest.mark.parametrize("sizes,parallel", [
    ((128, 256, 256), False), ((128, 256, 256), True),
    ((48, 96, 96, 96, 10), False)])
def test_mlp_chain(sizes, parallel):
    """Same-shaped linear layers in a chain (the host's own tiling): a
    fused epilogue must not write the buffer its contraction still reads,
    which bufferization would hand it once the layer's input is dead."""
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(len(sizes))
    nodes, weights, x, ref = [], [], "x", None
    data = rng.standard_normal((1, sizes[0])).astype(np.float32)
    ref = data.astype(np.float64)
    for i, (k, n) in enumerate(zip(sizes[:-1], sizes[1:])):
        w = rng.standard_normal((n, k)).astype(np.float32) / np.sqrt(k)
        b = rng.standard_normal(n).astype(np.float32)
        weights += [numpy_helper.from_array(w, f"w{i}"),
                    numpy_helper.from_array(b, f"b{i}")]
        nodes.append(helper.make_node("Gemm", [x, f"w{i}", f"b{i}"],
                                      [f"h{i}"], transB=1))
        nodes.append(helper.make_node("Relu", [f"h{i}"], [f"r{i}"]))
        x = f"r{i}"
        ref = np.maximum(ref @ w.T.astype(np.float64) + b, 0)
    graph = helper.make_graph(
        nodes, "mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                       [1, sizes[0]])],
        [helper.make_tensor_value_info(x, TensorProto.FLOAT,
                                       [1, sizes[-1]])], weights)
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 17)])
    got = effai.compile(model, parallel=parallel)(data)
    assert relative_error(got, ref) < 1e-5


@pytest.mark.parametrize("m,k,n,parallel,bits", [
    (1, 37, 45, False, 8), (3, 64, 100, False, 8), (5, 300, 33, True, 8),
    (1, 1024, 512, True, 8), (1, 37, 45, False, 4), (3, 300, 33, True, 4),
    (2, 64, 17, False, 3), (1, 64, 40, False, 2)])
def test_weight_only_linear(m, k, n, parallel, bits):
    """Weight-only int2-int8 (effai-quantize{weight-bits=B}): the kernel
    reads i8 codes (narrower ones widened at compile time), converts them
    in registers and scales each output after the sum; odd n exercises
    masked lanes, small m single-row tiles."""
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(m * 1000 + k + n)
    x = rng.standard_normal((m, k)).astype(np.float32)
    w = rng.standard_normal((n, k)).astype(np.float32)
    b = rng.standard_normal(n).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("Gemm", ["x", "w", "b"], ["y"], transB=1)], "fc",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [m, k])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [m, n])],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 17)])
    module = effai.import_onnx(model).run_pipeline(
        f"effai-quantize{{weight-bits={bits}}}")
    assert f"xi{bits}>" in str(module)
    got = effai.compile(module, parallel=parallel)(x)
    qmax = 2 ** (bits - 1) - 1
    scale = np.abs(w).max(axis=1, keepdims=True).astype(np.float64) / qmax
    codes = np.clip(np.round(w / scale), -qmax, qmax)
    want = x.astype(np.float64) @ (codes * scale).T + b
    assert relative_error(got, want) < 1e-5


def run_packed_codes(m, k, n, signed, acc="f32", machine=None, threads=1,
                     bits=4, **fields):
    """A contraction against constant i8 codes that fit `bits` (4 or 2)
    bits, with b_bits = bits: packed 8 / bits to a byte at compile time and
    decoded in the kernel (table lookups where the host has AVX-512, shifts
    elsewhere and with machine = "x86-avx2"). Codes read [N, K] like a
    linear layer's weight."""
    rng = np.random.default_rng(m * 7 + k * 3 + n + signed + bits)
    half = 2 ** (bits - 1)
    low, high = (-half, half) if signed else (0, 2 * half)
    codes = rng.integers(low, high, (n, k)).astype(np.int8)
    if acc == "f32":
        x = rng.standard_normal((m, k)).astype(np.float32)
    else:
        x = rng.integers(-300, 300, (m, k)).astype(np.int32)
    if threads > 1:
        fields.setdefault("parallel", '"n"')
    t = tiling(b_bits=bits, threads=threads, **fields)
    widen = ("arith.sitofp" if signed else "arith.uitofp") if acc == "f32" \
        else ("arith.extsi" if signed else "arith.extui")
    mul, add, zero = (("arith.mulf", "arith.addf", "0.0") if acc == "f32"
                      else ("arith.muli", "arith.addi", "0"))
    shape = f"{m}x{n}x{acc}"
    text = f"""func.func @main(%x: tensor<{m}x{k}x{acc}> {{effai.name = "x"}}) -> (tensor<{shape}> {{effai.name = "y"}}) {{
  %w = arith.constant dense_resource<w> : tensor<{n}x{k}xi8>
  %zero = arith.constant {zero} : {acc}
  %e = tensor.empty() : tensor<{shape}>
  %f = linalg.fill ins(%zero : {acc}) outs(%e : tensor<{shape}>) -> tensor<{shape}>
  %r = linalg.generic {{indexing_maps = [affine_map<(m, k, n) -> (m, k)>,
      affine_map<(m, k, n) -> (n, k)>, affine_map<(m, k, n) -> (m, n)>],
      iterator_types = ["parallel", "reduction", "parallel"],
      effai.tiling = {t}}}
      ins(%x, %w : tensor<{m}x{k}x{acc}>, tensor<{n}x{k}xi8>)
      outs(%f : tensor<{shape}>) {{
  ^bb0(%a: {acc}, %b: i8, %s: {acc}):
    %bw = {widen} %b : i8 to {acc}
    %p = {mul} %a, %bw : {acc}
    %q = {add} %s, %p : {acc}
    linalg.yield %q : {acc}
  }} -> tensor<{shape}>
  return %r : tensor<{shape}>
}}
{{-#
  dialect_resources: {{
    builtin: {{
      w: "0x01000000{codes.tobytes().hex()}"
    }}
  }}
#-}}
"""
    options = {"machine": machine} if machine else {}
    exe = effai.compile(effai.Module.parse(text), parallel=threads > 1,
                        **options)
    got = exe(x)
    want = x.astype(np.float64 if acc == "f32" else np.int64) @ \
        codes.T.astype(np.float64 if acc == "f32" else np.int64)
    if acc == "f32":
        return relative_error(got, want)
    return int(np.abs(got.astype(np.int64) - want).max())


PACKED_CODES = [
    # (m, k, n, signed, acc, threads, bits, fields)
    # two vectors: each loaded byte gives both; n past the last tile
    (1, 64, 100, True, "f32", 1, 4,
     dict(mr="[1]", nr=32, kc=64, mc=1, nc=64)),
    # one vector (odd): the row's 8 bytes give both halves, joined
    (5, 37, 45, True, "f32", 1, 4,
     dict(mr="[3]", nr=16, kc=37, mc=6, nc=32)),
    # three vectors, unsigned codes, a short last k block
    (3, 50, 70, False, "f32", 1, 4,
     dict(mr="[2]", nr=48, kc=16, mc=4, nc=96)),
    # four vectors, n split over threads
    (4, 64, 130, True, "f32", 2, 4,
     dict(mr="[4]", nr=64, kc=64, mc=4, nc=64)),
    # i32 accumulators (integer activations), exact
    (6, 40, 50, True, "i32", 1, 4,
     dict(mr="[3]", nr=32, kc=40, mc=6, nc=64)),
    (2, 33, 20, False, "i32", 1, 4,
     dict(mr="[2]", nr=16, kc=33, mc=2, nc=32)),
    # 2 bits, four codes a byte: four vectors (each byte once), eight (two
    # groups of bytes), two and three (the row joined), unsigned, i32
    (1, 64, 100, True, "f32", 1, 2,
     dict(mr="[1]", nr=64, kc=64, mc=1, nc=128)),
    (3, 45, 200, True, "f32", 2, 2,
     dict(mr="[1]", nr=128, kc=45, mc=3, nc=128)),
    (2, 30, 40, True, "f32", 1, 2,
     dict(mr="[2]", nr=32, kc=30, mc=2, nc=64)),
    (2, 30, 40, False, "f32", 1, 2,
     dict(mr="[2]", nr=48, kc=16, mc=2, nc=48)),
    (5, 40, 70, True, "i32", 1, 2,
     dict(mr="[2]", nr=64, kc=40, mc=4, nc=64)),
    (3, 20, 50, False, "i32", 1, 2,
     dict(mr="[3]", nr=16, kc=20, mc=3, nc=16)),
]


@pytest.mark.filterwarnings("error::effai.CompileWarning")  # no kernel: fail
@pytest.mark.parametrize("machine", [None, "x86-avx2"])
@pytest.mark.parametrize("m,k,n,signed,acc,threads,bits,fields",
                         PACKED_CODES)
def test_packed_codes(m, k, n, signed, acc, threads, bits, fields, machine):
    error = run_packed_codes(m, k, n, signed, acc, machine, threads, bits,
                             **fields)
    assert error < 1e-5 if acc == "f32" else error == 0


@pytest.mark.filterwarnings("error::effai.CompileWarning")
@pytest.mark.parametrize("c,h,w,oc,k,mr,bits,fields", [
    # two vectors, 40 channels: the second panel half empty
    (8, 10, 12, 40, 3, "[3, 4]", 4, dict(kc=72, mc=9, nc=64)),
    # one vector: the odd path, three k dims unrolled around c
    (3, 9, 9, 8, 3, "[2, 7]", 4, dict(nr=16, kc=27, mc=6, nc=16)),
    # 2 bits, four vectors: one byte per four channels
    (8, 10, 12, 40, 3, "[3, 4]", 2, dict(nr=64, kc=72, mc=9, nc=64)),
])
def test_packed_conv(c, h, w, oc, k, mr, bits, fields):
    """A convolution against codes packed 8 / bits to a byte (b_bits): the
    codes of every (c, kh, kw) reduction point in one panel row, the output
    rows and columns a register box."""
    import torch
    rng = np.random.default_rng(c * 31 + oc)
    x = rng.standard_normal((1, c, h, w)).astype(np.float32)
    half = 2 ** (bits - 1)
    codes = rng.integers(-half, half, (oc, c, k, k)).astype(np.int8)
    t = tiling(mr=mr, b_bits=bits, **fields)
    args = f'%x: tensor<1x{c}x{h}x{w}xf32> {{effai.name = "x"}}'
    text = conv_function(args, c, h, w, oc, k, k, 1, t, codes=True) + f"""{{-#
  dialect_resources: {{
    builtin: {{
      w: "0x01000000{codes.tobytes().hex()}"
    }}
  }}
#-}}
"""
    got = effai.compile(effai.Module.parse(text))(x)
    want = torch.nn.functional.conv2d(
        torch.from_numpy(x), torch.from_numpy(codes.astype(np.float32))).numpy()
    assert relative_error(got, want) < 1e-5
