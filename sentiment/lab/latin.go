package lab

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/sentiment"
)

// LatinVersion is the prefix of the Latin-script detector's name; the name
// ends with a hash of the file.
const LatinVersion = "shenava-latin-1"

// CatalogDomains are the gettext message catalogues the Latin-script
// detector learns other languages from: the translations of Debian's core
// tools, which every Debian or Ubuntu system has under /usr/share/locale
// (MODEL.md lists the packages and versions the shipped detector used).
// Catalogues of other domains are ignored, so the result does not depend on
// what else a machine has installed.
var CatalogDomains = []string{
	"Linux-PAM", "adduser", "apt", "bash", "coreutils", "diffutils", "dpkg", "findutils", "gettext-runtime",
	"gettext-tools", "git", "gnupg2", "grep", "libapt-pkg6.0", "libc", "make", "psmisc", "sed", "shadow", "tar",
	"wget", "xz",
}

// catalogSkip are languages left out of "other": English (its msgids are
// English rows instead) and the Latin-script languages that share much of
// their vocabulary with Persian (Azerbaijani, Kurdish, Uzbek, Turkmen), which
// would teach the detector that Finglish words are foreign.
var catalogSkip = map[string]bool{"en": true, "az": true, "ku": true, "kmr": true, "uz": true, "tk": true}

// LatinConfig says what the Latin-script detector trains on.
type LatinConfig struct {
	// DataRoot is the shared data directory (../shared/data), RepoRoot the
	// module root, as for TrainConfig.
	DataRoot, RepoRoot string
	// Catalogs is a directory of gettext catalogues laid out as
	// /usr/share/locale is: LANG/LC_MESSAGES/DOMAIN.mo.
	Catalogs string
	// Corpora give the English, Finglish and (transliterated) Persian rows;
	// nil means DefaultCorpora(). Development splits are skipped.
	Corpora []Corpus
	// Commercial keeps only corpora whose licence allows commercial use.
	Commercial bool
	// Log receives progress lines; nil discards them.
	Log io.Writer

	hp *latinHyper // nil means defaultLatinHyper()
}

// latinHyper are the detector's training settings, chosen on held-out rows
// and the hand-written development set (testdata/langid/dev.tsv).
type latinHyper struct {
	features sentiment.FeatureConfig
	sgd      sgdConfig
	// perLang caps the translated messages of one language; enMsgs the
	// English messages; finglish the transliterated Persian rows.
	perLang, enMsgs, finglish int
	// other, otherMixed and mixedShare are the decision thresholds written
	// into the file (see sentiment's latinHeader).
	other, otherMixed float64
	mixedShare        int
	devShare          float64
}

func defaultLatinHyper() *latinHyper {
	return &latinHyper{
		features: sentiment.FeatureConfig{Bits: 16, CharMin: 1, CharMax: 4, WordScale: 1, CharScale: 1, MaxWordLen: 24},
		sgd:      sgdConfig{Epochs: 3, LR: 0.2, L2: 1e-6, Seed: 45},
		perLang:  2500, enMsgs: 15000, finglish: 30000,
		other: 0.5, otherMixed: 0.9, mixedShare: 4,
		devShare: 0.1,
	}
}

// LatinReport summarises a training run of the Latin-script detector.
type LatinReport struct {
	Name string
	// Rows counts the rows per class (en, fi, other), held-out ones
	// included (the final pass trains on them too); Languages the
	// catalogue languages with at least 100 messages.
	Rows      map[string]int
	Languages []string
	// CatalogDigest is a SHA-256 of the catalogue files read (names and
	// contents), to tell whether two runs saw the same input.
	CatalogDigest string
	// Dev is, per class, the share of the held-out rows that the first
	// pass puts on the right side of the "other" threshold.
	Dev     map[string]float64
	Elapsed time.Duration
}

var latinClasses = []string{core.LangEnglish, core.LangFinglish, core.LangOther}

type latinRow struct {
	text   string
	class  int
	weight float64
	dev    bool
}

// TrainLatin trains the Latin-script detector (English, Finglish or another
// language) and returns the detector file. The same inputs give the same
// file, byte for byte.
func TrainLatin(ctx context.Context, cfg LatinConfig) ([]byte, *LatinReport, error) {
	start := time.Now()
	hp := cfg.hp
	if hp == nil {
		hp = defaultLatinHyper()
	}
	logf := func(format string, args ...any) {
		if cfg.Log != nil {
			fmt.Fprintf(cfg.Log, format+"\n", args...)
		}
	}
	rep := &LatinReport{Rows: map[string]int{}, Dev: map[string]float64{}}

	// Texts that must not be trained on: the language-ID sets and every
	// sentiment test set.
	exclude := map[string]bool{}
	for _, p := range []string{"sentiment/testdata/langid/test.tsv", "sentiment/testdata/langid/dev.tsv"} {
		texts, err := readColumn(filepath.Join(cfg.RepoRoot, filepath.FromSlash(p)), "text")
		if err != nil {
			return nil, nil, fmt.Errorf("sentiment: train Latin detector: %w", err)
		}
		for _, t := range texts {
			exclude[sentiment.TextKey(t)] = true
		}
	}
	for _, t := range TestSets() {
		d, err := ReadTSVFile(t.resolve(cfg.DataRoot, cfg.RepoRoot))
		if err != nil {
			logf("test set %s: skipped (%v)", t.Name, err)
			continue
		}
		for _, e := range d.Examples {
			exclude[sentiment.TextKey(e.Text)] = true
		}
	}

	var rows []latinRow
	seen := map[string]bool{}
	add := func(text string, class int) bool {
		k := sentiment.TextKey(text)
		if k == "" || exclude[k] || seen[k] {
			return false
		}
		seen[k] = true
		rows = append(rows, latinRow{text: text, class: class, dev: inDev(k, hp.devShare)})
		return true
	}

	// English and Finglish: the sentiment corpora and the project's own
	// rows; Persian rows become Finglish through Transliterate.
	rng := rand.New(rand.NewPCG(2027, 3))
	var persian []string
	corpora := cfg.Corpora
	if corpora == nil {
		corpora = DefaultCorpora()
	}
	for _, c := range corpora {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		if c.Dev {
			continue // the official development splits stay unseen, to choose settings on
		}
		if cfg.Commercial && !c.Commercial {
			continue
		}
		d, err := ReadTSVFile(c.resolve(cfg.DataRoot, cfg.RepoRoot))
		if err != nil {
			return nil, nil, fmt.Errorf("sentiment: train Latin detector: corpus %s: %w", c.Name, err)
		}
		for _, e := range d.Examples {
			lang := c.Lang
			if lang == "" {
				lang = e.Lang
			}
			switch lang {
			case core.LangEnglish:
				add(e.Text, 0)
			case core.LangFinglish:
				add(e.Text, 1)
			case core.LangPersian:
				persian = append(persian, e.Text)
			}
		}
	}
	// A seeded sample of the Persian rows, in seeded random spellings.
	shuffleStrings(persian, rng)
	nfi := 0
	for _, p := range persian {
		if nfi >= hp.finglish {
			break
		}
		if add(Transliterate(p, rng), 1) {
			nfi++
		}
	}

	// Other languages, and English program messages, from the catalogues.
	cat, digest, err := readCatalogs(cfg.Catalogs)
	if err != nil {
		return nil, nil, fmt.Errorf("sentiment: train Latin detector: %w", err)
	}
	rep.CatalogDigest = digest
	// Seeded samples: every catalogue contributes, not only the first ones.
	crng := rand.New(rand.NewPCG(2027, 5))
	shuffleStrings(cat.english, crng)
	for _, lang := range cat.langs {
		ms := cat.translated[lang]
		for i := len(ms) - 1; i > 0; i-- {
			j := int(crng.Uint64() % uint64(i+1))
			ms[i], ms[j] = ms[j], ms[i]
		}
	}
	nen := 0
	for _, m := range cat.english {
		if nen >= hp.enMsgs {
			break
		}
		if add(m, 0) {
			nen++
		}
	}
	for _, lang := range cat.langs {
		// A language written in another script (its Latin messages are
		// left-over English) is not Latin-script "other".
		msgs, latin := cat.translated[lang], 0
		for _, m := range msgs {
			if latinShare(m.tr) >= 0.8 {
				latin++
			}
		}
		if latin*2 < len(msgs) {
			continue
		}
		n := 0
		for _, m := range msgs {
			if n >= hp.perLang {
				break
			}
			// Messages left partly in English are not the language.
			if latinShare(m.tr) < 0.8 || wordOverlap(m.tr, m.id) >= 0.5 {
				continue
			}
			if add(m.tr, 2) {
				n++
			}
		}
		if n >= 100 {
			rep.Languages = append(rep.Languages, lang)
		}
	}
	logf("catalogues: %d files, %d languages used (%s), digest %s", cat.files, len(rep.Languages),
		strings.Join(rep.Languages, " "), digest)

	// Each class weighs the same in total.
	var mass [3]float64
	for _, r := range rows {
		if !r.dev {
			mass[r.class]++
		}
	}
	for i := range rows {
		r := &rows[i]
		r.weight = 1
		if mass[r.class] > 0 {
			r.weight = float64(len(rows)) / (3 * mass[r.class])
		}
		rep.Rows[latinClasses[r.class]]++
	}
	for _, c := range latinClasses {
		logf("latin: %-5s %6d rows", c, rep.Rows[c])
	}
	if mass[0] == 0 || mass[1] == 0 || mass[2] == 0 {
		return nil, nil, fmt.Errorf("sentiment: train Latin detector: a class has no rows (en %v, fi %v, other %v; are the catalogues at %s?)",
			mass[0], mass[1], mass[2], cfg.Catalogs)
	}

	fit := func(use func(latinRow) bool) *linear {
		var samples []sample
		for _, r := range rows {
			if use(r) {
				samples = append(samples, sample{feats: sentiment.LatinFeatures(hp.features, sentiment.NewText(r.text), nil),
					y: r.class, weight: float32(r.weight)})
			}
		}
		l := newLinear(uint(hp.features.Bits), 3)
		sc := hp.sgd
		sc.Progress = func(e int, loss float64) { logf("latin: epoch %d loss %.4f", e, loss) }
		l.fit(samples, sc)
		return l
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	// First pass without the held-out rows, to report on them; then all.
	l := fit(func(r latinRow) bool { return !r.dev })
	var n, hit [3]int
	z, p := make([]float64, 3), make([]float64, 3)
	for _, r := range rows {
		if !r.dev {
			continue
		}
		l.logits(sentiment.LatinFeatures(hp.features, sentiment.NewText(r.text), nil), z)
		sentiment.Softmax(z, p)
		n[r.class]++
		if (p[2] >= hp.other) == (r.class == 2) {
			hit[r.class]++
		}
	}
	for c, name := range latinClasses {
		if n[c] > 0 {
			rep.Dev[name] = float64(hit[c]) / float64(n[c])
			logf("latin: held-out %-5s n %5d  right side of P(other) >= %.2f: %.4f", name, n[c], hp.other, rep.Dev[name])
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	l = fit(func(latinRow) bool { return true })

	spec := sentiment.LatinSpec{Name: LatinVersion, Features: hp.features, Other: hp.other, OtherMixed: hp.otherMixed,
		MixedShare: hp.mixedShare}
	b, err := sentiment.EncodeLatin(spec, l.w)
	if err != nil {
		return nil, nil, err
	}
	sum := sha256.Sum256(b)
	spec.Name = LatinVersion + "-" + hex.EncodeToString(sum[:4])
	if b, err = sentiment.EncodeLatin(spec, l.w); err != nil {
		return nil, nil, err
	}
	rep.Name = spec.Name
	rep.Elapsed = time.Since(start)
	logf("detector %s: %d bytes", rep.Name, len(b))
	return b, rep, nil
}

// shuffleStrings is a Fisher–Yates shuffle driven by r's raw output.
func shuffleStrings(a []string, r *rand.Rand) {
	for i := len(a) - 1; i > 0; i-- {
		j := int(r.Uint64() % uint64(i+1))
		a[i], a[j] = a[j], a[i]
	}
}

// latinShare is the share of the letters of s that are Latin.
func latinShare(s string) float64 {
	var latin, all int
	for _, r := range s {
		if unicode.IsLetter(r) {
			all++
			if unicode.Is(unicode.Latin, r) {
				latin++
			}
		}
	}
	if all == 0 {
		return 0
	}
	return float64(latin) / float64(all)
}

// wordOverlap is the share of the words of s (lower case) that also occur
// in ref.
func wordOverlap(s, ref string) float64 {
	in := map[string]bool{}
	for _, w := range strings.Fields(strings.ToLower(ref)) {
		in[w] = true
	}
	ws := strings.Fields(strings.ToLower(s))
	n := 0
	for _, w := range ws {
		if in[w] {
			n++
		}
	}
	if len(ws) == 0 {
		return 0
	}
	return float64(n) / float64(len(ws))
}

// readColumn returns one column of a TSV file with a header row.
func readColumn(path, name string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	col := slices.Index(strings.Split(lines[0], "\t"), name)
	if col < 0 {
		return nil, fmt.Errorf("%s:1: no %q column", path, name)
	}
	var out []string
	for _, l := range lines[1:] {
		if f := strings.Split(l, "\t"); col < len(f) {
			out = append(out, f[col])
		}
	}
	return out, nil
}

// catalogs are the messages read from gettext catalogues.
type catalogs struct {
	files int
	// english are the source messages (msgid), in file order, deduplicated.
	english []string
	// translated are the translations per language, and langs the
	// languages in byte order.
	translated map[string][]message
	langs      []string
}

// message is one translated message, cleaned.
type message struct{ id, tr string }

// readCatalogs reads DIR/LANG/LC_MESSAGES/DOMAIN.mo for the CatalogDomains,
// in path order, and returns their cleaned messages and a digest of the files.
func readCatalogs(dir string) (*catalogs, string, error) {
	cat := &catalogs{translated: map[string][]message{}}
	h := sha256.New()
	seenEn := map[string]bool{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".mo") || filepath.Base(filepath.Dir(path)) != "LC_MESSAGES" {
			return nil
		}
		domain := strings.TrimSuffix(filepath.Base(path), ".mo")
		if !slices.Contains(CatalogDomains, domain) {
			return nil
		}
		locale := filepath.Base(filepath.Dir(filepath.Dir(path)))
		lang, _, _ := strings.Cut(locale, "_")
		lang, _, _ = strings.Cut(lang, "@")
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		fmt.Fprintf(h, "%s\x00%d\x00", filepath.ToSlash(rel), len(b))
		h.Write(b)
		pairs, err := parseMO(b)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		cat.files++
		for _, p := range pairs {
			id := cleanMessage(p[0])
			if id != "" && !seenEn[id] {
				seenEn[id] = true
				cat.english = append(cat.english, id)
			}
			if catalogSkip[lang] {
				continue
			}
			tr := cleanMessage(p[1])
			if tr == "" || tr == id {
				continue
			}
			if _, ok := cat.translated[lang]; !ok {
				cat.langs = append(cat.langs, lang)
			}
			cat.translated[lang] = append(cat.translated[lang], message{id: id, tr: tr})
		}
		return nil
	})
	if err != nil {
		return nil, "", fmt.Errorf("catalogues: %w", err)
	}
	if cat.files == 0 {
		return nil, "", fmt.Errorf("catalogues: no coreutils.mo, tar.mo or other core tool's catalogue under %s (LANG/LC_MESSAGES/DOMAIN.mo): %w",
			dir, fs.ErrNotExist)
	}
	slices.Sort(cat.langs)
	return cat, hex.EncodeToString(h.Sum(nil)), nil
}

var errBadMO = errors.New("not a gettext .mo file")

// parseMO returns the (msgid, msgstr) pairs of a compiled gettext catalogue:
// the first form of plural messages, without message contexts, and without
// the header entry.
func parseMO(b []byte) ([][2]string, error) {
	if len(b) < 28 {
		return nil, errBadMO
	}
	var bo binary.ByteOrder
	switch binary.LittleEndian.Uint32(b) {
	case 0x950412de:
		bo = binary.LittleEndian
	case 0xde120495:
		bo = binary.BigEndian
	default:
		return nil, errBadMO
	}
	n := int(bo.Uint32(b[8:]))
	orig, trans := int(bo.Uint32(b[12:])), int(bo.Uint32(b[16:]))
	str := func(table, i int) (string, error) {
		at := table + 8*i
		if at < 0 || at+8 > len(b) {
			return "", errBadMO
		}
		l, off := int(bo.Uint32(b[at:])), int(bo.Uint32(b[at+4:]))
		if off < 0 || l < 0 || off+l > len(b) {
			return "", errBadMO
		}
		return string(b[off : off+l]), nil
	}
	if n < 0 || n > len(b)/8 {
		return nil, errBadMO
	}
	out := make([][2]string, 0, n)
	for i := range n {
		id, err := str(orig, i)
		if err != nil {
			return nil, err
		}
		tr, err := str(trans, i)
		if err != nil {
			return nil, err
		}
		if _, rest, ok := strings.Cut(id, "\x04"); ok {
			id = rest
		}
		id, _, _ = strings.Cut(id, "\x00")
		tr, _, _ = strings.Cut(tr, "\x00")
		if id == "" {
			continue // the header
		}
		out = append(out, [2]string{id, tr})
	}
	return out, nil
}

var (
	// printf directives, %1$s, ${var}, {name}, <tags>, --options, -o,
	// [OPTION]..., FILE-like upper-case placeholders and file paths.
	msgNoise = regexp.MustCompile(`%(\d+\$)?[-+ #0']*(\d+|\*)?(\.(\d+|\*))?(hh|h|ll|l|L|q|j|z|t)?[a-zA-Z%]|` +
		`\$\{?\w+\}?|\{\w*\}|<[^>]*>|--?[A-Za-z][\w-]*(=\S*)?|\[[^\]]*\]|\b[A-Z][A-Z_]{2,}\b|\S*/\S*|\\[nt]|` + "`[^`']*'")
	msgSpace = regexp.MustCompile(`\s+`)
)

// cleanMessage turns a program message into plain text: no format
// directives, options, placeholders or accelerator marks; "" when fewer than
// two words of letters are left.
func cleanMessage(s string) string {
	s = msgNoise.ReplaceAllString(s, " ")
	s = strings.NewReplacer("&", "", "_", "", "\\", " ").Replace(s)
	s = strings.TrimSpace(msgSpace.ReplaceAllString(s, " "))
	words := 0
	for _, w := range strings.Fields(s) {
		letters := 0
		for _, r := range w {
			if unicode.IsLetter(r) {
				letters++
			}
		}
		if letters >= 2 {
			words++
		}
	}
	if words < 2 {
		return ""
	}
	return s
}
