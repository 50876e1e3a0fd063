"""The whole Qwen3-VL reference: checkpoint loading by original tensor names, multimodal rotary positions
(get_rope_index), the image-token scatter, and greedy decoding with a KV cache."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .checkpoint import LM_HEAD, TEXT, VISION, Checkpoint
from .config import ModelConfig
from .onnx_layers import emulated_weight
from .reference_text import KVCache, TextDecoder
from .reference_vision import VisionTower


def torch_weights(checkpoint: Checkpoint, precision: str = "fp32"):
    """Name -> tensor. For fp32: the stored dtype, sharing memory with the mapped safetensors file.
    For fp16/q4: the weights as that variant stores them (see emulated_weight), so that a variant can be
    checked against the reference computing with exactly its weights."""
    cache: dict[str, torch.Tensor] = {}
    q4_cache: dict = {}  # packed 4-bit weights (a quarter of fp16's memory), dequantised on each use

    def get(name: str) -> torch.Tensor:
        if name == LM_HEAD and checkpoint.config.tie_word_embeddings:
            name, source = TEXT + "embed_tokens.weight", LM_HEAD
        else:
            source = name
        if precision != "fp32":
            return torch.from_numpy(emulated_weight(checkpoint, name, precision, source == LM_HEAD, q4_cache))
        if name not in cache:
            t = torch.from_numpy(checkpoint.raw(name))
            cache[name] = t.view(torch.bfloat16) if checkpoint.dtype(name) == "BF16" else t
        return cache[name]

    return get


def rope_index(
    config: ModelConfig,
    input_ids: torch.Tensor,
    image_grid_thw: torch.Tensor | None,
    attention_mask: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """(t, h, w) positions [3, B, S] and rope_deltas [B, 1]: text advances all three axes together;
    an image's tokens share one start and spread over (0, row, col) of its merged grid; the next
    text resumes after the largest position used. Decode step at cache length L uses L + delta."""
    b, s = input_ids.shape
    if attention_mask is None:
        attention_mask = torch.ones_like(input_ids)
    positions = torch.ones(3, b, s, dtype=torch.long)
    deltas = []
    grids = iter(image_grid_thw.tolist() if image_grid_thw is not None else [])
    m = config.vision.spatial_merge_size
    for i in range(b):
        keep = attention_mask[i] == 1
        ids = input_ids[i][keep].tolist()
        chunks, start, nxt = [], 0, 0
        while config.image_token_id in ids[start:]:
            at = ids.index(config.image_token_id, start)
            t, h, w = next(grids)
            gh, gw = h // m, w // m
            chunks.append(torch.arange(at - start).expand(3, -1) + nxt)
            nxt += at - start
            grid = torch.stack(torch.meshgrid(torch.arange(t), torch.arange(gh), torch.arange(gw), indexing="ij"))
            chunks.append(grid.reshape(3, -1) * torch.tensor([0, 1, 1])[:, None] + nxt)
            nxt = int(chunks[-1].max()) + 1
            start = at + t * gh * gw
        chunks.append(torch.arange(len(ids) - start).expand(3, -1) + nxt)
        pos = torch.cat(chunks, dim=1)
        positions[:, i, keep] = pos
        deltas.append(int(pos.max()) + 1 - s)
    return positions, torch.tensor(deltas)[:, None]


@dataclass
class PromptState:
    logits: torch.Tensor  # [B, S, V]
    cache: KVCache
    rope_deltas: torch.Tensor
    attention_mask: torch.Tensor


class Qwen3VLReference:
    def __init__(self, checkpoint: Checkpoint, precision: str = "fp32"):
        self.config = checkpoint.config
        w = torch_weights(checkpoint, precision)
        self.vision = VisionTower(self.config.vision, w, self.config.rope_dtype, VISION)
        self.text = TextDecoder(self.config.text, w, self.config.rope_dtype, TEXT)

    @torch.no_grad()
    def prompt_inputs(
        self,
        input_ids: torch.Tensor,
        pixel_values: torch.Tensor | None = None,
        image_grid_thw: torch.Tensor | None = None,
    ) -> dict:
        """Everything the decoder sees for a prompt: embeddings with image features scattered in,
        the image-position mask, DeepStack features and multimodal positions."""
        embeds = self.text.embed(input_ids)
        out: dict = {"inputs_embeds": embeds, "visual_pos_masks": None, "deepstack": None, "vision": None}
        if pixel_values is not None:
            vision = self.vision(pixel_values, image_grid_thw)
            mask = input_ids == self.config.image_token_id
            if int(mask.sum()) != vision["image_features"].shape[0]:
                raise ValueError(
                    f"{int(mask.sum())} image tokens but {vision['image_features'].shape[0]} image features"
                )
            embeds = embeds.clone()
            embeds[mask] = vision["image_features"]
            out.update(inputs_embeds=embeds, visual_pos_masks=mask, deepstack=vision["deepstack"], vision=vision)
        out["position_ids"], out["rope_deltas"] = rope_index(self.config, input_ids, image_grid_thw)
        return out

    @torch.no_grad()
    def prefill(self, inputs: dict) -> PromptState:
        embeds = inputs["inputs_embeds"]
        mask = torch.ones(embeds.shape[:2], dtype=torch.long)
        logits, cache = self.text(
            embeds, inputs["position_ids"], mask, None, inputs["visual_pos_masks"], inputs["deepstack"]
        )
        return PromptState(logits, cache, inputs["rope_deltas"], mask)

    @torch.no_grad()
    def step(self, state: PromptState, token: torch.Tensor) -> PromptState:
        """Feed one token per sequence ([B]) and return the state with that step's logits [B, 1, V]."""
        past_len = state.attention_mask.shape[1]
        mask = torch.cat((state.attention_mask, torch.ones(token.shape[0], 1, dtype=torch.long)), dim=1)
        positions = (past_len + state.rope_deltas).view(1, -1, 1).expand(3, -1, 1)
        logits, cache = self.text(self.text.embed(token[:, None]), positions, mask, state.cache)
        return PromptState(logits, cache, state.rope_deltas, mask)

    @torch.no_grad()
    def greedy(self, inputs: dict, steps: int, state: PromptState | None = None) -> tuple[list[int], list[np.ndarray]]:
        """Greedy ids of the first sequence and each step's logits (the first from the prompt, whose
        prefill `state` may be passed in)."""
        state = state or self.prefill(inputs)
        ids, step_logits = [], []
        while True:
            logits = state.logits[:, -1]
            step_logits.append(logits[0].numpy())
            token = logits.argmax(-1)
            ids.append(int(token[0]))
            if len(ids) == steps:
                return ids, step_logits
            state = self.step(state, token)
