// Package core holds Shenava's domain types and rules: mentions and their
// authors, the analysis the sentiment model attaches to a mention, the cases
// managers work on, and the outbox actions that carry every side effect.
//
// core imports only the standard library and does no I/O. Every other
// package depends on it; it depends on none of them.
package core
