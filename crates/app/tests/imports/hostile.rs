//! Hostile workbooks refused with the limit or the cell named, and nothing written.

#[path = "hostile_files.rs"]
mod files;

use cadre_app::ImportRequest;
use cadre_import::Kind;

use super::Env;

#[tokio::test]
async fn a_stray_cell_at_the_far_corner_is_named_and_nothing_is_written() {
    let env = Env::with_2020().await;
    let path = env.dir.path().join("far.xlsx");
    files::far_cell(&path);
    assert!(std::fs::metadata(&path).unwrap().len() < 5_000);
    let before = env.content().await;
    let out = env
        .import(ImportRequest::new(Kind::Attendance, &path))
        .await;
    assert!(out.refused());
    let said = out.problems.to_string();
    assert!(
        said.contains("far.xlsx:1048576:XFD: the row has 1 more cell"),
        "{said}"
    );
    assert_eq!(before, env.content().await);
}

#[tokio::test]
async fn a_zip_bomb_is_stopped_at_the_inflated_limit_and_nothing_is_written() {
    let env = Env::with_2020().await;
    let path = env.dir.path().join("bomb.xlsx");
    // 4 GB inflated from about 25 MB: past the 2 GiB a workbook may inflate to.
    files::zip_bomb(&path, 4_000_000_000);
    assert!(std::fs::metadata(&path).unwrap().len() < 30_000_000);
    let before = env.content().await;
    let out = env
        .import(ImportRequest::new(Kind::Attendance, &path))
        .await;
    assert!(out.refused());
    let said = out.problems.to_string();
    assert!(
        said.contains("inflates to more than 2147483648 bytes (the limit)"),
        "{said}"
    );
    assert_eq!(before, env.content().await);
}

#[tokio::test]
async fn a_text_longer_than_any_cell_is_refused_as_it_streams_in() {
    let env = Env::with_2020().await;
    let path = env.dir.path().join("long.xlsx");
    files::long_text(&path, 1_500_000_000);
    let out = env
        .import(ImportRequest::new(Kind::Attendance, &path))
        .await;
    assert!(out.refused());
    let said = out.problems.to_string();
    assert!(
        said.contains("a text or tag longer than 1048576 bytes (the limit)"),
        "{said}"
    );
}

/// 2,000 rows each merged across A:XFD would fill 33 million cells: the cells merged ranges
/// fill are bounded, the import refused naming the limit, and nothing written.
#[tokio::test]
async fn rows_merged_across_every_column_are_refused_at_the_limit() {
    let env = Env::with_2020().await;
    let path = env.dir.path().join("merged.xlsx");
    files::merged_rows(&path, 2_000);
    let before = env.content().await;
    let out = env.import(ImportRequest::new(Kind::Trainings, &path)).await;
    assert!(out.refused());
    let said = out.problems.to_string();
    assert!(
        said.contains("merged ranges fill more than 1000000 cells (the limit)"),
        "{said}"
    );
    assert_eq!(before, env.content().await);
}
