//! Validate: one checked tree per guide. Each model node is paired with what validation
//! resolved for it (anchors, numbers, waits, where each screenshot comes from), here and only
//! here, so renderers and the linter walk one tree instead of zipping two side by side.

use super::{Image, Resolved, ResolvedSection, ResolvedStep};
use crate::model::{Guide, Screenshot, Section, Step};

/// A guide and what validation resolved for it.
#[derive(Clone, Copy)]
pub struct CheckedGuide<'a> {
    pub model: &'a Guide,
    pub resolved: &'a Resolved,
}

/// A section and its anchor and steps.
#[derive(Clone, Copy)]
pub struct CheckedSection<'a> {
    pub model: &'a Section,
    pub resolved: &'a ResolvedSection,
}

/// A step and its anchor, number, wait, screenshots and substeps.
#[derive(Clone, Copy)]
pub struct CheckedStep<'a> {
    pub model: &'a Step,
    pub resolved: &'a ResolvedStep,
}

impl<'a> CheckedGuide<'a> {
    pub fn new(model: &'a Guide, resolved: &'a Resolved) -> Self {
        CheckedGuide { model, resolved }
    }

    pub fn sections(self) -> impl Iterator<Item = CheckedSection<'a>> {
        self.model
            .sections
            .iter()
            .zip(&self.resolved.sections)
            .map(|(model, resolved)| CheckedSection { model, resolved })
    }
}

impl<'a> CheckedSection<'a> {
    pub fn steps(self) -> impl Iterator<Item = CheckedStep<'a>> {
        self.model
            .steps
            .iter()
            .zip(&self.resolved.steps)
            .map(|(model, resolved)| CheckedStep { model, resolved })
    }
}

impl<'a> CheckedStep<'a> {
    pub fn substeps(self) -> impl Iterator<Item = CheckedStep<'a>> {
        self.model
            .substeps
            .iter()
            .zip(&self.resolved.substeps)
            .map(|(model, resolved)| CheckedStep { model, resolved })
    }

    /// Each screenshot with where it comes from.
    pub fn screenshots(self) -> impl Iterator<Item = (&'a Screenshot, &'a Image)> {
        self.model
            .screenshots
            .iter()
            .map(|s| &s.value)
            .zip(&self.resolved.screenshots)
    }
}
