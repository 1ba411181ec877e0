package e2e

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/shenava/shenava/internal/modroot"
)

// maxBinaryBytes is the most the stripped binary may weigh (40 MB). What
// pushed it over before: a dependency that embeds large data (lingua-go's
// 75 language models), and anything in the program calling
// reflect.Value.Method or MethodByName with a name not known at compile
// time, which makes the linker keep every exported method of every type:
// tens of megabytes with github.com/gotd/td's generated MTProto types.
// `go build -ldflags=-dumpdep ./cmd/shenava 2>&1 | grep ReflectMethod`
// names such a caller.
const maxBinaryBytes = 40_000_000

func TestBinarySize(t *testing.T) {
	// text/template's executor (under html/template too) is such a
	// caller; the pages are written with internal/safehtml instead.
	root, err := modroot.Find()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "list", "-deps", "./cmd/shenava")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	if deps := strings.Fields(string(out)); slices.Contains(deps, "text/template") {
		t.Errorf("cmd/shenava links text/template, whose executor calls methods by name: find the importer with `go list -deps -f '{{.ImportPath}} {{.Imports}}' ./cmd/shenava | grep template`")
	}

	fi, err := os.Stat(mustBinary(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("stripped binary: %d bytes", fi.Size())
	if fi.Size() > maxBinaryBytes {
		t.Fatalf("the stripped binary is %d bytes, over %d", fi.Size(), maxBinaryBytes)
	}
}
