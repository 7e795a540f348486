"""DICOM for TumorWatch's PACS side: a synthetic study writer (tests and demos), rigid co-registration of sequences
onto the reference sequence's grid (SimpleITK), and DICOM SEG export (highdicom). The app spawns these through
`python -m tumorwatch_train.dicom <command>`."""
