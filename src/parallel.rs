//! Work spread over every core, results handed back in input order.
//!
//! Verification is CPU-bound and independent per credential, so batches
//! (import, `verify`, bundles) run it on all cores; what consumes the results
//! (storing, printing) stays on the calling thread, in order.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Runs `work(i)` for every `i < count` on up to one thread per core and calls
/// `sink(i, result)` on the calling thread in increasing `i`, each as soon as
/// it and every earlier result are done.
pub fn map_ordered<T, W, S>(count: usize, work: W, mut sink: S)
where
    T: Send,
    W: Fn(usize) -> T + Sync,
    S: FnMut(usize, T),
{
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(count);
    if workers <= 1 {
        (0..count).for_each(|i| sink(i, work(i)));
        return;
    }
    let next = AtomicUsize::new(0);
    let (tx, rx) = std::sync::mpsc::sync_channel(workers * 4);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let tx = tx.clone();
            let (next, work) = (&next, &work);
            scope.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count || tx.send((i, work(i))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        // Workers take inputs in order, so few results wait here for an earlier one.
        let mut waiting = BTreeMap::new();
        let mut due = 0;
        for (i, result) in rx {
            waiting.insert(i, result);
            while let Some(result) = waiting.remove(&due) {
                sink(due, result);
                due += 1;
            }
        }
    });
}

/// [`map_ordered`] collected into a `Vec`.
pub fn map_collect<T: Send>(count: usize, work: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let mut out = Vec::with_capacity(count);
    map_ordered(count, work, |_, result| out.push(result));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_input_order_whatever_finishes_first() {
        let work = |i: usize| {
            // Early items take longest, so later ones finish first.
            std::thread::sleep(std::time::Duration::from_millis((20 - i as u64) / 4));
            i * 10
        };
        let mut seen = Vec::new();
        map_ordered(20, work, |i, r| seen.push((i, r)));
        assert_eq!(seen, (0..20).map(|i| (i, i * 10)).collect::<Vec<_>>());
        assert_eq!(map_collect(3, |i| i + 1), vec![1, 2, 3]);
        assert!(map_collect(0, |i| i).is_empty());
    }
}
