"""Rewrites one classic single-frame MR series as one Enhanced MR Image Storage object (a 3D multi-frame series, as
Philips and Siemens XA scanners write), for tests/dicom/enhanced.test.ts. The real GE pixels and geometry move into
the functional groups: per frame its ImagePositionPatient and stack position, shared the orientation, pixel
measures and MR timing. The single-frame files are removed; the one multi-frame file takes their place.

usage: enhance_series.py <out file> <classic MR file>...
"""

import sys
from pathlib import Path

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

ENHANCED_MR = "1.2.840.10008.5.1.4.1.1.4.1"
# image-level attributes that the enhanced IOD moves into the functional groups (or drops)
PER_FRAME = {
    "ImagePositionPatient",
    "ImageOrientationPatient",
    "PixelSpacing",
    "SliceThickness",
    "SpacingBetweenSlices",
    "SliceLocation",
    "InstanceNumber",
    "RepetitionTime",
    "EchoTime",
    "InversionTime",
    "FlipAngle",
    "EchoTrainLength",
    "RescaleIntercept",
    "RescaleSlope",
    "WindowCenter",
    "WindowWidth",
    "PixelData",
}


def item(**values) -> Dataset:
    ds = Dataset()
    for key, value in values.items():
        setattr(ds, key, value)
    return ds


def by_position(files: list[str]) -> list[Dataset]:
    """The frames in slice order: positions projected on the slice normal."""
    slices = [pydicom.dcmread(f) for f in files]
    row, col = (
        np.array(slices[0].ImageOrientationPatient[:3], float),
        np.array(slices[0].ImageOrientationPatient[3:], float),
    )
    normal = np.cross(row, col)
    return sorted(slices, key=lambda s: float(np.dot(normal, np.array(s.ImagePositionPatient, float))))


def enhanced(slices: list[Dataset]) -> Dataset:
    first = slices[0]
    ds = Dataset()
    for el in first:
        if el.tag.group > 0x0002 and not el.tag.is_private and el.keyword not in PER_FRAME:
            ds.add(el)
    ds.SOPClassUID = ENHANCED_MR
    ds.SOPInstanceUID = generate_uid()
    ds.ImageType = ["ORIGINAL", "PRIMARY", "M", "NONE"]
    ds.InstanceNumber = 1
    ds.NumberOfFrames = len(slices)
    ds.ContentQualification = "PRODUCT"
    ds.SharedFunctionalGroupsSequence = Sequence(
        [
            item(
                PixelMeasuresSequence=Sequence(
                    [
                        item(
                            PixelSpacing=first.PixelSpacing,
                            SliceThickness=first.SliceThickness,
                            SpacingBetweenSlices=first.SpacingBetweenSlices,
                        )
                    ]
                ),
                PlaneOrientationSequence=Sequence([item(ImageOrientationPatient=first.ImageOrientationPatient)]),
                MRTimingAndRelatedParametersSequence=Sequence(
                    [
                        item(
                            RepetitionTime=first.RepetitionTime,
                            FlipAngle=first.FlipAngle,
                            EchoTrainLength=first.EchoTrainLength,
                        )
                    ]
                ),
                MREchoSequence=Sequence([item(EffectiveEchoTime=float(first.EchoTime))]),
                MRModifierSequence=Sequence(
                    [item(InversionRecovery="YES", InversionTimes=[float(first.InversionTime)])]
                ),
                PixelValueTransformationSequence=Sequence([item(RescaleIntercept=0, RescaleSlope=1, RescaleType="US")]),
            )
        ]
    )
    dimension_uid = generate_uid()
    ds.DimensionOrganizationSequence = Sequence([item(DimensionOrganizationUID=dimension_uid)])
    ds.DimensionIndexSequence = Sequence(
        [
            item(DimensionOrganizationUID=dimension_uid, DimensionIndexPointer=tag, FunctionalGroupPointer=0x00209111)
            for tag in (0x00209056, 0x00209057)  # StackID, InStackPositionNumber in FrameContentSequence
        ]
    )
    ds.PerFrameFunctionalGroupsSequence = Sequence(
        [
            item(
                PlanePositionSequence=Sequence([item(ImagePositionPatient=s.ImagePositionPatient)]),
                FrameContentSequence=Sequence(
                    [item(StackID="1", InStackPositionNumber=k + 1, DimensionIndexValues=[1, k + 1])]
                ),
            )
            for k, s in enumerate(slices)
        ]
    )
    ds.PixelData = np.stack([s.pixel_array for s in slices]).astype(first.pixel_array.dtype).tobytes()
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = ENHANCED_MR
    meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta = meta
    return ds


if __name__ == "__main__":
    out, files = sys.argv[1], sys.argv[2:]
    enhanced(by_position(files)).save_as(out, enforce_file_format=True)
    for f in files:
        Path(f).unlink()
