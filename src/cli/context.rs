//! What every command starts from: the active configuration, the classifier built
//! from it, and the store (opened, migrated, and seeded on first use).

use std::path::Path;

use anyhow::Context as _;

use crate::classify::Classifier;
use crate::config::Config;
use crate::pipeline::Pipeline;
use crate::store::postgres::PgStore;
use crate::store::{Backend, Location, Store};

pub struct Context {
    pub config: Config,
    /// Where the store is; its `Display` never shows a password.
    pub store: Location,
    /// The analyst (`--user`, `$MARSAD_USER`, else `$USER`): whose read
    /// marks and acknowledgements a PostgreSQL store gives and keeps.
    pub user: String,
}

impl Context {
    /// `store` is `--store` or `$MARSAD_STORE`; it wins over `settings.store`.
    pub fn new(
        config: Option<&Path>,
        store: Option<&str>,
        user: Option<&str>,
    ) -> anyhow::Result<Context> {
        let config = Config::load(config).map_err(|e| anyhow::anyhow!("{e}"))?;
        let store = store_location(&config, store)?;
        let user = match user {
            Some(u) => u.to_string(),
            None => std::env::var("USER")
                .ok()
                .filter(|u| crate::store::postgres::check_user(u).is_ok())
                .unwrap_or_else(|| "analyst".to_string()),
        };
        crate::store::postgres::check_user(&user).map_err(|e| anyhow::anyhow!("--user: {e}"))?;
        Ok(Context {
            config,
            store,
            user,
        })
    }

    pub fn pipeline(&self) -> anyhow::Result<Pipeline> {
        let classifier =
            Classifier::new(&self.config).context("the configuration's rules do not compile")?;
        Ok(Pipeline::new(classifier))
    }

    /// Opens the store; an empty new store is given the seeds first when
    /// `settings.seeds` asks for them.
    pub fn open_store(&self) -> anyhow::Result<Store> {
        let store = self.open_store_bare()?;
        if self.config.settings.seeds && store.reader()?.count()? == 0 {
            let report = super::seed::import(self, &store, None)?;
            tracing::info!(new = report.0, "empty store seeded");
        }
        Ok(store)
    }

    /// Opens the store without seeding it.
    pub fn open_store_bare(&self) -> anyhow::Result<Store> {
        let store = match &self.store {
            Location::Sqlite(path) => Store::open(path)
                .with_context(|| format!("cannot open the store {}", path.display()))?,
            Location::Postgres(url) => anyhow::bail!(
                "cannot open the store {url}: this command does not yet run on a PostgreSQL \
                 store (seed, list, feeds and check do); use a SQLite file as --store"
            ),
        };
        if !self.config.settings.stories {
            store.set_stories(None).wait()?;
        }
        Ok(store)
    }

    /// Opens the store, whichever backend holds it; an empty new store is
    /// given the seeds first when `settings.seeds` asks for them.
    pub fn open_backend(&self) -> anyhow::Result<Box<dyn Backend>> {
        match &self.store {
            Location::Sqlite(_) => Ok(Box::new(self.open_store()?)),
            Location::Postgres(_) => {
                let store = self.open_backend_bare()?;
                if self.config.settings.seeds && store.count()? == 0 {
                    let report = super::seed::import(self, &*store, None)?;
                    tracing::info!(new = report.0, "empty store seeded");
                }
                Ok(store)
            }
        }
    }

    /// Opens the store, whichever backend holds it, without seeding it.
    pub fn open_backend_bare(&self) -> anyhow::Result<Box<dyn Backend>> {
        match &self.store {
            Location::Sqlite(_) => Ok(Box::new(self.open_store_bare()?)),
            Location::Postgres(url) => Ok(Box::new(
                PgStore::open(url, &self.user)
                    .with_context(|| format!("cannot open the PostgreSQL store {url}"))?,
            )),
        }
    }
}

/// The store named by `--store`/`$MARSAD_STORE`, else `settings.store`, else
/// the default file. A `postgres://` URL is a PostgreSQL store, never a file.
pub fn store_location(config: &Config, store: Option<&str>) -> anyhow::Result<Location> {
    if let Some(s) = store {
        return Location::parse(s).map_err(|e| anyhow::anyhow!("--store: {e}"));
    }
    match &config.settings.store {
        Some(path) => match path.to_str() {
            Some(s) => Location::parse(s).map_err(|e| anyhow::anyhow!("settings.store: {e}")),
            None => Ok(Location::Sqlite(path.clone())),
        },
        None => Ok(Location::Sqlite(crate::paths::default_store())),
    }
}
