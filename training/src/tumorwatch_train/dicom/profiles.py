"""Acquisition tags of the synthetic study: what a 3 T brain-tumour protocol on one scanner looks like in DICOM."""

from __future__ import annotations

SCANNER = {
    "Manufacturer": "SIEMENS",
    "ManufacturerModelName": "Skyra",
    "MagneticFieldStrength": 3.0,
    "SoftwareVersions": "syngo MR E11",
    "InstitutionName": "St Elsewhere General Hospital",
    "StationName": "MRC40123",
    "DeviceSerialNumber": "45123",
}

# One entry per case sequence: what the technologist's protocol names it and how it was acquired.
SEQUENCES = {
    "T1N": {
        "SeriesDescription": "AX T1 PRE",
        "ProtocolName": "t1_mprage_ax_pre",
        "ScanningSequence": ["GR", "IR"],
        "SequenceVariant": ["SP", "MP"],
        "SequenceName": "*tfl3d1",
        "MRAcquisitionType": "3D",
        "RepetitionTime": 2300.0,
        "EchoTime": 2.98,
        "InversionTime": 900.0,
        "FlipAngle": 9.0,
    },
    "T1C": {
        "SeriesDescription": "AX T1 POST GAD",
        "ProtocolName": "t1_mprage_ax_post",
        "ScanningSequence": ["GR", "IR"],
        "SequenceVariant": ["SP", "MP"],
        "SequenceName": "*tfl3d1",
        "MRAcquisitionType": "3D",
        "RepetitionTime": 2300.0,
        "EchoTime": 2.98,
        "InversionTime": 900.0,
        "FlipAngle": 9.0,
        "ContrastBolusAgent": "Gadovist 1.0 mmol/ml",
    },
    "T2W": {
        "SeriesDescription": "AX T2",
        "ProtocolName": "t2_tse_ax",
        "ScanningSequence": ["SE"],
        "SequenceVariant": ["SK", "SP"],
        "SequenceName": "*tse2d1_15",
        "MRAcquisitionType": "2D",
        "RepetitionTime": 5000.0,
        "EchoTime": 98.0,
        "FlipAngle": 150.0,
    },
    "T2F": {
        "SeriesDescription": "AX FLAIR",
        "ProtocolName": "t2_tirm_ax_flair",
        "ScanningSequence": ["SE", "IR"],
        "SequenceVariant": ["SK", "SP", "MP"],
        "SequenceName": "*tir2d1_16",
        "MRAcquisitionType": "2D",
        "RepetitionTime": 9000.0,
        "EchoTime": 81.0,
        "InversionTime": 2500.0,
        "FlipAngle": 150.0,
    },
}

# What a real export carries and the app must never store in the clear (tests grep for these).
IDENTIFIERS = {
    "PatientName": "Testpatient^Jane^Q",
    "PatientID": "MRN-7730-4411",
    "PatientBirthDate": "19620314",
    "PatientSex": "F",
    "AccessionNumber": "ACC99812345",
    "ReferringPhysicianName": "Referrer^Robert",
    "StudyID": "MR4411",
}
