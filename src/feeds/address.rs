//! Where an address reaches, and which redirects a feed may follow: the
//! policy, pure (no resolver, no sockets). A feed's own address decides what
//! its redirects may reach: from a public address only public ones, from
//! loopback only loopback, from a private network public or private ones; a
//! link-local, unspecified, multicast, documentation or otherwise special
//! address is never a redirect's target. IPv6 forms that carry an IPv4
//! address (mapped, NAT64, 6to4) are judged by that address.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What an address reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reach {
    /// The internet.
    Public,
    /// This machine: 127.0.0.0/8, `::1`, `::ffff:127.0.0.0/104`.
    Loopback,
    /// A private network: RFC 1918, carrier-grade NAT (100.64.0.0/10),
    /// unique-local (fc00::/7) and the deprecated site-local (fec0::/10).
    Private,
    /// Never a redirect's target: link-local (cloud metadata lives there),
    /// unspecified (`0.0.0.0` reaches this machine), multicast, broadcast,
    /// documentation, benchmarking, reserved and protocol ranges, IPv4-compatible
    /// IPv6, Teredo, and NAT64 or 6to4 forms of any address that is not public.
    Special(&'static str),
}

impl fmt::Display for Reach {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Reach::Public => "public",
            Reach::Loopback => "loopback",
            Reach::Private => "private",
            Reach::Special(what) => what,
        })
    }
}

/// Where an address reaches.
pub fn reach(ip: IpAddr) -> Reach {
    match ip {
        IpAddr::V4(v4) => reach_v4(v4),
        IpAddr::V6(v6) => reach_v6(v6),
    }
}

fn reach_v4(ip: Ipv4Addr) -> Reach {
    let [a, b, c, _] = ip.octets();
    match (a, b, c) {
        (127, ..) => Reach::Loopback,
        (10, ..) | (172, 16..=31, _) | (192, 168, _) => Reach::Private,
        (100, 64..=127, _) => Reach::Private,
        (0, ..) => Reach::Special("unspecified"),
        (169, 254, _) => Reach::Special("link-local"),
        (192, 0, 0) => Reach::Special("IETF protocol"),
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => Reach::Special("documentation"),
        (192, 88, 99) => Reach::Special("6to4 relay"),
        (198, 18..=19, _) => Reach::Special("benchmarking"),
        (224..=239, ..) => Reach::Special("multicast"),
        (240..=255, ..) => Reach::Special("reserved"),
        _ => Reach::Public,
    }
}

fn reach_v6(ip: Ipv6Addr) -> Reach {
    let s = ip.segments();
    let embedded = |hi: u16, lo: u16| Ipv4Addr::from(((hi as u32) << 16) | lo as u32);
    // An embedded IPv4 address counts only where it is public.
    let through = |v4: Ipv4Addr, what: &'static str| match reach_v4(v4) {
        Reach::Public => Reach::Public,
        _ => Reach::Special(what),
    };
    if ip.is_loopback() {
        return Reach::Loopback;
    }
    if ip.is_unspecified() {
        return Reach::Special("unspecified");
    }
    if let Some(v4) = ip.to_ipv4_mapped() {
        // The socket reaches the IPv4 address itself.
        return reach_v4(v4);
    }
    match s {
        [0, 0, 0, 0, 0, 0, ..] => Reach::Special("IPv4-compatible"),
        [0, 0, 0, 0, 0xffff, 0, ..] => Reach::Special("IPv4-translated"),
        [0x64, 0xff9b, 0, 0, 0, 0, hi, lo] => through(embedded(hi, lo), "NAT64 of a non-public"),
        [0x64, 0xff9b, 1, ..] => Reach::Special("local NAT64"),
        [0x2002, hi, lo, ..] => through(embedded(hi, lo), "6to4 of a non-public"),
        [0x2001, 0, ..] => Reach::Special("Teredo"),
        [0x2001, 0x0db8, ..] => Reach::Special("documentation"),
        [0x2001, 0x0001..=0x01ff, ..] => Reach::Special("IETF protocol"),
        [0x0100, 0, 0, 0, ..] => Reach::Special("discard"),
        [x, ..] if x & 0xfe00 == 0xfc00 => Reach::Private,
        [x, ..] if x & 0xffc0 == 0xfec0 => Reach::Private,
        [x, ..] if x & 0xffc0 == 0xfe80 => Reach::Special("link-local"),
        [x, ..] if x & 0xff00 == 0xff00 => Reach::Special("multicast"),
        // Global unicast is 2000::/3; the rest is not assigned.
        [x, ..] if x & 0xe000 == 0x2000 => Reach::Public,
        _ => Reach::Special("reserved"),
    }
}

/// Where a feed the user configured is, from all the addresses its host has:
/// loopback when every one is, public when every one is, private otherwise.
/// It sets what the feed's redirects may reach (see [`may_follow`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Origin {
    Public,
    Loopback,
    Private,
}

impl Origin {
    pub fn of(addrs: &[IpAddr]) -> Origin {
        let all = |r: Reach| !addrs.is_empty() && addrs.iter().all(|&a| reach(a) == r);
        if all(Reach::Loopback) {
            Origin::Loopback
        } else if all(Reach::Public) {
            Origin::Public
        } else {
            Origin::Private
        }
    }

    /// Whether a connection for a feed from here may go to `ip` (the feed's
    /// own host, or a redirect's).
    pub fn allows(self, ip: IpAddr) -> bool {
        matches!(
            (self, reach(ip)),
            (Origin::Public, Reach::Public)
                | (Origin::Loopback, Reach::Loopback)
                | (Origin::Private, Reach::Public | Reach::Private)
        )
    }

    /// What this origin's redirects may reach, in words.
    pub fn rule(self) -> &'static str {
        match self {
            Origin::Public => "a feed on a public address is redirected only to public addresses",
            Origin::Loopback => "a feed on loopback is redirected only within loopback",
            Origin::Private => {
                "a feed on a private network is redirected only to public or private addresses"
            }
        }
    }
}

/// Checks every address a redirect's host has, for a feed from `origin`:
/// `Err` names the first refused address and why.
pub fn may_follow(origin: Origin, host: &str, addrs: &[IpAddr]) -> Result<(), String> {
    if addrs.is_empty() {
        return Err(format!("{host} has no address"));
    }
    match addrs.iter().find(|&&a| !origin.allows(a)) {
        None => Ok(()),
        Some(&a) if host.trim_matches(['[', ']']) == a.to_string() => Err(format!(
            "to the {} address {a}: {}",
            reach(a),
            origin.rule()
        )),
        Some(&a) => Err(format!(
            "to {host}, which has the {} address {a}: {}",
            reach(a),
            origin.rule()
        )),
    }
}

/// Whether a URL's host is plainly not on the internet, from the URL alone
/// (no resolving): a non-public IP literal, or `localhost`. For warnings
/// (`opml import`); fetching checks the resolved addresses.
pub fn non_public_host(url: &url::Url) -> Option<String> {
    match url.host()? {
        url::Host::Domain(d) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            (d == "localhost" || d.ends_with(".localhost")).then(|| "loopback".to_string())
        }
        url::Host::Ipv4(ip) => Some(reach(IpAddr::V4(ip)))
            .filter(|r| *r != Reach::Public)
            .map(|r| r.to_string()),
        url::Host::Ipv6(ip) => Some(reach(IpAddr::V6(ip)))
            .filter(|r| *r != Reach::Public)
            .map(|r| r.to_string()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn reaches() {
        for (a, want) in [
            ("127.0.0.1", Reach::Loopback),
            ("127.9.9.9", Reach::Loopback),
            ("::1", Reach::Loopback),
            ("::ffff:127.0.0.1", Reach::Loopback),
            ("10.1.2.3", Reach::Private),
            ("172.16.0.1", Reach::Private),
            ("172.31.255.255", Reach::Private),
            ("192.168.0.1", Reach::Private),
            ("100.64.0.1", Reach::Private),
            ("::ffff:10.0.0.1", Reach::Private),
            ("fd00::1", Reach::Private),
            ("fc00::1", Reach::Private),
            ("8.8.8.8", Reach::Public),
            ("172.32.0.1", Reach::Public),
            ("100.128.0.1", Reach::Public),
            ("::ffff:8.8.8.8", Reach::Public),
            ("2606:4700::1111", Reach::Public),
            ("64:ff9b::808:808", Reach::Public),
            ("2002:808:808::1", Reach::Public),
        ] {
            assert_eq!(reach(ip(a)), want, "{a}");
        }
        for a in [
            "0.0.0.0",
            "0.1.2.3",
            "169.254.169.254",
            "::ffff:169.254.169.254",
            "192.0.0.8",
            "192.0.2.1",
            "198.51.100.1",
            "203.0.113.1",
            "198.18.0.1",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
            "::",
            "fe80::1",
            "febf::1",
            "ff02::1",
            // IPv4-compatible, of a link-local, a loopback and a public address
            "::a9fe:a9fe",
            "::127.0.0.1",
            "::8.8.8.8",
            // NAT64 of link-local, loopback, private; the local-use prefix
            "64:ff9b::a9fe:a9fe",
            "64:ff9b::7f00:1",
            "64:ff9b::a00:1",
            "64:ff9b:1::808:808",
            // 6to4 of link-local, loopback, private, unspecified
            "2002:a9fe:a9fe::1",
            "2002:7f00:1::",
            "2002:c0a8:1::1",
            "2002::1",
            "::ffff:0:a9fe:a9fe",
            "2001::1",
            "2001:db8::1",
            "2001:10::1",
            "100::1",
            "4000::1",
        ] {
            assert!(
                matches!(reach(ip(a)), Reach::Special(_)),
                "{a}: {:?}",
                reach(ip(a))
            );
        }
    }

    #[test]
    fn origins() {
        assert_eq!(Origin::of(&[ip("127.0.0.1"), ip("::1")]), Origin::Loopback);
        assert_eq!(
            Origin::of(&[ip("8.8.8.8"), ip("2606:4700::1")]),
            Origin::Public
        );
        assert_eq!(Origin::of(&[ip("192.168.1.2")]), Origin::Private);
        // Mixed, special or nothing: the narrowest rule that still lets a
        // private network's feed work.
        assert_eq!(
            Origin::of(&[ip("8.8.8.8"), ip("127.0.0.1")]),
            Origin::Private
        );
        assert_eq!(Origin::of(&[ip("169.254.1.1")]), Origin::Private);
        assert_eq!(Origin::of(&[]), Origin::Private);
    }

    #[test]
    fn redirect_policy() {
        let table = [
            // (origin, target, followed)
            (Origin::Public, "8.8.8.8", true),
            (Origin::Public, "2606:4700::1", true),
            (Origin::Public, "64:ff9b::808:808", true),
            (Origin::Public, "127.0.0.1", false),
            (Origin::Public, "10.0.0.1", false),
            (Origin::Public, "169.254.169.254", false),
            (Origin::Public, "64:ff9b::a9fe:a9fe", false),
            (Origin::Public, "::a9fe:a9fe", false),
            (Origin::Public, "::ffff:169.254.169.254", false),
            (Origin::Public, "2002:a9fe:a9fe::", false),
            (Origin::Public, "fd00::1", false),
            (Origin::Public, "::", false),
            (Origin::Loopback, "127.0.0.1", true),
            (Origin::Loopback, "127.0.0.2", true),
            (Origin::Loopback, "::1", true),
            (Origin::Loopback, "169.254.169.254", false),
            (Origin::Loopback, "8.8.8.8", false),
            (Origin::Loopback, "10.0.0.1", false),
            (Origin::Loopback, "0.0.0.0", false),
            (Origin::Private, "8.8.8.8", true),
            (Origin::Private, "192.168.1.1", true),
            (Origin::Private, "fd00::1", true),
            (Origin::Private, "127.0.0.1", false),
            (Origin::Private, "169.254.169.254", false),
            (Origin::Private, "fe80::1", false),
        ];
        for (origin, target, want) in table {
            let got = may_follow(origin, "h.example", &[ip(target)]);
            assert_eq!(got.is_ok(), want, "{origin:?} -> {target}: {got:?}");
        }
        // Every address counts: one refused one refuses the host.
        let err = may_follow(
            Origin::Public,
            "rebind.example",
            &[ip("8.8.8.8"), ip("169.254.169.254")],
        )
        .unwrap_err();
        assert!(
            err.contains("rebind.example") && err.contains("link-local address 169.254.169.254")
        );
        assert!(may_follow(Origin::Public, "none.example", &[]).is_err());
        let err = may_follow(
            Origin::Public,
            "[64:ff9b::a9fe:a9fe]",
            &[ip("64:ff9b::a9fe:a9fe")],
        )
        .unwrap_err();
        assert!(
            err.starts_with("to the NAT64 of a non-public address"),
            "{err}"
        );
    }

    #[test]
    fn hosts_plainly_not_public() {
        for (u, want) in [
            ("http://localhost:8080/f", Some("loopback")),
            ("http://a.localhost./f", Some("loopback")),
            ("http://127.0.0.1/f", Some("loopback")),
            ("http://169.254.169.254/latest", Some("link-local")),
            ("http://[fd00::1]/f", Some("private")),
            (
                "http://[64:ff9b::a9fe:a9fe]/f",
                Some("NAT64 of a non-public"),
            ),
            ("https://example.org/f", None),
            ("http://8.8.8.8/f", None),
        ] {
            let got = non_public_host(&url::Url::parse(u).unwrap());
            assert_eq!(got.as_deref(), want, "{u}");
        }
    }
}
