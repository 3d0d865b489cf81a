//! TLS to PostgreSQL as libpq's `sslmode` reads (MySQL's TLS is the driver's own): the
//! rustls client configuration and the certificate check of each mode.

use std::path::Path;
use std::sync::Arc;

use super::wire::{Server, Tls, TlsMode};
use crate::error::{Error, Id, Result};

/// The rustls client configuration for PostgreSQL's TLS modes, as libpq reads them: with
/// a root certificate, `require` checks the chain as `verify-ca` does.
pub(super) fn client_config(tls: &Tls, server: &Server) -> Result<rustls::ClientConfig> {
    use rustls::pki_types::PrivateKeyDer;
    use rustls::pki_types::pem::PemObject;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mode = match (tls.mode, &tls.root_cert) {
        (TlsMode::Require, Some(_)) => TlsMode::VerifyCa,
        (mode, _) => mode,
    };
    let chain = match mode {
        TlsMode::VerifyCa | TlsMode::VerifyFull => {
            let Some(root) = &tls.root_cert else {
                return Err(Error::new(
                    Id::NextcloudConfig,
                    format!(
                        "pgsql_ssl mode {mode:?} needs a root certificate ('rootcert') to check {} against",
                        server.describe()
                    ),
                ));
            };
            Some(chain_verifier(root, tls.crl.as_deref(), &provider)?)
        }
        _ => None,
    };
    let verifier = Arc::new(Verifier {
        chain,
        check_name: mode == TlsMode::VerifyFull,
        provider: provider.clone(),
    });
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::internal(format!("TLS set-up: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    match (&tls.client_cert, &tls.client_key) {
        (Some(cert), Some(key)) => {
            let chain = certs("client certificate", cert)?;
            let key =
                PrivateKeyDer::from_pem_file(key).map_err(|e| bad_file("client key", key, &e))?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| bad_file("client certificate", cert, &e))
        }
        _ => Ok(builder.with_no_client_auth()),
    }
}

/// A TLS file named in the configuration that cannot be used.
fn bad_file(what: &str, path: &Path, e: &dyn std::fmt::Display) -> Error {
    Error::new(
        Id::NextcloudConfig,
        format!(
            "cannot use the TLS {what} {} named in the configuration: {e}",
            path.display()
        ),
    )
}

/// The certificates of a PEM file.
fn certs(what: &str, path: &Path) -> Result<Vec<rustls::pki_types::CertificateDer<'static>>> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    CertificateDer::pem_file_iter(path)
        .and_then(|it| it.collect::<std::result::Result<Vec<_>, _>>())
        .map_err(|e| bad_file(what, path, &e))
}

/// The check of the server's chain against the root certificates of `root` (and the
/// revocation list `crl`, if named).
fn chain_verifier(
    root: &Path,
    crl: Option<&Path>,
    provider: &Arc<rustls::crypto::CryptoProvider>,
) -> Result<Arc<rustls::client::WebPkiServerVerifier>> {
    use rustls::pki_types::CertificateRevocationListDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for cert in certs("root certificate", root)? {
        roots
            .add(cert)
            .map_err(|e| bad_file("root certificate", root, &e))?;
    }
    let crls = match crl {
        Some(path) => CertificateRevocationListDer::pem_file_iter(path)
            .and_then(|it| it.collect::<std::result::Result<Vec<_>, _>>())
            .map_err(|e| bad_file("revocation list", path, &e))?,
        None => Vec::new(),
    };
    rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .with_crls(crls)
        .build()
        .map_err(|e| bad_file("root certificate", root, &e))
}

/// The server certificate check of a TLS mode: the chain (against the root
/// certificates), with or without the name, or nothing (`prefer`, `require`: encrypted,
/// the certificate not checked, as libpq does). The handshake's signatures are always
/// checked.
#[derive(Debug)]
struct Verifier {
    chain: Option<std::sync::Arc<rustls::client::WebPkiServerVerifier>>,
    check_name: bool,
    provider: std::sync::Arc<rustls::crypto::CryptoProvider>,
}

impl rustls::client::danger::ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &rustls::pki_types::CertificateDer<'_>,
        intermediates: &[rustls::pki_types::CertificateDer<'_>],
        server_name: &rustls::pki_types::ServerName<'_>,
        ocsp: &[u8],
        now: rustls::pki_types::UnixTime,
    ) -> std::result::Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        use rustls::CertificateError as C;
        let Some(chain) = &self.chain else {
            return Ok(rustls::client::danger::ServerCertVerified::assertion());
        };
        match chain.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
            Err(rustls::Error::InvalidCertificate(
                C::NotValidForName | C::NotValidForNameContext { .. },
            )) if !self.check_name => Ok(rustls::client::danger::ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
