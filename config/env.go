package config

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// expansion is one value after "${...}" references were replaced.
type expansion struct {
	value string
	// refs counts the references found; 0 means the value was written
	// inline.
	refs int
	// missing names variables that were unset and had no default.
	missing []string
	// defaulted is true when a ${NAME:-default} used its default.
	defaulted bool
}

// expand replaces ${NAME} and ${NAME:-default} in s. "$${" is a literal
// "${"; any other '$' is kept as it is. A variable set to the empty string
// counts as unset.
func expand(s string, getenv func(string) string) (expansion, error) {
	if !strings.Contains(s, "${") {
		return expansion{value: s}, nil
	}
	var x expansion
	var b strings.Builder
	for i := 0; i < len(s); {
		if strings.HasPrefix(s[i:], "$${") {
			b.WriteString("${")
			i += 3
			continue
		}
		if !strings.HasPrefix(s[i:], "${") {
			b.WriteByte(s[i])
			i++
			continue
		}
		end := strings.IndexByte(s[i+2:], '}')
		if end < 0 {
			return x, errors.New(`"${" without a closing "}"; write "$${" for a literal "${"`)
		}
		name, def, hasDef := parseRef(s[i+2 : i+2+end])
		if !validEnvName(name) {
			return x, fmt.Errorf("${%s}: %q is not a variable name (letters, digits and _, not starting with a digit)",
				s[i+2:i+2+end], name)
		}
		x.refs++
		switch v := getenv(name); {
		case v != "":
			b.WriteString(v)
		case hasDef:
			b.WriteString(def)
			x.defaulted = true
		default:
			x.missing = append(x.missing, name)
		}
		i += 2 + end + 1
	}
	x.value = b.String()
	return x, nil
}

// parseRef splits the inside of ${...} into the name and the default.
func parseRef(ref string) (name, def string, hasDef bool) {
	if n, d, ok := strings.Cut(ref, ":-"); ok {
		return n, d, true
	}
	return ref, "", false
}

// wholeRef reports whether s is exactly one reference, "${NAME}" or
// "${NAME:-default}", as secrets are written.
func wholeRef(s string) (name, def string, hasDef, ok bool) {
	if !strings.HasPrefix(s, "${") || !strings.HasSuffix(s, "}") {
		return "", "", false, false
	}
	inner := s[2 : len(s)-1]
	if strings.ContainsAny(inner, "{}$") {
		return "", "", false, false
	}
	name, def, hasDef = parseRef(inner)
	if !validEnvName(name) {
		return "", "", false, false
	}
	return name, def, hasDef, true
}

func validEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// MaxSecretFileBytes bounds a secret read from a NAME_FILE file.
const MaxSecretFileBytes = 64 << 10

// readSecretFile reads a secret file and trims its trailing newline.
func readSecretFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxSecretFileBytes+1))
	if err != nil {
		return "", err
	}
	if len(b) > MaxSecretFileBytes {
		return "", fmt.Errorf("%s: larger than %d KiB", path, MaxSecretFileBytes>>10)
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}
