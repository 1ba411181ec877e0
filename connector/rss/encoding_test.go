package rss

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestToUTF8(t *testing.T) {
	t.Parallel()
	// "سلام" in windows-1256.
	const salam1256 = "\xd3\xe1\xc7\xe3"
	tests := []struct {
		name, in, contentType, want string
	}{
		{"UTF8Unchanged", `<?xml version="1.0" encoding="utf-8"?><a>سلام</a>`, "", `<?xml version="1.0" encoding="utf-8"?><a>سلام</a>`},
		{"BOMRemoved", "\xef\xbb\xbf<a>x</a>", "", "<a>x</a>"},
		{"DeclaredWindows1256", `<?xml version="1.0" encoding="windows-1256"?><a>` + salam1256 + `</a>`, "", `<?xml version="1.0" encoding="UTF-8"?><a>سلام</a>`},
		{"HeaderWindows1256", `<?xml version="1.0"?><a>` + salam1256 + `</a>`, "text/xml; charset=windows-1256", `<?xml version="1.0"?><a>سلام</a>`},
		{"DeclarationBeatsHeader", `<?xml version='1.0' encoding='windows-1256'?><a>` + salam1256 + `</a>`, "text/xml; charset=iso-8859-1", `<?xml version='1.0' encoding='UTF-8'?><a>سلام</a>`},
		{"MislabelledUTF8", `<?xml version="1.0" encoding="windows-1256"?><a>سلام</a>`, "", `<?xml version="1.0" encoding="UTF-8"?><a>سلام</a>`},
		{"UnknownLabel", `<?xml version="1.0" encoding="x-klingon"?><a>caf` + "\xe9" + `</a>`, "", `<?xml version="1.0" encoding="UTF-8"?><a>caf` + "\uFFFD" + `</a>`},
		{"NoLabelInvalidBytes", "<a>caf\xe9</a>", "", "<a>caf\uFFFD</a>"},
		{"UTF16LE", "\xff\xfe<\x00a\x00>\x00x\x00<\x00/\x00a\x00>\x00", "", "<a>x</a>"},
		{"UTF16BE", "\xfe\xff\x00<\x00a\x00>\x00x\x00<\x00/\x00a\x00>", "", "<a>x</a>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(toUTF8([]byte(tt.in), tt.contentType))
			if got != tt.want {
				t.Errorf("toUTF8=%q, want %q", got, tt.want)
			}
			if !utf8.ValidString(got) {
				t.Errorf("result is not UTF-8")
			}
			if strings.Contains(strings.ToLower(got), "1256") {
				t.Errorf("declaration still names the old encoding: %q", got)
			}
		})
	}
}
