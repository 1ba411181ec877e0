package x

import (
	"reflect"
	"strings"
	"testing"
)

// Every JSON fixture the fakes answer with fits the published document.
func TestSpec_fixtures(t *testing.T) {
	t.Parallel()
	spec := loadSpec(t)
	tests := []struct {
		fixture, method, path string
		status                int
	}{
		{"mentions_page1.json", "GET", "/2/users/{id}/mentions", 200},
		{"mentions_page2.json", "GET", "/2/users/{id}/mentions", 200},
		{"mentions_page3_new.json", "GET", "/2/users/{id}/mentions", 200},
		{"empty_page.json", "GET", "/2/users/{id}/mentions", 200},
		{"empty_page.json", "GET", "/2/tweets/search/recent", 200},
		{"partial_errors.json", "GET", "/2/users/{id}/mentions", 200},
		{"search_page.json", "GET", "/2/tweets/search/recent", 200},
		{"post_created.json", "POST", "/2/tweets", 201},
		{"dm_sent.json", "POST", "/2/dm_conversations/with/{participant_id}/messages", 201},
		{"users_me.json", "GET", "/2/users/me", 200},
		{"users_other.json", "GET", "/2/users/me", 200},
		{"users_me.json", "GET", "/2/users/{id}", 200},
		{"error_400_since_id.json", "GET", "/2/tweets/search/recent", 400},
		{"error_400_token.json", "GET", "/2/users/{id}/mentions", 400},
		{"error_400_query.json", "GET", "/2/tweets/search/recent", 400},
		{"error_legacy.json", "POST", "/2/tweets", 401},
	}
	for _, tt := range tests {
		t.Run(tt.fixture+"_"+strings.ReplaceAll(tt.path, "/", "_"), func(t *testing.T) {
			spec.ValidateResponse(t, tt.method, tt.path, tt.status, mustFixture(t, tt.fixture))
		})
	}
}

// Some error answers X documents are outside the published document: the
// generic RFC 7807 problems with type about:blank (401, 403, 429) and the
// client-forbidden problem. The client reads error bodies schema-free (see
// parseAPIError), so it does not depend on them; this test pins the gap, so
// that a future document covering them moves these fixtures up.
func TestSpec_fixturesTheDocumentOmits(t *testing.T) {
	t.Parallel()
	spec := loadSpec(t)
	for _, name := range []string{"error_401.json", "error_429.json", "error_403_duplicate.json", "error_403_client.json"} {
		t.Run(name, func(t *testing.T) {
			rec := &failRecorder{TB: t}
			spec.ValidateResponse(rec, "GET", "/2/users/{id}/mentions", 400, mustFixture(t, name))
			if !rec.failed {
				t.Fatalf("the document now describes %s: validate it in TestSpec_fixtures", name)
			}
		})
	}
}

type failRecorder struct {
	testing.TB
	failed bool
}

func (r *failRecorder) Helper()               {}
func (r *failRecorder) Errorf(string, ...any) { r.failed = true }

// Every field the client decodes is defined by the document.
func TestSpec_wireStructsDecodeOnlyDefinedFields(t *testing.T) {
	t.Parallel()
	spec := loadSpec(t)
	tests := []struct {
		name, method, path string
		status             int
		typ                reflect.Type
	}{
		{"mentions", "GET", "/2/users/{id}/mentions", 200, reflect.TypeFor[timelinePage]()},
		{"search", "GET", "/2/tweets/search/recent", 200, reflect.TypeFor[timelinePage]()},
		{"users_me", "GET", "/2/users/me", 200, reflect.TypeFor[userResponse]()},
		{"users_id", "GET", "/2/users/{id}", 200, reflect.TypeFor[userResponse]()},
		{"create_post", "POST", "/2/tweets", 201, reflect.TypeFor[createPostResponse]()},
		{"send_dm", "POST", "/2/dm_conversations/with/{participant_id}/messages", 201, reflect.TypeFor[sendDMResponse]()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec.CheckDecodes(t, tt.method, tt.path, tt.status, tt.typ)
		})
	}
}
