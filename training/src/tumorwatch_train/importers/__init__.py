"""Importers: a model trained elsewhere -> ONNX file(s) + model-card.json (card 2) in a new model directory.

    python -m tumorwatch_train.importers monai-bundle <bundle dir or zip> --out <dir>   (monai_bundle.py)
    python -m tumorwatch_train.importers onnx <file.onnx> --card <card.json> --out <dir> (onnx_file.py)
    python -m tumorwatch_train.importers nnunet <folder or zip> --out <dir>               (nnunet.py)

Every importer checks everything before it writes anything, and refuses input the card cannot express with a
message naming the field (file and path); see __main__.py for the output stream."""
