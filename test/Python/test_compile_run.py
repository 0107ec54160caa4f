# effai.compile / Executable / effai.load: AOT compilation and the runtime
# from Python (run through lit so one command runs all).
# RUN: %python -m pytest -q -p no:cacheprovider %s

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

import effai


def gemm_relu_model():
    """y = relu(x W^T + b), z = x * 2 (two outputs, one uint8 flag)."""
    rng = np.random.default_rng(0)
    w = rng.standard_normal((5, 4)).astype(np.float32)
    b = rng.standard_normal(5).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("Gemm", ["x", "w", "b"], ["h"], transB=1),
         helper.make_node("Relu", ["h"], ["y"]),
         helper.make_node("Greater", ["h", "zero"], ["pos"]),
         helper.make_node("Cast", ["pos"], ["flag"], to=TensorProto.UINT8)],
        "gemm_relu",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3, 5]),
         helper.make_tensor_value_info("flag", TensorProto.UINT8, [3, 5])],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b"),
         numpy_helper.from_array(np.float32(0), "zero")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    return model, w, b


def reference(x, w, b):
    h = x @ w.T + b
    return np.maximum(h, 0), (h > 0).astype(np.uint8)


@pytest.fixture(scope="module")
def compiled():
    model, w, b = gemm_relu_model()
    return effai.compile(model), w, b


def test_compile_and_call(compiled):
    exe, w, b = compiled
    x = np.random.default_rng(1).standard_normal((3, 4)).astype(np.float32)
    y, flag = exe(x)
    ref_y, ref_flag = reference(x, w, b)
    assert y.dtype == np.float32 and y.shape == (3, 5)
    np.testing.assert_allclose(y, ref_y, rtol=1e-5, atol=1e-6)
    assert flag.dtype == np.uint8
    np.testing.assert_array_equal(flag, ref_flag)


def test_describes_inputs_and_outputs(compiled):
    exe, _, _ = compiled
    assert [(i.name, i.dtype, i.shape) for i in exe.inputs] == [
        ("x", "float", (3, 4))]
    assert [(o.name, o.dtype, o.shape) for o in exe.outputs] == [
        ("y", "float", (3, 5)), ("flag", "uint8", (3, 5))]
    assert exe.version == "0.1.0"
    assert not exe.threaded
    assert "x: float[3, 4]" in repr(exe)


def test_run_by_name_and_reuse(compiled):
    exe, w, b = compiled
    for seed in range(3):  # the planned workspace is reused across calls
        x = np.random.default_rng(seed).standard_normal((3, 4)).astype(np.float32)
        out = exe.run({"x": x})
        np.testing.assert_allclose(out["y"], reference(x, w, b)[0],
                                   rtol=1e-5, atol=1e-6)


def test_non_contiguous_input_is_copied(compiled):
    exe, w, b = compiled
    x = np.random.default_rng(2).standard_normal((4, 3)).astype(np.float32).T
    assert not x.flags.c_contiguous
    np.testing.assert_allclose(exe(x)[0], reference(x, w, b)[0], rtol=1e-5,
                               atol=1e-6)


def test_save_and_load(compiled, tmp_path):
    exe, w, b = compiled
    path = tmp_path / "model.so"
    exe.save(path)
    loaded = effai.load(path)
    x = np.ones((3, 4), np.float32)
    np.testing.assert_allclose(loaded(x)[0], reference(x, w, b)[0], rtol=1e-5)
    loaded.close()


def test_input_errors(compiled):
    exe, _, _ = compiled
    with pytest.raises(effai.ExecutionError,
                       match=r"input 0 'x' must be float, got double"):
        exe(np.zeros((3, 4)))
    with pytest.raises(effai.ExecutionError,
                       match=r"input 0 'x' must have shape \[3, 4\], got \[4, 3\]"):
        exe(np.zeros((4, 3), np.float32))
    with pytest.raises(effai.ExecutionError, match="takes 1 inputs, got 2"):
        exe(np.zeros((3, 4), np.float32), np.zeros((3, 4), np.float32))
    with pytest.raises(effai.ExecutionError, match="no input named 'nope'"):
        exe.run({"nope": np.zeros((3, 4), np.float32)})
    with pytest.raises(effai.ExecutionError, match="missing input 'x'"):
        exe.run({})


def test_scalar_input_keeps_rank_zero():
    graph = helper.make_graph(
        [helper.make_node("Mul", ["x", "s"], ["y"])], "scale",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2]),
         helper.make_tensor_value_info("s", TensorProto.FLOAT, [])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])])
    exe = effai.compile(helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17)]))
    np.testing.assert_allclose(exe(np.array([1, 2], np.float32),
                                   np.float32(3)), [3, 6])
    np.testing.assert_allclose(exe([1, 2], 0.5), [0.5, 1])  # lists, floats


def test_compile_module_leaves_it_unchanged_and_parallel():
    module = effai.Module.parse("""
      func.func @main(%x: tensor<64xf32>) -> tensor<64xf32> {
        %y = math.exp %x : tensor<64xf32>
        return %y : tensor<64xf32>
      }""")
    before = str(module)
    exe = effai.compile(module, parallel=True)
    assert str(module) == before
    assert exe.threaded
    exe.set_num_threads(2)
    x = np.linspace(-1, 1, 64, dtype=np.float32)
    np.testing.assert_allclose(exe(x), np.exp(x), rtol=1e-6)
    with pytest.raises(effai.ExecutionError, match="at least 1"):
        exe.set_num_threads(0)


def test_compile_errors(tmp_path):
    model, _, _ = gemm_relu_model()
    with pytest.raises(ValueError, match="target 'tpu' is not supported"):
        effai.compile(model, target="tpu")
    with pytest.raises(effai.CompileError, match="unknown CPU 'nocpu'"):
        effai.compile(model, cpu="nocpu")
    bad = effai.Module.parse("""
      func.func @a(%x: tensor<2xf32>) -> tensor<2xf32> { return %x : tensor<2xf32> }
      func.func @b(%x: tensor<2xf32>) -> tensor<2xf32> { return %x : tensor<2xf32> }""")
    with pytest.raises(effai.CompileError) as info:
        effai.compile(bad)
    assert any("exactly one public function" in d.message
               for d in info.value.diagnostics)
    not_so = tmp_path / "x.so"
    not_so.write_bytes(b"junk")
    with pytest.raises(effai.ExecutionError, match="cannot load"):
        effai.load(not_so)


def test_pruned_weights_compute_with_the_kept_weights_only():
    """effai-prune 2:4 then compile: outputs equal x @ W_pruned^T + b."""
    model, w, b = gemm_relu_model()
    module = effai.import_onnx(model)
    module.run_pipeline("effai-prune{mode=nm n=2 m=4}")
    assert "#effai.nm<2:4>" in str(module)
    exe = effai.compile(module)
    pruned = w.copy()
    for row in pruned:
        for g in range(0, row.size, 4):
            group = row[g:g + 4]
            group[np.argsort(-np.abs(group), kind="stable")[2:]] = 0
    x = np.random.default_rng(3).standard_normal((3, 4)).astype(np.float32)
    y, _ = exe(x)
    np.testing.assert_allclose(y, np.maximum(x @ pruned.T + b, 0), rtol=1e-5,
                               atol=1e-6)


def test_channel_pruning_is_a_smaller_dense_model():
    """effai-prune{mode=channel}: Gemm -> Relu -> Gemm with half the hidden
    channels (lowest L1 norm) removed equals NumPy on the sliced weights."""
    rng = np.random.default_rng(5)
    w0 = rng.standard_normal((8, 6)).astype(np.float32)
    b0 = rng.standard_normal(8).astype(np.float32)
    w1 = rng.standard_normal((3, 8)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("Gemm", ["x", "w0", "b0"], ["h"], transB=1),
         helper.make_node("Relu", ["h"], ["r"]),
         helper.make_node("Gemm", ["r", "w1"], ["y"], transB=1)],
        "mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 6])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, 3])],
        [numpy_helper.from_array(w0, "w0"), numpy_helper.from_array(b0, "b0"),
         numpy_helper.from_array(w1, "w1")])
    module = effai.import_onnx(
        helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]))
    before = module.weight_bytes()
    module.run_pipeline("effai-prune{mode=channel sparsity=0.5}")
    assert module.weight_bytes() == before // 2
    assert "tensor<4x4xf32>" in str(module) and "tensor<4x8xf32>" not in str(
        module)
    kept = np.sort(np.argsort(-np.abs(w0).sum(1), kind="stable")[:4])
    x = rng.standard_normal((4, 6)).astype(np.float32)
    want = np.maximum(x @ w0[kept].T + b0[kept], 0) @ w1[:, kept].T
    np.testing.assert_allclose(effai.compile(module)(x), want, rtol=1e-5,
                               atol=1e-5)


def test_quantize_calibrates_and_runs_integer_only():
    """effai.quantize: ranges recorded in the IR from the samples, int8
    weights, uint8 inputs; outputs stay close to the float model."""
    model, w, b = gemm_relu_model()
    module = effai.import_onnx(model)
    rng = np.random.default_rng(4)
    samples = [rng.standard_normal((3, 4)).astype(np.float32)
               for _ in range(8)]
    effai.quantize(module, samples)
    text = str(module)
    assert "effai.input_range = array<f64:" in text
    assert "quant.qcast" in text and "!quant.uniform<i8:f32:0" in text
    exe = effai.compile(module)
    x = samples[0]
    y, _ = exe(x)
    ref = np.maximum(x @ w.T + b, 0)
    np.testing.assert_allclose(y, ref, atol=0.05 * np.abs(ref).max())
    with pytest.raises(ValueError, match="method must be"):
        effai.calibrate(effai.import_onnx(model), samples, method="kl")


def test_hybrid_needs_exactly_one_budget():
    model, _, _ = gemm_relu_model()
    module = effai.import_onnx(model)
    sample = np.ones((3, 4), np.float32)
    with pytest.raises(ValueError, match="exactly one"):
        effai.hybrid(module, [sample])
    with pytest.raises(ValueError, match="exactly one"):
        effai.hybrid(module, [sample], max_error=0.1, max_bytes=10)
    with pytest.raises(ValueError, match="exactly one"):
        effai.hybrid(module, [sample], max_bytes=10, max_latency_us=1.0)
    report = effai.hybrid(module, [sample], max_error=0.05)
    assert report.error <= 0.05 and len(report.layers) == 1
    assert report.layers[0].choice in effai.hybrid.__globals__["CANDIDATES"]


def test_hybrid_latency_budget_reads_the_target():
    """max_latency_us: the roofline of the module's effai.target predicts
    each layer's time; without a target the pass says so."""
    model, _, _ = gemm_relu_model()
    sample = np.ones((3, 4), np.float32)
    with pytest.raises(ValueError, match="effai.target"):
        effai.hybrid(effai.import_onnx(model), [sample], max_latency_us=1.0)
    module = effai.import_onnx(model)
    module.run_pipeline("effai-set-target{target=x86-avx2}")
    report = effai.hybrid(module, [sample], max_latency_us=1e6)
    assert [layer.choice for layer in report.layers] == ["fp32"]
    assert report.predicted_us == report.fp32_predicted_us > 0
    assert report.fp32_predicted_us == effai.roofline_us(module)
    assert effai.roofline_us(effai.import_onnx(model)) is None
    assert "predicted:" in str(report)
    # Far too tight: the fastest choice (a 3x4 layer is compute-bound, so
    # only pruning saves time).
    module = effai.import_onnx(model)
    module.run_pipeline("effai-set-target{target=x86-avx2}")
    report = effai.hybrid(module, [sample], max_latency_us=1e-9)
    assert [layer.choice for layer in report.layers] == ["2:4+int8"]
    assert 0 < report.predicted_us < report.fp32_predicted_us
    # Only candidates whose kernels the roofline predicts well: int8 saves
    # no time on a compute-bound layer, so fp32 stays (with a warning).
    module = effai.import_onnx(model)
    module.run_pipeline("effai-set-target{target=x86-avx2}")
    report = effai.hybrid(module, [sample], max_latency_us=1e-9,
                          candidates=["fp32", "int8"])
    assert [layer.choice for layer in report.layers] == ["fp32"]
    assert "int8 err" in str(report) and "int4 err" not in str(report)


def test_hybrid_front_scores_front_and_single_schemes():
    model, _, _ = gemm_relu_model()
    module = effai.import_onnx(model)
    text = str(module)
    sample = np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4)
    reference = effai.compile(module)(sample)[0]

    def score(m):  # negative error: higher is better
        return -float(np.abs(effai.compile(m)(sample)[0] - reference).max())

    points = effai.hybrid_front(module, [sample], score,
                                candidates=["fp32", "int8", "s50+int4s"])
    assert str(module) == text  # left as is
    singles = {p.choices[0]: p for p in points if p.uniform}
    assert set(singles) == {"fp32", "int8", "s50+int4s"}
    assert singles["fp32"].score == 0.0
    assert singles["s50+int4s"].bytes < singles["int8"].bytes < \
        singles["fp32"].bytes
    front = effai.pareto(points)
    assert [p.bytes for p in front] == sorted(p.bytes for p in front)
    assert all(a.score < b.score for a, b in zip(front, front[1:]))
    # A point's pipeline reproduces it.
    again = effai.Module.parse(text)
    again.run_pipeline(front[0].pipeline.split(" = ")[0])
    assert again.weight_bytes() == front[0].bytes


def test_profile_and_report(tmp_path):
    """profile=True times each layer; report() is --report's JSON with the
    mean measured time per layer; roofline.plot draws it."""
    model, w, b = gemm_relu_model()
    model.graph.node[0].name = "fc"
    exe = effai.compile(model, machine="x86-avx2", profile=True)
    predicted = exe.report()
    assert predicted["machine"]["name"] == "x86-avx2"
    fc = next(l for l in predicted["layers"] if l["name"] == "fc")
    assert fc["macs"] == 3 * 4 * 5 and fc["kernel"] == "contraction"
    assert "measured_us" not in fc
    x = np.ones((3, 4), np.float32)
    for _ in range(3):
        exe(x)
    times = exe.layer_times()
    assert "fc" in times and times["fc"] > 0
    measured = exe.report()
    assert measured["runs"] == 3
    fc = next(l for l in measured["layers"] if l["name"] == "fc")
    assert fc["measured_us"] == pytest.approx(times["fc"] / 3 * 1e6)
    exe.reset_layer_times()
    assert all(t == 0 for t in exe.layer_times().values())
    from effai import roofline
    roofline.plot(measured, str(tmp_path / "roofline.png"))
    assert (tmp_path / "roofline.png").read_bytes()[:4] == b"\x89PNG"


def test_unprofiled_has_no_layer_times(compiled):
    exe, _, _ = compiled
    assert exe.layer_times() == {}
    assert exe.report()["layers"]


def test_loaded_executable_has_no_report(compiled, tmp_path):
    exe, _, _ = compiled
    exe.save(tmp_path / "m.so")
    with pytest.raises(effai.ExecutionError, match="no tiling report"):
        effai.load(tmp_path / "m.so").report()


def test_maxpool_propagates_nan():
    """A window holding a NaN yields NaN, whichever position it is at (the
    max is a compare and select, not llvm.maximum)."""
    graph = helper.make_graph(
        [helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[3, 3],
                          strides=[2, 2], pads=[1, 1, 1, 1])],
        "maxpool",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 9, 40])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 5, 20])])
    exe = effai.compile(helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 13)]))
    rng = np.random.default_rng(3)
    x = rng.standard_normal((1, 2, 9, 40)).astype(np.float32)
    x[0, 0, 4, 17] = np.nan   # in two windows: read first in one, later in the other
    x[0, 1, 0, 0] = np.nan    # at a corner
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)),
                    constant_values=-np.inf)
    windows = np.lib.stride_tricks.sliding_window_view(
        padded, (3, 3), axis=(2, 3))[:, :, ::2, ::2]
    want = windows.max(axis=(-2, -1))  # NumPy's max propagates NaN
    got = exe(x)
    assert np.array_equal(np.isnan(got), np.isnan(want))
    assert np.isnan(want).sum() == 3
    np.testing.assert_array_equal(got[~np.isnan(got)], want[~np.isnan(want)])
