//! A real HTTP JSON-RPC server on 127.0.0.1 (ephemeral port) for the RPC tests.
//!
//! It answers each request with what a handler decides from the method and params: a JSON-RPC
//! response (its `id` set to the request's), any raw body with any status, or nothing at all.
//! Every request is logged so tests can check what the client asked.

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;

/// What the server does with one request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// A JSON-RPC response object; its `id` is replaced by the request's.
    Json(Value),
    /// Exactly this body with this HTTP status.
    Raw { status: u16, body: String },
    /// Never answer (the connection stays open).
    Hang,
}

/// Decides the reply from `(method, params)`.
pub type Handler = Arc<dyn Fn(&str, &Value) -> Reply + Send + Sync>;

/// One request the server received.
#[derive(Clone, Debug)]
pub struct Logged {
    pub method: String,
    pub params: Value,
}

pub struct LoopbackRpc {
    pub url: String,
    log: Arc<Mutex<Vec<Logged>>>,
    task: tokio::task::JoinHandle<()>,
}

impl LoopbackRpc {
    pub async fn start(handler: Handler) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        let url = format!("http://{}", listener.local_addr().expect("local addr"));
        let log = Arc::new(Mutex::new(Vec::new()));
        let task = tokio::spawn(serve(listener, handler, log.clone()));
        Self { url, log, task }
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<Logged> {
        self.log.lock().expect("log lock").clone()
    }

    pub fn count(&self, method: &str) -> usize {
        self.requests().iter().filter(|r| r.method == method).count()
    }
}

impl Drop for LoopbackRpc {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A URL on 127.0.0.1 where nothing listens (connection refused).
pub async fn closed_port_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local addr");
    drop(listener);
    format!("http://{addr}")
}

async fn serve(listener: TcpListener, handler: Handler, log: Arc<Mutex<Vec<Logged>>>) {
    let mut connections = tokio::task::JoinSet::new();
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        let handler = handler.clone();
        let log = log.clone();
        connections.spawn(async move {
            let service = service_fn(move |request: Request<Incoming>| {
                answer(request, handler.clone(), log.clone())
            });
            let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

async fn answer(
    request: Request<Incoming>,
    handler: Handler,
    log: Arc<Mutex<Vec<Logged>>>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let body = match request.into_body().collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return Ok(raw(400, "cannot read the body".to_owned())),
    };
    let Ok(call) = serde_json::from_slice::<Value>(&body) else {
        return Ok(raw(400, "not JSON".to_owned()));
    };
    let method = call["method"].as_str().unwrap_or_default().to_owned();
    let params = call["params"].clone();
    log.lock().expect("log lock").push(Logged { method: method.clone(), params: params.clone() });
    match handler(&method, &params) {
        Reply::Json(mut response) => {
            response["id"] = call["id"].clone();
            Ok(raw(200, response.to_string()))
        }
        Reply::Raw { status, body } => Ok(raw(status, body)),
        Reply::Hang => std::future::pending().await,
    }
}

fn raw(status: u16, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    response
}

/// How the RPC engine follows a transaction on a loopback node, which answers at once: a poll
/// every 5 ms, 20 s for the transaction, no other limit.
pub fn follow_fast() -> nearviz::engine::rpc::FollowOptions {
    nearviz::engine::rpc::FollowOptions {
        poll_interval: std::time::Duration::from_millis(5),
        tx_timeout: std::time::Duration::from_secs(20),
        unknown_timeout: None,
        max_errors_in_row: None,
    }
}
