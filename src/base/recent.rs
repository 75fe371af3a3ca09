//! The last few things a thread made and may be asked for again, most recent last: at
//! most so many, and no more than so many bytes but for the newest. The stages that read
//! let-go trees and packed texts visit findings grouped by document, so what was made
//! last is what is asked for next.

/// A bounded list of recent items, for a thread-local cache.
pub struct Recent<T> {
    items: Vec<T>,
    most: usize,
    bytes: usize,
}

impl<T> Recent<T> {
    /// An empty list keeping at most `most` items and `bytes` bytes (by the size each item
    /// is given when kept), the newest always.
    pub const fn new(most: usize, bytes: usize) -> Recent<T> {
        Recent {
            items: Vec::new(),
            most,
            bytes,
        }
    }

    /// The most recent item for which `hit` holds, made the newest.
    pub fn find(&mut self, hit: impl Fn(&T) -> bool) -> Option<&T> {
        let at = self.items.iter().position(hit)?;
        let item = self.items.remove(at);
        self.items.push(item);
        self.items.last()
    }

    /// Keeps `item` as the newest, letting go of the oldest past the bounds.
    pub fn keep(&mut self, item: T, size: impl Fn(&T) -> usize) {
        self.items.push(item);
        while self.items.len() > self.most
            || (self.items.len() > 1 && self.items.iter().map(&size).sum::<usize>() > self.bytes)
        {
            self.items.remove(0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Recent;

    #[test]
    fn the_oldest_go_first_past_either_bound() {
        let mut recent = Recent::new(3, 10);
        for n in [1, 2, 3, 4] {
            recent.keep(n, |_| 1);
        }
        assert_eq!(recent.items, [2, 3, 4], "at most three");
        assert_eq!(recent.find(|&n| n == 2), Some(&2));
        assert_eq!(recent.items, [3, 4, 2], "found, made the newest");
        recent.keep(9, |&n| n);
        assert_eq!(recent.items, [9], "past ten bytes but for the newest");
        recent.keep(20, |&n| n);
        assert_eq!(recent.items, [20], "the newest is kept whatever its size");
        assert_eq!(recent.find(|&n| n == 9), None);
    }
}
