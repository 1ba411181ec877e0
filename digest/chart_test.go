package digest

import (
	"bytes"
	"image/color"
	"image/png"
	"testing"
	"time"
)

func TestChart(t *testing.T) {
	t.Parallel()
	var days []DayLabels
	for i := range HistoryDays {
		days = append(days, DayLabels{
			Day:      theDay.AddDate(0, 0, i-HistoryDays+1),
			Negative: 1 + i%3, Neutral: 2 + i%2, Positive: i % 5,
		})
	}
	b, err := Chart(days)
	if err != nil {
		t.Fatal(err)
	}
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
	if len(counts) < 3 {
		t.Fatalf("chart has %d colours: blank", len(counts))
	}
	for name, c := range map[string]color.RGBA{"negative": colorNegative, "neutral": colorNeutral, "positive": colorPositive} {
		if counts[c] < 500 {
			t.Errorf("%s bars cover %d pixels, want a visible area", name, counts[c])
		}
	}
	again, err := Chart(days)
	if err != nil || !bytes.Equal(b, again) {
		t.Fatalf("the same days drew different PNGs (err %v)", err)
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
