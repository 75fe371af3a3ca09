//! Inline patches: a patch written as a literal block (`patch: |-`) in the kustomization is
//! parsed from the block's text, and every node of it points back at its own line of the
//! kustomization, so a finding on a value the patch set lands on that value.

use crate::base::Span;

/// Offsets in a literal block's value mapped to offsets in the file: the value's lines
/// are the block's lines less their indentation.
pub struct BlockMap {
    /// Per content line: where it starts in the value and in the file.
    lines: Vec<(u32, u32)>,
}

/// Where the lines of the literal block at `start` begin: after its header line (`|`,
/// `|-` or `|+`; an explicit indentation digit is rare and not mapped), whether the
/// span starts at the header or at the first line of content.
fn body_start(file_text: &str, start: usize) -> Option<usize> {
    let is_header = |line: &str| {
        let line = line.trim_end();
        ["|", "|-", "|+"].iter().any(|h| line.ends_with(h))
    };
    let rest = file_text.get(start..)?;
    if rest.starts_with('|') {
        let end = rest.find('\n')?;
        return is_header(&rest[..end]).then_some(start + end + 1);
    }
    let line_start = file_text[..start].rfind('\n').map_or(0, |i| i + 1);
    let before = file_text.get(..line_start.checked_sub(1)?)?;
    let header = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
    is_header(header).then_some(line_start)
}

impl BlockMap {
    /// The map of the literal block scalar at `span` of `file_text`, whose value is
    /// `value`; `None` for any other style (folded, quoted, plain) or when the block's
    /// lines do not give back the value (then nodes point at the whole block).
    pub fn of(file_text: &str, span: Span, value: &str) -> Option<BlockMap> {
        let body_start = body_start(file_text, span.start as usize)?;
        let body = file_text.get(body_start..)?;
        let indent = body
            .lines()
            .find(|l| !l.trim().is_empty())
            .map(|l| l.len() - l.trim_start_matches(' ').len())?;
        let mut lines = Vec::new();
        let mut rebuilt = String::with_capacity(value.len());
        let mut file_pos = body_start;
        for line in body.split_inclusive('\n') {
            if rebuilt.len() >= value.len() {
                break;
            }
            let content = line.trim_end_matches('\n');
            let blank = content.trim().is_empty();
            if !blank && content.len() - content.trim_start_matches(' ').len() < indent {
                break;
            }
            let skip = indent.min(content.len());
            lines.push((rebuilt.len() as u32, (file_pos + skip) as u32));
            rebuilt.push_str(&content[skip..]);
            rebuilt.push('\n');
            file_pos += line.len();
        }
        // Chomping only changes the trailing line breaks.
        let same = rebuilt.trim_end_matches('\n') == value.trim_end_matches('\n');
        (same && !lines.is_empty()).then_some(BlockMap { lines })
    }

    /// A span of the value as a span of the file.
    pub fn span(&self, s: Span) -> Span {
        if s == Span::NONE {
            return s;
        }
        Span {
            start: self.offset(s.start),
            end: self.offset(s.end),
        }
    }

    fn offset(&self, at: u32) -> u32 {
        let i = self.lines.partition_point(|(value, _)| *value <= at);
        let (value, file) = self.lines[i.saturating_sub(1)];
        file + (at - value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_a_literal_block_map_back_into_the_file() {
        let file = "patches:\n- patch: |-\n    - op: replace\n      path: /x\n\n      value: 2\n  target: {}\n";
        let start = file.find('|').unwrap();
        let end = file.find("  target").unwrap();
        let value = "- op: replace\n  path: /x\n\n  value: 2";
        let map = BlockMap::of(file, Span::new(start, end), value).expect("a literal block");
        let at = |needle: &str| {
            let v = value.find(needle).unwrap();
            let s = map.span(Span::new(v, v + needle.len()));
            &file[s.start as usize..s.end as usize]
        };
        assert_eq!(at("op: replace"), "op: replace");
        assert_eq!(at("path: /x"), "path: /x");
        assert_eq!(at("value: 2"), "value: 2");
        // The parser's span may start at the first line of content instead of the header.
        let content = file.find("- op").unwrap();
        assert!(BlockMap::of(file, Span::new(content, end), value).is_some());
    }

    #[test]
    fn other_styles_are_not_mapped() {
        let file = "patch: >\n  a: 1\n";
        let start = file.find('>').unwrap();
        assert!(BlockMap::of(file, Span::new(start, file.len()), "a: 1\n").is_none());
    }
}
