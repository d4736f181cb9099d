//! The model's fixed vocabulary (MODEL.md sections 3, 6 and 10): the
//! duration cells of a benefit spell, the destinations a scenario has when it
//! names none, which of them count as job and education, and the refusion
//! ladder when the scenario gives none.

/// Number of spell-duration cells: 0…11 months completed, and 12 or more.
pub const CELLS: usize = 13;
/// The cell of spells of 12 months or more.
pub const LAST_CELL: usize = CELLS - 1;

/// The origin state; no destination may take its name.
pub const BENEFIT: &str = "benefit";

/// The destinations of a scenario without a `destinations` table.
pub const DEFAULT_DESTINATIONS: &[&str] = &[
    "job",
    "education",
    "flexjob",
    "resource",
    "pension",
    "other",
];

/// The destinations counted in "extra persons into job and education", and
/// those a caseload acts on unless its `affects` says otherwise.
pub const JOB_EDUCATION: &[&str] = &["job", "education"];

/// The refusion ladder without a `benefit.refusion`: up to and including
/// spell month `m`, the state refunds the share.
pub const DEFAULT_LADDER: &[(u32, f64)] = &[(1, 0.80), (6, 0.40), (12, 0.30), (999, 0.20)];
