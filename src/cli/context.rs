//! What every command starts from: the active configuration, the classifier built
//! from it, and the store (opened, migrated, and seeded on first use).

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::classify::Classifier;
use crate::config::Config;
use crate::pipeline::Pipeline;
use crate::store::Store;

pub struct Context {
    pub config: Config,
    pub store_path: PathBuf,
}

impl Context {
    pub fn new(config: Option<&Path>, store: Option<&Path>) -> anyhow::Result<Context> {
        let config = Config::load(config).map_err(|e| anyhow::anyhow!("{e}"))?;
        let store_path = store
            .map(Path::to_path_buf)
            .or_else(|| config.settings.store.clone())
            .unwrap_or_else(crate::paths::default_store);
        Ok(Context { config, store_path })
    }

    pub fn pipeline(&self) -> anyhow::Result<Pipeline> {
        let classifier =
            Classifier::new(&self.config).context("the configuration's rules do not compile")?;
        Ok(Pipeline::new(classifier))
    }

    /// Opens the store; an empty new store is given the seeds first when
    /// `settings.seeds` asks for them.
    pub fn open_store(&self) -> anyhow::Result<Store> {
        let store = Store::open(&self.store_path)
            .with_context(|| format!("cannot open the store {}", self.store_path.display()))?;
        if self.config.settings.seeds && store.reader()?.count()? == 0 {
            let report = super::seed::import(self, &store, None)?;
            tracing::info!(new = report.0, "empty store seeded");
        }
        Ok(store)
    }

    /// Opens the store without seeding it.
    pub fn open_store_bare(&self) -> anyhow::Result<Store> {
        Store::open(&self.store_path)
            .with_context(|| format!("cannot open the store {}", self.store_path.display()))
    }
}
