package lab

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/sentiment"
)

// Correction is a label a manager set on a mention. Corrections are trained
// on with extra weight and replace any other example with the same text.
type Correction struct {
	Text  string
	Label core.Label
	// Lang is the language the model detected (fa, en, fi), or "" to
	// take it from the script.
	Lang string
	// Referral, when not RefUnknown, also corrects the referral label.
	Referral RefLabel
}

// TrainConfig says what to train on.
type TrainConfig struct {
	// DataRoot is the shared data directory (../shared/data from the
	// module root); RepoRoot is the module root, for the project's own sets.
	DataRoot, RepoRoot string
	// Corpora are the training sets; nil means DefaultCorpora().
	Corpora []Corpus
	// Tests are the sets whose texts are removed from training; nil means
	// TestSets(). Missing test files are skipped.
	Tests []Corpus
	// Commercial keeps only corpora and lexicons whose licence allows
	// commercial use.
	Commercial bool
	// Corrections are managers' labels, e.g. from the Shenava database.
	Corrections []Correction
	// Log receives progress lines; nil discards them.
	Log io.Writer

	hp *hyper // nil means defaultHyper()
}

// hyper are the training settings chosen on the development splits.
type hyper struct {
	sent, ref, lid sentiment.FeatureConfig
	sentSGD        sgdConfig
	refSGD         sgdConfig
	lidSGD         sgdConfig
	// balance is the exponent of the per-corpus class weights: 0 leaves
	// the classes as they are, 1 gives each class the same total weight.
	balance float64
	// finglishWeight multiplies the weight of transliterated examples.
	finglishWeight float64
	// onePass skips the second pass on all rows (experiments read the
	// development scores of the first pass only).
	onePass bool
	// refNegShare of the rows without a referral label (public sentiment
	// sets) are used as referral negatives, with weight refNegWeight,
	// unless they match a referral pattern.
	refNegShare, refNegWeight float64
	// correctionWeight is the weight of a manager's correction.
	correctionWeight float64
	// lexicons to use (names from Lexicons()); nil means all allowed.
	lexicons []string
	// recallShare is, per language, the share of macro-recall (against
	// macro-F1) in the objective the language biases are tuned for; noBias
	// leaves them at zero.
	recallShare map[string]float64
	noBias      bool
	// priorBias sets the language biases to minus the log of the class
	// shares the model was trained with (after class weighting), which
	// makes its decisions balanced: no class is favoured for being common.
	priorBias bool
}

func defaultHyper() *hyper {
	return &hyper{
		sent: sentiment.FeatureConfig{Bits: 20, CharMin: 2, CharMax: 5, Bigrams: true, Lexicon: true,
			WordScale: 1, CharScale: 1, LexScale: 1, MaxWordLen: 24, Cues: true, CueScale: 3, PraiseWords: 1},
		ref:     sentiment.FeatureConfig{Bits: 18, Bigrams: true, WordScale: 1, Lexicon: false, MaxWordLen: 24, PatScale: 2},
		lid:     sentiment.FeatureConfig{Bits: 16, CharMin: 1, CharMax: 4, WordScale: 1, CharScale: 1, MaxWordLen: 24},
		sentSGD: sgdConfig{Epochs: 6, LR: 0.1, L2: 1e-6, Seed: 42, Average: true, Runs: 3, StableOrder: true},
		refSGD:  sgdConfig{Epochs: 10, LR: 0.2, L2: 1e-5, Seed: 43},
		lidSGD:  sgdConfig{Epochs: 2, LR: 0.2, L2: 1e-6, Seed: 44},
		balance: 0.75, finglishWeight: 0.7, correctionWeight: 3,
		refNegShare: 0.05, refNegWeight: 0.3,
		recallShare: map[string]float64{core.LangEnglish: 1},
		priorBias:   true,
	}
}

// row is one deduplicated training or development example.
type row struct {
	text     string
	txt      *sentiment.Text
	label    int // index in core.Labels
	lang     string
	referral RefLabel
	weight   float64
	corpus   int // index into the corpora slice
	dev      bool
	finglish bool
}

// TrainReport summarises a training run.
type TrainReport struct {
	Corpora []CorpusReport
	// Dev holds sentiment metrics per development set.
	Dev map[string]Metrics
	// RefDev holds referral metrics on development rows with a referral
	// label.
	RefDev PRF
	// RefDevBy holds referral metrics per development set.
	RefDevBy    map[string]PRF
	Temperature float64
	Name        string
	Elapsed     time.Duration
}

// CorpusReport counts what happened to one corpus's rows.
type CorpusReport struct {
	Name                                   string
	Read, TestOverlap, Duplicate, Conflict int
	Train, Dev, Finglish                   int
	License                                string
	Commercial                             bool
}

// Train builds a model from cfg. The same inputs give the same model file,
// byte for byte: every random choice comes from fixed seeds, every loop runs
// in a fixed order.
func Train(ctx context.Context, cfg TrainConfig) ([]byte, *TrainReport, error) {
	start := time.Now()
	hp := cfg.hp
	if hp == nil {
		hp = defaultHyper()
	}
	logf := func(format string, args ...any) {
		if cfg.Log != nil {
			fmt.Fprintf(cfg.Log, format+"\n", args...)
		}
	}
	corpora := cfg.Corpora
	if corpora == nil {
		corpora = DefaultCorpora()
	}
	if cfg.Commercial {
		var keep []Corpus
		for _, c := range corpora {
			if c.Commercial {
				keep = append(keep, c)
			}
		}
		corpora = keep
	}
	tests := cfg.Tests
	if tests == nil {
		tests = TestSets()
	}

	// 1. Texts of every test set, to keep them out of training.
	testKeys := map[string]bool{}
	for _, t := range tests {
		d, err := ReadTSVFile(t.resolve(cfg.DataRoot, cfg.RepoRoot))
		if err != nil {
			logf("test set %s: skipped (%v)", t.Name, err)
			continue
		}
		for _, e := range d.Examples {
			testKeys[textKey(e.Text)] = true
		}
	}
	logf("test sets: %d distinct texts kept out of training", len(testKeys))

	// 2. Training and development rows.
	rows, reports, err := readCorpora(ctx, cfg, corpora, testKeys, hp, logf)
	if err != nil {
		return nil, nil, err
	}
	if len(rows) == 0 {
		return nil, nil, fmt.Errorf("sentiment: train: no training rows")
	}

	// 3. Lexicons.
	var lexSrcs []LexiconSource
	for _, l := range Lexicons() {
		if cfg.Commercial && !l.Commercial {
			continue
		}
		if hp.lexicons != nil && !slices.Contains(hp.lexicons, l.Name) {
			continue
		}
		lexSrcs = append(lexSrcs, l)
	}
	lex, used, err := buildLexicons(cfg.DataRoot, lexSrcs, logf)
	if err != nil {
		return nil, nil, fmt.Errorf("sentiment: train: %w", err)
	}
	logf("lexicons: %d entries from %s", len(lex), strings.Join(used, ", "))

	m := sentiment.NewBuilder(sentiment.BuildSpec{Sent: hp.sent, Ref: hp.ref, Lid: hp.lid, Lexicon: lex, Lexicons: used})

	// 4. First pass, without the development rows: language model,
	// sentiment, calibration and biases, referral and its threshold.
	train := func(r row) bool { return !r.dev }
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	m.SetLanguage(trainLID(m, rows, train, hp, logf).w)
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	m.SetSentiment(trainSentiment(m, rows, train, hp, logf).w)
	rep := &TrainReport{Corpora: reports, Dev: map[string]Metrics{}}
	rep.Temperature = calibrate(m, rows, corpora)
	m.SetTemperature(rep.Temperature)
	logf("calibration: temperature %.3f", rep.Temperature)
	if hp.priorBias {
		m.SetLangBias(priorBias(rows, train, logf))
	} else {
		m.SetLangBias(tuneBias(m, rows, corpora, hp, logf))
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	m.SetReferral(trainReferral(m, rows, train, hp, logf).w)
	m.SetRefBias(tuneRefBias(m, rows, logf))
	evaluateDev(m, rows, corpora, rep, logf)

	// 5. Second pass: the same settings on all rows but the official
	// development splits, keeping the first pass's calibration.
	if !hp.onePass {
		all := func(r row) bool { return !r.dev || r.corpus >= 0 && !corpora[r.corpus].Dev }
		logf("second pass: training on the training and held-out rows")
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		m.SetLanguage(trainLID(m, rows, all, hp, logf).w)
		m.SetSentiment(trainSentiment(m, rows, all, hp, logf).w)
		m.SetReferral(trainReferral(m, rows, all, hp, logf).w)
	}

	var sums []sentiment.CorpusSummary
	for _, r := range reports {
		sums = append(sums, sentiment.CorpusSummary{Name: r.Name, Rows: r.Train, Finglish: r.Finglish, Commercial: r.Commercial})
	}
	m.SetCorpora(sums)
	b, name, err := m.Encode()
	if err != nil {
		return nil, nil, fmt.Errorf("sentiment: train: %w", err)
	}
	rep.Name = name
	rep.Elapsed = time.Since(start)
	logf("model %s: %d bytes", name, len(b))
	return b, rep, nil
}

// textKey is the form under which two texts count as the same.
func textKey(text string) string { return sentiment.TextKey(text) }

// inDev chooses the development share of a corpus by a hash of the text,
// so the choice does not depend on the order of the file.
func inDev(key string, share float64) bool {
	if share <= 0 {
		return false
	}
	h := devHash(key)
	return float64(h)/float64(1<<32) < share
}

// devHash is a 32-bit FNV-1a hash of s, mixed as the model's feature buckets
// are; it decides which rows are held out, so changing it changes the model.
func devHash(s string) uint32 {
	const prime = 1099511628211
	h := uint64(14695981039346656037) ^ 0xde
	h *= prime
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= prime
	}
	h ^= h >> 29
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 32
	return uint32(h >> 32)
}

// labelIndex returns the position of l in core.Labels.
func labelIndex(l core.Label) int {
	return slices.Index(core.Labels, l)
}

// readCorpora reads, cleans and deduplicates the corpora, and adds the
// Finglish copies.
func readCorpora(ctx context.Context, cfg TrainConfig, corpora []Corpus, testKeys map[string]bool, hp *hyper,
	logf func(string, ...any)) ([]row, []CorpusReport, error) {
	type seenRow struct {
		label int
		idx   int
	}
	var rows []row
	reports := make([]CorpusReport, len(corpora))
	seen := map[string]seenRow{}
	conflict := map[string]bool{}
	keys := []string{}
	// Managers' corrections come first, so they win over every corpus; of
	// two corrections of one text the later wins.
	corrKeys := map[string]bool{}
	last := map[string]int{}
	for i, c := range cfg.Corrections {
		if labelIndex(c.Label) < 0 {
			return nil, nil, fmt.Errorf("sentiment: train: correction %q: label %q: %w", c.Text, c.Label, core.ErrInvalid)
		}
		last[textKey(c.Text)] = i
	}
	for i, c := range cfg.Corrections {
		k := textKey(c.Text)
		if k == "" || last[k] != i {
			continue
		}
		corrKeys[k] = true
		seen[k] = seenRow{label: labelIndex(c.Label), idx: len(rows)}
		keys = append(keys, k)
		lang := c.Lang
		if lang != core.LangPersian && lang != core.LangEnglish && lang != core.LangFinglish {
			lang = scriptLang(c.Text)
		}
		rows = append(rows, row{text: c.Text, label: labelIndex(c.Label), lang: lang,
			referral: c.Referral, weight: hp.correctionWeight, corpus: -1})
	}
	for ci, c := range corpora {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		rep := &reports[ci]
		rep.Name, rep.License, rep.Commercial = c.Name, c.License, c.Commercial
		d, err := ReadTSVFile(c.resolve(cfg.DataRoot, cfg.RepoRoot))
		if err != nil {
			return nil, nil, fmt.Errorf("sentiment: train: corpus %s: %w", c.Name, err)
		}
		w := c.Weight
		if w == 0 {
			w = 1
		}
		for _, e := range d.Examples {
			rep.Read++
			if slices.Contains(c.Drop, string(e.Label)) {
				continue
			}
			k := textKey(e.Text)
			if k == "" {
				continue
			}
			if testKeys[k] {
				rep.TestOverlap++
				continue
			}
			if corrKeys[k] {
				rep.Duplicate++
				continue
			}
			li := labelIndex(e.Label)
			if s, ok := seen[k]; ok {
				if s.label != li && !conflict[k] {
					conflict[k] = true
				}
				if s.label != li {
					rep.Conflict++
				} else {
					rep.Duplicate++
				}
				// A referral label on a duplicate still counts.
				if e.Referral != RefUnknown && rows[s.idx].referral == RefUnknown {
					rows[s.idx].referral = e.Referral
				}
				continue
			}
			lang := c.Lang
			if lang == "" {
				lang = e.Lang
			}
			if lang != core.LangPersian && lang != core.LangEnglish && lang != core.LangFinglish {
				lang = scriptLang(e.Text)
			}
			dev := c.Dev || inDev(k, c.DevShare)
			seen[k] = seenRow{label: li, idx: len(rows)}
			keys = append(keys, k)
			rows = append(rows, row{text: e.Text, label: li, lang: lang, referral: e.Referral,
				weight: w, corpus: ci, dev: dev})
		}
	}
	// Drop texts that occur with different labels.
	out := rows[:0]
	kept := make([]string, 0, len(rows))
	for i, r := range rows {
		k := keys[i]
		if r.weight == 0 || conflict[k] && !corrKeys[k] {
			continue
		}
		out = append(out, r)
		kept = append(kept, k)
	}
	rows = out

	// Class weights per corpus: (n / (classes * n_c))^balance, normalised
	// so that a corpus keeps its total weight.
	type counts [3]float64
	per := make([]counts, len(corpora))
	for _, r := range rows {
		if r.corpus >= 0 && !r.dev {
			per[r.corpus][r.label]++
		}
	}
	cw := make([][3]float64, len(corpora))
	for ci, n := range per {
		total, k := n[0]+n[1]+n[2], 0.0
		for _, v := range n {
			if v > 0 {
				k++
			}
		}
		var norm float64
		for c, v := range n {
			if v > 0 {
				cw[ci][c] = math.Pow(total/(k*v), hp.balance)
				norm += cw[ci][c] * v
			}
		}
		for c := range 3 {
			if norm > 0 {
				cw[ci][c] *= total / norm
			}
		}
	}
	for i := range rows {
		r := &rows[i]
		if r.corpus >= 0 {
			r.weight *= cw[r.corpus][r.label]
			if r.dev {
				reports[r.corpus].Dev++
			} else {
				reports[r.corpus].Train++
			}
		}
	}

	// Finglish copies of Persian rows, in a seeded random spelling.
	rng := rand.New(rand.NewPCG(2026, 1))
	n := len(rows)
	for i := range n {
		r := rows[i]
		if r.corpus < 0 || r.lang != core.LangPersian {
			continue
		}
		share := corpora[r.corpus].Finglish
		if share <= 0 || rng.Float64() >= share {
			continue
		}
		fi := Transliterate(r.text, rng)
		if textKey(fi) == "" {
			continue
		}
		r.text, r.lang, r.finglish = fi, core.LangFinglish, true
		r.weight *= hp.finglishWeight
		rows = append(rows, r)
		reports[r.corpus].Finglish++
	}
	for i := range rows {
		rows[i].txt = sentiment.NewText(rows[i].text)
	}
	for _, rep := range reports {
		logf("corpus %-45s read %6d  test-overlap %5d  dup %5d  conflict %4d  train %6d  dev %5d  finglish %6d",
			rep.Name, rep.Read, rep.TestOverlap, rep.Duplicate, rep.Conflict, rep.Train, rep.Dev, rep.Finglish)
	}
	if len(cfg.Corrections) > 0 {
		logf("corrections: %d", len(corrKeys))
	}
	return rows, reports, nil
}

// scriptLang guesses fa or en from the script alone (training rows without a
// language).
func scriptLang(text string) string {
	if sentiment.MostlyArabicScript(text) {
		return core.LangPersian
	}
	return core.LangEnglish
}

// trainLID trains the English/Finglish classifier on the training rows of
// both languages, balanced.
func trainLID(m *sentiment.Builder, rows []row, use func(row) bool, hp *hyper, logf func(string, ...any)) *linear {
	var en, fi float64
	for _, r := range rows {
		switch {
		case !use(r):
		case r.lang == core.LangEnglish:
			en++
		case r.lang == core.LangFinglish:
			fi++
		}
	}
	var samples []sample
	for _, r := range rows {
		if !use(r) || (r.lang != core.LangEnglish && r.lang != core.LangFinglish) {
			continue
		}
		y, w := 0, 1.0
		if r.lang == core.LangFinglish {
			y = 1
			if fi > 0 {
				w = en / fi
			}
		}
		samples = append(samples, sample{feats: m.LanguageFeatures(r.txt, nil), y: y, weight: float32(min(w, 10))})
	}
	l := newLinear(uint(hp.lid.Bits), 2)
	cfg := hp.lidSGD
	cfg.Progress = func(e int, loss float64) { logf("language model: epoch %d loss %.4f", e, loss) }
	l.fit(samples, cfg)
	return l
}

// trainSentiment trains the three-class model on the rows use selects.
func trainSentiment(m *sentiment.Builder, rows []row, use func(row) bool, hp *hyper, logf func(string, ...any)) *linear {
	var samples []sample
	for _, r := range rows {
		if !use(r) || r.weight <= 0 {
			continue
		}
		samples = append(samples, sample{feats: m.SentimentFeatures(r.txt, r.lang, nil), y: r.label, weight: float32(r.weight),
			key: sampleKey(r.text, r.lang)})
	}
	logf("sentiment: %d training examples", len(samples))
	l := newLinear(uint(hp.sent.Bits), 3)
	cfg := hp.sentSGD
	cfg.Progress = func(e int, loss float64) { logf("sentiment: epoch %d loss %.4f", e, loss) }
	l.fitRuns(samples, cfg)
	return l
}

// calibrate chooses the temperature that minimises the log loss on the
// development rows, each development set weighing the same.
func calibrate(m *sentiment.Builder, rows []row, corpora []Corpus) float64 {
	type dz struct {
		z [3]float64
		y int
		w float64
	}
	var devs []dz
	per := map[int]int{}
	weak := func(r row) bool { return r.corpus >= 0 && corpora[r.corpus].Weak }
	for _, r := range rows {
		if r.dev && !weak(r) {
			per[r.corpus]++
		}
	}
	for _, r := range rows {
		if !r.dev || weak(r) {
			continue
		}
		var d dz
		m.SentimentLogits(r.txt, r.lang, &d.z)
		d.y, d.w = r.label, 1/float64(per[r.corpus])
		devs = append(devs, d)
	}
	if len(devs) == 0 {
		return 1
	}
	best, bestLoss := 1.0, math.Inf(1)
	p := make([]float64, 3)
	z := make([]float64, 3)
	for t := 0.5; t <= 3.0001; t += 0.05 {
		var loss float64
		for _, d := range devs {
			for c := range 3 {
				z[c] = d.z[c] / t
			}
			sentiment.Softmax(z, p)
			loss -= d.w * detLog(math.Max(p[d.y], 1e-12))
		}
		if loss < bestLoss {
			best, bestLoss = math.Round(t*100)/100, loss
		}
	}
	return best
}

// trainReferral trains the referral classifier on rows with a referral
// label, and on a sample of the public sentiment rows as negatives: posts
// that recommend nothing to anyone, which teach the model how rare
// referrals are.
func trainReferral(m *sentiment.Builder, rows []row, use func(row) bool, hp *hyper, logf func(string, ...any)) *linear {
	var samples []sample
	var yes, no float64
	for _, r := range rows {
		if !use(r) || r.referral == RefUnknown {
			continue
		}
		if r.referral == RefYes {
			yes++
		} else {
			no++
		}
	}
	neg := 0
	for _, r := range rows {
		if !use(r) {
			continue
		}
		y, w := 0, 1.0
		switch {
		case r.referral == RefYes:
			y = 1
			if yes > 0 {
				w = max(1, math.Sqrt(no/yes))
			}
		case r.referral == RefNo:
		case inDev(r.text, hp.refNegShare) && !m.ReferralCue(r.txt):
			w = hp.refNegWeight
			neg++
		default:
			continue
		}
		fs := m.ReferralFeatures(r.txt, r.lang, m.Scores(r.txt, r.lang), nil)
		samples = append(samples, sample{feats: fs, y: y, weight: float32(w)})
	}
	logf("referral: %d training examples (%d yes, %d public negatives)", len(samples), int(yes), neg)
	l := newLinear(uint(hp.ref.Bits), 2)
	if len(samples) == 0 {
		return l
	}
	cfg := hp.refSGD
	cfg.Progress = func(e int, loss float64) {
		if e == cfg.Epochs {
			logf("referral: epoch %d loss %.4f", e, loss)
		}
	}
	l.fit(samples, cfg)
	return l
}

// evaluateDev scores the model on each development set and logs it.
func evaluateDev(m *sentiment.Builder, rows []row, corpora []Corpus, rep *TrainReport, logf func(string, ...any)) {
	type acc struct{ gold, pred []core.Label }
	per := map[string]*acc{}
	var names []string
	var rg, rp []bool
	rgb, rpb := map[string][]bool{}, map[string][]bool{}
	rep.RefDevBy = map[string]PRF{}
	for _, r := range rows {
		if !r.dev {
			continue
		}
		name := "corrections"
		if r.corpus >= 0 {
			name = corpora[r.corpus].Name
		}
		if r.finglish {
			name += " (finglish)"
		}
		a := per[name]
		if a == nil {
			a = &acc{}
			per[name] = a
			names = append(names, name)
		}
		sc := m.Scores(r.txt, r.lang)
		l, _ := sc.Top()
		a.gold = append(a.gold, core.Labels[r.label])
		a.pred = append(a.pred, l)
		if r.label != 1 {
			// The same set scored as binary: neutral rows dropped and
			// predictions restricted to negative and positive.
			bn := name + " (binary)"
			b := per[bn]
			if b == nil {
				b = &acc{}
				per[bn] = b
				names = append(names, bn)
			}
			bl := core.LabelNegative
			if sc.Positive > sc.Negative {
				bl = core.LabelPositive
			}
			b.gold = append(b.gold, core.Labels[r.label])
			b.pred = append(b.pred, bl)
		}
		if r.referral != RefUnknown {
			p := m.Referral(r.txt, r.lang, sc) >= 0.5
			rg = append(rg, r.referral == RefYes)
			rp = append(rp, p)
			rgb[name] = append(rgb[name], r.referral == RefYes)
			rpb[name] = append(rpb[name], p)
		}
	}
	slices.Sort(names)
	for _, n := range names {
		mt := Score(per[n].gold, per[n].pred)
		rep.Dev[n] = mt
		logf("dev %-50s n %5d  acc %.3f  macro-F1 %.3f  macro-recall %.3f", n, mt.N, mt.Accuracy, mt.MacroF1, mt.MacroRecall)
	}
	if len(rg) > 0 {
		rep.RefDev = ScoreBinary(rg, rp)
		logf("dev referral n %d  P %.3f  R %.3f  F1 %.3f", len(rg), rep.RefDev.Precision, rep.RefDev.Recall, rep.RefDev.F1)
	}
	for _, n := range names {
		if g, ok := rgb[n]; ok {
			r := ScoreBinary(g, rpb[n])
			rep.RefDevBy[n] = r
			logf("dev referral %-40s n %4d  P %.3f  R %.3f  F1 %.3f", n, len(g), r.Precision, r.Recall, r.F1)
		}
	}
}

// tuneBias chooses, per language, offsets of the negative and positive
// logits (neutral stays at 0) that maximise a mix of macro-recall and
// macro-F1 (recallShare) over that language's three-class development sets.
// Macro-recall is what balanced decisions maximise whatever the class shares,
// which guards against the shift in shares between data sets (TweetEval's
// test has twice the negatives of its training split; brand mentions have
// more complaints than general tweets).
func tuneBias(m *sentiment.Builder, rows []row, corpora []Corpus, hp *hyper, logf func(string, ...any)) map[string][3]float64 {
	out := map[string][3]float64{}
	if hp.noBias {
		return out
	}
	type dz struct {
		z   [3]float64
		y   int
		set int
	}
	for _, lang := range []string{core.LangEnglish, core.LangPersian, core.LangFinglish} {
		var devs []dz
		sets := map[int]int{}
		labels := map[int]*[3]int{}
		for _, r := range rows {
			if !r.dev || r.lang != lang || r.corpus >= 0 && corpora[r.corpus].Weak {
				continue
			}
			set := r.corpus
			if _, ok := sets[set]; !ok {
				sets[set] = len(sets)
				labels[set] = &[3]int{}
			}
			labels[set][r.label]++
			var d dz
			m.SentimentLogits(r.txt, r.lang, &d.z)
			d.y, d.set = r.label, sets[set]
			devs = append(devs, d)
		}
		// Only sets with all three labels measure the trade-off.
		use := make([]bool, len(sets))
		n := 0
		for set, i := range sets {
			c := labels[set]
			use[i] = c[0] > 0 && c[1] > 0 && c[2] > 0
			if use[i] {
				n++
			}
		}
		if n == 0 {
			continue
		}
		// Sets weigh by the square root of their size: a 30-row set should
		// not count as much as a 2,000-row one.
		setW := make([]float64, len(sets))
		var wsum float64
		for set, i := range sets {
			if use[i] {
				c := labels[set]
				setW[i] = math.Sqrt(float64(c[0] + c[1] + c[2]))
			}
		}
		for _, w := range setW {
			wsum += w
		}
		for i := range setW {
			setW[i] /= wsum
		}
		lam := hp.recallShare[lang]
		score := func(bn, bp float64) float64 {
			conf := make([][3][3]int, len(sets))
			for _, d := range devs {
				if !use[d.set] {
					continue
				}
				z := [3]float64{d.z[0] + bn, d.z[1], d.z[2] + bp}
				p := 0
				if z[1] > z[p] {
					p = 1
				}
				if z[2] > z[p] {
					p = 2
				}
				conf[d.set][d.y][p]++
			}
			var total float64
			for i, c := range conf {
				if !use[i] {
					continue
				}
				var f float64
				for l := range 3 {
					tp := c[l][l]
					var pred, gold int
					for k := range 3 {
						pred += c[k][l]
						gold += c[l][k]
					}
					r := prf(tp, pred, gold)
					f += lam*r.Recall + (1-lam)*r.F1
				}
				total += setW[i] * f / 3
			}
			return total
		}
		best := score(0, 0)
		bb := [3]float64{}
		base := best
		for i := -10; i <= 10; i++ {
			for j := -10; j <= 10; j++ {
				bn, bp := float64(i)/10, float64(j)/10
				if v := score(bn, bp); v > best+1e-9 {
					best, bb = v, [3]float64{bn, 0, bp}
				}
			}
		}
		// The logits are divided by the temperature after the bias.
		out[lang] = bb
		logf("bias %s: negative %+.1f positive %+.1f (dev score %.3f -> %.3f over %d sets)", lang, bb[0], bb[2], base, best, n)
	}
	return out
}

// tuneRefBias chooses the offset of the referral logit that maximises the
// mean F1 over the development sets with referral labels.
func tuneRefBias(m *sentiment.Builder, rows []row, logf func(string, ...any)) float64 {
	type dz struct {
		z   float64
		y   bool
		set int
	}
	var devs []dz
	sets := map[int]int{}
	for _, r := range rows {
		if !r.dev || r.referral == RefUnknown {
			continue
		}
		if _, ok := sets[r.corpus]; !ok {
			sets[r.corpus] = len(sets)
		}
		z := m.ReferralLogit(r.txt, r.lang, m.Scores(r.txt, r.lang))
		devs = append(devs, dz{z: z, y: r.referral == RefYes, set: sets[r.corpus]})
	}
	if len(devs) == 0 {
		return 0
	}
	score := func(b float64) float64 {
		var total float64
		for set := range len(sets) {
			var g, p []bool
			for _, d := range devs {
				if d.set == set {
					g = append(g, d.y)
					p = append(p, d.z+b >= 0)
				}
			}
			total += ScoreBinary(g, p).F1
		}
		return total / float64(len(sets))
	}
	best, bb := score(0), 0.0
	base := best
	for i := 1; i <= 20; i++ { // nearest to zero wins a tie
		for _, b := range []float64{float64(i) / 10, -float64(i) / 10} {
			if v := score(b); v > best+1e-9 {
				best, bb = v, b
			}
		}
	}
	logf("referral bias %+.1f (dev F1 %.3f -> %.3f over %d sets)", bb, base, best, len(sets))
	return bb
}

// priorBias returns, per language, the logit offsets that remove the class
// shares of the weighted training rows: b_c = log(share_neutral/share_c).
func priorBias(rows []row, use func(row) bool, logf func(string, ...any)) map[string][3]float64 {
	out := map[string][3]float64{}
	for _, lang := range []string{core.LangEnglish, core.LangPersian, core.LangFinglish} {
		var mass [3]float64
		for _, r := range rows {
			if use(r) && r.lang == lang {
				mass[r.label] += r.weight
			}
		}
		if mass[0] == 0 || mass[1] == 0 || mass[2] == 0 {
			continue
		}
		b := [3]float64{detLog(mass[1] / mass[0]), 0, detLog(mass[1] / mass[2])}
		for i := range b {
			b[i] = math.Round(b[i]*1000) / 1000
		}
		out[lang] = b
		logf("bias %s (class shares): negative %+.3f positive %+.3f", lang, b[0], b[2])
	}
	return out
}
