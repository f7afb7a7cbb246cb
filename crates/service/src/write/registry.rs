//! Writing the shared registry: organisations (and their units), people, sources and
//! consortia; merging duplicates.
use chrono::{NaiveDate, Utc};
use entity::enums::{NameKind, OrganisationKind};
use entity::{
    affiliation, consortium, consortium_member, organisation, organisation_identifier,
    organisation_name, person, source,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use serde::Serialize;

use super::{Patch, on_constraint, patch_text, required_text, text};
use crate::access::{coordinator_only, may_add_to_registry, may_maintain};
use crate::audit::Audit;
use crate::domain::{self, DateSpan, LanguageTag, NAME_MAX, RorId, TITLE_MAX, WebUrl};
use crate::{Error, Principal, Result, Scope};

#[derive(Debug, Clone, Serialize)]
pub struct OrganisationInput {
    pub kind: OrganisationKind,
    pub parent: Option<i64>,
    pub name_en: String,
    pub name_zh: Option<String>,
    pub abbreviation: Option<String>,
    pub country: Option<String>,
    pub city: Option<String>,
    pub address: Option<String>,
    pub website: Option<String>,
    pub ror_id: Option<String>,
    pub source: Option<i64>,
    pub names: Vec<NameInput>,
    pub identifiers: Vec<IdentifierInput>,
    #[serde(skip)]
    pub idempotency_key: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct OrganisationPatch {
    pub kind: Option<OrganisationKind>,
    pub parent: Patch<i64>,
    pub name_en: Option<String>,
    pub name_zh: Patch<String>,
    pub abbreviation: Patch<String>,
    pub country: Patch<String>,
    pub city: Patch<String>,
    pub address: Patch<String>,
    pub website: Patch<String>,
    pub ror_id: Patch<String>,
    pub source: Patch<i64>,
    pub names: Option<Vec<NameInput>>,
    pub identifiers: Option<Vec<IdentifierInput>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NameInput {
    pub lang: String,
    pub kind: NameKind,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct IdentifierInput {
    pub scheme: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PersonInput {
    pub family_name: String,
    pub given_name: Option<String>,
    pub name_zh: Option<String>,
    pub source: Option<i64>,
    pub affiliations: Vec<AffiliationInput>,
    #[serde(skip)]
    pub idempotency_key: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct PersonPatch {
    pub family_name: Option<String>,
    pub given_name: Patch<String>,
    pub name_zh: Patch<String>,
    pub source: Patch<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AffiliationInput {
    pub organisation: i64,
    pub title: Option<String>,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceInput {
    pub url: Option<String>,
    pub title: String,
    pub publisher: Option<String>,
    pub author: Option<String>,
    pub published_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Default)]
pub struct SourcePatch {
    pub url: Patch<String>,
    pub title: Option<String>,
    pub publisher: Patch<String>,
    pub author: Patch<String>,
    pub published_on: Patch<NaiveDate>,
}

#[derive(Debug, Clone, Default)]
pub struct ConsortiumPatch {
    pub name_en: Option<String>,
    pub name_zh: Patch<String>,
    pub coordinator: Patch<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConsortiumInput {
    pub name_en: String,
    pub name_zh: Option<String>,
    pub coordinator: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MemberInput {
    pub organisation: i64,
    pub joined_on: Option<NaiveDate>,
    pub left_on: Option<NaiveDate>,
}

fn url(field: &str, value: &Option<String>) -> Result<Option<String>> {
    value
        .as_deref()
        .filter(|v| !v.trim().is_empty())
        .map(|v| WebUrl::parse(field, v).map(|u| u.as_str().to_owned()))
        .transpose()
}

fn ror(field: &str, value: &Option<String>) -> Result<Option<String>> {
    value
        .as_deref()
        .filter(|v| !v.trim().is_empty())
        .map(|v| RorId::parse(field, v).map(|r| r.as_str().to_owned()))
        .transpose()
}

impl Scope {
    /// A unit may hang under a member organisation only for that member's admins and
    /// the coordinator; under anyone else's organisation for any editor.
    async fn may_place_under(&self, txn: &DatabaseTransaction, parent: Option<i64>) -> Result<()> {
        let Some(parent) = parent else { return Ok(()) };
        self.require::<organisation::Entity>(txn, "input.parent", "organisation", [parent])
            .await?;
        let is_member = consortium_member::Entity::find()
            .filter(consortium_member::Column::OrganisationId.eq(parent))
            .count(txn)
            .await?
            > 0;
        if !is_member || self.principal().is_coordinator() {
            return Ok(());
        }
        match self.principal() {
            Principal::Member {
                organisation_id,
                role: entity::enums::Role::Admin,
                ..
            } if *organisation_id == parent => Ok(()),
            _ => Err(Error::forbidden("only a member's admins manage its units")),
        }
    }

    pub async fn create_organisation(
        &self,
        input: OrganisationInput,
    ) -> Result<organisation::Model> {
        let txn = self.begin_write().await?;
        if let Some(id) = self
            .replay(&txn, &input.idempotency_key, "createOrganisation", &input)
            .await?
        {
            return self.load_for_write::<organisation::Entity>(&txn, id).await;
        }
        may_add_to_registry(self.principal())?;
        self.may_place_under(&txn, input.parent).await?;
        self.require::<source::Entity>(&txn, "input.source", "source", input.source)
            .await?;
        let country = self.country(&txn, "input.country", &input.country).await?;
        let now = Utc::now();
        let row = organisation::ActiveModel {
            kind: Set(input.kind),
            parent_id: Set(input.parent),
            name_en: Set(required_text("input.nameEn", &input.name_en, TITLE_MAX)?),
            name_zh: Set(text("input.nameZh", &input.name_zh, TITLE_MAX)?),
            abbreviation: Set(text("input.abbreviation", &input.abbreviation, NAME_MAX)?),
            country_code: Set(country),
            city: Set(text("input.city", &input.city, NAME_MAX)?),
            address: Set(text("input.address", &input.address, TITLE_MAX)?),
            website: Set(url("input.website", &input.website)?),
            ror_id: Set(ror("input.rorId", &input.ror_id)?),
            source_id: Set(input.source),
            maintainer_id: Set(self.principal().organisation()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            created_by: Set(Some(self.principal().label())),
            updated_by: Set(Some(self.principal().label())),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| on_constraint(e, "input.rorId"))?;
        self.write_names(&txn, row.id, &input.names, &input.identifiers)
            .await?;
        self.remember(
            &txn,
            &input.idempotency_key,
            "createOrganisation",
            &input,
            row.id,
        )
        .await?;
        Audit::new(
            self.principal(),
            "createOrganisation",
            "organisation",
            row.id,
            row.maintainer_id,
        )
        .after(&(&row, &input.names, &input.identifiers))
        .write(&txn)
        .await?;
        txn.commit().await?;
        Ok(row)
    }

    pub async fn update_organisation(
        &self,
        id: i64,
        expected_version: i32,
        patch: OrganisationPatch,
    ) -> Result<organisation::Model> {
        let txn = self.begin_write().await?;
        let before = self
            .load_for_write::<organisation::Entity>(&txn, id)
            .await?;
        may_maintain(self.principal(), before.maintainer_id, before.parent_id)?;
        domain::Version::parse("input.expectedVersion", expected_version)?;
        let mut row: organisation::ActiveModel = before.clone().into();
        if let Some(parent) = patch.parent {
            if parent == Some(id) {
                return Err(Error::bad_input(
                    "input.parent",
                    "an organisation cannot be its own parent",
                ));
            }
            self.may_place_under(&txn, parent).await?;
            row.parent_id = Set(parent);
        }
        if let Some(k) = patch.kind {
            row.kind = Set(k);
        }
        if let Some(n) = &patch.name_en {
            row.name_en = Set(required_text("input.nameEn", n, TITLE_MAX)?);
        }
        if let Some(n) = patch_text("input.nameZh", &patch.name_zh, TITLE_MAX)? {
            row.name_zh = Set(n);
        }
        if let Some(a) = patch_text("input.abbreviation", &patch.abbreviation, NAME_MAX)? {
            row.abbreviation = Set(a);
        }
        if let Some(c) = &patch.country {
            row.country_code = Set(self.country(&txn, "input.country", c).await?);
        }
        if let Some(c) = patch_text("input.city", &patch.city, NAME_MAX)? {
            row.city = Set(c);
        }
        if let Some(a) = patch_text("input.address", &patch.address, TITLE_MAX)? {
            row.address = Set(a);
        }
        if let Some(w) = &patch.website {
            row.website = Set(url("input.website", w)?);
        }
        if let Some(r) = &patch.ror_id {
            row.ror_id = Set(ror("input.rorId", r)?);
        }
        if let Some(s) = patch.source {
            self.require::<source::Entity>(&txn, "input.source", "source", s)
                .await?;
            row.source_id = Set(s);
        }
        self.bump_version(&txn, "organisation", id, expected_version)
            .await?;
        if patch.names.is_some() || patch.identifiers.is_some() {
            let names = match &patch.names {
                Some(n) => n.clone(),
                None => self.name_inputs(&txn, id).await?,
            };
            let identifiers = match &patch.identifiers {
                Some(i) => i.clone(),
                None => self.identifier_inputs(&txn, id).await?,
            };
            self.write_names(&txn, id, &names, &identifiers).await?;
        }
        row.version = Set(before.version + 1);
        row.updated_at = Set(Utc::now());
        row.updated_by = Set(Some(self.principal().label()));
        let after = row
            .update(&txn)
            .await
            .map_err(|e| on_constraint(e, "input.rorId"))?;
        Audit::new(
            self.principal(),
            "updateOrganisation",
            "organisation",
            id,
            after.maintainer_id,
        )
        .before(&before)
        .after(&(&after, &patch.names, &patch.identifiers))
        .write(&txn)
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    async fn name_inputs(&self, txn: &DatabaseTransaction, id: i64) -> Result<Vec<NameInput>> {
        Ok(organisation_name::Entity::find()
            .filter(organisation_name::Column::OrganisationId.eq(id))
            .all(txn)
            .await?
            .into_iter()
            .map(|n| NameInput {
                lang: n.lang,
                kind: n.kind,
                value: n.value,
            })
            .collect())
    }

    async fn identifier_inputs(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
    ) -> Result<Vec<IdentifierInput>> {
        Ok(organisation_identifier::Entity::find()
            .filter(organisation_identifier::Column::OrganisationId.eq(id))
            .all(txn)
            .await?
            .into_iter()
            .map(|i| IdentifierInput {
                scheme: i.scheme,
                value: i.value,
            })
            .collect())
    }

    async fn write_names(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
        names: &[NameInput],
        identifiers: &[IdentifierInput],
    ) -> Result<()> {
        organisation_name::Entity::delete_many()
            .filter(organisation_name::Column::OrganisationId.eq(id))
            .exec(txn)
            .await?;
        for (i, n) in names.iter().enumerate() {
            organisation_name::ActiveModel {
                organisation_id: Set(id),
                lang: Set(
                    LanguageTag::parse(&format!("input.names.{i}.lang"), &n.lang)?
                        .as_str()
                        .to_owned(),
                ),
                kind: Set(n.kind),
                value: Set(required_text(
                    &format!("input.names.{i}.value"),
                    &n.value,
                    TITLE_MAX,
                )?),
                ..Default::default()
            }
            .insert(txn)
            .await
            .map_err(|e| on_constraint(e, &format!("input.names.{i}")))?;
        }
        organisation_identifier::Entity::delete_many()
            .filter(organisation_identifier::Column::OrganisationId.eq(id))
            .exec(txn)
            .await?;
        for (i, x) in identifiers.iter().enumerate() {
            organisation_identifier::ActiveModel {
                organisation_id: Set(id),
                scheme: Set(required_text(
                    &format!("input.identifiers.{i}.scheme"),
                    &x.scheme,
                    50,
                )?
                .to_uppercase()),
                value: Set(required_text(
                    &format!("input.identifiers.{i}.value"),
                    &x.value,
                    NAME_MAX,
                )?),
                ..Default::default()
            }
            .insert(txn)
            .await
            .map_err(|e| on_constraint(e, &format!("input.identifiers.{i}")))?;
        }
        Ok(())
    }

    pub async fn create_person(&self, input: PersonInput) -> Result<person::Model> {
        let txn = self.begin_write().await?;
        if let Some(id) = self
            .replay(&txn, &input.idempotency_key, "createPerson", &input)
            .await?
        {
            return self.load_for_write::<person::Entity>(&txn, id).await;
        }
        may_add_to_registry(self.principal())?;
        self.require::<source::Entity>(&txn, "input.source", "source", input.source)
            .await?;
        let now = Utc::now();
        let row = person::ActiveModel {
            family_name: Set(required_text(
                "input.familyName",
                &input.family_name,
                NAME_MAX,
            )?),
            given_name: Set(text("input.givenName", &input.given_name, NAME_MAX)?),
            name_zh: Set(text("input.nameZh", &input.name_zh, NAME_MAX)?),
            source_id: Set(input.source),
            maintainer_id: Set(self.principal().organisation()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            created_by: Set(Some(self.principal().label())),
            updated_by: Set(Some(self.principal().label())),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        self.write_affiliations(&txn, row.id, &input.affiliations)
            .await?;
        self.remember(&txn, &input.idempotency_key, "createPerson", &input, row.id)
            .await?;
        Audit::new(
            self.principal(),
            "createPerson",
            "person",
            row.id,
            row.maintainer_id,
        )
        .after(&(&row, &input.affiliations))
        .write(&txn)
        .await?;
        txn.commit().await?;
        Ok(row)
    }

    pub async fn update_person(
        &self,
        id: i64,
        expected_version: i32,
        patch: PersonPatch,
    ) -> Result<person::Model> {
        let txn = self.begin_write().await?;
        let before = self.load_for_write::<person::Entity>(&txn, id).await?;
        may_maintain(self.principal(), before.maintainer_id, None)?;
        domain::Version::parse("input.expectedVersion", expected_version)?;
        let mut row: person::ActiveModel = before.clone().into();
        if let Some(f) = &patch.family_name {
            row.family_name = Set(required_text("input.familyName", f, NAME_MAX)?);
        }
        if let Some(g) = patch_text("input.givenName", &patch.given_name, NAME_MAX)? {
            row.given_name = Set(g);
        }
        if let Some(z) = patch_text("input.nameZh", &patch.name_zh, NAME_MAX)? {
            row.name_zh = Set(z);
        }
        if let Some(s) = patch.source {
            self.require::<source::Entity>(&txn, "input.source", "source", s)
                .await?;
            row.source_id = Set(s);
        }
        self.bump_version(&txn, "person", id, expected_version)
            .await?;
        row.version = Set(before.version + 1);
        row.updated_at = Set(Utc::now());
        row.updated_by = Set(Some(self.principal().label()));
        let after = row.update(&txn).await?;
        Audit::new(
            self.principal(),
            "updatePerson",
            "person",
            id,
            after.maintainer_id,
        )
        .before(&before)
        .after(&after)
        .write(&txn)
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Replaces a person's positions (add, remove and reorder in one).
    pub async fn set_affiliations(
        &self,
        id: i64,
        expected_version: i32,
        list: Vec<AffiliationInput>,
    ) -> Result<person::Model> {
        let txn = self.begin_write().await?;
        let record = self.load_for_write::<person::Entity>(&txn, id).await?;
        may_maintain(self.principal(), record.maintainer_id, None)?;
        domain::Version::parse("input.expectedVersion", expected_version)?;
        let before = affiliation::Entity::find()
            .filter(affiliation::Column::PersonId.eq(id))
            .order_by_asc(affiliation::Column::Position)
            .all(&txn)
            .await?;
        self.bump_version(&txn, "person", id, expected_version)
            .await?;
        self.write_affiliations(&txn, id, &list).await?;
        Audit::new(
            self.principal(),
            "setAffiliations",
            "person",
            id,
            record.maintainer_id,
        )
        .before(&before)
        .after(&list)
        .write(&txn)
        .await?;
        let record = person::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(Error::NotFound)?;
        txn.commit().await?;
        Ok(record)
    }

    async fn write_affiliations(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
        list: &[AffiliationInput],
    ) -> Result<()> {
        self.require::<organisation::Entity>(
            txn,
            "input.affiliations",
            "organisation",
            list.iter().map(|a| a.organisation),
        )
        .await?;
        affiliation::Entity::delete_many()
            .filter(affiliation::Column::PersonId.eq(id))
            .exec(txn)
            .await?;
        for (i, a) in list.iter().enumerate() {
            let span = DateSpan::parse(
                &format!("input.affiliations.{i}.endedOn"),
                a.started_on,
                a.ended_on,
            )?;
            affiliation::ActiveModel {
                person_id: Set(id),
                organisation_id: Set(a.organisation),
                title: Set(text(
                    &format!("input.affiliations.{i}.title"),
                    &a.title,
                    NAME_MAX,
                )?),
                started_on: Set(span.from),
                ended_on: Set(span.to),
                position: Set(i as i32),
                ..Default::default()
            }
            .insert(txn)
            .await?;
        }
        Ok(())
    }

    pub async fn create_source(&self, input: SourceInput) -> Result<source::Model> {
        let txn = self.begin_write().await?;
        may_add_to_registry(self.principal())?;
        let now = Utc::now();
        let row = source::ActiveModel {
            url: Set(url("input.url", &input.url)?),
            title: Set(required_text("input.title", &input.title, TITLE_MAX)?),
            publisher: Set(text("input.publisher", &input.publisher, NAME_MAX)?),
            author: Set(text("input.author", &input.author, TITLE_MAX)?),
            published_on: Set(input.published_on),
            maintainer_id: Set(self.principal().organisation()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            created_by: Set(Some(self.principal().label())),
            updated_by: Set(Some(self.principal().label())),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| on_constraint(e, "input.url"))?;
        Audit::new(
            self.principal(),
            "createSource",
            "source",
            row.id,
            row.maintainer_id,
        )
        .after(&row)
        .write(&txn)
        .await?;
        txn.commit().await?;
        Ok(row)
    }

    pub async fn update_source(
        &self,
        id: i64,
        expected_version: i32,
        patch: SourcePatch,
    ) -> Result<source::Model> {
        let txn = self.begin_write().await?;
        let before = self.load_for_write::<source::Entity>(&txn, id).await?;
        may_maintain(self.principal(), before.maintainer_id, None)?;
        domain::Version::parse("input.expectedVersion", expected_version)?;
        let mut row: source::ActiveModel = before.clone().into();
        if let Some(u) = &patch.url {
            row.url = Set(url("input.url", u)?);
        }
        if let Some(t) = &patch.title {
            row.title = Set(required_text("input.title", t, TITLE_MAX)?);
        }
        if let Some(p) = patch_text("input.publisher", &patch.publisher, NAME_MAX)? {
            row.publisher = Set(p);
        }
        if let Some(a) = patch_text("input.author", &patch.author, TITLE_MAX)? {
            row.author = Set(a);
        }
        if let Some(d) = patch.published_on {
            row.published_on = Set(d);
        }
        self.bump_version(&txn, "source", id, expected_version)
            .await?;
        row.version = Set(before.version + 1);
        row.updated_at = Set(Utc::now());
        row.updated_by = Set(Some(self.principal().label()));
        let after = row
            .update(&txn)
            .await
            .map_err(|e| on_constraint(e, "input.url"))?;
        Audit::new(
            self.principal(),
            "updateSource",
            "source",
            id,
            after.maintainer_id,
        )
        .before(&before)
        .after(&after)
        .write(&txn)
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    pub async fn update_consortium(
        &self,
        id: i64,
        expected_version: i32,
        patch: ConsortiumPatch,
    ) -> Result<consortium::Model> {
        coordinator_only(self.principal(), "manage consortia")?;
        let txn = self.begin_write().await?;
        let before = self.load_for_write::<consortium::Entity>(&txn, id).await?;
        domain::Version::parse("input.expectedVersion", expected_version)?;
        let mut row: consortium::ActiveModel = before.clone().into();
        if let Some(n) = &patch.name_en {
            row.name_en = Set(required_text("input.nameEn", n, TITLE_MAX)?);
        }
        if let Some(n) = patch_text("input.nameZh", &patch.name_zh, TITLE_MAX)? {
            row.name_zh = Set(n);
        }
        if let Some(c) = patch.coordinator {
            self.require::<organisation::Entity>(&txn, "input.coordinator", "organisation", c)
                .await?;
            row.coordinator_id = Set(c);
        }
        self.bump_version(&txn, "consortium", id, expected_version)
            .await?;
        row.version = Set(before.version + 1);
        row.updated_at = Set(Utc::now());
        row.updated_by = Set(Some(self.principal().label()));
        let after = row
            .update(&txn)
            .await
            .map_err(|e| on_constraint(e, "input.nameEn"))?;
        Audit::new(self.principal(), "updateConsortium", "consortium", id, None)
            .before(&before)
            .after(&after)
            .write(&txn)
            .await?;
        txn.commit().await?;
        Ok(after)
    }

    pub async fn create_consortium(&self, input: ConsortiumInput) -> Result<consortium::Model> {
        coordinator_only(self.principal(), "manage consortia")?;
        let txn = self.begin_write().await?;
        self.require::<organisation::Entity>(
            &txn,
            "input.coordinator",
            "organisation",
            input.coordinator,
        )
        .await?;
        let now = Utc::now();
        let row = consortium::ActiveModel {
            name_en: Set(required_text("input.nameEn", &input.name_en, TITLE_MAX)?),
            name_zh: Set(text("input.nameZh", &input.name_zh, TITLE_MAX)?),
            coordinator_id: Set(input.coordinator),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            created_by: Set(Some(self.principal().label())),
            updated_by: Set(Some(self.principal().label())),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| on_constraint(e, "input.nameEn"))?;
        Audit::new(
            self.principal(),
            "createConsortium",
            "consortium",
            row.id,
            None,
        )
        .after(&row)
        .write(&txn)
        .await?;
        txn.commit().await?;
        Ok(row)
    }

    /// Replaces a consortium's members.
    pub async fn set_consortium_members(
        &self,
        id: i64,
        expected_version: i32,
        list: Vec<MemberInput>,
    ) -> Result<consortium::Model> {
        coordinator_only(self.principal(), "manage consortia")?;
        let txn = self.begin_write().await?;
        self.load_for_write::<consortium::Entity>(&txn, id).await?;
        domain::Version::parse("input.expectedVersion", expected_version)?;
        self.require::<organisation::Entity>(
            &txn,
            "input.members",
            "organisation",
            list.iter().map(|m| m.organisation),
        )
        .await?;
        let before = consortium_member::Entity::find()
            .filter(consortium_member::Column::ConsortiumId.eq(id))
            .all(&txn)
            .await?;
        self.bump_version(&txn, "consortium", id, expected_version)
            .await?;
        consortium_member::Entity::delete_many()
            .filter(consortium_member::Column::ConsortiumId.eq(id))
            .exec(&txn)
            .await?;
        for (i, m) in list.iter().enumerate() {
            let span =
                DateSpan::parse(&format!("input.members.{i}.leftOn"), m.joined_on, m.left_on)?;
            consortium_member::ActiveModel {
                consortium_id: Set(id),
                organisation_id: Set(m.organisation),
                joined_on: Set(span.from),
                left_on: Set(span.to),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .map_err(|e| on_constraint(e, &format!("input.members.{i}")))?;
        }
        Audit::new(
            self.principal(),
            "setConsortiumMembers",
            "consortium",
            id,
            None,
        )
        .before(&before)
        .after(&list)
        .write(&txn)
        .await?;
        let record = consortium::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(Error::NotFound)?;
        txn.commit().await?;
        Ok(record)
    }

    /// Merges `duplicate` into `survivor`: every reference moves to the survivor, the
    /// duplicate is archived; one transaction, audited.
    pub async fn merge_organisations(
        &self,
        survivor: i64,
        duplicate: i64,
    ) -> Result<organisation::Model> {
        coordinator_only(self.principal(), "merge duplicates")?;
        if survivor == duplicate {
            return Err(Error::bad_input(
                "input.duplicate",
                "an organisation cannot be merged into itself",
            ));
        }
        let txn = self.begin_write().await?;
        let kept = self
            .load_for_write::<organisation::Entity>(&txn, survivor)
            .await?;
        let gone = self
            .load_for_write::<organisation::Entity>(&txn, duplicate)
            .await?;
        // Link rows the survivor already has would break a uniqueness rule: drop those
        // first, then move the rest.
        let (s, d) = (survivor, duplicate);
        let statements = [
            format!(
                "DELETE FROM organisation_name WHERE organisation_id = {d} AND EXISTS (SELECT 1 FROM organisation_name o WHERE o.organisation_id = {s} AND o.lang = organisation_name.lang AND o.kind = organisation_name.kind AND o.value = organisation_name.value)"
            ),
            format!(
                "DELETE FROM consortium_member WHERE organisation_id = {d} AND EXISTS (SELECT 1 FROM consortium_member o WHERE o.organisation_id = {s} AND o.consortium_id = consortium_member.consortium_id)"
            ),
            format!(
                "DELETE FROM event_organisation WHERE organisation_id = {d} AND EXISTS (SELECT 1 FROM event_organisation o WHERE o.organisation_id = {s} AND o.event_id = event_organisation.event_id AND o.role = event_organisation.role)"
            ),
            format!(
                "DELETE FROM agreement_party WHERE organisation_id = {d} AND EXISTS (SELECT 1 FROM agreement_party o WHERE o.organisation_id = {s} AND o.agreement_id = agreement_party.agreement_id)"
            ),
            format!(
                "DELETE FROM confirmation WHERE organisation_id = {d} AND EXISTS (SELECT 1 FROM confirmation o WHERE o.organisation_id = {s} AND o.record_type = confirmation.record_type AND o.record_id = confirmation.record_id)"
            ),
            format!(
                "DELETE FROM adoption WHERE institution_id = {d} AND EXISTS (SELECT 1 FROM adoption o WHERE o.institution_id = {s} AND o.standard_id = adoption.standard_id AND o.country_code = adoption.country_code)"
            ),
            format!("UPDATE organisation SET parent_id = {s} WHERE parent_id = {d} AND id <> {s}"),
            format!("UPDATE organisation SET maintainer_id = {s} WHERE maintainer_id = {d}"),
            format!("UPDATE person SET maintainer_id = {s} WHERE maintainer_id = {d}"),
            format!("UPDATE source SET maintainer_id = {s} WHERE maintainer_id = {d}"),
            format!(
                "UPDATE organisation_name SET organisation_id = {s} WHERE organisation_id = {d}"
            ),
            format!(
                "UPDATE organisation_identifier SET organisation_id = {s} WHERE organisation_id = {d}"
            ),
            format!("UPDATE consortium SET coordinator_id = {s} WHERE coordinator_id = {d}"),
            format!(
                "UPDATE consortium_member SET organisation_id = {s} WHERE organisation_id = {d}"
            ),
            format!("UPDATE affiliation SET organisation_id = {s} WHERE organisation_id = {d}"),
            format!("UPDATE event SET owner_id = {s} WHERE owner_id = {d}"),
            format!(
                "UPDATE event_organisation SET organisation_id = {s} WHERE organisation_id = {d}"
            ),
            format!(
                "UPDATE event_participant SET organisation_id = {s} WHERE organisation_id = {d}"
            ),
            format!("UPDATE agreement SET owner_id = {s} WHERE owner_id = {d}"),
            format!("UPDATE agreement_party SET organisation_id = {s} WHERE organisation_id = {d}"),
            format!(
                "UPDATE agreement_person SET organisation_id = {s} WHERE organisation_id = {d}"
            ),
            format!("UPDATE curriculum_standard SET owner_id = {s} WHERE owner_id = {d}"),
            format!("UPDATE curriculum_standard SET developer_id = {s} WHERE developer_id = {d}"),
            format!("UPDATE adoption SET institution_id = {s} WHERE institution_id = {d}"),
            format!("UPDATE training_centre SET owner_id = {s} WHERE owner_id = {d}"),
            format!("UPDATE training_centre SET operator_id = {s} WHERE operator_id = {d}"),
            format!("UPDATE training_centre SET partner_id = {s} WHERE partner_id = {d}"),
            format!("UPDATE indicator SET owner_id = {s} WHERE owner_id = {d}"),
            format!("UPDATE indicator SET organisation_id = {s} WHERE organisation_id = {d}"),
            format!("UPDATE api_token SET organisation_id = {s} WHERE organisation_id = {d}"),
            format!("UPDATE confirmation SET organisation_id = {s} WHERE organisation_id = {d}"),
        ];
        for sql in statements {
            txn.execute_unprepared(&sql).await?;
        }
        if gone.archived_at.is_none() {
            self.set_archived(&txn, "organisation", duplicate, false, gone.version, true)
                .await?;
        }
        if kept.ror_id.is_none() && gone.ror_id.is_some() {
            // The survivor takes over the duplicate's ROR id (unique, so cleared first).
            txn.execute_unprepared(&format!(
                "UPDATE organisation SET ror_id = NULL WHERE id = {d}"
            ))
            .await?;
            let mut row: organisation::ActiveModel = kept.clone().into();
            row.ror_id = Set(gone.ror_id.clone());
            row.update(&txn).await?;
        }
        Audit::new(
            self.principal(),
            "mergeOrganisations",
            "organisation",
            survivor,
            kept.maintainer_id,
        )
        .before(&(&kept, &gone))
        .after(&serde_json::json!({ "survivor": survivor, "merged": duplicate }))
        .write(&txn)
        .await?;
        let after = organisation::Entity::find_by_id(survivor)
            .one(&txn)
            .await?
            .ok_or(Error::NotFound)?;
        txn.commit().await?;
        Ok(after)
    }

    /// Merges person `duplicate` into `survivor`, as for organisations.
    pub async fn merge_people(&self, survivor: i64, duplicate: i64) -> Result<person::Model> {
        coordinator_only(self.principal(), "merge duplicates")?;
        if survivor == duplicate {
            return Err(Error::bad_input(
                "input.duplicate",
                "a person cannot be merged into themself",
            ));
        }
        let txn = self.begin_write().await?;
        let kept = self
            .load_for_write::<person::Entity>(&txn, survivor)
            .await?;
        let gone = self
            .load_for_write::<person::Entity>(&txn, duplicate)
            .await?;
        let (s, d) = (survivor, duplicate);
        let statements = [
            format!(
                "DELETE FROM event_participant WHERE person_id = {d} AND EXISTS (SELECT 1 FROM event_participant o WHERE o.person_id = {s} AND o.event_id = event_participant.event_id AND o.role = event_participant.role)"
            ),
            format!(
                "DELETE FROM presentation_presenter WHERE person_id = {d} AND EXISTS (SELECT 1 FROM presentation_presenter o WHERE o.person_id = {s} AND o.presentation_id = presentation_presenter.presentation_id)"
            ),
            format!(
                "DELETE FROM agreement_person WHERE person_id = {d} AND EXISTS (SELECT 1 FROM agreement_person o WHERE o.person_id = {s} AND o.agreement_id = agreement_person.agreement_id AND o.role = agreement_person.role)"
            ),
            format!("UPDATE affiliation SET person_id = {s} WHERE person_id = {d}"),
            format!("UPDATE event_participant SET person_id = {s} WHERE person_id = {d}"),
            format!("UPDATE presentation_presenter SET person_id = {s} WHERE person_id = {d}"),
            format!("UPDATE agreement_person SET person_id = {s} WHERE person_id = {d}"),
        ];
        for sql in statements {
            txn.execute_unprepared(&sql).await?;
        }
        if gone.archived_at.is_none() {
            self.set_archived(&txn, "person", duplicate, false, gone.version, true)
                .await?;
        }
        Audit::new(
            self.principal(),
            "mergePeople",
            "person",
            survivor,
            kept.maintainer_id,
        )
        .before(&(&kept, &gone))
        .after(&serde_json::json!({ "survivor": survivor, "merged": duplicate }))
        .write(&txn)
        .await?;
        let after = person::Entity::find_by_id(survivor)
            .one(&txn)
            .await?
            .ok_or(Error::NotFound)?;
        txn.commit().await?;
        Ok(after)
    }
}
