//! `attend certificate UPN [period]`: the registration certificate, filed in the pupil's case.

use super::Ctx;
use super::common::pupil_id;
use super::documents::{batch, one};
use crate::cli::certificate::CertificateArgs;
use anyhow::Result;
use attend::documents::Request;
use std::process::ExitCode;

pub fn run(ctx: &Ctx, a: CertificateArgs) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let period = a.period.spec();
    if a.all_flagged {
        return batch(ctx, &ws, &a.output, &a.by, a.threshold, |_| {
            Ok(Request::Certificate {
                period: period.clone(),
            })
        });
    }
    let id = pupil_id(ctx, &ws, a.upn.as_deref().expect("clap requires UPN"))?;
    one(
        ctx,
        &ws,
        &id,
        &Request::Certificate { period },
        &a.output,
        &a.by,
    )
}
