//! A response body fed by a producer task: bytes reach the client as they
//! are made, and the producer waits while the client is slow (a bounded
//! channel), so an export never piles up in memory.

use poem::Body;
use std::io;
use tokio::sync::mpsc;

type Chunk = Result<Vec<u8>, io::Error>;

/// Chunks in flight between the producer and the client.
const DEPTH: usize = 8;
/// Bytes a blocking writer gathers before sending them on.
const BUFFER: usize = 64 * 1024;

/// The producer's end.
pub struct Sink {
    tx: mpsc::Sender<Chunk>,
}

/// A body and the sink that feeds it.
pub fn channel() -> (Sink, Body) {
    let (tx, rx) = mpsc::channel::<Chunk>(DEPTH);
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    (Sink { tx }, Body::from_bytes_stream(stream))
}

impl Sink {
    /// Sends bytes on; false when the client has gone away.
    pub async fn send(&self, bytes: Vec<u8>) -> bool {
        self.tx.send(Ok(bytes)).await.is_ok()
    }

    /// Breaks the transfer off, so the client sees an incomplete download
    /// rather than a file that looks whole.
    pub async fn fail(&self) {
        let _ = self.tx.send(Err(io::Error::other("export failed"))).await;
    }

    pub fn fail_blocking(&self) {
        let _ = self
            .tx
            .blocking_send(Err(io::Error::other("export failed")));
    }

    /// A `std::io::Write` for code running on a blocking thread.
    pub fn writer(&self) -> BlockingWriter<'_> {
        BlockingWriter {
            sink: self,
            buf: Vec::with_capacity(BUFFER),
        }
    }
}

/// Gathers writes and sends them in chunks; call `flush` at the end.
pub struct BlockingWriter<'a> {
    sink: &'a Sink,
    buf: Vec<u8>,
}

impl io::Write for BlockingWriter<'_> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= BUFFER {
            self.flush()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(BUFFER));
        self.sink
            .tx
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "client went away"))
    }
}
