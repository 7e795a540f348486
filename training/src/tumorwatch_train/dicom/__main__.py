"""`python -m tumorwatch_train.dicom <command>`: the entry points the app (and tests) spawn. Each prints one JSON
document on stdout; a bad argument or input exits 2 with the reason on stderr."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tumorwatch_train.dicom")
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write-study", help="a four-sequence MR study from a synthetic case folder")
    w.add_argument("--case", type=Path, required=True, help="cohort case folder (<id>-{t1n,t1c,t2w,t2f}.nii.gz)")
    w.add_argument("--out", type=Path, required=True)
    w.add_argument("--oblique", default="T2F", help="the sequence acquired on an oblique grid ('none': no such series)")
    w.add_argument("--seed", type=int, default=0)
    c = sub.add_parser("coregister", help="rigid registration of sequences onto a reference grid")
    c.add_argument("--reference", type=Path, required=True)
    c.add_argument("--moving", action="append", required=True, help="NAME=path.nii.gz (repeatable)")
    c.add_argument("--out", type=Path, required=True, help="folder for NAME.nii.gz on the reference grid")
    s = sub.add_parser("seg", help="a DICOM SEG from a label mask and the source series' references")
    s.add_argument("--request", type=Path, required=True, help="JSON: mask, refs, segments, creator (seg.py)")
    s.add_argument("--out", type=Path, required=True)
    for p in (c, s):
        p.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    try:
        result = _run(args)
    except (ValueError, FileNotFoundError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(json.dumps(result))
    return 0


def _run(args: argparse.Namespace) -> dict:
    if args.command == "write-study":
        from .study import write_study

        oblique = None if args.oblique.lower() == "none" else args.oblique.upper()
        return write_study(args.case, args.out, oblique=oblique, seed=args.seed)
    import SimpleITK as sitk

    sitk.ProcessObject.SetGlobalDefaultNumberOfThreads(max(1, args.threads))
    if args.command == "coregister":
        from .coregister import coregister

        args.out.mkdir(parents=True, exist_ok=True)
        results = {}
        for item in args.moving:
            name, sep, path = item.partition("=")
            if not sep or not name.isalnum():
                raise ValueError(f"--moving expects NAME=path (got {item})")
            results[name] = coregister(args.reference, Path(path), args.out / f"{name}.nii.gz")
        return results
    from .seg import write_seg

    return write_seg(json.loads(args.request.read_text()), args.out)


if __name__ == "__main__":
    sys.exit(main())
