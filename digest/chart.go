package digest

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Size of the chart in pixels.
const (
	ChartWidth  = 900
	ChartHeight = 450
	chartDPI    = 100
)

// Colours of the labels in the chart.
var (
	colorNegative = color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}
	colorNeutral  = color.RGBA{R: 0xa0, G: 0xa0, B: 0xa0, A: 0xff}
	colorPositive = color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}
)

// Chart draws the days' mentions as stacked bars (negative at the bottom,
// then neutral, then positive) and returns a ChartWidth×ChartHeight PNG.
// Its labels are in Latin script: the Persian wording goes in the message.
// The same days always give the same bytes.
func Chart(days []DayLabels) ([]byte, error) {
	if len(days) == 0 {
		return nil, errors.New("no days to draw")
	}
	p := plot.New()
	first, last := days[0].Day, days[len(days)-1].Day
	p.Title.Text = fmt.Sprintf("Mentions by sentiment, %s to %s (%s)",
		first.Format("2 Jan"), last.Format("2 Jan 2006"), last.Location())
	p.Y.Label.Text = "mentions per day"
	p.Y.Tick.Marker = intTicks{}
	p.X.Tick.Label.Font.Size = vg.Points(9)

	series := []struct {
		name  string
		color color.Color
		value func(DayLabels) int
	}{
		{"negative", colorNegative, func(d DayLabels) int { return d.Negative }},
		{"neutral", colorNeutral, func(d DayLabels) int { return d.Neutral }},
		{"positive", colorPositive, func(d DayLabels) int { return d.Positive }},
	}
	width := vg.Points(0.6 * float64(ChartWidth*72/chartDPI) / float64(len(days)+2))
	var below *plotter.BarChart
	top := 0
	for _, s := range series {
		vs := make(plotter.Values, len(days))
		for i, d := range days {
			vs[i] = float64(s.value(d))
		}
		bars, err := plotter.NewBarChart(vs, width)
		if err != nil {
			return nil, err
		}
		bars.Color = s.color
		bars.LineStyle.Width = 0
		if below != nil {
			bars.StackOn(below)
		}
		p.Add(bars)
		p.Legend.Add(s.name, bars)
		below = bars
	}
	for i := range days {
		top = max(top, int(below.BarHeight(i)))
	}
	// Headroom for the legend above the tallest bar.
	p.Y.Min, p.Y.Max = 0, math.Max(1, float64(top)*1.3+1)
	p.Legend.Top, p.Legend.Left = true, true

	names := make([]string, len(days))
	for i, d := range days {
		names[i] = d.Day.Format("Jan 2")
	}
	p.NominalX(names...)

	c := vgimg.NewWith(vgimg.UseWH(vg.Length(ChartWidth)*vg.Inch/chartDPI, vg.Length(ChartHeight)*vg.Inch/chartDPI),
		vgimg.UseDPI(chartDPI), vgimg.UseBackgroundColor(color.White))
	p.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// intTicks puts ticks on whole numbers only: counts have no halves.
type intTicks struct{}

func (intTicks) Ticks(min, max float64) []plot.Tick {
	var out []plot.Tick
	for _, t := range (plot.DefaultTicks{}).Ticks(min, max) {
		if t.Value != math.Trunc(t.Value) {
			continue
		}
		if t.Label != "" {
			t.Label = fmt.Sprintf("%d", int(t.Value))
		}
		out = append(out, t)
	}
	return out
}
