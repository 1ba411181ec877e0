package instagram

import (
	"fmt"
	"strings"
	"time"

	"github.com/shenava/shenava/core"
)

// Graph API objects, with the fields Shenava asks for.

type paging struct {
	Cursors struct {
		After string `json:"after"`
	} `json:"cursors"`
	Next string `json:"next"`
}

type user struct {
	ID       string `json:"id"`
	Username string `json:"username"`
}

type media struct {
	ID            string `json:"id"`
	Caption       string `json:"caption"`
	Permalink     string `json:"permalink"`
	Timestamp     string `json:"timestamp"`
	Username      string `json:"username"`
	CommentsCount int    `json:"comments_count"`
}

type mediaPage struct {
	Data   []media `json:"data"`
	Paging paging  `json:"paging"`
}

type comment struct {
	ID        string `json:"id"`
	Text      string `json:"text"`
	Timestamp string `json:"timestamp"`
	Username  string `json:"username"`
	From      *user  `json:"from"`
	ParentID  string `json:"parent_id"`
	Media     *struct {
		ID string `json:"id"`
	} `json:"media"`
	Hidden  bool `json:"hidden"`
	Replies *struct {
		Data []comment `json:"data"`
	} `json:"replies"`
}

type commentPage struct {
	Data   []comment `json:"data"`
	Paging paging    `json:"paging"`
}

// Fields requested for media and comments.
const (
	mediaFields   = "id,caption,permalink,timestamp,username,comments_count"
	commentFields = "id,text,timestamp,username,from{id,username},parent_id,hidden," +
		"replies{id,text,timestamp,username,from{id,username},parent_id,hidden}"
)

// timeLayout is how the Graph API writes times: 2024-05-23T18:13:15+0000.
const timeLayout = "2006-01-02T15:04:05-0700"

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		t, err = time.Parse(time.RFC3339, s)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("instagram: timestamp %q: %w", s, core.ErrInvalid)
	}
	return t.UTC(), nil
}

// mentionedPrefix marks, in Mention.ConversationID, a post or comment on
// someone else's media that @mentions the brand: Instagram answers those
// through the account's /mentions edge, not the comment's /replies.
const mentionedPrefix = "mentioned:"

// commentURL links to a comment under its post.
func commentURL(permalink, id string) string {
	if permalink == "" {
		return ""
	}
	return strings.TrimRight(permalink, "/") + "/c/" + id + "/"
}

// toMention turns a comment into a mention. mediaID and permalink are the
// post it is under; mentioned marks a comment on someone else's post.
func toMention(c comment, mediaID, permalink string, mentioned bool, at, fetched time.Time) core.Mention {
	author := core.Author{Handle: c.Username}
	if c.From != nil {
		author.ID = c.From.ID
		if author.Handle == "" {
			author.Handle = c.From.Username
		}
	}
	if author.ID == "" {
		// The API leaves from out for some comments; the username is
		// still stable enough to key the author.
		author.ID = "@" + author.Handle
	}
	m := core.Mention{
		Platform: core.PlatformInstagram, NativeID: c.ID, URL: commentURL(permalink, c.ID),
		Author: author, Text: c.Text, CreatedAt: at, FetchedAt: fetched,
		ReplyToID: c.ParentID, ConversationID: mediaID,
	}
	if m.ReplyToID == "" {
		m.ReplyToID = mediaID
	}
	if mentioned {
		m.ConversationID = mentionedPrefix + mediaID
	}
	return m
}
