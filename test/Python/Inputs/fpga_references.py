"""Small effai_fpga accelerators and their semantics in numpy, for the
FPGA simulations (C simulation and RTL): the dialect's meaning checked
directly, not against another effai path."""
import os

import numpy as np

TINY = os.path.join(os.path.dirname(__file__), "..", "..", "Target",
                    "FPGA", "emit-hls.mlir")


def reference_tiny(codes):
    """emit-hls.mlir's accelerator in numpy on [N, 2, 4, 4] input codes."""
    weights = np.array([[[[1, -2], [3, 4], [5, 6]], [[7, 8], [9, 10],
                                                     [11, 12]],
                         [[13, 14], [15, 16], [17, 18]]],
                        [[[-1, 2], [-3, 4], [-5, 6]], [[-7, 8], [-9, 10],
                                                       [-11, 12]],
                         [[-13, 14], [-15, 16], [-17, 18]]]], np.int64)
    hwc = codes.transpose(0, 2, 3, 1).astype(np.int64)
    padded = np.pad(hwc, ((0, 0), (1, 1), (1, 1), (0, 0)),
                    constant_values=3) - 3
    acc = np.zeros((len(codes), 4, 4, 2), np.int64) + np.array([5, -5])
    for ky in range(3):
        for kx in range(3):
            acc += np.einsum("nyxc,oc->nyxo",
                             padded[:, ky:ky + 4, kx:kx + 4], weights[:, ky,
                                                                      kx])
    # round_half_even(acc * m / 2^s): 2^30 / 2^36 = 2^-6, 1.5 * 2^-7.
    scaled = acc / np.array([2.0 ** 6, 2.0 ** 37 / 1610612736])
    conv = np.clip(np.round(scaled), 0, 255)
    pooled = conv.reshape(len(codes), 2, 2, 2, 2, 2).max(axis=(2, 4))
    linear = np.array([[4, 0, 0, 0, 0, 0, -8, 0], [0, 6, 0, 0, 0, 0, 0, 0],
                       [0, 0, 0, -2, 0, 0, 0, 1]])
    return pooled.reshape(len(codes), 8) @ linear.T + np.array([1, 2, 3])



# Signed (i8) streams, a depthwise convolution with stride 2 and asymmetric
# padding (dense and skipping zeros, two channels per cycle), a pooling
# window unlike its stride, a clamp PE, and a linear layer whose three
# weights per cycle do not divide its four inputs.
SIGNED = """
effai_fpga.accelerator @signed inputs [#effai_fpga.port<name = "x", shape = [2, 5, 5], scales = [1.0], zero_point = -1>] outputs [#effai_fpga.port<name = "y", shape = [3], scales = [1.0], zero_point = 0>] {
^bb0(%x: !effai_fpga.stream<5x5x2xi8>):
  %c = effai_fpga.conv2d %x {weights = dense<[[[[3], [0], [-2]], [[1], [4], [0]], [[0], [-1], [2]]], [[[-3], [5], [0]], [[0], [2], [-4]], [[1], [0], [0]]]]> : tensor<2x3x3x1xi8>, bias = dense<[7, -9]> : tensor<2xi32>, input_zero_point = -1, strides = array<i64: 2, 2>, pads = array<i64: 0, 1, 1, 0>, groups = 2, requant = #effai_fpga.requant<multipliers = [1073741824], shifts = [33], zero_point = -5, min = -128, max = 127>, fold = FOLD} : !effai_fpga.stream<5x5x2xi8> -> !effai_fpga.stream<2x2x2xi8>
  %p = effai_fpga.maxpool %c {window = array<i64: 2, 1>, strides = array<i64: 1, 1>, fold = #effai_fpga.fold<pe = 1, simd = 1, arithmetic = "none", storage = "registers", acc_bits = 8, fifo_depth = 2, skip_zeros = false>} : !effai_fpga.stream<2x2x2xi8> -> !effai_fpga.stream<1x2x2xi8>
  %k = effai_fpga.clamp %p {min = -3, max = 40, fold = #effai_fpga.fold<pe = 1, simd = 1, arithmetic = "none", storage = "registers", acc_bits = 8, fifo_depth = 3, skip_zeros = false>} : !effai_fpga.stream<1x2x2xi8> -> !effai_fpga.stream<1x2x2xi8>
  %l = effai_fpga.linear %k {weights = dense<[[1, -2, 3, -4], [5, 0, -7, 8], [-9, 10, 0, 12]]> : tensor<3x4xi8>, bias = dense<[100, -100, 0]> : tensor<3xi32>, input_zero_point = 2, fold = #effai_fpga.fold<pe = 3, simd = 3, arithmetic = "dsp", storage = "lutram", acc_bits = 14, fifo_depth = 2, skip_zeros = false>} : !effai_fpga.stream<1x2x2xi8> -> !effai_fpga.stream<3xi32>
  effai_fpga.yield %l : !effai_fpga.stream<3xi32>
}
"""


#: SIGNED's conv built two ways: dense LUT multipliers; kept weights only,
#: as shifts and adds.
SIGNED_FOLDS = [
    '#effai_fpga.fold<pe = 2, simd = 4, arithmetic = "lut-mul", '
    'storage = "bram", acc_bits = 16, fifo_depth = 2, skip_zeros = false>',
    '#effai_fpga.fold<pe = 2, simd = 2, arithmetic = "shift-add", '
    'storage = "lutram", acc_bits = 16, fifo_depth = 2, skip_zeros = true>',
]


def reference_signed(codes):
    """SIGNED in numpy on [N, 2, 5, 5] i8 input codes."""
    weights = np.array([[[3, 0, -2], [1, 4, 0], [0, -1, 2]],
                        [[-3, 5, 0], [0, 2, -4], [1, 0, 0]]])
    x = np.pad(codes.astype(np.int64), ((0, 0), (0, 0), (0, 1), (1, 0)),
               constant_values=-1) + 1
    acc = np.zeros((len(codes), 2, 2, 2), np.int64) + np.array(
        [7, -9])[None, :, None, None]
    for ky in range(3):
        for kx in range(3):
            window = x[:, :, ky:ky + 4:2, kx:kx + 4:2]
            acc += window * weights[None, :, ky, kx, None, None]
    conv = np.clip(np.round(acc / 8.0) - 5, -128, 127)    # [N, C, H, W]
    pooled = conv.max(axis=2)                             # window 2x1
    clamped = np.clip(pooled, -3, 40)                     # [N, C, W]
    flat = clamped.transpose(0, 2, 1).reshape(len(codes), 4) - 2   # HWC
    linear = np.array([[1, -2, 3, -4], [5, 0, -7, 8], [-9, 10, 0, 12]])
    return flat @ linear.T + np.array([100, -100, 0])
