//! Putting a list of large items in a worked-out order, moving each item once.

/// Reorder `items` so that `items[r]` becomes the item that was at `order[r]`, moving each item
/// once (by cycles of swaps). `order` must be a permutation of `0..items.len()`; it is used up.
pub fn permute_in_place<T>(items: &mut [T], order: &mut [u32]) {
    debug_assert_eq!(items.len(), order.len());
    const DONE: u32 = u32::MAX;
    for start in 0..items.len() {
        if order[start] == DONE {
            continue;
        }
        // follow the cycle through `start`: each swap puts one item in its place
        let mut r = start;
        loop {
            let src = order[r] as usize;
            order[r] = DONE;
            if src == start {
                break;
            }
            items.swap(r, src);
            r = src;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::permute_in_place;

    #[test]
    fn permute_in_place_moves_each_item_to_its_ordered_place() {
        // every permutation of 0..5 (and some longer cycles): items[r] ends as old[order[r]]
        let mut orders: Vec<Vec<u32>> = vec![vec![], vec![0], vec![1, 0], vec![2, 0, 1]];
        let mut p = vec![0u32, 1, 2, 3, 4];
        for _ in 0..120 {
            orders.push(p.clone());
            // next permutation (lexicographic)
            let Some(i) = (0..p.len() - 1).rev().find(|&i| p[i] < p[i + 1]) else {
                break;
            };
            let j = (i + 1..p.len())
                .rev()
                .find(|&j| p[j] > p[i])
                .expect("exists");
            p.swap(i, j);
            p[i + 1..].reverse();
        }
        orders.push((0..1000).map(|k| (k * 7 + 3) % 1000).collect());
        for order in orders {
            let old: Vec<String> = (0..order.len()).map(|k| format!("row {k}")).collect();
            let want: Vec<String> = order.iter().map(|&k| old[k as usize].clone()).collect();
            let mut items = old.clone();
            let mut o = order.clone();
            permute_in_place(&mut items, &mut o);
            assert_eq!(items, want, "order {order:?}");
        }
    }
}
