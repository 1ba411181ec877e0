package conf

import (
	"fmt"
	"log/slog"
)

// redacted is what a Secret prints instead of its value.
const redacted = "[redacted]"

// Secret holds a credential (a token, a key). It prints as "[redacted]"
// with every fmt verb, in JSON, YAML and text encodings, and in slog
// records, so a Config can be logged or dumped whole. Only Reveal returns
// the value: call it where the credential is handed to a client.
type Secret struct {
	value string
}

// NewSecret wraps a credential, for wiring and tests.
func NewSecret(value string) Secret { return Secret{value: value} }

// Reveal returns the credential.
func (s Secret) Reveal() string { return s.value }

// Empty reports whether no credential is set.
func (s Secret) Empty() bool { return s.value == "" }

// IsZero reports whether no credential is set (for omitzero encoders).
func (s Secret) IsZero() bool { return s.value == "" }

// String returns "[redacted]".
func (s Secret) String() string { return redacted }

// GoString returns "[redacted]".
func (s Secret) GoString() string { return redacted }

// Format writes "[redacted]" for every verb, so %v, %+v, %#v, %s, %q, %x
// and the rest never print the value.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", redacted)
		return
	}
	fmt.Fprint(f, redacted)
}

// MarshalJSON writes "[redacted]".
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalText writes "[redacted]".
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// MarshalYAML writes "[redacted]".
func (s Secret) MarshalYAML() (any, error) { return redacted, nil }

// LogValue makes slog print "[redacted]".
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }
