//! The report and the raw responses as files: they open, they say what the
//! JSON says, and they are safe in a spreadsheet.

use super::*;
use calamine::{Data, DataType, Reader, Xlsx};
use std::io::Cursor;

async fn download(s: &Seeded, token: &str, file: &str) -> (String, Vec<u8>) {
    let resp = s
        .app
        .get(token, &format!("/api/rounds/{}/exports/{file}", s.round))
        .await;
    assert_eq!(resp.status(), StatusCode::OK, "{file}");
    let disposition = resp.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    let kind = resp.headers()["content-type"].to_str().unwrap().to_string();
    (kind, resp.bytes().await.unwrap().to_vec())
}

fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("a workbook");
    let range = book
        .worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet {name}: {e}"));
    range.rows().map(|r| r.to_vec()).collect()
}

fn text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "CSV must start with a UTF-8 BOM"
    );
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(&bytes[3..]);
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[tokio::test]
async fn the_report_workbook_and_csv_say_what_the_json_says() {
    let s = seeded_round().await;
    s.answer_known().await;
    let reviewer = s.app.token_for("reviewer").await;
    let (kind, xlsx) = download(&s, &reviewer, "report.xlsx").await;
    assert!(kind.contains("spreadsheetml"), "{kind}");
    let book: Xlsx<_> = Xlsx::new(Cursor::new(xlsx.clone())).unwrap();
    assert_eq!(
        book.sheet_names(),
        vec![
            "汇总",
            "各类对象",
            "各学校",
            "学校×对象",
            "城乡",
            "各题目",
            "无效问卷",
            "数据质量"
        ]
    );
    let summary = sheet(&xlsx, "汇总");
    let value = |key: &str| {
        summary
            .iter()
            .find(|r| text(&r[0]) == key)
            .map(|r| r[1].clone())
            .unwrap()
    };
    assert!((value("全县认可率").as_f64().unwrap() - 13.0 / 21.0).abs() < 1e-9);
    assert_eq!(value("有效样本n").as_f64(), Some(6.0));
    assert_eq!(text(&value("结论")), "未达标");
    assert!(text(&value("精度说明")).starts_with("按95%置信区间仍可能达到85%"));
    assert!(value("区间越过85%还需有效问卷").as_f64().unwrap() > 0.0);
    assert_eq!(text(&value("测评目的")), "县级自评");
    assert!(text(&value("正式结果说明")).contains("以教育部组织的社会认可度调查为准"));
    assert!(text(&value("计算规则")).contains("Wilson"));
    // Under the summary: counts and rates by source, all phones here.
    let modes = summary
        .iter()
        .position(|r| text(&r[0]) == "来源")
        .expect("sources block");
    assert_eq!(text(&summary[modes + 1][0]), "手机扫码填写");
    assert_eq!(summary[modes + 1][1].as_f64(), Some(8.0));
    // Seven valid, one of them all 不了解: the rate stands on six.
    assert_eq!(summary[modes + 1][2].as_f64(), Some(7.0));
    assert!((summary[modes + 1][3].as_f64().unwrap() - 13.0 / 21.0).abs() < 1e-9);
    assert_eq!(summary[modes + 1][4].as_f64(), Some(6.0));
    assert_eq!(text(&summary[modes + 2][0]), "纸质问卷（单遍录入）");
    assert_eq!(summary[modes + 2][1].as_f64(), Some(0.0));
    assert_eq!(text(&summary[modes + 3][0]), "纸质问卷（双遍录入）");
    assert_eq!(text(&summary[modes + 4][0]), "现场访谈");
    // Then the same responses under every formula and reading,
    // the round's rule first.
    let head = summary
        .iter()
        .position(|r| text(&r[0]) == "计算方法")
        .expect("sensitivity block");
    let first = &summary[head + 1];
    assert!(text(&first[0]).starts_with("按人计认可比例"), "{first:?}");
    assert_eq!(text(&first[1]), "本轮规则");
    assert!((first[3].as_f64().unwrap() - 13.0 / 21.0).abs() < 1e-9);
    assert_eq!(summary.len() - head - 1, 7, "seven rules");
    let groups = sheet(&xlsx, "各类对象");
    assert_eq!(text(&groups[0][0]), "调查对象");
    assert_eq!(text(&groups[1][0]), "家长");
    assert!((groups[1][2].as_f64().unwrap() - 19.0 / 28.0).abs() < 1e-9);
    let items = sheet(&xlsx, "各题目");
    assert_eq!(items.len(), 1 + 2 * SCORED);
    assert_eq!(
        text(&items[1][10]),
        "满意、比较满意",
        "recognised options stated per item"
    );
    assert_eq!(text(&items[1][11]), "不了解");
    let invalid = sheet(&xlsx, "无效问卷");
    assert_eq!(text(&invalid[1][2]), "答题过快");

    let (kind, csv) = download(&s, &reviewer, "report.csv").await;
    assert!(kind.starts_with("text/csv"), "{kind}");
    let rows = csv_rows(&csv);
    assert_eq!(rows[0], vec!["【汇总】"]);
    assert_eq!(rows[1], vec!["项目", "内容"]);
    let rate = rows.iter().find(|r| r[0] == "全县认可率").unwrap();
    assert_eq!(rate[1], "61.90%");
    assert!(rows.iter().any(|r| r[0] == "【数据质量】"));
    let verdict = rows.iter().find(|r| r[0] == "结论").unwrap();
    assert_eq!(verdict[1], "未达标");
    let note = rows.iter().find(|r| r[0] == "精度说明").unwrap();
    assert!(
        note[1].starts_with("按95%置信区间仍可能达到85%"),
        "{note:?}"
    );
    let purpose = rows.iter().find(|r| r[0] == "测评目的").unwrap();
    assert_eq!(purpose[1], "县级自评");
    let note = rows.iter().find(|r| r[0] == "正式结果说明").unwrap();
    assert!(note[1].contains("教育部"), "{note:?}");
    let loose = rows
        .iter()
        .find(|r| r.last().is_some_and(|c| c == "若“一般”计入认可：83.3%"))
        .expect("the looser reading stated");
    assert_eq!(loose[3], "83.33%");
    assert_eq!(loose[4], "未达标");
}

#[tokio::test]
async fn raw_responses_export_as_csv_and_xlsx() {
    let s = seeded_round().await;
    s.answer_known().await;
    let (_, csv) = download(&s, &s.token, "responses.csv").await;
    let rows = csv_rows(&csv);
    // Header, then one row per response (invalid ones included, marked).
    assert_eq!(rows.len(), 1 + 8);
    let header = &rows[0];
    assert_eq!(header[0], "序号");
    assert_eq!(header[6], "有效性");
    assert_eq!(header[8], "同一设备的家庭成员");
    assert_eq!(header[9], "语言");
    assert_eq!(header[10], "机房答题场次");
    assert_eq!(header[11], "采集方式");
    let fixed = 16;
    assert_eq!(
        header.len(),
        fixed + 1 + SCORED + 1,
        "c1, q1…q14, overall, t1"
    );
    assert_eq!(header[fixed], "c1");
    assert!(rows.iter().all(|r| r.len() == header.len()));
    let ids: Vec<i64> = rows[1..].iter().map(|r| r[0].parse().unwrap()).collect();
    assert!(ids.is_sorted(), "rows in the order stored: {ids:?}");
    assert_eq!(
        rows[1][1].len(),
        "2026-11-29 23:50:00".len(),
        "Beijing time to the second"
    );
    let a = &rows[1];
    assert_eq!(a[2], "家长");
    assert_eq!(a[8], "否");
    assert_eq!(a[9], "zh");
    assert_eq!(a[10], "", "not answered in a room session");
    assert_eq!(a[11], "网上填写");
    assert_eq!(a[fixed + 1], "1 满意");
    assert_eq!(
        a[fixed + 1 + SCORED],
        "'=HYPERLINK(\"http://x\")",
        "formulas are defused"
    );
    let d = &rows[4];
    assert_eq!((d[6].as_str(), d[7].as_str()), ("答题过快", "too_fast"));
    assert_eq!(rows[8][fixed], "1 城区");

    let path = format!("/api/rounds/{}/exports/responses.csv?group=parent", s.round);
    let resp = s.app.get(&s.token, &path).await;
    let rows = csv_rows(&resp.bytes().await.unwrap());
    assert_eq!(rows.len(), 1 + 6);
    assert!(
        rows[0][fixed + 1].starts_with("q1 您对本县义务教育招生入学"),
        "{}",
        rows[0][fixed + 1]
    );

    let (kind, xlsx) = download(&s, &s.token, "responses.xlsx").await;
    assert!(kind.contains("spreadsheetml"));
    let parents = sheet(&xlsx, "家长");
    assert_eq!(parents.len(), 1 + 6);
    assert_eq!(text(&parents[0][0]), "序号");
    assert_eq!(text(&parents[1][fixed + 1]), "1 满意");
    assert_eq!(
        text(&parents[1][fixed + 1 + SCORED]),
        "'=HYPERLINK(\"http://x\")"
    );
    let deputies = sheet(&xlsx, "人大代表");
    assert_eq!(deputies.len(), 1 + 2);
    assert_eq!(text(&deputies[1][fixed]), "3 乡村");
}

#[tokio::test]
async fn the_report_workbook_lists_items_by_content_area() {
    let s = seeded_round().await;
    s.answer_known().await;
    let (_, xlsx) = download(&s, &s.token, "report.xlsx").await;
    let items = sheet(&xlsx, "各题目");
    assert_eq!(text(&items[0][3]), "维度");
    let rows: Vec<(String, String, String)> = items[1..]
        .iter()
        .map(|r| (text(&r[3]), text(&r[0]), text(&r[2])))
        .collect();
    assert_eq!(rows.len(), 2 * SCORED);
    // The overall evaluation first, then 教育公平: parents' q1 and q2, then
    // the deputies'.
    assert_eq!(
        (rows[0].0.as_str(), rows[0].2.as_str(), rows[1].2.as_str()),
        ("总体评价（仅“总体评价题”算法计入）", "overall", "overall")
    );
    let first: Vec<(&str, &str, &str)> = rows[2..6]
        .iter()
        .map(|(a, g, q)| (a.as_str(), g.as_str(), q.as_str()))
        .collect();
    assert_eq!(
        first,
        [
            ("教育公平", "家长", "q1"),
            ("教育公平", "家长", "q2"),
            ("教育公平", "人大代表", "q1"),
            ("教育公平", "人大代表", "q2"),
        ]
    );
    // Each area's rows together, in the inspection's order.
    let mut areas: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    areas.dedup();
    assert_eq!(areas, SOCIETY_SECTIONS);
}
