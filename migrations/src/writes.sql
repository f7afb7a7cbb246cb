-- Writing: tokens, archiving, registry stewardship, confirmations, idempotency, audit.
-- `{id}`, `{ts}` are filled per backend by m0003_writes.rs.

-- Bearer tokens. Only a hash of the secret is stored; `public_id` is the visible prefix
-- used to find the row. A coordinator token has no organisation; every other has one.
CREATE TABLE api_token (
    id               {id},
    public_id        TEXT NOT NULL UNIQUE,
    secret_hash      TEXT NOT NULL,
    label            TEXT NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('viewer','editor','admin','coordinator')),
    organisation_id  BIGINT REFERENCES organisation (id),
    created_at       {ts} NOT NULL,
    created_by       TEXT,
    expires_at       {ts},
    revoked_at       {ts},
    last_used_at     {ts},
    CHECK ((role = 'coordinator') = (organisation_id IS NULL))
);
CREATE INDEX api_token_org_idx ON api_token (organisation_id);

ALTER TABLE event ADD COLUMN archived_at {ts};
ALTER TABLE agreement ADD COLUMN archived_at {ts};
ALTER TABLE curriculum_standard ADD COLUMN archived_at {ts};
ALTER TABLE training_centre ADD COLUMN archived_at {ts};
ALTER TABLE indicator ADD COLUMN archived_at {ts};
ALTER TABLE organisation ADD COLUMN archived_at {ts};
ALTER TABLE person ADD COLUMN archived_at {ts};
ALTER TABLE source ADD COLUMN archived_at {ts};
ALTER TABLE consortium ADD COLUMN archived_at {ts};
CREATE INDEX event_archived_idx ON event (archived_at);
CREATE INDEX agreement_archived_idx ON agreement (archived_at);
CREATE INDEX curriculum_standard_archived_idx ON curriculum_standard (archived_at);
CREATE INDEX training_centre_archived_idx ON training_centre (archived_at);
CREATE INDEX indicator_archived_idx ON indicator (archived_at);
CREATE INDEX organisation_archived_idx ON organisation (archived_at);
CREATE INDEX person_archived_idx ON person (archived_at);

-- The member that added a registry entry maintains it (with the coordinator).
ALTER TABLE organisation ADD COLUMN maintainer_id BIGINT REFERENCES organisation (id);
ALTER TABLE person ADD COLUMN maintainer_id BIGINT REFERENCES organisation (id);
ALTER TABLE source ADD COLUMN maintainer_id BIGINT REFERENCES organisation (id);
CREATE INDEX organisation_maintainer_idx ON organisation (maintainer_id);
CREATE INDEX person_maintainer_idx ON person (maintainer_id);
CREATE INDEX source_maintainer_idx ON source (maintainer_id);

-- A party's (or host's) sign-off of one version of a co-owned record.
CREATE TABLE confirmation (
    id               {id},
    record_type      TEXT NOT NULL CHECK (record_type IN ('agreement','event')),
    record_id        BIGINT NOT NULL,
    organisation_id  BIGINT NOT NULL REFERENCES organisation (id),
    version          INTEGER NOT NULL,
    confirmed_at     {ts} NOT NULL,
    confirmed_by     TEXT,
    UNIQUE (record_type, record_id, organisation_id)
);
CREATE INDEX confirmation_org_idx ON confirmation (organisation_id);

-- A create repeated with the same key by the same token returns the first result.
CREATE TABLE idempotency_key (
    id           {id},
    token_id     BIGINT NOT NULL REFERENCES api_token (id),
    key          TEXT NOT NULL,
    operation    TEXT NOT NULL,
    input_hash   TEXT NOT NULL,
    record_id    BIGINT NOT NULL,
    created_at   {ts} NOT NULL,
    UNIQUE (token_id, key)
);

-- Every successful write: who, when, what, before and after (JSON text).
CREATE TABLE audit_entry (
    id                     {id},
    at                     {ts} NOT NULL,
    token_id               BIGINT REFERENCES api_token (id),
    actor                  TEXT NOT NULL,
    actor_organisation_id  BIGINT REFERENCES organisation (id),
    operation              TEXT NOT NULL,
    record_type            TEXT NOT NULL,
    record_id              BIGINT NOT NULL,
    owner_id               BIGINT REFERENCES organisation (id),
    before                 TEXT,
    after                  TEXT
);
CREATE INDEX audit_entry_record_idx ON audit_entry (record_type, record_id);
CREATE INDEX audit_entry_owner_idx ON audit_entry (owner_id, at);
CREATE INDEX audit_entry_token_idx ON audit_entry (token_id);
CREATE INDEX audit_entry_actor_org_idx ON audit_entry (actor_organisation_id);
CREATE INDEX audit_entry_at_idx ON audit_entry (at);
