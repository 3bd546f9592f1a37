//! Source: a guide file from its bytes to the model — read (regular files only, capped), parsed
//! as YAML with every value's span ([`node`]), its shape checked against the schema ([`shape`]),
//! converted into the model's types ([`convert`]); [`load`] runs these for one file; [`write`] is
//! the way back, a guide as YAML.

pub mod convert;
pub mod edit;
pub mod load;
pub mod node;
pub mod shape;
pub mod write;
