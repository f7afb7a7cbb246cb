//! The agreement mutations.
use async_graphql::{Context, MergedObject, Object};

use super::*;
use crate::error::{Result, svc};
use crate::ids::Kind;
use crate::input::{Change, Part, archiving, key, parts};
use crate::record::scope;

/// Agreement writes, in the order the schema lists them.
#[derive(MergedObject, Default)]
pub struct AgreementMutation(AgreementEdits, AgreementArchiving, AgreementParts);

#[derive(Default)]
pub struct AgreementEdits;

#[Object]
impl AgreementEdits {
    /// Creates an agreement with its parties, signatories, witnesses and fields.
    async fn create_agreement(
        &self,
        ctx: &Context<'_>,
        input: CreateAgreementInput,
    ) -> Result<CreateAgreementPayload> {
        let agreement = svc(scope(ctx).create_agreement(input.try_into()?).await)?;
        Ok(CreateAgreementPayload {
            agreement: Agreement(agreement),
        })
    }

    /// Changes an agreement's own fields; an edit leaves earlier confirmations out of date.
    async fn update_agreement(
        &self,
        ctx: &Context<'_>,
        input: UpdateAgreementInput,
    ) -> Result<UpdateAgreementPayload> {
        let change: Change<service::agreements::AgreementPatch> = input.try_into()?;
        let agreement = svc(scope(ctx)
            .update_agreement(change.id, change.expected_version, change.patch)
            .await)?;
        Ok(UpdateAgreementPayload {
            agreement: Agreement(agreement),
        })
    }
}

archiving! {
    AgreementArchiving for service::entity::agreement::Entity, Agreement, Agreement, agreement;
    archive_agreement(ArchiveAgreementInput "Which agreement to archive (take out of lists).")
        -> ArchiveAgreementPayload "The agreement archived.",
        "Archives an agreement.";
    restore_agreement(RestoreAgreementInput "Which archived agreement to restore.")
        -> RestoreAgreementPayload "The agreement restored.",
        "Restores an archived agreement.";
}

#[derive(Default)]
pub struct AgreementParts;

fn parts_payload(
    agreement: service::Result<service::entity::agreement::Model>,
) -> Result<SetAgreementPartsPayload> {
    Ok(SetAgreementPartsPayload {
        agreement: Agreement(svc(agreement)?),
    })
}

#[Object]
impl AgreementParts {
    /// Replaces an agreement's parties.
    async fn set_agreement_parties(
        &self,
        ctx: &Context<'_>,
        input: SetAgreementPartiesInput,
    ) -> Result<SetAgreementPartsPayload> {
        let id = key("input.id", Kind::Agreement, &input.id)?;
        let list = parts("input.parties", &input.parties)?;
        parts_payload(
            scope(ctx)
                .set_agreement_parties(id, input.expected_version, list)
                .await,
        )
    }

    /// Adds a party to an agreement.
    async fn add_agreement_party(
        &self,
        ctx: &Context<'_>,
        input: AddAgreementPartyInput,
    ) -> Result<SetAgreementPartsPayload> {
        let id = key("input.id", Kind::Agreement, &input.id)?;
        let item = input.party.parse("input.party")?;
        parts_payload(
            scope(ctx)
                .add_agreement_party(id, input.expected_version, item, input.position)
                .await,
        )
    }

    /// Removes a party from an agreement.
    async fn remove_agreement_party(
        &self,
        ctx: &Context<'_>,
        input: RemoveAgreementPartyInput,
    ) -> Result<SetAgreementPartsPayload> {
        let id = key("input.id", Kind::Agreement, &input.id)?;
        let organisation = key(
            "input.organisation",
            Kind::Organisation,
            &input.organisation,
        )?;
        parts_payload(
            scope(ctx)
                .remove_agreement_party(id, input.expected_version, organisation)
                .await,
        )
    }

    /// Replaces an agreement's signatories and witnesses.
    async fn set_agreement_people(
        &self,
        ctx: &Context<'_>,
        input: SetAgreementPeopleInput,
    ) -> Result<SetAgreementPartsPayload> {
        let id = key("input.id", Kind::Agreement, &input.id)?;
        let list = parts("input.people", &input.people)?;
        parts_payload(
            scope(ctx)
                .set_agreement_people(id, input.expected_version, list)
                .await,
        )
    }

    /// Adds a signatory or witness.
    async fn add_agreement_person(
        &self,
        ctx: &Context<'_>,
        input: AddAgreementPersonInput,
    ) -> Result<SetAgreementPartsPayload> {
        let id = key("input.id", Kind::Agreement, &input.id)?;
        let item = input.person.parse("input.person")?;
        parts_payload(
            scope(ctx)
                .add_agreement_person(id, input.expected_version, item, input.position)
                .await,
        )
    }

    /// Removes a signatory or witness.
    async fn remove_agreement_person(
        &self,
        ctx: &Context<'_>,
        input: RemoveAgreementPersonInput,
    ) -> Result<SetAgreementPartsPayload> {
        let id = key("input.id", Kind::Agreement, &input.id)?;
        let person = key("input.person", Kind::Person, &input.person)?;
        parts_payload(
            scope(ctx)
                .remove_agreement_person(id, input.expected_version, person, input.role)
                .await,
        )
    }

    /// Confirms an agreement for the caller's organisation (a party) at a version.
    async fn confirm_agreement(
        &self,
        ctx: &Context<'_>,
        input: ConfirmAgreementInput,
    ) -> Result<ConfirmAgreementPayload> {
        let id = key("input.id", Kind::Agreement, &input.id)?;
        let agreement = svc(scope(ctx)
            .confirm_agreement(id, input.expected_version)
            .await)?;
        Ok(ConfirmAgreementPayload {
            agreement: Agreement(agreement),
        })
    }
}
