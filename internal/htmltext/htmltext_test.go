package htmltext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"Empty", "", ""},
		{"PlainTextPassesThrough", "no markup at all", "no markup at all"},
		{"Paragraphs", "<p>one</p><p>two</p>", "one\n\ntwo"},
		{"LineBreaks", "<p>a<br>b<br />c</p>", "a\nb\nc"},
		{"EndBrIsABreak", "a</br>b", "a\nb"},
		{"InlineTagsJoin", "No<b>va</b>va", "Novava"},
		{"LinkShownWhole", `<a href="https://ex.com/a/long/path"><span class="invisible">https://</span><span class="ellipsis">ex.com/a/lo</span><span class="invisible">ng/path</span></a>`, "https://ex.com/a/long/path"},
		{"Entities", "<p>Fish &amp; chips &lt;3 &#39;yes&#39; &quot;no&quot; &ndash; &#8220;ok&#8221;</p>", "Fish & chips <3 'yes' \"no\" – “ok”"},
		{"ScriptDropped", "<p>a<script>alert(1)</script>b</p>", "ab"},
		{"StyleAndNoscriptDropped", "<style>p{}</style>hi<noscript>enable js</noscript> there", "hi there"},
		{"NestedHiddenOfTheSameKind", "<svg><svg>x</svg>y</svg>z", "z"},
		{"SpacesCollapsed", "<p>  a   \t b  </p>\n\n\n<p>c</p>", "a b\n\nc"},
		{"NonBreakingSpaces", "<p>a\u00a0\u00a0b</p>", "a b"},
		{"List", "<ul><li>one</li><li>two</li></ul>", "- one\n- two"},
		{"ListAfterParagraph", "<p>steps:</p><ol><li>a</li><li>b</li></ol><p>done</p>", "steps:\n\n- a\n- b\n\ndone"},
		{"Divs", "<div>one</div><div>two</div>", "one\n\ntwo"},
		{"TableRowsAndCells", "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc"},
		{"Headings", "<h1>Title</h1>body", "Title\n\nbody"},
		{"ZWNJKept", "<p>می\u200cشود</p>", "می\u200cشود"},
		{"Persian", "<p dir=\"rtl\">سلام&nbsp;<strong>نوآوا</strong></p>", "سلام نوآوا"},
		{"ControlCharsDropped", "a\x00b\x07c", "abc"},
		{"InvalidUTF8", "<p>caf\xe9</p>", "caf\uFFFD"},
		{"UnclosedTag", "text <a href=", "text"},
		{"StrayAngle", "a < b and c > d", "a < b and c > d"},
		{"Comment", "a<!-- hidden -->b", "ab"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Text(tt.in); got != tt.want {
				t.Errorf("Text(%q)=%q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestLine(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"Empty", "", ""},
		{"PlainText", "Novava is great", "Novava is great"},
		{"Entities", "Fish &amp; chips &ndash; &#8220;good&#8221; &lt;3", "Fish & chips – “good” <3"},
		{"Paragraphs", "<p>one</p><p>two</p>", "one two"},
		{"LineBreaks", "a<br>b<br/>c", "a b c"},
		{"List", "<ul><li>one</li><li>two</li></ul>", "one two"},
		{"Figure", `<figure><img src="a"/><figcaption>cap</figcaption></figure>after`, "cap after"},
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
			if got := Line(tt.in); got != tt.want {
				t.Errorf("Line(%q)=%q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestText_DropClasses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		classes  []string
		want     string
	}{
		{"NoClassesKeepsAll", `<p class="aside">x</p><p>y</p>`, nil, "x\n\ny"},
		{"Dropped", `<p class="aside">x</p><p>y</p>`, []string{"aside"}, "y"},
		{"OneOfSeveral", `<p class="a aside b">x</p>y`, []string{"other", "aside"}, "y"},
		{"NestedSameElement", `<span class="aside">x <span>in</span> still</span>shown`, []string{"aside"}, "shown"},
		{"VoidElementIgnored", `<br class="aside">x`, []string{"aside"}, "x"},
		{"SimilarClassKept", `<p class="asides">x</p>`, []string{"aside"}, "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Text(tt.in, tt.classes...); got != tt.want {
				t.Errorf("Text(%q, %q)=%q, want %q", tt.in, tt.classes, got, tt.want)
			}
			if got, want := Line(tt.in, tt.classes...), strings.Join(strings.Fields(tt.want), " "); got != want {
				t.Errorf("Line(%q, %q)=%q, want %q", tt.in, tt.classes, got, want)
			}
		})
	}
}

// FuzzText: whatever the markup, both shapes come out valid and tidy, and
// converting plain output again changes nothing. Seeds in
// testdata/fuzz/FuzzText are feed entries and statuses from the
// connectors' fixtures, and broken markup.
func FuzzText(f *testing.F) {
	for _, s := range []string{"", "<p>a</p>", "&amp;", "<script>x", "سلام<br>دنیا", "a\u00a0b", "<a href=x>y</a>", "<ul><li>a<li>b</ul>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		for _, tc := range []struct {
			name string
			conv func(string) string
		}{
			{"Text", func(s string) string { return Text(s) }},
			{"TextDropping", func(s string) string { return Text(s, "quote-inline") }},
			{"Line", func(s string) string { return Line(s) }},
		} {
			out := tc.conv(in)
			if !utf8.ValidString(out) {
				t.Fatalf("%s(%q)=%q is not valid UTF-8", tc.name, in, out)
			}
			if out != strings.TrimSpace(out) || strings.Contains(out, "  ") || strings.Contains(out, "\n\n\n") {
				t.Fatalf("%s(%q)=%q is not tidy", tc.name, in, out)
			}
			if tc.name == "Line" && strings.Contains(out, "\n") {
				t.Fatalf("Line(%q)=%q is not one line", in, out)
			}
			if !strings.ContainsAny(out, "<&") && tc.conv(out) != out {
				t.Fatalf("%s is not idempotent on %q: %q", tc.name, out, tc.conv(out))
			}
		}
	})
}
