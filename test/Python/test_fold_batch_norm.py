# BatchNormalization folded into the conv before it (effai-fold-batch-norm,
# run by the CPU pipeline): ONNX Conv + BatchNormalization (+ Relu) models,
# dense, depthwise and with a conv output that is also a graph output (not
# folded), compiled and compared with PyTorch's conv2d and batch_norm.
# RUN: %python -m pytest -q -p no:cacheprovider %s

import numpy as np
import pytest
import torch
from onnx import TensorProto, helper, numpy_helper

import effai


def conv_bn_model(rng, channels, outputs, group, bias, eps, expose_conv):
    w = rng.standard_normal((outputs, channels // group, 3, 3)).astype(
        np.float32)
    params = {"w": w,
              "scale": rng.uniform(0.5, 2.0, outputs).astype(np.float32),
              "shift": rng.standard_normal(outputs).astype(np.float32),
              "mean": rng.standard_normal(outputs).astype(np.float32),
              "var": rng.uniform(0.1, 2.0, outputs).astype(np.float32)}
    conv_inputs = ["x", "w"]
    if bias:
        params["b"] = rng.standard_normal(outputs).astype(np.float32)
        conv_inputs.append("b")
    nodes = [helper.make_node("Conv", conv_inputs, ["c"], pads=[1, 1, 1, 1],
                              group=group),
             helper.make_node("BatchNormalization",
                              ["c", "scale", "shift", "mean", "var"], ["n"],
                              epsilon=eps),
             helper.make_node("Relu", ["n"], ["y"])]
    shape = [1, outputs, 9, 7]
    outs = [helper.make_tensor_value_info("y", TensorProto.FLOAT, shape)]
    if expose_conv:
        outs.append(helper.make_tensor_value_info("c", TensorProto.FLOAT,
                                                  shape))
    graph = helper.make_graph(
        nodes, "conv_bn",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                       [1, channels, 9, 7])],
        outs, [numpy_helper.from_array(v, k) for k, v in params.items()])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 15)])
    return model, params


def torch_reference(x, p, group, eps):
    t = {k: torch.from_numpy(v) for k, v in p.items()}
    c = torch.nn.functional.conv2d(torch.from_numpy(x), t["w"], t.get("b"),
                                   padding=1, groups=group)
    n = torch.nn.functional.batch_norm(c, t["mean"], t["var"], t["scale"],
                                       t["shift"], training=False, eps=eps)
    return torch.relu(n).numpy(), c.numpy()


@pytest.mark.parametrize("channels,outputs,group,bias,expose_conv", [
    (3, 20, 1, True, False),   # dense conv with bias
    (8, 8, 8, False, False),   # depthwise, no bias
    (4, 6, 2, True, False),    # grouped
    (3, 5, 1, True, True),     # the conv output is read twice: not folded
])
def test_conv_batch_norm(channels, outputs, group, bias, expose_conv):
    rng = np.random.default_rng(channels * 10 + outputs)
    eps = 1e-3
    model, params = conv_bn_model(rng, channels, outputs, group, bias, eps,
                                  expose_conv)
    module = effai.import_onnx(model)
    folded = str(effai.Module.parse(str(module)).run_pipeline(
        "effai-fold-batch-norm"))
    assert ("math.sqrt" in folded) == expose_conv, folded
    exe = effai.compile(module)
    for parallel in (False, True):
        if parallel:
            exe = effai.compile(module, parallel=True)
        x = rng.standard_normal((1, channels, 9, 7)).astype(np.float32)
        got = exe(x)
        want, conv = torch_reference(x, params, group, eps)
        if expose_conv:
            got, got_conv = got
            np.testing.assert_allclose(got_conv, conv, rtol=1e-4, atol=1e-4)
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
