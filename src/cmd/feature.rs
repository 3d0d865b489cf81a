use serde_json::{Map, json};

use super::Ctx;
use crate::account::features;
use crate::cli::{Feature, FeatureCommand};
use crate::error::Result;
use crate::output::Report;
use crate::store::Access;

pub(super) fn run(ctx: &Ctx, command: FeatureCommand) -> Result<Report> {
    let (feature, enable) = match command {
        FeatureCommand::List => return list(ctx),
        FeatureCommand::Enable { name } => (name, true),
        FeatureCommand::Disable { name } => (name, false),
    };
    let mut store = ctx.open(Access::Write)?;
    let before = features::set_enabled(&mut store, feature.name(), enable)?;
    let word = if enable { "enabled" } else { "disabled" };
    let note = if before == enable {
        format!("{} was already {word}.", feature.name())
    } else {
        format!("{} is now {word}.", feature.name())
    };
    Ok(Report::new(json!({
        "success": true,
        "feature": feature.name(),
        "enabled": enable,
        "changed": before != enable,
    }))
    .note(note))
}

fn list(ctx: &Ctx) -> Result<Report> {
    let mut store = ctx.open(Access::Read)?;
    let names: Vec<&str> = Feature::ALL.iter().map(|f| f.name()).collect();
    let states = features::enabled(&mut store, &names)?;
    let mut map = Map::new();
    let mut text = String::new();
    for (feature, on) in Feature::ALL.iter().zip(states) {
        map.insert(feature.name().to_owned(), json!(on));
        text.push_str(&format!(
            "{:<24} {}\n",
            feature.name(),
            if on { "enabled" } else { "disabled" }
        ));
    }
    Ok(Report::new(json!({ "features": map })).stdout(text))
}
