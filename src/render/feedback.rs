//! Render: "Report a problem" links (`[output.html] feedback-url`): the template filled in for
//! each step of a guide's page and for the guide, added to the page's view as `step.feedback`
//! and `guide.feedback`. The links are plain addresses the reader may follow; nothing is sent.

use crate::config::feedback::FeedbackUrl;

/// The guide's view with a `feedback` address on it and on every step and substep. `page` is
/// the page's address (absolute when `base-url` is a full one), to which a step adds its anchor.
pub(super) fn add(
    guide: &tera::Value,
    template: &FeedbackUrl,
    lang: &str,
    page: &str,
) -> tera::Value {
    let Ok(mut view) = serde_json::to_value(guide) else {
        return guide.clone();
    };
    let text = |v: &serde_json::Value, key: &str| v[key].as_str().unwrap_or_default().to_owned();
    let (id, title) = (text(&view, "id"), text(&view, "title"));
    let fill = |step: &str, anchor: &str| {
        template.fill(&|name| match name {
            "guide" => id.clone(),
            "title" => title.clone(),
            "step" => step.to_owned(),
            "anchor" => anchor.to_owned(),
            "lang" => lang.to_owned(),
            "url" if anchor.is_empty() => page.to_owned(),
            "url" => format!("{page}#{anchor}"),
            _ => String::new(),
        })
    };
    fn steps(list: &mut serde_json::Value, fill: &dyn Fn(&str, &str) -> String) {
        for s in list.as_array_mut().into_iter().flatten() {
            let url = fill(
                s["number"].as_str().unwrap_or_default(),
                s["anchor"].as_str().unwrap_or_default(),
            );
            s["feedback"] = url.into();
            steps(&mut s["substeps"], fill);
        }
    }
    for section in view["sections"].as_array_mut().into_iter().flatten() {
        steps(&mut section["steps"], &fill);
    }
    view["feedback"] = fill("", "").into();
    tera::Value::from_serializable(&view)
}
