//! Verification against the registry, adjudication, and what flows back to the office: recording
//! statuses and appointments as changes, paged by cursor.

mod common;

use chrono::Duration;
use common::*;
use loket::intake::nik::Sex;
use loket::sync::wire::{CentralAppointment, ChangeKind, Outcome};
use loket_central::verify::{self, Verdict, DUPLICATE, ENROLL_FAILURE, PRINT_READY, UNKNOWN_NIK};
use loket_central::{appointments, registry, Code};

const REGISTRY: &str = "\
nik,full_name,sex,birth_place,birth_date,kk_number
6101091708050001,BUDI SANTOSO,L,SAMBAS,2005-08-17,6101091508100003
6101095708850002,SITI RAHAYU,P,PONTIANAK,1985-08-17,
6101090101900003,AGUS SETIAWAN,L,SAMBAS,1990-01-01,6101091508100004
";

fn statuses(page: &loket::sync::wire::ChangePage) -> Vec<(String, String, Option<String>)> {
    page.changes
        .iter()
        .filter_map(|c| match &c.what {
            ChangeKind::RecordingStatus { recording_id, status, reason } => Some((recording_id.clone(), status.clone(), reason.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn recordings_are_verified_and_duplicates_adjudicated_with_every_decision_a_change() {
    each_backend(|c| {
        let report = registry::import(&c.central, std::io::Cursor::new(REGISTRY)).unwrap();
        assert_eq!((report.imported, report.refused.len()), (3, 0), "{:?}", report.refused);
        let office = c.enroll(OFFICE);
        let now = c.now();
        let budi = biodata("6101091708050001", "  budi   santoso ", Sex::L, "2005-08-17");
        let r = office.send(vec![
            recording(1, 0, OFFICE, "rec-a", budi.clone(), now),
            recording(2, 1, OFFICE, "rec-b", biodata("6101091212120004", "ORANG ASING", Sex::L, "2012-12-12"), now),
            recording(3, 2, OFFICE, "rec-c", biodata("6101095708850002", "SITI RAHAYUNINGSIH", Sex::P, "1985-08-18"), now),
            recording(4, 3, OFFICE, "rec-d", budi.clone(), now),
            recording(5, 4, OFFICE, "rec-e", budi.clone(), now),
            // Invalid records are not verified.
            recording(6, 5, OFFICE, "rec-f", biodata("6101090101900003", "AGUS SETIAWAN", Sex::L, "1990-01-01"), now + Duration::hours(2)),
        ]);
        assert_eq!(r.results.iter().map(|x| x.outcome).collect::<Vec<_>>()[..5], [Outcome::Accepted; 5], "[{}]", c.backend);
        assert_eq!(r.results[5].outcome, Outcome::Invalid);

        let page = office.changes(0, None);
        let got = statuses(&page);
        assert_eq!(got.len(), 5, "[{}] {got:?}", c.backend);
        assert_eq!(got[0], ("rec-a".into(), PRINT_READY.into(), None));
        assert_eq!(got[1], ("rec-b".into(), ENROLL_FAILURE.into(), Some(UNKNOWN_NIK.into())));
        let (_, status, reason) = &got[2];
        let reason = reason.as_deref().unwrap();
        assert_eq!(status, ENROLL_FAILURE);
        assert!(reason.contains("nama lengkap") && reason.contains("tanggal lahir") && !reason.contains("jenis kelamin"), "{reason}");
        assert_eq!((got[3].0.as_str(), got[3].1.as_str()), ("rec-d", DUPLICATE));
        assert!(got[3].2.as_deref().unwrap().contains("rec-a"), "{:?}", got[3].2);
        assert_eq!((got[4].0.as_str(), got[4].1.as_str()), ("rec-e", DUPLICATE));

        // Adjudication: only duplicates, a rejection needs a reason.
        assert_eq!(verify::adjudicate(&c.central, "rec-a", Verdict::PrintReady).unwrap_err().code, Code::Conflict);
        assert_eq!(verify::adjudicate(&c.central, "rec-zzz", Verdict::PrintReady).unwrap_err().code, Code::NotFound);
        assert_eq!(verify::adjudicate(&c.central, "rec-e", Verdict::Reject(" ".into())).unwrap_err().code, Code::Validation);
        assert_eq!(verify::adjudicate(&c.central, "rec-d", Verdict::PrintReady).unwrap().status, PRINT_READY);
        let e = verify::adjudicate(&c.central, "rec-e", Verdict::Reject("sidik jari milik orang lain".into())).unwrap();
        assert_eq!((e.status.as_str(), e.reason.as_deref()), (ENROLL_FAILURE, Some("sidik jari milik orang lain")));
        assert_eq!(verify::adjudicate(&c.central, "rec-e", Verdict::PrintReady).unwrap_err().code, Code::Conflict, "decided once");

        let last = page.changes.last().unwrap().cursor;
        let more = office.changes(last, None);
        assert_eq!(
            statuses(&more),
            vec![
                ("rec-d".to_string(), PRINT_READY.to_string(), Some("Diputuskan siap cetak melalui adjudikasi.".to_string())),
                ("rec-e".to_string(), ENROLL_FAILURE.to_string(), Some("sidik jari milik orang lain".to_string())),
            ]
        );
        let all: Vec<i64> = office.changes(0, None).changes.iter().map(|c| c.cursor).collect();
        assert!(all.windows(2).all(|w| w[0] < w[1]), "cursor order: {all:?}");
        assert_eq!(office.state().latest_change, *all.last().unwrap());

        // A later recording of a registered person in another batch is print-ready.
        let r = office.send(vec![recording(7, 6, OFFICE, "rec-g", biodata("6101090101900003", "Agus Setiawan", Sex::L, "1990-01-01"), now)]);
        assert_eq!(r.results[0].outcome, Outcome::Accepted);
        assert_eq!(statuses(&office.changes(*all.last().unwrap(), None)), vec![("rec-g".to_string(), PRINT_READY.to_string(), None)]);

        let summary = c.summary();
        let count = |status: &str| summary.recording_statuses.get(&(OFFICE.to_string(), status.to_string())).copied().unwrap_or(0);
        assert_eq!((count(PRINT_READY), count(ENROLL_FAILURE), count(DUPLICATE)), (3, 3, 0));

        // Another office sees none of it.
        let other = c.enroll(OTHER_OFFICE);
        assert!(other.changes(0, None).changes.is_empty());
        assert_eq!(other.state().latest_change, 0);
    });
}

fn slot_in(days: i64, c: &TestCentral) -> String {
    (c.now() + Duration::days(days)).format("%Y-%m-%dT09:00").to_string()
}

#[test]
fn appointments_booked_at_central_become_changes_for_their_office() {
    each_backend(|c| {
        let office = c.enroll(OFFICE);
        let slot = slot_in(3, c);
        let booked = appointments::add(&c.central, OFFICE, "a", &slot, "  siti   aminah ").unwrap();
        assert_eq!(booked.booking_code.len(), 6);
        assert!(booked.booking_code.chars().all(|ch| "ABCDEFGHJKMNPQRSTUVWXYZ23456789".contains(ch)), "{}", booked.booking_code);
        let page = office.changes(0, None);
        assert_eq!(page.changes.len(), 1, "[{}]", c.backend);
        let expected = CentralAppointment {
            id: booked.id.clone(),
            booking_code: booked.booking_code.clone(),
            service: "A".into(),
            slot: slot.clone(),
            applicant_name: "SITI AMINAH".into(),
            cancelled: false,
        };
        assert_eq!(page.changes[0].what, ChangeKind::Appointment(expected.clone()));

        // Cancelled by its code, typed in lower case: a second change with cancelled = true.
        appointments::cancel(&c.central, &booked.booking_code.to_lowercase()).unwrap();
        let page = office.changes(page.changes[0].cursor, None);
        assert_eq!(page.changes.len(), 1);
        assert_eq!(page.changes[0].what, ChangeKind::Appointment(CentralAppointment { cancelled: true, ..expected }));
        assert_eq!(appointments::cancel(&c.central, &booked.id).unwrap_err().code, Code::Conflict);
        assert_eq!(appointments::cancel(&c.central, "ZZZZZZ").unwrap_err().code, Code::NotFound);

        for (office_code, service, slot, name) in [
            ("99.99.99", "A", slot.as_str(), "X"),
            (OFFICE, "AB", slot.as_str(), "X"),
            (OFFICE, "1", slot.as_str(), "X"),
            (OFFICE, "A", "24-11-2026 09:00", "X"),
            (OFFICE, "A", "2020-01-01T09:00", "X"),
            (OFFICE, "A", slot.as_str(), "   "),
        ] {
            let e = appointments::add(&c.central, office_code, service, slot, name).unwrap_err();
            assert_eq!(e.code, Code::Validation, "{office_code} {service} {slot} {name:?}: {}", e.message);
        }
    });
}

#[test]
fn changes_are_paged_by_cursor_per_office() {
    each_backend(|c| {
        let office = c.enroll(OFFICE);
        let mut mine = Vec::new();
        for i in 0..7 {
            mine.push(appointments::add(&c.central, OFFICE, "A", &slot_in(2, c), &format!("Pemohon {i}")).unwrap().booking_code);
            if i % 3 == 0 {
                appointments::add(&c.central, OTHER_OFFICE, "A", &slot_in(2, c), "Orang lain").unwrap();
            }
        }
        let code = |ch: &loket::sync::wire::Change| match &ch.what {
            ChangeKind::Appointment(a) => a.booking_code.clone(),
            other => panic!("{other:?}"),
        };
        let mut seen = Vec::new();
        let mut after = 0;
        let mut pages = Vec::new();
        loop {
            let page = office.changes(after, Some(3));
            pages.push((page.changes.len(), page.more));
            seen.extend(page.changes.iter().map(code));
            match page.changes.last() {
                Some(last) => after = last.cursor,
                None => break,
            }
            if !page.more {
                break;
            }
        }
        assert_eq!(pages, vec![(3, true), (3, true), (1, false)], "[{}]", c.backend);
        assert_eq!(seen, mine, "every change of this office once, in order, none of the other's");
        assert_eq!(office.state().latest_change, after);
        let empty = office.changes(after, None);
        assert!(empty.changes.is_empty() && !empty.more);
        // Limits are clamped, not refused; a bad cursor is a 400 in JSON.
        assert_eq!(office.changes(0, Some(0)).changes.len(), 1);
        assert_eq!(office.changes(0, Some(1_000_000)).changes.len(), 7);
        assert_eq!(office.changes(-5, None).changes.len(), 7);
        let (status, body) = office.get("/api/v1/changes?after=abc");
        assert_eq!((status, error_of(&body).0.as_str()), (400, "BAD_REQUEST"));
    });
}

#[test]
fn after_a_restore_from_an_older_backup_new_changes_get_cursors_the_office_has_not_seen() {
    let dir = tempfile::tempdir().unwrap();
    let target = loket_central::storage::Target::Sqlite(dir.path().join("central"));
    let clock = std::sync::Arc::new(loket::clock::ManualClock::new(chrono::Utc::now()));
    let slot = (clock_now(&clock) + Duration::days(2)).format("%Y-%m-%dT09:00").to_string();
    let book = |central: &loket_central::Central| {
        clock.advance(Duration::seconds(1));
        appointments::add(central, OFFICE, "A", &slot, "Pemohon").unwrap();
        loket_central::changes::page(central, OFFICE, 0, None).unwrap().changes.last().unwrap().cursor
    };
    let central = loket_central::Central::with_clock(&target, clock.clone()).unwrap();
    book(&central);
    let backed_up = book(&central);
    let backup = dir.path().join("backup.db");
    rusqlite::Connection::open(dir.path().join("central/central.db")).unwrap().execute("VACUUM INTO ?1", [backup.to_str().unwrap()]).unwrap();
    book(&central);
    let office_has_seen = book(&central);
    drop(central);

    for f in ["central.db", "central.db-wal", "central.db-shm"] {
        let _ = std::fs::remove_file(dir.path().join("central").join(f));
    }
    std::fs::copy(&backup, dir.path().join("central/central.db")).unwrap();
    let central = loket_central::Central::with_clock(&target, clock.clone()).unwrap();
    let restored = loket_central::changes::page(&central, OFFICE, 0, None).unwrap();
    assert_eq!(restored.changes.last().unwrap().cursor, backed_up, "the restored central is the older one");
    let after_restore = book(&central);
    assert!(after_restore > office_has_seen, "cursor {after_restore} was already handed out before the restore ({office_has_seen})");
    let pulled = loket_central::changes::page(&central, OFFICE, office_has_seen, None).unwrap();
    assert_eq!(pulled.changes.len(), 1, "the office, pulling after its cursor, gets the new decision");
}

fn clock_now(clock: &loket::clock::ManualClock) -> chrono::DateTime<chrono::Utc> {
    use loket::clock::Clock;
    clock.now()
}
