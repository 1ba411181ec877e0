package jsoncursor

import (
	"reflect"
	"strings"
	"testing"
)

// position is a cursor as a source declares one.
type position struct {
	Since string   `json:"since,omitempty"`
	Seen  []string `json:"seen,omitempty"`
	Done  bool     `json:"done,omitempty"`
}

func TestEncode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		c       position
		version int
		want    string
	}{
		{"Empty", position{}, 1, `{"v":1}`},
		{"Fields", position{Since: "109", Seen: []string{"a", "b"}}, 1, `{"v":1,"since":"109","seen":["a","b"]}`},
		{"OtherVersion", position{Done: true}, 12, `{"v":12,"done":true}`},
		{"Escaped", position{Since: `"</>"`}, 2, `{"v":2,"since":"\"\u003c/\u003e\""}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Encode(tt.c, tt.version); got != tt.want {
				t.Fatalf("Encode(%+v, %d)=%s, want %s", tt.c, tt.version, got, tt.want)
			}
		})
	}
}

func TestDecode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		s       string
		want    position
		wantErr string
	}{
		{name: "Empty", s: "", want: position{}},
		{name: "VersionOnly", s: `{"v":1}`, want: position{}},
		{name: "Fields", s: `{"v":1,"since":"109","seen":["a","b"]}`, want: position{Since: "109", Seen: []string{"a", "b"}}},
		{name: "FieldOrderFree", s: `{"seen":["a"],"v":1}`, want: position{Seen: []string{"a"}}},
		{name: "UnknownFieldsIgnored", s: `{"v":1,"since":"5","later":true}`, want: position{Since: "5"}},
		{name: "OtherVersion", s: `{"v":2,"since":"109"}`, wantErr: "cursor version 2, want 1"},
		{name: "NoVersion", s: `{"since":"109"}`, wantErr: "cursor version 0, want 1"},
		{name: "Null", s: `null`, wantErr: "cursor version 0, want 1"},
		{name: "Truncated", s: `{"v":1,"since":"1`, wantErr: "decode cursor"},
		{name: "NotAnObject", s: `[]`, wantErr: "decode cursor"},
		{name: "WrongFieldType", s: `{"v":1,"since":5}`, wantErr: "decode cursor"},
		{name: "WrongVersionType", s: `{"v":"1"}`, wantErr: "decode cursor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode[position](tt.s, 1)
			switch {
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("Decode(%s) err=%v, want one containing %q", tt.s, err, tt.wantErr)
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Decode(%s): %v", tt.s, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Decode(%s)=%+v, want %+v", tt.s, got, tt.want)
			}
		})
	}
}

func TestEncode_NotAnObjectPanics(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Fatal("Encode of a string did not panic")
		}
	}()
	Encode("since", 1)
}

// FuzzDecode: whatever is stored, Decode either fails with the zero
// cursor or gives one that encodes back to a cursor decoding the same.
// Seeds are in testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	f.Add(`{"v":1,"since":"109"}`)
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Decode[position](s, 1)
		if err != nil {
			if !reflect.DeepEqual(c, position{}) {
				t.Fatalf("Decode(%q) failed but gave %+v", s, c)
			}
			return
		}
		enc := Encode(c, 1)
		again, err := Decode[position](enc, 1)
		if err != nil || !reflect.DeepEqual(normal(again), normal(c)) {
			t.Fatalf("cursor %q: round trip through %s gave %+v, %v; want %+v", s, enc, again, err, c)
		}
		if Encode(again, 1) != enc {
			t.Fatalf("cursor %q: encoding is not stable", s)
		}
	})
}

// normal treats an empty list as no list, as omitempty does.
func normal(p position) position {
	if len(p.Seen) == 0 {
		p.Seen = nil
	}
	return p
}
