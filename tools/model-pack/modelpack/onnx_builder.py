"""A small ONNX graph writer that streams weights straight into an external-data file.

The graphs are written op by op instead of with torch.onnx.export: an 8B checkpoint then never has to
sit in memory (each weight is read, converted or quantised, and appended to `<graph>.onnx_data` in
chunks), the graph does not depend on how a given torch version traces, and every input/output name is
exactly the contract's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
MS_DOMAIN = "com.microsoft"
IR_VERSION = 8  # what opset 17 needs; accepted by every onnxruntime since 1.13

# Tensors smaller than this stay inside the .onnx file; larger ones go to the data file, page-aligned
# so that onnxruntime can memory-map them.
_INLINE_BYTES = 4096
_ALIGN = 4096

_ONNX_TYPES = {
    np.dtype(np.float32): TensorProto.FLOAT,
    np.dtype(np.float16): TensorProto.FLOAT16,
    np.dtype(np.int64): TensorProto.INT64,
    np.dtype(np.uint8): TensorProto.UINT8,
    np.dtype(np.bool_): TensorProto.BOOL,
}

F32, F16, I64, BOOL = TensorProto.FLOAT, TensorProto.FLOAT16, TensorProto.INT64, TensorProto.BOOL


class GraphBuilder:
    def __init__(self, path: str | Path, graph_name: str):
        self.path = Path(path)
        self.data_name = self.path.name + "_data"
        self.graph_name = graph_name
        self.nodes: list[onnx.NodeProto] = []
        self.inputs: list[onnx.ValueInfoProto] = []
        self.outputs: list[onnx.ValueInfoProto] = []
        self.initializers: list[TensorProto] = []
        self.uses_ms_domain = False
        self._names: dict[str, int] = {}
        self._consts: dict[tuple, str] = {}
        self._data = open(self.path.parent / self.data_name, "wb")
        self._offset = 0

    # ---- names -------------------------------------------------------------------------------
    def _unique(self, base: str) -> str:
        n = self._names.get(base, 0)
        self._names[base] = n + 1
        return base if n == 0 else f"{base}_{n}"

    # ---- graph interface --------------------------------------------------------------------------
    def input(self, name: str, elem_type: int, shape: Sequence[int | str]) -> str:
        self.inputs.append(helper.make_tensor_value_info(name, elem_type, list(shape)))
        self._names[name] = 1
        return name

    def output(self, value: str, name: str, elem_type: int, shape: Sequence[int | str]) -> None:
        self.op("Identity", [value], name=name)
        self.outputs.append(helper.make_tensor_value_info(name, elem_type, list(shape)))

    # ---- nodes --------------------------------------------------------------------------------------
    def op(
        self, op_type: str, inputs: Sequence[str], outputs: int = 1, name: str | None = None, domain: str = "", **attrs
    ) -> str | list[str]:
        base = name or f"/{op_type}"
        outs = [name] if name else [self._unique(f"{base}_out{i}") for i in range(outputs)]
        if name:
            self._names[name] = 1
        self.nodes.append(
            helper.make_node(
                op_type, list(inputs), outs, name=self._unique(base + "_node"), domain=domain or None, **attrs
            )
        )
        if domain == MS_DOMAIN:
            self.uses_ms_domain = True
        return outs[0] if outputs == 1 else outs

    def const(self, value, dtype=np.int64) -> str:
        """A small constant, deduplicated (shapes, axes, scalars)."""
        array = np.asarray(value, dtype=dtype)
        key = (array.dtype.str, array.shape, array.tobytes())
        if key not in self._consts:
            name = self._unique("/const")
            self.initializers.append(numpy_helper.from_array(array, name))
            self._consts[key] = name
        return self._consts[key]

    # ---- weights ------------------------------------------------------------------------------------
    def weight(self, name: str, array: np.ndarray) -> str:
        return self.weight_stream(name, array.dtype, array.shape, [array])

    def weight_stream(self, name: str, dtype, shape: Sequence[int], chunks: Iterable[np.ndarray]) -> str:
        """A weight whose bytes arrive as row-major chunks; large ones are appended to the data file."""
        dtype = np.dtype(dtype)
        name = self._unique(name)
        size = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
        if size < _INLINE_BYTES:
            array = np.concatenate([np.asarray(c, dtype).reshape(-1) for c in chunks]).reshape(shape)
            self.initializers.append(numpy_helper.from_array(array, name))
            return name
        pad = -self._offset % _ALIGN
        self._data.write(b"\0" * pad)
        self._offset += pad
        written = 0
        for chunk in chunks:
            data = np.ascontiguousarray(chunk, dtype=dtype).tobytes()
            self._data.write(data)
            written += len(data)
        if written != size:
            raise ValueError(f"weight {name}: got {written} bytes for shape {list(shape)}")
        tensor = TensorProto(name=name, data_type=_ONNX_TYPES[dtype], dims=list(shape))
        tensor.data_location = TensorProto.EXTERNAL
        for key, value in (("location", self.data_name), ("offset", str(self._offset)), ("length", str(size))):
            entry = tensor.external_data.add()
            entry.key, entry.value = key, value
        self.initializers.append(tensor)
        self._offset += size
        return name

    # ---- save ---------------------------------------------------------------------------------------
    def save(self) -> list[Path]:
        """Write the .onnx file (and keep its data file if any weight went there); return the files."""
        self._data.close()
        data_path = self.path.parent / self.data_name
        graph = helper.make_graph(self.nodes, self.graph_name, self.inputs, self.outputs, self.initializers)
        opsets = [helper.make_opsetid("", OPSET)]
        if self.uses_ms_domain:
            opsets.append(helper.make_opsetid(MS_DOMAIN, 1))
        model = helper.make_model(graph, opset_imports=opsets, producer_name="lightbox-model-pack")
        model.ir_version = IR_VERSION
        # Serialise directly: onnx.save_model would try to manage the external data itself.
        self.path.write_bytes(model.SerializeToString())
        if self._offset == 0:
            data_path.unlink()
            return [self.path]
        return [self.path, data_path]
