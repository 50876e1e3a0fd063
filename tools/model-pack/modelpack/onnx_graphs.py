"""The three graphs of a model pack (names and shapes are the contract in docs/model-pack.md)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from onnx import numpy_helper

from .checkpoint import LM_HEAD, TEXT, VISION, Checkpoint
from .config import rotary_inv_freq
from .onnx_builder import BOOL, F32, I64, GraphBuilder
from .onnx_layers import Layers, float32_rows
from .reference_text import mrope_axis_of_frequency

GRAPHS = ("vision_encoder", "embed_tokens", "decoder_model_merged")
# "delta": the past arrives in a buffer with spare rows that the runtime grows in place, and only the new
# positions' keys and values come back; "full": contract 1's whole cache in, whole cache out.
KV_CACHE_LAYOUTS = ("delta", "full")
NEG = float(np.finfo(np.float32).min)  # masked attention score, as transformers' eager attention uses


def graph_file(graph: str, precision: str) -> str:
    """transformers.js naming: fp32 has no suffix."""
    return f"{graph}.onnx" if precision == "fp32" else f"{graph}_{precision}.onnx"


def build_graph(
    graph: str, checkpoint: Checkpoint, out_dir: Path, precision: str, kv_cache: str = "delta"
) -> list[Path]:
    if kv_cache not in KV_CACHE_LAYOUTS:
        raise ValueError(kv_cache)
    g = GraphBuilder(out_dir / graph_file(graph, precision), graph)
    layers = Layers(g, checkpoint, precision)
    if graph == "decoder_model_merged":
        _decoder(layers, kv_cache)
    else:
        {"vision_encoder": _vision, "embed_tokens": _embed}[graph](layers)
    return g.save()


def _embed(L: Layers) -> None:
    g, t = L.g, L.ckpt.config.text
    ids = g.input("input_ids", I64, ["batch_size", "sequence_length"])
    g.output(
        L.embedding(ids, TEXT + "embed_tokens.weight"),
        "inputs_embeds",
        F32,
        ["batch_size", "sequence_length", t.hidden_size],
    )


def _vision(L: Layers) -> None:
    """Patch embedding, interpolated position embeddings, 2-D rotary, per-frame attention, mergers.

    Every per-patch quantity is computed in-graph from image_grid_thw with integer arithmetic, for any
    number of images: patches are ordered image, frame, merged-block row, merged-block column,
    row in block, column in block (the processor's order). With q = (p - first patch of its image)
    mod (h*w), b = q // m^2 and r = q mod m^2, patch p of an image with grid (t, h, w) and merge size
    m lies at row = (b // (w/m)) * m + r // m, col = (b % (w/m)) * m + r % m.
    """
    g, c = L.g, L.ckpt.config.vision
    m, n_side = c.spatial_merge_size, int(math.isqrt(c.num_position_embeddings))
    pixels = g.input("pixel_values", F32, ["num_patches", c.patch_dim])
    grid = g.input("image_grid_thw", I64, ["num_images", 3])
    i64 = lambda v: g.const(v)  # noqa: E731
    f32 = lambda v: g.const(v, np.float32)  # noqa: E731

    # which image each patch belongs to: count of image ends at or before it
    t_, h_, w_ = (g.op("Gather", [grid, i64(i)], axis=1) for i in range(3))
    counts = g.op("Mul", [g.op("Mul", [t_, h_]), w_])
    ends = g.op("CumSum", [counts, i64(0)])
    starts = g.op("Sub", [ends, counts])
    num_patches = g.op("Squeeze", [g.op("Shape", [pixels], start=0, end=1), i64([0])])
    p = g.op("Range", [i64(0), num_patches, i64(1)])
    after_end = g.op("GreaterOrEqual", [g.op("Unsqueeze", [p, i64([1])]), g.op("Unsqueeze", [ends, i64([0])])])
    image = g.op("ReduceSum", [g.op("Cast", [after_end], to=I64), i64([1])], keepdims=0)
    h, w = g.op("Gather", [h_, image]), g.op("Gather", [w_, image])
    q = g.op("Mod", [g.op("Sub", [p, g.op("Gather", [starts, image])]), g.op("Mul", [h, w])])
    frame = g.op("Sub", [p, q])  # first patch of the frame: attention stays within a frame
    block, in_block = g.op("Div", [q, i64(m * m)]), g.op("Mod", [q, i64(m * m)])
    blocks_per_row = g.op("Div", [w, i64(m)])
    row = g.op("Add", [g.op("Mul", [g.op("Div", [block, blocks_per_row]), i64(m)]), g.op("Div", [in_block, i64(m)])])
    col = g.op("Add", [g.op("Mul", [g.op("Mod", [block, blocks_per_row]), i64(m)]), g.op("Mod", [in_block, i64(m)])])
    row_f, col_f = g.op("Cast", [row], to=F32), g.op("Cast", [col], to=F32)

    # learned position embeddings, bilinear on the n_side x n_side table: index = row * (n-1)/(h-1)
    def axis_lerp(pos_f, size):
        step = g.op(
            "Div", [f32(n_side - 1), g.op("Max", [g.op("Sub", [g.op("Cast", [size], to=F32), f32(1)]), f32(1)])]
        )
        x = g.op("Mul", [pos_f, step])
        lo = g.op("Floor", [x])
        hi = g.op("Min", [g.op("Add", [lo, f32(1)]), f32(n_side - 1)])
        return g.op("Cast", [lo], to=I64), g.op("Cast", [hi], to=I64), g.op("Sub", [x, lo])

    r0, r1, dh = axis_lerp(row_f, h)
    c0, c1, dw = axis_lerp(col_f, w)
    table = g.weight_stream(
        VISION + "pos_embed.weight",
        np.float32,
        L.ckpt.raw(VISION + "pos_embed.weight").shape,
        float32_rows(L.ckpt, VISION + "pos_embed.weight"),
    )
    one_dh, one_dw = g.op("Sub", [f32(1), dh]), g.op("Sub", [f32(1), dw])
    pos = None
    for r, cc, wr, wc in ((r0, c0, one_dh, one_dw), (r0, c1, one_dh, dw), (r1, c0, dh, one_dw), (r1, c1, dh, dw)):
        rows = g.op("Gather", [table, g.op("Add", [g.op("Mul", [r, i64(n_side)]), cc])])
        term = g.op("Mul", [rows, g.op("Unsqueeze", [g.op("Mul", [wr, wc]), i64([1])])])
        pos = term if pos is None else g.op("Add", [pos, term])

    # 2-D rotary: first half of the frequencies from the row, second half from the column
    rot_dim = c.head_dim // 2
    inv = g.const(rotary_inv_freq(c.rope_theta, rot_dim, L.ckpt.config.rope_dtype).numpy()[None, :], np.float32)
    freqs = g.op(
        "Concat",
        [
            g.op("Mul", [g.op("Unsqueeze", [row_f, i64([1])]), inv]),
            g.op("Mul", [g.op("Unsqueeze", [col_f, i64([1])]), inv]),
        ],
        axis=1,
    )
    emb = g.op("Unsqueeze", [g.op("Concat", [freqs, freqs], axis=1), i64([0])])  # [1, P, head_dim]
    cos, sin = g.op("Cos", [emb]), g.op("Sin", [emb])
    same_frame = g.op("Equal", [g.op("Unsqueeze", [frame, i64([1])]), g.op("Unsqueeze", [frame, i64([0])])])

    x = g.op("Add", [L.linear(pixels, VISION + "patch_embed.proj.", bias=True, quantise=False), pos])
    d, heads = c.hidden_size, c.num_heads
    deepstack = []
    for i in range(c.depth):
        p_ = f"{VISION}blocks.{i}."
        y = L.layer_norm(x, p_ + "norm1.")
        qkv = g.op("Reshape", [L.linear(y, p_ + "attn.qkv.", bias=True), i64([-1, 3, heads, c.head_dim])])
        qkv = g.op("Transpose", [qkv], perm=[1, 2, 0, 3])  # [3, heads, P, head_dim]
        qh, kh, vh = (g.op("Gather", [qkv, i64(j)], axis=0) for j in range(3))
        qh, kh = L.rotary(qh, cos, sin, c.head_dim), L.rotary(kh, cos, sin, c.head_dim)
        scores = g.op("Mul", [g.op("MatMul", [qh, g.op("Transpose", [kh], perm=[0, 2, 1])]), f32(c.head_dim**-0.5)])
        attn = g.op("Softmax", [g.op("Where", [same_frame, scores, f32(NEG)])], axis=-1)
        out = g.op("Reshape", [g.op("Transpose", [g.op("MatMul", [attn, vh])], perm=[1, 0, 2]), i64([-1, d])])
        x = g.op("Add", [x, L.linear(out, p_ + "attn.proj.", bias=True)])
        y = L.activation(c.hidden_act, L.linear(L.layer_norm(x, p_ + "norm2."), p_ + "mlp.linear_fc1.", bias=True))
        x = g.op("Add", [x, L.linear(y, p_ + "mlp.linear_fc2.", bias=True)])
        if i in c.deepstack_visual_indexes:
            deepstack.append((c.deepstack_visual_indexes.index(i), x))

    merged = d * m * m

    def merger(x_, prefix, norm_after_shuffle):
        if norm_after_shuffle:
            y_ = L.layer_norm(g.op("Reshape", [x_, i64([-1, merged])]), prefix + "norm.")
        else:
            y_ = g.op("Reshape", [L.layer_norm(x_, prefix + "norm."), i64([-1, merged])])
        y_ = L.activation("gelu", L.linear(y_, prefix + "linear_fc1.", bias=True))
        return L.linear(y_, prefix + "linear_fc2.", bias=True)

    g.output(merger(x, VISION + "merger.", False), "image_features", F32, ["num_image_tokens", c.out_hidden_size])
    levels = [
        g.op("Unsqueeze", [merger(h_i, f"{VISION}deepstack_merger_list.{j}.", True), i64([0])])
        for j, h_i in sorted(deepstack)
    ]
    g.output(
        g.op("Concat", levels, axis=0), "deepstack_features", F32, [len(levels), "num_image_tokens", c.out_hidden_size]
    )


def _decoder(L: Layers, kv_cache: str) -> None:
    g, cfg = L.g, L.ckpt.config
    t = cfg.text
    hd, nh, nkv, k_levels = t.head_dim, t.num_attention_heads, t.num_key_value_heads, cfg.num_deepstack
    i64 = lambda v: g.const(v)  # noqa: E731
    x = g.input("inputs_embeds", F32, ["batch_size", "sequence_length", t.hidden_size])
    mask = g.input("attention_mask", I64, ["batch_size", "total_sequence_length"])
    positions = g.input("position_ids", I64, [3, "batch_size", "sequence_length"])
    deepstack = g.input("deepstack_visual_embeds", F32, [k_levels, "batch_size", "sequence_length", t.hidden_size])
    past_rows = "past_capacity" if kv_cache == "delta" else "past_sequence_length"
    past = [
        (
            g.input(f"past_key_values.{i}.key", F32, ["batch_size", nkv, past_rows, hd]),
            g.input(f"past_key_values.{i}.value", F32, ["batch_size", nkv, past_rows, hd]),
        )
        for i in range(t.num_hidden_layers)
    ]

    # interleaved MRoPE: each frequency takes its angle from the t, h or w position
    axis = mrope_axis_of_frequency(hd, t.mrope_section).numpy()
    pos = g.op("Gather", [g.op("Transpose", [positions], perm=[1, 2, 0]), i64(axis)], axis=2)  # [B, S, hd/2]
    inv_freq = rotary_inv_freq(t.rope_theta, hd, cfg.rope_dtype).numpy()
    freqs = g.op("Mul", [g.op("Cast", [pos], to=F32), g.const(inv_freq, np.float32)])
    emb = g.op("Unsqueeze", [g.op("Concat", [freqs, freqs], axis=-1), i64([1])])  # [B, 1, S, hd]
    cos, sin = g.op("Cos", [emb]), g.op("Sin", [emb])

    total = g.op("Squeeze", [g.op("Shape", [mask], start=1, end=2), i64([0])])
    seq = g.op("Squeeze", [g.op("Shape", [x], start=1, end=2), i64([0])])
    attention = _full_cache_attention if kv_cache == "full" else _delta_attention
    attend = attention(g, mask, past[0][0], total, seq, hd, nh, nkv)

    for i in range(t.num_hidden_layers):
        p = f"{TEXT}layers.{i}."
        y = L.rms_norm(x, p + "input_layernorm.weight", t.rms_norm_eps)

        def heads(proj, n, norm):
            h_ = g.op("Reshape", [L.linear(y, p + f"self_attn.{proj}.", t.attention_bias), i64([0, 0, n, hd])])
            if norm:
                h_ = L.rms_norm(h_, p + f"self_attn.{norm}.weight", t.rms_norm_eps)
            return g.op("Transpose", [h_], perm=[0, 2, 1, 3])  # [B, n, S, hd]

        q = L.rotary(heads("q_proj", nh, "q_norm"), cos, sin, hd)
        k = L.rotary(heads("k_proj", nkv, "k_norm"), cos, sin, hd)
        v = heads("v_proj", nkv, None)
        out = attend(i, q, k, v, *past[i])
        out = g.op("Reshape", [g.op("Transpose", [out], perm=[0, 2, 1, 3]), i64([0, 0, nh * hd])])
        x = g.op("Add", [x, L.linear(out, p + "self_attn.o_proj.", t.attention_bias)])
        y = L.rms_norm(x, p + "post_attention_layernorm.weight", t.rms_norm_eps)
        gate = L.activation(t.hidden_act, L.linear(y, p + "mlp.gate_proj.", False))
        y = g.op("Mul", [gate, L.linear(y, p + "mlp.up_proj.", False)])
        x = g.op("Add", [x, L.linear(y, p + "mlp.down_proj.", False)])
        if i < k_levels:  # DeepStack: zeros outside image positions, so a plain add is exact
            x = g.op("Add", [x, g.op("Gather", [deepstack, i64(i)], axis=0)])

    last = g.op("Slice", [x, i64([-1]), i64([np.iinfo(np.int64).max]), i64([1])])
    last = L.rms_norm(last, TEXT + "norm.weight", t.rms_norm_eps)
    head = TEXT + "embed_tokens." if cfg.tie_word_embeddings else LM_HEAD[: -len("weight")]
    g.output(L.linear(last, head, False), "logits", F32, ["batch_size", 1, t.vocab_size])


def _grouped(g: GraphBuilder, x: str, nh: int, nkv: int, hd: int) -> str:
    """Grouped-query attention without copying K/V: [B, nh, S, hd] as [B, nkv, nh / nkv, S, hd]."""
    return g.op("Reshape", [x, g.const([0, nkv, nh // nkv, -1, hd])])


def _scores(g: GraphBuilder, q5: str, keys: str, hd: int) -> str:
    """q·kᵀ / √d of grouped queries [B, nkv, G, S, hd] against keys [B, nkv, T, hd]: [B, nkv, G, S, T]."""
    k5 = g.op("Unsqueeze", [keys, g.const([2])])
    scores = g.op("MatMul", [q5, g.op("Transpose", [k5], perm=[0, 1, 2, 4, 3])])
    return g.op("Mul", [scores, g.const(hd**-0.5, np.float32)])


def _full_cache_attention(g: GraphBuilder, mask: str, _past_key: str, total: str, seq: str, hd, nh, nkv):
    """Contract 1: past [B, nkv, P, hd] concatenated with the new keys/values, returned whole as present.*."""
    i64 = g.const
    # causal + padding mask [B, 1, 1, S, T]: query i (absolute T - S + i) sees keys j <= its position
    key_pos = g.op("Unsqueeze", [g.op("Range", [i64(0), total, i64(1)]), i64([0])])
    query_pos = g.op("Unsqueeze", [g.op("Range", [g.op("Sub", [total, seq]), total, i64(1)]), i64([1])])
    causal = g.op("LessOrEqual", [key_pos, query_pos])
    allowed = g.op("And", [causal, g.op("Unsqueeze", [g.op("Cast", [mask], to=BOOL), i64([1, 2, 3])])])

    def attend(i: int, q: str, k: str, v: str, past_k: str, past_v: str) -> str:
        k = g.op("Concat", [past_k, k], axis=2)
        v = g.op("Concat", [past_v, v], axis=2)
        g.output(k, f"present.{i}.key", F32, ["batch_size", nkv, "total_sequence_length", hd])
        g.output(v, f"present.{i}.value", F32, ["batch_size", nkv, "total_sequence_length", hd])
        scores = _scores(g, _grouped(g, q, nh, nkv, hd), k, hd)
        attn = g.op("Softmax", [g.op("Where", [allowed, scores, g.const(NEG, np.float32)])], axis=-1)
        return g.op("Reshape", [g.op("MatMul", [attn, g.op("Unsqueeze", [v, i64([2])])]), i64([0, nh, -1, hd])])

    return attend


def _delta_attention(g: GraphBuilder, mask: str, past_key: str, total: str, seq: str, hd, nh, nkv):
    """The past in a buffer [B, nkv, C, hd] of which only the first P = T - S rows are read, C >= P: the
    runtime hands over the buffer it appends to, without copying. Scores are taken against the C buffer
    rows and the S new keys side by side, rows P .. C-1 masked; nothing the size of the cache is copied,
    and only the new positions' keys and values are returned (present_delta.*)."""
    i64 = g.const
    past_len = g.op("Sub", [total, seq])
    capacity = g.op("Squeeze", [g.op("Shape", [past_key], start=2, end=3), i64([0])])
    batch = g.op("Shape", [mask], start=0, end=1)
    # key slots: C buffer rows (row j is position j), then the S new positions P .. T-1
    key_pos = g.op(
        "Concat", [g.op("Range", [i64(0), capacity, i64(1)]), g.op("Range", [past_len, total, i64(1)])], axis=0
    )
    query_pos = g.op("Unsqueeze", [g.op("Range", [past_len, total, i64(1)]), i64([1])])
    causal = g.op("LessOrEqual", [g.op("Unsqueeze", [key_pos, i64([0])]), query_pos])
    # padding mask per slot; rows P .. C-1 never hold the past (ConstantOfShape fails if C < P)
    spare = g.op("Concat", [batch, g.op("Unsqueeze", [g.op("Sub", [capacity, past_len]), i64([0])])], axis=0)
    zero = numpy_helper.from_array(np.zeros(1, np.int64))
    slots = g.op(
        "Concat",
        [
            g.op("Slice", [mask, i64([0]), g.op("Unsqueeze", [past_len, i64([0])]), i64([1])]),
            g.op("ConstantOfShape", [spare], value=zero),
            g.op("Slice", [mask, g.op("Unsqueeze", [past_len, i64([0])]), g.op("Shape", [mask], start=1), i64([1])]),
        ],
        axis=1,
    )
    allowed = g.op("And", [causal, g.op("Unsqueeze", [g.op("Cast", [slots], to=BOOL), i64([1, 2, 3])])])
    split = g.op("Concat", [g.op("Unsqueeze", [capacity, i64([0])]), g.op("Unsqueeze", [seq, i64([0])])], axis=0)

    def attend(i: int, q: str, k: str, v: str, past_k: str, past_v: str) -> str:
        g.output(k, f"present_delta.{i}.key", F32, ["batch_size", nkv, "sequence_length", hd])
        g.output(v, f"present_delta.{i}.value", F32, ["batch_size", nkv, "sequence_length", hd])
        q5 = _grouped(g, q, nh, nkv, hd)
        scores = g.op("Concat", [_scores(g, q5, past_k, hd), _scores(g, q5, k, hd)], axis=-1)
        attn = g.op("Softmax", [g.op("Where", [allowed, scores, g.const(NEG, np.float32)])], axis=-1)
        attn_past, attn_new = g.op("Split", [attn, split], outputs=2, axis=-1)
        out = g.op(
            "Add",
            [
                g.op("MatMul", [attn_past, g.op("Unsqueeze", [past_v, i64([2])])]),
                g.op("MatMul", [attn_new, g.op("Unsqueeze", [v, i64([2])])]),
            ],
        )
        return g.op("Reshape", [out, i64([0, nh, -1, hd])])

    return attend
