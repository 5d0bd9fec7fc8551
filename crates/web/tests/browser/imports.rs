//! A workbook of one training's attendance, as a partner agency writes it, imported in the page:
//! the training chosen, the preview, the dry run and the import.

use super::*;

/// The commonest sheet, as issue 21 tells it: one training's attendance as a partner sends it
/// (a title and the course above Spanish headers, no training column, dates typed day first,
/// one bad row, and a person whose gender differs from what is recorded), imported wholly in
/// the page: the training chosen, the proposal read, a dry run listing the bad row and the
/// change, the import held for the change to be confirmed, the rejected row downloaded, fixed
/// and imported again with the same choices, and the training's figures in the report.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_training_workbook_is_imported_in_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, stop) = serve(dir.path()).await;
    let base = format!("http://{addr}");
    let d = driver().await;
    let a = browser(&d, 1280).await;
    let outcome = tokio::spawn({
        let (a, base, dir) = (a.clone(), base.clone(), dir.path().to_path_buf());
        async move { one_training(&a, &base, &dir).await }
    })
    .await;
    let _ = a.close().await;
    drop(d);
    let _ = stop.send(());
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// The partner's workbook: cells as text, as such sheets are typed.
fn partner_workbook(path: &Path) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Participantes").unwrap();
    let rows: [[&str; 6]; 7] = [
        ["Lista de participantes", "", "", "", "", ""],
        [
            "Curso: Uso de EPP para oficiales de primera línea",
            "",
            "",
            "",
            "",
            "",
        ],
        [
            "Nombre",
            "Apellido",
            "Sexo",
            "País",
            "Correo electrónico",
            "Fecha",
        ],
        // Recorded as a woman from Jamaica at another training: the sheet says male.
        ["Ann", "Lee", "M", "Jamaica", "", "07/05/2020"],
        [
            "María",
            "Gómez",
            "F",
            "Trinidad y Tobago",
            "maria.gomez@police.example",
            "07/05/2020",
        ],
        [
            "José",
            "Pérez",
            "XX",
            "Santa Lucía",
            "jose.perez@police.example",
            "13/07/2020",
        ],
        [
            "Rosa",
            "Ruiz",
            "F",
            "Jamaïque",
            "rosa.ruiz@police.example",
            "13/07/2020",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                sheet.write_string(r as u32, c as u16, *cell).unwrap();
            }
        }
    }
    book.save(path).unwrap();
}

async fn one_training(a: &Client, base: &str, dir: &Path) {
    let axe = axe_source();
    sign_in(a, base, COORDINATOR).await;
    let training = |c: &Client| {
        let (c, base) = (c.clone(), base.to_string());
        async move {
            let r = fetch(
                &c,
                &format!("{base}/api/v1/report?from=2020-01-01&to=2020-12-31"),
            )
            .await;
            let v: Value = serde_json::from_str(r["text"].as_str().unwrap()).unwrap();
            let t = v["trainings_list"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["code"] == "2020-03")
                .unwrap()
                .clone();
            (
                t["participants"].clone(),
                t["male"].clone(),
                t["female"].clone(),
            )
        }
    };
    assert_eq!(
        training(a).await,
        (Value::Null, Value::Null, Value::Null),
        "no count yet"
    );

    let sheet = dir.join("lista-epp.xlsx");
    partner_workbook(&sheet);
    a.goto(&format!("{base}/imports/new")).await.unwrap();
    a.find(Locator::Css("#kind option[value=attendance]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The training chosen with the upload, from the list the page offers.
    assert!(a
        .find(Locator::Css("#training-list option[value='2020-03']"))
        .await
        .is_ok());
    fill(a, "training", "2020-03").await;
    a.find(Locator::Id("file"))
        .await
        .unwrap()
        .send_keys(sheet.to_str().unwrap())
        .await
        .unwrap();
    submit(a, "form[action='/imports'] button[type=submit]").await;
    let page = body(a).await;
    assert!(page.contains("Training of every row"), "{page}");
    assert_eq!(
        value(a, "training").await,
        "2020-03",
        "kept from the upload"
    );
    assert!(
        page.contains("2 lines above the header passed over"),
        "{page}"
    );
    assert_eq!(value(a, "col-0").await, "given_name", "the proposal");
    assert_eq!(value(a, "col-2").await, "gender");
    assert_eq!(value(a, "col-5").await, "session_date");

    // Its sessions are offered; read again, the choice holds.
    assert!(body(a).await.contains("2020-07-13"), "its sessions offered");
    submit(a, "button[value=preview]").await;
    assert_eq!(value(a, "training").await, "2020-03");
    assert!(
        violations(a, &axe).await.is_empty(),
        "the page is accessible"
    );
    shoot(a, "import-one-training", 1280).await;
    shoot(a, "import-one-training", 360).await;

    // The dry run: the bad row and the change to a known participant, in the page's words.
    submit(a, "button[value=check]").await;
    let page = body(a).await;
    assert!(page.contains("Dry run"), "{page}");
    assert!(
        page.contains("lista-epp.xlsx, line 6"),
        "the file by its own name: {page}"
    );
    assert!(!page.contains("--"), "no command-line flag: {page}");
    assert!(!page.contains("uploads"), "no server path: {page}");
    assert!(
        page.contains("Ann Lee: gender from female to male"),
        "{page}"
    );
    assert!(page.contains("1 participant updated"), "{page}");
    assert_eq!(training(a).await.0, Value::Null, "a dry run writes nothing");

    // The import is held for the change; confirmed, it lands with the bad row set aside.
    submit(a, "button[value=import]").await;
    let page = body(a).await;
    assert!(page.contains("Confirm the changes"), "{page}");
    assert_eq!(training(a).await.0, Value::Null, "held: nothing written");
    submit(a, "button[value=import-confirmed]").await;
    assert_eq!(a.current_url().await.unwrap().path(), "/imports");
    let page = body(a).await;
    assert!(page.contains("1 row was set aside"), "{page}");
    assert_eq!(training(a).await, (json!(3), json!(1), json!(2)));

    // The rejected row: downloaded, fixed, imported again with the same choices.
    let link = href(a, "#outcome a[href$='rejects.csv']").await;
    let rejects = fetch(a, &format!("{base}{link}")).await;
    assert_eq!(rejects["status"], 200, "{rejects}");
    let text = rejects["text"].as_str().unwrap();
    assert!(text.contains("José") && !text.contains("Rosa"), "{text}");
    let workbook = fetch(a, &format!("{base}{}", link.replace(".csv", ".xlsx"))).await;
    assert_eq!(workbook["head"], "504b0304", "the rows as a workbook too");
    let fixed = dir.join("lista-epp-fixed.csv");
    std::fs::write(
        &fixed,
        text.trim_start_matches('\u{feff}').replace(",XX,", ",M,"),
    )
    .unwrap();
    a.find(Locator::Id("fixed"))
        .await
        .unwrap()
        .send_keys(fixed.to_str().unwrap())
        .await
        .unwrap();
    submit(a, "#outcome form button[type=submit]").await;
    assert_eq!(
        value(a, "training").await,
        "2020-03",
        "the original's choices"
    );
    assert!(body(a)
        .await
        .contains("corrected rows of an earlier import"));
    submit(a, "button[value=import]").await;
    assert_eq!(
        a.current_url().await.unwrap().path(),
        "/imports",
        "{}",
        body(a).await
    );
    assert_eq!(training(a).await, (json!(4), json!(2), json!(2)));
}
