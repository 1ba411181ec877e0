package lab

import (
	"strings"
	"testing"
)

func TestEachLine(t *testing.T) {
	const limit = 8
	tests := []struct {
		name, in  string
		wantLines []string
		wantNums  []int
		wantLong  []LongLine
	}{
		{"Plain", "a\nbb\n", []string{"a", "bb"}, []int{1, 2}, nil},
		{"NoFinalNewline", "a\nbb", []string{"a", "bb"}, []int{1, 2}, nil},
		{"CRLF", "a\r\nbb\r\n", []string{"a", "bb"}, []int{1, 2}, nil},
		{"AtLimit", "12345678\n", []string{"12345678"}, []int{1}, nil},
		{"LongSkipped", "a\n123456789\nc\n", []string{"a", "c"}, []int{1, 3}, []LongLine{{2, 9}}},
		{"VeryLongSkipped", "a\n" + strings.Repeat("x", 200000) + "\nc", []string{"a", "c"}, []int{1, 3}, []LongLine{{2, 200000}}},
		{"LongLast", "a\n" + strings.Repeat("x", 20), []string{"a"}, []int{1}, []LongLine{{2, 20}}},
		{"Empty", "", nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var lines []string
			var nums []int
			var long []LongLine
			err := EachLine(strings.NewReader(tt.in), limit, func(n int, l string) error {
				lines = append(lines, l)
				nums = append(nums, n)
				return nil
			}, func(l LongLine) { long = append(long, l) })
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(lines, "|") != strings.Join(tt.wantLines, "|") || len(nums) != len(tt.wantNums) {
				t.Fatalf("lines %q %v, want %q %v", lines, nums, tt.wantLines, tt.wantNums)
			}
			for i := range nums {
				if nums[i] != tt.wantNums[i] {
					t.Errorf("numbers %v, want %v", nums, tt.wantNums)
				}
			}
			if len(long) != len(tt.wantLong) {
				t.Fatalf("long %v, want %v", long, tt.wantLong)
			}
			for i := range long {
				if long[i] != tt.wantLong[i] {
					t.Errorf("long %v, want %v", long, tt.wantLong)
				}
			}
		})
	}
}
