//! The publisher endpoints' bodies as axum responses: `200 OK`, `application/json`.

use axum_core::response::{IntoResponse, Response};
use http::StatusCode;

use crate::search::SearchResponse;
use crate::story::StoryAttributes;
use crate::taxonomy::ValidatedTaxonomy;
use paywall_internal::axum::json_response;

impl IntoResponse for StoryAttributes {
    /// `200 OK`, `Content-Type: application/json`, the Story Attributes body.
    fn into_response(self) -> Response {
        json_response(StatusCode::OK, &self)
    }
}

impl IntoResponse for ValidatedTaxonomy {
    /// `200 OK`, `Content-Type: application/json`, the Content Taxonomy body.
    fn into_response(self) -> Response {
        json_response(StatusCode::OK, &self)
    }
}

impl IntoResponse for SearchResponse {
    /// `200 OK`, `Content-Type: application/json`, the search-url body.
    fn into_response(self) -> Response {
        json_response(StatusCode::OK, &self)
    }
}
