//! Fresh PostgreSQL databases on the server named by `LOKET_TEST_DATABASE_URL`.

/// `postgres://u@h:p/db?x` with another database name.
pub fn with_database(url: &str, name: &str) -> String {
    let scheme_end = url.find("://").map(|i| i + 3).unwrap_or(0);
    let (head, query) = match url.find('?') {
        Some(q) => (&url[..q], &url[q..]),
        None => (url, ""),
    };
    let host_end = head[scheme_end..].find('/').map(|i| scheme_end + i).unwrap_or(head.len());
    format!("{}/{name}{query}", &head[..host_end])
}

pub fn admin(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls).expect("LOKET_TEST_DATABASE_URL reachable")
}

/// A new empty database; its URL. (The test cluster is thrown away after the run.)
pub fn fresh_database(admin_url: &str) -> String {
    let name = format!("loket_faults_{}", uuid::Uuid::now_v7().simple());
    admin(admin_url).batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    with_database(admin_url, &name)
}

pub fn database_name(url: &str) -> String {
    let path = url.split('?').next().unwrap();
    path.rsplit('/').next().unwrap().to_string()
}
