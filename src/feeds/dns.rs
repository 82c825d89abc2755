//! Looking up a feed's host once and connecting only to the addresses that
//! were checked. The fetcher looks a host up through a [`Lookup`], checks
//! every address (`super::address`) and pins them; the HTTP client's
//! resolver hands its connector only pinned addresses, and refuses a host
//! nobody pinned, so a name that answers a public address to the check and a
//! private one to the connection (DNS rebinding) gets nowhere. There is one
//! client, and so one set of pins and one connection pool, per [`Origin`]: a
//! connection kept for reuse was made to an address its client's rule allows.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::address::Origin;

/// Turns a host name into addresses.
pub trait Lookup: Send + Sync {
    fn lookup(&self, host: &str) -> BoxFuture<'static, io::Result<Vec<IpAddr>>>;
}

/// The system's resolver (getaddrinfo, on a blocking thread).
pub struct SystemLookup;

impl Lookup for SystemLookup {
    fn lookup(&self, host: &str) -> BoxFuture<'static, io::Result<Vec<IpAddr>>> {
        let host = host.to_string();
        Box::pin(async move {
            let addrs = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let mut ips: Vec<IpAddr> = addrs.map(|a| a.ip()).collect();
            ips.dedup();
            Ok(ips)
        })
    }
}

/// Fixed answers, for tests: a host not listed has no address. Counts the
/// lookups of each host.
#[derive(Default)]
pub struct FixedLookup {
    answers: HashMap<String, Vec<IpAddr>>,
    asked: Mutex<HashMap<String, usize>>,
}

impl FixedLookup {
    pub fn new<'a>(answers: impl IntoIterator<Item = (&'a str, &'a [IpAddr])>) -> FixedLookup {
        FixedLookup {
            answers: answers
                .into_iter()
                .map(|(h, a)| (h.to_string(), a.to_vec()))
                .collect(),
            asked: Mutex::default(),
        }
    }

    /// How many times `host` was looked up.
    pub fn asked(&self, host: &str) -> usize {
        let asked = self.asked.lock().unwrap_or_else(|p| p.into_inner());
        asked.get(host).copied().unwrap_or(0)
    }
}

impl Lookup for FixedLookup {
    fn lookup(&self, host: &str) -> BoxFuture<'static, io::Result<Vec<IpAddr>>> {
        *self
            .asked
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(host.to_string())
            .or_default() += 1;
        let found = self.answers.get(host).cloned();
        let host = host.to_string();
        Box::pin(async move {
            found.ok_or_else(|| {
                io::Error::new(io::ErrorKind::NotFound, format!("no address for {host}"))
            })
        })
    }
}

/// The checked addresses of the hosts being fetched for one origin, each
/// with the number of fetches that pinned it.
pub(super) struct Pins {
    origin: Origin,
    hosts: Mutex<HashMap<String, (Vec<IpAddr>, usize)>>,
}

impl Pins {
    pub(super) fn new(origin: Origin) -> Arc<Pins> {
        Arc::new(Pins {
            origin,
            hosts: Mutex::default(),
        })
    }

    /// Pins `addrs`, which the caller checked, for `host` until the guard
    /// drops. Another fetch of the same host may pin its own answer meanwhile:
    /// it was checked against the same rule.
    pub(super) fn pin(self: &Arc<Pins>, host: &str, addrs: Vec<IpAddr>) -> Pinned {
        let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        let entry = hosts.entry(host.to_string()).or_insert((Vec::new(), 0));
        entry.0 = addrs;
        entry.1 += 1;
        Pinned {
            pins: self.clone(),
            host: host.to_string(),
        }
    }

    fn pinned(&self, host: &str) -> Option<Vec<IpAddr>> {
        let hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        hosts.get(host).map(|(a, _)| a.clone())
    }
}

/// A host's pin, released on drop.
pub(super) struct Pinned {
    pins: Arc<Pins>,
    host: String,
}

impl Drop for Pinned {
    fn drop(&mut self) {
        let mut hosts = self.pins.hosts.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(e) = hosts.get_mut(&self.host) {
            e.1 -= 1;
            if e.1 == 0 {
                hosts.remove(&self.host);
            }
        }
    }
}

/// The client's resolver: pinned addresses only, checked once more.
pub(super) struct PinnedResolver(pub(super) Arc<Pins>);

impl Resolve for PinnedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let origin = self.0.origin;
        let found = self.0.pinned(name.as_str());
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs = found.ok_or_else(|| format!("{host} was not checked before connecting"))?;
            if let Some(a) = addrs.iter().find(|&&a| !origin.allows(a)) {
                return Err(format!("{host}: the address {a} is not allowed here").into());
            }
            let out: Addrs = Box::new(addrs.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(out)
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn resolve(pins: &Arc<Pins>, host: &str) -> Result<Vec<SocketAddr>, String> {
        let r = PinnedResolver(pins.clone());
        let fut = r.resolve(host.parse().unwrap());
        futures::executor::block_on(fut)
            .map(|a| a.collect())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn only_pinned_and_allowed_addresses_reach_the_connector() {
        let pins = Pins::new(Origin::Public);
        assert!(
            resolve(&pins, "feed.example")
                .unwrap_err()
                .contains("not checked")
        );
        let ip: IpAddr = "8.8.8.8".parse().unwrap();
        let a = pins.pin("feed.example", vec![ip]);
        let b = pins.pin("feed.example", vec![ip]);
        assert_eq!(
            resolve(&pins, "feed.example").unwrap(),
            [SocketAddr::new(ip, 0)]
        );
        drop(a);
        assert!(resolve(&pins, "feed.example").is_ok());
        drop(b);
        assert!(resolve(&pins, "feed.example").is_err());
        // A pin the rule does not allow is refused all the same.
        let _c = pins.pin("rebind.example", vec!["127.0.0.1".parse().unwrap()]);
        assert!(
            resolve(&pins, "rebind.example")
                .unwrap_err()
                .contains("not allowed")
        );
    }
}
