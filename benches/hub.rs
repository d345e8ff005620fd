//! Command dispatch over HTTP and login, each beside a baseline measured in the same run:
//! - `http/empty_route`: an axum route that returns `{}` on the same loopback setup (HTTP cost only);
//! - `http/auth.me`: the real command over the hub (HTTP + session check + SQLite read);
//! - `inprocess/auth.me`: the same command without HTTP (what the Tauri IPC adapter calls);
//! - `login/argon2_verify`: the password check alone; `login/auth.login`: the whole login command.

use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::json;
use std::sync::Arc;

const PASSWORD: &str = "rahasia-admin-1";

fn office() -> (tempfile::TempDir, Arc<loket::App>) {
    let dir = tempfile::tempdir().unwrap();
    let app = loket::App::open(dir.path()).unwrap();
    app.call(
        None,
        "setup.initialise",
        json!({"district_code": "61.01.09", "office_name": "Kantor Bench", "admin_username": "admin",
               "admin_full_name": "Admin", "admin_password": PASSWORD}),
    )
    .unwrap();
    (dir, app)
}

fn login(app: &loket::App) -> String {
    let out = app.call(None, "auth.login", json!({"username": "admin", "password": PASSWORD})).unwrap();
    out["token"].as_str().unwrap().to_string()
}

fn dispatch(c: &mut Criterion) {
    let (_dir, app) = office();
    let token = login(&app);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let hub = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let base = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let hub_url = format!("http://{}/api/v1/auth.me", hub.local_addr().unwrap());
    let base_url = format!("http://{}/empty", base.local_addr().unwrap());
    rt.spawn({
        let app = app.clone();
        async move { axum::serve(hub, loket::hub::router(app, None)).await }
    });
    rt.spawn(async move {
        let router = axum::Router::new().route("/empty", axum::routing::post(|| async { axum::Json(json!({})) }));
        axum::serve(base, router).await
    });
    let client = reqwest::blocking::Client::new();
    let mut g = c.benchmark_group("http");
    g.bench_function("empty_route", |b| {
        b.iter(|| assert!(client.post(&base_url).body("{}").send().unwrap().status().is_success()))
    });
    g.bench_function("auth.me", |b| {
        b.iter(|| assert!(client.post(&hub_url).bearer_auth(&token).body("{}").send().unwrap().status().is_success()))
    });
    g.finish();
    c.bench_function("inprocess/auth.me", |b| b.iter(|| app.call(Some(&token), "auth.me", json!({})).unwrap()));
}

fn login_bench(c: &mut Criterion) {
    let (_dir, app) = office();
    let phc = loket::auth::password::hash(PASSWORD).unwrap();
    let mut g = c.benchmark_group("login");
    g.sample_size(20);
    g.bench_function("argon2_verify", |b| b.iter(|| assert!(loket::auth::password::verify(&phc, PASSWORD))));
    g.bench_function("auth.login", |b| b.iter(|| login(&app)));
    g.finish();
}

criterion_group!(benches, dispatch, login_bench);
criterion_main!(benches);
