//! One way to paginate every list: `?page=1&per_page=50` in, `{items, page, per_page, total}` out.

use crate::error::{ApiError, ApiResult};

pub const DEFAULT_PER_PAGE: i64 = 50;
pub const MAX_PER_PAGE: i64 = 200;

/// A validated page request.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub page: i64,
    pub per_page: i64,
}

impl PageRequest {
    pub fn parse(page: Option<i64>, per_page: Option<i64>) -> ApiResult<PageRequest> {
        let page = page.unwrap_or(1);
        if !(1..=1_000_000).contains(&page) {
            return Err(ApiError::validation("page", "must be between 1 and 1000000"));
        }
        let per_page = per_page.unwrap_or(DEFAULT_PER_PAGE);
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(ApiError::validation(
                "per_page",
                format!("must be between 1 and {MAX_PER_PAGE}"),
            ));
        }
        Ok(PageRequest { page, per_page })
    }

    pub fn offset(self) -> i64 {
        (self.page - 1) * self.per_page
    }
}

/// Declares a page type for one item type, e.g. `page_of!(UserPage, User)`.
#[macro_export]
macro_rules! page_of {
    ($name:ident, $item:ty) => {
        /// One page of results: `total` counts all matching items across pages.
        #[derive(Debug, serde::Serialize, utoipa::ToSchema)]
        pub struct $name {
            pub items: Vec<$item>,
            pub page: i64,
            pub per_page: i64,
            pub total: i64,
        }

        impl $name {
            pub fn new(items: Vec<$item>, request: $crate::http::page::PageRequest, total: i64) -> Self {
                $name {
                    items,
                    page: request.page,
                    per_page: request.per_page,
                    total,
                }
            }
        }
    };
}

/// `?page=&per_page=` for lists that take no other filter.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// 1-based page number (default 1).
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<i64>,
    /// Items per page, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<i64>,
}

impl PageQuery {
    pub fn parse(&self) -> ApiResult<PageRequest> {
        PageRequest::parse(self.page, self.per_page)
    }
}
