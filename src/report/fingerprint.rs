//! GitHub code scanning's `primaryLocationLineHash`, computed exactly as the `upload-sarif`
//! action does (github/codeql-action `src/fingerprints.ts`, function `hash`), so that our value
//! and the action's agree and alerts keep their identity across runs and upload paths.
//!
//! The algorithm: a rolling polynomial hash (multiplier 37, 64-bit wrapping arithmetic) over a
//! window of the next 100 UTF-16 code units, starting at the first character of each line. Spaces
//! and tabs are skipped; `\r\n`, `\r` and `\n` all count as one `\n`; the end of the text is the
//! code unit 65535 followed by zeros. The value for a line is the unsigned hash in lower-case hex
//! without leading zeros, then `:` and how many lines so far had the same hash (1 for the first).

const BLOCK_SIZE: usize = 100;
const MOD: u64 = 37;
const EOF: u16 = 65535;

/// The `primaryLocationLineHash` of every line of `text`: element `i` is 1-based line `i + 1`.
///
/// Lines are counted as the action counts them (`\r\n`, `\r` and `\n` end a line), plus one final
/// entry for the position after a trailing line break.
pub fn line_hashes(text: &str) -> Vec<String> {
    let mut h = Hasher::new();
    for unit in text.encode_utf16() {
        h.process(unit);
    }
    h.process(EOF);
    for _ in 0..BLOCK_SIZE {
        if h.line_numbers[h.index] != -1 {
            h.output();
        }
        h.update(0);
    }
    h.out
}

struct Hasher {
    window: [u16; BLOCK_SIZE],
    line_numbers: [i64; BLOCK_SIZE],
    hash: u64,
    first_mod: u64,
    index: usize,
    line_number: i64,
    line_start: bool,
    prev_cr: bool,
    counts: std::collections::HashMap<u64, u32>,
    out: Vec<String>,
}

impl Hasher {
    fn new() -> Hasher {
        Hasher {
            window: [0; BLOCK_SIZE],
            line_numbers: [-1; BLOCK_SIZE],
            hash: 0,
            first_mod: (0..BLOCK_SIZE).fold(1u64, |m, _| m.wrapping_mul(MOD)),
            index: 0,
            line_number: 0,
            line_start: true,
            prev_cr: false,
            counts: Default::default(),
            out: Vec::new(),
        }
    }

    fn output(&mut self) {
        let n = self.counts.entry(self.hash).or_insert(0);
        *n += 1;
        // Lines are reported in order, so the line number is the next slot of `out`.
        debug_assert_eq!(self.line_numbers[self.index], self.out.len() as i64 + 1);
        self.out.push(format!("{:x}:{n}", self.hash));
        self.line_numbers[self.index] = -1;
    }

    fn update(&mut self, current: u16) {
        let begin = self.window[self.index];
        self.window[self.index] = current;
        self.hash = MOD
            .wrapping_mul(self.hash)
            .wrapping_add(u64::from(current))
            .wrapping_sub(self.first_mod.wrapping_mul(u64::from(begin)));
        self.index = (self.index + 1) % BLOCK_SIZE;
    }

    fn process(&mut self, mut current: u16) {
        const SPACE: u16 = b' ' as u16;
        const TAB: u16 = b'\t' as u16;
        const LF: u16 = b'\n' as u16;
        const CR: u16 = b'\r' as u16;
        if current == SPACE || current == TAB || (self.prev_cr && current == LF) {
            self.prev_cr = false;
            return;
        }
        if current == CR {
            current = LF;
            self.prev_cr = true;
        } else {
            self.prev_cr = false;
        }
        if self.line_numbers[self.index] != -1 {
            self.output();
        }
        if self.line_start {
            self.line_start = false;
            self.line_number += 1;
            self.line_numbers[self.index] = self.line_number;
        }
        if current == LF {
            self.line_start = true;
        }
        self.update(current);
    }
}

#[cfg(test)]
mod tests {
    use super::line_hashes;

    // Expected values from github/codeql-action `src/fingerprints.test.ts`.
    #[test]
    fn matches_the_upload_action() {
        assert_eq!(line_hashes(""), ["c129715d7a2bc9a3:1"]);
        assert_eq!(
            line_hashes(" a\nb\n  \t\tc\n d"),
            [
                "271789c17abda88f:1",
                "54703d4cd895b18:1",
                "180aee12dab6264:1",
                "a23a3dc5e078b07b:1"
            ]
        );
        let expected = [
            "e9496ae3ebfced30:1",
            "fb7c023a8b9ccb3f:1",
            "ce8ba1a563dcdaca:1",
            "e20e36e16fcb0cc8:1",
            "b3edc88f2938467e:1",
            "c8e28b0b4002a3a0:1",
            "c129715d7a2bc9a3:1",
        ];
        for text in [
            " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n",
            " hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r",
            " hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n",
            " hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n",
        ] {
            assert_eq!(line_hashes(text), expected, "{text:?}");
        }
        assert_eq!(
            line_hashes(" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End"),
            [
                "8b7cf3e952e7aeb2:1",
                "b1ae1287ec4718d9:1",
                "bff680108adb0fcc:1",
                "c6805c5e1288b612:1",
                "b86d3392aea1be30:1",
                "e6ceba753e1a442:1",
            ]
        );
        assert_eq!(
            line_hashes(&"Lorem ipsum dolor sit amet.\n".repeat(10)),
            [
                "a7f2ff13bc495cf2:1",
                "a7f2ff13bc495cf2:2",
                "a7f2ff13bc495cf2:3",
                "a7f2ff13bc495cf2:4",
                "a7f2ff13bc495cf2:5",
                "a7f2ff13bc495cf2:6",
                "a7f2ff1481e87703:1",
                "a9cf91f7bbf1862b:1",
                "55ec222b86bcae53:1",
                "cc97dc7b1d7d8f7b:1",
                "c129715d7a2bc9a3:1"
            ]
        );
    }
}
