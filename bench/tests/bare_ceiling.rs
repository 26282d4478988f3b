//! The bare ceiling must do the work renke does before its database: parse
//! the same JSON and check the answers against the same questionnaire. A
//! ceiling that accepted anything would flatter nothing but itself.

use serde_json::{Value, json};
use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
};

struct Bare(Child);

impl Drop for Bare {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start() -> (Bare, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_renke-bench"))
        .arg("bare-server")
        .env("RENKE_BIND", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .spawn()
        .expect("start renke-bench bare-server");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("log line");
    let log: Value = serde_json::from_str(&line).expect("JSON log line");
    let addr = log["fields"]["addr"].as_str().expect("addr").to_string();
    (Bare(child), format!("http://{addr}/api/public/links/any"))
}

#[tokio::test]
async fn the_bare_ceiling_parses_and_checks_answers_like_renke() {
    let (_server, base) = start();
    let http = reqwest::Client::new();
    let page: Value = http.get(&base).send().await.unwrap().json().await.unwrap();
    let items = page["items"].as_array().expect("items");
    assert!(items.len() >= 10, "the parents' questionnaire: {page}");
    let answers: Vec<Value> = items
        .iter()
        .filter(|i| !i["options"].as_array().unwrap().is_empty())
        .map(|i| json!({"item": i["id"], "option": 1}))
        .collect();
    let submit = |answers: Vec<Value>| {
        let body =
            json!({"client_id": uuid::Uuid::new_v4(), "answers": answers, "duration_ms": 60000});
        http.post(format!("{base}/responses")).json(&body).send()
    };
    assert_eq!(submit(answers.clone()).await.unwrap().status(), 201);

    // A required item left out, and an option the item does not have.
    let missing = answers[1..].to_vec();
    assert_eq!(submit(missing).await.unwrap().status(), 422);
    let mut wrong = answers;
    wrong[0]["option"] = json!(9);
    assert_eq!(submit(wrong).await.unwrap().status(), 422);
    let garbage = http
        .post(format!("{base}/responses"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), 400);
}
