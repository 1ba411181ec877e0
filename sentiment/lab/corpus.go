package lab

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// Corpus is one training file and how training uses it.
type Corpus struct {
	// Name identifies the set in progress output and the model card.
	Name string
	// Path is relative to the data root (../shared/data) or, with Repo, to
	// the module root; absolute paths are used as they are.
	Path string
	Repo bool
	// Lang is the language of every row ("en", "fa") or "" to take it from
	// the lang column, or from the script when there is none.
	Lang string
	// Weight multiplies every row's weight (1 when zero).
	Weight float64
	// Finglish is the share of Persian rows that are also added in a
	// transliterated Finglish spelling.
	Finglish float64
	// License and Commercial describe the licence; Train with
	// Commercial set uses only sets whose licence allows commercial use.
	License    string
	Commercial bool
	// Dev marks a development split: used to calibrate and to report
	// progress, never to fit weights.
	Dev bool
	// Weak marks weakly labelled sets: trained on, but never used to
	// calibrate or tune the decision biases.
	Weak bool
	// Drop lists labels whose rows are left out (weak labels that mean
	// something else, e.g. Digikala's "no idea" is not "neutral").
	Drop []string
	// DevShare holds out this share of the rows (chosen by a hash of the
	// text) as development data.
	DevShare float64
}

// DefaultCorpora is the training data of the shipped model: every train split
// and every all.tsv set that no bar uses (sanders, digikala, the UCI review
// sentences), plus the project's own brand and referral sets. Test-only sets
// (airline-tweets, sentiment140-test, vader-*) and every test split are never
// trained on; their texts are also removed from the training sets (see
// TestSets).
func DefaultCorpora() []Corpus {
	const (
		nc     = "CC BY-NC-SA 4.0 (non-commercial)"
		resrch = "no licence stated (research use)"
		own    = "Shenava's own (same licence as the code)"
	)
	cs := []Corpus{
		{Name: "tweeteval-sentiment/train", Path: "sentiment/tweeteval-sentiment/train.tsv", Lang: "en", Weight: 1,
			License: "SemEval/Twitter terms (research use)"},
		{Name: "tweeteval-sentiment/dev", Path: "sentiment/tweeteval-sentiment/dev.tsv", Lang: "en", Dev: true,
			License: "SemEval/Twitter terms (research use)"},
		{Name: "sanders-brand-tweets", Path: "sentiment/sanders-brand-tweets/all.tsv", Lang: "en", Weight: 0.5,
			License: resrch, DevShare: 0.1},
		{Name: "uci/amazon", Path: "sentiment/uci-sentiment-labelled-sentences/amazon.tsv", Lang: "en", Weight: 0.5,
			License: "CC BY 4.0", Commercial: true, DevShare: 0.1},
		{Name: "uci/yelp", Path: "sentiment/uci-sentiment-labelled-sentences/yelp.tsv", Lang: "en", Weight: 0.5,
			License: "CC BY 4.0", Commercial: true, DevShare: 0.1},
		{Name: "uci/imdb", Path: "sentiment/uci-sentiment-labelled-sentences/imdb.tsv", Lang: "en", Weight: 0.5,
			License: "CC BY 4.0", Commercial: true, DevShare: 0.1},
		{Name: "deepsentipers/train", Path: "sentiment/deepsentipers/train.tsv", Lang: "fa", Weight: 2, Finglish: 0.5,
			License: resrch, DevShare: 0.1},
		{Name: "sentipers/train_excluding_deepsentipers_test", Path: "sentiment/sentipers/train_excluding_deepsentipers_test.tsv",
			Lang: "fa", Weight: 1, Finglish: 0.3, License: resrch, DevShare: 0.1},
		{Name: "armanemo-sentiment/train", Path: "sentiment/armanemo-sentiment/train.tsv", Lang: "fa", Weight: 4, Finglish: 1,
			License: nc, DevShare: 0.1},
		{Name: "parsinlu-sentiment/train", Path: "sentiment/parsinlu-sentiment/train.tsv", Lang: "fa", Weight: 0.7, Finglish: 0.5,
			License: nc},
		{Name: "parsinlu-sentiment/dev", Path: "sentiment/parsinlu-sentiment/dev.tsv", Lang: "fa", Dev: true, License: nc},
		{Name: "digikala-comments-weak", Path: "sentiment/digikala-comments-weak/all.tsv", Lang: "fa", Weight: 0.25, Finglish: 0.5,
			License: "unknown (research use)", DevShare: 0.1, Weak: true},
		{Name: "brand/train", Path: "sentiment/testdata/brand/train.tsv", Repo: true, Weight: 2, Finglish: 0,
			License: own, Commercial: true, DevShare: 0.2},
		{Name: "brand/dev", Path: "sentiment/testdata/brand/dev.tsv", Repo: true, Weight: 3, Finglish: 0.5,
			License: own, Commercial: true, DevShare: 1},
	}
	// The project's own brand sets, in training order: training sets with
	// a share held out, the tuning sets (weight 0: never trained on) and
	// the sets read in earlier rounds, trained on in full.
	brand := func(name string, weight, devShare float64) Corpus {
		return Corpus{Name: "brand/" + name, Path: "sentiment/testdata/brand/" + name + ".tsv", Repo: true,
			Weight: weight, Dev: weight == 0, DevShare: devShare, License: own, Commercial: true}
	}
	cs = append(cs, brand("train2", 4, 0.2), brand("dev2", 0, 0), brand("train3", 4, 0.2))
	for i := 3; i <= 12; i++ {
		cs = append(cs, brand(fmt.Sprintf("dev%d", i), 4, 0))
	}
	cs = append(cs, brand("dev13", 0, 0), brand("dev14", 0, 0))
	for i := 5; i <= 8; i++ {
		cs = append(cs, brand(fmt.Sprintf("train%d", i), 2, 0.2))
	}
	return append(cs,
		Corpus{Name: "referral/train", Path: "sentiment/testdata/referral/train.tsv", Repo: true, Weight: 1, Finglish: 1,
			License: own, Commercial: true, DevShare: 0.25},
		Corpus{Name: "referral/train2", Path: "sentiment/testdata/referral/train2.tsv", Repo: true, Weight: 1, Finglish: 0.5,
			License: own, Commercial: true, DevShare: 0.25},
	)
}

// TestSets lists the evaluation files whose texts are removed from every
// training set before training, relative to the data root (or with Repo, to
// the module root).
func TestSets() []Corpus {
	return []Corpus{
		{Name: "tweeteval-sentiment/test", Path: "sentiment/tweeteval-sentiment/test.tsv"},
		{Name: "deepsentipers/test", Path: "sentiment/deepsentipers/test.tsv"},
		{Name: "armanemo-sentiment/test", Path: "sentiment/armanemo-sentiment/test.tsv"},
		{Name: "parsinlu-sentiment/test", Path: "sentiment/parsinlu-sentiment/test.tsv"},
		{Name: "sentiment140-test", Path: "sentiment/sentiment140-test/test.tsv"},
		{Name: "airline-tweets", Path: "sentiment/airline-tweets/all.tsv"},
		{Name: "vader-tweets", Path: "sentiment/vader-tweets/test.tsv"},
		{Name: "vader-amazon-snippets", Path: "sentiment/vader-amazon-snippets/test.tsv"},
		{Name: "vader-movie-snippets", Path: "sentiment/vader-movie-snippets/test.tsv"},
		{Name: "finglish/test", Path: "sentiment/testdata/finglish/test.tsv", Repo: true},
		{Name: "brand/test", Path: "sentiment/testdata/brand/test.tsv", Repo: true},
		{Name: "brand/test2", Path: "sentiment/testdata/brand/test2.tsv", Repo: true},
		{Name: "brand/test15", Path: "sentiment/testdata/brand/test15.tsv", Repo: true},
		{Name: "brand/test16", Path: "sentiment/testdata/brand/test16.tsv", Repo: true},
		{Name: "referral/test", Path: "sentiment/testdata/referral/test.tsv", Repo: true},
	}
}

// resolve returns the file path of c.
func (c Corpus) resolve(dataRoot, repoRoot string) string {
	if filepath.IsAbs(c.Path) {
		return c.Path
	}
	if c.Repo {
		return filepath.Join(repoRoot, filepath.FromSlash(c.Path))
	}
	return filepath.Join(dataRoot, filepath.FromSlash(c.Path))
}

// ParseCorpusList parses the -data flag of `shenava train`: comma-separated
// entries, each a TSV path with optional settings after colons, e.g.
// "a.tsv,b.tsv:weight=0.3:lang=fa:finglish=0.5:dev". Rows take their
// language from the lang setting, the file's lang column or the script.
func ParseCorpusList(s string) ([]Corpus, error) {
	var cs []Corpus
	for entry := range strings.SplitSeq(s, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		parts := strings.Split(entry, ":")
		c := Corpus{Name: parts[0], Path: parts[0], Weight: 1, License: "given on the command line"}
		for _, p := range parts[1:] {
			k, v, _ := strings.Cut(p, "=")
			var err error
			switch k {
			case "weight":
				c.Weight, err = strconv.ParseFloat(v, 64)
			case "finglish":
				c.Finglish, err = strconv.ParseFloat(v, 64)
			case "devshare":
				c.DevShare, err = strconv.ParseFloat(v, 64)
			case "lang":
				c.Lang = v
			case "dev":
				c.Dev = true
			case "commercial":
				c.Commercial = true
			default:
				err = fmt.Errorf("unknown setting %q (want weight, finglish, devshare, lang, dev or commercial)", k)
			}
			if err != nil {
				return nil, fmt.Errorf("sentiment: -data %q: %w", entry, err)
			}
		}
		cs = append(cs, c)
	}
	if len(cs) == 0 {
		return nil, fmt.Errorf("sentiment: -data %q: no files", s)
	}
	return cs, nil
}
