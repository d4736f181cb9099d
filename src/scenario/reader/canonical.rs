//! The canonical order of a scenario's lists (MODEL.md 11.13): destinations,
//! segments and components sorted by name, every list indexed by them
//! permuted alike, and the file's order kept in [`Order`] for the outputs.
//! The model then processes them in this order wherever it accumulates (sums
//! of stocks and costs, products of ratios, the split of leavers among
//! destinations), so two files that differ only in the order of their keys
//! give bit-identical results.

use super::super::{Order, Scenario};

/// The file positions of `names` in sorted order (names are unique).
fn sorted_positions<'a>(names: impl Iterator<Item = &'a str>) -> Vec<usize> {
    let names: Vec<&str> = names.collect();
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by(|&a, &b| names[a].cmp(names[b]));
    order
}

/// `items` in the order of `positions`.
fn permute<T: Clone>(items: &[T], positions: &[usize]) -> Vec<T> {
    positions.iter().map(|&p| items[p].clone()).collect()
}

/// The scenario with its lists in canonical order.
pub(super) fn order(mut sc: Scenario) -> Scenario {
    let dests = sorted_positions(sc.destinations.iter().map(|d| d.name.as_str()));
    let segs = sorted_positions(sc.segments.iter().map(|s| s.name.as_str()));
    sc.destinations = permute(&sc.destinations, &dests);
    for seg in &mut sc.segments {
        seg.exit = permute(&seg.exit, &dests);
        seg.initial_destinations = permute(&seg.initial_destinations, &dests);
    }
    sc.segments = permute(&sc.segments, &segs);
    let mut comps = Vec::new();
    if let Some(iv) = &mut sc.intervention {
        iv.targeted = permute(&iv.targeted, &segs);
        if let Some(c) = &mut iv.caseload {
            c.affects = permute(&c.affects, &dests);
            c.segments = permute(&c.segments, &segs);
        }
        for c in &mut iv.components {
            c.hr = permute(&c.hr, &dests);
            c.relapse_hr = permute(&c.relapse_hr, &dests);
            c.segments = permute(&c.segments, &segs);
        }
        comps = sorted_positions(iv.components.iter().map(|c| c.name.as_str()));
        iv.components = permute(&iv.components, &comps);
    }
    sc.order = Order {
        destinations: dests,
        segments: segs,
        components: comps,
    };
    sc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_sort_by_name_and_permute_alike() {
        let names = ["job", "education", "other"];
        let order = sorted_positions(names.into_iter());
        assert_eq!(order, [1, 0, 2]);
        assert_eq!(permute(&names, &order), ["education", "job", "other"]);
        // The names in the file's order come back from the positions.
        let sorted = permute(&names, &order);
        assert_eq!(Order::as_given(&order, &sorted, |n| n), names);
    }
}
