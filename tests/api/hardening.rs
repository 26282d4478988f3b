//! Issue 12: the promises to respondents hold against an outsider with
//! ordinary tools. These tests run the real binary as a separate process
//! where only a process shows the effect (its peak memory, its log).

use crate::{
    helpers::*,
    process::RenkeProcess,
    respond::{form_for, token_of},
};
use reqwest::{Client, StatusCode};
use sea_orm::ConnectionTrait;
use serde_json::Value;
use std::io::Write;

/// A fresh database, set up by an in-process app (an open round with a
/// parents' link); returns the app, its database URL, the organiser's token
/// and the link token. The temp dir keeps the SQLite file alive.
async fn prepared() -> (TestApp, String, String, String, Option<tempfile::TempDir>) {
    let (url, dir) = fresh_database().await;
    let u = url.clone();
    let app = spawn_app_with(move |s| s.database_url = u).await;
    let (organiser, _, links) = app
        .open_round_with(1, &["parent"], serde_json::json!({}))
        .await;
    let token = token_of(&links, "parent");
    (app, url, organiser, token, dir)
}

/// Every operation that reads an uploaded file, with the token allowed to
/// call it (the round of `prepared` has id 1).
async fn file_imports(app: &TestApp, organiser: &str) -> Vec<(&'static str, String)> {
    let admin = app.admin_token().await;
    vec![
        ("/api/schools/import", organiser.to_string()),
        (
            "/api/readiness/years/2025-2026/import",
            organiser.to_string(),
        ),
        ("/api/rounds/1/translations", organiser.to_string()),
        ("/api/regions/import", admin.clone()),
        ("/api/page-texts", admin),
    ]
}

/// `decoded_mb` MB of spaces compressed with `encoding`.
fn bomb(encoding: &str, decoded_mb: usize) -> Vec<u8> {
    let chunk = vec![b' '; 1 << 20];
    let mut out = Vec::new();
    match encoding {
        "gzip" => {
            let mut e = flate2::write::GzEncoder::new(&mut out, flate2::Compression::best());
            for _ in 0..decoded_mb {
                e.write_all(&chunk).unwrap();
            }
            e.finish().unwrap();
        }
        "deflate" => {
            let mut e = flate2::write::ZlibEncoder::new(&mut out, flate2::Compression::best());
            for _ in 0..decoded_mb {
                e.write_all(&chunk).unwrap();
            }
            e.finish().unwrap();
        }
        "br" => {
            let mut e = brotli::CompressorWriter::new(&mut out, 1 << 16, 9, 22);
            for _ in 0..decoded_mb {
                e.write_all(&chunk).unwrap();
            }
            e.flush().unwrap();
            drop(e);
        }
        "zstd" => {
            let mut e = zstd::stream::write::Encoder::new(&mut out, 3).unwrap();
            for _ in 0..decoded_mb {
                e.write_all(&chunk).unwrap();
            }
            e.finish().unwrap();
        }
        other => panic!("unknown encoding {other}"),
    }
    out
}

#[tokio::test]
async fn compressed_bodies_are_refused_before_they_are_read() {
    let (app, url, organiser, token, _dir) = prepared().await;
    let imports = file_imports(&app, &organiser).await;
    let server = RenkeProcess::serve(&url, &[]);
    // A connection per request: the server closes each one it did not read.
    let client = Client::builder().pool_max_idle_per_host(0).build().unwrap();
    let mut refused_unread = 0;
    // Warm the server up so that its peak reflects normal work.
    let r = client.get(server.url("/api/health")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let before = server.peak_kb();
    let targets = [
        ("/api/auth/login".to_string(), "application/json", None),
        (
            format!("/api/public/links/{token}/responses"),
            "application/json",
            None,
        ),
        (
            format!("/s/{token}"),
            "application/x-www-form-urlencoded",
            None,
        ),
    ]
    .into_iter()
    .chain(imports.iter().map(|(path, bearer)| {
        (
            path.to_string(),
            "application/octet-stream",
            Some(bearer.as_str()),
        )
    }))
    .collect::<Vec<_>>();
    for encoding in ["gzip", "deflate", "br", "zstd"] {
        // 48 MB of spaces: under 64 KB once compressed, so no limit on the
        // declared length stops it.
        let body = bomb(encoding, 48);
        assert!(body.len() < 60 * 1024, "{encoding}: {}", body.len());
        for (path, content_type, bearer) in &targets {
            let mut req = client
                .post(server.url(path))
                .header("content-type", *content_type)
                .header("content-encoding", encoding)
                .body(body.clone());
            if let Some(t) = bearer {
                req = req.bearer_auth(t);
            }
            // The server answers without reading the body and closes the
            // connection; it may do so before the whole body is written.
            let Ok(resp) = req.send().await else {
                refused_unread += 1;
                continue;
            };
            let status = resp.status();
            let text = resp.text().await.unwrap_or_default();
            assert!(
                status == StatusCode::UNSUPPORTED_MEDIA_TYPE
                    || status == StatusCode::PAYLOAD_TOO_LARGE,
                "{encoding} to {path}: {status} {text}"
            );
            let json: Value = serde_json::from_str(&text).expect("a JSON error");
            assert!(
                json["code"].is_string() && json["message"].is_string(),
                "{text}"
            );
        }
    }
    let sent = 4 * targets.len();
    assert!(
        refused_unread < sent / 2,
        "{refused_unread} of {sent} got no answer"
    );
    let grown = server.peak_kb().saturating_sub(before);
    assert!(
        grown < 8 * 1024,
        "peak resident memory grew by {grown} KB for {sent} bodies of under 60 KB"
    );
    // The server is alive and still compresses its answers.
    let r = client
        .get(server.url("/api/health"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn identity_encoding_and_compressed_answers_still_work() {
    let app = spawn_app().await;
    let resp = app
        .client
        .post(app.url("/api/auth/login"))
        .header("content-type", "application/json")
        .header("content-encoding", "identity")
        .body(format!(
            r#"{{"username":"admin","password":"{}"}}"#,
            app.admin_password
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = app
        .client
        .get(app.url("/api/openapi.json"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["content-encoding"], "gzip");
}

#[tokio::test]
async fn chunked_bodies_are_limited_by_the_bytes_read() {
    let (app, _url, _organiser, token, _dir) = prepared().await;
    // No Content-Length: the body arrives in chunks, past each limit.
    let chunked = |mb: usize| {
        let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
            (0..mb * 16).map(|_| Ok(vec![b' '; 64 * 1024])).collect();
        reqwest::Body::wrap_stream(futures_util::stream::iter(chunks))
    };
    for (path, mb) in [
        ("/api/auth/login".to_string(), 11),
        (format!("/api/public/links/{token}/responses"), 1),
        (format!("/s/{token}"), 1),
    ] {
        let resp = app
            .client
            .post(app.url(&path))
            .header("content-type", "application/json")
            .body(chunked(mb))
            .send()
            .await;
        // The server may answer and close before the whole body is sent.
        if let Ok(resp) = resp {
            assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE, "{path}");
        }
    }
}

/// Waits until the server's log holds `needle` (its lines are written as
/// requests end, read by another thread).
async fn log_with(server: &RenkeProcess, needle: &str) -> String {
    for _ in 0..200 {
        let log = server.log();
        if log.contains(needle) {
            return log;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the log never held {needle}:\n{}", server.log());
}

#[tokio::test]
async fn the_log_holds_no_address_and_no_token() {
    let (app, url, organiser, token, _dir) = prepared().await;
    let q = app.questionnaire(&token).await;
    // A computer-room session's code opens the questionnaire too.
    let links = json_of(
        app.get(&organiser, "/api/rounds/1/links").await,
        StatusCode::OK,
    )
    .await;
    let link_id = links["links"][0]["id"].as_i64().unwrap();
    let room = json_of(
        app.post(
            &organiser,
            &format!("/api/rounds/1/links/{link_id}/room-sessions"),
            serde_json::json!({}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let code = room["code"].as_str().unwrap().to_string();
    for level in ["info", "debug"] {
        let server = RenkeProcess::serve(&url, &[("RUST_LOG", level)]);
        let room_page = crate::respond::phone()
            .get(server.url(&format!("/r/{code}")))
            .send()
            .await
            .unwrap();
        assert_eq!(room_page.status(), StatusCode::OK, "{level}");
        log_with(&server, "GET path=/r/…").await;
        // Through the API, from a phone.
        let resp = crate::respond::phone()
            .post(server.url(&format!("/api/public/links/{token}/responses")))
            .json(&answers_for(&q, |_, _| 1))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::CREATED, "{level}");
        // Through the page's plain form, from another phone.
        let phone = crate::respond::phone();
        let page = phone
            .get(server.url(&format!("/s/{token}")))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let started = chrono::Utc::now().timestamp_millis() - 90_000;
        let fields = form_for(&q, &uuid::Uuid::new_v4().to_string(), started);
        let resp = phone
            .post(server.url(&format!("/s/{token}")))
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::CREATED, "{level}");
        log_with(&server, "/api/public/links/…/responses").await;
        let log = log_with(&server, "POST path=/s/…").await;
        assert!(
            !log.contains(&token),
            "{level}: the token is in the log:\n{log}"
        );
        assert!(
            !log.contains(&code),
            "{level}: the room code is in the log:\n{log}"
        );
        // Only the server's own bound address may appear, when it starts.
        for line in log.lines().filter(|l| !l.contains("listening")) {
            assert!(
                !line.contains("127.0.0.1"),
                "{level}: a client address is in the log: {line}"
            );
        }
    }
}

#[tokio::test]
async fn submissions_wait_for_other_writers_instead_of_failing() {
    let app = spawn_app().await;
    let (organiser, round, links) = app
        .open_round_with(1, &["parent"], serde_json::json!({}))
        .await;
    let token = token_of(&links, "parent");
    let q = app.questionnaire(&token).await;
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    // Wrong logins for made-up users, each of which (once throttled) writes
    // an audit row; and rebuilds of the round's tallies.
    let mut others = Vec::new();
    for _ in 0..4 {
        let (client, url, done) = (app.client.clone(), app.url("/api/auth/login"), done.clone());
        others.push(tokio::spawn(async move {
            let mut n = 0u32;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let name = format!("ghost-{}", uuid::Uuid::new_v4().simple());
                let _ = client
                    .post(&url)
                    .json(&serde_json::json!({"username": name, "password": "guess"}))
                    .send()
                    .await;
                n += 1;
            }
            n
        }));
    }
    {
        let (client, url, done) = (
            app.client.clone(),
            app.url(&format!("/api/rounds/{round}/tallies/rebuild")),
            done.clone(),
        );
        let organiser = organiser.clone();
        others.push(tokio::spawn(async move {
            let mut n = 0u32;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let r = client
                    .post(&url)
                    .bearer_auth(&organiser)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), StatusCode::OK);
                n += 1;
            }
            n
        }));
    }
    let phones: Vec<_> = (0..16)
        .map(|_| {
            let (client, url, q) = (
                Client::new(),
                app.url(&format!("/api/public/links/{token}/responses")),
                q.clone(),
            );
            tokio::spawn(async move {
                let mut statuses = Vec::new();
                for _ in 0..25 {
                    let r = client
                        .post(&url)
                        .json(&answers_for(&q, |_, _| 1))
                        .send()
                        .await
                        .unwrap();
                    statuses.push(r.status());
                }
                statuses
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for p in phones {
        statuses.extend(p.await.unwrap());
    }
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut other_requests = 0;
    for o in others {
        other_requests += o.await.unwrap();
    }
    let failed: Vec<_> = statuses
        .iter()
        .filter(|s| **s != StatusCode::CREATED)
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {} submissions failed beside {other_requests} other writes: {failed:?}",
        failed.len(),
        statuses.len()
    );
    assert_eq!(count_responses(&app.db).await, statuses.len() as i64);
    assert!(other_requests > 0);
}

#[tokio::test]
async fn a_key_that_does_not_match_the_data_is_refused_unless_rotating() {
    let (_app, url, _organiser, _token, dir) = prepared().await;
    if let Some(dir) = &dir {
        // SQLite: the key sits beside the database, readable by its owner
        // only, and the database holds its fingerprint, not the key.
        let key = dir.path().join(renke::keyed::KEY_FILE);
        let meta = std::fs::metadata(&key).expect("renke.key beside the database");
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        let names: Vec<String> = _app
            .db
            .query_all_raw(sea_orm::Statement::from_string(
                _app.db.get_database_backend(),
                "SELECT name FROM deployment_secrets",
            ))
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get_by_index::<String>(0).unwrap())
            .collect();
        assert_eq!(names, vec!["hash_key_fingerprint".to_string()]);
    }
    let other = [("RENKE_SECRET", "another key, long enough")];
    let (ok, log) = RenkeProcess::run_to_end(&url, &["serve"], &other);
    assert!(!ok, "started with a key that does not match:\n{log}");
    assert!(
        log.contains("RENKE_ROTATE_SECRET") && log.contains("密钥与数据不符"),
        "{log}"
    );
    // Told to rotate: it starts, and the new key is the reference from then on.
    let rotating = [
        ("RENKE_SECRET", "another key, long enough"),
        ("RENKE_ROTATE_SECRET", "1"),
    ];
    drop(RenkeProcess::serve(&url, &rotating));
    drop(RenkeProcess::serve(&url, &other));
    let (ok, log) = RenkeProcess::run_to_end(&url, &["serve"], &[]);
    assert!(
        !ok || dir.is_none(),
        "the old key was accepted after rotation:\n{log}"
    );
}

#[tokio::test]
async fn a_key_kept_in_the_database_moves_to_its_file() {
    let (url, dir) = fresh_database().await;
    let Some(dir) = dir else {
        return; // PostgreSQL keeps its key in the database unless configured.
    };
    let u = url.clone();
    let app = spawn_app_with(move |s| s.database_url = u).await;
    // As an older renke left it: the key in the database, no file.
    let key = dir.path().join(renke::keyed::KEY_FILE);
    std::fs::remove_file(&key).unwrap();
    app.db
        .execute_unprepared(
            "DELETE FROM deployment_secrets; INSERT INTO deployment_secrets (name, value, created_at) \
             VALUES ('hash_key', 'the-old-key-0123456789', '2026-01-01T00:00:00Z')",
        )
        .await
        .unwrap();
    drop(RenkeProcess::serve(&url, &[]));
    assert_eq!(
        std::fs::read_to_string(&key).unwrap(),
        "the-old-key-0123456789"
    );
    let left: i64 = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            "SELECT COUNT(*) FROM deployment_secrets WHERE name = 'hash_key'",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index(0)
        .unwrap();
    assert_eq!(left, 0, "the key is still in the database");
    // The moved key matches the data; another one does not.
    let (ok, _) = RenkeProcess::run_to_end(
        &url,
        &["serve"],
        &[("RENKE_SECRET", "another key, long enough")],
    );
    assert!(!ok);
}

/// A workbook of the given parts besides the minimal ones, with `sheet` as
/// its only worksheet.
fn workbook(sheet: &[u8], extra: &[(&str, &[u8])]) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut parts: Vec<(&str, &[u8])> = vec![
        (
            "[Content_Types].xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    parts.extend_from_slice(extra);
    for (name, data) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap();
    out.into_inner()
}

fn sheet_xml(dimension: &str, rows: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>"#
    )
    .into_bytes()
}

#[tokio::test]
async fn crafted_workbooks_are_refused_naming_the_limit() {
    let (app, url, organiser, _token, _dir) = prepared().await;
    let imports = file_imports(&app, &organiser).await;
    let server = RenkeProcess::serve(&url, &[]);
    let client = Client::new();
    let far_apart = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#;
    // The shared strings unpack to 40 MB.
    let mut strings = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>"#,
    );
    strings.push_str(&" ".repeat(40 << 20));
    strings.push_str("</t></si></sst>");
    let many_rows: String = (1..=30_000)
        .map(|r| format!(r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>"#))
        .collect();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "far-apart cells",
            workbook(&sheet_xml("A1:XFD1048576", far_apart), &[]),
        ),
        (
            "far-apart cells under a false dimension",
            workbook(&sheet_xml("A1", far_apart), &[]),
        ),
        (
            "shared-strings bomb",
            workbook(
                &sheet_xml("A1", r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#),
                &[("xl/sharedStrings.xml", strings.as_bytes())],
            ),
        ),
        (
            "huge row count",
            workbook(&sheet_xml("A1:A30000", &many_rows), &[]),
        ),
    ];
    // Every import reads files through the same guarded reader: each one
    // refuses each crafted workbook, naming the limit.
    for (what, bytes) in &cases {
        assert!(bytes.len() < 1 << 20, "{what}: {} bytes", bytes.len());
        for (path, bearer) in &imports {
            let resp = client
                .post(server.url(path))
                .bearer_auth(bearer)
                .header("content-type", "application/octet-stream")
                .body(bytes.clone())
                .send()
                .await
                .unwrap_or_else(|e| {
                    panic!("{what} to {path}: no answer ({e}); log:\n{}", server.log())
                });
            let status = resp.status();
            let text = resp.text().await.unwrap();
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{what} to {path}: {text}"
            );
            assert!(text.contains("上限"), "{what} to {path}: {text}");
        }
    }
    let r = client.get(server.url("/api/health")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        server.peak_kb() < 512 * 1024,
        "peak {} KB",
        server.peak_kb()
    );
}
