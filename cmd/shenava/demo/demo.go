// Package demo holds the sample mentions `shenava demo` replays: fifty-odd
// posts about a fictional café brand, Shenava Coffee, in Persian, English
// and Finglish, from one day on X, Mastodon, Telegram groups and feeds.
package demo

import _ "embed"

// Mentions is the JSONL file (see connector/file for the schema).
//
//go:embed mentions.jsonl
var Mentions []byte
