// Package spectest checks, in tests, that what a connector sends and reads
// fits a platform's published OpenAPI 3 document.
//
// It is imported only from _test.go files, but it is an ordinary package so
// that every connector shares one implementation. Three checks are offered:
//
//   - ValidateRequest: a request recorded by a fake server (path, query,
//     headers, credentials, JSON body) against the matching operation;
//   - ValidateResponse: a fixture (status, JSON body) against the operation's
//     response schema;
//   - CheckDecodes: every JSON field of a Go wire struct that a client
//     decodes must be defined by the response schema. A field the document
//     does not define fails the test, naming the field's path. This is the
//     check that keeps a client from relying on data the platform never
//     promised.
//
// Documents live in ../shared/specs next to the repository (found by walking
// up from the test's working directory to go.mod). When they are missing the
// test fails if the environment variable CI is set, and is skipped otherwise.
// Each document is parsed once per test binary.
//
// Typical use:
//
//	spec := spectest.Load(t, "x-api-v2/openapi.json")
//	spec.ValidateRequest(t, r, body)
//	spec.ValidateResponse(t, "GET", "/2/users/{id}/mentions", 200, fixture)
//	spec.CheckDecodes(t, "GET", "/2/users/{id}/mentions", 200, reflect.TypeFor[page]())
package spectest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/shenava/shenava/internal/sharedtest"
)

// Spec is a loaded OpenAPI document plus the options a test loaded it with.
// It is safe for concurrent use by parallel tests.
type Spec struct {
	name  string
	doc   *openapi3.T
	paths []pathTemplate
	opts  options
}

type options struct {
	renames   map[string]string // wire JSON property -> document property
	paramFrom map[string]paramSource
}

type paramSource struct{ method, path string }

// Option adjusts how a Spec is checked.
type Option func(*options)

// Rename declares that the property the platform sends on the wire as wire
// is named spec in this document. It applies to JSON object properties in
// request and response bodies and to CheckDecodes. Use it only for a
// difference the platform's own documentation confirms, and say which in
// the calling test: every rename is an exception to the document.
func Rename(wire, spec string) Option {
	return func(o *options) { o.renames[wire] = spec }
}

// ParamFrom makes ValidateRequest check the query parameter name, on any
// operation that does not declare it, against the parameter of that name
// declared by the operation method path of the same document. It is for
// documents whose operations disagree on a shared parameter's name.
func ParamFrom(name, method, path string) Option {
	return func(o *options) { o.paramFrom[name] = paramSource{strings.ToUpper(method), path} }
}

// docCache holds each parsed document once per test binary: the X and
// Mastodon documents take a noticeable time to parse.
var docCache sync.Map // absolute path -> *cachedDoc

type cachedDoc struct {
	once  sync.Once
	doc   *openapi3.T
	paths []pathTemplate
	err   error
}

// Load parses the OpenAPI document at rel under ../shared/specs (for
// example "x-api-v2/openapi.json"). It fails or skips the test when the
// document is missing, as the package documentation says.
func Load(tb testing.TB, rel string, opts ...Option) *Spec {
	tb.Helper()
	return loadFile(tb, rel, sharedtest.Path(tb, "specs/"+rel, "the published API documents the tests check against"), opts...)
}

func loadFile(tb testing.TB, rel, file string, opts ...Option) *Spec {
	tb.Helper()
	v, _ := docCache.LoadOrStore(file, &cachedDoc{})
	c := v.(*cachedDoc)
	c.once.Do(func() {
		loader := openapi3.NewLoader()
		loader.IsExternalRefsAllowed = false
		c.doc, c.err = loader.LoadFromFile(file)
		if c.err == nil {
			c.paths = compilePaths(c.doc)
		}
	})
	if c.err != nil {
		tb.Fatalf("spectest: load %s: %v", rel, c.err)
	}
	s := &Spec{name: rel, doc: c.doc, paths: c.paths, opts: options{
		renames:   map[string]string{},
		paramFrom: map[string]paramSource{},
	}}
	for _, o := range opts {
		o(&s.opts)
	}
	return s
}

// pathTemplate is one path of the document, compiled for matching.
type pathTemplate struct {
	template string
	segs     []segment
	literals int
}

type segment struct {
	literal string
	re      *regexp.Regexp // nil for a literal segment
	names   []string
}

var paramInSegment = regexp.MustCompile(`\{([^}]+)\}`)

func compilePaths(doc *openapi3.T) []pathTemplate {
	var out []pathTemplate
	for tpl := range doc.Paths.Map() {
		pt := pathTemplate{template: tpl}
		for _, s := range strings.Split(strings.Trim(tpl, "/"), "/") {
			if !strings.Contains(s, "{") {
				pt.segs = append(pt.segs, segment{literal: s})
				pt.literals++
				continue
			}
			var names []string
			expr, last := "^", 0
			for _, loc := range paramInSegment.FindAllStringSubmatchIndex(s, -1) {
				expr += regexp.QuoteMeta(s[last:loc[0]]) + "([^/]+)"
				names = append(names, s[loc[2]:loc[3]])
				last = loc[1]
			}
			expr += regexp.QuoteMeta(s[last:]) + "$"
			pt.segs = append(pt.segs, segment{re: regexp.MustCompile(expr), names: names})
		}
		out = append(out, pt)
	}
	// Deterministic order: more literal segments first, so /2/users/me
	// wins over /2/users/{id}.
	sort.Slice(out, func(i, j int) bool {
		if out[i].literals != out[j].literals {
			return out[i].literals > out[j].literals
		}
		return out[i].template < out[j].template
	})
	return out
}

// route finds the operation for method and path. path may be a concrete
// request path or the document's own template.
func (s *Spec) route(method, path string) (*routers.Route, map[string]string, error) {
	method = strings.ToUpper(method)
	if u, err := url.Parse(path); err == nil && u.Path != "" {
		path = u.Path
	}
	if item := s.doc.Paths.Value(path); item != nil {
		op := item.GetOperation(method)
		if op == nil {
			return nil, nil, fmt.Errorf("%s %s: the document defines no such method for this path", method, path)
		}
		return &routers.Route{Spec: s.doc, Path: path, PathItem: item, Method: method, Operation: op}, map[string]string{}, nil
	}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	var sawPath bool
	for _, pt := range s.paths {
		params, ok := pt.match(parts)
		if !ok {
			continue
		}
		sawPath = true
		item := s.doc.Paths.Value(pt.template)
		if op := item.GetOperation(method); op != nil {
			return &routers.Route{Spec: s.doc, Path: pt.template, PathItem: item, Method: method, Operation: op}, params, nil
		}
	}
	if sawPath {
		return nil, nil, fmt.Errorf("%s %s: the document defines no such method for this path", method, path)
	}
	return nil, nil, fmt.Errorf("%s %s: the document defines no such path", method, path)
}

func (pt pathTemplate) match(parts []string) (map[string]string, bool) {
	if len(parts) != len(pt.segs) {
		return nil, false
	}
	params := map[string]string{}
	for i, seg := range pt.segs {
		if seg.re == nil {
			if parts[i] != seg.literal {
				return nil, false
			}
			continue
		}
		m := seg.re.FindStringSubmatch(parts[i])
		if m == nil {
			return nil, false
		}
		for j, name := range seg.names {
			v, err := url.PathUnescape(m[j+1])
			if err != nil {
				v = m[j+1]
			}
			params[name] = v
		}
	}
	return params, true
}

// ValidateRequest checks a request a fake server received against the
// document: the operation must exist; path, query and header parameters
// must fit their schemas; every query parameter must be declared (or
// mapped with ParamFrom); the credentials must have the shape of one of the
// operation's security schemes; and body, when the operation takes one, must
// fit the request body schema. body is the request's body as read by the
// fake (r.Body is not touched).
func (s *Spec) ValidateRequest(tb testing.TB, r *http.Request, body []byte) {
	tb.Helper()
	route, params, err := s.route(r.Method, r.URL.Path)
	if err != nil {
		tb.Errorf("spectest %s: request: %v", s.name, err)
		return
	}
	body = s.renameJSON(body)
	clone := r.Clone(context.Background())
	clone.URL.RawQuery = bracketArrays(route, clone.URL.Query()).Encode()
	clone.Body = io.NopCloser(bytes.NewReader(body))
	clone.ContentLength = int64(len(body))
	clone.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	input := &openapi3filter.RequestValidationInput{
		Request:    clone,
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			MultiError:                        true,
			SkipSettingDefaults:               true,
			RejectWhenRequestBodyNotSpecified: true,
			AuthenticationFunc:                checkCredentialShape,
		},
	}
	if err := openapi3filter.ValidateRequest(context.Background(), input); err != nil {
		tb.Errorf("spectest %s: request %s %s does not fit the document:\n%v", s.name, r.Method, r.URL.RequestURI(), err)
	}
	s.checkQueryDeclared(tb, route, input)
}

// bracketArrays reads the Rails convention name[]=a&name[]=b (Mastodon's,
// for one) as the array parameter name the document declares.
func bracketArrays(route *routers.Route, q url.Values) url.Values {
	out := url.Values{}
	for k, vs := range q {
		if base, ok := strings.CutSuffix(k, "[]"); ok && declaresQuery(route, base) && !declaresQuery(route, k) {
			k = base
		}
		out[k] = append(out[k], vs...)
	}
	return out
}

func declaresQuery(route *routers.Route, name string) bool {
	return route.Operation.Parameters.GetByInAndName(openapi3.ParameterInQuery, name) != nil ||
		route.PathItem.Parameters.GetByInAndName(openapi3.ParameterInQuery, name) != nil
}

func (s *Spec) checkQueryDeclared(tb testing.TB, route *routers.Route, input *openapi3filter.RequestValidationInput) {
	tb.Helper()
	declared := map[string]bool{}
	for _, ps := range []openapi3.Parameters{route.PathItem.Parameters, route.Operation.Parameters} {
		for _, p := range ps {
			if p.Value != nil && p.Value.In == openapi3.ParameterInQuery {
				declared[p.Value.Name] = true
			}
		}
	}
	names := make([]string, 0, len(input.Request.URL.Query()))
	for name := range input.Request.URL.Query() {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if declared[name] {
			continue
		}
		src, ok := s.opts.paramFrom[name]
		if !ok {
			tb.Errorf("spectest %s: request %s %s: query parameter %q is not defined for %s", s.name, route.Method, route.Path, name, route.Path)
			continue
		}
		other, _, err := s.route(src.method, src.path)
		if err != nil {
			tb.Errorf("spectest %s: ParamFrom(%q): %v", s.name, name, err)
			continue
		}
		p := other.Operation.Parameters.GetByInAndName(openapi3.ParameterInQuery, name)
		if p == nil {
			tb.Errorf("spectest %s: ParamFrom(%q): %s %s declares no such query parameter", s.name, name, src.method, src.path)
			continue
		}
		if err := openapi3filter.ValidateParameter(context.Background(), input, p); err != nil {
			tb.Errorf("spectest %s: request %s %s: query parameter %q (checked as on %s %s): %v", s.name, route.Method, route.Path, name, src.method, src.path, err)
		}
	}
}

// checkCredentialShape accepts a request whose credentials have the form the
// security scheme asks for. It cannot know whether they are valid; the
// connector tests check the exact values.
func checkCredentialShape(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	scheme := in.SecurityScheme
	req := in.RequestValidationInput.Request
	auth := req.Header.Get("Authorization")
	switch scheme.Type {
	case "http":
		want := strings.ToLower(scheme.Scheme)
		got, cred, _ := strings.Cut(auth, " ")
		if !strings.EqualFold(got, want) || strings.TrimSpace(cred) == "" {
			return fmt.Errorf("Authorization header %q is not of scheme %q", redact(auth), scheme.Scheme)
		}
		if want == "oauth" {
			for _, p := range []string{"oauth_consumer_key", "oauth_nonce", "oauth_signature", "oauth_signature_method", "oauth_timestamp", "oauth_token", "oauth_version"} {
				if !strings.Contains(cred, p+"=") {
					return fmt.Errorf("OAuth 1.0a Authorization header lacks %s", p)
				}
			}
		}
	case "oauth2", "openIdConnect":
		got, cred, _ := strings.Cut(auth, " ")
		if !strings.EqualFold(got, "bearer") || strings.TrimSpace(cred) == "" {
			return fmt.Errorf("Authorization header %q is not an OAuth 2.0 bearer token", redact(auth))
		}
	case "apiKey":
		var v string
		switch scheme.In {
		case "header":
			v = req.Header.Get(scheme.Name)
		case "query":
			v = req.URL.Query().Get(scheme.Name)
		case "cookie":
			if c, err := req.Cookie(scheme.Name); err == nil {
				v = c.Value
			}
		}
		if v == "" {
			return fmt.Errorf("API key %s %q is missing", scheme.In, scheme.Name)
		}
	default:
		return fmt.Errorf("security scheme type %q is not understood by spectest", scheme.Type)
	}
	return nil
}

func redact(auth string) string {
	kind, _, ok := strings.Cut(auth, " ")
	if !ok {
		if auth == "" {
			return ""
		}
		return "…"
	}
	return kind + " …"
}

// ValidateResponse checks a JSON response body the fake returns (a
// fixture) against the schema the document gives for method path and
// status (or its default response). When the response declares several
// JSON media types (application/json and application/problem+json, say),
// the body must fit one of them.
func (s *Spec) ValidateResponse(tb testing.TB, method, path string, status int, body []byte) {
	tb.Helper()
	route, params, err := s.route(method, path)
	if err != nil {
		tb.Errorf("spectest %s: response: %v", s.name, err)
		return
	}
	ref := route.Operation.Responses.Status(status)
	if ref == nil {
		ref = route.Operation.Responses.Default()
	}
	if ref == nil || ref.Value == nil {
		tb.Errorf("spectest %s: %s %s: status %d is not documented", s.name, route.Method, route.Path, status)
		return
	}
	var mediaTypes []string
	for mt := range ref.Value.Content {
		if isJSONMediaType(mt) {
			mediaTypes = append(mediaTypes, mt)
		}
	}
	slices.Sort(mediaTypes)
	if len(mediaTypes) == 0 {
		mediaTypes = []string{"application/json"} // no content declared: any body passes
	}
	body = s.renameJSON(body)
	key := responseKey{doc: s.doc, method: route.Method, path: path, status: status, body: string(body)}
	if v, ok := responseChecked.Load(key); ok {
		if msg := v.(string); msg != "" {
			tb.Errorf("%s", msg)
		}
		return
	}
	var errs []string
	for _, mt := range mediaTypes {
		req, _ := http.NewRequest(route.Method, "http://spectest.invalid"+path, nil)
		header := http.Header{}
		header.Set("Content-Type", mt)
		input := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
			Status:                 status,
			Header:                 header,
			Options:                &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true},
		}
		input.SetBodyBytes(body)
		err := openapi3filter.ValidateResponse(context.Background(), input)
		if err == nil {
			responseChecked.Store(key, "")
			return
		}
		errs = append(errs, fmt.Sprintf("as %s: %v", mt, err))
	}
	msg := fmt.Sprintf("spectest %s: response %d for %s %s does not fit the document:\n%s", s.name, status, route.Method, route.Path, strings.Join(errs, "\n"))
	responseChecked.Store(key, msg)
	tb.Errorf("%s", msg)
}

// responseChecked remembers the verdict on each response body checked:
// the fakes send the same fixtures many times, and validating one body
// against one schema always gives the same answer. The key holds the body
// after renames, so Specs with different options do not share verdicts.
var responseChecked sync.Map // responseKey -> "" (fits) or the failure message

type responseKey struct {
	doc          *openapi3.T
	method, path string
	status       int
	body         string
}

func isJSONMediaType(mt string) bool {
	mt = strings.ToLower(strings.TrimSpace(strings.Split(mt, ";")[0]))
	return mt == "application/json" || strings.HasSuffix(mt, "+json") || mt == "*/*"
}

// renameJSON rewrites object property names from the wire's to the
// document's. Bodies that are not JSON are returned unchanged, so that
// validation reports them.
func (s *Spec) renameJSON(body []byte) []byte {
	if len(s.opts.renames) == 0 || len(bytes.TrimSpace(body)) == 0 {
		return body
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return body
	}
	out, err := json.Marshal(s.renameValue(v))
	if err != nil {
		return body
	}
	return out
}

func (s *Spec) renameValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			if to, ok := s.opts.renames[k]; ok {
				k = to
			}
			m[k] = s.renameValue(e)
		}
		return m
	case []any:
		for i := range x {
			x[i] = s.renameValue(x[i])
		}
		return x
	}
	return v
}
