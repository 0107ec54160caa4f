# Transformers as PyTorch exports them (torch.onnx.export, constant folding
# on), imported with shape folding, compiled for the CPU and compared with
# PyTorch (max error within 1e-4 of the largest output): MultiheadAttention
# (plain; with an additive causal mask and a key-padding mask), the 6-layer
# TransformerEncoder of the issue (d 512, 8 heads), pre-norm GELU encoders
# (LayerNormalization, opset 17), TransformerDecoderLayers with a Trilu
# causal mask, a GPT block with a masked_fill mask, and small BERT- and
# GPT-style models (embeddings, positions from Range). Batch 1 and 4; models
# exported with dynamic batch and sequence axes are fixed by input_shapes.
# RUN: %python -m pytest -q -p no:cacheprovider %s

import io
import math
import warnings

import numpy as np
import pytest
import torch
from torch import nn

import effai

torch.manual_seed(0)


def export(model, args, names, dynamic=None, opset=13):
    """The ONNX bytes PyTorch exports for `model` on `args`."""
    model.eval()
    f = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, args, f, opset_version=opset,
                          input_names=names, output_names=["y"],
                          dynamic_axes=dynamic, do_constant_folding=True)
    return f.getvalue()


def check(model, onnx_bytes, args, input_shapes=None):
    """Compiles the export and compares it with PyTorch on `args`."""
    exe = effai.compile(onnx_bytes, input_shapes=input_shapes)
    with torch.no_grad():
        want = model(*args).numpy()
    got = exe(*[a.numpy() for a in args])
    assert got.shape == want.shape
    # Softmax over masked rows: NaN exactly where PyTorch has NaN.
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    finite = ~np.isnan(want)
    scale = np.abs(want[finite]).max()
    err = np.abs(got[finite] - want[finite]).max()
    assert err <= 1e-4 * scale, f"max error {err:.3g} for outputs up to {scale:.3g}"


class SelfAttention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.attention = nn.MultiheadAttention(dim, heads, batch_first=True)

    def forward(self, x):
        return self.attention(x, x, x, need_weights=False)[0]


class MaskedAttention(nn.Module):
    """An additive -inf causal mask and a key-padding mask (an input)."""

    def __init__(self, dim, heads, length):
        super().__init__()
        self.attention = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.register_buffer(
            "mask", torch.triu(torch.full((length, length), float("-inf")), 1))

    def forward(self, x, padding):
        return self.attention(x, x, x, attn_mask=self.mask,
                              key_padding_mask=padding, need_weights=False)[0]


def encoder(dim, heads, layers, norm_first, activation):
    layer = nn.TransformerEncoderLayer(
        dim, heads, 4 * dim, dropout=0.0, batch_first=True,
        norm_first=norm_first, activation=activation)
    return nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)


class CausalDecoderLayer(nn.Module):
    """nn.TransformerDecoderLayer with the square subsequent mask (Trilu)."""

    def __init__(self, dim, heads, norm_first, activation):
        super().__init__()
        self.layer = nn.TransformerDecoderLayer(
            dim, heads, 2 * dim, dropout=0.0, batch_first=True,
            norm_first=norm_first, activation=activation)

    def forward(self, x, memory):
        mask = nn.Transformer.generate_square_subsequent_mask(x.shape[1])
        return self.layer(x, memory, tgt_mask=mask)


class GPTBlock(nn.Module):
    """nanoGPT's block: fused qkv, head split by view, masked_fill causal
    mask sliced from a buffer, GELU MLP."""

    def __init__(self, dim, heads, max_length=128):
        super().__init__()
        self.heads = heads
        self.ln1, self.ln2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.qkv, self.proj = nn.Linear(dim, 3 * dim), nn.Linear(dim, dim)
        self.fc, self.fc2 = nn.Linear(dim, 4 * dim), nn.Linear(4 * dim, dim)
        self.register_buffer("bias", torch.tril(
            torch.ones(max_length, max_length)).view(1, 1, max_length,
                                                     max_length))

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(C, dim=2)
        q, k, v = (t.view(B, T, self.heads, C // self.heads).transpose(1, 2)
                   for t in (q, k, v))
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float("-inf"))
        y = (att.softmax(dim=-1) @ v).transpose(1, 2).contiguous()
        x = x + self.proj(y.view(B, T, C))
        return x + self.fc2(nn.functional.gelu(self.fc(self.ln2(x))))


class TinyBERT(nn.Module):
    """Token, position (arange) and segment embeddings, a post-norm encoder
    that skips padded keys, and the first token's state."""

    def __init__(self, vocab=100, dim=64, heads=4, layers=2, max_length=64):
        super().__init__()
        self.tokens = nn.Embedding(vocab, dim)
        self.positions = nn.Embedding(max_length, dim)
        self.norm = nn.LayerNorm(dim)
        self.encoder = encoder(dim, heads, layers, False, "gelu")

    def forward(self, ids, padding):
        positions = torch.arange(ids.shape[1]).unsqueeze(0)
        x = self.norm(self.tokens(ids) + self.positions(positions))
        return self.encoder(x, src_key_padding_mask=padding)[:, 0]


class TinyGPT(nn.Module):
    """Embeddings, GPT blocks, a final norm and a tied LM head."""

    def __init__(self, vocab=100, dim=64, heads=4, layers=2, max_length=64):
        super().__init__()
        self.tokens = nn.Embedding(vocab, dim)
        self.positions = nn.Embedding(max_length, dim)
        self.blocks = nn.Sequential(
            *[GPTBlock(dim, heads, max_length) for _ in range(layers)])
        self.norm = nn.LayerNorm(dim)

    def forward(self, ids):
        positions = torch.arange(ids.shape[1])
        x = self.blocks(self.tokens(ids) + self.positions(positions))
        return self.norm(x) @ self.tokens.weight.t()


@pytest.mark.parametrize("batch", [1, 4])
def test_multihead_attention(batch):
    model = SelfAttention(256, 4)
    x = torch.randn(batch, 64, 256)
    check(model, export(model, (x,), ["x"]), (x,))


def test_multihead_attention_masks():
    model = MaskedAttention(64, 4, 16)
    x = torch.randn(2, 16, 64)
    padding = torch.zeros(2, 16, dtype=torch.bool)
    padding[1, 10:] = True
    check(model, export(model, (x, padding), ["x", "padding"]), (x, padding))


def test_transformer_encoder_stack():
    """The issue's model: 6 layers, d 512, 8 heads, post-norm ReLU."""
    model = encoder(512, 8, 6, False, "relu")
    x = torch.randn(1, 32, 512)
    check(model, export(model, (x,), ["x"]), (x,))


@pytest.mark.parametrize("batch", [1, 4])
def test_pre_norm_gelu_encoder_opset17(batch):
    model = encoder(64, 4, 2, True, "gelu")
    x = torch.randn(batch, 24, 64)
    check(model, export(model, (x,), ["x"], opset=17), (x,))


@pytest.mark.parametrize("norm_first,activation",
                         [(False, "gelu"), (True, "relu")])
def test_causal_decoder_layer(norm_first, activation):
    model = CausalDecoderLayer(64, 4, norm_first, activation)
    x, memory = torch.randn(2, 16, 64), torch.randn(2, 20, 64)
    check(model, export(model, (x, memory), ["x", "memory"], opset=14),
          (x, memory))


def test_gpt_block():
    model = GPTBlock(256, 4)
    x = torch.randn(1, 64, 256)
    check(model, export(model, (x,), ["x"]), (x,))


@pytest.mark.parametrize("batch,length", [(4, 64), (2, 40)])
def test_gpt_block_dynamic_axes(batch, length):
    """Exported once with batch and sequence axes dynamic; every shape
    computation folds once input_shapes fixes them."""
    model = GPTBlock(256, 4)
    onnx_bytes = export(model, (torch.randn(1, 64, 256),), ["x"],
                        {"x": {0: "batch", 1: "sequence"}})
    x = torch.randn(batch, length, 256)
    check(model, onnx_bytes, (x,), {"x": [batch, length, 256]})


@pytest.mark.parametrize("batch", [1, 4])
def test_bert_style_encoder(batch):
    model = TinyBERT()
    ids = torch.randint(0, 100, (2, 24))
    padding = torch.zeros(2, 24, dtype=torch.bool)
    onnx_bytes = export(model, (ids, padding), ["ids", "padding"],
                        {"ids": {0: "batch", 1: "sequence"},
                         "padding": {0: "batch", 1: "sequence"}})
    ids = torch.randint(0, 100, (batch, 20))
    padding = torch.zeros(batch, 20, dtype=torch.bool)
    padding[-1, 15:] = True
    check(model, onnx_bytes, (ids, padding),
          {"ids": [batch, 20], "padding": [batch, 20]})


@pytest.mark.parametrize("batch", [1, 4])
def test_gpt_style_decoder(batch):
    model = TinyGPT()
    onnx_bytes = export(model, (torch.randint(0, 100, (1, 32)),), ["ids"],
                        {"ids": {0: "batch", 1: "sequence"}})
    ids = torch.randint(0, 100, (batch, 48))
    check(model, onnx_bytes, (ids,), {"ids": [batch, 48]})


def test_fully_masked_rows_match_pytorch():
    """A key-padding mask hiding every key of one sequence: PyTorch's
    softmax gives NaN there and numbers elsewhere; so does effai."""
    model = MaskedAttention(32, 2, 8)
    x = torch.randn(2, 8, 32)
    padding = torch.zeros(2, 8, dtype=torch.bool)
    padding[0, :] = True
    check(model, export(model, (x, padding), ["x", "padding"]), (x, padding))


class Einsums(nn.Module):
    def forward(self, q, k):
        scores = torch.einsum("bhid,bhjd->bhij", q, k).softmax(-1)
        mixed = torch.einsum("bhij,bhjd->bihd", scores, k)
        return mixed + torch.einsum("bhid->bhi", q).sum()


def test_einsum():
    model = Einsums()
    q, k = torch.randn(2, 4, 8, 16), torch.randn(2, 4, 8, 16)
    check(model, export(model, (q, k), ["q", "k"]), (q, k))


class Triangles(nn.Module):
    def forward(self, x):
        return torch.triu(x, 1) + 2 * torch.tril(x, -2) + torch.tril(x)


def test_trilu():
    model = Triangles()
    x = torch.randn(3, 5, 6)
    check(model, export(model, (x,), ["x"], opset=14), (x,))
