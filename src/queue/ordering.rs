//! Who is called next. The one place the call order is decided:
//!
//! 1. a priority ticket (lansia, disabilitas, ibu hamil/menyusui, anak) that has waited longer than
//!    the bound is called first: it never waits longer than that behind later normal tickets;
//! 2. then an appointment whose slot has come, earliest slot first;
//! 3. then a priority ticket, if `priority_every` normal tickets were called since the last priority
//!    one (the ratio: one priority after every N normal), or if no normal ticket is waiting;
//! 4. then the normal ticket that has waited longest;
//! 5. an appointment whose slot has not come yet is called only when nobody else waits.

use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub priority: bool,
    /// The place in line (arrival, kept on transfer).
    pub queued_at: DateTime<Utc>,
    /// The appointment slot, for tickets checked in on time.
    pub slot_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Normal calls between two priority calls.
    pub priority_every: u32,
    /// The longest a priority ticket waits while later normal tickets are called.
    pub priority_max_wait: Duration,
}

/// The index of the ticket to call, given how many normal tickets were called since the last
/// priority ticket. `None` only when nobody waits.
pub fn pick_next(waiting: &[Candidate], normals_since_priority: u32, now: DateTime<Utc>, policy: &Policy) -> Option<usize> {
    let oldest = |pred: &dyn Fn(&Candidate) -> bool, key: &dyn Fn(&Candidate) -> DateTime<Utc>| {
        waiting.iter().enumerate().filter(|(_, c)| pred(c)).min_by_key(|(i, c)| (key(c), *i)).map(|(i, _)| i)
    };
    let by_queue = |c: &Candidate| c.queued_at;
    let is_priority = |c: &Candidate| c.priority && c.slot_at.is_none();
    let is_normal = |c: &Candidate| !c.priority && c.slot_at.is_none();
    let priority = oldest(&is_priority, &by_queue);
    if let Some(p) = priority {
        if now - waiting[p].queued_at > policy.priority_max_wait {
            return Some(p);
        }
    }
    let due = oldest(&|c| c.slot_at.is_some_and(|s| s <= now), &|c| c.slot_at.unwrap_or(c.queued_at));
    if due.is_some() {
        return due;
    }
    let normal = oldest(&is_normal, &by_queue);
    if let Some(p) = priority {
        if normals_since_priority >= policy.priority_every || normal.is_none() {
            return Some(p);
        }
    }
    normal.or_else(|| oldest(&|c| c.slot_at.is_some(), &|c| c.slot_at.unwrap_or(c.queued_at)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 21, 1, 0, 0).unwrap()
    }
    fn policy() -> Policy {
        Policy { priority_every: 2, priority_max_wait: Duration::minutes(10) }
    }
    fn walk_in(min: i64, priority: bool) -> Candidate {
        Candidate { priority, queued_at: t0() + Duration::minutes(min), slot_at: None }
    }

    #[test]
    fn one_priority_after_every_two_normal() {
        let w = vec![walk_in(0, false), walk_in(1, false), walk_in(2, true), walk_in(3, false)];
        let now = t0() + Duration::minutes(4);
        assert_eq!(pick_next(&w, 0, now, &policy()), Some(0));
        assert_eq!(pick_next(&w, 1, now, &policy()), Some(0));
        assert_eq!(pick_next(&w, 2, now, &policy()), Some(2));
    }

    #[test]
    fn a_priority_ticket_past_the_bound_goes_first() {
        let w = vec![walk_in(0, false), walk_in(1, true)];
        assert_eq!(pick_next(&w, 0, t0() + Duration::minutes(5), &policy()), Some(0));
        assert_eq!(pick_next(&w, 0, t0() + Duration::minutes(12), &policy()), Some(1));
    }

    #[test]
    fn appointments_go_at_their_slot_and_wait_until_then() {
        let appt = Candidate { priority: false, queued_at: t0(), slot_at: Some(t0() + Duration::minutes(30)) };
        let w = vec![appt.clone(), walk_in(5, false)];
        assert_eq!(pick_next(&w, 0, t0() + Duration::minutes(10), &policy()), Some(1));
        assert_eq!(pick_next(&w, 0, t0() + Duration::minutes(30), &policy()), Some(0));
        // Alone in the room, an early appointment is served rather than leaving the counter idle.
        assert_eq!(pick_next(&[appt], 0, t0(), &policy()), Some(0));
        assert_eq!(pick_next(&[], 0, t0(), &policy()), None);
    }

    /// Calls everybody, one by one, as a counter would; returns the order and the call times.
    fn simulate(w: &[Candidate], p: &Policy, step: Duration) -> Vec<(usize, DateTime<Utc>)> {
        let mut left: Vec<usize> = (0..w.len()).collect();
        let mut order = Vec::new();
        let mut normals = 0;
        let mut now = t0();
        while !left.is_empty() {
            let view: Vec<Candidate> = left.iter().map(|&i| w[i].clone()).collect();
            let k = pick_next(&view, normals, now, p).expect("someone waits");
            let i = left.remove(k);
            if w[i].priority && w[i].slot_at.is_none() {
                normals = 0;
            } else if w[i].slot_at.is_none() {
                normals += 1;
            }
            order.push((i, now));
            now += step;
        }
        order
    }

    fn arb_queue() -> impl Strategy<Value = Vec<Candidate>> {
        prop::collection::vec((0i64..60, any::<bool>(), prop::option::weighted(0.15, 0i64..90)), 1..40).prop_map(|v| {
            v.into_iter()
                .map(|(m, p, slot)| Candidate {
                    priority: p,
                    queued_at: t0() + Duration::minutes(m) - Duration::minutes(60),
                    slot_at: slot.map(|s| t0() + Duration::minutes(s)),
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn everybody_is_called_exactly_once(w in arb_queue(), every in 1u32..4, step in 1i64..6) {
            let p = Policy { priority_every: every, priority_max_wait: Duration::minutes(10) };
            let order = simulate(&w, &p, Duration::minutes(step));
            let mut seen: Vec<usize> = order.iter().map(|(i, _)| *i).collect();
            seen.sort();
            prop_assert_eq!(seen, (0..w.len()).collect::<Vec<_>>());
        }

        #[test]
        fn normal_walk_ins_keep_their_order(w in arb_queue(), every in 1u32..4) {
            let p = Policy { priority_every: every, priority_max_wait: Duration::minutes(10) };
            let order = simulate(&w, &p, Duration::minutes(2));
            let normals: Vec<DateTime<Utc>> = order.iter().map(|(i, _)| &w[*i])
                .filter(|c| !c.priority && c.slot_at.is_none()).map(|c| c.queued_at).collect();
            prop_assert!(normals.windows(2).all(|p| p[0] <= p[1]));
        }

        /// A normal ticket that came later than a waiting priority ticket is never called while that
        /// priority ticket has waited past the bound.
        #[test]
        fn priority_never_waits_past_the_bound_behind_later_normals(w in arb_queue(), every in 1u32..5, bound in 0i64..20) {
            let p = Policy { priority_every: every, priority_max_wait: Duration::minutes(bound) };
            let order = simulate(&w, &p, Duration::minutes(3));
            for (pos, (i, at)) in order.iter().enumerate() {
                let c = &w[*i];
                if c.priority || c.slot_at.is_some() { continue; }
                for (j, _) in &order[pos + 1..] {
                    let q = &w[*j];
                    if q.priority && q.slot_at.is_none() && q.queued_at < c.queued_at {
                        prop_assert!(*at - q.queued_at <= p.priority_max_wait,
                            "normal {} called at {} while priority {} waited {} min", i, at, j, (*at - q.queued_at).num_minutes());
                    }
                }
            }
        }

        /// While priority and normal walk-ins both wait, at most `every` normals are called in a row.
        #[test]
        fn the_ratio_holds_while_both_wait(n_normal in 3usize..20, n_prio in 1usize..8, every in 1u32..4) {
            let mut w: Vec<Candidate> = (0..n_normal).map(|i| walk_in(i as i64, false)).collect();
            w.extend((0..n_prio).map(|i| walk_in(i as i64, true)));
            let p = Policy { priority_every: every, priority_max_wait: Duration::hours(10) };
            let order = simulate(&w, &p, Duration::minutes(1));
            let mut run = 0u32;
            let mut prio_left = n_prio;
            for (i, _) in order {
                if w[i].priority { prio_left -= 1; run = 0; } else {
                    run += 1;
                    if prio_left > 0 { prop_assert!(run <= every, "{} normals in a row with priority waiting", run); }
                }
            }
        }
    }
}
