package digest

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strconv"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Size of the chart in pixels.
const (
	ChartWidth  = 900
	ChartHeight = 450
)

// Colours of the labels in the chart, and of its furniture.
var (
	colorNegative = color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}
	colorNeutral  = color.RGBA{R: 0xa0, G: 0xa0, B: 0xa0, A: 0xff}
	colorPositive = color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}

	colorText  = color.RGBA{R: 0x22, G: 0x22, B: 0x22, A: 0xff}
	colorMuted = color.RGBA{R: 0x55, G: 0x55, B: 0x55, A: 0xff}
	colorGrid  = color.RGBA{R: 0xe8, G: 0xe8, B: 0xe8, A: 0xff}
	colorAxis  = color.RGBA{R: 0x88, G: 0x88, B: 0x88, A: 0xff}
)

// Type sizes in pixels.
const (
	titleSize = 16
	labelSize = 13
	tickSize  = 12
)

// Layout constants in pixels.
const (
	marginTop    = 14 // above the title
	marginSide   = 16 // left of the y-axis label, right of the plot
	marginBottom = 10 // below the day labels
	gap          = 8  // between a label and what it labels
	maxBarWidth  = 56
	swatchSize   = 12
	legendPad    = 8 // inside the legend box
	maxYTicks    = 6 // grid lines above zero, at most
)

// goRegular is the parsed Go Regular font, the chart's only typeface.
var goRegular = sync.OnceValues(func() (*opentype.Font, error) {
	return opentype.Parse(goregular.TTF)
})

// series are the stacked labels, bottom first.
var series = []struct {
	name  string
	color color.RGBA
	value func(DayLabels) int
}{
	{"negative", colorNegative, func(d DayLabels) int { return d.Negative }},
	{"neutral", colorNeutral, func(d DayLabels) int { return d.Neutral }},
	{"positive", colorPositive, func(d DayLabels) int { return d.Positive }},
}

// placed is a piece of text and the pixels its ink may cover.
type placed struct {
	text string
	rect image.Rectangle
	dot  image.Point // where the text's baseline starts
}

// chartLayout is where everything in a chart goes.
type chartLayout struct {
	title  placed
	ylabel placed // drawn turned a quarter left; rect is the turned box
	plot   image.Rectangle
	yMax   int
	ticks  []int    // values with a grid line, 0 first
	yTicks []placed // their labels
	bars   []image.Rectangle
	days   []placed // the day labels shown, some skipped when crowded
	legend image.Rectangle
	keys   []placed // the legend's names
	swatch []image.Rectangle
}

// Chart draws the days' mentions as stacked bars (negative at the bottom,
// then neutral, then positive) and returns a ChartWidth×ChartHeight PNG.
// Its labels are in Latin script: the Persian wording goes in the message.
// The same days always give the same bytes.
func Chart(days []DayLabels) ([]byte, error) {
	if len(days) == 0 {
		return nil, errors.New("no days to draw")
	}
	face, done, err := newFaces()
	if err != nil {
		return nil, fmt.Errorf("chart font: %w", err)
	}
	defer done()
	l := layOut(days, face)

	img := image.NewRGBA(image.Rect(0, 0, ChartWidth, ChartHeight))
	fill(img, img.Rect, color.White)
	// Grid lines, then the bars over them, then the axis.
	for _, v := range l.ticks[1:] {
		y := l.yOf(v)
		fill(img, image.Rect(l.plot.Min.X, y, l.plot.Max.X, y+1), colorGrid)
	}
	for i, r := range l.bars {
		below := 0
		for _, s := range series {
			v := s.value(days[i])
			if v <= 0 {
				continue
			}
			fill(img, image.Rect(r.Min.X, l.yOf(below+v), r.Max.X, l.yOf(below)), s.color)
			below += v
		}
	}
	fill(img, image.Rect(l.plot.Min.X, l.plot.Max.Y, l.plot.Max.X, l.plot.Max.Y+1), colorAxis)

	text(img, face(titleSize), l.title, colorText)
	textUp(img, face(labelSize), l.ylabel, colorMuted)
	for _, t := range l.yTicks {
		text(img, face(tickSize), t, colorMuted)
	}
	for _, t := range l.days {
		text(img, face(tickSize), t, colorMuted)
	}
	if allZero(days) {
		msg := "no mentions in these days"
		w := advance(face(labelSize), msg)
		c := l.plot.Min.Add(l.plot.Size().Div(2))
		text(img, face(labelSize), placed{text: msg, dot: image.Pt(c.X-w/2, c.Y)}, colorMuted)
	}
	fill(img, l.legend, color.White)
	outline(img, l.legend, colorGrid)
	for i, s := range series {
		fill(img, l.swatch[i], s.color)
		text(img, face(labelSize), l.keys[i], colorText)
	}

	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// newFaces makes the chart's type sizes in Go Regular; done closes them.
func newFaces() (face func(size float64) font.Face, done func(), err error) {
	f, err := goRegular()
	if err != nil {
		return nil, nil, err
	}
	faces := map[float64]font.Face{}
	for _, size := range []float64{titleSize, labelSize, tickSize} {
		fc, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
		if err != nil {
			return nil, nil, err
		}
		faces[size] = fc
	}
	return func(size float64) font.Face { return faces[size] }, func() {
		for _, fc := range faces {
			fc.Close()
		}
	}, nil
}

// layOut places the chart's parts for the days, measuring text with face.
func layOut(days []DayLabels, face func(size float64) font.Face) chartLayout {
	var l chartLayout
	first, last := days[0].Day, days[len(days)-1].Day
	title := fmt.Sprintf("Mentions by sentiment, %s to %s (%s)",
		first.Format("2 Jan"), last.Format("2 Jan 2006"), last.Location())
	if len(days) == 1 {
		title = fmt.Sprintf("Mentions by sentiment, %s (%s)", last.Format("2 Jan 2006"), last.Location())
	}
	tf := face(titleSize)
	tm := tf.Metrics()
	tw := advance(tf, title)
	titleBase := marginTop + tm.Ascent.Ceil()
	l.title = placed{text: title, dot: image.Pt((ChartWidth-tw)/2, titleBase),
		rect: image.Rect((ChartWidth-tw)/2, marginTop, (ChartWidth+tw)/2, titleBase+tm.Descent.Ceil())}

	lf, kf := face(labelSize), face(tickSize)
	lm, km := lf.Metrics(), kf.Metrics()
	lineL := lm.Ascent.Ceil() + lm.Descent.Ceil()
	lineK := km.Ascent.Ceil() + km.Descent.Ceil()

	// The plot's height fixes the scale; its left edge waits for the widest
	// tick label, which the scale decides.
	top := l.title.rect.Max.Y + 2*gap
	bottom := ChartHeight - marginBottom - lineK - gap
	legendH := 2*legendPad + max(swatchSize, lineL)
	highest := 0
	for _, d := range days {
		highest = max(highest, d.Negative+d.Neutral+d.Positive)
	}
	// The tallest bar stays below the legend, a gap clear of it.
	l.yMax, l.ticks = yScale(highest, bottom-top, legendH+3*gap)

	widest := 0
	labels := make([]string, len(l.ticks))
	for i, v := range l.ticks {
		labels[i] = thousands(v)
		widest = max(widest, advance(kf, labels[i]))
	}
	yw := advance(lf, "mentions per day")
	left := marginSide + lineL + gap + widest + gap
	l.plot = image.Rect(left, top, ChartWidth-marginSide, bottom)
	// Centred on the plot's height, turned a quarter left.
	l.ylabel = placed{text: "mentions per day",
		rect: image.Rect(marginSide, (top+bottom-yw)/2, marginSide+lineL, (top+bottom-yw)/2+yw)}

	for i, v := range l.ticks {
		w, y := advance(kf, labels[i]), l.yOf(v)
		// Centred on the grid line: the digits' height is about the ascent's 0.7.
		base := y + (km.Ascent.Ceil()*7/10)/2
		l.yTicks = append(l.yTicks, placed{text: labels[i], dot: image.Pt(left-gap-w, base),
			rect: image.Rect(left-gap-w, base-km.Ascent.Ceil(), left-gap, base+km.Descent.Ceil())})
	}

	slot := float64(l.plot.Dx()) / float64(len(days))
	barW := min(maxBarWidth, max(1, int(slot*0.65)))
	dayBase := bottom + gap + km.Ascent.Ceil()
	// Show every step-th day label, the last one always, when they would crowd.
	widestDay := 0
	for _, d := range days {
		widestDay = max(widestDay, advance(kf, d.Day.Format("Jan 2")))
	}
	step := 1
	for float64(step)*slot < float64(widestDay+gap) {
		step++
	}
	for i, d := range days {
		c := l.plot.Min.X + int(slot*(float64(i)+0.5))
		l.bars = append(l.bars, image.Rect(c-barW/2, top, c-barW/2+barW, bottom))
		if (len(days)-1-i)%step != 0 {
			continue
		}
		s := d.Day.Format("Jan 2")
		w := advance(kf, s)
		x := min(max(c-w/2, 0), ChartWidth-w)
		l.days = append(l.days, placed{text: s, dot: image.Pt(x, dayBase),
			rect: image.Rect(x, dayBase-km.Ascent.Ceil(), x+w, dayBase+km.Descent.Ceil())})
	}

	// The legend: one row in the plot's top-left corner.
	x := l.plot.Min.X + gap
	y := l.plot.Min.Y + gap
	l.legend.Min = image.Pt(x, y)
	x += legendPad
	for i, s := range series {
		if i > 0 {
			x += 2 * gap
		}
		mid := y + legendH/2
		l.swatch = append(l.swatch, image.Rect(x, mid-swatchSize/2, x+swatchSize, mid-swatchSize/2+swatchSize))
		x += swatchSize + gap/2 + 2
		w := advance(lf, s.name)
		base := mid + (lm.Ascent.Ceil()-lm.Descent.Ceil())/2
		l.keys = append(l.keys, placed{text: s.name, dot: image.Pt(x, base),
			rect: image.Rect(x, base-lm.Ascent.Ceil(), x+w, base+lm.Descent.Ceil())})
		x += w
	}
	l.legend.Max = image.Pt(x+legendPad, y+legendH)
	return l
}

// yScale picks the y axis's top and its grid values for a tallest bar of
// highest mentions in a plot height pixels tall whose top clear pixels
// must stay free: whole-number steps of 1, 2 or 5 times a power of ten, at
// most maxYTicks of them above zero.
func yScale(highest, height, clear int) (top int, ticks []int) {
	for step := 1; ; {
		for _, m := range []int{1, 2, 5} {
			s := step * m
			n := max(1, (highest+s-1)/s) // steps that hold the tallest bar
			// Add steps until the bar's top is below the clear band.
			for n*s*(height-clear) < highest*height {
				n++
			}
			if n <= maxYTicks {
				for v := 0; v <= n*s; v += s {
					ticks = append(ticks, v)
				}
				return n * s, ticks
			}
		}
		step *= 10
	}
}

// yOf is the pixel row of the value v on the y axis.
func (l chartLayout) yOf(v int) int {
	return l.plot.Max.Y - int(int64(v)*int64(l.plot.Dy())/int64(l.yMax))
}

func allZero(days []DayLabels) bool {
	for _, d := range days {
		if d.Negative+d.Neutral+d.Positive > 0 {
			return false
		}
	}
	return true
}

// thousands writes n with commas between groups of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// advance is the width of s in whole pixels.
func advance(f font.Face, s string) int {
	return font.MeasureString(f, s).Ceil()
}

func fill(img draw.Image, r image.Rectangle, c color.Color) {
	draw.Draw(img, r, image.NewUniform(c), image.Point{}, draw.Src)
}

func outline(img draw.Image, r image.Rectangle, c color.Color) {
	fill(img, image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+1), c)
	fill(img, image.Rect(r.Min.X, r.Max.Y-1, r.Max.X, r.Max.Y), c)
	fill(img, image.Rect(r.Min.X, r.Min.Y, r.Min.X+1, r.Max.Y), c)
	fill(img, image.Rect(r.Max.X-1, r.Min.Y, r.Max.X, r.Max.Y), c)
}

// text draws t left to right with its baseline starting at t.dot.
func text(img draw.Image, f font.Face, t placed, c color.Color) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: f, Dot: fixed.P(t.dot.X, t.dot.Y)}
	d.DrawString(t.text)
}

// textUp draws t turned a quarter left, reading bottom to top, in t.rect.
func textUp(img draw.Image, f font.Face, t placed, c color.Color) {
	w, h := t.rect.Dy(), t.rect.Dx()
	m := f.Metrics()
	flat := image.NewAlpha(image.Rect(0, 0, w, h))
	d := font.Drawer{Dst: flat, Src: image.Opaque, Face: f, Dot: fixed.P(0, m.Ascent.Ceil())}
	d.DrawString(t.text)
	up := image.NewAlpha(image.Rect(0, 0, h, w))
	for y := range h {
		for x := range w {
			up.SetAlpha(y, w-1-x, flat.AlphaAt(x, y))
		}
	}
	draw.DrawMask(img, t.rect, image.NewUniform(c), image.Point{}, up, image.Point{}, draw.Over)
}
