//! Links against in-process fake servers on 127.0.0.1, driven step by step by each test.

mod battleye;
mod source;

use std::time::Duration;

use super::*;

/// Generous bound on each step so a broken client fails the test instead of hanging it.
const STEP: Duration = Duration::from_secs(10);

fn target(flavour: RconFlavour, port: u16, password: &str) -> RconTarget {
    RconTarget {
        flavour,
        port,
        password: password.to_owned(),
    }
}

fn quick() -> Timing {
    Timing {
        login: Duration::from_secs(5),
        reply: Duration::from_secs(2),
        keepalive_every: Duration::from_millis(50),
        dead_after: Duration::from_secs(2),
    }
}

#[test]
fn error_messages_read_well_and_never_carry_the_password() {
    assert_eq!(
        RconError::AuthFailed.to_string(),
        "the game server refused the RCON password"
    );
    assert_eq!(
        RconError::CommandTooLong { limit: 1446 }.to_string(),
        "the command is too long: this RCON protocol accepts at most 1446 bytes"
    );
    let address = Address {
        host: "127.0.0.1".to_owned(),
        port: 2310,
        password: "hunter2".to_owned(),
    };
    assert_eq!(format!("{address:?}"), "127.0.0.1:2310");
}
