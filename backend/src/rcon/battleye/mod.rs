//! BattlEye RCon over UDP (Arma 3, DayZ): the packet codec and the persistent link.

pub mod codec;
mod link;

pub use link::Link;
