"""Minimal 8-bit grayscale PNG reader/writer (zlib only), so the tools need nothing beyond numpy.

Writes colour type 0, bit depth 8, no interlace, filter type 0 on every row and a fixed zlib level,
so the same array always gives the same bytes. Reads colour types 0 (gray), 2 (RGB, converted to
gray by the mean), 4 and 6 (alpha dropped) at bit depth 8 or 16 (16 is scaled to 8), all five filters.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np

_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def encode_png(gray: np.ndarray, text: dict[str, str] | None = None) -> bytes:
    """uint8 [H, W] -> PNG bytes (deterministic)."""
    if gray.dtype != np.uint8 or gray.ndim != 2:
        raise ValueError("encode_png wants a 2-D uint8 array")
    h, w = gray.shape
    raw = np.zeros((h, w + 1), dtype=np.uint8)
    raw[:, 1:] = gray
    out = _SIGNATURE + _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
    for key, value in (text or {}).items():
        out += _chunk(b"tEXt", key.encode("latin-1") + b"\x00" + value.encode("latin-1"))
    out += _chunk(b"IDAT", zlib.compress(raw.tobytes(), 6))
    return out + _chunk(b"IEND", b"")


def write_png(path: str | Path, gray: np.ndarray, text: dict[str, str] | None = None) -> None:
    Path(path).write_bytes(encode_png(gray, text))


def decode_png(data: bytes) -> np.ndarray:
    """PNG bytes -> uint8 [H, W] grayscale."""
    if data[:8] != _SIGNATURE:
        raise ValueError("not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    if header is None:
        raise ValueError("PNG without IHDR")
    w, h, depth, colour, _, _, interlace = header
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(colour)
    if channels is None or depth not in (8, 16) or interlace:
        raise ValueError(f"unsupported PNG (colour {colour}, depth {depth}, interlace {interlace})")
    bpp = channels * depth // 8
    stride = w * bpp
    raw = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(h, stride + 1)
    out = np.zeros((h, stride), dtype=np.uint8)
    prev = np.zeros(stride, dtype=np.uint8)
    for y in range(h):
        f, line = raw[y, 0], raw[y, 1:].copy()
        if f == 0:
            cur = line
        elif f == 2:
            cur = (line + prev).astype(np.uint8)
        elif f in (1, 3, 4):
            cur = np.zeros(stride, dtype=np.uint8)
            for x in range(stride):  # sequential dependency; only for the (rare) files that use these filters
                a = int(cur[x - bpp]) if x >= bpp else 0
                b = int(prev[x])
                c = int(prev[x - bpp]) if x >= bpp else 0
                if f == 1:
                    pred = a
                elif f == 3:
                    pred = (a + b) // 2
                else:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                cur[x] = (int(line[x]) + pred) & 0xFF
        else:
            raise ValueError(f"bad PNG filter {f}")
        out[y] = cur
        prev = cur
    px = out.reshape(h, w, bpp)
    if depth == 16:
        px = px.reshape(h, w, channels, 2)[..., 0]  # high byte
    else:
        px = px.reshape(h, w, channels)
    if channels in (1, 2):
        return np.ascontiguousarray(px[..., 0])
    return np.round(px[..., :3].astype(np.float32).mean(axis=2)).astype(np.uint8)


def read_png(path: str | Path) -> np.ndarray:
    return decode_png(Path(path).read_bytes())
