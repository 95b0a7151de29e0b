//! `attend certificate UPN [period] [--court]`: the registration certificate (or its version for a
//! magistrates' court), filed in the pupil's case.

use super::Ctx;
use super::common::pupil_id;
use super::documents::{batch, one};
use crate::cli::certificate::CertificateArgs;
use anyhow::{Result, bail};
use attend::documents::Request;
use std::process::ExitCode;

pub fn run(ctx: &Ctx, a: CertificateArgs) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let period = a.period.spec();
    let court = a.court || ws.config.certificate.court;
    if a.allow_unresolved && !court {
        bail!("--allow-unresolved is for the certificate for a court: add --court");
    }
    let import = if court {
        attend::register::store::register_imports(&ws.register_dir())?
            .last()
            .cloned()
    } else {
        None
    };
    let request = |period: &attend::attendance::PeriodSpec| {
        if court {
            Request::CourtCertificate {
                period: period.clone(),
                import: import.clone(),
                allow_unresolved: a.allow_unresolved,
            }
        } else {
            Request::Certificate {
                period: period.clone(),
            }
        }
    };
    if a.all_flagged {
        return batch(ctx, &ws, &a.output, &a.by, a.threshold, |_| {
            Ok(request(&period))
        });
    }
    let id = pupil_id(ctx, &ws, a.upn.as_deref().expect("clap requires UPN"))?;
    one(ctx, &ws, &id, &request(&period), &a.output, &a.by)
}
