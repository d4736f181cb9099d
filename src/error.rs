//! Errors of the core. `python.rs` maps `Invalid` and `Options` to `ValueError`
//! and `Cancelled` to `KeyboardInterrupt`; nothing else crosses the boundary.

#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum Error {
    /// A scenario that breaks MODEL.md section 9, with the field's path.
    #[error("{}", if path.is_empty() { message.clone() } else { format!("{path}: {message}") })]
    Invalid { path: String, message: String },
    /// Run options out of range (draws, threads, mode, chunk size).
    #[error("{0}")]
    Options(String),
    /// The run was stopped by its cancel flag (Ctrl-C in Python).
    #[error("the run was cancelled")]
    Cancelled,
}

impl Error {
    pub fn invalid(path: &str, message: impl Into<String>) -> Self {
        Error::Invalid {
            path: path.to_string(),
            message: message.into(),
        }
    }
}
