//! User accounts: the admin's CRUD, the first-run admin, and the rule that the last admin
//! stays.

pub mod model;
pub mod routes;
pub mod service;

pub use model::User;
