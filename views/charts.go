package views

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// The charts are plain SVG computed here and drawn by charts.templ: no
// chart library, nothing fetched at run time. Colours come from CSS
// classes, so they follow the light and dark themes. Every string is
// written through templ, which escapes it.

// HBar is one row of a horizontal bar chart.
type HBar struct {
	Label string
	Value float64 // 0..100
	Y     float64
	W     float64
	Text  string
}

// HBarChart is a horizontal bar chart of percentages, one row per label.
type HBarChart struct {
	ID     string
	Title  string
	Desc   string
	Height float64
	Bars   []HBar
}

const (
	hbarWidth  = 640.0
	hbarLabelW = 210.0
	hbarRow    = 26.0
	hbarBarMax = hbarWidth - hbarLabelW - 60
)

// NewHBarChart lays out percentages as horizontal bars.
func NewHBarChart(id, title string, labels []string, values []float64) HBarChart {
	c := HBarChart{ID: id, Title: title, Height: math.Max(hbarRow*float64(len(labels))+8, 40)}
	var desc []string
	for i, l := range labels {
		v := math.Max(0, math.Min(100, values[i]))
		text := fmt.Sprintf("%.0f%%", v)
		c.Bars = append(c.Bars, HBar{Label: l, Value: v, Y: 4 + hbarRow*float64(i), W: math.Max(v/100*hbarBarMax, 0), Text: text})
		desc = append(desc, l+": "+text)
	}
	if len(desc) == 0 {
		c.Desc = "No data yet."
	} else {
		c.Desc = strings.Join(desc, "; ") + "."
	}
	return c
}

// VBar is one column of a vertical bar chart.
type VBar struct {
	X, Y, W, H float64
	Label      string // tick label under the bar, may be ""
	Title      string // tooltip and text alternative
	Class      string
}

// VBarChart is a column chart of counts.
type VBarChart struct {
	ID     string
	Title  string
	Desc   string
	Width  float64
	Height float64
	Base   float64 // y of the axis
	Max    int
	Bars   []VBar
}

// Column is one value of a column chart.
type Column struct {
	Label string // shown under the column when not ""
	Title string // e.g. "2026-05-01: 4 reviews"
	Value int
	Class string
}

// NewVBarChart lays out counts as columns.
func NewVBarChart(id, title string, cols []Column, width float64) VBarChart {
	const height, bottom, top = 170.0, 22.0, 16.0
	c := VBarChart{ID: id, Title: title, Width: width, Height: height, Base: height - bottom}
	for _, col := range cols {
		c.Max = max(c.Max, col.Value)
	}
	n := float64(max(len(cols), 1))
	slot := (width - 8) / n
	var desc []string
	for i, col := range cols {
		h := 0.0
		if c.Max > 0 {
			h = float64(col.Value) / float64(c.Max) * (height - bottom - top)
		}
		if col.Value > 0 && h < 2 {
			h = 2
		}
		cls := col.Class
		if cls == "" {
			cls = "bar"
		}
		c.Bars = append(c.Bars, VBar{
			X: 4 + slot*float64(i) + slot*0.12, W: slot * 0.76, Y: c.Base - h, H: h,
			Label: col.Label, Title: col.Title, Class: cls,
		})
		if col.Value > 0 {
			desc = append(desc, col.Title)
		}
	}
	switch {
	case len(desc) == 0:
		c.Desc = "All zero."
	case len(desc) > 12:
		c.Desc = fmt.Sprintf("%d of %d columns above zero; the highest is %d.", len(desc), len(cols), c.Max)
	default:
		c.Desc = strings.Join(desc, "; ") + "."
	}
	return c
}

// HeatCell is one day of the heatmap.
type HeatCell struct {
	X, Y  float64
	Level int // 0..4
	Title string
}

// Heatmap is a year of days in weekly columns, like a contribution graph.
type Heatmap struct {
	ID     string
	Title  string
	Desc   string
	Width  float64
	Height float64
	Cells  []HeatCell
}

// HeatDay is one day's count for NewHeatmap.
type HeatDay struct {
	Date    string
	Weekday int // 0 = Sunday
	Count   int
}

// NewHeatmap lays out days (oldest first) in columns of weeks.
func NewHeatmap(id, title string, days []HeatDay) Heatmap {
	const cell, gap = 11.0, 2.0
	h := Heatmap{ID: id, Title: title}
	most, total, active := 0, 0, 0
	for _, d := range days {
		most = max(most, d.Count)
		total += d.Count
		if d.Count > 0 {
			active++
		}
	}
	col := 0
	for i, d := range days {
		if i > 0 && d.Weekday == 0 {
			col++
		}
		level := 0
		if d.Count > 0 {
			level = 1 + int(math.Min(3, math.Floor(float64(d.Count)*4/float64(most+1))))
		}
		noun := "reviews"
		if d.Count == 1 {
			noun = "review"
		}
		h.Cells = append(h.Cells, HeatCell{
			X: float64(col) * (cell + gap), Y: float64(d.Weekday) * (cell + gap),
			Level: level, Title: d.Date + ": " + strconv.Itoa(d.Count) + " " + noun,
		})
	}
	h.Width = float64(col+1) * (cell + gap)
	h.Height = 7 * (cell + gap)
	h.Desc = fmt.Sprintf("%d reviews on %d of the last %d days; the busiest day had %d.", total, active, len(days), most)
	return h
}

// Sparkline is a small trend line of percentages.
type Sparkline struct {
	Title  string
	Points string // SVG polyline points
	Last   float64
}

// NewSparkline draws values (0..100, oldest first) in a 120x28 box.
func NewSparkline(title string, values []float64) Sparkline {
	const w, h = 120.0, 28.0
	var pts []string
	for i, v := range values {
		x := 0.0
		if len(values) > 1 {
			x = float64(i) / float64(len(values)-1) * w
		}
		y := h - 2 - math.Max(0, math.Min(100, v))/100*(h-4)
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
	}
	s := Sparkline{Title: title, Points: strings.Join(pts, " ")}
	if len(values) > 0 {
		s.Last = values[len(values)-1]
		s.Title = fmt.Sprintf("%s: %.0f%% %d days ago, %.0f%% now", title, values[0], len(values)-1, s.Last)
	}
	return s
}

func f1(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
