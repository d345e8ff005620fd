//! How the uploader cuts the outbox into batches, without I/O so every branch can be tested: how many
//! of the waiting records go next (by count and by raw bytes), and what central refusing a batch
//! (413 too large, 400 unreadable) means: halve and try again, until the batch is the one record at
//! fault, which is then set aside for a person so it never blocks the rest.

use super::wire;

/// The caps on one batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub records: usize,
    /// Raw record bytes (`WireRecord::raw_len`); a single record above it still goes, alone.
    pub bytes: usize,
}

impl Limits {
    /// The office's caps: 200 records, 4 MiB.
    pub const OFFICE: Limits = Limits { records: wire::MAX_BATCH_RECORDS, bytes: wire::MAX_BATCH_BYTES };
}

/// Where halving stands: after central refused a batch, the most records a batch may carry until
/// central accepts one again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Shrink {
    at_most: Option<usize>,
}

impl Shrink {
    /// How many waiting records to read for the next batch (never zero).
    pub fn record_cap(self, limits: Limits) -> usize {
        self.at_most.map_or(limits.records, |n| n.min(limits.records)).max(1)
    }
}

/// What to do after central refused a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Read again from what is still waiting, with this (halved) cap.
    Retry(Shrink),
    /// The batch was one record: set that record aside. The cap stays as it is until central
    /// accepts a batch.
    SetAside,
}

/// How many of the waiting records, given their raw sizes in outbox order, go in the next batch:
/// as many as the record cap allows while the bytes stay within the byte cap, and always the first
/// (a record larger than the byte cap goes alone). Zero only when nothing waits.
///
/// `sizes` is pulled lazily and never past what the answer needs: at most the record cap, and one
/// record past the byte cap, so the caller can encode records as they are asked for.
pub fn next_batch_len(sizes: impl IntoIterator<Item = usize>, limits: Limits, shrink: Shrink) -> usize {
    let (mut count, mut bytes) = (0usize, 0usize);
    for size in sizes.into_iter().take(shrink.record_cap(limits)) {
        if count > 0 && bytes.saturating_add(size) > limits.bytes {
            break;
        }
        count += 1;
        bytes = bytes.saturating_add(size);
    }
    count
}

/// Central refused a batch of `records` records.
pub fn refused(records: usize) -> Refusal {
    if records > 1 {
        Refusal::Retry(Shrink { at_most: Some(records / 2) })
    } else {
        Refusal::SetAside
    }
}

/// Central accepted a batch: full-size batches again.
pub fn accepted() -> Shrink {
    Shrink::default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: usize = 1024 * 1024;

    #[test]
    fn office_limits_are_200_records_and_4_mib() {
        assert_eq!(Limits::OFFICE, Limits { records: 200, bytes: 4 * MIB });
        assert_eq!(Shrink::default().record_cap(Limits::OFFICE), 200);
    }

    #[test]
    fn nothing_waiting_is_an_empty_batch() {
        assert_eq!(next_batch_len([], Limits::OFFICE, Shrink::default()), 0);
    }

    #[test]
    fn small_records_are_cut_by_count() {
        assert_eq!(next_batch_len(vec![1_000; 250], Limits::OFFICE, Shrink::default()), 200);
        assert_eq!(next_batch_len(vec![1_000; 150], Limits::OFFICE, Shrink::default()), 150);
        assert_eq!(next_batch_len(vec![1_000; 200], Limits::OFFICE, Shrink::default()), 200);
    }

    #[test]
    fn large_records_are_cut_by_bytes() {
        // Exactly at the cap still fits; one byte more does not.
        assert_eq!(next_batch_len(vec![MIB; 10], Limits::OFFICE, Shrink::default()), 4);
        assert_eq!(next_batch_len([MIB, MIB, MIB, MIB + 1], Limits::OFFICE, Shrink::default()), 3);
        assert_eq!(next_batch_len(vec![3 * MIB / 2; 10], Limits::OFFICE, Shrink::default()), 2);
        // Sizes are summed in order: a big record ends the batch even if smaller ones follow.
        assert_eq!(next_batch_len([3 * MIB, 2 * MIB, 10, 10], Limits::OFFICE, Shrink::default()), 1);
    }

    #[test]
    fn a_record_larger_than_the_byte_cap_goes_alone() {
        assert_eq!(next_batch_len([5 * MIB, 10, 10], Limits::OFFICE, Shrink::default()), 1);
        // Behind smaller ones it waits for the next batch, which it then has to itself.
        assert_eq!(next_batch_len([10, 10, 5 * MIB, 10], Limits::OFFICE, Shrink::default()), 2);
        assert_eq!(next_batch_len([5 * MIB, 10], Limits::OFFICE, Shrink::default()), 1);
        // Even one without any bound on its size.
        assert_eq!(next_batch_len([usize::MAX, 1], Limits::OFFICE, Shrink::default()), 1);
    }

    #[test]
    fn sizes_are_pulled_no_further_than_needed() {
        let mut pulled = 0;
        let sizes = std::iter::repeat(10).inspect(|_| pulled += 1);
        assert_eq!(next_batch_len(sizes, Limits::OFFICE, Shrink::default()), 200);
        assert_eq!(pulled, 200, "never past the record cap");

        let mut pulled = 0;
        let sizes = std::iter::repeat(MIB).inspect(|_| pulled += 1);
        assert_eq!(next_batch_len(sizes, Limits::OFFICE, Shrink::default()), 4);
        assert_eq!(pulled, 5, "one past the byte cap");
    }

    #[test]
    fn refusals_halve_down_to_one_record_which_is_set_aside() {
        let waiting = vec![1_000; 500];
        let mut shrink = Shrink::default();
        let mut sent = Vec::new();
        loop {
            let n = next_batch_len(waiting.iter().copied(), Limits::OFFICE, shrink);
            sent.push(n);
            match refused(n) {
                Refusal::Retry(smaller) => {
                    assert!(smaller.record_cap(Limits::OFFICE) < n);
                    shrink = smaller;
                }
                Refusal::SetAside => break,
            }
        }
        assert_eq!(sent, [200, 100, 50, 25, 12, 6, 3, 1]);
        // Until central accepts a batch, the records behind the one set aside go one at a time.
        assert_eq!(next_batch_len(waiting.iter().copied(), Limits::OFFICE, shrink), 1);
        shrink = accepted();
        assert_eq!(shrink, Shrink::default());
        assert_eq!(next_batch_len(waiting.iter().copied(), Limits::OFFICE, shrink), 200);
    }

    #[test]
    fn halving_starts_from_the_refused_batch_not_the_cap() {
        // A batch cut to 7 by bytes and refused is retried with 3, not 100.
        let Refusal::Retry(shrink) = refused(7) else { panic!("7 records are halved") };
        assert_eq!(shrink.record_cap(Limits::OFFICE), 3);
        assert_eq!(next_batch_len(vec![10; 50], Limits::OFFICE, shrink), 3);
        // The byte cap still applies within a shrunk batch.
        assert_eq!(next_batch_len(vec![3 * MIB; 50], Limits::OFFICE, shrink), 1);
    }

    #[test]
    fn a_single_oversized_record_refused_is_set_aside_at_once() {
        let n = next_batch_len([20 * MIB, 10], Limits::OFFICE, Shrink::default());
        assert_eq!(n, 1);
        assert_eq!(refused(n), Refusal::SetAside);
    }
}
