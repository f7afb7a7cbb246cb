//! The training centre mutations.
use async_graphql::{Context, MergedObject, Object};

use super::*;
use crate::error::{Result, svc};
use crate::input::{Change, archiving};
use crate::record::scope;

/// Training centre writes, in the order the schema lists them.
#[derive(MergedObject, Default)]
pub struct CentreMutation(CentreEdits, CentreArchiving);

#[derive(Default)]
pub struct CentreEdits;

#[Object]
impl CentreEdits {
    /// Creates a training centre abroad.
    async fn create_training_centre(
        &self,
        ctx: &Context<'_>,
        input: CreateTrainingCentreInput,
    ) -> Result<CreateTrainingCentrePayload> {
        let centre = svc(scope(ctx).create_centre(input.try_into()?).await)?;
        Ok(CreateTrainingCentrePayload {
            training_centre: TrainingCentre(centre),
        })
    }

    /// Changes a training centre.
    async fn update_training_centre(
        &self,
        ctx: &Context<'_>,
        input: UpdateTrainingCentreInput,
    ) -> Result<UpdateTrainingCentrePayload> {
        let change: Change<service::centres::CentrePatch> = input.try_into()?;
        let centre = svc(scope(ctx)
            .update_centre(change.id, change.expected_version, change.patch)
            .await)?;
        Ok(UpdateTrainingCentrePayload {
            training_centre: TrainingCentre(centre),
        })
    }
}

archiving! {
    CentreArchiving for service::entity::training_centre::Entity, TrainingCentre, TrainingCentre, training_centre;
    archive_training_centre(ArchiveTrainingCentreInput "Which training centre to archive.")
        -> ArchiveTrainingCentrePayload "The centre archived.",
        "Archives a training centre.";
    restore_training_centre(RestoreTrainingCentreInput "Which archived training centre to restore.")
        -> RestoreTrainingCentrePayload "The centre restored.",
        "Restores an archived training centre.";
}
