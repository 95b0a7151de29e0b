//! Work split across the machine's cores, results kept in order.

use std::ops::Range;

/// How many threads to use for work that splits (at most 8). Worked out once: asking the
/// system reads several files (the cgroup's CPU quota), a few milliseconds each time.
pub fn threads() -> usize {
    static THREADS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *THREADS.get_or_init(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 8)
    })
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

/// `(0..n).map(f)` on the machine's cores, each result written straight into its place in the
/// one list returned: no per-thread lists to put together afterwards, so large results (flag's
/// rows) are held once, not twice.
pub fn map_into_place<T: Send>(
    n: usize,
    min_chunk: usize,
    f: impl Fn(usize) -> T + Sync,
) -> Vec<T> {
    let chunk = n.div_ceil(threads()).max(min_chunk).max(1);
    if n <= chunk {
        return (0..n).map(f).collect();
    }
    let mut slots: Vec<Option<T>> = Vec::with_capacity(n);
    slots.resize_with(n, || None);
    std::thread::scope(|sc| {
        let f = &f;
        for (c, part) in slots.chunks_mut(chunk).enumerate() {
            sc.spawn(move || {
                for (k, slot) in part.iter_mut().enumerate() {
                    *slot = Some(f(c * chunk + k));
                }
            });
        }
    });
    // the same memory, taken over in place where `Option<T>` is the size of `T` (a niche)
    slots
        .into_iter()
        .map(|s| s.expect("every slot is filled by its thread"))
        .collect()
}

/// Split `items` into one part per thread (none shorter than `min_chunk`, except the last), run
/// `f` on each part on its own thread, and return the results in order. Small work runs on the
/// calling thread.
pub fn map_parts_mut<T: Send, R: Send>(
    items: &mut [T],
    min_chunk: usize,
    f: impl Fn(&mut [T]) -> R + Sync,
) -> Vec<R> {
    let chunk = items.len().div_ceil(threads()).max(min_chunk).max(1);
    if items.len() <= chunk {
        return vec![f(items)];
    }
    std::thread::scope(|sc| {
        let f = &f;
        let handles: Vec<_> = items
            .chunks_mut(chunk)
            .map(|part| sc.spawn(move || f(part)))
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

    #[test]
    fn parts_cover_every_item_once_in_order() {
        for n in [0, 1, 5, 1000, 10_001] {
            let mut items: Vec<usize> = (0..n).collect();
            let firsts = map_parts_mut(&mut items, 7, |part| {
                let first = part.first().copied();
                part.iter_mut().for_each(|x| *x *= 2);
                first
            });
            assert_eq!(items, (0..n).map(|x| x * 2).collect::<Vec<_>>());
            let mut firsts: Vec<usize> = firsts.into_iter().flatten().collect();
            assert!(firsts.is_sorted(), "{firsts:?}");
            firsts.dedup();
            assert_eq!(firsts.first().copied(), (n > 0).then_some(0));
        }
    }

    #[test]
    fn map_into_place_gives_each_result_in_its_place() {
        for n in [0, 1, 6, 7, 8, 1000, 10_001] {
            let got = map_into_place(n, 7, |i| format!("item {i}"));
            let want: Vec<String> = (0..n).map(|i| format!("item {i}")).collect();
            assert_eq!(got, want, "{n} items");
        }
    }
}
