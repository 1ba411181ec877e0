package telegramtest

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
)

// Telegram's HTML parse mode accepts a handful of tags; "All <, > and &
// symbols that are not a part of a tag or an HTML entity must be replaced
// with the corresponding HTML entities."
var (
	htmlTags = map[string]bool{
		"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true, "s": true,
		"strike": true, "del": true, "span": true, "tg-spoiler": true, "a": true, "tg-emoji": true,
		"code": true, "pre": true, "blockquote": true, "tg-time": true,
	}
	htmlEntity = regexp.MustCompile(`^&(lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});`)
	htmlTag    = regexp.MustCompile(`^<(/?)([a-z-]+)((?:\s+[a-z-]+(?:="[^"<>]*")?)*)\s*>`)
)

// ParseHTML checks text the way Telegram parses parse_mode HTML and returns
// the text a user sees (tags removed, entities decoded).
func ParseHTML(text string) (string, error) {
	var (
		plain strings.Builder
		stack []string
	)
	for i := 0; i < len(text); {
		switch text[i] {
		case '<':
			m := htmlTag.FindStringSubmatch(text[i:])
			if m == nil {
				return "", fmt.Errorf("can't parse entities: unsupported start tag or stray \"<\" at byte offset %d", i)
			}
			closing, name := m[1] == "/", m[2]
			if !htmlTags[name] {
				return "", fmt.Errorf("can't parse entities: unsupported start tag %q at byte offset %d", name, i)
			}
			if closing {
				if len(stack) == 0 || stack[len(stack)-1] != name {
					return "", fmt.Errorf("can't parse entities: unmatched end tag %q at byte offset %d", name, i)
				}
				stack = stack[:len(stack)-1]
			} else {
				stack = append(stack, name)
			}
			i += len(m[0])
		case '>':
			return "", fmt.Errorf("can't parse entities: stray \">\" at byte offset %d", i)
		case '&':
			m := htmlEntity.FindStringSubmatch(text[i:])
			if m == nil {
				return "", fmt.Errorf("can't parse entities: stray \"&\" at byte offset %d", i)
			}
			switch ent := m[1]; {
			case ent == "lt":
				plain.WriteByte('<')
			case ent == "gt":
				plain.WriteByte('>')
			case ent == "amp":
				plain.WriteByte('&')
			case ent == "quot":
				plain.WriteByte('"')
			case strings.HasPrefix(ent, "#x"):
				n, _ := strconv.ParseInt(ent[2:], 16, 32)
				plain.WriteRune(rune(n))
			default:
				n, _ := strconv.ParseInt(ent[1:], 10, 32)
				plain.WriteRune(rune(n))
			}
			i += len(m[0])
		default:
			plain.WriteByte(text[i])
			i++
		}
	}
	if len(stack) > 0 {
		return "", fmt.Errorf("can't parse entities: can't find end tag corresponding to start tag %q", stack[len(stack)-1])
	}
	return plain.String(), nil
}

// Length is how Telegram counts characters: UTF-16 code units.
func Length(s string) int { return len(utf16.Encode([]rune(s))) }
