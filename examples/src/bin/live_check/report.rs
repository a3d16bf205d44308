//! The lines live-check prints, and the tally that decides its exit code.

use std::fmt::Write as _;
use std::process::ExitCode;

use crate::recorder::{Answer, Exchange};
use crate::shape::{BodyShape, is_json};

/// A request a crate sends, and the answer the crate is built for.
#[derive(Debug)]
pub(crate) struct Element {
    /// The method, as sent.
    pub(crate) method: &'static str,
    /// The path, caller pieces as `{name}`.
    pub(crate) template: &'static str,
    /// The statuses the documented answer has for this check.
    pub(crate) statuses: &'static [u16],
    /// The documented answer is a JSON object with at least these member paths (dotted).
    pub(crate) members: &'static [&'static str],
}

/// What the crate made of the answer: `Ok` with a few words when it is the expected
/// outcome, `Err` with what differed. Never values: variant names and counts.
pub(crate) type CrateVerdict = Result<String, String>;

/// The tally of every printed line.
#[derive(Debug, Default)]
pub(crate) struct Report {
    matched: usize,
    mismatched: usize,
    failed: usize,
    skipped: usize,
}

impl Report {
    /// A provider left out, and why (one line).
    pub(crate) fn skip(&mut self, provider: &str, why: &str) {
        self.skipped += 1;
        println!("SKIPPED   {provider:<10} {why}");
    }

    /// A provider or check that could not run (configuration, the relay): no wire element.
    pub(crate) fn fail(&mut self, provider: &str, what: &str, why: &str) {
        self.failed += 1;
        println!("FAILED    {provider:<10} {what}: {why}");
    }

    /// One crate call: a line per request it sent. `expected` lists the requests the call may
    /// send; the last is the call's own, and the crate's verdict goes with it.
    pub(crate) fn call(
        &mut self,
        provider: &str,
        expected: &[&Element],
        exchanges: Vec<Exchange>,
        verdict: CrateVerdict,
    ) {
        let Some((own, _)) = expected.split_last() else {
            return;
        };
        let mut own_seen = false;
        let mut verdict = Some(verdict);
        for exchange in exchanges {
            let element = expected.iter().copied().find(|e| {
                e.method == exchange.method.as_str() && matches(e.template, &exchange.path)
            });
            let Some(element) = element else {
                self.mismatched += 1;
                println!(
                    "MISMATCH  {provider:<10} {} <a path this check does not send>{} -> {}",
                    exchange.method,
                    query(&exchange.query_names),
                    answer_text(&exchange.answer)
                );
                continue;
            };
            let is_own = std::ptr::eq(element, *own);
            own_seen |= is_own;
            let crate_verdict = if is_own { verdict.take() } else { None };
            self.line(provider, element, &exchange, crate_verdict);
        }
        if !own_seen {
            let why = match verdict {
                Some(Err(why)) => why,
                Some(Ok(what)) => format!("yet the crate answered: {what}"),
                None => "the crate answered twice".to_owned(),
            };
            self.mismatched += 1;
            println!(
                "MISMATCH  {provider:<10} {} {} -> nothing sent; {why}",
                own.method, own.template
            );
        }
    }

    fn line(
        &mut self,
        provider: &str,
        element: &Element,
        exchange: &Exchange,
        verdict: Option<CrateVerdict>,
    ) {
        let sent = format!(
            "{} {}{}{}",
            element.method,
            element.template,
            query(&exchange.query_names),
            exchange
                .request_media_type
                .as_deref()
                .map(|media| format!(" ({media})"))
                .unwrap_or_default()
        );
        let got = answer_text(&exchange.answer);
        if let Answer::Missing(_) = exchange.answer {
            self.failed += 1;
            println!("FAILED    {provider:<10} {sent} -> {got}");
            return;
        }
        let mut differs = wire_differences(element, &exchange.answer);
        let mut crate_says = String::new();
        match verdict {
            Some(Ok(what)) => crate_says = what,
            Some(Err(why)) => differs.push(format!("crate: {why}")),
            None => {}
        }
        let mut line = format!("{provider:<10} {sent} -> {got}");
        if differs.is_empty() {
            self.matched += 1;
            if !crate_says.is_empty() {
                let _ = write!(line, "; crate: {crate_says}");
            }
            println!("OK        {line}");
        } else {
            self.mismatched += 1;
            let _ = write!(line, "; {}", differs.join("; "));
            println!("MISMATCH  {line}");
        }
    }

    /// `live-check: N matched, M mismatched, F failed, K skipped`.
    pub(crate) fn summary(&self) -> String {
        format!(
            "live-check: {} matched, {} mismatched, {} failed, {} skipped",
            self.matched, self.mismatched, self.failed, self.skipped
        )
    }

    /// Success when nothing mismatched or failed.
    pub(crate) fn exit_code(&self) -> ExitCode {
        if self.mismatched == 0 && self.failed == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    }
}

/// How the wire answer differs from the element's documented answer.
fn wire_differences(element: &Element, answer: &Answer) -> Vec<String> {
    let Answer::Received {
        status,
        media_type,
        body,
    } = answer
    else {
        return Vec::new();
    };
    let mut differs = Vec::new();
    if !element.statuses.contains(&status.as_u16()) {
        let expected: Vec<String> = element.statuses.iter().map(u16::to_string).collect();
        differs.push(format!("expected status {}", expected.join(" or ")));
    }
    if !is_json(media_type) {
        differs.push("expected a JSON media type".to_owned());
    }
    match body {
        BodyShape::Json(shape) if shape.rendered.starts_with('{') => {
            let missing: Vec<&str> = element
                .members
                .iter()
                .copied()
                .filter(|path| !shape.paths.contains(*path))
                .collect();
            if !missing.is_empty() {
                differs.push(format!("missing {}", missing.join(", ")));
            }
        }
        _ => differs.push("expected a JSON object".to_owned()),
    }
    differs
}

fn answer_text(answer: &Answer) -> String {
    match answer {
        Answer::Received {
            status,
            media_type,
            body,
        } => format!("{} {media_type} {}", status.as_u16(), body.describe()),
        Answer::Missing(why) => format!("no answer: {why}"),
    }
}

/// `?key&readerId`: the query's parameter names, never their values.
fn query(names: &[String]) -> String {
    if names.is_empty() {
        return String::new();
    }
    let shown: Vec<&str> = names
        .iter()
        .map(|name| crate::shape::shown_name(name, &[]))
        .collect();
    format!("?{}", shown.join("&"))
}

/// Whether `path` fits `template`: the same segments, `{...}` standing for any non-empty one.
fn matches(template: &str, path: &str) -> bool {
    let template: Vec<&str> = template.split('/').collect();
    let path: Vec<&str> = path.split('/').collect();
    template.len() == path.len()
        && template.iter().zip(&path).all(|(t, p)| {
            if t.starts_with('{') && t.ends_with('}') {
                !p.is_empty()
            } else {
                t == p
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_their_paths_only() {
        let template = "/live_api/s2s/v1/sessions/{sessionId}/status";
        assert!(matches(
            template,
            "/live_api/s2s/v1/sessions/abc%2F1/status"
        ));
        assert!(!matches(template, "/live_api/s2s/v1/sessions//status"));
        assert!(!matches(template, "/live_api/s2s/v1/sessions/a/b/status"));
        assert!(matches("/sessionstatus", "/sessionstatus"));
    }

    #[test]
    fn a_wire_answer_is_held_against_the_element() {
        const ELEMENT: Element = Element {
            method: "GET",
            template: "/x",
            statuses: &[404],
            members: &["code"],
        };
        let answer = |status: u16, media: &str, body: &[u8]| Answer::Received {
            status: axum::http::StatusCode::from_u16(status).unwrap(),
            media_type: media.to_owned(),
            body: BodyShape::of(body, &[]),
        };
        let ok = answer(
            404,
            "application/json",
            br#"{"code":"not_found","message":"m"}"#,
        );
        assert!(wire_differences(&ELEMENT, &ok).is_empty());
        let wrong = answer(200, "text/html", b"<p>");
        assert_eq!(
            wire_differences(&ELEMENT, &wrong),
            [
                "expected status 404",
                "expected a JSON media type",
                "expected a JSON object"
            ]
        );
        let lacking = answer(404, "application/problem+json", br#"{"title":"t"}"#);
        assert_eq!(wire_differences(&ELEMENT, &lacking), ["missing code"]);
    }
}
