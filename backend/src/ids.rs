//! Typed ids: a server id cannot be passed where a player id is expected, and a path
//! `(ServerId, PlayerId)` cannot be read the wrong way round.
//!
//! Each is an `i64` on the wire (serde transparent), in the database (`BigInt`) and in the
//! OpenAPI document (an integer schema under the type's name; a path parameter stays a plain
//! integer).

/// Declares one id type over `i64`.
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            Hash,
            PartialOrd,
            Ord,
            serde::Serialize,
            serde::Deserialize,
            diesel::AsExpression,
            diesel::FromSqlRow,
        )]
        #[serde(transparent)]
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl<DB> diesel::serialize::ToSql<diesel::sql_types::BigInt, DB> for $name
        where
            DB: diesel::backend::Backend,
            i64: diesel::serialize::ToSql<diesel::sql_types::BigInt, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut diesel::serialize::Output<'b, '_, DB>) -> diesel::serialize::Result {
                self.0.to_sql(out)
            }
        }

        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::BigInt, DB> for $name
        where
            DB: diesel::backend::Backend,
            i64: diesel::deserialize::FromSql<diesel::sql_types::BigInt, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                i64::from_sql(bytes).map($name)
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                <i64 as utoipa::PartialSchema>::schema()
            }
        }

        impl utoipa::ToSchema for $name {}

        /// `web::Path<Id>` documents itself as the `{id}` of the route: every route with one
        /// path parameter names it so.
        impl utoipa::IntoParams for $name {
            fn into_params(
                _: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
            ) -> Vec<utoipa::openapi::path::Parameter> {
                vec![utoipa::openapi::path::ParameterBuilder::new()
                    .name("id")
                    .parameter_in(utoipa::openapi::path::ParameterIn::Path)
                    .required(utoipa::openapi::Required::True)
                    .schema(Some(<i64 as utoipa::PartialSchema>::schema()))
                    .build()]
            }
        }
    };
}

id_type!(
    /// A managed game server (`servers.id`).
    ServerId
);
id_type!(
    /// A player seen on any server (`players.id`).
    PlayerId
);
id_type!(
    /// A ban (`bans.id`).
    BanId
);
id_type!(
    /// A user account (`users.id`).
    UserId
);

#[cfg(test)]
mod tests {
    use super::*;

    /// On the wire an id is the bare number, both ways.
    #[test]
    fn ids_are_plain_numbers_in_json() {
        assert_eq!(serde_json::to_string(&ServerId(7)).unwrap(), "7");
        assert_eq!(serde_json::from_str::<PlayerId>("12").unwrap(), PlayerId(12));
        assert_eq!(ServerId(7).to_string(), "7");
        assert!(serde_json::from_str::<BanId>("\"3\"").is_err());
    }

    /// A `web::Path<ServerId>` documents its parameter as `id`: every documented path
    /// parameter must be a `{name}` of its route and every `{name}` documented, as integers
    /// unless the route says otherwise.
    #[test]
    fn path_parameters_match_their_routes() {
        let doc = serde_json::to_value(crate::openapi::document(crate::app::api_routes)).unwrap();
        for (path, item) in doc["paths"].as_object().unwrap() {
            let mut in_route: Vec<&str> = path
                .split('{')
                .skip(1)
                .filter_map(|rest| rest.split_once('}'))
                .map(|(name, _)| name)
                .collect();
            in_route.sort_unstable();
            for (method, op) in item.as_object().unwrap() {
                let params = op["parameters"].as_array().map(Vec::as_slice).unwrap_or_default();
                let mut documented: Vec<&str> = params
                    .iter()
                    .filter(|p| p["in"] == "path")
                    .map(|p| p["name"].as_str().unwrap())
                    .collect();
                documented.sort_unstable();
                assert_eq!(documented, in_route, "{method} {path}");
                for p in params.iter().filter(|p| p["in"] == "path" && p["name"] != "file") {
                    assert_eq!(p["schema"]["type"], "integer", "{method} {path} {}", p["name"]);
                }
            }
        }
    }
}
