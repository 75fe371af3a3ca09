//! A fast checksum for bytes k8lint wrote itself and reads back (the kept parses): it
//! finds damage (a changed, lost or added byte), not forgery. What an input's author
//! could aim at (which entry a text reads) is keyed by SHA-256 instead.

/// An odd multiplier (2^64 divided by the golden ratio): multiplying by it is a bijection
/// of 64-bit words.
const K: u64 = 0x9e37_79b9_7f4a_7c15;

/// The checksum of `bytes`. Each step maps the state one-to-one for a given word, and
/// each word one-to-one for a given state, so changing any one 8-byte word always changes
/// the result; the length is its seed.
pub fn checksum(bytes: &[u8]) -> u64 {
    let step = |h: u64, word: u64| (h.rotate_left(23) ^ word).wrapping_mul(K);
    let mut h = bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let mut word = [0; 8];
        word.copy_from_slice(w);
        h = step(h, u64::from_le_bytes(word));
    }
    let mut last = [0; 8];
    last[..words.remainder().len()].copy_from_slice(words.remainder());
    h = step(h, u64::from_le_bytes(last));
    h ^ (h >> 29)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_changed_byte_or_length_changes_it() {
        let bytes: Vec<u8> = (0..100u8).collect();
        let whole = checksum(&bytes);
        for i in 0..bytes.len() {
            for bit in 0..8 {
                let mut changed = bytes.clone();
                changed[i] ^= 1 << bit;
                assert_ne!(checksum(&changed), whole, "byte {i} bit {bit}");
            }
            assert_ne!(checksum(&bytes[..i]), whole, "cut at {i}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_ne!(checksum(&longer), whole);
    }
}
