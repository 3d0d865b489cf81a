//! The account API's flows over the store: status, features, challenges and reset.
//! This layer never prints and never prompts; it takes answers as values and returns
//! results for the command layer to render.

pub mod backup;
pub mod challenge;
pub mod features;
pub mod reset;
pub mod status;
