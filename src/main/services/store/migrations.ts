// Append-only: a shipped migration is never edited, only followed by a new one.
export const migrations: readonly string[] = [
  `
  CREATE TABLE patients (
    id TEXT PRIMARY KEY,
    patient_key TEXT NOT NULL UNIQUE,
    patient_id TEXT NOT NULL,
    name TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    sex TEXT NOT NULL
  );
  CREATE TABLE studies (
    id TEXT PRIMARY KEY,
    study_uid TEXT NOT NULL UNIQUE,
    patient_ref TEXT NOT NULL REFERENCES patients(id),
    study_date TEXT NOT NULL,
    description TEXT NOT NULL,
    accession TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'drafted', 'signed')),
    imported_at TEXT NOT NULL
  );
  CREATE TABLE series (
    id TEXT PRIMARY KEY,
    series_uid TEXT NOT NULL,
    study_ref TEXT NOT NULL REFERENCES studies(id),
    series_number INTEGER,
    modality TEXT NOT NULL,
    description TEXT NOT NULL,
    body_part TEXT NOT NULL,
    UNIQUE (study_ref, series_uid)
  );
  CREATE TABLE instances (
    id TEXT PRIMARY KEY,
    series_ref TEXT NOT NULL REFERENCES series(id),
    path TEXT NOT NULL UNIQUE,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ms REAL NOT NULL,
    sop_uid TEXT NOT NULL,
    sop_class_uid TEXT NOT NULL,
    instance_number INTEGER,
    transfer_syntax TEXT NOT NULL,
    has_part10_header INTEGER NOT NULL,
    rows INTEGER NOT NULL,
    columns INTEGER NOT NULL,
    frames INTEGER NOT NULL,
    photometric TEXT NOT NULL,
    view TEXT NOT NULL,
    imported_at TEXT NOT NULL
  );
  CREATE INDEX instances_sop ON instances(sop_uid);
  CREATE INDEX instances_series ON instances(series_ref);
  `,
  `
  CREATE TABLE drafts (
    id TEXT PRIMARY KEY,
    study_ref TEXT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    model_id TEXT NOT NULL,
    model_version TEXT NOT NULL,
    json TEXT NOT NULL
  );
  CREATE INDEX drafts_study ON drafts(study_ref, created_at);
  `,
  `
  CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  CREATE TABLE readings (
    study_ref TEXT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    parent_version INTEGER,
    status TEXT NOT NULL CHECK (status IN ('in-progress', 'signed', 'submitted')),
    revision INTEGER NOT NULL,
    draft_ref TEXT,
    instance_ref TEXT,
    state_json TEXT NOT NULL,
    cursor INTEGER NOT NULL,
    signed_by TEXT,
    signed_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (study_ref, version)
  );
  CREATE TABLE reading_edits (
    study_ref TEXT NOT NULL,
    version INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    op_json TEXT NOT NULL,
    state_json TEXT NOT NULL,
    reader_id TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (study_ref, version, seq),
    FOREIGN KEY (study_ref, version) REFERENCES readings(study_ref, version) ON DELETE CASCADE
  );
  CREATE TABLE reading_activity (
    study_ref TEXT NOT NULL,
    version INTEGER NOT NULL,
    kind TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    FOREIGN KEY (study_ref, version) REFERENCES readings(study_ref, version) ON DELETE CASCADE
  );
  CREATE INDEX reading_activity_reading ON reading_activity(study_ref, version, at_ms);
  CREATE TABLE feedback_records (
    id TEXT PRIMARY KEY,
    study_ref TEXT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    instance_ref TEXT NOT NULL,
    kind TEXT NOT NULL,
    model_id TEXT,
    model_version TEXT,
    created_at TEXT NOT NULL,
    excluded INTEGER NOT NULL DEFAULT 0,
    exclude_reason TEXT,
    json TEXT NOT NULL
  );
  CREATE INDEX feedback_records_created ON feedback_records(created_at);
  CREATE TABLE image_clean_confirmations (
    instance_ref TEXT PRIMARY KEY,
    clean INTEGER NOT NULL,
    reader_id TEXT NOT NULL,
    at TEXT NOT NULL
  );
  `,
  // base_json: the state a reading version starts from (the draft's findings, or a copy of the signed
  // version it revises), which undo returns to once every edit is undone.
  `
  ALTER TABLE readings ADD COLUMN base_json TEXT NOT NULL DEFAULT '{"findings":[],"impression":""}';
  `,
  // The exclude flag is read and set per study.
  `
  CREATE INDEX feedback_records_study ON feedback_records(study_ref);
  `,
  // Confirmations and records follow the pixels, not the path. A confirmation is keyed by the sha256 of the
  // file it was given for. One given under the path key is kept only where it provably concerns the bytes
  // pinned now (given after the file's last intake) and came from a reader who has signed as a radiologist
  // (only radiologists confirm). A record keeps the sha256 of the image it was read on (never exported);
  // one written before its file was re-indexed with other content keeps none and is not exported.
  // ctime and inode join size and mtime in intake's "unchanged" check: restoring an mtime changes ctime.
  `
  CREATE TABLE clean_confirmations (
    sha256 TEXT PRIMARY KEY,
    clean INTEGER NOT NULL,
    reader_id TEXT NOT NULL,
    at TEXT NOT NULL
  );
  INSERT INTO clean_confirmations (sha256, clean, reader_id, at)
    SELECT i.sha256, c.clean, c.reader_id, c.at
    FROM image_clean_confirmations c JOIN instances i ON i.id = c.instance_ref
    WHERE c.at >= i.imported_at
      AND c.reader_id IN (
        SELECT json_extract(json, '$.reading.readerId') FROM feedback_records
        WHERE json_extract(json, '$.reading.role') = 'radiologist')
    ORDER BY c.at
    ON CONFLICT(sha256) DO UPDATE SET clean = excluded.clean, reader_id = excluded.reader_id, at = excluded.at;
  DROP TABLE image_clean_confirmations;
  ALTER TABLE feedback_records ADD COLUMN image_sha256 TEXT;
  UPDATE feedback_records SET image_sha256 = (
    SELECT i.sha256 FROM instances i
    WHERE i.id = feedback_records.instance_ref AND i.imported_at <= feedback_records.created_at);
  ALTER TABLE instances ADD COLUMN ctime_ms REAL;
  ALTER TABLE instances ADD COLUMN ino REAL;
  `,
];
