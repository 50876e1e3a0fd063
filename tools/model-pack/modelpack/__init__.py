"""Export of Qwen3-VL checkpoints to Lightbox model packs: reference model, ONNX graphs, pack files."""
