"""TumorWatch reference trainer: MONAI SegResNet, exact preprocessing, ONNX export and model card."""

__version__ = "0.1.0"
