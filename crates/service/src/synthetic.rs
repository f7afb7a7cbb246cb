//! A generated consortium for measuring Concord at scale (`concord seed --synthetic`).
//! (Long because it is one recipe: each table's rows follow from the ones before.)
//!
//! Deterministic: the same scale and seed give the same data. Scale 1 is 20 member
//! universities with units and people, 2,000 foreign partners in 120 countries and
//! regions, 50,000 events with organisations, participants and presentations, 20,000
//! agreements, 2,000 standards with 20,000 adoptions, 500 centres and 2,000
//! partnerships; scale 10 is ten times that. Rows go in as multi-row inserts of a few
//! hundred at a time, in one transaction.
use chrono::{Duration, NaiveDate, SecondsFormat, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::sea_query::{
    Alias, Expr, PostgresQueryBuilder, Query, SimpleExpr, SqliteQueryBuilder,
};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction};

use crate::Result;

/// Rows per insert statement: well under both databases' bound-parameter limits.
const CHUNK: usize = 400;

/// How many of each record a run generated.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Counts {
    pub organisations: usize,
    pub people: usize,
    pub events: usize,
    pub agreements: usize,
    pub standards: usize,
    pub adoptions: usize,
    pub centres: usize,
    pub partnerships: usize,
}

/// Collects rows of one table and writes them in chunks.
struct Batch<'a> {
    txn: &'a DatabaseTransaction,
    table: &'static str,
    columns: Vec<&'static str>,
    rows: Vec<Vec<SimpleExpr>>,
}

impl<'a> Batch<'a> {
    fn new(txn: &'a DatabaseTransaction, table: &'static str, columns: &[&'static str]) -> Self {
        Batch {
            txn,
            table,
            columns: columns.to_vec(),
            rows: Vec::new(),
        }
    }

    /// Adds a row; callers flush parents before children (see `flush_all`).
    async fn push(&mut self, row: Vec<SimpleExpr>) -> Result<()> {
        self.rows.push(row);
        Ok(())
    }

    fn full(&self) -> bool {
        self.rows.len() >= CHUNK
    }

    async fn flush(&mut self) -> Result<()> {
        while !self.rows.is_empty() {
            let take = self.rows.len().min(CHUNK);
            let mut insert = Query::insert();
            insert
                .into_table(Alias::new(self.table))
                .columns(self.columns.iter().map(|c| Alias::new(*c)));
            for row in self.rows.drain(..take) {
                insert.values_panic(row);
            }
            // Values inlined (all generated here, and escaped by the builder): binding
            // thousands of parameters per statement costs PostgreSQL more than parsing.
            let sql = match self.txn.get_database_backend() {
                DatabaseBackend::Postgres => insert.to_string(PostgresQueryBuilder),
                _ => insert.to_string(SqliteQueryBuilder),
            };
            self.txn.execute_unprepared(&sql).await?;
        }
        Ok(())
    }
}

/// Flushes batches in the order given: parents first, so foreign keys hold.
async fn flush_all(batches: &mut [&mut Batch<'_>]) -> Result<()> {
    for batch in batches.iter_mut() {
        batch.flush().await?;
    }
    Ok(())
}

/// The next free id of `table`.
async fn next_id(txn: &DatabaseTransaction, table: &str) -> Result<i64> {
    let query = Query::select()
        .expr_as(Expr::cust("COALESCE(MAX(id), 0)"), Alias::new("top"))
        .from(Alias::new(table))
        .to_owned();
    let row = txn.query_one(&query).await?;
    let top: i64 = row.map(|r| r.try_get("", "top")).transpose()?.unwrap_or(0);
    Ok(top + 1)
}

/// After explicit ids, PostgreSQL's identity sequences must be moved past them.
async fn resync(txn: &DatabaseTransaction, tables: &[&str]) -> Result<()> {
    if txn.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    for table in tables {
        txn.execute_unprepared(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT MAX(id) FROM {table}), 1))"
        ))
        .await?;
    }
    Ok(())
}

fn v<T: Into<sea_orm::Value>>(value: T) -> SimpleExpr {
    Expr::val(value)
}

const FAMILY: [&str; 12] = [
    "WANG", "LI", "ZHANG", "LIU", "CHEN", "YANG", "ZHAO", "HUANG", "ZHOU", "WU", "XU", "SUN",
];
const GIVEN: [&str; 10] = [
    "Wei", "Fang", "Min", "Jing", "Lei", "Yan", "Hong", "Jun", "Li", "Qiang",
];
const EVENT_KINDS: [&str; 6] = [
    "symposium",
    "conference",
    "forum",
    "meeting",
    "workshop",
    "visit",
];
const AGREEMENT_KINDS: [&str; 6] = [
    "mou",
    "exchange",
    "joint_training",
    "research",
    "double_degree",
    "framework",
];
const FIELDS: [&str; 6] = ["0714", "0613", "0912", "0413", "0311", "0111"];

/// Generates scale × the reference consortium into `db`. `scale` may be fractional
/// (0.01 for a quick run).
pub async fn load(db: &DatabaseConnection, scale: f64, seed: u64) -> Result<Counts> {
    let n = |base: f64| ((base * scale).round() as usize).max(1);
    let mut rng = StdRng::seed_from_u64(seed);
    let txn = crate::write::begin_write(db).await?;
    // Written as the server writes timestamps (sqlx binds RFC 3339). The builder's own
    // inlined form ('… +00:00') reads back on SQLite only after a dozen failed formats.
    let now = Utc::now().to_rfc3339_opts(SecondsFormat::AutoSi, false);
    let now = now.as_str();
    let countries: Vec<String> = {
        let query = Query::select()
            .column(Alias::new("code"))
            .from(Alias::new("country"))
            .to_owned();
        let mut codes: Vec<String> = txn
            .query_all(&query)
            .await?
            .into_iter()
            .filter_map(|r| r.try_get::<String>("", "code").ok())
            .filter(|c| c != "CN")
            .collect();
        codes.sort();
        codes.truncate(120);
        codes
    };
    let mut counts = Counts::default();

    // Organisations: members (CN), each with units; foreign partners.
    let org_base = next_id(&txn, "organisation").await?;
    let members = 20.max(n(20.0).min(200));
    let units_per_member = 8;
    let partners = n(2_000.0);
    let mut orgs = Batch::new(
        &txn,
        "organisation",
        &[
            "id",
            "kind",
            "parent_id",
            "name_en",
            "country_code",
            "city",
            "version",
            "created_at",
            "updated_at",
            "created_by",
        ],
    );
    let mut member_ids = Vec::new();
    let mut unit_ids = Vec::new();
    let mut partner_ids = Vec::new();
    let mut next = org_base;
    for m in 0..members {
        let id = next;
        next += 1;
        member_ids.push(id);
        orgs.push(vec![
            v(id),
            v("university"),
            v(Option::<i64>::None),
            v(format!("Member University {m:03}")),
            v("CN"),
            v("Shenzhen"),
            v(1),
            v(now),
            v(now),
            v("synthetic"),
        ])
        .await?;
        for u in 0..units_per_member {
            let unit = next;
            next += 1;
            unit_ids.push((unit, id));
            orgs.push(vec![
                v(unit),
                v("school"),
                v(Some(id)),
                v(format!("School {u} of Member University {m:03}")),
                v("CN"),
                v("Shenzhen"),
                v(1),
                v(now),
                v(now),
                v("synthetic"),
            ])
            .await?;
        }
    }
    for p in 0..partners {
        let id = next;
        next += 1;
        partner_ids.push(id);
        let country = &countries[p % countries.len()];
        orgs.push(vec![
            v(id),
            v(if p % 10 == 0 { "company" } else { "university" }),
            v(Option::<i64>::None),
            v(format!("Partner Institution {p:05}")),
            v(country.clone()),
            v(format!("City {}", p % 97)),
            v(1),
            v(now),
            v(now),
            v("synthetic"),
        ])
        .await?;
    }
    orgs.flush().await?;
    counts.organisations = (next - org_base) as usize;

    // One consortium of all members.
    let consortium = next_id(&txn, "consortium").await?;
    let mut c = Batch::new(
        &txn,
        "consortium",
        &[
            "id",
            "name_en",
            "coordinator_id",
            "version",
            "created_at",
            "updated_at",
        ],
    );
    c.push(vec![
        v(consortium),
        v(format!("Synthetic consortium {seed}-{consortium}")),
        v(Some(member_ids[0])),
        v(1),
        v(now),
        v(now),
    ])
    .await?;
    c.flush().await?;
    let mut cm = Batch::new(
        &txn,
        "consortium_member",
        &["consortium_id", "organisation_id"],
    );
    for m in &member_ids {
        cm.push(vec![v(consortium), v(*m)]).await?;
    }
    cm.flush().await?;

    // People, each affiliated with a member unit.
    let person_base = next_id(&txn, "person").await?;
    let people = n(4_000.0);
    let mut ps = Batch::new(
        &txn,
        "person",
        &[
            "id",
            "family_name",
            "given_name",
            "version",
            "created_at",
            "updated_at",
        ],
    );
    let mut affs = Batch::new(
        &txn,
        "affiliation",
        &["person_id", "organisation_id", "title", "position"],
    );
    for i in 0..people {
        let id = person_base + i as i64;
        ps.push(vec![
            v(id),
            v(FAMILY[i % FAMILY.len()]),
            v(format!("{}{}", GIVEN[i % GIVEN.len()], i / 120)),
            v(1),
            v(now),
            v(now),
        ])
        .await?;
        let (unit, _) = unit_ids[i % unit_ids.len()];
        affs.push(vec![v(id), v(unit), v("Professor"), v(0)])
            .await?;
    }
    flush_all(&mut [&mut ps, &mut affs]).await?;
    counts.people = people;

    // Events with hosts, attending partners, participants and presentations.
    let event_base = next_id(&txn, "event").await?;
    let events = n(50_000.0);
    let start = NaiveDate::from_ymd_opt(2015, 1, 1).expect("a date");
    let mut ev = Batch::new(
        &txn,
        "event",
        &[
            "id",
            "owner_id",
            "visibility",
            "kind",
            "status",
            "format",
            "title",
            "start_date",
            "end_date",
            "city",
            "country_code",
            "version",
            "created_at",
            "updated_at",
        ],
    );
    let mut eo = Batch::new(
        &txn,
        "event_organisation",
        &["event_id", "organisation_id", "role", "position"],
    );
    let mut ep = Batch::new(
        &txn,
        "event_participant",
        &[
            "event_id",
            "person_id",
            "role",
            "title",
            "organisation_id",
            "position",
        ],
    );
    let mut pr = Batch::new(
        &txn,
        "presentation",
        &["id", "event_id", "title", "position"],
    );
    let mut pp = Batch::new(
        &txn,
        "presentation_presenter",
        &["presentation_id", "person_id", "position"],
    );
    let mut presentation = next_id(&txn, "presentation").await?;
    for i in 0..events {
        let id = event_base + i as i64;
        let owner = member_ids[i % member_ids.len()];
        let day = start + Duration::days(rng.random_range(0..3_900));
        let visibility = ["public", "public", "consortium", "private"][rng.random_range(0..4)];
        let country = if i % 3 == 0 {
            countries[rng.random_range(0..countries.len())].clone()
        } else {
            "CN".to_owned()
        };
        ev.push(vec![
            v(id),
            v(owner),
            v(visibility),
            v(EVENT_KINDS[i % EVENT_KINDS.len()]),
            v("held"),
            v("onsite"),
            v(format!("Event {i:06} on international cooperation")),
            v(day),
            v(Some(day)),
            v("Shenzhen"),
            v(country),
            v(1),
            v(now),
            v(now),
        ])
        .await?;
        eo.push(vec![v(id), v(owner), v("host"), v(0)]).await?;
        let guest = partner_ids[rng.random_range(0..partner_ids.len())];
        eo.push(vec![v(id), v(guest), v("attending_institution"), v(1)])
            .await?;
        let other = member_ids[(i + 1) % member_ids.len()];
        eo.push(vec![v(id), v(other), v("co_host"), v(2)]).await?;
        let a = person_base + rng.random_range(0..people) as i64;
        let b = person_base + ((a - person_base + 1) as usize % people) as i64;
        ep.push(vec![
            v(id),
            v(a),
            v("speaker"),
            v("Professor"),
            v(Some(owner)),
            v(0),
        ])
        .await?;
        if b != a {
            ep.push(vec![
                v(id),
                v(b),
                v("attendee"),
                v("Professor"),
                v(Some(other)),
                v(1),
            ])
            .await?;
        }
        for k in 0..(1 + i % 2) {
            pr.push(vec![
                v(presentation),
                v(id),
                v(format!("Talk {k} at event {i}")),
                v(k as i32),
            ])
            .await?;
            pp.push(vec![v(presentation), v(a), v(0)]).await?;
            presentation += 1;
        }
        if ev.full() {
            flush_all(&mut [&mut ev, &mut eo, &mut ep, &mut pr, &mut pp]).await?;
        }
    }
    flush_all(&mut [&mut ev, &mut eo, &mut ep, &mut pr, &mut pp]).await?;
    counts.events = events;

    // Agreements between members and partners, some signed at events.
    let agreement_base = next_id(&txn, "agreement").await?;
    let agreements = n(20_000.0);
    let mut ag = Batch::new(
        &txn,
        "agreement",
        &[
            "id",
            "owner_id",
            "visibility",
            "kind",
            "status",
            "title",
            "signed_on",
            "valid_from",
            "signed_at_event_id",
            "version",
            "created_at",
            "updated_at",
        ],
    );
    let mut pa = Batch::new(
        &txn,
        "agreement_party",
        &["agreement_id", "organisation_id", "role", "position"],
    );
    let mut ap = Batch::new(
        &txn,
        "agreement_person",
        &["agreement_id", "person_id", "role", "title", "position"],
    );
    let mut af = Batch::new(&txn, "agreement_field", &["agreement_id", "isced_code"]);
    for i in 0..agreements {
        let id = agreement_base + i as i64;
        let owner = member_ids[i % member_ids.len()];
        let day = start + Duration::days(rng.random_range(0..3_900));
        let status = ["in_effect", "in_effect", "expired", "draft"][rng.random_range(0..4)];
        let visibility = ["public", "consortium", "private"][rng.random_range(0..3)];
        let at_event = (i % 4 == 0).then(|| event_base + rng.random_range(0..events) as i64);
        ag.push(vec![
            v(id),
            v(owner),
            v(visibility),
            v(AGREEMENT_KINDS[i % AGREEMENT_KINDS.len()]),
            v(status),
            v(format!("Agreement {i:06}")),
            v(Some(day)),
            v(Some(day)),
            v(at_event),
            v(1),
            v(now),
            v(now),
        ])
        .await?;
        pa.push(vec![v(id), v(owner), v("party"), v(0)]).await?;
        pa.push(vec![
            v(id),
            v(partner_ids[rng.random_range(0..partner_ids.len())]),
            v("party"),
            v(1),
        ])
        .await?;
        ap.push(vec![
            v(id),
            v(person_base + rng.random_range(0..people) as i64),
            v("signatory"),
            v("President"),
            v(0),
        ])
        .await?;
        af.push(vec![v(id), v(FIELDS[i % FIELDS.len()])]).await?;
        if ag.full() {
            flush_all(&mut [&mut ag, &mut pa, &mut ap, &mut af]).await?;
        }
    }
    flush_all(&mut [&mut ag, &mut pa, &mut ap, &mut af]).await?;
    counts.agreements = agreements;

    // Standards with adoptions in distinct countries; centres abroad.
    let standard_base = next_id(&txn, "curriculum_standard").await?;
    let standards = n(2_000.0);
    let per_standard = 10;
    let mut st = Batch::new(
        &txn,
        "curriculum_standard",
        &[
            "id",
            "owner_id",
            "visibility",
            "developer_id",
            "title",
            "code",
            "isced_code",
            "version",
            "created_at",
            "updated_at",
        ],
    );
    let mut ad = Batch::new(
        &txn,
        "adoption",
        &[
            "standard_id",
            "country_code",
            "kind",
            "adopted_on",
            "version",
            "created_at",
            "updated_at",
        ],
    );
    for i in 0..standards {
        let id = standard_base + i as i64;
        let owner = member_ids[i % member_ids.len()];
        st.push(vec![
            v(id),
            v(owner),
            v(["public", "consortium"][i % 2]),
            v(owner),
            v(format!("Curriculum standard {i:05}")),
            v(format!("S-{seed}-{id}")),
            v(FIELDS[i % FIELDS.len()]),
            v(1),
            v(now),
            v(now),
        ])
        .await?;
        let first = rng.random_range(0..countries.len());
        for k in 0..per_standard {
            let country = &countries[(first + k * 7) % countries.len()];
            let day = start + Duration::days(rng.random_range(0..3_900));
            ad.push(vec![
                v(id),
                v(country.clone()),
                v(["recognised", "adopted", "piloted"][k % 3]),
                v(Some(day)),
                v(1),
                v(now),
                v(now),
            ])
            .await?;
        }
        if st.full() {
            flush_all(&mut [&mut st, &mut ad]).await?;
        }
    }
    flush_all(&mut [&mut st, &mut ad]).await?;
    counts.standards = standards;
    counts.adoptions = standards * per_standard;

    let centres = n(500.0);
    let mut tc = Batch::new(
        &txn,
        "training_centre",
        &[
            "owner_id",
            "visibility",
            "name",
            "operator_id",
            "partner_id",
            "country_code",
            "opened_on",
            "status",
            "version",
            "created_at",
            "updated_at",
        ],
    );
    for i in 0..centres {
        let owner = member_ids[i % member_ids.len()];
        let partner = partner_ids[rng.random_range(0..partner_ids.len())];
        let day = start + Duration::days(rng.random_range(0..3_900));
        tc.push(vec![
            v(owner),
            v("public"),
            v(format!("Training centre {i:04}")),
            v(owner),
            v(Some(partner)),
            v(countries[i % countries.len()].clone()),
            v(Some(day)),
            v("operating"),
            v(1),
            v(now),
            v(now),
        ])
        .await?;
    }
    tc.flush().await?;
    counts.centres = centres;

    // Partnerships beyond agreements (companies among them), a member's or a unit's,
    // some ended or not yet begun. Their own generator, so the records above stay what
    // earlier builds generated for the same seed.
    let mut rng = StdRng::seed_from_u64(seed ^ 0x7061_7274);
    let partnerships = n(2_000.0);
    let mut ps = Batch::new(
        &txn,
        "partnership",
        &[
            "owner_id",
            "visibility",
            "member_id",
            "partner_id",
            "kind",
            "since",
            "status",
            "version",
            "created_at",
            "updated_at",
        ],
    );
    for i in 0..partnerships {
        let owner = member_ids[i % member_ids.len()];
        // Units follow their member, `units_per_member` each.
        let member = if i % 3 == 0 {
            let first = (i % member_ids.len()) * units_per_member;
            unit_ids[first + (i / 3) % units_per_member].0
        } else {
            owner
        };
        let partner = partner_ids[rng.random_range(0..partner_ids.len())];
        let day = start + Duration::days(rng.random_range(0..4_400));
        ps.push(vec![
            v(owner),
            v(["public", "consortium", "private"][rng.random_range(0..3)]),
            v(member),
            v(partner),
            v(["academic", "industry", "government", "other"][i % 4]),
            v(Some(day)),
            v(if i % 5 == 4 { "ended" } else { "active" }),
            v(1),
            v(now),
            v(now),
        ])
        .await?;
    }
    ps.flush().await?;
    counts.partnerships = partnerships;

    crate::search::index_all(&txn).await?;
    resync(
        &txn,
        &[
            "organisation",
            "consortium",
            "person",
            "event",
            "presentation",
            "agreement",
            "curriculum_standard",
        ],
    )
    .await?;
    txn.commit().await?;
    // Statistics for the new size at once, on both databases, so the first plans fit.
    db.execute_unprepared("ANALYZE").await?;
    Ok(counts)
}
