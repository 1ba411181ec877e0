package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/shenava/shenava/core"
)

// The hot records, mentions and outbox actions, are stored in a compact
// binary form rather than JSON: encoding and decoding them was about a
// third of the pipeline's CPU time, and JSON's field names a good part of
// the file. A record starts with its format byte: recBinaryV1 for this
// form, '{' for JSON, which files written before it hold and which stays
// readable, so no rewrite of old records is needed. Strings are a uvarint
// length and the bytes; integers are varints; floats their IEEE 754 bits
// (8 bytes, little-endian), so a record reads back exactly as written.
const recBinaryV1 = 0x01

var errShortRecord = errors.New("record is cut short")

type recWriter struct{ b []byte }

func (w *recWriter) str(s string) {
	w.b = binary.AppendUvarint(w.b, uint64(len(s)))
	w.b = append(w.b, s...)
}
func (w *recWriter) int(v int64)   { w.b = binary.AppendVarint(w.b, v) }
func (w *recWriter) uint(v uint64) { w.b = binary.AppendUvarint(w.b, v) }
func (w *recWriter) float(f float64) {
	w.b = binary.LittleEndian.AppendUint64(w.b, math.Float64bits(f))
}
func (w *recWriter) byte(c byte) { w.b = append(w.b, c) }

type recReader struct {
	b   []byte
	err error
}

func (r *recReader) fail() {
	if r.err == nil {
		r.err = errShortRecord
	}
	r.b = nil
}

func (r *recReader) uint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *recReader) int() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *recReader) str() string {
	n := r.uint()
	if r.err != nil || n > uint64(len(r.b)) {
		r.fail()
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

func (r *recReader) float() float64 {
	if len(r.b) < 8 {
		r.fail()
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(r.b))
	r.b = r.b[8:]
	return v
}

func (r *recReader) byte() byte {
	if len(r.b) < 1 {
		r.fail()
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

// Mention flags.
const (
	mfBot = 1 << iota
	mfAnalysis
	mfReferral
)

func encodeMention(r MentionRec) []byte {
	w := recWriter{b: make([]byte, 0, 96+len(r.Text)+len(r.URL))}
	w.byte(recBinaryV1)
	var flags byte
	if r.Author.Bot {
		flags |= mfBot
	}
	if r.Analysis != nil {
		flags |= mfAnalysis
		if r.Analysis.Referral {
			flags |= mfReferral
		}
	}
	w.byte(flags)
	w.str(r.Platform)
	w.str(r.NativeID)
	w.str(r.Source)
	w.str(r.URL)
	w.str(r.Author.ID)
	w.str(r.Author.Handle)
	w.str(r.Author.Name)
	w.int(int64(r.Author.Followers))
	w.str(r.Text)
	w.int(r.Created)
	w.int(r.Fetched)
	w.int(r.Processed)
	w.str(r.ReplyTo)
	w.str(r.Conv)
	w.str(r.LangHint)
	if a := r.Analysis; a != nil {
		w.str(a.Lang)
		w.str(string(a.Label))
		w.float(a.Scores.Negative)
		w.float(a.Scores.Neutral)
		w.float(a.Scores.Positive)
		w.float(a.ReferralScore)
		w.str(a.Model)
	}
	return w.b
}

func decodeMention(raw []byte, r *MentionRec) error {
	if len(raw) == 0 || raw[0] != recBinaryV1 {
		return json.Unmarshal(raw, r)
	}
	rd := recReader{b: raw[1:]}
	flags := rd.byte()
	*r = MentionRec{
		Platform: rd.str(), NativeID: rd.str(), Source: rd.str(), URL: rd.str(),
		Author: AuthorRec{ID: rd.str(), Handle: rd.str(), Name: rd.str(), Followers: int(rd.int()), Bot: flags&mfBot != 0},
		Text:   rd.str(), Created: rd.int(), Fetched: rd.int(), Processed: rd.int(),
		ReplyTo: rd.str(), Conv: rd.str(), LangHint: rd.str(),
	}
	if flags&mfAnalysis != 0 {
		r.Analysis = &core.Analysis{Lang: rd.str(), Label: core.Label(rd.str()),
			Scores:   core.Scores{Negative: rd.float(), Neutral: rd.float(), Positive: rd.float()},
			Referral: flags&mfReferral != 0, ReferralScore: rd.float(), Model: rd.str()}
	}
	if rd.err != nil {
		return fmt.Errorf("mention record: %w", rd.err)
	}
	return nil
}

// Action flags.
const afUnsure = 1

func encodeAction(a core.Action) []byte {
	w := recWriter{b: make([]byte, 0, 64+len(a.Text)+len(a.DedupKey)+len(a.LastError))}
	w.byte(recBinaryV1)
	var flags byte
	if a.Unsure {
		flags |= afUnsure
	}
	w.byte(flags)
	w.uint(a.ID)
	w.str(string(a.Kind))
	w.str(a.DedupKey)
	w.str(a.MentionKey)
	w.uint(a.CaseID)
	w.str(a.Text)
	w.str(a.Topic)
	w.str(a.Actor)
	w.int(unixNano(a.CreatedAt))
	w.str(string(a.State))
	w.int(int64(a.Attempts))
	w.int(unixNano(a.NextAttemptAt))
	w.str(a.LastError)
	w.int(unixNano(a.DoneAt))
	w.str(a.Result)
	w.str(a.Code)
	return w.b
}

func decodeAction(raw []byte, a *core.Action) error {
	if len(raw) == 0 || raw[0] != recBinaryV1 {
		return json.Unmarshal(raw, a)
	}
	rd := recReader{b: raw[1:]}
	flags := rd.byte()
	*a = core.Action{
		ID: rd.uint(), Kind: core.ActionKind(rd.str()), DedupKey: rd.str(), MentionKey: rd.str(), CaseID: rd.uint(),
		Text: rd.str(), Topic: rd.str(), Actor: rd.str(), CreatedAt: fromNano(rd.int()),
		State: core.ActionState(rd.str()), Attempts: int(rd.int()), NextAttemptAt: fromNano(rd.int()),
		LastError: rd.str(), DoneAt: fromNano(rd.int()), Result: rd.str(), Code: rd.str(),
		Unsure: flags&afUnsure != 0,
	}
	if rd.err != nil {
		return fmt.Errorf("action record: %w", rd.err)
	}
	return nil
}

func encodeAuthor(h core.AuthorHistory) []byte {
	w := recWriter{b: make([]byte, 0, 64+24*len(h.Recent))}
	w.byte(recBinaryV1)
	var flags byte
	if h.Bot {
		flags |= mfBot
	}
	w.byte(flags)
	w.str(h.Key)
	w.str(string(h.Platform))
	w.str(h.ID)
	w.str(h.Handle)
	w.str(h.Name)
	w.int(int64(h.Followers))
	w.int(unixNano(h.FirstSeen))
	w.int(unixNano(h.LastSeen))
	w.int(int64(h.Mentions))
	w.int(int64(h.Negative))
	w.int(int64(h.Positive))
	w.int(int64(h.Referrals))
	w.int(unixNano(h.LastThankedAt))
	w.uint(uint64(len(h.Recent)))
	for _, k := range h.Recent {
		w.str(k)
	}
	w.uint(uint64(len(h.Cases)))
	for _, id := range h.Cases {
		w.uint(id)
	}
	return w.b
}

func decodeAuthor(raw []byte, h *core.AuthorHistory) error {
	if len(raw) == 0 || raw[0] != recBinaryV1 {
		return json.Unmarshal(raw, h)
	}
	rd := recReader{b: raw[1:]}
	flags := rd.byte()
	*h = core.AuthorHistory{
		Key: rd.str(), Platform: core.Platform(rd.str()), ID: rd.str(), Handle: rd.str(), Name: rd.str(),
		Followers: int(rd.int()), Bot: flags&mfBot != 0, FirstSeen: fromNano(rd.int()), LastSeen: fromNano(rd.int()),
		Mentions: int(rd.int()), Negative: int(rd.int()), Positive: int(rd.int()), Referrals: int(rd.int()),
		LastThankedAt: fromNano(rd.int()),
	}
	if n := rd.uint(); n > 0 && n <= uint64(len(rd.b)) {
		h.Recent = make([]string, n)
		for i := range h.Recent {
			h.Recent[i] = rd.str()
		}
	} else if n > 0 {
		rd.fail()
	}
	if n := rd.uint(); n > 0 && n <= uint64(len(rd.b)) {
		h.Cases = make([]uint64, n)
		for i := range h.Cases {
			h.Cases[i] = rd.uint()
		}
	} else if n > 0 {
		rd.fail()
	}
	if rd.err != nil {
		return fmt.Errorf("author record: %w", rd.err)
	}
	return nil
}

// encodeCase is a case's binary record. Cases are read whole by the
// digest, the SLA watcher and the inbox, and rewritten at every step of
// their life (alerted, claimed, answered): JSON was most of that cost.
func encodeCase(c core.Case) []byte {
	w := recWriter{b: make([]byte, 0, 128+64*len(c.Events))}
	w.byte(recBinaryV1)
	w.uint(c.ID)
	w.str(c.MentionKey)
	w.str(c.AuthorKey)
	w.str(string(c.Platform))
	w.str(string(c.Label))
	w.float(c.Score)
	w.str(string(c.State))
	w.int(unixNano(c.CreatedAt))
	w.int(unixNano(c.WrittenAt))
	w.int(unixNano(c.UpdatedAt))
	w.int(unixNano(c.AlertedAt))
	w.int(unixNano(c.ClaimedAt))
	w.str(c.ClaimedBy)
	w.int(unixNano(c.FirstResponseAt))
	w.str(c.FirstResponder)
	w.int(unixNano(c.ClosedAt))
	w.str(c.ClosedBy)
	w.str(string(c.CorrectedLabel))
	w.int(unixNano(c.RecoveredAt))
	w.str(c.RecoveredBy)
	w.int(unixNano(c.HiddenAt))
	w.str(c.HiddenBy)
	w.int(unixNano(c.HideDoneAt))
	w.int(int64(c.Reminders))
	w.uint(uint64(len(c.Alerts)))
	for _, a := range c.Alerts {
		w.str(a)
	}
	w.uint(uint64(len(c.Events)))
	for _, e := range c.Events {
		w.int(unixNano(e.At))
		w.str(e.Actor)
		w.str(e.Action)
		w.str(e.Detail)
		w.str(e.Via)
	}
	return w.b
}

// decodeCase reads a case record in either form: binary, or the JSON of
// files written before it (read as they are; a case is rewritten in the
// binary form the next time it changes).
func decodeCase(raw []byte, c *core.Case) error {
	if len(raw) == 0 || raw[0] != recBinaryV1 {
		*c = core.Case{}
		return json.Unmarshal(raw, c)
	}
	rd := recReader{b: raw[1:]}
	*c = core.Case{
		ID: rd.uint(), MentionKey: rd.str(), AuthorKey: rd.str(), Platform: core.Platform(rd.str()),
		Label: core.Label(rd.str()), Score: rd.float(), State: core.CaseState(rd.str()),
		CreatedAt: fromNano(rd.int()), WrittenAt: fromNano(rd.int()), UpdatedAt: fromNano(rd.int()),
		AlertedAt: fromNano(rd.int()), ClaimedAt: fromNano(rd.int()), ClaimedBy: rd.str(),
		FirstResponseAt: fromNano(rd.int()), FirstResponder: rd.str(),
		ClosedAt: fromNano(rd.int()), ClosedBy: rd.str(), CorrectedLabel: core.Label(rd.str()),
		RecoveredAt: fromNano(rd.int()), RecoveredBy: rd.str(),
		HiddenAt: fromNano(rd.int()), HiddenBy: rd.str(), HideDoneAt: fromNano(rd.int()),
		Reminders: int(rd.int()),
	}
	// Each list entry takes at least one byte: a count beyond what is left
	// is a cut record, not a reason to allocate.
	if n := rd.uint(); n > 0 && n <= uint64(len(rd.b)) {
		c.Alerts = make([]string, n)
		for i := range c.Alerts {
			c.Alerts[i] = rd.str()
		}
	} else if n > 0 {
		rd.fail()
	}
	if n := rd.uint(); n > 0 && n <= uint64(len(rd.b)) {
		c.Events = make([]core.CaseEvent, n)
		for i := range c.Events {
			c.Events[i] = core.CaseEvent{At: fromNano(rd.int()), Actor: rd.str(), Action: rd.str(), Detail: rd.str(), Via: rd.str()}
		}
	} else if n > 0 {
		rd.fail()
	}
	if rd.err != nil {
		return fmt.Errorf("case record: %w", rd.err)
	}
	return nil
}
