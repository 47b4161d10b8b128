//! Source RCON over TCP and Minecraft's variant of it: the frame codec and the persistent link.

pub mod codec;
mod link;

pub use link::{Dialect, Link};
