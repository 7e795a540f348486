#!/usr/bin/env python3
"""Reference implementation of the BraTS 2023 metrics with numpy, scipy and cc3d.

It follows the official challenge code (rachitsaluja/BraTS-2023-Metrics, `get_lesion_wise_score` and
`get_lesion_wise_results`) step by step, and DeepMind's surface-distance package for HD95 (the one that code
vendors), written as ordinary vectorised numpy: region masks with np.isin, cc3d 26-connected components,
scipy binary dilation with the 18-connected structure, lesion-combining by dilation, and, per lesion, a dilation of
that lesion alone to find the predicted components it touches. Per-lesion work runs on the lesion's bounding box
(plus the dilation margin) instead of the whole volume, and surfels are sorted with np.lexsort instead of
`sorted(zip(...))`; neither changes a result.

It is the cross-check and the speed baseline of lib/metrics (see tests/metrics/python-crosscheck.test.ts and
bench/metrics.ts).

Usage:
  metrics_ref.py eval --pairs pairs.json [--challenge GLI] [--regions '{"WT":[1,2,4],...}'] [--repeat N] [--crop]
      pairs.json: [{"pred": path, "ref": path}] for NIfTI files, or
                  [{"pred": raw, "ref": raw, "dims": [nx,ny,nz], "spacing": [sx,sy,sz]}] for raw uint8 (x fastest)
      prints {"results": [{region: metrics}], "seconds": [median evaluation time per pair], "seconds_min": [fastest],
              "cpu_seconds": [median CPU time of the process per pair]}
  metrics_ref.py surfel-table        prints lib/metrics/surfelTable.ts (generated from MONAI's copy of the table)
  metrics_ref.py surfel-areas SX SY SZ [SX SY SZ ...]   prints the 256 surfel areas for each spacing as JSON
"""

import argparse
import json
import sys
import time

import cc3d
import numpy as np
from scipy import ndimage

CHALLENGES = {"GLI": (3, 50), "SSA": (3, 50), "PED": (3, 50), "MEN": (1, 50), "MET": (1, 2)}
DEFAULT_REGIONS = {"WT": [1, 2, 3], "TC": [1, 3], "ET": [3]}
FN_HD95 = 374.0


def surfel_normals():
    """Marching-cubes surfel normals per 2x2x2 neighbour code (DeepMind surface-distance, as shipped by MONAI)."""
    from monai.metrics.utils import _get_neighbour_code_to_normals_table

    return np.asarray(_get_neighbour_code_to_normals_table().cpu().numpy(), dtype=np.float64)


_AREA_CACHE = {}


def surfel_areas(spacing):
    """Area of the surface inside each of the 256 2x2x2 neighbourhoods, as DeepMind computes it."""
    key = tuple(spacing)
    if key not in _AREA_CACHE:
        normals = surfel_normals()
        areas = np.zeros(256)
        for code in range(256):
            total = 0.0
            for nrm in normals[code]:
                n = np.array(
                    [
                        nrm[0] * spacing[1] * spacing[2],
                        nrm[1] * spacing[0] * spacing[2],
                        nrm[2] * spacing[0] * spacing[1],
                    ]
                )
                total += np.linalg.norm(n)
            areas[code] = total
        _AREA_CACHE[key] = areas
    return _AREA_CACHE[key]


NEIGHBOUR_KERNEL = np.array([[[128, 64], [32, 16]], [[8, 4], [2, 1]]])


def surface_distances(mask_gt, mask_pred, spacing):
    """Surfel distances both ways and surfel areas, sorted by (distance, area) (DeepMind's compute_surface_distances)."""
    both = mask_gt | mask_pred
    if not both.any():
        empty = np.array([])
        return empty, empty, empty, empty
    lo = [int(np.flatnonzero(both.any(axis=tuple(a for a in range(3) if a != ax))).min()) for ax in range(3)]
    hi = [int(np.flatnonzero(both.any(axis=tuple(a for a in range(3) if a != ax))).max()) for ax in range(3)]
    box = tuple(slice(lo[i], hi[i] + 1) for i in range(3))
    shape = tuple(hi[i] - lo[i] + 2 for i in range(3))
    areas = surfel_areas(spacing)
    out = []
    borders = []
    codes = []
    for m in (mask_gt, mask_pred):
        crop = np.zeros(shape, np.uint8)
        crop[:-1, :-1, :-1] = m[box]
        code = ndimage.correlate(crop, NEIGHBOUR_KERNEL, mode="constant", cval=0)
        codes.append(code)
        borders.append((code != 0) & (code != 255))
    dist = []
    for b in borders:
        dist.append(ndimage.distance_transform_edt(~b, sampling=spacing) if b.any() else np.full(b.shape, np.inf))
    for own, other in ((0, 1), (1, 0)):
        d = dist[other][borders[own]]
        a = areas[codes[own][borders[own]]]
        order = np.lexsort((a, d))
        out += [d[order], a[order]]
    return out[0], out[1], out[2], out[3]


def robust_hausdorff(d_gt, a_gt, d_pred, a_pred, percent=95):
    """DeepMind's compute_robust_hausdorff: area-weighted percentile of each direction, then the larger one."""
    res = []
    for d, a in ((d_gt, a_gt), (d_pred, a_pred)):
        if len(d) == 0:
            res.append(np.inf)
            continue
        cum = np.cumsum(a) / np.sum(a)
        idx = np.searchsorted(cum, percent / 100.0)
        res.append(d[min(idx, len(d) - 1)])
    return float(max(res))


def hd95(gt, pred, spacing):
    return robust_hausdorff(*surface_distances(gt, pred, spacing))


def dice(pred, gt):
    return 2.0 * np.logical_and(pred, gt).sum() / (pred.sum() + gt.sum())


def sensitivity_specificity(pred, gt, total=None):
    """GaNDLF's formulas as the official code uses them, eps included. `total`: voxels of the uncropped volume."""
    pred_count, gt_count = int(pred.sum()), int(gt.sum())
    tp = int(np.logical_and(pred, gt).sum())
    tn = int(np.count_nonzero(~pred & ~gt)) + (0 if total is None else total - pred.size)
    eps = np.finfo(float).eps
    sens = tp / (tp + (gt_count - tp) + eps)
    spec = tn / (tn + (pred_count - tp) + eps)
    if pred_count == 0 and gt_count == 0:
        sens = 1.0
    return float(sens), float(spec)


def grow(slc, margin, shape):
    return tuple(slice(max(s.start - margin, 0), min(s.stop + margin, n)) for s, n in zip(slc, shape))


def union_slices(a, b):
    return tuple(slice(min(x.start, y.start), max(x.stop, y.stop)) for x, y in zip(a, b))


def lesion_wise(pred, gt, spacing, dilation, threshold):
    sx, sy, sz = spacing
    struct = ndimage.generate_binary_structure(3, 2)
    gt_cc = cc3d.connected_components(gt, connectivity=26)
    pred_cc, n_pred = cc3d.connected_components(pred, connectivity=26, return_N=True)
    gt_dil = ndimage.binary_dilation(gt, structure=struct, iterations=dilation) if dilation > 0 else gt
    dil_cc, n_les = cc3d.connected_components(gt_dil, connectivity=26, return_N=True)
    lesions = np.where(gt_cc > 0, dil_cc, 0)  # get_gt_seg_combined_by_dilation, vectorised
    les_slices = ndimage.find_objects(lesions, max_label=n_les)
    pred_slices = ndimage.find_objects(pred_cc, max_label=n_pred)
    matched_any = set()
    rows = []
    for lab in range(1, n_les + 1):
        roi = grow(les_slices[lab - 1], dilation, gt.shape)
        gt_roi = lesions[roi] == lab
        foot = ndimage.binary_dilation(gt_roi, structure=struct, iterations=dilation) if dilation > 0 else gt_roi
        hits = np.unique(pred_cc[roi][foot])
        hits = hits[hits != 0]
        matched_any.update(int(h) for h in hits)
        gt_voxels = int(gt_roi.sum())
        volume = gt_voxels * sx * sy * sz
        box = les_slices[lab - 1]
        for h in hits:
            box = union_slices(box, pred_slices[h - 1])
        gt_tmp = lesions[box] == lab
        pred_tmp = np.isin(pred_cc[box], hits)
        d = float(dice(pred_tmp, gt_tmp))
        h = hd95(gt_tmp, pred_tmp, spacing)
        rows.append(
            {
                "ref_voxels": gt_voxels,
                "volume": volume,
                "matched": len(hits),
                "pred_voxels": int(pred_tmp.sum()),
                "dice": d,
                "hd95": FN_HD95 if np.isinf(h) else h,
            }
        )
    n_fp = n_pred - len(matched_any)
    counted = [r for r in rows if r["volume"] > threshold]
    tp = sum(1 for r in counted if r["matched"] > 0)
    fn = len(counted) - tp
    denom = len(counted) + n_fp
    lw_dice = sum(r["dice"] for r in counted) / denom if denom else 1.0
    lw_hd95 = (sum(r["hd95"] for r in counted) + n_fp * FN_HD95) / denom if denom else 0.0
    f1_den = 2 * tp + n_fp + fn
    return {
        "lw_dice": float(lw_dice),
        "lw_hd95": float(lw_hd95),
        "tp": tp,
        "fp": int(n_fp),
        "fn": fn,
        "lesion_f1": 2 * tp / f1_den if f1_den else 1.0,
        "lesions": rows,
    }


def evaluate_region(pred, gt, spacing, dilation, threshold, total=None):
    sx, sy, sz = spacing
    empty = not gt.any() and not pred.any()
    full_hd = 0.0 if empty else hd95(gt, pred, spacing)
    sens, spec = sensitivity_specificity(pred, gt, total)
    out = {
        "dice": 1.0 if empty else float(dice(pred, gt)),
        "hd95": FN_HD95 if np.isinf(full_hd) else full_hd,
        "sensitivity": sens,
        "specificity": spec,
        "ref_volume_ml": float(gt.sum() * sx * sy * sz / 1000),
        "pred_volume_ml": float(pred.sum() * sx * sy * sz / 1000),
    }
    out.update(lesion_wise(pred, gt, spacing, dilation, threshold))
    return out


def evaluate_case(pred_labels, ref_labels, spacing, challenge="GLI", regions=None, crop=False):
    """All regions of one case. crop=True first cuts both volumes to the bounding box of every labelled voxel,
    which changes no result (dilation and matching never need voxels outside it) and skips the empty brain."""
    dilation, threshold = CHALLENGES[challenge]
    regions = regions or DEFAULT_REGIONS
    total = None
    if crop:
        labels = sorted({v for vs in regions.values() for v in vs})
        both = np.isin(pred_labels, labels) | np.isin(ref_labels, labels)
        if both.any():
            box = tuple(
                slice(
                    int(np.flatnonzero(both.any(axis=tuple(a for a in range(3) if a != ax))).min()),
                    int(np.flatnonzero(both.any(axis=tuple(a for a in range(3) if a != ax))).max()) + 1,
                )
                for ax in range(3)
            )
            total = pred_labels.size
            pred_labels, ref_labels = pred_labels[box], ref_labels[box]
    return {
        name: evaluate_region(
            np.isin(pred_labels, labels), np.isin(ref_labels, labels), spacing, dilation, threshold, total
        )
        for name, labels in regions.items()
    }


def load_pair(pair):
    if "dims" in pair:
        shape = tuple(pair["dims"])

        def read(p):
            return np.fromfile(p, dtype=np.uint8).reshape(shape, order="F")  # x fastest

        return read(pair["pred"]), read(pair["ref"]), tuple(float(s) for s in pair["spacing"])
    import nibabel as nib

    pred_img, ref_img = nib.load(pair["pred"]), nib.load(pair["ref"])
    spacing = tuple(float(z) for z in pred_img.header.get_zooms()[:3])  # the official code uses the prediction's zooms
    return np.asarray(pred_img.dataobj), np.asarray(ref_img.dataobj), spacing


def cmd_eval(args):
    with open(args.pairs) as f:
        pairs = json.load(f)
    regions = json.loads(args.regions) if args.regions else None
    challenge = args.challenge.upper().replace("BRATS-", "")
    surfel_areas((1.0, 1.0, 1.0))  # imports MONAI (seconds) outside the timed region
    results, seconds, best, cpu = [], [], [], []
    for pair in pairs:
        pred, ref, spacing = load_pair(pair)
        times, cpu_times = [], []
        for _ in range(args.repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            res = evaluate_case(pred, ref, spacing, challenge, regions, crop=args.crop)
            times.append(time.perf_counter() - t0)
            cpu_times.append(time.process_time() - c0)
        results.append(res)
        seconds.append(float(np.median(times)))
        best.append(float(np.min(times)))
        cpu.append(float(np.median(cpu_times)))
    json.dump({"results": results, "seconds": seconds, "seconds_min": best, "cpu_seconds": cpu}, sys.stdout)


def cmd_surfel_table(_args):
    normals = np.abs(surfel_normals()) * 8  # components are multiples of 1/8; the sign never reaches an area
    entries = [".".join("".join(str(int(v)) for v in n) for n in normals[c] if n.any()) for c in range(256)]
    lines = [", ".join(f"'{e}'" for e in entries[i : i + 8]) + "," for i in range(0, 256, 8)]
    print("// Generated by `.venv/bin/python bench/metrics_ref.py surfel-table`; do not edit.")
    print(
        "// Surfel normals of the marching-cubes table of DeepMind surface-distance (Apache-2.0), as shipped in MONAI"
    )
    print("// (monai.metrics.utils). Entry c lists the triangles of neighbour code c, each as 8*|nx|, 8*|ny|, 8*|nz|.")
    print("export const SURFEL_NORMALS_X8: readonly string[] = [")
    for line in lines:
        print("  " + line)
    print("];")


def cmd_surfel_areas(args):
    if not args.spacing or len(args.spacing) % 3:
        sys.exit("surfel-areas: give spacings as SX SY SZ triples")
    triples = [tuple(args.spacing[i : i + 3]) for i in range(0, len(args.spacing), 3)]
    json.dump([surfel_areas(t).tolist() for t in triples], sys.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    ev = sub.add_parser("eval")
    ev.add_argument("--pairs", required=True)
    ev.add_argument("--challenge", default="GLI")
    ev.add_argument("--regions")
    ev.add_argument("--repeat", type=int, default=1)
    ev.add_argument("--crop", action="store_true", help="cut to the labelled bounding box first (same results, faster)")
    ev.set_defaults(run=cmd_eval)
    sub.add_parser("surfel-table").set_defaults(run=cmd_surfel_table)
    sa = sub.add_parser("surfel-areas")
    sa.add_argument("spacing", type=float, nargs="+")
    sa.set_defaults(run=cmd_surfel_areas)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
