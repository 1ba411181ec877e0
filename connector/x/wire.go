package x

// Wire formats of the X API v2, as documented at docs.x.com. Only the
// fields Shenava reads are declared; tests check each one against the
// published OpenAPI document (connector/x/spec_test.go).

// timelinePage is one page of GET /2/users/{id}/mentions or
// GET /2/tweets/search/recent.
type timelinePage struct {
	Data     []post    `json:"data"`
	Includes *includes `json:"includes"`
	// Errors lists partial failures next to good data (a deleted author,
	// a withheld post); the data is still used.
	Errors []problem `json:"errors"`
	Meta   pageMeta  `json:"meta"`
}

type includes struct {
	Users []user `json:"users"`
}

type pageMeta struct {
	NewestID    string `json:"newest_id"`
	OldestID    string `json:"oldest_id"`
	ResultCount int    `json:"result_count"`
	NextToken   string `json:"next_token"`
}

type post struct {
	ID               string      `json:"id"`
	Text             string      `json:"text"`
	AuthorID         string      `json:"author_id"`
	CreatedAt        string      `json:"created_at"` // parsed leniently: see postTime
	ConversationID   string      `json:"conversation_id"`
	Lang             string      `json:"lang"`
	ReferencedTweets []reference `json:"referenced_tweets"`
	// NoteTweet holds the full text of a post longer than 280 characters;
	// Text is then cut short.
	NoteTweet *noteTweet `json:"note_tweet"`
}

type noteTweet struct {
	Text string `json:"text"`
}

type reference struct {
	Type string `json:"type"` // retweeted, quoted or replied_to
	ID   string `json:"id"`
}

type user struct {
	ID            string       `json:"id"`
	Username      string       `json:"username"`
	Name          string       `json:"name"`
	PublicMetrics *userMetrics `json:"public_metrics"`
}

type userMetrics struct {
	FollowersCount int64 `json:"followers_count"`
}

// problem is one entry of a response's errors array.
type problem struct {
	Type         string `json:"type"`
	Title        string `json:"title"`
	Detail       string `json:"detail"`
	ResourceType string `json:"resource_type"`
	ResourceID   string `json:"resource_id"`
	Parameter    string `json:"parameter"`
	Value        string `json:"value"`
}

// userResponse is GET /2/users/me and GET /2/users/{id}.
type userResponse struct {
	Data   *user     `json:"data"`
	Errors []problem `json:"errors"`
}

// createPostRequest is the body of POST /2/tweets for a reply.
type createPostRequest struct {
	Text  string     `json:"text"`
	Reply *replyInfo `json:"reply,omitempty"`
}

type replyInfo struct {
	InReplyToTweetID string `json:"in_reply_to_tweet_id"`
}

// createPostResponse is the 201 answer to POST /2/tweets.
type createPostResponse struct {
	Data *struct {
		ID   string `json:"id"`
		Text string `json:"text"`
	} `json:"data"`
	Errors []problem `json:"errors"`
}

// sendDMRequest is the body of POST /2/dm_conversations/with/{id}/messages.
type sendDMRequest struct {
	Text string `json:"text"`
}

// sendDMResponse is its 201 answer.
type sendDMResponse struct {
	Data *struct {
		DMConversationID string `json:"dm_conversation_id"`
		DMEventID        string `json:"dm_event_id"`
	} `json:"data"`
	Errors []problem `json:"errors"`
}

// postsIn is the number of posts an answer carries, which X bills as post
// reads.
func postsIn(out any) int64 {
	if p, ok := out.(*timelinePage); ok && p != nil {
		return int64(len(p.Data))
	}
	return 0
}
