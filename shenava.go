// Package shenava holds the documented default configuration, embedded so
// `shenava demo` runs on exactly the file operators read. The program is in
// cmd/shenava; see README.md.
package shenava

import _ "embed"

// DefaultConfig is config.yaml as shipped.
//
//go:embed config.yaml
var DefaultConfig []byte
