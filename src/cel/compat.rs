//! Where kube-cel's CRD validation walk differs from the API server, rules are adapted
//! before they are compiled.
//!
//! Field names: the API server leaves `_` alone in a field name (`self.other_value`)
//! and escapes only `__`, `.`, `-`, `/` and CEL keywords; kube-cel 0.8 also doubles every
//! single `_` (`other_value` becomes the key `other__value`). So a field selection
//! written `.a_b` in a rule is rewritten `.a__b`, which is what kube-cel's value
//! conversion produces; string literals and variables are left alone.

/// The rule as kube-cel must read it to mean what the API server reads.
pub fn adapt(rule: &str) -> String {
    if !rule.contains('_') {
        return rule.to_owned();
    }
    let chars: Vec<char> = rule.chars().collect();
    let mut out = String::with_capacity(rule.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' || c == '"' {
            // A string literal, copied as is (triple-quoted ones included).
            let triple = chars.get(i + 1) == Some(&c) && chars.get(i + 2) == Some(&c);
            let end = literal_end(&chars, i, c, triple);
            out.extend(&chars[i..end]);
            i = end;
            continue;
        }
        out.push(c);
        i += 1;
        if c == '.' {
            // A field selection: `.` then an identifier, perhaps after spaces.
            while i < chars.len() && chars[i].is_whitespace() {
                out.push(chars[i]);
                i += 1;
            }
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let ident: String = chars[start..i].iter().collect();
            // Digits after a dot are a number (`1.5`), not a field.
            if ident.starts_with(|ch: char| ch.is_ascii_digit()) {
                out.push_str(&ident);
            } else {
                out.push_str(&escape_underscores(&ident));
            }
        }
    }
    out
}

/// A field that the API server itself escapes (`__x__` keywords, `a__b`) is left as is.
fn escape_underscores(ident: &str) -> String {
    if ident.contains("__") {
        return ident.to_owned();
    }
    ident.replace('_', "__")
}

fn literal_end(chars: &[char], start: usize, quote: char, triple: bool) -> usize {
    let mut i = start + if triple { 3 } else { 1 };
    while i < chars.len() {
        if chars[i] == '\\' {
            i += 2;
            continue;
        }
        if chars[i] == quote {
            if !triple {
                return i + 1;
            }
            if chars.get(i + 1) == Some(&quote) && chars.get(i + 2) == Some(&quote) {
                return i + 3;
            }
        }
        i += 1;
    }
    chars.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_underscores_in_field_selections_only() {
        assert_eq!(
            adapt("!has(self.other_value) || self.other_value % self.value == 0"),
            "!has(self.other__value) || self.other__value % self.value == 0"
        );
        assert_eq!(
            adapt("self.items.all(my_item, my_item.max_size > 1.5) && self.name != 'a.b_c'"),
            "self.items.all(my_item, my_item.max__size > 1.5) && self.name != 'a.b_c'"
        );
        assert_eq!(
            adapt("self.__namespace__ == 'x'"),
            "self.__namespace__ == 'x'"
        );
    }
}
