"""The models of the GPU kit, shared by prepare_kit.py (which compiles them
here, where effai builds) and run_kit.py (which runs them on a GPU machine,
where it does not, next to PyTorch).

Weights and inputs are a fixed pattern of period 251 rather than random
numbers: both sides regenerate them from the same formula (so PyTorch runs
the very weights effai compiled, and run_kit.py can compare the two), and
the artifacts, whose constants repeat, compress to a few MB for the trip
to the GPU machine (which takes 64 MiB at most). Performance does not
depend on weight values: dense kernels do the same work for any.
"""

import numpy as np

PERIOD = 251


def pattern(shape, scale=1.0, offset=0):
    """Values in [-scale, scale]: ((i * 7919 + offset) mod 251) centred,
    for the flat index i; float32, row-major."""
    count = int(np.prod(shape)) if len(shape) else 1
    index = np.arange(count, dtype=np.int64)
    centred = ((index * 7919 + offset) % PERIOD) - (PERIOD - 1) / 2
    return (centred / ((PERIOD - 1) / 2) * scale).astype(np.float32).reshape(
        shape)


def linear_onnx(batch, features, seed_offset=0, half=False):
    """y = x W + b for a features x features W (an effai.linear once
    imported), as an onnx.ModelProto. `half`: W, b and the product in f16
    (float32 in and out, cast at the ends)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    weight = pattern((features, features), features ** -0.5, seed_offset)
    bias = pattern((features,), 0.1, seed_offset + 1)
    nodes = [helper.make_node("MatMul", ["input", "w"], ["xw"]),
             helper.make_node("Add", ["xw", "b"], ["logits"])]
    if half:
        weight, bias = weight.astype(np.float16), bias.astype(np.float16)
        nodes = [helper.make_node("Cast", ["input"], ["x16"],
                                  to=TensorProto.FLOAT16),
                 helper.make_node("MatMul", ["x16", "w"], ["xw"]),
                 helper.make_node("Add", ["xw", "b"], ["y16"]),
                 helper.make_node("Cast", ["y16"], ["logits"],
                                  to=TensorProto.FLOAT)]
    graph = helper.make_graph(
        nodes,
        "linear",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT,
                                       [batch, features])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT,
                                       [batch, features])],
        [numpy_helper.from_array(weight, "w"),
         numpy_helper.from_array(bias, "b")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    return model


def set_pattern_weights(torch_model):
    """Overwrites every conv/linear weight and bias of a PyTorch model with
    the pattern (uniform-like, variance 1/fan_in); BatchNorm keeps its
    identity statistics. The same call gives the same model anywhere."""
    import torch
    with torch.no_grad():
        for index, (name, tensor) in enumerate(
                sorted(torch_model.state_dict().items())):
            if tensor.dtype != torch.float32 or ".bn" in name or \
                    name.startswith("bn") or "downsample.1" in name:
                continue
            if name.endswith("weight") and tensor.dim() > 1:
                fan_in = int(np.prod(tensor.shape[1:]))
                values = pattern(tuple(tensor.shape), (3 / fan_in) ** 0.5,
                                 index)
            elif name.endswith("bias"):
                values = pattern(tuple(tensor.shape), 0.01, index)
            else:
                continue
            tensor.copy_(torch.from_numpy(values))
    return torch_model


def resnet18_torch():
    import torchvision
    return set_pattern_weights(torchvision.models.resnet18().eval())


def resnet18_input(batch):
    return pattern((batch, 3, 224, 224), 1.0, 17)


def linear_input(batch, features):
    return pattern((batch, features), 1.0, 29)
