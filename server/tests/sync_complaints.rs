//! The office hub (in this process) against a real `loket-central` process, for complaints:
//! complaints recorded, moved on and escalated with the `complaints.*` commands reach central
//! through a real sync and `loket-central status` counts them per kecamatan; an event central
//! refuses waits in the office's quarantine under a readable label.
//! Runs against SQLite always and against PostgreSQL when `LOKET_TEST_DATABASE_URL` is set.

mod support;

use serde_json::json;
use support::backends;
use support::office::{call, enrolled};
use support::processes;

const OFFICE: &str = "61.01.09";

#[test]
fn complaints_recorded_at_the_office_show_in_centrals_status() {
    let root = tempfile::tempdir().unwrap();
    for (n, backend) in backends(root.path()).into_iter().enumerate() {
        let central = processes::central(&backend, "127.0.0.1:0");
        let (app, _, sup) = enrolled(&root.path().join(format!("office-{n}")), OFFICE, &backend, &central);
        let sup_id: String = app.store.read(|c| Ok(c.query_row("SELECT id FROM staff WHERE username = 'sri'", [], |r| r.get(0))?)).unwrap();

        let create = |category: &str| {
            let c = call(&app, &sup, "complaints.create", json!({"channel": "telepon", "category": category,
                                                                 "text": "Petugas tidak menjelaskan persyaratan dengan jelas."}));
            c["id"].as_str().unwrap().to_string()
        };
        let step = |id: &str, state: &str, extra: serde_json::Value| {
            let mut req = json!({"complaint_id": id, "state": state});
            req.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            call(&app, &sup, "complaints.transition", req);
        };
        let open = create("sikap_petugas");
        let done = create("pelayanan_lambat");
        step(&done, "diverifikasi", json!({}));
        step(&done, "ditindaklanjuti", json!({"assignee_id": sup_id}));
        call(&app, &sup, "complaints.escalate", json!({"complaint_id": done, "note": "Perlu keputusan sekretaris"}));
        step(&done, "selesai", json!({"answer": "Sudah dijelaskan ulang lewat telepon."}));
        step(&done, "ditutup", json!({}));
        let rejected = create("lainnya");
        step(&rejected, "ditolak", json!({"reason": "bukan wewenang Dukcapil"}));
        let _ = open;
        // Central refuses this one: a category it does not know.
        let now = app.now();
        app.store
            .write(move |c| {
                let payload = json!({"event": "received", "at": loket::clock::to_db(now), "number": "ADU-610109-20261123-0099",
                                     "state": "diterima", "channel": "telepon", "category": "cuaca", "received_on": "2026-11-23",
                                     "deadline": "2026-11-30", "level": "supervisor", "note": null});
                loket::sync::enqueue(c, now, &uuid::Uuid::now_v7().to_string(), "complaint_event", &payload)
            })
            .unwrap();

        let rt = tokio::runtime::Runtime::new().unwrap();
        let report = rt.block_on(loket::sync::cycle(&app)).unwrap();
        // 3 received + 5 steps + 1 rejection, then the refused one.
        assert_eq!((report.sent, report.quarantined), (9, 1), "[{backend:?}] {report:?}");
        let list = call(&app, &sup, "sync.quarantine_list", json!({}));
        let item = &list["items"][0];
        assert_eq!(item["label"], "Pengaduan ADU-610109-20261123-0099 · received · diterima", "{list}");
        assert!(item["reason"].as_str().unwrap().contains("category 'cuaca' tidak dikenal"), "{list}");

        let text = processes::central_cli(&backend, &["status", "--office", OFFICE]);
        assert!(text.contains(&format!("{OFFICE}  diterima 3  selesai 1  ditolak 1  terbuka 1  lewat batas waktu 0\n")), "[{backend:?}] {text}");
        assert!(text.contains("complaint_event"), "{text}");
        drop(central);
    }
}
