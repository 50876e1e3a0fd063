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
];
