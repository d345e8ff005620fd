//! Live updates for screens that must change without a reload (display board, kiosk, counters).
//! Commands publish after their change is committed; the hub streams them as server-sent events at
//! `GET /api/v1/events`, and the desktop shell forwards them to its window.

use schemars::JsonSchema;
use serde::Serialize;
use tokio::sync::broadcast;
use ts_rs::TS;

/// A call to announce: shown on the display and spoken from the clips, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema, TS)]
pub struct Announcement {
    pub ticket_id: String,
    pub number: String,
    pub service_name: String,
    pub counter_number: u32,
    pub counter_name: String,
    /// 1 for the first call, 2+ for recalls: a recall is spoken again.
    pub call_count: u32,
    /// Clip names in assets/audio, without `.wav`.
    pub clips: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema, TS)]
#[serde(tag = "topic", rename_all = "snake_case")]
pub enum Event {
    /// Tickets, counters or services changed: screens showing them fetch again.
    QueueChanged,
    /// A ticket was called or recalled to a counter.
    TicketCalled(Announcement),
    /// The link to central changed (sent, failed, waiting count): headers fetch `sync.status`.
    SyncChanged,
    /// A print job or the blank stock changed: the print station and the stock screen fetch again.
    PrintChanged,
    /// A recording finished, a card was handed over or a Suket issued: the supervisor's dashboard
    /// fetches again.
    RecordingChanged,
}

pub struct Events {
    sender: broadcast::Sender<Event>,
}

impl Default for Events {
    fn default() -> Self {
        // A screen that falls this far behind skips ahead; it refetches on QueueChanged anyway.
        Events { sender: broadcast::channel(256).0 }
    }
}

impl Events {
    pub fn publish(&self, event: Event) {
        let _ = self.sender.send(event); // nobody listening is fine
    }
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.sender.subscribe()
    }
}
