//! Test helper: deterministic text mutations for the property tests of the loader and the
//! importer (no randomness crate needed, the same inputs on every run).

/// Mutates text with a xorshift generator.
pub(crate) struct Mutator {
    state: u64,
}

impl Mutator {
    pub(crate) fn new(seed: u64) -> Mutator {
        Mutator { state: seed.max(1) }
    }

    /// A number below `n`.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        (self.state % n.max(1) as u64) as usize
    }

    /// `base` with 1 to `max_edits` edits: a piece inserted, a character removed, or a
    /// character replaced by a piece's first one.
    pub(crate) fn mutate(&mut self, base: &str, pieces: &[&str], max_edits: usize) -> String {
        let mut text: Vec<char> = base.chars().collect();
        for _ in 0..1 + self.below(max_edits) {
            let at = self.below(text.len());
            let piece = pieces[self.below(pieces.len())];
            match self.below(3) {
                0 => {
                    for (k, c) in piece.chars().enumerate() {
                        text.insert(at + k, c);
                    }
                }
                1 => {
                    text.remove(at);
                }
                _ => text[at] = piece.chars().next().unwrap_or(' '),
            }
        }
        text.into_iter().collect()
    }
}
