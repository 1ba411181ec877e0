// Package sentiment understands one social-media mention written in Persian,
// English or Finglish (Persian in Latin letters): it normalises the text,
// identifies its language, decides whether the author is negative, neutral or
// positive about the brand, and whether they recommend the brand to others.
//
// The pieces, from the bottom up:
//
//   - Fold is the matching normalisation the brand matcher uses: lower case,
//     one form per Persian letter, ASCII digits, no diacritics or invisible
//     characters, elongation squeezed.
//   - Normalize goes further for the model: URLs, @handles and hashtags become
//     tokens, punctuation and emoji are split off, Persian verb prefixes and
//     plural suffixes are joined to their word.
//   - Model.DetectLanguage decides between fa, en, fi, ar and other: script
//     rules first; for Latin text a trained detector of other languages
//     (English / Finglish / other, model/latin.model) and a trained
//     Finglish/English scorer.
//   - Model.Analyze runs the sentiment and referral classifiers. Both are
//     linear models over hashed word and character n-grams with lexicon,
//     negation and emoji features, embedded in the binary; see MODEL.md for
//     the data, the licences and the scores.
//
// This package is what runs in the daemon. Training, the corpora, evaluation
// and Finglish transliteration are offline tools in sentiment/lab, which
// assembles model files through Builder so that it computes every feature
// exactly as Analyze does.
package sentiment
