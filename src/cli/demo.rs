//! `marsad demo`: the dashboard on a temporary store, fed by the built-in
//! replay served on 127.0.0.1 through the same collector as real feeds.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use tokio_util::sync::CancellationToken;

use crate::store::Store;

pub fn run() -> anyhow::Result<ExitCode> {
    let dir = std::env::temp_dir().join(format!("marsad-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the demo folder {}", dir.display()))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let result = runtime.block_on(async {
        let cancel = CancellationToken::new();
        let addr = crate::demo::serve(cancel.clone())
            .await
            .context("cannot start the demo feed server on 127.0.0.1")?;
        let config = crate::demo::config(addr, Duration::from_secs(15))?;
        let keymap = super::watch::keymap(&config)?;
        let store = Store::open(&dir.join("demo.db"))?;
        let r = super::watch::dashboard(config, store, keymap).await;
        cancel.cancel();
        r
    });
    runtime.shutdown_timeout(super::watch::STRAGGLERS);
    let _ = std::fs::remove_dir_all(&dir);
    result.map(|()| ExitCode::SUCCESS)
}
