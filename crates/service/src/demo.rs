//! Loads a document of records in the format of `demo/FORMAT.md`: the five source
//! articles as demo data (`concord seed --demo`), and test fixtures.
//!
//! Records refer to each other by `key`; the loader resolves keys to ids as it inserts,
//! in dependency order, in one transaction.
use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use entity::enums::*;
use entity::*;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set, TransactionTrait,
};
use serde::Deserialize;

use crate::translations::{Translatable, Translation, parse_translations};
use crate::{Error, Result};

/// The articles in `../shared/seeds`, as records.
pub const ARTICLES: &str = include_str!("../demo/articles.json");

/// Who the loader records as creator.
const LOADER: &str = "seed";

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct Document {
    sources: Vec<SourceIn>,
    organisations: Vec<OrganisationIn>,
    consortia: Vec<ConsortiumIn>,
    people: Vec<PersonIn>,
    events: Vec<EventIn>,
    agreements: Vec<AgreementIn>,
    curriculum_standards: Vec<StandardIn>,
    adoptions: Vec<AdoptionIn>,
    training_centres: Vec<CentreIn>,
    indicators: Vec<IndicatorIn>,
    partnerships: Vec<PartnershipIn>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SourceIn {
    key: String,
    url: Option<String>,
    title: String,
    publisher: Option<String>,
    author: Option<String>,
    published_on: Option<NaiveDate>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OrganisationIn {
    key: String,
    kind: OrganisationKind,
    name_en: String,
    name_zh: Option<String>,
    abbreviation: Option<String>,
    country: Option<String>,
    city: Option<String>,
    address: Option<String>,
    website: Option<String>,
    ror_id: Option<String>,
    parent: Option<String>,
    #[serde(default)]
    aliases: Vec<AliasIn>,
    #[serde(default)]
    identifiers: Vec<IdentifierIn>,
    source: Option<String>,
}

#[derive(Deserialize)]
struct IdentifierIn {
    scheme: String,
    value: String,
}

#[derive(Deserialize)]
struct AliasIn {
    lang: String,
    kind: NameKind,
    value: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConsortiumIn {
    name_en: String,
    name_zh: Option<String>,
    coordinator: Option<String>,
    #[serde(default)]
    members: Vec<MemberIn>,
}

#[derive(Deserialize)]
struct MemberIn {
    org: String,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PersonIn {
    key: String,
    family_name: String,
    given_name: Option<String>,
    name_zh: Option<String>,
    source: Option<String>,
    #[serde(default)]
    affiliations: Vec<AffiliationIn>,
}

#[derive(Deserialize)]
struct AffiliationIn {
    org: String,
    title: Option<String>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    #[serde(default)]
    translations: Vec<Translation>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EventIn {
    key: String,
    owner: String,
    #[serde(default = "public")]
    visibility: Visibility,
    source: Option<String>,
    kind: EventKind,
    status: EventStatus,
    format: EventFormat,
    title: String,
    theme: Option<String>,
    description: Option<String>,
    start_date: NaiveDate,
    end_date: Option<NaiveDate>,
    venue: Option<String>,
    city: Option<String>,
    country: Option<String>,
    #[serde(default)]
    organisations: Vec<RoleIn<EventOrganisationRole>>,
    #[serde(default)]
    participants: Vec<PersonRoleIn<ParticipantRole>>,
    #[serde(default)]
    presentations: Vec<PresentationIn>,
    #[serde(default)]
    outcomes: Vec<OutcomeIn>,
    #[serde(default)]
    translations: Vec<Translation>,
}

fn public() -> Visibility {
    Visibility::Public
}

#[derive(Deserialize)]
struct RoleIn<R> {
    org: String,
    role: R,
}

#[derive(Deserialize)]
struct PersonRoleIn<R> {
    person: String,
    role: R,
    title: Option<String>,
    org: Option<String>,
    #[serde(default)]
    translations: Vec<Translation>,
}

#[derive(Deserialize)]
struct PresentationIn {
    title: String,
    #[serde(default)]
    presenters: Vec<String>,
    #[serde(default)]
    translations: Vec<Translation>,
}

#[derive(Deserialize)]
struct OutcomeIn {
    description: String,
    #[serde(default)]
    translations: Vec<Translation>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AgreementIn {
    key: String,
    owner: String,
    #[serde(default = "public")]
    visibility: Visibility,
    source: Option<String>,
    kind: AgreementKind,
    status: AgreementStatus,
    title: String,
    description: Option<String>,
    signed_on: Option<NaiveDate>,
    valid_from: Option<NaiveDate>,
    valid_to: Option<NaiveDate>,
    signed_at: Option<String>,
    renewal_of: Option<String>,
    #[serde(default)]
    fields: Vec<String>,
    #[serde(default)]
    parties: Vec<RoleIn<PartyRole>>,
    #[serde(default)]
    people: Vec<PersonRoleIn<AgreementPersonRole>>,
    #[serde(default)]
    translations: Vec<Translation>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StandardIn {
    key: String,
    owner: String,
    #[serde(default = "public")]
    visibility: Visibility,
    source: Option<String>,
    developer: String,
    title: String,
    code: Option<String>,
    field: Option<String>,
    level: Option<String>,
    version: Option<String>,
    issued_on: Option<NaiveDate>,
    #[serde(default)]
    translations: Vec<Translation>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AdoptionIn {
    standard: String,
    country: String,
    institution: Option<String>,
    adopted_on: Option<NaiveDate>,
    kind: AdoptionKind,
    evidence: Option<String>,
    source: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CentreIn {
    owner: String,
    #[serde(default = "public")]
    visibility: Visibility,
    source: Option<String>,
    name: String,
    operator: String,
    partner: Option<String>,
    country: String,
    city: Option<String>,
    opened_on: Option<NaiveDate>,
    status: CentreStatus,
    #[serde(default)]
    fields: Vec<String>,
    #[serde(default)]
    translations: Vec<Translation>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct IndicatorIn {
    owner: String,
    #[serde(default = "public")]
    visibility: Visibility,
    source: Option<String>,
    organisation: String,
    event: Option<String>,
    metric: IndicatorMetric,
    period_start: Option<NaiveDate>,
    period_end: Option<NaiveDate>,
    value: f64,
    unit: Option<String>,
    note: Option<String>,
}

/// Stores a record's texts in other languages, checked as a mutation checks them.
async fn translate<E: Translatable, C: ConnectionTrait>(
    db: &C,
    id: i64,
    list: &[Translation],
) -> Result<()> {
    let field = format!("{}.translations", E::KIND);
    for t in parse_translations::<E>(list, &field)? {
        translation::ActiveModel {
            record_type: Set(E::KIND.to_owned()),
            record_id: Set(id.to_string()),
            field: Set(t.field),
            lang: Set(t.lang),
            value: Set(t.text),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PartnershipIn {
    owner: String,
    #[serde(default = "public")]
    visibility: Visibility,
    source: Option<String>,
    member: String,
    partner: String,
    kind: PartnershipKind,
    since: Option<NaiveDate>,
    until: Option<NaiveDate>,
    status: PartnershipStatus,
    notes: Option<String>,
}

/// Keys seen so far, by kind, mapped to the ids they were given.
#[derive(Default)]
struct Keys(HashMap<(&'static str, String), i64>);

impl Keys {
    fn get(&self, kind: &'static str, key: &str) -> Result<i64> {
        self.0
            .get(&(kind, key.to_owned()))
            .copied()
            .ok_or_else(|| Error::bad_input(kind, format!("unknown {kind} key `{key}`")))
    }

    fn opt(&self, kind: &'static str, key: &Option<String>) -> Result<Option<i64>> {
        key.as_deref().map(|k| self.get(kind, k)).transpose()
    }
}

/// Loads the demo articles. Returns `false`, having changed nothing, when they are
/// already loaded.
pub async fn load_articles(db: &DatabaseConnection) -> Result<bool> {
    let document: Document = serde_json::from_str(ARTICLES).expect("demo data is valid JSON");
    let marker = &document.sources[0].title;
    let present = source::Entity::find()
        .filter(source::Column::Title.eq(marker.as_str()))
        .one(db)
        .await?
        .is_some();
    if present {
        return Ok(false);
    }
    load(db, &document).await?;
    Ok(true)
}

/// Parses a document in the demo format.
pub fn parse(json: &str) -> Result<Document> {
    serde_json::from_str(json).map_err(|e| Error::bad_input("document", e.to_string()))
}

/// Inserts every record of `document` in one transaction.
pub async fn load(db: &DatabaseConnection, document: &Document) -> Result<()> {
    let txn = db.begin().await?;
    insert_all(&txn, document).await?;
    crate::search::index_all(&txn).await?;
    txn.commit().await?;
    Ok(())
}

async fn insert_all<C: ConnectionTrait>(db: &C, d: &Document) -> Result<()> {
    let now = Utc::now();
    let by = Set(Some(LOADER.to_owned()));
    let mut keys = Keys::default();

    for s in &d.sources {
        let row = source::ActiveModel {
            url: Set(s.url.clone()),
            title: Set(s.title.clone()),
            publisher: Set(s.publisher.clone()),
            author: Set(s.author.clone()),
            published_on: Set(s.published_on),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            created_by: by.clone(),
            updated_by: by.clone(),
            ..Default::default()
        }
        .insert(db)
        .await?;
        keys.0.insert(("source", s.key.clone()), row.id);
    }

    // Parents first: an organisation may only name a parent listed before it.
    for o in &d.organisations {
        let row = organisation::ActiveModel {
            kind: Set(o.kind),
            parent_id: Set(keys.opt("organisation", &o.parent)?),
            name_en: Set(o.name_en.clone()),
            name_zh: Set(o.name_zh.clone()),
            abbreviation: Set(o.abbreviation.clone()),
            country_code: Set(o.country.clone()),
            city: Set(o.city.clone()),
            address: Set(o.address.clone()),
            website: Set(o.website.clone()),
            ror_id: Set(o.ror_id.clone()),
            source_id: Set(keys.opt("source", &o.source)?),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            created_by: by.clone(),
            updated_by: by.clone(),
            ..Default::default()
        }
        .insert(db)
        .await?;
        keys.0.insert(("organisation", o.key.clone()), row.id);
        for a in &o.aliases {
            organisation_name::ActiveModel {
                organisation_id: Set(row.id),
                lang: Set(a.lang.clone()),
                kind: Set(a.kind),
                value: Set(a.value.clone()),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
        for i in &o.identifiers {
            organisation_identifier::ActiveModel {
                organisation_id: Set(row.id),
                scheme: Set(i.scheme.clone()),
                value: Set(i.value.clone()),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }

    for c in &d.consortia {
        let row = consortium::ActiveModel {
            name_en: Set(c.name_en.clone()),
            name_zh: Set(c.name_zh.clone()),
            coordinator_id: Set(keys.opt("organisation", &c.coordinator)?),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            created_by: by.clone(),
            updated_by: by.clone(),
            ..Default::default()
        }
        .insert(db)
        .await?;
        for m in &c.members {
            consortium_member::ActiveModel {
                consortium_id: Set(row.id),
                organisation_id: Set(keys.get("organisation", &m.org)?),
                joined_on: Set(m.from),
                left_on: Set(m.to),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }

    for p in &d.people {
        let row = person::ActiveModel {
            family_name: Set(p.family_name.clone()),
            given_name: Set(p.given_name.clone()),
            name_zh: Set(p.name_zh.clone()),
            source_id: Set(keys.opt("source", &p.source)?),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            created_by: by.clone(),
            updated_by: by.clone(),
            ..Default::default()
        }
        .insert(db)
        .await?;
        keys.0.insert(("person", p.key.clone()), row.id);
        for (i, a) in p.affiliations.iter().enumerate() {
            let held = affiliation::ActiveModel {
                person_id: Set(row.id),
                organisation_id: Set(keys.get("organisation", &a.org)?),
                title: Set(a.title.clone()),
                started_on: Set(a.from),
                ended_on: Set(a.to),
                position: Set(i as i32),
                ..Default::default()
            }
            .insert(db)
            .await?;
            translate::<affiliation::Entity, _>(db, held.id, &a.translations).await?;
        }
    }

    for e in &d.events {
        let row = event::ActiveModel {
            owner_id: Set(keys.get("organisation", &e.owner)?),
            visibility: Set(e.visibility),
            kind: Set(e.kind),
            status: Set(e.status),
            format: Set(e.format),
            title: Set(e.title.clone()),
            theme: Set(e.theme.clone()),
            description: Set(e.description.clone()),
            start_date: Set(e.start_date),
            end_date: Set(e.end_date),
            venue: Set(e.venue.clone()),
            city: Set(e.city.clone()),
            country_code: Set(e.country.clone()),
            source_id: Set(keys.opt("source", &e.source)?),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            created_by: by.clone(),
            updated_by: by.clone(),
            ..Default::default()
        }
        .insert(db)
        .await?;
        keys.0.insert(("event", e.key.clone()), row.id);
        translate::<event::Entity, _>(db, row.id, &e.translations).await?;
        for (i, o) in e.organisations.iter().enumerate() {
            event_organisation::ActiveModel {
                event_id: Set(row.id),
                organisation_id: Set(keys.get("organisation", &o.org)?),
                role: Set(o.role),
                position: Set(i as i32),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
        for (i, p) in e.participants.iter().enumerate() {
            let participant = event_participant::ActiveModel {
                event_id: Set(row.id),
                person_id: Set(keys.get("person", &p.person)?),
                role: Set(p.role),
                title: Set(p.title.clone()),
                organisation_id: Set(keys.opt("organisation", &p.org)?),
                position: Set(i as i32),
                ..Default::default()
            }
            .insert(db)
            .await?;
            translate::<event_participant::Entity, _>(db, participant.id, &p.translations).await?;
        }
        for (i, p) in e.presentations.iter().enumerate() {
            let presentation = presentation::ActiveModel {
                event_id: Set(row.id),
                title: Set(p.title.clone()),
                position: Set(i as i32),
                ..Default::default()
            }
            .insert(db)
            .await?;
            translate::<presentation::Entity, _>(db, presentation.id, &p.translations).await?;
            for (j, person) in p.presenters.iter().enumerate() {
                presentation_presenter::ActiveModel {
                    presentation_id: Set(presentation.id),
                    person_id: Set(keys.get("person", person)?),
                    position: Set(j as i32),
                    ..Default::default()
                }
                .insert(db)
                .await?;
            }
        }
        for (i, o) in e.outcomes.iter().enumerate() {
            let outcome = event_outcome::ActiveModel {
                event_id: Set(row.id),
                description: Set(o.description.clone()),
                position: Set(i as i32),
                ..Default::default()
            }
            .insert(db)
            .await?;
            translate::<event_outcome::Entity, _>(db, outcome.id, &o.translations).await?;
        }
    }

    for a in &d.agreements {
        let row = agreement::ActiveModel {
            owner_id: Set(keys.get("organisation", &a.owner)?),
            visibility: Set(a.visibility),
            kind: Set(a.kind),
            status: Set(a.status),
            title: Set(a.title.clone()),
            description: Set(a.description.clone()),
            signed_on: Set(a.signed_on),
            valid_from: Set(a.valid_from),
            valid_to: Set(a.valid_to),
            signed_at_event_id: Set(keys.opt("event", &a.signed_at)?),
            renewal_of_id: Set(keys.opt("agreement", &a.renewal_of)?),
            source_id: Set(keys.opt("source", &a.source)?),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            created_by: by.clone(),
            updated_by: by.clone(),
            ..Default::default()
        }
        .insert(db)
        .await?;
        keys.0.insert(("agreement", a.key.clone()), row.id);
        translate::<agreement::Entity, _>(db, row.id, &a.translations).await?;
        for (i, p) in a.parties.iter().enumerate() {
            agreement_party::ActiveModel {
                agreement_id: Set(row.id),
                organisation_id: Set(keys.get("organisation", &p.org)?),
                role: Set(p.role),
                position: Set(i as i32),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
        for (i, p) in a.people.iter().enumerate() {
            let signature = agreement_person::ActiveModel {
                agreement_id: Set(row.id),
                person_id: Set(keys.get("person", &p.person)?),
                role: Set(p.role),
                title: Set(p.title.clone()),
                organisation_id: Set(keys.opt("organisation", &p.org)?),
                position: Set(i as i32),
                ..Default::default()
            }
            .insert(db)
            .await?;
            translate::<agreement_person::Entity, _>(db, signature.id, &p.translations).await?;
        }
        for code in &a.fields {
            agreement_field::ActiveModel {
                agreement_id: Set(row.id),
                isced_code: Set(code.clone()),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }

    for s in &d.curriculum_standards {
        let row = curriculum_standard::ActiveModel {
            owner_id: Set(keys.get("organisation", &s.owner)?),
            visibility: Set(s.visibility),
            developer_id: Set(keys.get("organisation", &s.developer)?),
            title: Set(s.title.clone()),
            code: Set(s.code.clone()),
            isced_code: Set(s.field.clone()),
            level: Set(s.level.clone()),
            edition: Set(s.version.clone()),
            issued_on: Set(s.issued_on),
            source_id: Set(keys.opt("source", &s.source)?),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            created_by: by.clone(),
            updated_by: by.clone(),
            ..Default::default()
        }
        .insert(db)
        .await?;
        keys.0.insert(("standard", s.key.clone()), row.id);
        translate::<curriculum_standard::Entity, _>(db, row.id, &s.translations).await?;
    }

    for a in &d.adoptions {
        adoption::ActiveModel {
            standard_id: Set(keys.get("standard", &a.standard)?),
            country_code: Set(a.country.clone()),
            institution_id: Set(keys.opt("organisation", &a.institution)?),
            kind: Set(a.kind),
            adopted_on: Set(a.adopted_on),
            evidence: Set(a.evidence.clone()),
            source_id: Set(keys.opt("source", &a.source)?),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            created_by: by.clone(),
            updated_by: by.clone(),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }

    for c in &d.training_centres {
        let row = training_centre::ActiveModel {
            owner_id: Set(keys.get("organisation", &c.owner)?),
            visibility: Set(c.visibility),
            name: Set(c.name.clone()),
            operator_id: Set(keys.get("organisation", &c.operator)?),
            partner_id: Set(keys.opt("organisation", &c.partner)?),
            country_code: Set(c.country.clone()),
            city: Set(c.city.clone()),
            opened_on: Set(c.opened_on),
            status: Set(c.status),
            source_id: Set(keys.opt("source", &c.source)?),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            created_by: by.clone(),
            updated_by: by.clone(),
            ..Default::default()
        }
        .insert(db)
        .await?;
        translate::<training_centre::Entity, _>(db, row.id, &c.translations).await?;
        for code in &c.fields {
            training_centre_field::ActiveModel {
                centre_id: Set(row.id),
                isced_code: Set(code.clone()),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }

    for i in &d.indicators {
        indicator::ActiveModel {
            owner_id: Set(keys.get("organisation", &i.owner)?),
            visibility: Set(i.visibility),
            organisation_id: Set(keys.get("organisation", &i.organisation)?),
            event_id: Set(keys.opt("event", &i.event)?),
            metric: Set(i.metric),
            definition_code: Set(i.metric.definition()),
            period_start: Set(i.period_start),
            period_end: Set(i.period_end),
            value: Set(i.value),
            unit: Set(i.unit.clone()),
            note: Set(i.note.clone()),
            source_id: Set(keys.opt("source", &i.source)?),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            created_by: by.clone(),
            updated_by: by.clone(),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }

    for p in &d.partnerships {
        partnership::ActiveModel {
            owner_id: Set(keys.get("organisation", &p.owner)?),
            visibility: Set(p.visibility),
            member_id: Set(keys.get("organisation", &p.member)?),
            partner_id: Set(keys.get("organisation", &p.partner)?),
            kind: Set(p.kind),
            since: Set(p.since),
            until: Set(p.until),
            status: Set(p.status),
            notes: Set(p.notes.clone()),
            source_id: Set(keys.opt("source", &p.source)?),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            created_by: by.clone(),
            updated_by: by.clone(),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_articles_parse_and_every_key_resolves_in_order() {
        let d = parse(ARTICLES).unwrap();
        assert_eq!(d.sources.len(), 5);
        let orgs: Vec<&str> = d.organisations.iter().map(|o| o.key.as_str()).collect();
        for (i, o) in d.organisations.iter().enumerate() {
            if let Some(parent) = &o.parent {
                let at = orgs
                    .iter()
                    .position(|k| k == parent)
                    .expect("parent exists");
                assert!(at < i, "{} is listed before its parent {parent}", o.key);
            }
        }
        assert!(d.agreements.iter().any(|a| {
            a.people
                .iter()
                .any(|p| p.role == AgreementPersonRole::Witness)
        }));
    }
}
