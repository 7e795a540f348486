"""Rewrites DICOM files in place with a compressed transfer syntax, for tests/dicom/compressed.test.ts.

usage: compress_series.py <jpegls|j2k|htj2k-declared> <file>...
  jpegls          JPEG-LS lossless, encoded by pydicom with pyjpegls
  j2k             JPEG 2000 lossless, each frame encoded by Pillow (OpenJPEG) and encapsulated
  htj2k-declared  declares High-Throughput JPEG 2000 over encapsulated raw bytes: a syntax the converter lacks
"""

import io
import sys

import numpy as np
import pydicom
from PIL import Image
from pydicom.encaps import encapsulate
from pydicom.uid import UID, JPEG2000Lossless, JPEGLSLossless

HTJ2K = UID("1.2.840.10008.1.2.4.203")


def rewrite(kind: str, path: str) -> None:
    ds = pydicom.dcmread(path)
    if kind == "jpegls":
        ds.compress(JPEGLSLossless)
    else:
        if kind == "j2k":
            buf = io.BytesIO()
            Image.fromarray(ds.pixel_array.astype(np.uint16)).save(
                buf, format="JPEG2000", irreversible=False, no_jp2=True
            )
            frame, syntax = buf.getvalue(), JPEG2000Lossless
        else:
            frame, syntax = ds.PixelData, HTJ2K
        ds.PixelData = encapsulate([frame])
        ds["PixelData"].VR = "OB"
        ds.file_meta.TransferSyntaxUID = syntax
    ds.save_as(path, enforce_file_format=True)


if __name__ == "__main__":
    for f in sys.argv[2:]:
        rewrite(sys.argv[1], f)
