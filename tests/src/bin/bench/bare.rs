//! The limit `GET /servers` is held against: a bare actix-web server from the same workspace
//! (same actix version and worker count), whose one route serializes a copy of the panel's
//! real response on every request, without authentication, database or middleware.

use std::net::TcpListener;

use actix_web::dev::ServerHandle;
use actix_web::{web, App, HttpResponse, HttpServer};
use serde_json::Value;

pub struct Bare {
    pub addr: String,
    handle: ServerHandle,
    thread: std::thread::JoinHandle<()>,
}

async fn respond(body: web::Data<Value>) -> HttpResponse {
    HttpResponse::Ok().json(body.get_ref())
}

/// Serves `body` at `path` on a free port, in an actix system on a thread of its own.
pub fn start(path: &'static str, body: Value) -> Bare {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("address").to_string();
    let (handle_tx, handle_rx) = std::sync::mpsc::channel();
    let thread = std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let body = web::Data::new(body);
            let server = HttpServer::new(move || App::new().app_data(body.clone()).route(path, web::get().to(respond)))
                // Ctrl-C belongs to the bench, which kills the panel and simulators on its way out.
                .disable_signals()
                .listen(listener)
                .expect("listen")
                .run();
            handle_tx.send(server.handle()).expect("handle");
            let _ = server.await;
        })
    });
    let handle = handle_rx.recv().expect("bare server started");
    Bare { addr, handle, thread }
}

impl Bare {
    pub async fn stop(self) {
        self.handle.stop(false).await;
        let _ = tokio::task::spawn_blocking(move || self.thread.join()).await;
    }
}
