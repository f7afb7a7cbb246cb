//! The person mutations.
use async_graphql::{Context, MergedObject, Object};

use super::*;
use crate::error::{Result, svc};
use crate::ids::Kind;
use crate::input::{Change, archiving, key, parts};
use crate::record::scope;

/// Person writes, in the order the schema lists them.
#[derive(MergedObject, Default)]
pub struct PersonMutation(PersonEdits, PersonArchiving, PersonParts);

#[derive(Default)]
pub struct PersonEdits;

#[Object]
impl PersonEdits {
    /// Adds a person to the shared registry.
    async fn create_person(
        &self,
        ctx: &Context<'_>,
        input: CreatePersonInput,
    ) -> Result<CreatePersonPayload> {
        let scope = scope(ctx);
        let person = svc(scope.create_person(input.try_into()?).await)?;
        let duplicates = svc(scope.possible_duplicate_people(&person).await)?;
        Ok(CreatePersonPayload {
            person: Person(person),
            possible_duplicates: duplicates.into_iter().map(Person).collect(),
        })
    }

    /// Changes a person (their maintainer or the coordinator).
    async fn update_person(
        &self,
        ctx: &Context<'_>,
        input: UpdatePersonInput,
    ) -> Result<UpdatePersonPayload> {
        let change: Change<service::people::PersonPatch> = input.try_into()?;
        let person = svc(scope(ctx)
            .update_person(change.id, change.expected_version, change.patch)
            .await)?;
        Ok(UpdatePersonPayload {
            person: Person(person),
        })
    }
}

archiving! {
    PersonArchiving for service::entity::person::Entity, Person, Person, person;
    archive_person(ArchivePersonInput "Which person to archive (take out of lists; references stay).")
        -> ArchivePersonPayload "The person archived.",
        "Archives a person: they leave lists; records that name them keep them.";
    restore_person(RestorePersonInput "Which archived person to restore.")
        -> RestorePersonPayload "The person restored.",
        "Restores an archived person.";
}

#[derive(Default)]
pub struct PersonParts;

#[Object]
impl PersonParts {
    /// Replaces a person's positions.
    async fn set_affiliations(
        &self,
        ctx: &Context<'_>,
        input: SetAffiliationsInput,
    ) -> Result<SetAffiliationsPayload> {
        let id = key("input.id", Kind::Person, &input.id)?;
        let list = parts("input.affiliations", &input.affiliations)?;
        let person = svc(scope(ctx)
            .set_affiliations(id, input.expected_version, list)
            .await)?;
        Ok(SetAffiliationsPayload {
            person: Person(person),
        })
    }

    /// Folds a duplicate person into a survivor (coordinator only).
    async fn merge_people(
        &self,
        ctx: &Context<'_>,
        input: MergePeopleInput,
    ) -> Result<MergePeoplePayload> {
        let survivor = key("input.survivor", Kind::Person, &input.survivor)?;
        let duplicate = key("input.duplicate", Kind::Person, &input.duplicate)?;
        let person = svc(scope(ctx).merge_people(survivor, duplicate).await)?;
        Ok(MergePeoplePayload {
            person: Person(person),
        })
    }
}
