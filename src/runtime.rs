//! Async calls from blocking commands. Commands run on blocking threads, inside or outside a tokio
//! runtime (a nested `block_on` would panic), so the call gets a thread and a current-thread
//! runtime of its own. Used for the rare outbound calls: enrolling at central, the card printer.

pub(crate) fn block_on<F: std::future::Future + Send>(f: F) -> F::Output
where
    F::Output: Send,
{
    std::thread::scope(|s| {
        s.spawn(|| tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime starts").block_on(f))
            .join()
            .expect("the call's thread does not panic")
    })
}
