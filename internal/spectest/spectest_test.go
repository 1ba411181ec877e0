package spectest

import (
	"fmt"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
)

// recorder captures what a check reports instead of failing the real test.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *recorder) joined() string { return strings.Join(r.errs, "\n") }

func mustShop(tb testing.TB, opts ...Option) *Spec {
	tb.Helper()
	return loadFile(tb, "shop.json", "testdata/shop.json", opts...)
}

// wantErrs checks that the recorder saw exactly the failures named by
// substrings (none when want is empty).
func wantErrs(t *testing.T, rec *recorder, want ...string) {
	t.Helper()
	if len(want) == 0 {
		if len(rec.errs) > 0 {
			t.Fatalf("unexpected failures:\n%s", rec.joined())
		}
		return
	}
	if len(rec.errs) == 0 {
		t.Fatalf("no failure, want one mentioning %q", want)
	}
	for _, w := range want {
		if !strings.Contains(rec.joined(), w) {
			t.Errorf("failures do not mention %q:\n%s", w, rec.joined())
		}
	}
}

func TestSpec_ValidateRequest(t *testing.T) {
	t.Parallel()
	spec := mustShop(t, ParamFrom("item.fields", "GET", "/v1/stream"))
	tests := []struct {
		name   string
		method string
		target string
		auth   string
		ctype  string
		body   string
		want   []string
	}{
		{name: "OK", method: "GET", target: "/v1/items/42?fields=name,price", auth: "Bearer abc"},
		{name: "OKLiteralPathWins", method: "GET", target: "/v1/items/mine", auth: "Bearer abc"},
		{name: "OKBracketArray", method: "GET", target: "/v1/items/mine?kinds[]=pen&kinds[]=ink", auth: "Bearer abc"},
		{name: "ErrBracketArrayValue", method: "GET", target: "/v1/items/mine?kinds[]=pen&kinds[]=paper", auth: "Bearer abc", want: []string{"kinds", "paper"}},
		{name: "OKOAuth1", method: "POST", target: "/v1/orders", ctype: "application/json", body: `{"item_id":"42"}`,
			auth: `OAuth oauth_consumer_key="k", oauth_nonce="n", oauth_signature="s", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1", oauth_token="t", oauth_version="1.0"`},
		{name: "OKParamFrom", method: "GET", target: "/v1/items/42?item.fields=old_tags", auth: "Bearer abc"},
		{name: "ErrParamFromEnum", method: "GET", target: "/v1/items/42?item.fields=colour", auth: "Bearer abc", want: []string{`"item.fields"`, "colour"}},
		{name: "ErrUnknownPath", method: "GET", target: "/v2/items", auth: "Bearer abc", want: []string{"no such path"}},
		{name: "ErrUnknownMethod", method: "DELETE", target: "/v1/items/42", auth: "Bearer abc", want: []string{"no such method"}},
		{name: "ErrPathPattern", method: "GET", target: "/v1/items/abc", auth: "Bearer abc", want: []string{"id"}},
		{name: "ErrQueryEnum", method: "GET", target: "/v1/items/42?fields=colour", auth: "Bearer abc", want: []string{"fields"}},
		{name: "ErrUndeclaredQuery", method: "GET", target: "/v1/items/42?expand=all", auth: "Bearer abc", want: []string{`query parameter "expand" is not defined`}},
		{name: "ErrNoCredentials", method: "GET", target: "/v1/items/42", want: []string{"Authorization"}},
		{name: "ErrWrongScheme", method: "POST", target: "/v1/orders", auth: "Bearer abc", ctype: "application/json", body: `{"item_id":"42"}`, want: []string{"OAuth"}},
		{name: "ErrOAuth1Incomplete", method: "POST", target: "/v1/orders", auth: `OAuth oauth_consumer_key="k"`, ctype: "application/json", body: `{"item_id":"42"}`, want: []string{"lacks"}},
		{name: "ErrBodyExtraField", method: "POST", target: "/v1/orders", ctype: "application/json", body: `{"item_id":"42","colour":"red"}`,
			auth: `OAuth oauth_consumer_key="k", oauth_nonce="n", oauth_signature="s", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1", oauth_token="t", oauth_version="1.0"`, want: []string{"colour"}},
		{name: "ErrBodyMissingRequired", method: "POST", target: "/v1/orders", ctype: "application/json", body: `{"note":"hi"}`,
			auth: `OAuth oauth_consumer_key="k", oauth_nonce="n", oauth_signature="s", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1", oauth_token="t", oauth_version="1.0"`, want: []string{"item_id"}},
		{name: "ErrBodyTooLong", method: "POST", target: "/v1/orders", ctype: "application/json", body: `{"item_id":"1","note":"far too long a note"}`,
			auth: `OAuth oauth_consumer_key="k", oauth_nonce="n", oauth_signature="s", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1", oauth_token="t", oauth_version="1.0"`, want: []string{"note"}},
		{name: "ErrBodyNotAllowed", method: "GET", target: "/v1/items/42", auth: "Bearer abc", body: `{"x":1}`, want: []string{"body"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
			if tt.auth != "" {
				r.Header.Set("Authorization", tt.auth)
			}
			if tt.ctype != "" {
				r.Header.Set("Content-Type", tt.ctype)
			}
			rec := &recorder{TB: t}
			spec.ValidateRequest(rec, r, []byte(tt.body))
			wantErrs(t, rec, tt.want...)
		})
	}
}

func TestSpec_ValidateResponse(t *testing.T) {
	t.Parallel()
	spec := mustShop(t, Rename("old_tags", "tags"))
	tests := []struct {
		name   string
		status int
		body   string
		want   []string
	}{
		{name: "OK", status: 200, body: `{"data":{"id":"1","name":"pen","price":3,"tags":[{"tag":"blue"}]}}`},
		{name: "OKRenamed", status: 200, body: `{"data":{"id":"1","old_tags":[{"tag":"blue"}]}}`},
		{name: "OKDefault", status: 404, body: `{"type":"about:blank","title":"Not Found"}`},
		{name: "ErrRenamedWrongType", status: 200, body: `{"data":{"id":"1","old_tags":"blue"}}`, want: []string{"tags"}},
		{name: "ErrMissingRequired", status: 200, body: `{"data":{"name":"pen"}}`, want: []string{"id"}},
		{name: "ErrWrongType", status: 200, body: `{"data":{"id":"1","price":"3"}}`, want: []string{"price"}},
		{name: "ErrNotJSON", status: 200, body: `<html>oops</html>`, want: []string{"decode"}},
		{name: "ErrDefaultShape", status: 500, body: `{"title":"no type"}`, want: []string{"type"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			spec.ValidateResponse(rec, "GET", "/v1/items/7", tt.status, []byte(tt.body))
			wantErrs(t, rec, tt.want...)
		})
	}
	t.Run("ErrUndocumentedStatus", func(t *testing.T) {
		rec := &recorder{TB: t}
		spec.ValidateResponse(rec, "POST", "/v1/orders", 200, []byte(`{}`))
		wantErrs(t, rec, "status 200 is not documented")
	})
}

type goodTag struct {
	Tag string `json:"tag"`
}

type goodItem struct {
	ID        string           `json:"id"`
	Name      *string          `json:"name,omitempty"`
	Price     int64            `json:"price"`
	CreatedAt time.Time        `json:"created_at"`
	Tags      []goodTag        `json:"tags"`
	Attrs     map[string]int   `json:"attrs"`
	Ignored   string           `json:"-"`
	unexposed string           // unexported: never decoded, never checked
	Meta      map[string]any   `json:"blob"`
	PtrTags   *[]*goodTag      `json:"old_tags"`
	Problems  []map[string]any `json:"-"`
}

type goodProblem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
}

type goodResponse struct {
	Data   *goodItem     `json:"data"`
	Errors []goodProblem `json:"errors"`
}

type embedded struct {
	Name string `json:"name"`
}

type withEmbedded struct {
	embedded
	ID string `json:"id"`
}

func TestSpec_CheckDecodes(t *testing.T) {
	t.Parallel()
	spec := mustShop(t, Rename("old_tags", "tags"))
	tests := []struct {
		name string
		typ  reflect.Type
		want []string
	}{
		{name: "OK", typ: reflect.TypeFor[goodResponse]()},
		{name: "OKEmbedded", typ: reflect.TypeFor[struct {
			Data withEmbedded `json:"data"`
		}]()},
		{name: "ErrUnknownTopLevel", typ: reflect.TypeFor[struct {
			Includes []string `json:"includes"`
		}](), want: []string{`includes: field`, "not defined"}},
		{name: "ErrUnknownNested", typ: reflect.TypeFor[struct {
			Data struct {
				Tags []struct {
					Colour string `json:"colour"`
				} `json:"tags"`
			} `json:"data"`
		}](), want: []string{"data.tags[].colour"}},
		{name: "ErrUntaggedField", typ: reflect.TypeFor[struct {
			Data struct{ Colour string } `json:"data"`
		}](), want: []string{"data.Colour"}},
		{name: "ErrWrongKind", typ: reflect.TypeFor[struct {
			Data struct {
				Price string `json:"price"`
			} `json:"data"`
		}](), want: []string{"data.price", "integer"}},
		{name: "ErrStructForString", typ: reflect.TypeFor[struct {
			Data struct {
				Name struct {
					First string `json:"first"`
				} `json:"name"`
			} `json:"data"`
		}](), want: []string{"data.name", "struct"}},
		{name: "ErrTimeForInteger", typ: reflect.TypeFor[struct {
			Data struct {
				Price time.Time `json:"price"`
			} `json:"data"`
		}](), want: []string{"data.price", "time.Time"}},
		{name: "ErrFieldsOfFreeFormObject", typ: reflect.TypeFor[struct {
			Data struct {
				Blob struct {
					Size int `json:"size"`
				} `json:"blob"`
			} `json:"data"`
		}](), want: []string{"data.blob.size"}},
		{name: "ErrMapValueKind", typ: reflect.TypeFor[struct {
			Data struct {
				Attrs map[string]bool `json:"attrs"`
			} `json:"data"`
		}](), want: []string{"data.attrs{}", "bool"}},
		{name: "ErrStringOption", typ: reflect.TypeFor[struct {
			Data struct {
				Price int `json:"price,string"`
			} `json:"data"`
		}](), want: []string{",string"}},
		{name: "ErrProblemUnknownInEveryBranch", typ: reflect.TypeFor[struct {
			Errors []struct {
				Code int `json:"code"`
			} `json:"errors"`
		}](), want: []string{"errors[].code"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			spec.CheckDecodes(rec, "GET", "/v1/items/{id}", 200, tt.typ)
			wantErrs(t, rec, tt.want...)
		})
	}
	t.Run("OKDefaultResponse", func(t *testing.T) {
		rec := &recorder{TB: t}
		spec.CheckDecodes(rec, "GET", "/v1/items/1", 503, reflect.TypeFor[goodProblem]())
		wantErrs(t, rec)
	})
	t.Run("ErrRenameNotGiven", func(t *testing.T) {
		rec := &recorder{TB: t}
		mustShop(t).CheckDecodes(rec, "GET", "/v1/items/1", 200, reflect.TypeFor[goodResponse]())
		wantErrs(t, rec, "data.old_tags")
	})
}

func TestLoad_onceAndShared(t *testing.T) {
	t.Parallel()
	a := mustShop(t)
	b := mustShop(t, Rename("x", "y"))
	if a.doc != b.doc {
		t.Fatal("the document was parsed twice")
	}
	if len(a.opts.renames) != 0 {
		t.Fatal("options of one Spec leaked into another")
	}
}

// A Mastodon-style request checks out against the Mastodon document.
func TestSpec_ValidateRequest_mastodon(t *testing.T) {
	t.Parallel()
	spec := Load(t, "mastodon/openapi.json")
	r := httptest.NewRequest("GET", "/api/v1/notifications?types[]=mention&limit=40&since_id=1099", nil)
	r.Header.Set("Authorization", "Bearer token")
	spec.ValidateRequest(t, r, nil)

	bad := httptest.NewRequest("GET", "/api/v1/notifications?types[]=shouting", nil)
	bad.Header.Set("Authorization", "Bearer token")
	rec := &recorder{TB: t}
	spec.ValidateRequest(rec, bad, nil)
	wantErrs(t, rec, "types")
}

// The real documents load and route; this is what the connectors rely on.
func TestLoad_sharedDocuments(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file, method, path, wantTemplate string
	}{
		{"x-api-v2/openapi.json", "GET", "/2/users/2244994945/mentions", "/2/users/{id}/mentions"},
		{"x-api-v2/openapi.json", "GET", "/2/users/me", "/2/users/me"},
		{"x-api-v2/openapi.json", "POST", "/2/dm_conversations/with/99/messages", "/2/dm_conversations/with/{participant_id}/messages"},
		{"mastodon/openapi.json", "GET", "/api/v1/notifications", "/api/v1/notifications"},
	}
	for _, tt := range tests {
		t.Run(tt.file+tt.path, func(t *testing.T) {
			spec := Load(t, tt.file)
			route, _, err := spec.route(tt.method, tt.path)
			if err != nil {
				t.Fatal(err)
			}
			if route.Path != tt.wantTemplate {
				t.Fatalf("route=%s, want %s", route.Path, tt.wantTemplate)
			}
		})
	}
}
