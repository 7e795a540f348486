"""DICOM SEG from a TumorWatch label mask (1 NCR, 2 ED, 3 ET) with highdicom, in the source study: the SEG references
the source series' instances and copies its patient and study modules, from the references the app stored
(encrypted) at ingestion. The source pixels are not needed: the instances' geometry comes from those references and
the case grid (the dcm2niix conversion of that very series), on which the mask lies.

Request (JSON): {mask, candidates: [SourceReferences...] (preferred first: the first whose instances lie on the
mask's grid is used), seriesNumber, seriesDescription, algorithm: {name, version} | null, reviewer: {name, detail} |
null, software}."""

from __future__ import annotations

from pathlib import Path

import highdicom as hd
import nibabel as nib
import numpy as np
from highdicom.sr.coding import CodedConcept
from pydicom.sr.codedict import codes

from .geometry import sample_mask
from .seg_sources import fitting_series, source_images

CATEGORY = CodedConcept("49755003", "SCT", "Morphologically Altered Structure")
SEGMENTS = {
    1: ("NCR", CodedConcept("6574001", "SCT", "Necrosis"), "necrotic / non-enhancing tumour core"),
    2: ("ED", CodedConcept("79654002", "SCT", "Edema"), "peritumoral oedema"),
    3: ("ET", CodedConcept("108369006", "SCT", "Neoplasm"), "enhancing tumour"),
}


def write_seg(request: dict, out: Path) -> dict:
    img = nib.load(str(request["mask"]))
    mask = np.asarray(img.dataobj).astype(np.uint8).reshape(img.shape[:3])
    refs, planes = fitting_series(request["candidates"], img.affine, mask.shape)
    present = [n for n in SEGMENTS if np.any(mask == n)]
    unknown = sorted(set(np.unique(mask).tolist()) - {0, *SEGMENTS})
    if unknown:
        raise ValueError(f"mask has labels {unknown} outside 1 NCR, 2 ED, 3 ET")
    if not present:
        raise ValueError("the mask is empty: a DICOM SEG needs at least one segmented voxel")
    sources = source_images(refs, planes)
    rows, cols = sources[0].Rows, sources[0].Columns
    # segment numbers run 1..n over the labels present (highdicom's rule); each keeps its product label's name
    renumber = np.zeros(256, dtype=np.uint8)
    renumber[present] = np.arange(1, len(present) + 1)
    frames = np.stack([renumber[sample_mask(mask, img.affine, p, rows, cols)] for p in planes])
    seg = hd.seg.Segmentation(
        source_images=sources,
        pixel_array=frames,
        segmentation_type=hd.seg.SegmentationTypeValues.BINARY,
        segment_descriptions=[_description(i + 1, n, request) for i, n in enumerate(present)],
        series_instance_uid=hd.UID(),
        series_number=int(request.get("seriesNumber", 900)),
        sop_instance_uid=hd.UID(),
        instance_number=1,
        manufacturer="TumorWatch",
        manufacturer_model_name="TumorWatch",
        software_versions=str(request.get("software", "tumorwatch")),
        device_serial_number="0",
        series_description=str(request.get("seriesDescription", "TumorWatch segmentation"))[:64],
        content_label="TUMORWATCH",
        content_description=str(request.get("seriesDescription", ""))[:64] or None,
        content_creator_name=_person(request.get("reviewer")),
    )
    seg.save_as(out)
    return {
        "seriesInstanceUid": str(seg.SeriesInstanceUID),
        "sopInstanceUid": str(seg.SOPInstanceUID),
        "sourceSeriesInstanceUid": refs["seriesInstanceUid"],
        "frames": int(seg.NumberOfFrames),
        "segments": [SEGMENTS[n][0] for n in present],
    }


def _description(number: int, product_label: int, request: dict) -> hd.seg.SegmentDescription:
    label, concept, _ = SEGMENTS[product_label]
    algorithm, reviewer = request.get("algorithm"), request.get("reviewer")
    if algorithm:
        return hd.seg.SegmentDescription(
            segment_number=number,
            segment_label=label,
            segmented_property_category=CATEGORY,
            segmented_property_type=concept,
            algorithm_type=hd.seg.SegmentAlgorithmTypeValues.AUTOMATIC,
            algorithm_identification=hd.AlgorithmIdentificationSequence(
                name=str(algorithm["name"])[:64],
                version=str(algorithm["version"])[:64],
                family=codes.cid7162.ArtificialIntelligence,
            ),
        )
    # A radiologist-approved label: manual, the approver named in the segment's tracking identifier.
    return hd.seg.SegmentDescription(
        segment_number=number,
        segment_label=label,
        segmented_property_category=CATEGORY,
        segmented_property_type=concept,
        algorithm_type=hd.seg.SegmentAlgorithmTypeValues.MANUAL,
        tracking_id=f"{label}: {reviewer.get('detail', 'approved')}"[:64] if reviewer else None,
        tracking_uid=hd.UID() if reviewer else None,
    )


def _person(reviewer: dict | None) -> str | None:
    """DICOM person name (Family^Given) of the approver, from a display name."""
    if not reviewer:
        return None
    parts = str(reviewer["name"]).replace("^", " ").split()
    return "^".join([parts[-1], " ".join(parts[:-1])]) if len(parts) > 1 else (parts[0] if parts else None)


def read_seg_labels(path: Path, affine: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """A SEG's segments back onto a NIfTI grid, from each frame's own plane position (for tests and checks)."""
    from pydicom import dcmread

    from .geometry import plane_points_lps, voxel_indices

    ds = dcmread(str(path))
    shared = ds.SharedFunctionalGroupsSequence[0]
    orientation = [float(x) for x in shared.PlaneOrientationSequence[0].ImageOrientationPatient]
    spacing = [float(x) for x in shared.PixelMeasuresSequence[0].PixelSpacing]
    pixels = ds.pixel_array.reshape(int(ds.NumberOfFrames), ds.Rows, ds.Columns)
    by_number = {int(s.SegmentNumber): s.SegmentLabel for s in ds.SegmentSequence}
    product = {v[0]: k for k, v in SEGMENTS.items()}
    out = np.zeros(shape, dtype=np.uint8)
    for frame, group in zip(pixels, ds.PerFrameFunctionalGroupsSequence, strict=True):
        number = int(group.SegmentIdentificationSequence[0].ReferencedSegmentNumber)
        label = product[by_number[number]]
        plane = {
            "position": [float(x) for x in group.PlanePositionSequence[0].ImagePositionPatient],
            "orientation": orientation,
            "pixel_spacing": spacing,
        }
        ijk = voxel_indices(plane_points_lps(plane, ds.Rows, ds.Columns), affine)[frame > 0]
        out[ijk[:, 0], ijk[:, 1], ijk[:, 2]] = label
    return out
