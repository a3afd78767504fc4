//! The HTTP side: hyper 1 on loopback, the JSON-RPC 2.0 envelope, and the bounds that keep a
//! bad client from hurting the chain (body size, request rate, requests in flight, connections,
//! slow headers). Every refusal is a JSON-RPC error; the node thread never sees bad input.

use super::wait::WAIT_TIMEOUT;
use super::RpcCall;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use near_jsonrpc_primitives::errors::{RpcError, RpcErrorKind};
use serde_json::{json, Value};
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot, Semaphore};

/// Bounds on what clients may ask.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest request body (a node accepts 10 MiB; a contract deploy is sent base64).
    pub max_body_bytes: usize,
    /// Requests handled at once (the rest get HTTP 429).
    pub max_in_flight: usize,
    /// Open connections at once (more are closed at accept).
    pub max_connections: usize,
    /// Sustained requests per second, and the burst allowed above it.
    pub requests_per_second: u32,
    pub burst: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 10 * 1024 * 1024,
            max_in_flight: 256,
            max_connections: 512,
            requests_per_second: 2_000,
            burst: 4_000,
        }
    }
}

/// How long a client may take to send its request headers.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

struct Bucket {
    tokens: f64,
    last: Instant,
}

struct Shared {
    calls: mpsc::Sender<RpcCall>,
    limits: Limits,
    bucket: Mutex<Bucket>,
    in_flight: Arc<Semaphore>,
}

impl Shared {
    fn take_token(&self) -> bool {
        let Ok(mut bucket) = self.bucket.lock() else { return false };
        let now = Instant::now();
        let refill = now.duration_since(bucket.last).as_secs_f64()
            * f64::from(self.limits.requests_per_second);
        bucket.tokens = (bucket.tokens + refill).min(f64::from(self.limits.burst));
        bucket.last = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Accepts connections until the task is dropped.
pub async fn serve(
    listener: tokio::net::TcpListener,
    calls: mpsc::Sender<RpcCall>,
    limits: Limits,
) {
    let shared = Arc::new(Shared {
        calls,
        limits,
        bucket: Mutex::new(Bucket { tokens: f64::from(limits.burst), last: Instant::now() }),
        in_flight: Arc::new(Semaphore::new(limits.max_in_flight)),
    });
    let connections = Arc::new(Semaphore::new(limits.max_connections));
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let Ok(permit) = Arc::clone(&connections).try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let shared = Arc::clone(&shared);
                async move { Ok::<_, Infallible>(handle(req, &shared).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service)
                .await;
            drop(permit);
        });
    }
}

async fn handle(req: Request<Incoming>, shared: &Shared) -> Response<Full<Bytes>> {
    match (req.method(), req.uri().path()) {
        (&Method::GET, "/status") => match call(shared, "status".into(), Value::Null).await {
            Ok(status) => respond(StatusCode::OK, &status),
            Err(err) => respond(status_of(&err), &json!({ "error": err })),
        },
        (&Method::GET, "/health") => respond(StatusCode::OK, &Value::Null),
        (&Method::POST, _) => post(req, shared).await,
        _ => respond(
            StatusCode::METHOD_NOT_ALLOWED,
            &envelope(
                Value::Null,
                Err(RpcError::parse_error("POST a JSON-RPC 2.0 request".into())),
            ),
        ),
    }
}

async fn post(req: Request<Incoming>, shared: &Shared) -> Response<Full<Bytes>> {
    if !shared.take_token() {
        return too_many("rate limit: too many requests, slow down");
    }
    let Ok(_permit) = Arc::clone(&shared.in_flight).try_acquire_owned() else {
        return too_many("too many requests in flight");
    };
    let max = shared.limits.max_body_bytes;
    let body = match Limited::new(req.into_body(), max).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            let err = RpcError::parse_error(format!("the request body is larger than {max} bytes"));
            return respond(StatusCode::PAYLOAD_TOO_LARGE, &envelope(Value::Null, Err(err)));
        }
    };
    let (id, method, params) = match envelope_parts(&body) {
        Ok(parts) => parts,
        Err((id, err)) => return respond(status_of(&err), &envelope(id, Err(err))),
    };
    let reply = call(shared, method, params).await;
    let status = reply.as_ref().err().map_or(StatusCode::OK, status_of);
    respond(status, &envelope(id, reply))
}

/// `(id, method, params)` of a JSON-RPC request, or the parse error to answer with.
// The error is the whole JSON-RPC answer (id + error), built once per bad request: not boxed.
#[allow(clippy::result_large_err)]
pub(super) fn envelope_parts(body: &[u8]) -> Result<(Value, String, Value), (Value, RpcError)> {
    let parse_error = |id: Value, why: String| (id, RpcError::parse_error(why));
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| parse_error(Value::Null, format!("invalid JSON: {e}")))?;
    let Value::Object(mut request) = value else {
        return Err(parse_error(Value::Null, "a JSON-RPC request is a JSON object".into()));
    };
    let id = request.remove("id").unwrap_or(Value::Null);
    let method = match request.remove("method") {
        Some(Value::String(method)) => method,
        _ => return Err(parse_error(id, "the request has no \"method\" string".into())),
    };
    let params = request.remove("params").unwrap_or(Value::Null);
    Ok((id, method, params))
}

async fn call(shared: &Shared, method: String, params: Value) -> Result<Value, RpcError> {
    let (reply, answer) = oneshot::channel();
    let busy = || RpcError::new_internal_error(None, "the node is shutting down".into());
    shared.calls.send(RpcCall { method, params, reply }).await.map_err(|_| busy())?;
    match tokio::time::timeout(WAIT_TIMEOUT + Duration::from_secs(5), answer).await {
        Ok(Ok(reply)) => reply,
        Ok(Err(_)) => Err(busy()),
        Err(_) => Err(RpcError::new_internal_error(None, "the node did not answer in time".into())),
    }
}

pub(super) fn envelope(id: Value, reply: Result<Value, RpcError>) -> Value {
    match reply {
        Ok(result) => json!({ "jsonrpc": "2.0", "id": id, "result": result }),
        Err(error) => json!({ "jsonrpc": "2.0", "id": id, "error": error }),
    }
}

/// The node's HTTP status for an error: 400 for bad requests, 408 for timeouts, 500 internal.
fn status_of(err: &RpcError) -> StatusCode {
    match &err.error_struct {
        Some(RpcErrorKind::RequestValidationError(_)) => StatusCode::BAD_REQUEST,
        Some(RpcErrorKind::HandlerError(cause)) if cause["name"] == "TIMEOUT_ERROR" => {
            StatusCode::REQUEST_TIMEOUT
        }
        Some(RpcErrorKind::InternalError(_)) => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::OK,
    }
}

fn too_many(why: &str) -> Response<Full<Bytes>> {
    let err = RpcError::new_internal_error(None, why.to_owned());
    respond(StatusCode::TOO_MANY_REQUESTS, &envelope(Value::Null, Err(err)))
}

fn respond(status: StatusCode, body: &Value) -> Response<Full<Bytes>> {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let mut response = Response::new(Full::new(Bytes::from(bytes)));
    *response.status_mut() = status;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_errors_are_parse_errors_with_the_id_when_known() {
        let (id, err) = envelope_parts(b"{\"id\": 7, \"params\": []}").expect_err("no method");
        assert_eq!(id, json!(7));
        assert_eq!(err.code, -32_700);
        assert!(envelope_parts(b"[1,2]").is_err());
        assert!(envelope_parts(b"{not json").is_err());
        let (id, method, params) =
            envelope_parts(br#"{"jsonrpc":"2.0","id":"a","method":"status"}"#).expect("ok");
        assert_eq!((id, method.as_str(), params), (json!("a"), "status", Value::Null));
    }

    #[test]
    fn the_rate_limit_allows_the_burst_then_refills() {
        let (calls, _rx) = mpsc::channel(1);
        let limits = Limits { requests_per_second: 10, burst: 3, ..Limits::default() };
        let shared = Shared {
            calls,
            limits,
            bucket: Mutex::new(Bucket { tokens: 3.0, last: Instant::now() }),
            in_flight: Arc::new(Semaphore::new(1)),
        };
        assert!((0..3).all(|_| shared.take_token()), "the burst passes");
        assert!(!shared.take_token(), "then requests are refused");
        std::thread::sleep(Duration::from_millis(150));
        assert!(shared.take_token(), "tokens come back at the sustained rate");
    }

    #[test]
    fn timeouts_and_bad_requests_get_the_nodes_http_statuses() {
        let not_found = RpcError::method_not_found("nope".into());
        assert_eq!(status_of(&not_found), StatusCode::BAD_REQUEST);
        let internal = RpcError::new_internal_error(None, "x".into());
        assert_eq!(status_of(&internal), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
