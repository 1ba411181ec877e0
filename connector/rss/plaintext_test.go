package rss

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPlainText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"Empty", "", ""},
		{"PlainText", "Novava is great", "Novava is great"},
		{"Entities", "Fish &amp; chips &ndash; &#8220;good&#8221; &lt;3", "Fish & chips – “good” <3"},
		{"Paragraphs", "<p>one</p><p>two</p>", "one two"},
		{"LineBreaks", "a<br>b<br/>c", "a b c"},
		{"InlineTagsJoin", "No<b>va</b>va", "Novava"},
		{"LinksKeepText", `see <a href="https://x.example">the post</a>.`, "see the post."},
		{"ScriptAndStyleDropped", "<style>p{}</style>hi<script>alert(1)</script> there", "hi there"},
		{"WhitespaceCollapsed", "  a \n\t b\u00a0\u00a0c  ", "a b c"},
		{"StrayAngle", "a < b and c > d", "a < b and c > d"},
		{"UnclosedTag", "text <b", "text"},
		{"Persian", "<p dir=\"rtl\">سلام&nbsp;<strong>نوآوا</strong></p>", "سلام نوآوا"},
		{"ZWNJKept", "می\u200cشود", "می\u200cشود"},
		{"ControlCharsDropped", "a\x00b\x07c", "abc"},
		{"InvalidUTF8", "caf\xe9", "caf\uFFFD"},
		{"Comment", "a<!-- hidden -->b", "ab"},
		{"CDATAInHTML", "<![CDATA[x]]>y", "y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := plainText(tt.in); got != tt.want {
				t.Errorf("plainText(%q)=%q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzPlainText(f *testing.F) {
	for _, s := range []string{"", "<p>a</p>", "&amp;", "<script>x", "سلام<br>دنیا", "a\u00a0b", "<a href=x>y</a>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := plainText(in)
		if !utf8.ValidString(out) {
			t.Fatalf("plainText(%q)=%q is not valid UTF-8", in, out)
		}
		if out != strings.TrimSpace(out) || strings.Contains(out, "  ") {
			t.Fatalf("plainText(%q)=%q has untrimmed or doubled space", in, out)
		}
		if plainText(out) != out && !strings.ContainsAny(out, "<&") {
			t.Fatalf("plainText is not idempotent on %q", out)
		}
	})
}
