//! The committed spec is what the code generates and what the server serves, and no route
//! escapes documentation.

use std::path::Path;

use reqwest::Method;

use crate::harness::{binary, workspace_root, Backend, TestApp};

fn generated() -> String {
    let out = std::process::Command::new(binary()).arg("openapi").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn committed_spec_matches_the_code() {
    let committed = std::fs::read_to_string(workspace_root().join("openapi/openapi.json")).unwrap_or_default();
    assert!(
        committed == generated(),
        "openapi/openapi.json differs from what the code generates: run `make openapi` and commit the result"
    );
}

#[tokio::test]
async fn served_spec_is_the_generated_one() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (_, served) = app.call(Method::GET, "/openapi.json", None, None).await;
    let generated: serde_json::Value = serde_json::from_str(&generated()).unwrap();
    assert_eq!(served, generated);
}

/// Every actix route attribute in the backend sits under a `#[utoipa::path]`, so every route is
/// in the document (utoipa-actix-web collects exactly those).
#[test]
fn every_route_is_documented() {
    let mut undocumented = Vec::new();
    let mut routes = 0;
    visit(&workspace_root().join("backend/src"), &mut |path, text| {
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim_start();
            if ["#[get(", "#[post(", "#[put(", "#[patch(", "#[delete("]
                .iter()
                .any(|m| t.starts_with(m))
            {
                routes += 1;
                // The utoipa attribute may span several lines above the route attribute.
                let above = lines[..i]
                    .iter()
                    .rev()
                    .take_while(|l| !l.trim().is_empty() && !l.trim_start().starts_with("}"));
                if !above.into_iter().any(|l| l.trim_start().starts_with("#[utoipa::path")) {
                    undocumented.push(format!("{}:{}", path.display(), i + 1));
                }
            }
        }
    });
    assert!(
        routes >= 18,
        "found only {routes} routes: is the scan looking in the right place?"
    );
    assert!(
        undocumented.is_empty(),
        "routes without #[utoipa::path]: {undocumented:?}"
    );
}

fn visit(dir: &Path, f: &mut dyn FnMut(&Path, &str)) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            visit(&path, f);
        } else if path.extension().is_some_and(|e| e == "rs") {
            f(&path, &std::fs::read_to_string(&path).unwrap());
        }
    }
}
