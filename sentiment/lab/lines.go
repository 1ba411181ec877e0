package lab

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// MaxLineBytes is the longest input line the CLI and ReadTSV accept; a
// longer line is skipped and reported, never a reason to stop.
const MaxLineBytes = 1 << 20

// LongLine is an input line longer than the limit, skipped.
type LongLine struct {
	Line  int // 1-based line number
	Bytes int // its length without the line ending
}

func (l LongLine) String() string {
	return fmt.Sprintf("line %d: %d bytes, longer than the limit of %d: skipped", l.Line, l.Bytes, MaxLineBytes)
}

// EachLine calls fn with every line of r (without "\n" or "\r\n") and its
// 1-based number. Lines longer than limit bytes are not passed to fn: they
// are read to their end, counted and given to long (when not nil), and
// reading goes on with the next line. An error from fn stops the loop and
// is returned.
func EachLine(r io.Reader, limit int, fn func(n int, line string) error, long func(LongLine)) error {
	br := bufio.NewReaderSize(r, 64*1024)
	var buf []byte
	n := 0
	for {
		buf = buf[:0]
		size := 0
		tooLong := false
		var err error
		for {
			var frag []byte
			frag, err = br.ReadSlice('\n')
			size += len(frag)
			if !tooLong {
				if len(buf)+len(frag) > limit+2 { // room for "\r\n"
					tooLong = true
					buf = buf[:0]
				} else {
					buf = append(buf, frag...)
				}
			}
			if !errors.Is(err, bufio.ErrBufferFull) {
				break
			}
		}
		if size == 0 && err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		n++
		if tooLong {
			if err == nil {
				size-- // the "\n"
			}
			if long != nil {
				long(LongLine{Line: n, Bytes: size})
			}
		} else {
			line := bytes.TrimSuffix(buf, []byte("\n"))
			line = bytes.TrimSuffix(line, []byte("\r"))
			if len(line) > limit {
				if long != nil {
					long(LongLine{Line: n, Bytes: len(line)})
				}
			} else if ferr := fn(n, string(line)); ferr != nil {
				return ferr
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}
