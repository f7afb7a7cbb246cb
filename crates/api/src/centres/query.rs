//! The training centres list.
use super::{TrainingCentre, TrainingCentreFilter, TrainingCentreOrder};
use crate::connection::TrainingCentreConnection;
use crate::input::root_list;

root_list!(
    /// Training centres abroad the caller may read.
    CentreQuery.training_centres(TrainingCentreFilter, TrainingCentreOrder) -> TrainingCentreConnection = service::centres::select, TrainingCentre
);
