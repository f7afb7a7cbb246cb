-- Concord's tables, written once for SQLite and PostgreSQL. `{id}`, `{ts}` and `{date}`
-- are replaced per backend by m0001_schema.rs; everything else is portable SQL.
-- Enumerations are stored as lower_snake_case text, guarded by CHECK constraints.

CREATE TABLE country (
    code        CHAR(2) PRIMARY KEY CHECK (length(code) = 2 AND code = upper(code)),
    name_en     TEXT NOT NULL,
    name_zh     TEXT NOT NULL,
    is_region   BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE isced_field (
    code        TEXT PRIMARY KEY CHECK (length(code) BETWEEN 2 AND 4),
    name_en     TEXT NOT NULL,
    parent_code TEXT REFERENCES isced_field (code)
);

CREATE TABLE source (
    id           {id},
    url          TEXT UNIQUE,
    title        TEXT NOT NULL CHECK (length(title) > 0),
    publisher    TEXT,
    author       TEXT,
    published_on {date},
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   {ts} NOT NULL,
    updated_at   {ts} NOT NULL,
    created_by   TEXT,
    updated_by   TEXT
);

CREATE TABLE organisation (
    id            {id},
    kind          TEXT NOT NULL CHECK (kind IN ('university','school','department','laboratory','office','centre','company','government_body','international_organisation','association','other')),
    parent_id     BIGINT REFERENCES organisation (id),
    name_en       TEXT NOT NULL CHECK (length(name_en) > 0),
    name_zh       TEXT,
    abbreviation  TEXT,
    country_code  CHAR(2) REFERENCES country (code),
    city          TEXT,
    address       TEXT,
    website       TEXT,
    ror_id        TEXT UNIQUE,
    source_id     BIGINT REFERENCES source (id),
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    {ts} NOT NULL,
    updated_at    {ts} NOT NULL,
    created_by    TEXT,
    updated_by    TEXT,
    CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX organisation_parent_idx ON organisation (parent_id);
CREATE INDEX organisation_country_idx ON organisation (country_code);
CREATE INDEX organisation_kind_idx ON organisation (kind);
CREATE INDEX organisation_name_idx ON organisation (name_en);
CREATE INDEX organisation_source_idx ON organisation (source_id);

CREATE TABLE organisation_name (
    id              {id},
    organisation_id BIGINT NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
    lang            TEXT NOT NULL CHECK (length(lang) BETWEEN 2 AND 35),
    kind            TEXT NOT NULL CHECK (kind IN ('label','alias','acronym')),
    value           TEXT NOT NULL CHECK (length(value) > 0),
    UNIQUE (organisation_id, lang, kind, value)
);

CREATE TABLE organisation_identifier (
    id              {id},
    organisation_id BIGINT NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
    scheme          TEXT NOT NULL CHECK (length(scheme) > 0),
    value           TEXT NOT NULL CHECK (length(value) > 0),
    UNIQUE (scheme, value)
);
CREATE INDEX organisation_identifier_org_idx ON organisation_identifier (organisation_id);

CREATE TABLE consortium (
    id              {id},
    name_en         TEXT NOT NULL UNIQUE CHECK (length(name_en) > 0),
    name_zh         TEXT,
    coordinator_id  BIGINT REFERENCES organisation (id),
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      {ts} NOT NULL,
    updated_at      {ts} NOT NULL,
    created_by      TEXT,
    updated_by      TEXT
);
CREATE INDEX consortium_coordinator_idx ON consortium (coordinator_id);

CREATE TABLE consortium_member (
    id              {id},
    consortium_id   BIGINT NOT NULL REFERENCES consortium (id) ON DELETE CASCADE,
    organisation_id BIGINT NOT NULL REFERENCES organisation (id),
    joined_on       {date},
    left_on         {date},
    UNIQUE (consortium_id, organisation_id),
    CHECK (left_on IS NULL OR joined_on IS NULL OR left_on >= joined_on)
);
CREATE INDEX consortium_member_org_idx ON consortium_member (organisation_id);

CREATE TABLE person (
    id           {id},
    family_name  TEXT NOT NULL CHECK (length(family_name) > 0),
    given_name   TEXT,
    name_zh      TEXT,
    source_id    BIGINT REFERENCES source (id),
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   {ts} NOT NULL,
    updated_at   {ts} NOT NULL,
    created_by   TEXT,
    updated_by   TEXT
);
CREATE INDEX person_family_name_idx ON person (family_name);
CREATE INDEX person_source_idx ON person (source_id);

CREATE TABLE affiliation (
    id              {id},
    person_id       BIGINT NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    organisation_id BIGINT NOT NULL REFERENCES organisation (id),
    title           TEXT,
    started_on      {date},
    ended_on        {date},
    position        INTEGER NOT NULL DEFAULT 0,
    CHECK (ended_on IS NULL OR started_on IS NULL OR ended_on >= started_on)
);
CREATE INDEX affiliation_person_idx ON affiliation (person_id);
CREATE INDEX affiliation_org_idx ON affiliation (organisation_id);

CREATE TABLE event (
    id            {id},
    owner_id      BIGINT NOT NULL REFERENCES organisation (id),
    visibility    TEXT NOT NULL CHECK (visibility IN ('private','consortium','public')),
    kind          TEXT NOT NULL CHECK (kind IN ('symposium','conference','forum','meeting','workshop','ceremony','visit','partnership_week','other')),
    status        TEXT NOT NULL CHECK (status IN ('planned','held','cancelled','postponed')),
    format        TEXT NOT NULL CHECK (format IN ('onsite','online','hybrid')),
    title         TEXT NOT NULL CHECK (length(title) > 0),
    theme         TEXT,
    description   TEXT,
    start_date    {date} NOT NULL,
    end_date      {date},
    venue         TEXT,
    city          TEXT,
    country_code  CHAR(2) REFERENCES country (code),
    source_id     BIGINT REFERENCES source (id),
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    {ts} NOT NULL,
    updated_at    {ts} NOT NULL,
    created_by    TEXT,
    updated_by    TEXT,
    CHECK (end_date IS NULL OR end_date >= start_date)
);
CREATE INDEX event_owner_idx ON event (owner_id);
CREATE INDEX event_visibility_start_idx ON event (visibility, start_date);
CREATE INDEX event_start_idx ON event (start_date, id);
CREATE INDEX event_kind_idx ON event (kind);
CREATE INDEX event_status_idx ON event (status);
CREATE INDEX event_country_idx ON event (country_code);
CREATE INDEX event_source_idx ON event (source_id);

CREATE TABLE event_organisation (
    id              {id},
    event_id        BIGINT NOT NULL REFERENCES event (id) ON DELETE CASCADE,
    organisation_id BIGINT NOT NULL REFERENCES organisation (id),
    role            TEXT NOT NULL CHECK (role IN ('host','co_host','sponsor','guidance','supporting','attending_institution','represented')),
    position        INTEGER NOT NULL DEFAULT 0,
    UNIQUE (event_id, organisation_id, role)
);
CREATE INDEX event_organisation_org_idx ON event_organisation (organisation_id, event_id);

CREATE TABLE event_participant (
    id              {id},
    event_id        BIGINT NOT NULL REFERENCES event (id) ON DELETE CASCADE,
    person_id       BIGINT NOT NULL REFERENCES person (id),
    role            TEXT NOT NULL CHECK (role IN ('presided','speaker','presenter','attendee','signatory','witness','awarded')),
    title           TEXT,
    organisation_id BIGINT REFERENCES organisation (id),
    position        INTEGER NOT NULL DEFAULT 0,
    UNIQUE (event_id, person_id, role)
);
CREATE INDEX event_participant_person_idx ON event_participant (person_id, event_id);
CREATE INDEX event_participant_org_idx ON event_participant (organisation_id);

CREATE TABLE presentation (
    id        {id},
    event_id  BIGINT NOT NULL REFERENCES event (id) ON DELETE CASCADE,
    title     TEXT NOT NULL CHECK (length(title) > 0),
    position  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX presentation_event_idx ON presentation (event_id, position);

CREATE TABLE presentation_presenter (
    id              {id},
    presentation_id BIGINT NOT NULL REFERENCES presentation (id) ON DELETE CASCADE,
    person_id       BIGINT NOT NULL REFERENCES person (id),
    position        INTEGER NOT NULL DEFAULT 0,
    UNIQUE (presentation_id, person_id)
);
CREATE INDEX presentation_presenter_person_idx ON presentation_presenter (person_id);

CREATE TABLE event_outcome (
    id          {id},
    event_id    BIGINT NOT NULL REFERENCES event (id) ON DELETE CASCADE,
    description TEXT NOT NULL CHECK (length(description) > 0),
    position    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX event_outcome_event_idx ON event_outcome (event_id, position);

CREATE TABLE agreement (
    id                 {id},
    owner_id           BIGINT NOT NULL REFERENCES organisation (id),
    visibility         TEXT NOT NULL CHECK (visibility IN ('private','consortium','public')),
    kind               TEXT NOT NULL CHECK (kind IN ('mou','framework','exchange','joint_school','joint_degree','double_degree','joint_training','research','chair_hosting','committee_hosting')),
    status             TEXT NOT NULL CHECK (status IN ('proposed','draft','in_effect','expired','renewed','terminated','withdrawn')),
    title              TEXT NOT NULL CHECK (length(title) > 0),
    description        TEXT,
    signed_on          {date},
    valid_from         {date},
    valid_to           {date},
    signed_at_event_id BIGINT REFERENCES event (id),
    renewal_of_id      BIGINT REFERENCES agreement (id),
    source_id          BIGINT REFERENCES source (id),
    version            INTEGER NOT NULL DEFAULT 1,
    created_at         {ts} NOT NULL,
    updated_at         {ts} NOT NULL,
    created_by         TEXT,
    updated_by         TEXT,
    CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from),
    CHECK (renewal_of_id IS NULL OR renewal_of_id <> id)
);
CREATE INDEX agreement_owner_idx ON agreement (owner_id);
CREATE INDEX agreement_visibility_idx ON agreement (visibility);
CREATE INDEX agreement_kind_idx ON agreement (kind);
CREATE INDEX agreement_status_signed_idx ON agreement (status, signed_on);
CREATE INDEX agreement_signed_idx ON agreement (signed_on, id);
CREATE INDEX agreement_event_idx ON agreement (signed_at_event_id);
CREATE INDEX agreement_renewal_idx ON agreement (renewal_of_id);
CREATE INDEX agreement_source_idx ON agreement (source_id);

CREATE TABLE agreement_party (
    id              {id},
    agreement_id    BIGINT NOT NULL REFERENCES agreement (id) ON DELETE CASCADE,
    organisation_id BIGINT NOT NULL REFERENCES organisation (id),
    role            TEXT NOT NULL CHECK (role IN ('party','host','grantor','funder')),
    position        INTEGER NOT NULL DEFAULT 0,
    UNIQUE (agreement_id, organisation_id)
);
CREATE INDEX agreement_party_org_idx ON agreement_party (organisation_id, agreement_id);

CREATE TABLE agreement_person (
    id              {id},
    agreement_id    BIGINT NOT NULL REFERENCES agreement (id) ON DELETE CASCADE,
    person_id       BIGINT NOT NULL REFERENCES person (id),
    role            TEXT NOT NULL CHECK (role IN ('signatory','witness')),
    title           TEXT,
    organisation_id BIGINT REFERENCES organisation (id),
    position        INTEGER NOT NULL DEFAULT 0,
    UNIQUE (agreement_id, person_id, role)
);
CREATE INDEX agreement_person_person_idx ON agreement_person (person_id, agreement_id);
CREATE INDEX agreement_person_org_idx ON agreement_person (organisation_id);

CREATE TABLE agreement_field (
    id           {id},
    agreement_id BIGINT NOT NULL REFERENCES agreement (id) ON DELETE CASCADE,
    isced_code   TEXT NOT NULL REFERENCES isced_field (code),
    UNIQUE (agreement_id, isced_code)
);
CREATE INDEX agreement_field_code_idx ON agreement_field (isced_code);

CREATE TABLE curriculum_standard (
    id            {id},
    owner_id      BIGINT NOT NULL REFERENCES organisation (id),
    visibility    TEXT NOT NULL CHECK (visibility IN ('private','consortium','public')),
    developer_id  BIGINT NOT NULL REFERENCES organisation (id),
    title         TEXT NOT NULL CHECK (length(title) > 0),
    code          TEXT,
    isced_code    TEXT REFERENCES isced_field (code),
    level         TEXT,
    edition       TEXT,
    issued_on     {date},
    source_id     BIGINT REFERENCES source (id),
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    {ts} NOT NULL,
    updated_at    {ts} NOT NULL,
    created_by    TEXT,
    updated_by    TEXT,
    UNIQUE (developer_id, code)
);
CREATE INDEX curriculum_standard_owner_idx ON curriculum_standard (owner_id);
CREATE INDEX curriculum_standard_visibility_idx ON curriculum_standard (visibility);
CREATE INDEX curriculum_standard_developer_idx ON curriculum_standard (developer_id);
CREATE INDEX curriculum_standard_field_idx ON curriculum_standard (isced_code);
CREATE INDEX curriculum_standard_source_idx ON curriculum_standard (source_id);

-- An adoption belongs to its standard: it is visible exactly when the standard is.
CREATE TABLE adoption (
    id              {id},
    standard_id     BIGINT NOT NULL REFERENCES curriculum_standard (id) ON DELETE CASCADE,
    country_code    CHAR(2) NOT NULL REFERENCES country (code),
    institution_id  BIGINT REFERENCES organisation (id),
    kind            TEXT NOT NULL CHECK (kind IN ('recognised','adopted','piloted')),
    adopted_on      {date},
    evidence        TEXT,
    source_id       BIGINT REFERENCES source (id),
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      {ts} NOT NULL,
    updated_at      {ts} NOT NULL,
    created_by      TEXT,
    updated_by      TEXT
);
-- One adoption per standard, country and institution; COALESCE makes "no institution" count once.
CREATE UNIQUE INDEX adoption_unique_idx ON adoption (standard_id, country_code, COALESCE(institution_id, 0));
CREATE INDEX adoption_country_idx ON adoption (country_code);
CREATE INDEX adoption_institution_idx ON adoption (institution_id);
CREATE INDEX adoption_source_idx ON adoption (source_id);

CREATE TABLE training_centre (
    id            {id},
    owner_id      BIGINT NOT NULL REFERENCES organisation (id),
    visibility    TEXT NOT NULL CHECK (visibility IN ('private','consortium','public')),
    name          TEXT NOT NULL CHECK (length(name) > 0),
    operator_id   BIGINT NOT NULL REFERENCES organisation (id),
    partner_id    BIGINT REFERENCES organisation (id),
    country_code  CHAR(2) NOT NULL REFERENCES country (code),
    city          TEXT,
    opened_on     {date},
    status        TEXT NOT NULL CHECK (status IN ('planned','operating','suspended','closed')),
    source_id     BIGINT REFERENCES source (id),
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    {ts} NOT NULL,
    updated_at    {ts} NOT NULL,
    created_by    TEXT,
    updated_by    TEXT
);
CREATE INDEX training_centre_owner_idx ON training_centre (owner_id);
CREATE INDEX training_centre_visibility_idx ON training_centre (visibility);
CREATE INDEX training_centre_operator_idx ON training_centre (operator_id);
CREATE INDEX training_centre_partner_idx ON training_centre (partner_id);
CREATE INDEX training_centre_country_idx ON training_centre (country_code);
CREATE INDEX training_centre_status_idx ON training_centre (status);
CREATE INDEX training_centre_source_idx ON training_centre (source_id);

CREATE TABLE training_centre_field (
    id          {id},
    centre_id   BIGINT NOT NULL REFERENCES training_centre (id) ON DELETE CASCADE,
    isced_code  TEXT NOT NULL REFERENCES isced_field (code),
    UNIQUE (centre_id, isced_code)
);
CREATE INDEX training_centre_field_code_idx ON training_centre_field (isced_code);

CREATE TABLE indicator (
    id              {id},
    owner_id        BIGINT NOT NULL REFERENCES organisation (id),
    visibility      TEXT NOT NULL CHECK (visibility IN ('private','consortium','public')),
    organisation_id BIGINT NOT NULL REFERENCES organisation (id),
    event_id        BIGINT REFERENCES event (id),
    metric          TEXT NOT NULL CHECK (metric IN ('partner_institutions','partner_countries_and_regions','friendly_cities','friendly_city_countries','curriculum_standards','standard_adopting_countries_and_regions','training_centres','training_centre_countries','attending_institutions','attending_countries_and_regions','other')),
    period_start    {date},
    period_end      {date},
    value           DOUBLE PRECISION NOT NULL,
    unit            TEXT,
    note            TEXT,
    source_id       BIGINT REFERENCES source (id),
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      {ts} NOT NULL,
    updated_at      {ts} NOT NULL,
    created_by      TEXT,
    updated_by      TEXT,
    CHECK (period_end IS NULL OR period_start IS NULL OR period_end >= period_start)
);
CREATE INDEX indicator_owner_idx ON indicator (owner_id);
CREATE INDEX indicator_visibility_idx ON indicator (visibility);
CREATE INDEX indicator_org_idx ON indicator (organisation_id);
CREATE INDEX indicator_event_idx ON indicator (event_id);
CREATE INDEX indicator_metric_idx ON indicator (metric);
CREATE INDEX indicator_source_idx ON indicator (source_id);
