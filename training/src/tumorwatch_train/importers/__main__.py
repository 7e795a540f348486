"""The importer command line. stdout carries JSON lines only: {"type": "done", "out", "name", "version", "files"}
(exit 0), or {"type": "error", "message", "field"} with exit 2 for a refusal (the input cannot be imported as it is)
and exit 1 for any other failure. Nothing is written unless the import succeeds."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import traceback

# format -> module with build_parser(parser) and run(args); run returns the "done" event (or, for modules that
# print their own events, an exit code). A new format is one line here.
FORMATS = {
    "monai-bundle": ("tumorwatch_train.importers.monai_bundle", "MONAI bundle folder or zip"),
    "onnx": ("tumorwatch_train.importers.onnx_file", "ONNX file with a hand-written card 2"),
    "nnunet": ("tumorwatch_train.importers.nnunet", "nnU-Net v2 trained-model folder or export zip"),
}


def _emit(event: dict) -> None:
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m tumorwatch_train.importers")
    sub = parser.add_subparsers(dest="format", required=True)
    for fmt, (_, help_text) in FORMATS.items():
        sub.add_parser(fmt, help=help_text, add_help=False)
    fmt = parser.parse_args(argv[:1]).format
    module = importlib.import_module(FORMATS[fmt][0])
    args = module.build_parser(argparse.ArgumentParser(prog=f"python -m tumorwatch_train.importers {fmt}"))
    args = args.parse_args(argv[1:])
    try:
        result = module.run(args)
    except Exception as e:  # the caller reads the reason from the stream; the traceback goes to stderr
        if type(e).__name__ in ("Refused", "ImportRefused"):  # bad input, named: no traceback
            print(f"refused: {e}", file=sys.stderr)
            _emit({"type": "error", "message": str(e), "field": getattr(e, "field", None)})
            return 2
        traceback.print_exc(file=sys.stderr)
        _emit({"type": "error", "message": f"{type(e).__name__}: {e}"})
        return 1
    if isinstance(result, int):
        return result
    _emit(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
