//! Where a webhook may point: a parsed endpoint URL, and which addresses it may reach.
//! Concord POSTs a member's data to it from inside the deployment's network, so an
//! address there (loopback, private ranges, link-local cloud metadata) would let a
//! member make Concord call internal services. The check is made when an endpoint is
//! saved (its host as written) and again at every send (the addresses its name
//! resolves to then: see [`address_allowed`]).
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::domain::WebUrl;
use crate::{Error, Result};

/// Which endpoint URLs the deployment accepts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UrlPolicy {
    /// Accept `http://` to a loopback host (`127.0.0.1`, `::1`, `localhost`), for
    /// development and tests. Off, every endpoint is `https://` to a public address.
    pub allow_http_loopback: bool,
}

/// A webhook endpoint's URL: absolute, `https://` (or `http://` to loopback when the
/// policy allows it), without credentials, to a host that is not on a private network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointUrl(String);

/// What kind of address a host is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    Loopback,
    /// Private, link-local, shared, reserved, multicast or unspecified: not the Internet.
    Internal,
    Public,
}

impl EndpointUrl {
    /// Parses `value` (the input at `field`) under `policy`.
    pub fn parse(field: &str, value: &str, policy: UrlPolicy) -> Result<EndpointUrl> {
        let web = WebUrl::parse(field, value)?;
        let url = url::Url::parse(web.as_str())
            .map_err(|e| Error::bad_input(field, format!("not a valid address ({e})")))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::bad_input(
                field,
                "the URL must not carry credentials; the endpoint verifies the signature instead",
            ));
        }
        let reach = match url.host() {
            Some(url::Host::Ipv4(ip)) => reach(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => reach(IpAddr::V6(ip)),
            Some(url::Host::Domain(name)) => {
                let name = name.trim_end_matches('.');
                if name == "localhost" || name.ends_with(".localhost") {
                    Reach::Loopback
                } else {
                    Reach::Public
                }
            }
            None => Reach::Internal,
        };
        match (reach, url.scheme()) {
            (Reach::Internal, _) => Err(Error::bad_input(
                field,
                "the URL names a private, link-local or reserved address; webhooks go to public addresses",
            )),
            (Reach::Loopback, _) if !policy.allow_http_loopback => Err(Error::bad_input(
                field,
                "the URL names this machine (loopback); webhooks go to public addresses",
            )),
            (Reach::Loopback, _) | (Reach::Public, "https") => Ok(EndpointUrl(url.into())),
            (Reach::Public, _) => Err(Error::bad_input(
                field,
                "webhook endpoints must be https:// addresses",
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// Whether a sender may connect to `ip` under `policy`: a public address, or loopback
/// when the policy allows it. Checked on every address a host name resolves to when a
/// delivery is sent, so a name that points inside the network later is refused too.
pub fn address_allowed(ip: IpAddr, policy: UrlPolicy) -> bool {
    match reach(ip) {
        Reach::Public => true,
        Reach::Loopback => policy.allow_http_loopback,
        Reach::Internal => false,
    }
}

fn reach(ip: IpAddr) -> Reach {
    match ip {
        IpAddr::V4(ip) => reach_v4(ip),
        IpAddr::V6(ip) => {
            if let Some(v4) = ip.to_ipv4_mapped() {
                return reach_v4(v4);
            }
            reach_v6(ip)
        }
    }
}

fn reach_v4(ip: Ipv4Addr) -> Reach {
    let [a, b, ..] = ip.octets();
    if ip.is_loopback() {
        Reach::Loopback
    } else if ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        // Shared address space (carrier-grade NAT), 100.64.0.0/10.
        || (a == 100 && (64..128).contains(&b))
        // IETF protocol assignments, 192.0.0.0/24; benchmarking, 198.18.0.0/15.
        || (a == 192 && b == 0 && ip.octets()[2] == 0)
        || (a == 198 && (b == 18 || b == 19))
        // Reserved, 240.0.0.0/4.
        || a >= 240
    {
        Reach::Internal
    } else {
        Reach::Public
    }
}

fn reach_v6(ip: Ipv6Addr) -> Reach {
    let first = ip.segments()[0];
    if ip.is_loopback() {
        Reach::Loopback
    } else if ip.is_unspecified()
        || ip.is_multicast()
        // Unique local fc00::/7, link-local fe80::/10, site-local fec0::/10.
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || (first & 0xffc0) == 0xfec0
        // Documentation 2001:db8::/32.
        || (first == 0x2001 && ip.segments()[1] == 0x0db8)
        // An IPv4-compatible form (::a.b.c.d) is judged as that IPv4 address.
        || ip.to_ipv4().is_some_and(|v4| reach_v4(v4) != Reach::Public)
    {
        Reach::Internal
    } else {
        Reach::Public
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEV: UrlPolicy = UrlPolicy {
        allow_http_loopback: true,
    };

    fn refused(value: &str, policy: UrlPolicy) -> String {
        match EndpointUrl::parse("input.url", value, policy) {
            Err(Error::BadInput { field, message }) => {
                assert_eq!(field, "input.url");
                message
            }
            other => panic!("{value} was accepted: {other:?}"),
        }
    }

    #[test]
    fn public_https_is_accepted_and_normalised() {
        let url = EndpointUrl::parse(
            "input.url",
            "HTTPS://Hooks.Example.ORG/in?x=1",
            UrlPolicy::default(),
        )
        .unwrap();
        assert_eq!(url.as_str(), "https://hooks.example.org/in?x=1");
        assert!(EndpointUrl::parse("input.url", "https://8.8.8.8/h", UrlPolicy::default()).is_ok());
    }

    #[test]
    fn plain_http_is_refused_except_to_loopback_when_allowed() {
        assert!(refused("http://hooks.example.org/", DEV).contains("https"));
        assert!(refused("http://127.0.0.1:9000/", UrlPolicy::default()).contains("loopback"));
        assert!(refused("https://localhost/", UrlPolicy::default()).contains("loopback"));
        for ok in [
            "http://127.0.0.1:9000/in",
            "http://[::1]:80/",
            "http://localhost:3000/x",
        ] {
            assert!(EndpointUrl::parse("input.url", ok, DEV).is_ok(), "{ok}");
        }
    }

    #[test]
    fn private_and_reserved_addresses_are_refused_always() {
        for bad in [
            "https://10.0.0.1/",
            "https://172.16.5.4/",
            "https://192.168.1.1/",
            "https://169.254.169.254/latest/meta-data",
            "https://100.64.0.1/",
            "https://0.0.0.0/",
            "https://[fd00::1]/",
            "https://[fe80::1]/",
            "https://[::ffff:10.0.0.1]/",
            "https://[::]/",
            "https://240.0.0.1/",
        ] {
            assert!(refused(bad, DEV).contains("private"), "{bad}");
        }
    }

    #[test]
    fn credentials_and_other_schemes_are_refused() {
        assert!(refused("https://user:pw@example.org/", DEV).contains("credentials"));
        refused("ftp://example.org/", DEV);
        refused("example.org/hook", DEV);
    }

    #[test]
    fn resolved_addresses_are_judged_alike() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(address_allowed(ip("93.184.216.34"), UrlPolicy::default()));
        assert!(!address_allowed(ip("127.0.0.1"), UrlPolicy::default()));
        assert!(address_allowed(ip("127.0.0.1"), DEV));
        assert!(!address_allowed(ip("10.1.2.3"), DEV));
        assert!(!address_allowed(ip("::ffff:192.168.0.1"), DEV));
        assert!(address_allowed(ip("2606:4700::1111"), UrlPolicy::default()));
    }
}
