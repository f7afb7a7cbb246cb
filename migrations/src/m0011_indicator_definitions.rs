//! The registry of indicator definitions (what each computed figure counts, in English
//! and Chinese), and reported indicators referring to a definition by code where their
//! metric matches one; the rest keep their metric and note as free text.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0011_indicator_definitions"
    }
}

/// (code, English name, Chinese name, unit, what it counts). The codes are stable: the
/// API's `IndicatorCode` and reported indicators refer to them.
pub const DEFINITIONS: [(&str, &str, &str, &str, &str); 11] = [
    (
        "partner_institutions",
        "Partner institutions",
        "合作院校及机构",
        "institutions",
        "Distinct organisations that are a party to an agreement in effect on the as-of date to which the subject (or one of its units) is also a party, or the partner of a live partnership of the subject (or one of its units) active on that date. The subject's own organisations and units are not partners of it.",
    ),
    (
        "partner_countries_and_regions",
        "Countries and regions of partners",
        "合作伙伴所在国家和地区",
        "countries and regions",
        "Distinct countries and regions where the partner institutions are based; a partner without a country is not placed in any.",
    ),
    (
        "agreements_in_effect",
        "Agreements in effect",
        "有效合作协议",
        "agreements",
        "Agreements the subject (or one of its units) is a party to that are in effect on the as-of date: their status took effect (in effect, expired, renewed) and the date lies within their validity.",
    ),
    (
        "joint_programmes_running",
        "Joint programmes running",
        "在办联合培养项目",
        "programmes",
        "Agreements in effect on the as-of date that set up a joint school, a joint or double degree, or joint training.",
    ),
    (
        "international_events_hosted",
        "International events hosted",
        "主办国际交流活动",
        "events",
        "Events of international cooperation the subject (or one of its units) hosted or co-hosted, not cancelled, starting within the period.",
    ),
    (
        "foreign_participants",
        "Foreign participants at events",
        "参加活动的境外人员",
        "people",
        "Distinct people who took part in the hosted events for an organisation based outside the country or region where the event took place.",
    ),
    (
        "curriculum_standards_developed",
        "Curriculum standards developed",
        "开发的专业教学标准",
        "standards",
        "Curriculum standards developed by the subject (or one of its units), issued on or before the as-of date or undated.",
    ),
    (
        "standards_adopted_abroad",
        "Standards adopted abroad",
        "被境外采用的标准",
        "standards",
        "Standards developed by the subject with at least one adoption (recognised, adopted or piloted, on or before the as-of date or undated) in a country or region other than the developer's.",
    ),
    (
        "standard_adopting_countries_and_regions",
        "Countries and regions adopting standards",
        "采用标准的国家和地区",
        "countries and regions",
        "Distinct countries and regions, other than the developer's, where the subject's standards were adopted on or before the as-of date.",
    ),
    (
        "training_centres_abroad",
        "Training centres operating abroad",
        "境外运营的培训中心",
        "centres",
        "Training centres the subject (or one of its units) operates that are operating, opened on or before the as-of date or undated, in a country or region other than the operator's.",
    ),
    (
        "training_centre_countries",
        "Countries and regions with training centres",
        "设有培训中心的国家和地区",
        "countries and regions",
        "Distinct countries and regions where the training centres operating abroad are.",
    ),
];

/// Reported metrics that a definition measures (metric, definition code).
const METRICS: [(&str, &str); 6] = [
    ("partner_institutions", "partner_institutions"),
    (
        "partner_countries_and_regions",
        "partner_countries_and_regions",
    ),
    ("curriculum_standards", "curriculum_standards_developed"),
    (
        "standard_adopting_countries_and_regions",
        "standard_adopting_countries_and_regions",
    ),
    ("training_centres", "training_centres_abroad"),
    ("training_centre_countries", "training_centre_countries"),
];

fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE TABLE indicator_definition (
                code        TEXT PRIMARY KEY CHECK (length(code) > 0),
                name_en     TEXT NOT NULL,
                name_zh     TEXT NOT NULL,
                unit        TEXT NOT NULL,
                description TEXT NOT NULL,
                position    INTEGER NOT NULL UNIQUE
            )",
        )
        .await?;
        let rows: Vec<String> = DEFINITIONS
            .iter()
            .enumerate()
            .map(|(i, (code, en, zh, unit, what))| {
                format!(
                    "({}, {}, {}, {}, {}, {})",
                    quoted(code),
                    quoted(en),
                    quoted(zh),
                    quoted(unit),
                    quoted(what),
                    i + 1
                )
            })
            .collect();
        db.execute_unprepared(&format!(
            "INSERT INTO indicator_definition (code, name_en, name_zh, unit, description, position) VALUES {}",
            rows.join(", ")
        ))
        .await?;
        db.execute_unprepared(
            "ALTER TABLE indicator ADD COLUMN definition_code TEXT REFERENCES indicator_definition (code)",
        )
        .await?;
        let cases: String = METRICS
            .iter()
            .map(|(metric, code)| format!(" WHEN {} THEN {}", quoted(metric), quoted(code)))
            .collect();
        db.execute_unprepared(&format!(
            "UPDATE indicator SET definition_code = CASE metric{cases} END"
        ))
        .await?;
        db.execute_unprepared(
            "CREATE INDEX indicator_definition_code_idx ON indicator (definition_code)",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX indicator_definition_code_idx")
            .await?;
        db.execute_unprepared("ALTER TABLE indicator DROP COLUMN definition_code")
            .await?;
        db.execute_unprepared("DROP TABLE indicator_definition")
            .await?;
        Ok(())
    }
}
