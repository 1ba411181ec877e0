package digest

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/shenava/shenava/internal/goldentest"
)

// fortnight is HistoryDays days ending with theDay, with mentions from f.
func fortnight(f func(i int) DayLabels) []DayLabels {
	var days []DayLabels
	for i := range HistoryDays {
		d := f(i)
		d.Day = theDay.AddDate(0, 0, i-HistoryDays+1)
		days = append(days, d)
	}
	return days
}

// decode checks b is a ChartWidth×ChartHeight PNG and counts its colours.
func decode(t *testing.T, b []byte) (image.Image, map[color.RGBA]int) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("png.Decode: %v", err)
	}
	if got := img.Bounds().Size(); got.X != ChartWidth || got.Y != ChartHeight {
		t.Fatalf("chart is %dx%d, want %dx%d", got.X, got.Y, ChartWidth, ChartHeight)
	}
	counts := map[color.RGBA]int{}
	for y := 0; y < ChartHeight; y++ {
		for x := 0; x < ChartWidth; x++ {
			r, g, b, a := img.At(x, y).RGBA()
			counts[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), uint8(a >> 8)}]++
		}
	}
	return img, counts
}

func TestChart(t *testing.T) {
	t.Parallel()
	days := fortnight(func(i int) DayLabels {
		return DayLabels{Negative: 1 + i%3, Neutral: 2 + i%2, Positive: i % 5}
	})
	b, err := Chart(days)
	if err != nil {
		t.Fatal(err)
	}
	img, counts := decode(t, b)
	if len(counts) < 3 {
		t.Fatalf("chart has %d colours: blank", len(counts))
	}
	for name, c := range map[string]color.RGBA{"negative": colorNegative, "neutral": colorNeutral, "positive": colorPositive} {
		if counts[c] < 500 {
			t.Errorf("%s bars cover %d pixels, want a visible area", name, counts[c])
		}
	}
	if c := img.At(0, 0); c != (color.RGBA{0xff, 0xff, 0xff, 0xff}) {
		t.Errorf("background is %v, want white", c)
	}
	// The first day (1 negative, 2 neutral, 0 positive): negative at the
	// bottom, neutral on it.
	l := testLayout(t, days)
	x := l.bars[0].Min.X + l.bars[0].Dx()/2
	for _, tt := range []struct {
		v    int
		want color.RGBA
	}{{0, colorNegative}, {1, colorNeutral}, {2, colorNeutral}} {
		if got := img.At(x, l.yOf(tt.v)-1); got != tt.want {
			t.Errorf("first bar just above %d is %v, want %v", tt.v, got, tt.want)
		}
	}
	if got := img.At(x, l.yOf(3)-2); got == colorPositive || got == colorNeutral {
		t.Errorf("first bar reaches above its 3 mentions")
	}
	again, err := Chart(days)
	if err != nil || !bytes.Equal(b, again) {
		t.Fatalf("the same days drew different PNGs (err %v)", err)
	}
	goldenPNG(t, filepath.Join("testdata", "chart.golden.png"), b)
}

// goldenPNG compares b with the golden file at path byte for byte, or
// rewrites it with -update.
func goldenPNG(t *testing.T, path string, b []byte) {
	t.Helper()
	if goldentest.Updating() {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if bytes.Equal(b, want) {
		return
	}
	got := filepath.Join(t.TempDir(), filepath.Base(path))
	if err := os.WriteFile(got, b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Errorf("chart differs from %s (it is kept at %s; look at both, then run go test -update)", path, got)
}

// testLayout lays days out as Chart does.
func testLayout(t *testing.T, days []DayLabels) chartLayout {
	t.Helper()
	face, done, err := newFaces()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(done)
	return layOut(days, face)
}

// checkLayout checks the layout's texts are on the image and clear of one
// another and of the bars, and its y ticks whole, rising and few.
func checkLayout(t *testing.T, l chartLayout) {
	t.Helper()
	canvas := image.Rect(0, 0, ChartWidth, ChartHeight)
	texts := []placed{l.title, l.ylabel}
	texts = append(texts, l.yTicks...)
	texts = append(texts, l.days...)
	texts = append(texts, l.keys...)
	for i, a := range texts {
		if !a.rect.In(canvas) {
			t.Errorf("%q at %v is off the %v image", a.text, a.rect, canvas)
		}
		for _, b := range texts[i+1:] {
			if a.rect.Overlaps(b.rect) {
				t.Errorf("%q at %v overlaps %q at %v", a.text, a.rect, b.text, b.rect)
			}
		}
	}
	if len(l.ticks) < 2 || len(l.ticks) > maxYTicks+1 || l.ticks[0] != 0 || l.ticks[len(l.ticks)-1] != l.yMax {
		t.Errorf("y ticks %v up to %d, want 0 to the top in 1 to %d steps", l.ticks, l.yMax, maxYTicks)
	}
	for i := 2; i < len(l.ticks); i++ {
		if l.ticks[i]-l.ticks[i-1] != l.ticks[1] {
			t.Errorf("y ticks %v are not evenly spaced", l.ticks)
		}
	}
	for _, r := range l.bars {
		if r.Dx() < 1 || !r.In(l.plot) {
			t.Errorf("bar %v is empty or outside the plot %v", r, l.plot)
		}
	}
	if !l.legend.In(l.plot) {
		t.Errorf("legend %v is outside the plot %v", l.legend, l.plot)
	}
}

// barTop is the highest pixel row the day's bar reaches.
func barTop(l chartLayout, d DayLabels) int {
	return l.yOf(d.Negative + d.Neutral + d.Positive)
}

func TestChart_Layout(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		days []DayLabels
	}{
		{"fortnight", fortnight(func(i int) DayLabels { return DayLabels{Negative: 1 + i%3, Neutral: 2 + i%2, Positive: i % 5} })},
		{"one huge day", fortnight(func(i int) DayLabels {
			if i == 9 {
				return DayLabels{Negative: 98_765, Neutral: 123_456, Positive: 45_678}
			}
			return DayLabels{Negative: 3, Neutral: 10, Positive: 4}
		})},
		{"all zero", fortnight(func(int) DayLabels { return DayLabels{} })},
		{"single day", []DayLabels{{Day: theDay, Negative: 7, Neutral: 30, Positive: 12}}},
		{"a quarter", func() []DayLabels {
			var days []DayLabels
			for i := range 90 {
				days = append(days, DayLabels{Day: theDay.AddDate(0, 0, i-89), Neutral: i})
			}
			return days
		}()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := testLayout(t, tt.days)
			checkLayout(t, l)
			for i, d := range tt.days {
				if top := barTop(l, d); top <= l.legend.Max.Y && l.bars[i].Min.X < l.legend.Max.X {
					t.Errorf("day %d's bar reaches row %d, into the legend down to %d", i, top, l.legend.Max.Y)
				}
			}
		})
	}
}

func TestChart_HugeDay(t *testing.T) {
	t.Parallel()
	days := fortnight(func(i int) DayLabels {
		if i == 9 {
			return DayLabels{Negative: 98_765, Neutral: 123_456, Positive: 45_678}
		}
		return DayLabels{Negative: 3, Neutral: 10, Positive: 4}
	})
	l := testLayout(t, days)
	if l.yMax < 267_899 || l.yMax > 2*267_899 {
		t.Errorf("y axis tops at %d for a 267,899-mention day", l.yMax)
	}
	if len(l.ticks) > maxYTicks+1 || l.ticks[1]%10_000 != 0 {
		t.Errorf("y ticks %v, want a few round ones", l.ticks)
	}
	if got := l.yTicks[len(l.yTicks)-1].text; got != thousands(l.yMax) || got[len(got)-4] != ',' {
		t.Errorf("top tick label %q, want %d with thousands separated", got, l.yMax)
	}
	b, err := Chart(days)
	if err != nil {
		t.Fatal(err)
	}
	_, counts := decode(t, b)
	for name, c := range map[string]color.RGBA{"negative": colorNegative, "neutral": colorNeutral, "positive": colorPositive} {
		if counts[c] < 500 {
			t.Errorf("%s bars cover %d pixels, want a visible area", name, counts[c])
		}
	}
}

func TestChart_Empty(t *testing.T) {
	t.Parallel()
	days := []DayLabels{{Day: theDay}, {Day: theDay.Add(24 * time.Hour)}}
	b, err := Chart(days)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(b)); err != nil {
		t.Fatalf("chart of days without mentions: %v", err)
	}
	if _, err := Chart(nil); err == nil {
		t.Fatal("Chart(nil) gave no error")
	}
}

func TestChart_AllZero(t *testing.T) {
	t.Parallel()
	days := fortnight(func(int) DayLabels { return DayLabels{} })
	b, err := Chart(days)
	if err != nil {
		t.Fatal(err)
	}
	img, counts := decode(t, b)
	if counts[colorNegative] != swatchSize*swatchSize || counts[colorPositive] != swatchSize*swatchSize {
		t.Errorf("negative and positive cover %d and %d pixels, want only their %d-pixel swatches",
			counts[colorNegative], counts[colorPositive], swatchSize*swatchSize)
	}
	// No bar: where they would stand, below the legend, nothing has a label's colour.
	l := testLayout(t, days)
	for _, r := range l.bars {
		for y := l.legend.Max.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				if c := img.At(x, y); c == colorNegative || c == colorNeutral || c == colorPositive {
					t.Fatalf("pixel (%d,%d) of an empty day is %v", x, y, c)
				}
			}
		}
	}
}

func TestChart_SingleDay(t *testing.T) {
	t.Parallel()
	days := []DayLabels{{Day: theDay, Negative: 7, Neutral: 30, Positive: 12}}
	b, err := Chart(days)
	if err != nil {
		t.Fatal(err)
	}
	img, _ := decode(t, b)
	l := testLayout(t, days)
	r := l.bars[0]
	if c := (r.Min.X + r.Max.X) / 2; c < l.plot.Min.X+l.plot.Dx()/2-1 || c > l.plot.Min.X+l.plot.Dx()/2+1 {
		t.Errorf("the only bar is centred at x=%d, want the plot's middle %d", c, l.plot.Min.X+l.plot.Dx()/2)
	}
	if r.Dx() > maxBarWidth {
		t.Errorf("the only bar is %d pixels wide, want at most %d", r.Dx(), maxBarWidth)
	}
	if len(l.days) != 1 || l.days[0].text != "Nov 22" {
		t.Errorf("day labels %v, want just Nov 22", l.days)
	}
	x := r.Min.X + r.Dx()/2
	for _, tt := range []struct {
		row  int
		want color.RGBA
	}{{l.yOf(0) - 1, colorNegative}, {l.yOf(7) - 1, colorNeutral}, {l.yOf(37) - 1, colorPositive}} {
		if got := img.At(x, tt.row); got != tt.want {
			t.Errorf("bar at row %d is %v, want %v", tt.row, got, tt.want)
		}
	}
}
