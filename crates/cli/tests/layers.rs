//! The layering the compiler keeps: the front ends (the web application and the command)
//! reach the store, the import pipeline and the domain only through the application layer,
//! so neither may have them as a normal dependency (tests may, to set up and inspect a
//! database).

use std::process::Command;

/// Each workspace package's normal dependencies among the workspace's own crates.
fn normal_dependencies() -> Vec<(String, Vec<String>)> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata is JSON");
    meta["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| {
            let deps = p["dependencies"]
                .as_array()
                .expect("dependencies")
                .iter()
                // `kind` is null for a normal dependency, "dev" or "build" otherwise.
                .filter(|d| d["kind"].is_null())
                .filter_map(|d| d["name"].as_str())
                .filter(|n| n.starts_with("cadre"))
                .map(str::to_string)
                .collect();
            (p["name"].as_str().unwrap_or_default().to_string(), deps)
        })
        .collect()
}

#[test]
fn the_front_ends_reach_the_store_and_the_import_only_through_the_application_layer() {
    let packages = normal_dependencies();
    for front in ["cadre-web", "cadre"] {
        let (_, deps) = packages
            .iter()
            .find(|(name, _)| name == front)
            .unwrap_or_else(|| panic!("the workspace has no package {front}"));
        assert!(
            deps.iter().any(|d| d == "cadre-app"),
            "{front} should depend on cadre-app: {deps:?}"
        );
        // The domain's types too come through the application layer (`cadre_app::domain`).
        for below in ["cadre-store", "cadre-import", "cadre-core"] {
            assert!(
                !deps.iter().any(|d| d == below),
                "{front} has {below} as a normal dependency: it must go through cadre-app"
            );
        }
    }
    // And no arrow runs back up: the layers below know nothing of those above.
    for (lower, above) in [
        (
            "cadre-core",
            &["cadre-import", "cadre-store", "cadre-render", "cadre-app"][..],
        ),
        ("cadre-store", &["cadre-app", "cadre-web", "cadre"][..]),
        (
            "cadre-import",
            &["cadre-store", "cadre-app", "cadre-web", "cadre"][..],
        ),
        ("cadre-app", &["cadre-web", "cadre"][..]),
    ] {
        let (_, deps) = packages.iter().find(|(n, _)| n == lower).expect(lower);
        for a in above {
            assert!(!deps.iter().any(|d| d == a), "{lower} depends on {a}");
        }
    }
}
