package mastodon

import "github.com/shenava/shenava/internal/htmltext"

// plainText turns the HTML of a status into the text its author typed.
// Mastodon's markup is small and regular: paragraphs, line breaks, links,
// mentions (<a class="u-url mention">@<span>user</span></a>) and hashtags
// (<a class="mention hashtag">#<span>tag</span></a>). htmltext.Text keeps
// the paragraphs and lines, shows links whole (including the parts Mastodon
// hides with <span class="invisible">) and keeps the '@' and '#' of
// mentions and hashtags, which are text. What is Mastodon's own is the
// "RE: link" line it adds to quote posts, class quote-inline: it is left
// out.
func plainText(content string) string { return htmltext.Text(content, "quote-inline") }
