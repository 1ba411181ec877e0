// Package config loads and checks Shenava's configuration: one YAML file,
// config.yaml, that the operator reads top to bottom. The shipped
// config.yaml at the repository root documents every key with its default.
//
// # Who owns what
//
// Each section belongs to the package that uses it: its Config type with
// YAML tags, its Default constants and DefaultConfig, and its Problems
// (and Validate) naming keys relative to the section. brand.Config,
// connector/file, x, mastodon and rss, bot.Config (telegram),
// listen.Config and listen.OutboxConfig, store.Config (storage),
// metrics.Config and internal/logging.Config (log) are used here as they
// are; the shared value types (Duration, Secret) and the problem list are
// in internal/conf. This package composes them and keeps what spans them:
// strict decoding with lines, ${ENV} and _FILE secrets, relative paths,
// values derived from other sections, the checks that cross sections
// (unique source names, timeouts of at least a second in the file, the
// brand's name), and the sections that feed several packages (routing,
// digest, spike, sla), from which it builds listen.Policy
// ([Config.Policy]), digest.Config and watch.Config.
//
// Load runs every section's checks, so "shenava check" refuses what
// "shenava run" refuses, and every problem reads "file:line: key: problem".
//
// # Loading order
//
//  1. Defaults. [Default] returns a Config filled with each section's
//     DefaultConfig; every key the file leaves out keeps its
//     default. A key written as null (an empty value) sets the zero value
//     of a scalar or list; an empty section keeps its defaults.
//  2. The file. It is parsed as one YAML document and decoded strictly onto
//     the defaults: an unknown key, a duplicate key, or a value of the wrong
//     shape is a problem naming its full key path and line, for example
//     "config.yaml:14: sources.x.bearer_tokn: unknown key".
//  3. Environment. While decoding, "${NAME}" in any value is replaced by the
//     variable NAME and "${NAME:-default}" falls back to default when NAME
//     is unset or empty; "$${" writes a literal "${". For a secret (a
//     [Secret] field such as telegram.token) whose whole value is
//     "${NAME}", an unset NAME is looked up as NAME_FILE, the path of a file
//     holding the secret (its trailing newline is trimmed). A variable that
//     is unset with no default is a problem only when the section that uses
//     it is enabled; optional secrets are written "${NAME:-}".
//  4. Derived values. Values left empty that take their default from
//     another key are filled in (a feed's interval from
//     listen.poll_interval, a manager's language from
//     telegram.default_lang, the digest chat from telegram.alert_chat_id,
//     ...), and relative paths are resolved against the directory of the
//     config file (or the working directory for [Parse]). Sections that
//     take values from others get them here: the X search terms and the
//     Mastodon hashtags, searches and own accounts from brand, the bot's
//     templates and thank-you mode from routing, batch sizes from listen.
//  5. Validation. Every enabled section is checked, including combinations
//     of keys. Disabled sections are decoded (so typos are caught) but not
//     validated.
//
// All problems found in steps 2 to 5 are returned at once, joined with
// errors.Join; each one is a *[FieldError]. Things that are allowed but
// probably not what the operator wants are returned by [Config.Warnings].
//
// Checks that touch the file system beyond reading secrets (the file
// sources exist, the database directory exists) are in [Config.CheckFiles],
// which "shenava check" and "shenava run" call; [Parse] alone never needs
// them, so a config can be validated on another machine.
//
// The package keeps no state: [Load] and [Parse] take the environment as a
// function, so tests run in parallel without touching the process
// environment.
package config
