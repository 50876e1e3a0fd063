"""PyTorch reference of the Qwen3-VL vision tower, written to follow transformers' algorithm step by step
(linspace interpolation of position embeddings, per-frame attention via cu_seqlens) so that the
ONNX graph, which computes the same thing with closed-form index arithmetic, is checked against an
independent formulation. Weights stay in their stored dtype and are widened to float32 when used,
which equals upcasting the checkpoint once (and keeps an 8B checkpoint memory-mapped)."""

from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F

from .config import VisionConfig, rotary_inv_freq

Weights = Callable[[str], torch.Tensor]


def activation(name: str, x: torch.Tensor) -> torch.Tensor:
    if name == "silu":
        return F.silu(x)
    if name == "gelu_pytorch_tanh":
        return F.gelu(x, approximate="tanh")
    return F.gelu(x)


def linear(x: torch.Tensor, w: Weights, prefix: str, bias: bool = True) -> torch.Tensor:
    return F.linear(x, w(prefix + "weight").float(), w(prefix + "bias").float() if bias else None)


def layer_norm(x: torch.Tensor, w: Weights, prefix: str) -> torch.Tensor:
    weight = w(prefix + "weight").float()
    return F.layer_norm(x, weight.shape, weight, w(prefix + "bias").float(), eps=1e-6)


def rotate_half(x: torch.Tensor) -> torch.Tensor:
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat((-x2, x1), dim=-1)


class VisionTower:
    def __init__(self, config: VisionConfig, weights: Weights, rope_dtype: str, prefix: str = "model.visual."):
        self.c, self.w, self.p = config, weights, prefix
        self.grid_side = int(config.num_position_embeddings**0.5)
        self.inv_freq = rotary_inv_freq(config.rope_theta, config.head_dim // 2, rope_dtype)

    def rotary(self, grid_thw: torch.Tensor) -> torch.Tensor:
        m = self.c.spatial_merge_size
        rows = []
        for t, h, w in grid_thw.tolist():
            hb, wb = h // m, w // m
            # patches are ordered block-row, block-col, row-in-block, col-in-block
            r = (torch.arange(hb)[:, None, None, None] * m + torch.arange(m)[None, None, :, None]).expand(hb, wb, m, m)
            col = (torch.arange(wb)[None, :, None, None] * m + torch.arange(m)[None, None, None, :]).expand(
                hb, wb, m, m
            )
            rows.append(torch.stack((r.reshape(-1), col.reshape(-1)), -1).repeat(t, 1))
        pos = torch.cat(rows)
        table = torch.outer(torch.arange(int(grid_thw[:, 1:].max()), dtype=torch.float), self.inv_freq)
        return table[pos].flatten(1)

    def position_embeddings(self, grid_thw: torch.Tensor) -> torch.Tensor:
        n, m = self.grid_side, self.c.spatial_merge_size
        table = self.w(self.p + "pos_embed.weight").float()
        out = []
        for t, h, w in grid_thw.tolist():
            hi, wi = torch.linspace(0, n - 1, h), torch.linspace(0, n - 1, w)
            h0, w0 = hi.int(), wi.int()
            h1, w1 = (h0 + 1).clip(max=n - 1), (w0 + 1).clip(max=n - 1)
            dh, dw = (hi - h0)[:, None], (wi - w0)[None, :]
            e = lambda r, c: table[(r[:, None] * n + c[None, :]).long()]  # noqa: E731  [h, w, D]
            pe = (
                e(h0, w0) * ((1 - dh) * (1 - dw))[..., None]
                + e(h0, w1) * ((1 - dh) * dw)[..., None]
                + e(h1, w0) * (dh * (1 - dw))[..., None]
                + e(h1, w1) * (dh * dw)[..., None]
            )
            pe = pe.view(h // m, m, w // m, m, -1).permute(0, 2, 1, 3, 4).reshape(h * w, -1)
            out.append(pe.repeat(t, 1))
        return torch.cat(out)

    def block(self, x: torch.Tensor, i: int, cos: torch.Tensor, sin: torch.Tensor, cu: list[int]) -> torch.Tensor:
        p, heads = f"{self.p}blocks.{i}.", self.c.num_heads
        y = layer_norm(x, self.w, p + "norm1.")
        q, k, v = linear(y, self.w, p + "attn.qkv.").reshape(x.shape[0], 3, heads, -1).permute(1, 0, 2, 3).unbind(0)
        q = q * cos[:, None] + rotate_half(q) * sin[:, None]
        k = k * cos[:, None] + rotate_half(k) * sin[:, None]
        parts = []
        for a, b in zip(cu[:-1], cu[1:]):  # attention never crosses a frame
            qs, ks, vs = (t[a:b].transpose(0, 1) for t in (q, k, v))
            att = torch.softmax(qs @ ks.transpose(1, 2) * self.c.head_dim**-0.5, dim=-1)
            parts.append((att @ vs).transpose(0, 1))
        x = x + linear(torch.cat(parts).reshape(x.shape[0], -1), self.w, p + "attn.proj.")
        y = layer_norm(x, self.w, p + "norm2.")
        y = activation(self.c.hidden_act, linear(y, self.w, p + "mlp.linear_fc1."))
        return x + linear(y, self.w, p + "mlp.linear_fc2.")

    def merge(self, x: torch.Tensor, prefix: str, norm_after_shuffle: bool) -> torch.Tensor:
        merged = self.c.hidden_size * self.c.spatial_merge_size**2
        if norm_after_shuffle:  # DeepStack mergers normalise the concatenated 2x2 block
            x = layer_norm(x.reshape(-1, merged), self.w, prefix + "norm.")
        else:
            x = layer_norm(x, self.w, prefix + "norm.").reshape(-1, merged)
        return linear(F.gelu(linear(x, self.w, prefix + "linear_fc1.")), self.w, prefix + "linear_fc2.")

    def __call__(
        self, pixel_values: torch.Tensor, grid_thw: torch.Tensor
    ) -> dict[str, torch.Tensor | list[torch.Tensor]]:
        c = self.c
        patch_w = self.w(self.p + "patch_embed.proj.weight").float().reshape(c.hidden_size, -1)
        x = F.linear(pixel_values.float(), patch_w, self.w(self.p + "patch_embed.proj.bias").float())
        x = x + self.position_embeddings(grid_thw)
        rot = self.rotary(grid_thw)
        emb = torch.cat((rot, rot), dim=-1)
        cos, sin = emb.cos(), emb.sin()
        frame_sizes = [h * w for t, h, w in grid_thw.tolist() for _ in range(t)]
        cu = [0] + torch.tensor(frame_sizes).cumsum(0).tolist()
        deepstack = []
        for i in range(c.depth):
            x = self.block(x, i, cos, sin, cu)
            if i in c.deepstack_visual_indexes:
                j = c.deepstack_visual_indexes.index(i)
                deepstack.append(self.merge(x, f"{self.p}deepstack_merger_list.{j}.", True))
        return {
            "last_hidden_state": x,
            "image_features": self.merge(x, self.p + "merger.", False),
            "deepstack": deepstack,
        }
