//! Unit tests of what is due.
