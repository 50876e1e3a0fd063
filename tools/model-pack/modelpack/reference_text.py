"""PyTorch reference of the Qwen3-VL text decoder (RMSNorm, q/k norm, GQA, interleaved MRoPE, SwiGLU,
DeepStack), following transformers' eager implementation."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .config import TextConfig, rotary_inv_freq
from .reference_vision import Weights, activation, rotate_half

KVCache = list[tuple[torch.Tensor, torch.Tensor]]


def rms_norm(x: torch.Tensor, weight: torch.Tensor, eps: float) -> torch.Tensor:
    return weight.float() * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def mrope_axis_of_frequency(head_dim: int, section: tuple[int, int, int]) -> torch.Tensor:
    """Which position axis (0 = t, 1 = h, 2 = w) drives each rotary frequency in interleaved MRoPE:
    h takes every third frequency from 1 and w every third from 2, up to 3 * its section; t the rest."""
    axis = torch.zeros(head_dim // 2, dtype=torch.long)
    for dim in (1, 2):
        axis[dim : section[dim] * 3 : 3] = dim
    return axis


class TextDecoder:
    def __init__(self, config: TextConfig, weights: Weights, rope_dtype: str, prefix: str = "model.language_model."):
        self.c, self.w, self.p = config, weights, prefix
        hd = config.head_dim
        self.inv_freq = rotary_inv_freq(config.rope_theta, hd, rope_dtype)
        self.axis = mrope_axis_of_frequency(hd, config.mrope_section)

    def embed(self, input_ids: torch.Tensor) -> torch.Tensor:
        return self.w(self.p + "embed_tokens.weight")[input_ids].float()

    def rotary(self, position_ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        freqs = position_ids.float()[..., None] * self.inv_freq  # [3, B, S, hd/2]
        freqs = torch.gather(freqs, 0, self.axis.expand_as(freqs)[:1]).squeeze(0)
        emb = torch.cat((freqs, freqs), dim=-1)
        return emb.cos(), emb.sin()

    def linear(self, x: torch.Tensor, name: str, bias: bool = False) -> torch.Tensor:
        return F.linear(x, self.w(name + ".weight").float(), self.w(name + ".bias").float() if bias else None)

    def layer(self, x, i, cos, sin, mask, past):
        c, p = self.c, f"{self.p}layers.{i}."
        b, s, _ = x.shape
        bias = c.attention_bias
        y = rms_norm(x, self.w(p + "input_layernorm.weight"), c.rms_norm_eps)
        q = self.linear(y, p + "self_attn.q_proj", bias).view(b, s, -1, c.head_dim)
        k = self.linear(y, p + "self_attn.k_proj", bias).view(b, s, -1, c.head_dim)
        v = self.linear(y, p + "self_attn.v_proj", bias).view(b, s, -1, c.head_dim).transpose(1, 2)
        q = rms_norm(q, self.w(p + "self_attn.q_norm.weight"), c.rms_norm_eps).transpose(1, 2)
        k = rms_norm(k, self.w(p + "self_attn.k_norm.weight"), c.rms_norm_eps).transpose(1, 2)
        q = q * cos[:, None] + rotate_half(q) * sin[:, None]
        k = k * cos[:, None] + rotate_half(k) * sin[:, None]
        if past is not None:
            k, v = torch.cat((past[0], k), dim=2), torch.cat((past[1], v), dim=2)
        rep = c.num_attention_heads // c.num_key_value_heads
        kr, vr = k.repeat_interleave(rep, dim=1), v.repeat_interleave(rep, dim=1)
        scores = q @ kr.transpose(2, 3) * c.head_dim**-0.5 + mask
        out = (torch.softmax(scores, dim=-1) @ vr).transpose(1, 2).reshape(b, s, -1)
        x = x + self.linear(out, p + "self_attn.o_proj", bias)
        y = rms_norm(x, self.w(p + "post_attention_layernorm.weight"), c.rms_norm_eps)
        y = activation(c.hidden_act, self.linear(y, p + "mlp.gate_proj")) * self.linear(y, p + "mlp.up_proj")
        return x + self.linear(y, p + "mlp.down_proj"), (k, v)

    def __call__(
        self,
        inputs_embeds: torch.Tensor,
        position_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        past: KVCache | None = None,
        visual_pos_masks: torch.Tensor | None = None,
        deepstack: list[torch.Tensor] | None = None,
    ) -> tuple[torch.Tensor, KVCache]:
        """Logits at every position [B, S, V] and the updated cache. `attention_mask` is [B, past + S]."""
        b, s, _ = inputs_embeds.shape
        total = attention_mask.shape[1]
        query_pos = torch.arange(total - s, total)[:, None]
        allowed = (torch.arange(total)[None, :] <= query_pos)[None, None] & attention_mask.bool()[:, None, None, :]
        mask = torch.zeros(allowed.shape).masked_fill(~allowed, torch.finfo(torch.float32).min)
        cos, sin = self.rotary(position_ids)
        x, cache = inputs_embeds.float(), []
        for i in range(self.c.num_hidden_layers):
            x, kv = self.layer(x, i, cos, sin, mask, past[i] if past else None)
            cache.append(kv)
            if deepstack is not None and i < len(deepstack):
                x = x.clone()
                x[visual_pos_masks.bool()] += deepstack[i].float()
        x = rms_norm(x, self.w(self.p + "norm.weight"), self.c.rms_norm_eps)
        # "lm_head.weight" resolves to the embedding table when the checkpoint ties them
        return F.linear(x, self.w("lm_head.weight").float()), cache
