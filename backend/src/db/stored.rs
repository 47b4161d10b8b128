//! Enums stored in TEXT columns as their API names, on both backends.
//!
//! A value this version does not know (written by another version or by hand) fails the
//! query that reads it: taking it for some default would act on the wrong game, role or kind.

/// Maps `$ty` to a `Text` column through its `as_str()` and `parse(&str) -> Option<Self>`, and
/// displays it by that name (in messages, logs and labels).
/// The type derives `AsExpression` and `FromSqlRow` with `#[diesel(sql_type = Text)]`;
/// `$what` names it in the error for an unknown stored value.
#[macro_export]
macro_rules! stored_as_text {
    ($ty:ty, $what:literal) => {
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for $ty
        where
            DB: diesel::backend::Backend,
            str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut diesel::serialize::Output<'b, '_, DB>) -> diesel::serialize::Result {
                self.as_str().to_sql(out)
            }
        }

        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $ty
        where
            DB: diesel::backend::Backend,
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                let text = <String as diesel::deserialize::FromSql<diesel::sql_types::Text, DB>>::from_sql(bytes)?;
                <$ty>::parse(&text).ok_or_else(|| format!("unknown stored {} `{text}`", $what).into())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;

    use crate::auth::Role;
    use crate::db::Db;
    use crate::error::ApiError;
    use crate::games::roster::IdentityKind;
    use crate::games::GameId;
    use crate::with_conn;

    async fn sqlite(dir: &tempfile::TempDir) -> Db {
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        Db::connect(&url, 2).unwrap()
    }

    async fn execute(db: &Db, sql: &'static str) {
        db.run(move |pool| with_conn!(pool, |c| c.batch_execute(sql).map_err(ApiError::from)))
            .await
            .unwrap();
    }

    fn says_unknown(err: ApiError, what: &str) {
        let text = format!("{err:?}");
        assert!(text.contains(&format!("unknown stored {what}")), "{text}");
    }

    /// A row whose game, or a player whose identity kind, this version does not know fails to
    /// load instead of being taken for some other game or kind; known values read back as written.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_unknown_stored_value_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let db = sqlite(&dir).await;
        execute(
            &db,
            "INSERT INTO servers (id, name, game, executable, game_port, directory, config, secrets,
                auto_restart, max_restarts, restart_window_secs, stop_timeout_secs, state,
                created_at, updated_at)
             VALUES (1, 'known', 'minecraft', '/x', 25565, '/d1', '{}', '{}', 1, 3, 600, 30, 'stopped',
                '2026-12-04 00:00:00', '2026-12-04 00:00:00'),
                    (2, 'unknown', 'quake', '/x', 27960, '/d2', '{}', '{}', 1, 3, 600, 30, 'stopped',
                '2026-12-04 00:00:00', '2026-12-04 00:00:00');
             INSERT INTO players (id, kind, identity, name, first_seen, last_seen)
             VALUES (1, 'steam', '76561197960287930', 'a', '2026-12-04 00:00:00', '2026-12-04 00:00:00'),
                    (2, 'xbox', 'x', 'b', '2026-12-04 00:00:00', '2026-12-04 00:00:00');",
        )
        .await;
        assert_eq!(
            crate::servers::store::row(&db, crate::ids::ServerId(1))
                .await
                .unwrap()
                .game,
            GameId::Minecraft
        );
        says_unknown(
            crate::servers::store::row(&db, crate::ids::ServerId(2))
                .await
                .unwrap_err(),
            "game `quake`",
        );
        assert_eq!(
            crate::players::store::player_row(&db, crate::ids::PlayerId(1))
                .await
                .unwrap()
                .kind,
            IdentityKind::Steam
        );
        says_unknown(
            crate::players::store::player_row(&db, crate::ids::PlayerId(2))
                .await
                .unwrap_err(),
            "identity kind `xbox`",
        );
        // `users.role` has a CHECK constraint, so an unknown role is read from a query instead.
        let role = |text: &'static str| {
            db.run(move |pool| {
                with_conn!(pool, |c| diesel::select(diesel::dsl::sql::<diesel::sql_types::Text>(
                    text
                ))
                .get_result::<Role>(c)
                .map_err(ApiError::from))
            })
        };
        assert_eq!(role("'operator'").await.unwrap(), Role::Operator);
        says_unknown(role("'root'").await.unwrap_err(), "role `root`");
    }
}
