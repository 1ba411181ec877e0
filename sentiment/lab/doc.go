// Package lab holds the offline side of the sentiment model: the training
// corpora and their licences (DefaultCorpora, TestSets), reading labelled TSV
// sets, Train, which rebuilds the shipped model bit for bit, Evaluate and the
// metrics behind `shenava eval` and the model card, and Transliterate, which
// writes Persian the way people type it in Latin letters to make Finglish
// training rows. Its spelling table is finglish.txt, embedded.
//
// Nothing here runs in the daemon; package sentiment is the runtime.
package lab
