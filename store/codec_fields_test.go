package store

import (
	"reflect"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
)

// fill sets every field reachable from v (a pointer) to a value that is
// not its zero, so a round trip through an encoder shows any field the
// encoder forgets, including fields added to core after it was written.
func fill(t *testing.T, v reflect.Value, n *int) {
	t.Helper()
	*n++
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		fill(t, v.Elem(), n)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2026, 11, 22, 6, 30, *n, 1000*(*n), time.UTC)))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(t, v.Field(i), n)
			}
		}
	case reflect.String:
		v.SetString("s" + string(rune('a'+*n%26)))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(*n))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(*n))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(*n) + 0.25)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(t, s.Index(i), n)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(t, k, n)
		fill(t, e, n)
		m.SetMapIndex(k, e)
		v.Set(m)
	default:
		t.Fatalf("fill: no value for a %s", v.Type())
	}
}

// Every field of a case and of an action survives the binary records: a
// field added to core.Case or core.Action without a place in the encoder
// fails here rather than vanishing from the database.
func TestCodec_EveryField(t *testing.T) {
	t.Parallel()
	var n int
	var c core.Case
	fill(t, reflect.ValueOf(&c), &n)
	var gotCase core.Case
	if err := decodeCase(encodeCase(c), &gotCase); err != nil || !reflect.DeepEqual(gotCase, c) {
		t.Errorf("case:\nwrote %+v\nread  %+v (%v)", c, gotCase, err)
	}
	var a core.Action
	fill(t, reflect.ValueOf(&a), &n)
	var gotAction core.Action
	if err := decodeAction(encodeAction(a), &gotAction); err != nil || !reflect.DeepEqual(gotAction, a) {
		t.Errorf("action:\nwrote %+v\nread  %+v (%v)", a, gotAction, err)
	}
	var m core.Mention
	fill(t, reflect.ValueOf(&m), &n)
	var rec MentionRec
	if err := decodeMention(encodeMention(ToMentionRec(m)), &rec); err != nil || !reflect.DeepEqual(rec.Mention(), m) {
		t.Errorf("mention:\nwrote %+v\nread  %+v (%v)", m, rec.Mention(), err)
	}
	var h core.AuthorHistory
	fill(t, reflect.ValueOf(&h), &n)
	var gotHistory core.AuthorHistory
	if err := decodeAuthor(encodeAuthor(h), &gotHistory); err != nil || !reflect.DeepEqual(gotHistory, h) {
		t.Errorf("author history:\nwrote %+v\nread  %+v (%v)", h, gotHistory, err)
	}
}
