//! `spawn_app()` and request helpers shared by every test.

use renke::{config::Settings, startup::Application};
use reqwest::{Client, Response, StatusCode};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};

pub struct TestApp {
    pub address: String,
    #[allow(dead_code)]
    pub port: u16,
    pub db: DatabaseConnection,
    /// The database this instance runs on.
    pub database_url: String,
    pub admin_password: String,
    /// A client without cookies, authenticating with bearer tokens.
    pub client: Client,
    /// Keeps the SQLite file alive for the test's duration.
    _dir: Option<tempfile::TempDir>,
    /// Drops the test's PostgreSQL database when the test ends.
    _database: Option<DropDatabase>,
}

/// A test's own PostgreSQL database, dropped (with its connections) when
/// the test is done, so that runs do not pile databases up on the server.
/// `.ci/run` also drops what killed runs left behind before it starts.
pub struct DropDatabase {
    admin_url: String,
    name: String,
}

impl DropDatabase {
    /// The guard for `url` when it names a database `fresh_database` made.
    pub fn of(url: &str) -> Option<Self> {
        let admin_url = std::env::var("TEST_DATABASE_URL").ok()?;
        let (_, name) = url.rsplit_once('/')?;
        (url.starts_with("postgres") && name.starts_with("renke_test_")).then(|| Self {
            admin_url,
            name: name.to_string(),
        })
    }
}

impl Drop for DropDatabase {
    fn drop(&mut self) {
        // psql, since Drop cannot wait for an async driver; without psql
        // the database simply stays until the next `.ci/run`.
        let _ = std::process::Command::new("psql")
            .arg(&self.admin_url)
            .args(["-q", "-c"])
            .arg(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
    }
}

/// A database URL for one test: a new PostgreSQL database when
/// TEST_DATABASE_URL is set, a new SQLite file otherwise.
pub async fn fresh_database() -> (String, Option<tempfile::TempDir>) {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(base) if base.starts_with("postgres") => {
            let name = format!("renke_test_{}", uuid::Uuid::new_v4().simple());
            let admin = Database::connect(&base)
                .await
                .expect("connect to TEST_DATABASE_URL");
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create test database");
            let (prefix, _) = base.rsplit_once('/').expect("database url has a path");
            (format!("{prefix}/{name}"), None)
        }
        _ => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}/renke.db", dir.path().display());
            (url, Some(dir))
        }
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    let (url, dir) = fresh_database().await;
    let database = DropDatabase::of(&url);
    let mut settings = Settings::for_test(&url);
    configure(&mut settings);
    if settings.database_url != url {
        // The test chose its own database; set its parent directory up.
        if let Some(path) = settings.database_url.strip_prefix("sqlite://") {
            if let Some(parent) = std::path::Path::new(path).parent() {
                std::fs::create_dir_all(parent).ok();
            }
        }
    }
    let settings_url = settings.database_url.clone();
    let app = Application::build(settings).await.expect("build app");
    let port = app.port();
    let db = app.db();
    let admin_password = app
        .initial_admin_password()
        .expect("first start creates admin")
        .to_string();
    let database_url = settings_url;
    tokio::spawn(app.run_until(std::future::pending()));
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        db,
        database_url,
        admin_password,
        client: Client::new(),
        _dir: dir,
        _database: database,
    }
}

/// The JSON body of a response, asserting its status first.
pub async fn json_of(resp: Response, status: StatusCode) -> Value {
    let actual = resp.status();
    let text = resp.text().await.expect("body");
    assert_eq!(actual, status, "unexpected status; body: {text}");
    serde_json::from_str(&text).unwrap_or(Value::String(text))
}

impl TestApp {
    /// A second renke on this one's database, as several instances run
    /// behind one proxy; the first keeps the database alive.
    pub async fn another_instance(&self, configure: impl FnOnce(&mut Settings)) -> TestApp {
        let mut settings = Settings::for_test(&self.database_url);
        configure(&mut settings);
        let app = Application::build(settings)
            .await
            .expect("build the second instance");
        let port = app.port();
        let db = app.db();
        tokio::spawn(app.run_until(std::future::pending()));
        TestApp {
            address: format!("http://127.0.0.1:{port}"),
            port,
            db,
            database_url: self.database_url.clone(),
            admin_password: self.admin_password.clone(),
            client: Client::new(),
            _dir: None,
            _database: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn login(&self, username: &str, password: &str) -> Response {
        self.client
            .post(self.url("/api/auth/login"))
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .expect("request")
    }

    pub async fn admin_token(&self) -> String {
        let body = json_of(
            self.login("admin", &self.admin_password).await,
            StatusCode::OK,
        )
        .await;
        body["token"].as_str().expect("token").to_string()
    }

    /// Creates an account with the role and returns a bearer token for it.
    pub async fn token_for(&self, role: &str) -> String {
        let admin = self.admin_token().await;
        let username = format!("{role}-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
        let created = json_of(
            self.post(
                &admin,
                "/api/accounts",
                json!({"username": username, "role": role, "password": "correct horse"}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(created["account"]["role"], role);
        let body = json_of(self.login(&username, "correct horse").await, StatusCode::OK).await;
        body["token"].as_str().expect("token").to_string()
    }

    pub async fn get(&self, token: &str, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    pub async fn post(&self, token: &str, path: &str, body: Value) -> Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    pub async fn put(&self, token: &str, path: &str, body: Value) -> Response {
        self.client
            .put(self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    pub async fn patch(&self, token: &str, path: &str, body: Value) -> Response {
        self.client
            .patch(self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    pub async fn delete(&self, token: &str, path: &str) -> Response {
        self.client
            .delete(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    /// Imports schools from CSV text; returns the response.
    pub async fn import_schools(&self, token: &str, body: Vec<u8>) -> Response {
        self.client
            .post(self.url("/api/schools/import"))
            .bearer_auth(token)
            .header("content-type", "application/octet-stream")
            .body(body)
            .send()
            .await
            .expect("request")
    }

    /// Imports `n` primary schools (codes 2165000001…) and returns their ids.
    pub async fn seed_schools(&self, token: &str, n: usize) -> Vec<i64> {
        let mut csv =
            String::from("学校标识码,学校名称,学校类型,所在地,小学在校生数,初中在校生数,教师数\n");
        let locations = ["城区", "镇区", "乡村"];
        for i in 1..=n {
            csv.push_str(&format!(
                "{},第{i}小学,小学,{},{},0,{}\n",
                2165000000u64 + i as u64,
                locations[i % 3],
                300 + i * 10,
                20 + i
            ));
        }
        json_of(
            self.import_schools(token, csv.into_bytes()).await,
            StatusCode::OK,
        )
        .await;
        let list = json_of(self.get(token, "/api/schools").await, StatusCode::OK).await;
        list.as_array()
            .expect("list")
            .iter()
            .map(|s| s["id"].as_i64().expect("id"))
            .collect()
    }

    /// Creates a round over the given groups (all schools), returns its JSON.
    pub async fn create_round(&self, token: &str, groups: &[&str], extra: Value) -> Value {
        let now = chrono::Utc::now();
        let mut body = json!({
            "name": "2026年县级自评",
            "purpose": "self_assessment",
            "opens_at": (now - chrono::Duration::hours(1)).to_rfc3339(),
            "closes_at": (now + chrono::Duration::days(7)).to_rfc3339(),
            "groups": groups,
            "min_answer_seconds": 0,
        });
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                b.insert(k.clone(), v.clone());
            }
        }
        json_of(self.post(token, "/api/rounds", body).await, StatusCode::OK).await
    }

    /// An organiser token, schools, and an open round with parents and
    /// deputies; returns (token, round id, links JSON).
    pub async fn open_round(&self, schools: usize) -> (String, i64, Vec<Value>) {
        self.open_round_with(schools, &["parent", "deputy"], json!({}))
            .await
    }

    /// Like `open_round`, over `groups` and with `extra` round settings.
    pub async fn open_round_with(
        &self,
        schools: usize,
        groups: &[&str],
        extra: Value,
    ) -> (String, i64, Vec<Value>) {
        let token = self.token_for("organiser").await;
        self.seed_schools(&token, schools).await;
        let round = self.create_round(&token, groups, extra).await;
        let id = round["id"].as_i64().expect("id");
        json_of(
            self.post(&token, &format!("/api/rounds/{id}/open"), json!({}))
                .await,
            StatusCode::OK,
        )
        .await;
        let links = json_of(
            self.get(&token, &format!("/api/rounds/{id}/links")).await,
            StatusCode::OK,
        )
        .await;
        (token, id, links["links"].as_array().expect("links").clone())
    }

    /// The public questionnaire of a link.
    pub async fn questionnaire(&self, link_token: &str) -> Value {
        json_of(
            self.client
                .get(self.url(&format!("/api/public/links/{link_token}")))
                .send()
                .await
                .expect("request"),
            StatusCode::OK,
        )
        .await
    }

    pub async fn submit(&self, link_token: &str, body: &Value) -> Response {
        self.client
            .post(self.url(&format!("/api/public/links/{link_token}/responses")))
            .json(body)
            .send()
            .await
            .expect("request")
    }
}

/// A complete answer body for a public questionnaire: every choice item gets
/// `pick(item_index, item)` (an option code, capped at the item's last option).
pub fn answers_for(q: &Value, pick: impl Fn(usize, &Value) -> u64) -> Value {
    let answers: Vec<Value> = q["items"]
        .as_array()
        .expect("items")
        .iter()
        .enumerate()
        .filter(|(_, i)| i["kind"] != "text")
        .map(|(n, i)| {
            let last = i["options"].as_array().map(|o| o.len() as u64).unwrap_or(1);
            json!({"item": i["id"], "option": pick(n, i).clamp(1, last)})
        })
        .collect();
    json!({
        "client_id": uuid::Uuid::new_v4().to_string(),
        "answers": answers,
        "duration_ms": 90_000,
    })
}

/// How many responses the database holds.
pub async fn count_responses(db: &DatabaseConnection) -> i64 {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM responses",
        ))
        .await
        .expect("count")
        .expect("row");
    row.try_get::<i64>("", "n").expect("n")
}

/// Rolls the database back to just before migration `name` (that one and
/// every later one undone), however many have been added since.
pub async fn migrate_down_past(db: &DatabaseConnection, name: &str) {
    use migration::{Migrator, MigratorTrait};
    let all = Migrator::migrations();
    let at = all
        .iter()
        .position(|m| m.name() == name)
        .unwrap_or_else(|| panic!("no migration {name}"));
    Migrator::down(db, Some((all.len() - at) as u32))
        .await
        .unwrap();
}
