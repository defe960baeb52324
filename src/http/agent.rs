//! The HTTP agent of a client: its validated configuration, the ureq agent built from it (TLS
//! roots, client certificate, proxy, timeouts, the keep-alive pool, the cancellable transport),
//! and the one origin the token may be sent to.

use super::redirect::Origin;
use crate::error::{Error, Result};
use crate::log::ClientLog;
use crate::params::Prepared;
use crate::redact::shown_rejected_url;
use crate::transport::{self, CachingResolver};
use std::sync::RwLock;
use std::time::Duration;
use ureq::http::Uri;

/// Where the client trusts server certificates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TlsRoots {
    /// The operating system's trust store (default).
    System,
    /// The Mozilla root certificates compiled into the library (for systems without a store).
    WebPki,
    /// Only the CA certificates of this PEM text (corporate or test CAs): it replaces the other
    /// roots, as curl's `--cacert` does.
    Pem(String),
}

/// Everything the transport needs, already validated.
#[derive(Clone, Debug)]
pub(crate) struct HttpConfig {
    pub base_url: String,
    pub token: Option<String>,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub total_timeout: Option<Duration>,
    pub max_retries: u32,
    pub max_body_bytes: u64,
    pub headers: Vec<(String, String)>,
    pub user_agent: String,
    pub tls_roots: TlsRoots,
    /// Client certificate chain and key (PEM) for mutual TLS.
    pub client_cert: Option<(String, String)>,
    /// `Some(None)`: no proxy at all; `None`: the environment's (HTTPS_PROXY, ALL_PROXY, NO_PROXY).
    pub proxy: Option<Option<String>>,
}

pub(crate) struct Http {
    /// The agent (its keep-alive pool) and the process it was made in: a forked child makes
    /// its own rather than share the parent's connections (`fork.rs`).
    agent: RwLock<(u32, ureq::Agent)>,
    /// What a new agent is made from.
    agent_config: ureq::config::Config,
    pub(super) cfg: HttpConfig,
    /// `scheme://host:port` of the base URL: the only place the token may go.
    pub(super) origin: Origin,
    pub(super) auth: Option<String>,
    /// What must never show in a message or a log: the token, the proxy password.
    pub(crate) secrets: Vec<String>,
    pub(crate) log: ClientLog,
}

impl Http {
    pub(crate) fn new(cfg: HttpConfig) -> Result<Http> {
        // A rejected base URL is never quoted whole: it may be the token, passed in its place.
        let base: Uri = cfg.base_url.parse().map_err(|_| {
            Error::invalid(format!(
                "base_url {} is not a valid URL (it must be an absolute http:// or https:// URL such as https://api.openint.dev/v1)",
                shown_rejected_url(&cfg.base_url)
            ))
        })?;
        let origin = Origin::of(&base).ok_or_else(|| {
            Error::invalid(format!(
                "base_url {} must be an absolute http:// or https:// URL",
                shown_rejected_url(&cfg.base_url)
            ))
        })?;
        if base.query().is_some() || cfg.base_url.contains('#') {
            return Err(Error::invalid(format!(
                "base_url {} must not have a query or fragment",
                shown_rejected_url(&cfg.base_url)
            )));
        }
        let mut secrets: Vec<String> = cfg.token.iter().cloned().collect();
        let proxy = match &cfg.proxy {
            None => env_proxy(&base)?,
            Some(None) => None,
            Some(Some(url)) => {
                let p = ureq::Proxy::new(url).map_err(|_| {
                    Error::invalid(format!(
                        "proxy {} is not a valid proxy URL",
                        shown_rejected_url(url)
                    ))
                })?;
                if is_socks(&p) {
                    return Err(Error::invalid(format!(
                        "proxy {}: SOCKS proxies are not supported (a call through one could not be cancelled); use an http:// proxy (CONNECT), or proxy: false for none",
                        shown_rejected_url(url)
                    )));
                }
                if let Some(pw) = p.password().filter(|pw| !pw.is_empty()) {
                    secrets.push(pw.to_string());
                }
                Some(p)
            }
        };
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            // Redirects are followed by hand so the origin check runs before every hop.
            .max_redirects(0)
            .timeout_connect(Some(cfg.connect_timeout))
            .timeout_global(Some(cfg.timeout))
            // Set on each request (`Http::request_headers`), so a call can replace or remove them.
            .user_agent("")
            .accept("")
            .max_idle_connections(64)
            .max_idle_connections_per_host(32)
            .proxy(proxy)
            .tls_config(tls_config(&cfg)?)
            .build();
        let agent = new_agent(&config);
        let auth = cfg.token.as_ref().map(|t| format!("Bearer {t}"));
        Ok(Http {
            agent: RwLock::new((crate::fork::pid(), agent)),
            agent_config: config,
            origin,
            auth,
            secrets,
            cfg,
            log: ClientLog::default(),
        })
    }

    /// The agent of this process. In a child forked since the agent was made, a new one (a new
    /// pool; the inherited one is dropped, which only closes the child's copies of its sockets).
    pub(super) fn agent(&self) -> ureq::Agent {
        let pid = crate::fork::pid();
        {
            let a = self.agent.read().unwrap_or_else(|p| p.into_inner());
            if a.0 == pid {
                return a.1.clone();
            }
        }
        let fresh = new_agent(&self.agent_config);
        // A lock some thread of the parent held at the fork stays held in the child: then the
        // fresh agent serves this request alone, rather than wait forever.
        if let Ok(mut a) = self.agent.try_write() {
            if a.0 != pid {
                *a = (pid, fresh.clone());
            }
        }
        fresh
    }

    /// The full URL of a prepared request.
    pub(crate) fn url(&self, req: &Prepared) -> String {
        let mut url = format!("{}{}", self.cfg.base_url.trim_end_matches('/'), req.path);
        let q = req.query.encode();
        if !q.is_empty() {
            url.push('?');
            url.push_str(&q);
        }
        url
    }
}

fn is_socks(p: &ureq::Proxy) -> bool {
    use ureq::ProxyProtocol::*;
    matches!(p.protocol(), Socks4 | Socks4A | Socks5 | Socks5h)
}

/// The proxy of the environment (`ALL_PROXY`, `HTTPS_PROXY`, `HTTP_PROXY`, either case, the
/// first set; `NO_PROXY` honoured), as ureq reads it. A SOCKS proxy there is refused rather
/// than ignored (requests would bypass the proxy the user set), unless `NO_PROXY` exempts the
/// base URL's host, which then goes direct as asked.
fn env_proxy(base: &Uri) -> Result<Option<ureq::Proxy>> {
    let Some(proxy) = ureq::Proxy::try_from_env() else {
        return Ok(None);
    };
    if !is_socks(&proxy) {
        return Ok(Some(proxy));
    }
    if proxy.is_no_proxy(base) {
        return Ok(None);
    }
    let var = [
        "ALL_PROXY",
        "all_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
    ]
    .into_iter()
    .find(|v| std::env::var(v).is_ok_and(|u| ureq::Proxy::new(&u).is_ok()))
    .unwrap_or("ALL_PROXY");
    Err(Error::invalid(format!(
        "the environment's proxy ({var} = {}) is a SOCKS proxy, which this client does not support (a call through one could not be cancelled): set HTTPS_PROXY to an http:// proxy, list the host in NO_PROXY, or pass proxy: false",
        shown_rejected_url(&std::env::var(var).unwrap_or_default())
    )))
}

fn new_agent(config: &ureq::config::Config) -> ureq::Agent {
    ureq::Agent::with_parts(
        config.clone(),
        transport::connector(),
        CachingResolver::default(),
    )
}

/// The TLS settings of the agent. A client certificate is checked here, so a bad one is an
/// error at client creation rather than a panic inside ureq at the first request.
fn tls_config(cfg: &HttpConfig) -> Result<ureq::tls::TlsConfig> {
    use ureq::tls::{parse_pem, ClientCert, PemItem, RootCerts, TlsConfig};
    let mut b = TlsConfig::builder();
    b = match &cfg.tls_roots {
        TlsRoots::System => b.root_certs(RootCerts::PlatformVerifier),
        TlsRoots::WebPki => b.root_certs(RootCerts::WebPki),
        TlsRoots::Pem(pem) => {
            let certs = parse_pem(pem.as_bytes())
                .filter_map(|i| match i {
                    Ok(PemItem::Certificate(c)) => Some(c),
                    _ => None,
                })
                .collect::<Vec<_>>();
            if certs.is_empty() {
                return Err(Error::invalid(
                    "tls_ca_pem/tls_ca_file: no PEM certificate (-----BEGIN CERTIFICATE-----) found",
                ));
            }
            b.root_certs(RootCerts::new_with_certs(&certs))
        }
    };
    if let Some((cert_pem, key_pem)) = &cfg.client_cert {
        let certs = parse_pem(cert_pem.as_bytes())
            .filter_map(|i| match i {
                Ok(PemItem::Certificate(c)) => Some(c),
                _ => None,
            })
            .collect::<Vec<_>>();
        let key = parse_pem(key_pem.as_bytes()).find_map(|i| match i {
            Ok(PemItem::PrivateKey(k)) => Some(k),
            _ => None,
        });
        let (false, Some(key)) = (certs.is_empty(), key) else {
            return Err(Error::invalid(
                "tls_client_cert/tls_client_key: need a PEM certificate and a PEM private key",
            ));
        };
        check_client_cert(&certs, &key)?;
        b = b.client_cert(Some(ClientCert::new_with_certs(&certs, key)));
    }
    Ok(b.build())
}

/// Whether rustls accepts this certificate and key as a pair.
fn check_client_cert(
    certs: &[ureq::tls::Certificate<'static>],
    key: &ureq::tls::PrivateKey<'static>,
) -> Result<()> {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let chain: Vec<CertificateDer<'static>> = certs
        .iter()
        .map(|c| CertificateDer::from(c.der().to_vec()))
        .collect();
    let key_der = PrivateKeyDer::try_from(key.der().to_vec())
        .map_err(|e| Error::invalid(format!("tls_client_key: {e}")))?;
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| {
            b.with_root_certificates(rustls::RootCertStore::empty())
                .with_client_auth_cert(chain, key_der)
        })
        .map(|_| ())
        .map_err(|e| Error::invalid(format!("tls_client_cert/tls_client_key: {e}")))
}
