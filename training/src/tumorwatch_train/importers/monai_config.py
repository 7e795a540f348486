"""Reading a MONAI bundle: a folder or a zip holding configs/metadata.json, configs/inference.(json|yaml|yml) and
models/model.pt (a state dict) or models/model.ts (TorchScript), parsed with monai.bundle.ConfigParser so that
references (@image_key), expressions ($...) and defaults resolve exactly as MONAI resolves them."""

from __future__ import annotations

import contextlib
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .refusal import Refused

INFERENCE_NAMES = ("inference.json", "inference.yaml", "inference.yml")


@dataclass
class Bundle:
    root: Path
    metadata_file: str
    config_file: str
    parser: object  # monai.bundle.ConfigParser
    meta: dict
    weights: Path

    def get(self, path: str, default=None):
        """A value of the inference config as written (no references resolved)."""
        return self.parser.get(path.replace(".", "#"), default)

    def parsed(self, path: str, field: str):
        """The instantiated / evaluated config item; a failure is refused naming it."""
        if self.parser.get(path.replace(".", "#")) is None:
            raise Refused(f"{self.config_file} {field}", "missing")
        try:
            return self.parser.get_parsed_content(path.replace(".", "#"), instantiate=True)
        except Exception as e:  # MONAI raises many kinds; the reason is in the message
            raise Refused(f"{self.config_file} {field}", f"MONAI cannot build it: {type(e).__name__}: {e}") from e


@contextlib.contextmanager
def open_bundle(source: Path, weights: Path | None = None) -> Iterator[Bundle]:
    """The bundle in `source` (a folder, or a zip whose members stay inside it), read and parsed."""
    if source.is_file() and zipfile.is_zipfile(source):
        with tempfile.TemporaryDirectory(prefix="monai-bundle-") as tmp:
            with zipfile.ZipFile(source) as z:
                for member in z.namelist():
                    if member.startswith("/") or ".." in Path(member).parts:
                        raise Refused(source.name, f"member {member!r} points outside the archive")
                z.extractall(tmp)
            yield read_bundle(_bundle_root(Path(tmp), source.name), weights)
        return
    if not source.is_dir():
        raise Refused(str(source), "neither a bundle folder nor a zip")
    yield read_bundle(_bundle_root(source, str(source)), weights)


def _bundle_root(root: Path, shown: str) -> Path:
    found = sorted(p.parent.parent for p in root.rglob("configs/metadata.json"))
    if not found:
        raise Refused(f"{shown} configs/metadata.json", "missing: not a MONAI bundle")
    if len(found) > 1:
        raise Refused(shown, f"holds {len(found)} bundles ({', '.join(p.name for p in found)}): import one")
    return found[0]


def read_bundle(root: Path, weights: Path | None = None) -> Bundle:
    from monai.bundle import ConfigParser

    configs = root / "configs"
    config = next((configs / n for n in INFERENCE_NAMES if (configs / n).is_file()), None)
    if config is None:
        raise Refused("configs/inference.json", f"missing (looked for {', '.join(INFERENCE_NAMES)})")
    config_file = f"configs/{config.name}"
    parser = ConfigParser()
    try:
        parser.read_meta(str(configs / "metadata.json"))
        parser.read_config(str(config))
    except Exception as e:
        raise Refused(config_file, f"cannot be read: {type(e).__name__}: {e}") from e
    # paths in the config ($@bundle_root + '/models/...') resolve inside this bundle
    parser["bundle_root"] = str(root)
    meta = parser.get("_meta_") or {}
    return Bundle(root, "configs/metadata.json", config_file, parser, meta, _weights(root, weights))


def _weights(root: Path, weights: Path | None) -> Path:
    if weights is not None:
        if not weights.is_file():
            raise Refused(f"--weights {weights}", "no such file")
        return weights
    for name in ("models/model.pt", "models/model.ts"):
        if (root / name).is_file():
            return root / name
    raise Refused("models/model.pt", "missing (and no models/model.ts): the bundle has no weights; pass --weights")
