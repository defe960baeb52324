//! `--tls`: certificates made at startup and the rustls configurations of the HTTPS and mTLS
//! ports, for the SDK's TLS tests (custom roots, client certificates, refused certificates).
//!
//! Three CAs are generated: the server CA (signs the certificate for `127.0.0.1` and
//! `localhost`), the client CA (signs the client certificate the mTLS port accepts) and an
//! untrusted CA (signs a client certificate the mTLS port refuses). Keys are ECDSA P-256; all
//! PEM texts are printed in the startup line so tests need no files.

use rcgen::{
    BasicConstraints, Certificate, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig};
use std::sync::Arc;

pub struct Pki {
    pub ca_pem: String,
    pub client_cert_pem: String,
    pub client_key_pem: String,
    pub untrusted_client_cert_pem: String,
    pub untrusted_client_key_pem: String,
    /// The HTTPS port: no client certificate asked.
    pub server: Arc<ServerConfig>,
    /// The mTLS port: a certificate signed by the client CA is required.
    pub mtls: Arc<ServerConfig>,
}

fn ca(name: &str) -> Result<(Certificate, KeyPair), rcgen::Error> {
    let key = KeyPair::generate()?;
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    Ok((params.self_signed(&key)?, key))
}

fn leaf(
    name: &str,
    sans: &[&str],
    usage: ExtendedKeyUsagePurpose,
    issuer: &(Certificate, KeyPair),
) -> Result<(Certificate, KeyPair), rcgen::Error> {
    let key = KeyPair::generate()?;
    let mut params =
        CertificateParams::new(sans.iter().map(|s| s.to_string()).collect::<Vec<_>>())?;
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![usage];
    params.use_authority_key_identifier_extension = true;
    Ok((params.signed_by(&key, &issuer.0, &issuer.1)?, key))
}

fn key_der(key: &KeyPair) -> PrivateKeyDer<'static> {
    PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()))
}

impl Pki {
    pub fn generate() -> Result<Pki, String> {
        let err = |e: &dyn std::fmt::Display| format!("TLS setup: {e}");
        let server_ca = ca("openint-testserver CA").map_err(|e| err(&e))?;
        let client_ca = ca("openint-testserver client CA").map_err(|e| err(&e))?;
        let untrusted_ca = ca("openint-testserver untrusted CA").map_err(|e| err(&e))?;
        let server = leaf(
            "127.0.0.1",
            &["127.0.0.1", "localhost"],
            ExtendedKeyUsagePurpose::ServerAuth,
            &server_ca,
        )
        .map_err(|e| err(&e))?;
        let client = leaf(
            "openint-test-client",
            &[],
            ExtendedKeyUsagePurpose::ClientAuth,
            &client_ca,
        )
        .map_err(|e| err(&e))?;
        let untrusted = leaf(
            "openint-untrusted-client",
            &[],
            ExtendedKeyUsagePurpose::ClientAuth,
            &untrusted_ca,
        )
        .map_err(|e| err(&e))?;

        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let chain: Vec<CertificateDer<'static>> = vec![server.0.der().clone()];
        let server_config = ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| err(&e))?
            .with_no_client_auth()
            .with_single_cert(chain.clone(), key_der(&server.1))
            .map_err(|e| err(&e))?;
        let mut roots = RootCertStore::empty();
        roots.add(client_ca.0.der().clone()).map_err(|e| err(&e))?;
        let verifier =
            WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .map_err(|e| err(&e))?;
        let mtls_config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| err(&e))?
            .with_client_cert_verifier(verifier)
            .with_single_cert(chain, key_der(&server.1))
            .map_err(|e| err(&e))?;
        Ok(Pki {
            ca_pem: server_ca.0.pem(),
            client_cert_pem: client.0.pem(),
            client_key_pem: client.1.serialize_pem(),
            untrusted_client_cert_pem: untrusted.0.pem(),
            untrusted_client_key_pem: untrusted.1.serialize_pem(),
            server: Arc::new(server_config),
            mtls: Arc::new(mtls_config),
        })
    }
}
