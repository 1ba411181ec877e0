package sentiment

import "testing"

func TestComplaintCues(t *testing.T) {
	tests := []struct {
		text string
		want []uint16
	}{
		{"ممنون کافه شنوا که دو ساعت منتظرم گذاشتی 👏", []uint16{cuePraise | cueFail | cueIrony}},
		{"Great, another 40 minute wait at Shenava. Love that for me.", []uint16{cuePraise | cueFail | cueAgain}},
		{"mersi shenava ke 1 saat mano moatal kardi 👏👏", []uint16{cuePraise | cueFail | cueIrony}},
		{"your website's order page has been throwing a 502 since this morning", []uint16{cueOutage}},
		{"اپ کافه شنوا از دیشب باز نمیشه، فقط من اینطوریم؟", []uint16{cueOutage | cueQuestion}},
		{"app e shenava az dishab baz nemishe, ki dorostesh mikone?", []uint16{cueOutage | cueQuestion}},
		{"😡👎 @shenava", []uint16{cueAnger}},
		{"با سلام و احترام، اینترنت از دیروز قطعه لطفا رسیدگی کنید", []uint16{cuePolite | cueOutage}},
		{"I'm uninstalling, avoid them", []uint16{cueLeave}},
		{"kasi dige ham avanet ro nadare? ya faghat man?", []uint16{cueOutage | cueQuestion}},
		{"شبکان مشتری براتون ارزشی داره؟", []uint16{cueRhetoric | cueQuestion}},
		{"so thrilled the price went up again 👌", []uint16{cueFail | cueAgain | cueIrony}},
		{"called me back, refunded the order and sent a fresh one. Thank you! 🙏", []uint16{cueResolved | cuePraise | cueIrony}},
		{"مرسی بانک ارغوان، مشکل کارتم تو یه تماس حل شد", []uint16{cueResolved | cuePraise}},
	}
	for _, tt := range tests {
		c := complaintCues(tokenize(tt.text))
		for _, w := range tt.want {
			if !c.has(w) {
				t.Errorf("complaintCues(%q)=%b, want bits %b", tt.text, c.bits, w)
			}
		}
	}
	for _, text := range []string{"no outages since I switched to Shabakan", "آوانت این ماه هیچ مشکلی نداشتم، دستتون درد نکنه",
		"az vaghti shabakan gereftam dige ghat nadaram"} {
		if c := complaintCues(tokenize(text)); !c.has(cueNoProblem) || c.bits&(cueFail|cueOutage) != 0 {
			t.Errorf("complaintCues(%q)=%b, want no-problem and no failure", text, c.bits)
		}
	}
	// A failure word in a benign context (a time of day, opening hours,
	// amazement, a neutral noun) is no failure, so praise next to it is
	// not sarcasm; the same word as a failure still is.
	for _, text := range []string{"Late-night thought: the playlist is better than mine 🤌",
		"so pretty I kept mine 🥹", "تنورک ساعت ۲ شب غذا گرم رسید 👌", "Avanet has signal even in my grandma's village",
		"anten e avanet too roosta ham hast, bavaram nemishe", "love that they're open late"} {
		if c := complaintCues(tokenize(text)); c.bits&(cueFail|cueOutage) != 0 {
			t.Errorf("complaintCues(%q)=%b, want no failure or outage", text, c.bits)
		}
	}
	for _, text := range []string{"great, delivered 2 hours late 👏", "۲ ساعت منتظر موندم، مرسی 👏",
		"kept me on hold for an hour, amazing", "no signal for three days, thanks a lot", "the line was out the door, love it"} {
		if c := complaintCues(tokenize(text)); !c.has(cueFail) {
			t.Errorf("complaintCues(%q)=%b, want a failure", text, c.bits)
		}
	}
	if c := complaintCues(tokenize("not great at all")); !c.negPraise || c.has(cuePraise) {
		t.Errorf("not great: %+v, want negated praise", c)
	}
	if c := complaintCues(tokenize("😡🤬")); c.words != 0 || !c.has(cueAnger) {
		t.Errorf("emoji only: %+v", c)
	}
	var names []string
	complaintCues(tokenize("😡👎")).features(func(n string) { names = append(names, n) })
	if len(names) == 0 || names[len(names)-1] != "cue:anger-only" {
		t.Errorf("features(😡👎)=%q, want cue:anger-only last", names)
	}
}
