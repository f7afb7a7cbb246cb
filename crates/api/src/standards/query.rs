//! The curriculum standards and adoptions lists.
use async_graphql::MergedObject;

use super::{
    Adoption, AdoptionFilter, AdoptionOrder, CurriculumStandard, CurriculumStandardFilter,
    CurriculumStandardOrder,
};
use crate::connection::{AdoptionConnection, CurriculumStandardConnection};
use crate::input::root_list;

/// The standards' lists, in the order the schema lists them.
#[derive(MergedObject, Default)]
pub struct StandardQuery(StandardList, AdoptionList);

root_list!(
    /// Curriculum standards the caller may read.
    StandardList.curriculum_standards(CurriculumStandardFilter, CurriculumStandardOrder) -> CurriculumStandardConnection = service::standards::select, CurriculumStandard
);

root_list!(
    /// Adoptions of curriculum standards the caller may read.
    AdoptionList.adoptions(AdoptionFilter, AdoptionOrder) -> AdoptionConnection = service::standards::select_adoptions, Adoption
);
