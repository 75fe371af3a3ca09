//! `resource.Quantity`: parsing, exact comparison and the API server's canonical form
//!, including its habit of echoing some inputs verbatim.
//!
//! Values are held exactly as a count of nano-units (10^-9) in an `i128`.

use std::cmp::Ordering;
use std::fmt;

/// How the input's suffix was written; canonical output keeps the family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `Ki`, `Mi`, … (powers of 1024).
    BinarySI,
    /// `m`, `k`, `M`, … or no suffix (powers of 1000).
    DecimalSI,
    /// `e3`, `E-2`, ….
    DecimalExponent,
}

/// A parsed quantity.
#[derive(Debug, Clone)]
pub struct Quantity {
    nano: i128,
    format: Format,
    /// The input, when the API server would echo it unchanged.
    verbatim: Option<String>,
}

/// Why a string is not a quantity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuantityError {
    /// Not of the form number + suffix.
    #[error(
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    )]
    Format,
    /// The suffix is not one of the known ones.
    #[error("unable to parse quantity's suffix")]
    Suffix,
    /// Too large to represent.
    #[error("quantity is too large")]
    Overflow,
}

const NANO_PER_UNIT: i128 = 1_000_000_000;

impl Quantity {
    /// Parses a quantity string (a JSON/YAML number's text is accepted the same way).
    pub fn parse(input: &str) -> Result<Quantity, QuantityError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(QuantityError::Format);
        }
        let b = s.as_bytes();
        let mut pos = 0;
        let negative = match b[0] {
            b'-' => {
                pos = 1;
                true
            }
            b'+' => {
                pos = 1;
                false
            }
            _ => false,
        };
        while pos < b.len() && b[pos] == b'0' {
            pos += 1;
        }
        let num_start = pos;
        while pos < b.len() && b[pos].is_ascii_digit() {
            pos += 1;
        }
        let mut num = &s[num_start..pos];
        let mut denom = "";
        if pos < b.len() && b[pos] == b'.' {
            pos += 1;
            let d = pos;
            while pos < b.len() && b[pos].is_ascii_digit() {
                pos += 1;
            }
            denom = &s[d..pos];
        }
        let had_digits = s[..pos].bytes().any(|c| c.is_ascii_digit());
        if !had_digits {
            return Err(QuantityError::Format);
        }
        if num.is_empty() {
            num = "0";
        }
        let suffix = &s[pos..];
        let (base, exponent, format) = interpret_suffix(suffix)?;

        // Exact value: digits × base^exponent × 10^-len(denom).
        let digits: i128 = format!("{num}{denom}")
            .parse()
            .map_err(|_| QuantityError::Overflow)?;
        let scale10 = -(denom.len() as i32);
        let mut nano = digits;
        let (mut pow10, pow2) = if base == 2 {
            (scale10, exponent)
        } else {
            (scale10 + exponent, 0)
        };
        pow10 += 9;
        for _ in 0..pow2 {
            nano = nano.checked_mul(2).ok_or(QuantityError::Overflow)?;
        }
        if pow10 >= 0 {
            nano = nano
                .checked_mul(
                    10i128
                        .checked_pow(pow10 as u32)
                        .ok_or(QuantityError::Overflow)?,
                )
                .ok_or(QuantityError::Overflow)?;
        } else {
            let div = 10i128.checked_pow((-pow10) as u32).unwrap_or(i128::MAX);
            nano = ceil_div(nano, div);
        }
        let mut format = format;
        if format == Format::BinarySI {
            let cap = i128::from(i64::MAX) * NANO_PER_UNIT;
            nano = nano.min(cap);
            if nano > 0 && nano < NANO_PER_UNIT {
                format = Format::DecimalSI;
            }
        }
        if negative {
            nano = -nano;
        }
        let verbatim = echoes_verbatim(num, denom, base, exponent).then(|| s.to_owned());
        Ok(Quantity {
            nano,
            format,
            verbatim,
        })
    }

    /// The exact value in nano-units.
    pub fn nano(&self) -> i128 {
        self.nano
    }

    /// The value in whole units, rounded up (what `Value()` returns; PV binding compares it).
    pub fn value_ceil(&self) -> i128 {
        ceil_div(self.nano.abs(), NANO_PER_UNIT) * self.nano.signum()
    }

    /// The format of the input's suffix.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Rounds up to milli-units, as defaulting does for resource lists (§A.2).
    pub fn round_up_milli(&mut self) {
        let rounded = ceil_div(self.nano.abs(), 1_000_000) * 1_000_000 * self.nano.signum();
        if rounded != self.nano {
            self.nano = rounded;
            self.verbatim = None;
        }
    }

    /// The canonical string the API server stores and returns.
    pub fn canonical(&self) -> String {
        if let Some(v) = &self.verbatim {
            return v.clone();
        }
        if self.nano == 0 {
            return "0".to_owned();
        }
        let sign = if self.nano < 0 { "-" } else { "" };
        let abs = self.nano.abs();
        let whole = abs % NANO_PER_UNIT == 0;
        if self.format == Format::BinarySI && whole && abs >= 1024 * NANO_PER_UNIT {
            let mut m = abs / NANO_PER_UNIT;
            let mut k = 0;
            while k < 6 && m % 1024 == 0 {
                m /= 1024;
                k += 1;
            }
            return format!("{sign}{m}{}", ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][k]);
        }
        // m × 10^e with no trailing zeros in m, e counted from 10^-9.
        let mut m = abs;
        let mut e: i32 = -9;
        while m % 10 == 0 {
            m /= 10;
            e += 1;
        }
        while e.rem_euclid(3) != 0 {
            m *= 10;
            e -= 1;
        }
        match self.format {
            Format::DecimalExponent => {
                if e == 0 {
                    format!("{sign}{m}")
                } else {
                    format!("{sign}{m}e{e}")
                }
            }
            _ => {
                let suffix = match e {
                    -9 => "n",
                    -6 => "u",
                    -3 => "m",
                    0 => "",
                    3 => "k",
                    6 => "M",
                    9 => "G",
                    12 => "T",
                    15 => "P",
                    18 => "E",
                    // Upstream prints the bare mantissa past exa.
                    _ => "",
                };
                format!("{sign}{m}{suffix}")
            }
        }
    }
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        self.nano == other.nano
    }
}

impl Eq for Quantity {}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Quantity {
    fn cmp(&self, other: &Self) -> Ordering {
        self.nano.cmp(&other.nano)
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical())
    }
}

fn ceil_div(n: i128, d: i128) -> i128 {
    if n >= 0 { (n + d - 1) / d } else { -((-n) / d) }
}

/// `(base, exponent, format)` of a suffix.
fn interpret_suffix(suffix: &str) -> Result<(u32, i32, Format), QuantityError> {
    let decimal = |e| Ok((10, e, Format::DecimalSI));
    let binary = |e| Ok((2, e, Format::BinarySI));
    match suffix {
        "" => decimal(0),
        "n" => decimal(-9),
        "u" => decimal(-6),
        "m" => decimal(-3),
        "k" => decimal(3),
        "M" => decimal(6),
        "G" => decimal(9),
        "T" => decimal(12),
        "P" => decimal(15),
        "E" => decimal(18),
        "Ki" => binary(10),
        "Mi" => binary(20),
        "Gi" => binary(30),
        "Ti" => binary(40),
        "Pi" => binary(50),
        "Ei" => binary(60),
        _ => {
            let rest = suffix.strip_prefix(['e', 'E']).ok_or_else(|| {
                if suffix
                    .bytes()
                    .all(|c| b"eEinumkKMGTP+-0123456789".contains(&c))
                {
                    QuantityError::Suffix
                } else {
                    QuantityError::Format
                }
            })?;
            let digits = rest.strip_prefix(['+', '-']).unwrap_or(rest);
            if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
                return Err(QuantityError::Suffix);
            }
            let e: i32 = rest.parse().map_err(|_| QuantityError::Overflow)?;
            Ok((10, e, Format::DecimalExponent))
        }
    }
}

/// The API server's fast path keeps the input string when it already looks canonical.
fn echoes_verbatim(num: &str, denom: &str, base: u32, exponent: i32) -> bool {
    let shifted = format!("{num}{denom}");
    if base == 2 {
        // Only whole binary amounts with few enough digits take the fast path.
        let precision = 15 - num.len() as i32 - (exponent as f32 * 3.0 / 10.0) as i32 - 1;
        if !denom.is_empty() || precision < 0 {
            return false;
        }
        let Ok(v) = shifted.parse::<i64>() else {
            return false;
        };
        if v.checked_mul(1i64 << exponent.clamp(0, 62)).is_none() {
            return false;
        }
        return exponent % 10 == 0 && v & 0x07 != 0;
    }
    let precision = 18 - (num.len() + denom.len()) as i32;
    let scale = exponent - denom.len() as i32;
    if precision < 0 || scale < -9 || shifted.parse::<i64>().is_err() {
        return false;
    }
    scale % 3 == 0 && !shifted.ends_with("000") && !shifted.starts_with('0')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every example of the API server's quantity round-trips.
    #[test]
    fn canonical_forms_match_the_api_server() {
        let table = [
            ("1000m", "1"),
            ("1.5", "1500m"),
            (".5", "500m"),
            ("0.1", "100m"),
            ("0.1m", "100u"),
            ("2.5m", "2500u"),
            ("1000", "1k"),
            ("1000000", "1M"),
            ("2000k", "2M"),
            ("1.5M", "1500k"),
            ("1000M", "1G"),
            ("0.001", "1m"),
            ("1024", "1024"),
            ("1536", "1536"),
            ("1048576", "1048576"),
            ("1024Ki", "1Mi"),
            ("1024Mi", "1Gi"),
            ("3072Mi", "3Gi"),
            ("1.5Gi", "1536Mi"),
            ("0.5Gi", "512Mi"),
            ("1.5Mi", "1536Ki"),
            ("0.5Ki", "512"),
            ("1.5Ki", "1536"),
            ("1.1Ki", "1126400m"),
            ("0.1Gi", "107374182400m"),
            ("1000Mi", "1000Mi"),
            ("1000000Ki", "1000000Ki"),
            ("1e3", "1e3"),
            ("1.5e3", "1500"),
            ("123e1", "1230"),
            ("5e-1", "500e-3"),
            ("1e19", "10e18"),
            ("8Ei", "9223372036854775807"),
            ("1.0", "1"),
            ("-100m", "-100m"),
            ("100u", "100u"),
            // The verbatim-echo quirk (§D.3).
            ("+1", "+1"),
            ("01", "01"),
            ("1.", "1."),
            ("1.G", "1.G"),
            ("1E3", "1E3"),
            ("1.23e2", "1.23e2"),
            ("1000E", "1"),
            ("1.5E", "1500P"),
            ("0", "0"),
        ];
        for (input, want) in table {
            let q = Quantity::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(q.canonical(), want, "{input}");
        }
    }

    #[test]
    fn milli_round_up() {
        for (input, want) in [
            ("0.1m", "1m"),
            ("2.5m", "3m"),
            ("100u", "1m"),
            ("1Gi", "1Gi"),
            ("1", "1"),
        ] {
            let mut q = Quantity::parse(input).unwrap();
            q.round_up_milli();
            assert_eq!(q.canonical(), want, "{input}");
        }
    }

    #[test]
    fn rejects_what_the_api_server_rejects() {
        for bad in ["", "1e", "1mi", "1KB", "1Gb", "0x10", "abc", "Gi", "."] {
            assert!(Quantity::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn compares_exactly() {
        let a = Quantity::parse("1Gi").unwrap();
        let b = Quantity::parse("1073741824").unwrap();
        let c = Quantity::parse("1G").unwrap();
        assert_eq!(a, b);
        assert!(c < a);
        assert_eq!(Quantity::parse("1500m").unwrap().value_ceil(), 2);
    }
}
