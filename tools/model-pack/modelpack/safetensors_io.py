"""Minimal safetensors reader/writer (no `safetensors` package on Debian).

File format: 8-byte little-endian header length, a JSON header mapping each tensor name to
{dtype, shape, data_offsets: [begin, end]} (offsets relative to the end of the header), then the
raw little-endian bytes.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np

# bfloat16 has no numpy dtype: it is read as uint16 and widened by the caller (see to_float32).
_NUMPY_DTYPES = {
    "F64": np.float64,
    "F32": np.float32,
    "F16": np.float16,
    "BF16": np.uint16,
    "I64": np.int64,
    "I32": np.int32,
    "I16": np.int16,
    "I8": np.int8,
    "U8": np.uint8,
    "BOOL": np.bool_,
}
_SAFETENSORS_DTYPES = {np.dtype(v): k for k, v in _NUMPY_DTYPES.items() if k != "BF16"}

# A header larger than this is not a safetensors file (the real limit in the Rust crate is 100 MB).
_MAX_HEADER = 100 * 1024 * 1024


class SafetensorsError(ValueError):
    pass


class TensorInfo:
    __slots__ = ("name", "dtype", "shape", "begin", "end")

    def __init__(self, name: str, dtype: str, shape: list[int], begin: int, end: int):
        self.name, self.dtype, self.shape, self.begin, self.end = name, dtype, tuple(shape), begin, end


class SafetensorsFile:
    """Memory-mapped, read-only view of one .safetensors file: tensors are read lazily."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        with open(self.path, "rb") as f:
            raw_len = f.read(8)
            if len(raw_len) != 8:
                raise SafetensorsError(f"{self.path}: too short to be a safetensors file")
            (header_len,) = struct.unpack("<Q", raw_len)
            if header_len > _MAX_HEADER:
                raise SafetensorsError(f"{self.path}: not a safetensors file (header length {header_len})")
            try:
                header = json.loads(f.read(header_len))
            except (UnicodeDecodeError, json.JSONDecodeError) as e:
                raise SafetensorsError(f"{self.path}: unreadable safetensors header ({e})") from None
        self.metadata = header.pop("__metadata__", None) or {}
        self._data_start = 8 + header_len
        self.tensors: dict[str, TensorInfo] = {}
        for name, entry in header.items():
            if entry["dtype"] not in _NUMPY_DTYPES:
                raise SafetensorsError(f"{self.path}: tensor {name} has unsupported dtype {entry['dtype']}")
            begin, end = entry["data_offsets"]
            self.tensors[name] = TensorInfo(name, entry["dtype"], entry["shape"], begin, end)
        # Copy-on-write map: arrays are writable (torch wants that) but pages stay shared with the file.
        self._map = np.memmap(self.path, dtype=np.uint8, mode="c") if self.path.stat().st_size else None

    def raw(self, name: str) -> np.ndarray:
        """The tensor in its stored dtype (bfloat16 as uint16), backed by the file mapping."""
        info = self.tensors[name]
        np_dtype = np.dtype(_NUMPY_DTYPES[info.dtype])
        count = int(np.prod(info.shape, dtype=np.int64))
        if info.end - info.begin != count * np_dtype.itemsize:
            raise SafetensorsError(
                f"{self.path}: tensor {name} has {info.end - info.begin} bytes for shape {info.shape}"
            )
        start = self._data_start + info.begin
        return self._map[start : start + info.end - info.begin].view(np_dtype).reshape(info.shape)

    def float32(self, name: str) -> np.ndarray:
        return to_float32(self.raw(name), self.tensors[name].dtype)


def to_float32(array: np.ndarray, dtype: str) -> np.ndarray:
    if dtype == "BF16":
        return (array.astype(np.uint32) << 16).view(np.float32)
    return array.astype(np.float32)


def read_all(path: str | Path) -> dict[str, np.ndarray]:
    """Every tensor of a small file, copied into memory (bfloat16 widened to float32)."""
    f = SafetensorsFile(path)
    return {n: (f.float32(n) if i.dtype == "BF16" else np.array(f.raw(n))) for n, i in f.tensors.items()}


def write(path: str | Path, tensors: dict[str, np.ndarray], metadata: dict[str, str] | None = None) -> None:
    """Write in-memory arrays (bfloat16 goes through `write_stream` with dtype "BF16" and uint16 data)."""
    write_stream(path, ((n, _dtype_of(a), a.shape, [a]) for n, a in tensors.items()), metadata)


def _dtype_of(array: np.ndarray) -> str:
    try:
        return _SAFETENSORS_DTYPES[array.dtype]
    except KeyError:
        raise SafetensorsError(f"cannot store numpy dtype {array.dtype} in safetensors") from None


def write_stream(path, entries, metadata: dict[str, str] | None = None) -> None:
    """Write tensors whose data arrives in chunks, so that a multi-GB tensor never sits in memory.

    `entries` yields (name, safetensors dtype, shape, iterable of arrays whose bytes, concatenated,
    are the tensor). The header needs every size up front, so entries are materialised as a list of
    chunk iterables, not of data.
    """
    entries = [(n, d, tuple(int(s) for s in shape), chunks) for n, d, shape, chunks in entries]
    header: dict[str, object] = {}
    if metadata:
        header["__metadata__"] = metadata
    offset = 0
    for name, dtype, shape, _ in entries:
        size = int(np.prod(shape, dtype=np.int64)) * np.dtype(_NUMPY_DTYPES[dtype]).itemsize
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + size]}
        offset += size
    header_bytes = json.dumps(header, separators=(",", ":")).encode()
    header_bytes += b" " * (-len(header_bytes) % 8)  # keep the data 8-byte aligned, as the spec advises
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header_bytes)))
        f.write(header_bytes)
        for name, dtype, shape, chunks in entries:
            begin, end = header[name]["data_offsets"]  # type: ignore[index]
            written = 0
            for chunk in chunks:
                data = np.ascontiguousarray(chunk).tobytes()
                f.write(data)
                written += len(data)
            if written != end - begin:
                raise SafetensorsError(f"tensor {name}: wrote {written} bytes, header says {end - begin}")
