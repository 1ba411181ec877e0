package lab

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/shenava/shenava/core"
)

// Example is one labelled text from a TSV file.
type Example struct {
	Text  string
	Label core.Label
	// Lang is the lang column (fa, en, fi, mix...) or "" when the file has
	// none.
	Lang string
	// Referral is the referral column: RefYes, RefNo, or RefUnknown when the
	// file has none.
	Referral RefLabel
	// Case is the case column (the kind of hard case a brand row is, e.g.
	// sarcasm, outage, invite) or "" when the file has none.
	Case string
	// Line is the line number in the file, for messages.
	Line int
}

// RefLabel is the referral label of an example.
type RefLabel int8

// Referral labels.
const (
	RefUnknown RefLabel = iota
	RefNo
	RefYes
)

// Dataset is a parsed TSV file.
type Dataset struct {
	Path     string
	Examples []Example
	// Skipped are the lines longer than MaxLineBytes, left out.
	Skipped []LongLine
	// HasLang, HasReferral and HasCase say which optional columns the
	// header named.
	HasLang, HasReferral, HasCase bool
}

// Labels returns the distinct labels of the set in core.Labels order.
func (d *Dataset) Labels() []core.Label {
	seen := map[core.Label]bool{}
	for _, e := range d.Examples {
		seen[e.Label] = true
	}
	var ls []core.Label
	for _, l := range core.Labels {
		if seen[l] {
			ls = append(ls, l)
		}
	}
	return ls
}

// ReadTSVFile reads a labelled TSV file; see ReadTSV.
func ReadTSVFile(path string) (*Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("sentiment: %w", err)
	}
	defer f.Close()
	return ReadTSV(f, path)
}

// ReadTSV reads the evaluation and training format: a header row naming the
// columns, then one example per line. label (negative, neutral, positive)
// and text are required; lang, referral (yes/no) and case are optional;
// other columns are ignored. Lines longer than MaxLineBytes are skipped and
// listed in Skipped. A label column may be left empty when the file has a
// referral column (a referral-only example gets the neutral label). Errors
// name the file and line.
func ReadTSV(r io.Reader, name string) (*Dataset, error) {
	d := &Dataset{Path: name}
	col := map[string]int{}
	seen := 0
	var rowErr error
	err := EachLine(r, MaxLineBytes, func(line int, s string) error {
		seen = line
		if line > 1 && len(col) == 0 {
			rowErr = fmt.Errorf("sentiment: %s:1: header longer than %d bytes", name, MaxLineBytes)
			return rowErr
		}
		rowErr = d.row(col, name, line, s)
		return rowErr
	}, func(l LongLine) {
		seen = l.Line
		d.Skipped = append(d.Skipped, l)
	})
	if rowErr != nil {
		return nil, rowErr
	}
	if err != nil {
		return nil, fmt.Errorf("sentiment: %s:%d: %w", name, seen+1, err)
	}
	if len(d.Skipped) > 0 && d.Skipped[0].Line == 1 {
		return nil, fmt.Errorf("sentiment: %s:1: header longer than %d bytes", name, MaxLineBytes)
	}
	if seen == 0 {
		return nil, fmt.Errorf("sentiment: %s: %w", name, errEmptyFile)
	}
	return d, nil
}

// row parses line number line of a TSV file into d (the header when line
// is 1, filling col).
func (d *Dataset) row(col map[string]int, name string, line int, s string) error {
	if line == 1 {
		s = strings.TrimPrefix(s, "\ufeff")
		for i, h := range strings.Split(s, "\t") {
			h = strings.ToLower(strings.TrimSpace(h))
			if _, dup := col[h]; dup {
				return fmt.Errorf("sentiment: %s:1: column %q twice", name, h)
			}
			col[h] = i
		}
		for _, req := range []string{"label", "text"} {
			if _, ok := col[req]; !ok {
				return fmt.Errorf("sentiment: %s:1: header has no %q column (want label and text, optional lang, referral and case)", name, req)
			}
		}
		_, d.HasLang = col["lang"]
		_, d.HasReferral = col["referral"]
		_, d.HasCase = col["case"]
		return nil
	}
	if strings.TrimSpace(s) == "" {
		return nil
	}
	f := strings.Split(s, "\t")
	if len(f) != len(col) {
		return fmt.Errorf("sentiment: %s:%d: %d columns, header has %d", name, line, len(f), len(col))
	}
	e := Example{Text: f[col["text"]], Line: line}
	lab := strings.TrimSpace(f[col["label"]])
	if lab == "" && d.HasReferral {
		lab = string(core.LabelNeutral)
	}
	l, err := core.ParseLabel(lab)
	if err != nil {
		return fmt.Errorf("sentiment: %s:%d: %w", name, line, err)
	}
	e.Label = l
	if d.HasLang {
		e.Lang = strings.TrimSpace(f[col["lang"]])
	}
	if d.HasCase {
		e.Case = strings.TrimSpace(f[col["case"]])
	}
	if d.HasReferral {
		switch v := strings.ToLower(strings.TrimSpace(f[col["referral"]])); v {
		case "yes", "1", "true":
			e.Referral = RefYes
		case "no", "0", "false":
			e.Referral = RefNo
		default:
			return fmt.Errorf("sentiment: %s:%d: referral %q: want yes or no", name, line, v)
		}
	}
	if strings.TrimSpace(e.Text) == "" {
		return fmt.Errorf("sentiment: %s:%d: text is empty", name, line)
	}
	d.Examples = append(d.Examples, e)
	return nil
}

var errEmptyFile = errors.New("empty file, want a header row")
