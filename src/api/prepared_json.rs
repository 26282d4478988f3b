//! A JSON body serialised once and sent many times, documented in the spec
//! as the type it was made from. The public questionnaire of a link is the
//! same for every phone until the link's context is read again (see
//! `link_cache`), so it is serialised once per cache entry instead of once
//! per request.

use std::marker::PhantomData;

use bytes::Bytes;
use poem::{IntoResponse, Response, http::header};
use poem_openapi::{
    ApiResponse,
    payload::Payload,
    registry::{MetaMediaType, MetaResponse, MetaResponses, MetaSchemaRef, Registry},
    types::{ToJSON, Type},
};

/// The JSON text of a `T`, as `Json<T>` would have sent it.
pub struct PreparedJson<T> {
    body: Bytes,
    of: PhantomData<fn() -> T>,
}

impl<T: ToJSON> PreparedJson<T> {
    /// Serialises `value` now.
    pub fn new(value: &T) -> Self {
        let text = value.to_json_string();
        Self::from_bytes(Bytes::from(text))
    }
}

impl<T> PreparedJson<T> {
    /// A body serialised earlier by [`PreparedJson::new`] of a `T`.
    pub fn from_bytes(body: Bytes) -> Self {
        Self {
            body,
            of: PhantomData,
        }
    }

    pub fn bytes(&self) -> &Bytes {
        &self.body
    }
}

impl<T: Type> Payload for PreparedJson<T> {
    const CONTENT_TYPE: &'static str = "application/json; charset=utf-8";

    fn schema_ref() -> MetaSchemaRef {
        T::schema_ref()
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

impl<T: Send> IntoResponse for PreparedJson<T> {
    fn into_response(self) -> Response {
        Response::builder()
            .header(header::CONTENT_TYPE, "application/json; charset=utf-8")
            .body(self.body)
    }
}

impl<T: Type + Send> ApiResponse for PreparedJson<T> {
    fn meta() -> MetaResponses {
        MetaResponses {
            responses: vec![MetaResponse {
                description: "",
                status: Some(200),
                status_range: None,
                content: vec![MetaMediaType {
                    content_type: Self::CONTENT_TYPE,
                    schema: Self::schema_ref(),
                }],
                headers: vec![],
            }],
        }
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}
