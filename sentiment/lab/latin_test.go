package lab

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shenava/shenava/sentiment"
)

// writeMO builds a compiled gettext catalogue holding pairs, with the
// header entry first as msgfmt writes it.
func writeMO(t *testing.T, bo binary.ByteOrder, pairs [][2]string) []byte {
	t.Helper()
	pairs = append([][2]string{{"", "Content-Type: text/plain; charset=UTF-8\n"}}, pairs...)
	n := len(pairs)
	const head = 28
	origAt, transAt := head, head+8*n
	strAt := transAt + 8*n
	var strs bytes.Buffer
	tables := make([]byte, 16*n)
	for col := range 2 {
		for i, p := range pairs {
			at := 8*i + 8*n*col
			bo.PutUint32(tables[at:], uint32(len(p[col])))
			bo.PutUint32(tables[at+4:], uint32(strAt+strs.Len()))
			strs.WriteString(p[col])
			strs.WriteByte(0)
		}
	}
	b := make([]byte, head)
	bo.PutUint32(b, 0x950412de)
	bo.PutUint32(b[8:], uint32(n))
	bo.PutUint32(b[12:], uint32(origAt))
	bo.PutUint32(b[16:], uint32(transAt))
	b = append(b, tables...)
	return append(b, strs.Bytes()...)
}

func TestParseMO(t *testing.T) {
	t.Parallel()
	pairs := [][2]string{
		{"file not found", "Datei nicht gefunden"},
		{"menu\x04Open", "Öffnen"},                        // a message context
		{"%d file\x00%d files", "%d Datei\x00%d Dateien"}, // plural forms
		{"cannot remove %s", "%s kann nicht entfernt werden"},
	}
	want := [][2]string{
		{"file not found", "Datei nicht gefunden"},
		{"Open", "Öffnen"},
		{"%d file", "%d Datei"},
		{"cannot remove %s", "%s kann nicht entfernt werden"},
	}
	for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		got, err := parseMO(writeMO(t, bo, pairs))
		if err != nil {
			t.Fatalf("%v: parseMO()=%v", bo, err)
		}
		if len(got) != len(want) {
			t.Fatalf("%v: got %q, want %q", bo, got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%v: pair %d = %q, want %q", bo, i, got[i], want[i])
			}
		}
	}
	good := writeMO(t, binary.LittleEndian, pairs)
	for name, b := range map[string][]byte{
		"Empty":       nil,
		"BadMagic":    append([]byte("not a catalogue at all, sorry"), good[28:]...),
		"Truncated":   good[:40],
		"HugeCount":   append(append(append([]byte{}, good[:8]...), 0xff, 0xff, 0xff, 0x7f), good[12:]...),
		"BadStrTable": append(append(append([]byte{}, good[:12]...), 0xff, 0xff, 0xff, 0x0f), good[16:]...),
	} {
		if _, err := parseMO(b); !errors.Is(err, errBadMO) {
			t.Errorf("%s: parseMO()=%v, want errBadMO", name, err)
		}
	}
}

func TestCleanMessage(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"Datei nicht gefunden", "Datei nicht gefunden"},
		{"%s: Datei %1$s nicht gefunden\n", ": Datei nicht gefunden"},
		{"_Öffnen Sie die &Datei", "Öffnen Sie die Datei"},
		{"Aufruf: %s [OPTION]... DATEI...\n", ""}, // one word left
		{"Aufruf: %s [OPTION]... DATEI... um Dateien zu kopieren\n", "Aufruf: ... ... um Dateien zu kopieren"},
		{"die Option --verbose ist ungültig", "die Option ist ungültig"},
		{"kann /etc/passwd nicht lesen", "kann nicht lesen"},
		{"`%s' nicht gefunden", "nicht gefunden"},
		{"%d", ""},
		{"OK", ""},
	}
	for _, tt := range tests {
		if got := cleanMessage(tt.in); got != tt.want {
			t.Errorf("cleanMessage(%q)=%q, want %q", tt.in, got, tt.want)
		}
	}
}

// smallLatinConfig trains on the project's own sets and a few generated
// catalogues, with a small table, in a second or two.
func smallLatinConfig(t *testing.T) LatinConfig {
	t.Helper()
	cat := t.TempDir()
	msgs := map[string][][2]string{
		"de": {{"file not found", "Datei nicht gefunden"}, {"cannot open the archive", "Das Archiv kann nicht geöffnet werden"},
			{"write error on the disk", "Schreibfehler auf der Festplatte"}, {"memory exhausted, try again", "Speicher erschöpft, bitte erneut versuchen"}},
		"fr": {{"file not found", "fichier introuvable"}, {"cannot open the archive", "impossible d'ouvrir l'archive"},
			{"write error on the disk", "erreur d'écriture sur le disque"}, {"memory exhausted, try again", "mémoire épuisée, réessayez"}},
		"az":    {{"file not found", "fayl tapılmadı"}}, // left out: shares Persian words
		"en_GB": {{"colour of the window", "colour of the window"}},
	}
	for lang, pairs := range msgs {
		dir := filepath.Join(cat, lang, "LC_MESSAGES")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, domain := range []string{"coreutils", "not-a-core-tool"} {
			if err := os.WriteFile(filepath.Join(dir, domain+".mo"), writeMO(t, binary.LittleEndian, pairs), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	hp := defaultLatinHyper()
	hp.features.Bits = 12
	hp.finglish = 200
	return LatinConfig{
		DataRoot: t.TempDir(),
		RepoRoot: moduleRoot(t),
		Catalogs: cat,
		Corpora: []Corpus{
			{Name: "brand/train", Path: "sentiment/testdata/brand/train.tsv", Repo: true},
			{Name: "brand/dev", Path: "sentiment/testdata/brand/dev.tsv", Repo: true, Dev: true},
		},
		hp: hp,
	}
}

func TestTrainLatin_Deterministic(t *testing.T) {
	t.Parallel()
	cfg := smallLatinConfig(t)
	var log bytes.Buffer
	cfg.Log = &log
	a, rep, err := TrainLatin(context.Background(), cfg)
	if err != nil {
		t.Fatalf("TrainLatin()=%v, want nil", err)
	}
	cfg2 := smallLatinConfig(t)
	b, _, err := TrainLatin(context.Background(), cfg2)
	if err != nil {
		t.Fatalf("second TrainLatin()=%v, want nil", err)
	}
	if !bytes.Equal(a, b) {
		t.Fatalf("two training runs differ (%d and %d bytes)", len(a), len(b))
	}
	if !strings.HasPrefix(rep.Name, LatinVersion+"-") {
		t.Errorf("Name=%q, want prefix %q", rep.Name, LatinVersion+"-")
	}
	// Only the core tools' catalogues count, and neither English nor
	// Azerbaijani is "other".
	if got := rep.Rows["other"]; got != 8 {
		t.Errorf("other rows=%d, want 8 (the German and French coreutils messages)\n%s", got, log.String())
	}
	if !strings.Contains(log.String(), "catalogues: 4 files") {
		t.Errorf("log lacks the catalogue count:\n%s", log.String())
	}
	if rep.Rows["en"] == 0 || rep.Rows["fi"] == 0 {
		t.Errorf("rows=%v, want English and Finglish rows", rep.Rows)
	}
	if err := sentiment.ValidateLatin(a); err != nil {
		t.Fatalf("ValidateLatin(trained)=%v, want nil", err)
	}
}

func TestTrainLatin_NoCatalogs(t *testing.T) {
	t.Parallel()
	cfg := smallLatinConfig(t)
	cfg.Catalogs = t.TempDir()
	if _, _, err := TrainLatin(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "no coreutils.mo") {
		t.Fatalf("TrainLatin(no catalogues)=%v, want an error naming the missing files", err)
	}
}

// TestTrainLatin_Shipped retrains the shipped Latin-script detector from
// ../shared/data and the Debian catalogues under /usr/share/locale (see
// MODEL.md for the package versions) and compares it byte for byte:
//
//	SHENAVA_RETRAIN=1 go test ./sentiment/lab -run TestTrainLatin_Shipped -v
func TestTrainLatin_Shipped(t *testing.T) {
	t.Parallel()
	if os.Getenv("SHENAVA_RETRAIN") == "" {
		t.Skip("set SHENAVA_RETRAIN=1 to retrain the shipped Latin-script detector and compare it byte for byte")
	}
	data := MustSharedData(t)
	repo := moduleRoot(t)
	shipped, err := os.ReadFile(filepath.Join(repo, "sentiment", "model", "latin.model"))
	if err != nil {
		t.Fatal(err)
	}
	b, rep, err := TrainLatin(context.Background(), LatinConfig{DataRoot: data, RepoRoot: repo, Catalogs: "/usr/share/locale"})
	if err != nil {
		t.Fatalf("TrainLatin()=%v, want nil", err)
	}
	if !bytes.Equal(b, shipped) {
		t.Fatalf("retrained detector %s (%d bytes, catalogues %s) differs from the shipped one (%d bytes)",
			rep.Name, len(b), rep.CatalogDigest, len(shipped))
	}
}

// TestShippedModels_TrainedOnTheDataInTheTree fails when the training data
// (the project's own rows above all) changed after the shipped models were
// trained: they would no longer rebuild bit for bit. Retraining both with
// the commands in MODEL.md records the new data's digest.
func TestShippedModels_TrainedOnTheDataInTheTree(t *testing.T) {
	t.Parallel()
	data := MustSharedData(t)
	repo := moduleRoot(t)
	want, err := DataDigest(data, repo)
	if err != nil {
		t.Fatal(err)
	}
	for model, cmd := range map[string]string{
		"sentiment": "shenava train -out sentiment/model",
		"latin":     "shenava train -langid -out sentiment/model",
	} {
		got, err := ReadDataDigest(filepath.Join(repo, "sentiment", "model", model+".data"))
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("sentiment/model/%s.model was trained on other data than the tree holds (recorded %q, now %s): retrain it with `%s`",
				model, got, want, cmd)
		}
	}
}
