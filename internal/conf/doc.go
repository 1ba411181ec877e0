// Package conf holds the value types that configuration sections share:
// the config package decodes them from YAML, and each package that owns a
// section declares its fields with them. It also holds [Problems], the
// list of section-relative problems a section's Validate returns, which
// the config package turns into "file:line: key: problem" messages.
//
// It imports only the standard library, so any package may use it.
package conf
