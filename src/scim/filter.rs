//! SCIM filters (RFC 7644 §3.4.2.2) as they appear in PATCH value paths: `attr op value`,
//! `attr pr`, `and` / `or` / `not (…)` and parentheses, `and` binding tighter than `or`.
//!
//! Parsing is bounded (length, number of terms, nesting: see [`crate::json::limits`]), so a
//! hostile filter costs little and cannot overflow the stack.

use serde_json::Value;

use crate::json::limits::{MAX_FILTER_LEN, MAX_FILTER_NESTING, MAX_FILTER_TERMS};
use crate::json::{NormalizationError, NormalizationErrorKind};

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    /// Equal.
    Eq,
    /// Not equal.
    Ne,
    /// Contains (strings).
    Co,
    /// Starts with (strings).
    Sw,
    /// Ends with (strings).
    Ew,
    /// Greater than.
    Gt,
    /// Greater than or equal.
    Ge,
    /// Less than.
    Lt,
    /// Less than or equal.
    Le,
}

/// A parsed filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// `attr op value`; `attr` may be dotted (`name.givenName`).
    Compare {
        /// Attribute (path relative to the filtered value).
        attr: String,
        /// Operator.
        op: CompareOp,
        /// Literal: string, number, boolean or null.
        value: Value,
    },
    /// `attr pr`.
    Present(String),
    /// `a and b`.
    And(Box<Filter>, Box<Filter>),
    /// `a or b`.
    Or(Box<Filter>, Box<Filter>),
    /// `not (a)`.
    Not(Box<Filter>),
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    Word(String),
    Literal(Value),
}

fn err(kind: NormalizationErrorKind, message: impl Into<String>) -> NormalizationError {
    // The caller knows where the filter sits and re-roots the pointer.
    NormalizationError::new(kind, "", message)
}

fn invalid(message: impl Into<String>) -> NormalizationError {
    err(NormalizationErrorKind::InvalidFilter, message)
}

fn tokenize(text: &str) -> Result<Vec<Token>, NormalizationError> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' => {
                chars.next();
                tokens.push(Token::Open);
            }
            ')' => {
                chars.next();
                tokens.push(Token::Close);
            }
            '"' => {
                chars.next();
                let mut end = None;
                let mut escaped = false;
                for (i, ch) in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if ch == '\\' {
                        escaped = true;
                    } else if ch == '"' {
                        end = Some(i);
                        break;
                    }
                }
                let end = end.ok_or_else(|| invalid("unterminated string in filter"))?;
                let quoted = text.get(start..=end).ok_or_else(|| invalid("bad string"))?;
                let s: String = serde_json::from_str(quoted)
                    .map_err(|_| invalid("invalid escape in filter string"))?;
                tokens.push(Token::Literal(Value::String(s)));
            }
            _ => {
                let mut end = text.len();
                while let Some(&(i, ch)) = chars.peek() {
                    if ch.is_whitespace() || ch == '(' || ch == ')' || ch == '"' {
                        end = i;
                        break;
                    }
                    chars.next();
                }
                let word = text.get(start..end).unwrap_or_default();
                if word.contains('[') || word.contains(']') {
                    return Err(invalid("nested value filters are not allowed here"));
                }
                tokens.push(Token::Word(word.to_owned()));
            }
        }
    }
    Ok(tokens)
}

fn compare_op(word: &str) -> Option<CompareOp> {
    Some(match word.to_ascii_lowercase().as_str() {
        "eq" => CompareOp::Eq,
        "ne" => CompareOp::Ne,
        "co" => CompareOp::Co,
        "sw" => CompareOp::Sw,
        "ew" => CompareOp::Ew,
        "gt" => CompareOp::Gt,
        "ge" => CompareOp::Ge,
        "lt" => CompareOp::Lt,
        "le" => CompareOp::Le,
        _ => return None,
    })
}

fn is_attr_path(word: &str) -> bool {
    !word.is_empty()
        && word.split('.').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '$' | ':'))
        })
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    terms: usize,
    depth: usize,
}

impl Parser {
    fn peek_word(&self) -> Option<&str> {
        match self.tokens.get(self.pos) {
            Some(Token::Word(w)) => Some(w.as_str()),
            _ => None,
        }
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn or_expr(&mut self) -> Result<Filter, NormalizationError> {
        let mut left = self.and_expr()?;
        while self
            .peek_word()
            .is_some_and(|w| w.eq_ignore_ascii_case("or"))
        {
            self.pos += 1;
            let right = self.and_expr()?;
            left = Filter::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and_expr(&mut self) -> Result<Filter, NormalizationError> {
        let mut left = self.unary()?;
        while self
            .peek_word()
            .is_some_and(|w| w.eq_ignore_ascii_case("and"))
        {
            self.pos += 1;
            let right = self.unary()?;
            left = Filter::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn group(&mut self) -> Result<Filter, NormalizationError> {
        self.depth += 1;
        if self.depth > MAX_FILTER_NESTING {
            return Err(err(
                NormalizationErrorKind::TooComplex,
                format!("filter nests deeper than {MAX_FILTER_NESTING} levels"),
            ));
        }
        let inner = self.or_expr()?;
        match self.next() {
            Some(Token::Close) => {
                self.depth -= 1;
                Ok(inner)
            }
            _ => Err(invalid("missing `)` in filter")),
        }
    }

    fn unary(&mut self) -> Result<Filter, NormalizationError> {
        match self.next() {
            Some(Token::Open) => self.group(),
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("not") => match self.next() {
                Some(Token::Open) => Ok(Filter::Not(Box::new(self.group()?))),
                _ => Err(invalid("`not` must be followed by `(`")),
            },
            Some(Token::Word(attr)) => {
                if !is_attr_path(&attr) {
                    return Err(invalid(format!("`{attr}` is not an attribute name")));
                }
                self.terms += 1;
                if self.terms > MAX_FILTER_TERMS {
                    return Err(err(
                        NormalizationErrorKind::TooComplex,
                        format!("filter has more than {MAX_FILTER_TERMS} terms"),
                    ));
                }
                let op_word = match self.next() {
                    Some(Token::Word(op)) => op,
                    _ => return Err(invalid(format!("expected an operator after `{attr}`"))),
                };
                if op_word.eq_ignore_ascii_case("pr") {
                    return Ok(Filter::Present(attr));
                }
                let op = compare_op(&op_word)
                    .ok_or_else(|| invalid(format!("unknown operator `{op_word}`")))?;
                let value = match self.next() {
                    Some(Token::Literal(v)) => v,
                    Some(Token::Word(w)) => literal(&w)?,
                    _ => return Err(invalid(format!("expected a value after `{op_word}`"))),
                };
                Ok(Filter::Compare { attr, op, value })
            }
            _ => Err(invalid("expected an attribute, `(` or `not`")),
        }
    }
}

fn literal(word: &str) -> Result<Value, NormalizationError> {
    match word.to_ascii_lowercase().as_str() {
        "true" => Ok(Value::Bool(true)),
        "false" => Ok(Value::Bool(false)),
        "null" => Ok(Value::Null),
        _ => serde_json::from_str::<serde_json::Number>(word)
            .map(Value::Number)
            .map_err(|_| invalid(format!("`{word}` is not a value (strings need quotes)"))),
    }
}

/// Parses a filter. Errors carry an empty pointer (the caller places them): `invalid_filter`, or
/// `too_complex` beyond the bounds.
pub fn parse_filter(text: &str) -> Result<Filter, NormalizationError> {
    if text.len() > MAX_FILTER_LEN {
        return Err(err(
            NormalizationErrorKind::TooComplex,
            format!("filter longer than {MAX_FILTER_LEN} bytes"),
        ));
    }
    let tokens = tokenize(text)?;
    if tokens.is_empty() {
        return Err(invalid("empty filter"));
    }
    let mut parser = Parser {
        tokens,
        pos: 0,
        terms: 0,
        depth: 0,
    };
    let filter = parser.or_expr()?;
    if parser.pos < parser.tokens.len() {
        return Err(invalid("unexpected text after the filter"));
    }
    Ok(filter)
}

/// How string comparisons treat case. RFC 7643 makes most attributes case-insensitive; ids
/// (`members.value`) are case-exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseRule {
    /// Compare `value` exactly, everything else ignoring case.
    ExactValue,
    /// Compare every string ignoring case.
    Insensitive,
}

fn lookup<'a>(item: &'a Value, attr: &str) -> Option<&'a Value> {
    let mut current = item;
    for part in attr.split('.') {
        current = match current {
            Value::Object(m) => m
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(part))
                .map(|(_, v)| v)?,
            // A bare string in a multi-valued attribute is its own `value`.
            other if part.eq_ignore_ascii_case("value") => other,
            _ => return None,
        };
    }
    Some(current)
}

fn as_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => crate::json::value::parse_bool_str(s),
        _ => None,
    }
}

impl Filter {
    /// Whether one value of a multi-valued attribute matches.
    pub fn matches(&self, item: &Value, case: CaseRule) -> bool {
        match self {
            Filter::And(a, b) => a.matches(item, case) && b.matches(item, case),
            Filter::Or(a, b) => a.matches(item, case) || b.matches(item, case),
            Filter::Not(a) => !a.matches(item, case),
            Filter::Present(attr) => match lookup(item, attr) {
                None | Some(Value::Null) => false,
                Some(Value::String(s)) => !s.is_empty(),
                Some(Value::Array(a)) => !a.is_empty(),
                Some(Value::Object(o)) => !o.is_empty(),
                Some(_) => true,
            },
            Filter::Compare { attr, op, value } => {
                let exact = case == CaseRule::ExactValue
                    && (attr.eq_ignore_ascii_case("value") || attr.eq_ignore_ascii_case("$ref"));
                compare(lookup(item, attr), *op, value, exact)
            }
        }
    }

    /// The string of `value eq "…"`, when the filter is only that: the one filter the PATCH
    /// engine answers from an index (see `super::multi`).
    pub(crate) fn value_equals(&self) -> Option<&str> {
        match self {
            Filter::Compare {
                attr,
                op: CompareOp::Eq,
                value: Value::String(s),
            } if attr.eq_ignore_ascii_case("value") => Some(s),
            _ => None,
        }
    }

    /// The `attr eq "literal"` terms, when the filter is nothing but a conjunction of them: what
    /// a new value must hold to match (used to create the value a filtered replace targets).
    pub fn equalities(&self) -> Option<Vec<(&str, &Value)>> {
        match self {
            Filter::Compare {
                attr,
                op: CompareOp::Eq,
                value,
            } if !value.is_null() && !attr.contains('.') => Some(vec![(attr.as_str(), value)]),
            Filter::And(a, b) => {
                let mut all = a.equalities()?;
                all.extend(b.equalities()?);
                Some(all)
            }
            _ => None,
        }
    }
}

fn compare(actual: Option<&Value>, op: CompareOp, expected: &Value, exact: bool) -> bool {
    let actual = actual.unwrap_or(&Value::Null);
    let ord = match (actual, expected) {
        (Value::String(a), Value::String(b)) => {
            if exact {
                Some(a.as_str().cmp(b.as_str()))
            } else {
                Some(a.to_lowercase().cmp(&b.to_lowercase()))
            }
        }
        (Value::Number(a), Value::Number(b)) => match (a.as_f64(), b.as_f64()) {
            (Some(a), Some(b)) => a.partial_cmp(&b),
            _ => None,
        },
        (a, Value::Bool(b)) => as_bool(a).map(|a| a.cmp(b)),
        (Value::Null, Value::Null) => Some(std::cmp::Ordering::Equal),
        _ => None,
    };
    let text = |f: fn(&str, &str) -> bool| match (actual, expected) {
        (Value::String(a), Value::String(b)) if exact => f(a, b),
        (Value::String(a), Value::String(b)) => f(&a.to_lowercase(), &b.to_lowercase()),
        _ => false,
    };
    let ordered = !matches!(expected, Value::Bool(_) | Value::Null);
    match op {
        CompareOp::Eq => ord == Some(std::cmp::Ordering::Equal),
        CompareOp::Ne => ord != Some(std::cmp::Ordering::Equal),
        CompareOp::Co => text(|a, b| a.contains(b)),
        CompareOp::Sw => text(|a, b| a.starts_with(b)),
        CompareOp::Ew => text(|a, b| a.ends_with(b)),
        CompareOp::Gt => ordered && ord == Some(std::cmp::Ordering::Greater),
        CompareOp::Ge => {
            ordered
                && matches!(
                    ord,
                    Some(std::cmp::Ordering::Greater | std::cmp::Ordering::Equal)
                )
        }
        CompareOp::Lt => ordered && ord == Some(std::cmp::Ordering::Less),
        CompareOp::Le => {
            ordered
                && matches!(
                    ord,
                    Some(std::cmp::Ordering::Less | std::cmp::Ordering::Equal)
                )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn precedence_and_grouping() {
        let f = parse_filter(r#"type eq "work" or type eq "home" and primary eq true"#).unwrap();
        assert!(matches!(f, Filter::Or(_, _)));
        let f = parse_filter(r#"(type eq "work" or type eq "home") and not (value ew "x.org")"#)
            .unwrap();
        assert!(f.matches(
            &json!({"type": "Work", "value": "a@b.com"}),
            CaseRule::Insensitive
        ));
        assert!(!f.matches(
            &json!({"type": "work", "value": "a@x.org"}),
            CaseRule::Insensitive
        ));
    }

    #[test]
    fn bounds() {
        let many = vec![r#"a eq "b""#; 65].join(" and ");
        assert_eq!(
            parse_filter(&many).unwrap_err().kind,
            NormalizationErrorKind::TooComplex
        );
        let deep = format!("{}a pr{}", "(".repeat(17), ")".repeat(17));
        assert_eq!(
            parse_filter(&deep).unwrap_err().kind,
            NormalizationErrorKind::TooComplex
        );
        assert_eq!(
            parse_filter("a eq").unwrap_err().kind,
            NormalizationErrorKind::InvalidFilter
        );
        assert_eq!(
            parse_filter("a zz 1").unwrap_err().kind,
            NormalizationErrorKind::InvalidFilter
        );
    }
}
