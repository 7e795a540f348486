-- Uploaded file names can carry a patient's name: cases ingested before this migration kept them in
-- "Case"."metadata".files. Replace them with each volume's modality and hash, as ingestion now stores.
UPDATE "Case"
SET "metadata" = json_set("metadata", '$.files', (
  SELECT json_group_array(json_object('modality', v."modality", 'sha256', v."sha256"))
  FROM (SELECT "modality", "sha256" FROM "Volume" WHERE "caseId" = "Case"."id" ORDER BY "modality") v
))
WHERE json_type("metadata", '$.files') = 'array';
