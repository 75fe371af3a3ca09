//! Label selectors: `matchLabels` plus `matchExpressions` (In, NotIn, Exists, DoesNotExist),
//! and the plain map selectors of Services and ReplicationControllers.

use crate::base::value::{Map, Value};

/// One `matchExpressions` requirement.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Requirement {
    /// Key present with one of the values.
    In(String, Vec<String>),
    /// Key absent, or present with none of the values.
    NotIn(String, Vec<String>),
    /// Key present.
    Exists(String),
    /// Key absent.
    DoesNotExist(String),
}

impl Requirement {
    fn matches(&self, labels: &Map) -> bool {
        match self {
            Requirement::In(k, vs) => labels
                .get(k)
                .and_then(Value::as_str)
                .is_some_and(|v| vs.iter().any(|x| x == v)),
            Requirement::NotIn(k, vs) => !labels
                .get(k)
                .and_then(Value::as_str)
                .is_some_and(|v| vs.iter().any(|x| x == v)),
            Requirement::Exists(k) => labels.contains_key(k),
            Requirement::DoesNotExist(k) => !labels.contains_key(k),
        }
    }
}

/// A label selector as the API server matches it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Selector {
    /// Labels that must be equal.
    pub match_labels: Vec<(String, String)>,
    /// Requirements that must all hold.
    pub requirements: Vec<Requirement>,
}

/// Why a selector could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectorError {
    /// Pointer (relative to the selector) of the offending node.
    pub at: String,
    /// What is wrong.
    pub message: String,
}

impl Selector {
    /// Reads a `LabelSelector` (`matchLabels`, `matchExpressions`).
    pub fn from_label_selector(value: &Value) -> Result<Selector, SelectorError> {
        let err = |at: String, message: &str| SelectorError {
            at,
            message: message.to_owned(),
        };
        let Some(obj) = value.as_object() else {
            return Err(err(String::new(), "a label selector must be a mapping"));
        };
        let mut sel = match obj.get("matchLabels") {
            None | Some(Value::Null) => Selector::default(),
            Some(m) => Selector::from_map(m).map_err(|mut e| {
                e.at = format!("/matchLabels{}", e.at);
                e
            })?,
        };
        if let Some(exprs) = obj.get("matchExpressions").filter(|v| !v.is_null()) {
            let Some(exprs) = exprs.as_array() else {
                return Err(err(
                    "/matchExpressions".into(),
                    "matchExpressions must be a list",
                ));
            };
            for (i, e) in exprs.iter().enumerate() {
                let at = format!("/matchExpressions/{i}");
                let key = e
                    .get("key")
                    .and_then(Value::as_str)
                    .ok_or_else(|| err(at.clone(), "a requirement needs a string key"))?;
                let values: Vec<String> = match e.get("values") {
                    None | Some(Value::Null) => Vec::new(),
                    Some(Value::Array(vs)) => vs
                        .iter()
                        .map(|v| v.as_str().map(str::to_owned))
                        .collect::<Option<_>>()
                        .ok_or_else(|| err(format!("{at}/values"), "values must be strings"))?,
                    Some(_) => return Err(err(format!("{at}/values"), "values must be a list")),
                };
                let key = key.to_owned();
                let req = match e.get("operator").and_then(Value::as_str) {
                    Some("In") if !values.is_empty() => Requirement::In(key, values),
                    Some("NotIn") if !values.is_empty() => Requirement::NotIn(key, values),
                    Some("In" | "NotIn") => {
                        return Err(err(
                            format!("{at}/values"),
                            "In and NotIn need at least one value",
                        ));
                    }
                    Some("Exists") if values.is_empty() => Requirement::Exists(key),
                    Some("DoesNotExist") if values.is_empty() => Requirement::DoesNotExist(key),
                    Some("Exists" | "DoesNotExist") => {
                        return Err(err(
                            format!("{at}/values"),
                            "Exists and DoesNotExist take no values",
                        ));
                    }
                    _ => {
                        return Err(err(
                            format!("{at}/operator"),
                            "operator must be In, NotIn, Exists or DoesNotExist",
                        ));
                    }
                };
                sel.requirements.push(req);
            }
        }
        Ok(sel)
    }

    /// Reads a plain `key: value` selector (Service, ReplicationController, matchLabels).
    pub fn from_map(value: &Value) -> Result<Selector, SelectorError> {
        let Some(map) = value.as_object() else {
            return Err(SelectorError {
                at: String::new(),
                message: "a selector must be a mapping of labels".to_owned(),
            });
        };
        let mut match_labels = Vec::with_capacity(map.len());
        for (k, v) in map {
            let Some(v) = v.as_str() else {
                return Err(SelectorError {
                    at: format!("/{}", k.replace('~', "~0").replace('/', "~1")),
                    message: format!("the value of `{k}` must be a string"),
                });
            };
            match_labels.push((k.to_string(), v.to_owned()));
        }
        Ok(Selector {
            match_labels,
            requirements: Vec::new(),
        })
    }

    /// Whether the selector selects nothing in particular (`{}` matches everything).
    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.requirements.is_empty()
    }

    /// Whether a set of labels is selected.
    pub fn matches(&self, labels: &Map) -> bool {
        self.match_labels
            .iter()
            .all(|(k, v)| labels.get(k).and_then(Value::as_str) == Some(v))
            && self.requirements.iter().all(|r| r.matches(labels))
    }

    /// Like [`Selector::matches`], with no labels at all.
    pub fn matches_opt(&self, labels: Option<&Map>) -> bool {
        match labels {
            Some(l) => self.matches(l),
            None => self.matches(&Map::new()),
        }
    }

    /// A `k=v,k2 in (a,b)` rendering for messages.
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = self
            .match_labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        for r in &self.requirements {
            parts.push(match r {
                Requirement::In(k, vs) => format!("{k} in ({})", vs.join(",")),
                Requirement::NotIn(k, vs) => format!("{k} notin ({})", vs.join(",")),
                Requirement::Exists(k) => k.clone(),
                Requirement::DoesNotExist(k) => format!("!{k}"),
            });
        }
        parts.join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn labels(v: Value) -> Map {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn match_labels_need_every_pair() {
        let s = Selector::from_map(&json!({"app": "web", "tier": "fe"})).unwrap();
        assert!(s.matches(&labels(json!({"app": "web", "tier": "fe", "x": "y"}))));
        assert!(!s.matches(&labels(json!({"app": "web"}))));
    }

    #[test]
    fn expressions() {
        let s = Selector::from_label_selector(&json!({
            "matchLabels": {"app": "web"},
            "matchExpressions": [
                {"key": "env", "operator": "In", "values": ["prod", "stage"]},
                {"key": "canary", "operator": "DoesNotExist"},
                {"key": "zone", "operator": "NotIn", "values": ["a"]},
                {"key": "team", "operator": "Exists"}
            ]
        }))
        .unwrap();
        assert!(s.matches(&labels(json!({"app": "web", "env": "prod", "team": "x"}))));
        assert!(s.matches(&labels(
            json!({"app": "web", "env": "stage", "team": "x", "zone": "b"})
        )));
        assert!(!s.matches(&labels(json!({"app": "web", "env": "dev", "team": "x"}))));
        assert!(!s.matches(&labels(
            json!({"app": "web", "env": "prod", "team": "x", "canary": "1"})
        )));
        assert!(!s.matches(&labels(
            json!({"app": "web", "env": "prod", "team": "x", "zone": "a"})
        )));
        assert!(!s.matches(&labels(json!({"app": "web", "env": "prod"}))));
    }

    #[test]
    fn empty_selector_matches_everything() {
        let s = Selector::from_label_selector(&json!({})).unwrap();
        assert!(s.is_empty());
        assert!(s.matches(&labels(json!({"a": "b"}))));
    }

    #[test]
    fn invalid_requirements_are_errors() {
        let e = Selector::from_label_selector(
            &json!({"matchExpressions": [{"key": "a", "operator": "In"}]}),
        )
        .unwrap_err();
        assert_eq!(e.at, "/matchExpressions/0/values");
        let e = Selector::from_label_selector(
            &json!({"matchExpressions": [{"key": "a", "operator": "Has"}]}),
        )
        .unwrap_err();
        assert_eq!(e.at, "/matchExpressions/0/operator");
        assert!(Selector::from_map(&json!({"a": 1})).is_err());
    }
}
