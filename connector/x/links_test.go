package x

import "testing"

func TestFindLink(t *testing.T) {
	tests := []struct{ text, want string }{
		{"Thank you, {author}! 🙏", ""},
		{"Thanks {author}! Menu: https://shenava.example/menu", "https://shenava.example/menu"},
		{"{author} عزیز، منوی ما: www.shenava.ir", "www.shenava.ir"},
		{"Order at shenava.com/order today", "shenava.com/order"},
		{"Thanks, {author}. See you soon.", ""},
		{"3.5 stars? We'll do better.", ""},
	}
	for _, tt := range tests {
		if got := FindLink(tt.text); got != tt.want {
			t.Errorf("FindLink(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}
