//! Heavy requests kept from starving respondents: QR images and ZIPs,
//! posters, tally checks and rebuilds, the integrity scan. They take one of
//! a few permits (one fewer than the machine has cores, at least one), and
//! pure computation runs on tokio's blocking threads, so the async workers
//! that serve respondents and feed the submission writer are never all busy
//! with a reviewer's downloads.

use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::AppError;

#[derive(Clone)]
pub struct Heavy {
    permits: Arc<Semaphore>,
}

impl Default for Heavy {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self::new(cores.saturating_sub(1).max(1))
    }
}

impl Heavy {
    pub fn new(permits: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(permits.max(1))),
        }
    }

    /// Waits for a permit; heavy async work (database scans) holds it while
    /// it runs.
    pub async fn permit(&self) -> Result<OwnedSemaphorePermit, AppError> {
        self.permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| AppError::Unexpected("heavy-work permits closed".into()))
    }

    /// Runs pure computation on a blocking thread, holding a permit.
    pub async fn compute<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce() -> Result<T, AppError> + Send + 'static,
    {
        let permit = self.permit().await?;
        let out = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            f()
        })
        .await
        .map_err(|e| AppError::Unexpected(format!("heavy work failed: {e}")))?;
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_more_jobs_run_at_once_than_there_are_permits() {
        let heavy = Heavy::new(2);
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let jobs: Vec<_> = (0..8)
            .map(|_| {
                let (heavy, running, most) = (heavy.clone(), running.clone(), most.clone());
                tokio::spawn(async move {
                    heavy
                        .compute(move || {
                            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(now, Ordering::SeqCst);
                            std::thread::sleep(std::time::Duration::from_millis(20));
                            running.fetch_sub(1, Ordering::SeqCst);
                            Ok(now)
                        })
                        .await
                })
            })
            .collect();
        for j in jobs {
            j.await.expect("join").expect("job");
        }
        assert_eq!(most.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn errors_come_back_as_they_were() {
        let heavy = Heavy::new(1);
        let err = heavy
            .compute(|| -> Result<(), AppError> { Err(AppError::not_found("不行")) })
            .await
            .expect_err("an error");
        assert!(err.to_string().contains("不行"), "{err}");
    }
}
