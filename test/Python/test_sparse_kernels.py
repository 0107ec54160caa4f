# Numeric test of the kernels that skip pruned weights
# (effai-convert-sparse-kernels, part of effai-cpu-pipeline): linear and
# convolution layers with N:M, unstructured (i32 pairs, relative indices of
# several widths with fillers, bitmaps) and channel-sparse payloads in
# float, int8, power-of-two and focused (recentred power-of-two) values (and
# block payloads, visited in row order through compile-time tables),
# compiled and run, against NumPy on the dense weights the payloads stand
# for. Rows with no stored weight, strides,
# padding and dilation included.
# RUN: %python -m pytest -q -p no:cacheprovider %s

import numpy as np
import pytest

import effai


def constant(name, array, dtype):
    """An SSA line defining %name as the constant `array`, and its type."""
    def literal(a):
        if a.ndim == 0:
            return f"{float(a):.9e}" if dtype.startswith("f") else str(int(a))
        return "[" + ", ".join(literal(row) for row in a) + "]"
    type_ = "tensor<" + "x".join(str(d) for d in array.shape) + f"x{dtype}>"
    return f"%{name} = arith.constant dense<{literal(array)}> : {type_}\n", \
        type_


# --- Value formats: stored codes, their MLIR element type and value ---------

def float_values(rng, count):
    codes = rng.standard_normal(count).astype(np.float32)
    return codes, "f32", "#effai.float", lambda codes, rows: codes.astype(
        np.float64)


def int8_values(rng, count, channels):
    codes = rng.integers(-127, 128, count).astype(np.int8)
    scales = rng.uniform(0.01, 0.1, channels)
    quant = ("!quant.uniform<i8:f32:0, {" +
             ", ".join(repr(float(s)) for s in scales) + "}>")
    return codes, "i8", f"#effai.affine<{quant}>", \
        lambda codes, rows: codes.astype(np.float64) * scales[rows]


def pow2_values(rng, count, terms=2, min_exp=-6, max_exp=1):
    levels = max_exp - min_exp + 1
    codes = rng.integers(-levels, levels + 1, (count, terms)).astype(np.int8)
    fmt = (f"#effai.pow2<terms = {terms}, bits = 5, min_exp = {min_exp}, "
           f"max_exp = {max_exp}>")

    def decode(codes, rows):
        c = codes.astype(np.int64)
        mags = np.exp2(np.abs(c) + min_exp - 1)
        return np.where(c == 0, 0.0, np.sign(c) * mags).sum(axis=-1)
    return codes, "i8", fmt, decode


def focused_values(rng, count, channels, min_exp=-2, max_exp=0):
    """Recentred power-of-two codes: ±(level + L + 1), 0 for zero."""
    levels = max_exp - min_exp + 1
    codes = rng.integers(-(2 * levels + 1), 2 * levels + 2,
                         count).astype(np.int8)
    centres = rng.uniform(0.2, 0.8, channels)
    scales = rng.uniform(0.05, 0.2, channels)
    fmt = (f"#effai.focused<bits = 4, min_exp = {min_exp}, max_exp = "
           f"{max_exp}, centres = [{', '.join(map(repr, centres))}], "
           f"scales = [{', '.join(map(repr, scales))}]>")

    def decode(codes, rows):
        c = codes.astype(np.int64)
        level = np.abs(c) - 1 - levels
        offset = np.where(level == 0, 0.0, np.sign(level) *
                          np.exp2(np.abs(level) + min_exp - 1))
        value = np.sign(c) * centres[rows] + scales[rows] * offset
        return np.where(c == 0, 0.0, value)
    return codes, "i8", fmt, decode


# --- Sparsity formats: payload shapes and positions in the [O, R] view ------

def pack_fields(fields, width):
    """Fields of `width` bits packed into bytes, least significant bit first
    (the layout of #effai.nm, #effai.delta and #effai.bitmap indices)."""
    bits = ((np.asarray(fields, np.int64)[:, None] >> np.arange(width)) & 1)
    return np.packbits(bits.reshape(-1).astype(np.uint8),
                       bitorder="little").view(np.int8)


def nm_positions(rng, rows, cols, n, m):
    """Per row, n positions in every group of m, sorted."""
    idx = np.stack([np.sort(rng.choice(m, n, replace=False))
                    for _ in range(rows * cols // m)]).reshape(rows, -1)
    width = max(1, int(np.ceil(np.log2(m))))
    return pack_fields(idx.reshape(-1), width), f"#effai.nm<{n}:{m}>", \
        (np.arange(cols // m).repeat(n) * m)[None, :] + idx.astype(np.int64)


def unstructured_mask(rng, rows, cols, keep):
    mask = rng.random((rows, cols)) < keep
    mask[1, :] = False  # a row with nothing stored: bias only
    return mask


def unstructured_positions(rng, rows, cols, keep):
    coords = np.argwhere(unstructured_mask(rng, rows, cols, keep)).astype(
        np.int32)
    return coords, f"#effai.unstructured<nnz = {len(coords)}>", coords


def delta_positions(rng, rows, cols, keep, width):
    """Relative indices; gaps wider than 2^width - 1 get filler entries
    (their codes are set to zero by build)."""
    flat = np.flatnonzero(unstructured_mask(rng, rows, cols, keep))
    largest, previous = (1 << width) - 1, 0
    positions, deltas, fillers = [], [], []
    for p in flat:
        while p - previous > largest:
            previous += largest
            positions.append(previous), deltas.append(largest)
            fillers.append(True)
        positions.append(p), deltas.append(p - previous), fillers.append(False)
        previous = p
    positions = np.array(positions)
    coords = np.stack([positions // cols, positions % cols], 1)
    return pack_fields(deltas, width), \
        f"#effai.delta<nnz = {len(positions)}, bits = {width}>", coords, \
        np.array(fillers)


def bitmap_positions(rng, rows, cols, keep):
    mask = unstructured_mask(rng, rows, cols, keep)
    return pack_fields(mask.reshape(-1), 1), \
        f"#effai.bitmap<nnz = {mask.sum()}>", np.argwhere(mask)


def build(kind, rows, cols, sparsity, values, seed):
    """A linear or conv layer's weight: (ssa, weight type, dense weight)."""
    rng = np.random.default_rng(seed)
    if sparsity.startswith("nm"):
        n, m = map(int, sparsity[2:].split(":"))
        indices, attr, cols_of = nm_positions(rng, rows, cols, n, m)
        row_of = np.arange(rows)[:, None].repeat(cols_of.shape[1], 1)
        stored_shape = list(cols_of.shape)
        index_dtype = "i8"
    elif sparsity == "block":
        # [2, 4] blocks, a third of them kept: each block spans two rows.
        grid = rng.random((rows // 2, cols // 4)) < 0.34
        grid[0, 0] = True
        coords = np.argwhere(grid).astype(np.int32)
        indices, attr = coords, (f"#effai.block<[2, 4], blocks = "
                                 f"{len(coords)}>")
        r = (coords[:, 0:1, None] * 2 + np.arange(2)[None, :, None])
        c = (coords[:, 1:2, None] * 4 + np.arange(4)[None, None, :])
        row_of = np.broadcast_to(r, (len(coords), 2, 4))
        cols_of = np.broadcast_to(c, (len(coords), 2, 4))
        stored_shape = [len(coords), 2, 4]
        index_dtype = "i32"
    elif sparsity == "channel":
        kept = np.array([0, 3], np.int32)
        indices, attr = kept, f"#effai.channel<kept = {len(kept)}>"
        row_of = kept[:, None].repeat(cols, 1)
        cols_of = np.arange(cols)[None, :].repeat(len(kept), 0)
        stored_shape = [len(kept)] + list(kind[1:])
        index_dtype = "i32"
    elif sparsity.startswith("delta") or sparsity == "bitmap":
        if sparsity == "bitmap":
            indices, attr, coords = bitmap_positions(rng, rows, cols, 0.3)
        else:
            indices, attr, coords, fillers = delta_positions(
                rng, rows, cols, 0.3, int(sparsity[5:]))
        row_of, cols_of = coords[:, 0], coords[:, 1]
        stored_shape = [len(coords)]
        index_dtype = "i8"
    else:
        indices, attr, coords = unstructured_positions(rng, rows, cols, 0.3)
        row_of, cols_of = coords[:, 0], coords[:, 1]
        stored_shape = [len(coords)]
        index_dtype = "i32"
    count = int(np.prod(stored_shape))
    if values == "float":
        codes, dtype, fmt, decode = float_values(rng, count)
    elif values == "int8":
        codes, dtype, fmt, decode = int8_values(rng, count, rows)
    elif values == "focused":
        codes, dtype, fmt, decode = focused_values(rng, count, rows)
    else:
        codes, dtype, fmt, decode = pow2_values(rng, count)
    if sparsity.startswith("delta"):
        codes[fillers] = 0  # fillers store zeros
    if values == "pow2":
        codes = codes.reshape(stored_shape + [2])
    else:
        codes = codes.reshape(stored_shape)
    dense = np.zeros((rows, cols))
    dense[row_of.reshape(-1), cols_of.reshape(-1)] = decode(
        codes.reshape(count, -1).squeeze(-1) if values != "pow2"
        else codes.reshape(count, 2), row_of.reshape(-1))
    v_ssa, v_type = constant("v", codes, dtype)
    i_ssa, i_type = constant("i", indices, index_dtype)
    shape = "x".join(str(d) for d in kind)
    wtype = (f"!effai.weight<{shape}xf32, #effai.encoding<value = {fmt}, "
             f"sparsity = {attr}>>")
    ssa = (v_ssa + i_ssa +
           f"%w = effai.pack %v indices(%i : {i_type}) : {v_type} -> {wtype}\n")
    return ssa, wtype, dense


def run(text, x):
    """Compiles and runs `text`, after checking the sparse kernel takes the
    layer (else the dense decoding path would be what is tested)."""
    converted = effai.Module.parse(text)
    converted.run_pipeline("effai-convert-sparse-kernels")
    assert "effai.linear" not in str(converted)
    assert "effai.conv2d" not in str(converted)
    return effai.compile(effai.Module.parse(text))(x)


@pytest.mark.parametrize("sparsity,values", [
    ("nm2:4", "float"), ("nm1:4", "pow2"), ("nm4:8", "int8"),
    ("unstructured", "float"), ("unstructured", "int8"),
    ("unstructured", "pow2"), ("channel", "float"), ("block", "float"),
    ("block", "int8"), ("delta2", "float"), ("delta4", "int8"),
    ("delta8", "pow2"), ("bitmap", "float"), ("bitmap", "pow2"),
    ("delta4", "focused"), ("nm2:4", "focused")])
# m: per-output gather; batch chunks: one masked, whole, whole + masked.
@pytest.mark.parametrize("m", [3, 9, 64, 70])
def test_linear(sparsity, values, m):
    k, n = 16, 6
    ssa, wtype, dense = build((n, k), n, k, sparsity, values, seed=7)
    bias = np.linspace(-1, 1, n).astype(np.float32)
    b_ssa, b_type = constant("b", bias, "f32")
    text = f"""
      func.func @main(%x: tensor<{m}x{k}xf32>) -> tensor<{m}x{n}xf32> {{
        {ssa}{b_ssa}
        %y = effai.linear %x, %w, %b : (tensor<{m}x{k}xf32>, {wtype}, {b_type}) -> tensor<{m}x{n}xf32>
        return %y : tensor<{m}x{n}xf32>
      }}"""
    x = np.random.default_rng(1).standard_normal((m, k)).astype(np.float32)
    np.testing.assert_allclose(run(text, x), x @ dense.T + bias, rtol=1e-5,
                               atol=1e-5)


@pytest.mark.parametrize("sparsity,values,stride,pad,dilation", [
    ("unstructured", "float", 2, 1, 1), ("nm2:4", "pow2", 1, 1, 1),
    ("nm2:4", "int8", 1, 0, 2), ("channel", "float", 1, 2, 1),
    ("block", "float", 1, 1, 1), ("delta3", "int8", 2, 1, 1),
    ("bitmap", "pow2", 1, 1, 2), ("bitmap", "focused", 1, 1, 1)])
def test_conv(sparsity, values, stride, pad, dilation):
    batch, c, h, w, o, kh = 2, 4, 7, 6, 6, 3
    ssa, wtype, dense = build((o, c, kh, kh), o, c * kh * kh, sparsity,
                              values, seed=3)
    bias = np.linspace(-0.5, 0.5, o).astype(np.float32)
    b_ssa, b_type = constant("b", bias, "f32")
    oh = (h + 2 * pad - dilation * (kh - 1) - 1) // stride + 1
    ow = (w + 2 * pad - dilation * (kh - 1) - 1) // stride + 1
    xt, yt = f"tensor<{batch}x{c}x{h}x{w}xf32>", f"tensor<{batch}x{o}x{oh}x{ow}xf32>"
    text = f"""
      func.func @main(%x: {xt}) -> {yt} {{
        {ssa}{b_ssa}
        %y = effai.conv2d %x, %w, %b {{strides = array<i64: {stride}, {stride}>, pads = array<i64: {pad}, {pad}, {pad}, {pad}>, dilations = array<i64: {dilation}, {dilation}>}} : ({xt}, {wtype}, {b_type}) -> {yt}
        return %y : {yt}
      }}"""
    x = np.random.default_rng(2).standard_normal(
        (batch, c, h, w)).astype(np.float32)
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    wd = dense.reshape(o, c, kh, kh)
    want = np.zeros((batch, o, oh, ow))
    for i in range(kh):
        for j in range(kh):
            patch = xp[:, :, i * dilation:i * dilation + stride * (oh - 1) + 1:stride,
                       j * dilation:j * dilation + stride * (ow - 1) + 1:stride]
            want += np.einsum("bchw,oc->bohw", patch, wd[:, :, i, j])
    want += bias[None, :, None, None]
    np.testing.assert_allclose(run(text, x), want, rtol=1e-5, atol=1e-5)


# Quantized (uint8) activations: the integer lowering runs the same row
# kernel on centred i32 activations and integer codes (shifts for power of
# two), then scales once; the sum over the kept weights is exact.
@pytest.mark.parametrize("kind,sparsity,values", [
    ("linear", "unstructured", "int8"), ("linear", "nm2:4", "pow2"),
    ("conv", "nm2:4", "int8"), ("conv", "block", "pow2"),
    ("linear", "delta2", "int8"), ("conv", "bitmap", "pow2")])
def test_quantized_activations(kind, sparsity, values):
    x_scale, zp = 0.0625, 100
    xq_type = "!quant.uniform<u8:f32, 0.0625:100>"
    rng = np.random.default_rng(11)
    if kind == "linear":
        m, k, n = 4, 16, 6
        ssa, wtype, dense = build((n, k), n, k, sparsity, values, seed=5)
        xshape, yshape = (m, k), (m, n)
        attrs = ""
    else:
        batch, c, h, w, o = 1, 4, 5, 5, 6
        ssa, wtype, dense = build((o, c, 3, 3), o, c * 9, sparsity, values,
                                  seed=6)
        xshape, yshape = (batch, c, h, w), (batch, o, h, w)
        attrs = "{pads = array<i64: 1, 1, 1, 1>}"
    dims = lambda s: "x".join(map(str, s))  # noqa: E731
    op = "effai.linear" if kind == "linear" else "effai.conv2d"
    text = f"""
      func.func @main(%x: tensor<{dims(xshape)}xf32>) -> tensor<{dims(yshape)}xf32> {{
        %q = quant.qcast %x : tensor<{dims(xshape)}xf32> to tensor<{dims(xshape)}x{xq_type}>
        {ssa}
        %y = {op} %q, %w {attrs} : (tensor<{dims(xshape)}x{xq_type}>, {wtype}) -> tensor<{dims(yshape)}xf32>
        return %y : tensor<{dims(yshape)}xf32>
      }}"""
    xq = rng.integers(0, 256, xshape)
    x = ((xq - zp) * x_scale).astype(np.float32)
    if kind == "linear":
        want = x.astype(np.float64) @ dense.T
    else:
        xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (1, 1), (1, 1)))
        wd = dense.reshape(o, c, 3, 3)
        want = sum(np.einsum("bchw,oc->bohw", xp[:, :, i:i + h, j:j + w],
                             wd[:, :, i, j]) for i in range(3)
                   for j in range(3))
    # The integer lowering takes the sparse path too: no decoding scatter
    # (tensor.insert) into a dense weight.
    lowered = effai.Module.parse(text)
    lowered.run_pipeline("effai-lower-to-linalg")
    assert "scf.for" in str(lowered) and "tensor.insert " not in str(lowered)
    np.testing.assert_allclose(effai.compile(effai.Module.parse(text))(x),
                               want, rtol=1e-5, atol=1e-5)


def test_focused_dense_weight():
    """A dense focused weight (no sparse kernel): decoded by effai.unpack's
    lowering, then the dense kernel."""
    rng = np.random.default_rng(4)
    n, k, m = 5, 12, 3
    codes, dtype, fmt, decode = focused_values(rng, n * k, n)
    dense = decode(codes, np.repeat(np.arange(n), k)).reshape(n, k)
    v_ssa, v_type = constant("v", codes.reshape(n, k), dtype)
    wtype = f"!effai.weight<{n}x{k}xf32, #effai.encoding<value = {fmt}>>"
    text = f"""
      func.func @main(%x: tensor<{m}x{k}xf32>) -> tensor<{m}x{n}xf32> {{
        {v_ssa}%w = effai.pack %v : {v_type} -> {wtype}
        %y = effai.linear %x, %w : (tensor<{m}x{k}xf32>, {wtype}) -> tensor<{m}x{n}xf32>
        return %y : tensor<{m}x{n}xf32>
      }}"""
    x = rng.standard_normal((m, k)).astype(np.float32)
    got = effai.compile(effai.Module.parse(text))(x)
    np.testing.assert_allclose(got, x @ dense.T, rtol=1e-5, atol=1e-5)
