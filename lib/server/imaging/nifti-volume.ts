import 'server-only';
import type { Mat4 } from './affine';
import type { DatatypeName, NiftiHeader } from './nifti-header';

// The parsed-volume types sit apart from the reader so that the writer (nifti-write.ts), which the reader
// re-exports, can use them without importing the reader back.

export type VoxelArray = Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

export interface NiftiVolume {
  dims: [number, number, number];
  /** voxel size in mm along each array axis */
  spacing: [number, number, number];
  /** the datatype stored in the file; when `scaled` is true `data` holds float32 values after scl_slope/scl_inter */
  datatype: DatatypeName;
  /** 16 numbers, row-major voxel (i,j,k,1) -> world (NIfTI RAS+, mm) */
  affine: Mat4;
  /** x fastest: index x + y*nx + z*nx*ny. May be a view into the inflated file: honour data.byteOffset. */
  data: VoxelArray;
  scaled: boolean;
  affineSource: 'sform' | 'qform' | 'pixdim';
  /** what the reader noticed but accepted, e.g. a qform that disagrees with the sform it used (stored on the volume) */
  warnings?: string[];
  header: NiftiHeader;
}
