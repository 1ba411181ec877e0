package e2e

import (
	"os"
	"testing"
)

// maxBinaryBytes is the most the stripped binary may weigh (40 MB). What
// used to push it over: a dependency that embeds large data (lingua-go's
// 75 language models), and anything in the program calling
// reflect.Value.Method or MethodByName with a name not known at compile
// time (html/template's and text/template's executor does), which makes
// the linker keep every exported method of every type, tens of megabytes
// with github.com/gotd/td's generated MTProto types. `go build
// -ldflags=-dumpdep ./cmd/shenava 2>&1 | grep ReflectMethod` names such a
// caller.
const maxBinaryBytes = 40_000_000

func TestBinarySize(t *testing.T) {
	fi, err := os.Stat(mustBinary(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("stripped binary: %d bytes", fi.Size())
	if fi.Size() > maxBinaryBytes {
		t.Fatalf("the stripped binary is %d bytes, over %d", fi.Size(), maxBinaryBytes)
	}
}
