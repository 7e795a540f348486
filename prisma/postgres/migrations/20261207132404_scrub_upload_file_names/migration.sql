-- Uploaded file names can carry a patient's name: cases ingested before this migration kept them in
-- "Case"."metadata".files. Replace them with each volume's modality and hash, as ingestion now stores.
UPDATE "Case"
SET "metadata" = jsonb_set("metadata", '{files}', COALESCE((
  SELECT jsonb_agg(jsonb_build_object('modality', v."modality", 'sha256', v."sha256") ORDER BY v."modality"::text)
  FROM "Volume" v WHERE v."caseId" = "Case"."id"
), '[]'::jsonb))
WHERE jsonb_typeof("metadata"->'files') = 'array';
