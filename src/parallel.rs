//! Work split across the machine's cores, results kept in order.

use std::ops::Range;

/// How many threads to use for work that splits (at most 8).
pub fn threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8)
}

/// Split `0..n` into one range per thread (none shorter than `min_chunk`, except the last), run
/// `f` on each range on its own thread, and return the results in range order. Small work runs
/// on the calling thread.
pub fn map_ranges<R: Send>(
    n: usize,
    min_chunk: usize,
    f: impl Fn(Range<usize>) -> R + Sync,
) -> Vec<R> {
    let chunk = n.div_ceil(threads()).max(min_chunk).max(1);
    if n <= chunk {
        return vec![f(0..n)];
    }
    std::thread::scope(|sc| {
        let f = &f;
        let handles: Vec<_> = (0..n)
            .step_by(chunk)
            .map(|start| sc.spawn(move || f(start..(start + chunk).min(n))))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("worker thread"))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_cover_everything_once_in_order() {
        for n in [0, 1, 5, 1000, 10_001] {
            let parts = map_ranges(n, 7, |r| r.collect::<Vec<_>>());
            let all: Vec<usize> = parts.into_iter().flatten().collect();
            assert_eq!(all, (0..n).collect::<Vec<_>>());
        }
    }
}
