//! User rows: every change that could leave Languard without an enabled admin is refused.

use diesel::prelude::*;

use super::model::{validate_username, CreateUserRequest, UpdateUserRequest, User, UserPage, UserRow};
use crate::auth::{password, AccessChanges, Role};
use crate::db::schema::{sessions, users};
use crate::db::WriteTransaction;
use crate::db::{now, Db, Table};
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::http::page::PageRequest;
use crate::ids::UserId;
use crate::with_conn;

/// Serialises changes that can remove an admin: two concurrent demotions must not each see
/// the other as "the remaining admin". (Across several panel replicas on one PostgreSQL, the
/// window stays open; running replicas is not supported yet.)
static ADMIN_CHANGES: std::sync::Mutex<()> = std::sync::Mutex::new(());

// Helpers over a connection are macros: each expands inside both backends' arms of `with_conn!`.

/// Refuses (409) when no other enabled admin would be left.
macro_rules! ensure_another_admin {
    ($c:expr, $id:expr) => {{
        let others: i64 = users::table
            .filter(users::role.eq(Role::Admin))
            .filter(users::disabled.eq(false))
            .filter(users::id.ne($id))
            .count()
            .get_result($c)?;
        if others == 0 {
            return Err(ApiError::conflict(
                ErrorKind::LastAdmin,
                "this is the last enabled admin: make another user admin first",
            ));
        }
    }};
}

macro_rules! revoke_sessions {
    ($c:expr, $user_id:expr, $at:expr, $keep:expr) => {
        diesel::update(
            sessions::table
                .filter(sessions::user_id.eq($user_id))
                .filter(sessions::revoked_at.is_null())
                .filter(sessions::id.ne($keep)),
        )
        .set(sessions::revoked_at.eq($at))
        .execute($c)?
    };
}

/// On first start (no users at all) creates `admin`. Returns the password when it was generated.
pub async fn ensure_first_admin(db: &Db, configured: Option<String>) -> ApiResult<Option<String>> {
    db.write(Table::Logins, move |pool| {
        with_conn!(pool, |c| {
            let count: i64 = users::table.count().get_result(c)?;
            if count > 0 {
                return Ok(None);
            }
            let (plain, generated) = match configured {
                Some(p) => (p, false),
                None => (crate::auth::random_secret(20), true),
            };
            let hash = password::hash(&plain)?;
            let t = now();
            diesel::insert_into(users::table)
                .values((
                    users::username.eq("admin"),
                    users::password_hash.eq(hash),
                    users::role.eq(Role::Admin),
                    users::disabled.eq(false),
                    users::created_at.eq(t),
                    users::updated_at.eq(t),
                ))
                .execute(c)?;
            Ok(generated.then_some(plain))
        })
    })
    .await
}

pub async fn list(db: &Db, request: PageRequest) -> ApiResult<UserPage> {
    db.run(move |pool| {
        with_conn!(pool, |c| {
            let total: i64 = users::table.count().get_result(c)?;
            let rows: Vec<UserRow> = users::table
                .select(UserRow::as_select())
                .order(users::id.asc())
                .limit(request.per_page)
                .offset(request.offset())
                .load(c)?;
            let items = rows.into_iter().map(User::from).collect();
            Ok(UserPage::new(items, request, total))
        })
    })
    .await
}

pub async fn get(db: &Db, id: UserId) -> ApiResult<User> {
    db.run(move |pool| {
        with_conn!(pool, |c| users::table
            .find(id)
            .select(UserRow::as_select())
            .first(c)
            .optional()?
            .ok_or_else(|| user_not_found(id))
            .map(User::from))
    })
    .await
}

pub async fn find_by_username(db: &Db, username: String) -> ApiResult<Option<UserRow>> {
    db.run(move |pool| {
        with_conn!(pool, |c| users::table
            .filter(users::username.eq(username))
            .select(UserRow::as_select())
            .first(c)
            .optional()
            .map_err(ApiError::from))
    })
    .await
}

pub async fn create(db: &Db, request: CreateUserRequest) -> ApiResult<User> {
    validate_username(&request.username)?;
    password::validate("password", &request.password)?;
    db.write(Table::Logins, move |pool| {
        let hash = password::hash(&request.password)?;
        with_conn!(pool, |c| c.write_transaction(|c| {
            let taken: i64 = users::table
                .filter(users::username.eq(&request.username))
                .count()
                .get_result(c)?;
            if taken > 0 {
                return Err(username_taken(&request.username));
            }
            let t = now();
            let row: UserRow = diesel::insert_into(users::table)
                .values((
                    users::username.eq(&request.username),
                    users::password_hash.eq(&hash),
                    users::role.eq(request.role),
                    users::disabled.eq(false),
                    users::created_at.eq(t),
                    users::updated_at.eq(t),
                ))
                .returning(UserRow::as_returning())
                .get_result(c)
                .map_err(|e| match e {
                    diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => {
                        username_taken(&request.username)
                    }
                    other => other.into(),
                })?;
            Ok(User::from(row))
        }))
    })
    .await
}

pub async fn update(db: &Db, access: &AccessChanges, id: UserId, request: UpdateUserRequest) -> ApiResult<User> {
    if let Some(p) = &request.password {
        password::validate("password", p)?;
    }
    let user = db
        .write(Table::Logins, move |pool| {
            let hash = request.password.as_deref().map(password::hash).transpose()?;
            let _one_at_a_time = ADMIN_CHANGES.lock().unwrap_or_else(|e| e.into_inner());
            with_conn!(pool, |c| c.write_transaction(|c| {
                let current: UserRow = users::table
                    .find(id)
                    .select(UserRow::as_select())
                    .first(c)
                    .optional()?
                    .ok_or_else(|| user_not_found(id))?;
                let stays_admin = request.role.map_or(current.role == Role::Admin, |r| r == Role::Admin)
                    && !request.disabled.unwrap_or(current.disabled);
                if current.role == Role::Admin && !current.disabled && !stays_admin {
                    ensure_another_admin!(c, id);
                }
                let t = now();
                diesel::update(users::table.find(id))
                    .set((
                        request.role.map(|r| users::role.eq(r)),
                        request.disabled.map(|d| users::disabled.eq(d)),
                        hash.as_ref().map(|h| users::password_hash.eq(h)),
                        users::updated_at.eq(t),
                    ))
                    .execute(c)?;
                if hash.is_some() || request.disabled == Some(true) {
                    revoke_sessions!(c, id, t, -1);
                }
                let row: UserRow = users::table.find(id).select(UserRow::as_select()).first(c)?;
                Ok(User::from(row))
            }))
        })
        .await?;
    access.changed(id.0);
    Ok(user)
}

pub async fn delete(db: &Db, access: &AccessChanges, id: UserId) -> ApiResult<()> {
    db.write(Table::Logins, move |pool| {
        let _one_at_a_time = ADMIN_CHANGES.lock().unwrap_or_else(|e| e.into_inner());
        with_conn!(pool, |c| c.write_transaction(|c| {
            let current: UserRow = users::table
                .find(id)
                .select(UserRow::as_select())
                .first(c)
                .optional()?
                .ok_or_else(|| user_not_found(id))?;
            if current.role == Role::Admin && !current.disabled {
                ensure_another_admin!(c, id);
            }
            diesel::delete(users::table.find(id)).execute(c)?;
            Ok(())
        }))
    })
    .await?;
    access.changed(id.0);
    Ok(())
}

/// Sets a password (CLI `user passwd`, own password change) and ends the user's sessions
/// except `keep_session`.
pub async fn set_password(
    db: &Db,
    access: &AccessChanges,
    id: UserId,
    new_password: String,
    keep_session: Option<i64>,
) -> ApiResult<()> {
    password::validate("new_password", &new_password)?;
    db.write(Table::Logins, move |pool| {
        let hash = password::hash(&new_password)?;
        with_conn!(pool, |c| c.write_transaction(|c| {
            let t = now();
            let changed = diesel::update(users::table.find(id))
                .set((users::password_hash.eq(&hash), users::updated_at.eq(t)))
                .execute(c)?;
            if changed == 0 {
                return Err(user_not_found(id));
            }
            revoke_sessions!(c, id, t, keep_session.unwrap_or(-1));
            Ok(())
        }))
    })
    .await?;
    access.changed(id.0);
    Ok(())
}

fn user_not_found(id: UserId) -> ApiError {
    ApiError::NotFound(format!("user {id} does not exist"))
}

fn username_taken(username: &str) -> ApiError {
    ApiError::conflict(
        ErrorKind::UsernameTaken,
        format!("the username `{username}` is already taken"),
    )
}

/// Stamps `last_login_at` and returns the fresh user.
pub async fn record_login(db: &Db, id: UserId) -> ApiResult<User> {
    db.write(Table::Logins, move |pool| {
        with_conn!(pool, |c| {
            let row: UserRow = diesel::update(users::table.find(id))
                .set(users::last_login_at.eq(now()))
                .returning(UserRow::as_returning())
                .get_result(c)?;
            Ok(User::from(row))
        })
    })
    .await
}
