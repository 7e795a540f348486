"""Model directories appear complete or not at all: every importer writes into a temporary folder beside the target."""

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def model_dir_published(out: Path) -> Iterator[Path]:
    """A temporary folder beside `out` that becomes `out` (an absent or empty folder) when the block ends without an
    error, and is removed otherwise, so a reader never sees half a model."""
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        yield work
        if out.exists():
            out.rmdir()
        work.rename(out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
