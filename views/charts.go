package views

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// The charts are computed here and drawn by charts.templ: no chart
// library, nothing fetched at run time. Colours come from CSS classes, so
// they follow the light and dark themes. Every string is written through
// templ, which escapes it.
//
// Text in a chart is never scaled down with it: a phone would draw it a
// few pixels tall. Bar charts with labels are HTML, laid out by CSS; the
// column charts are SVG without a viewBox, their x positions in percent of
// the width and their text at its CSS size; the heatmap is drawn at its
// natural size and scrolls.

// HBar is one row of a horizontal bar chart.
type HBar struct {
	Label string
	Width string // the bar's share of the track, "42.0%"
	Text  string // the value as shown, "42%"
	Class string // the bar's CSS class
}

// HBarChart is a horizontal bar chart, one labelled row per bar.
type HBarChart struct {
	ID    string
	Title string
	Empty string // shown when there are no bars
	Bars  []HBar
}

// NewHBarChart lays out percentages as horizontal bars.
func NewHBarChart(id, title string, labels []string, values []float64) HBarChart {
	c := HBarChart{ID: id, Title: title, Empty: "No data yet."}
	for i, l := range labels {
		v := math.Max(0, math.Min(100, values[i]))
		c.Bars = append(c.Bars, HBar{Label: l, Width: pctOf(v, 100), Text: fmt.Sprintf("%.0f%%", v), Class: "bar"})
	}
	return c
}

// NewCountBarChart lays out counts as horizontal bars, the largest full.
func NewCountBarChart(id, title string, cols []Column) HBarChart {
	c := HBarChart{ID: id, Title: title, Empty: "No data yet."}
	most := 0
	for _, col := range cols {
		most = max(most, col.Value)
	}
	for _, col := range cols {
		cls := col.Class
		if cls == "" {
			cls = "bar"
		}
		c.Bars = append(c.Bars, HBar{Label: col.Label, Width: pctOf(float64(col.Value), float64(most)), Text: strconv.Itoa(col.Value), Class: cls})
	}
	return c
}

// pctOf is v as a percentage of whole, for an SVG length; 0 when whole is.
func pctOf(v, whole float64) string {
	if whole <= 0 {
		return "0%"
	}
	return strconv.FormatFloat(v/whole*100, 'f', 1, 64) + "%"
}

// VBar is one column of a column chart. X and W are percentages of the
// chart's width, Y and H pixels.
type VBar struct {
	X, W, Y, H float64
	Title      string // tooltip and text alternative
	Class      string
}

// VTick is a label under the columns, at X percent of the width.
type VTick struct {
	X      float64
	Anchor string // "start", "middle" or "end": kept inside the chart
	Label  string
	Minor  bool // left out on narrow screens, where labels would collide
}

// VBarChart is a column chart of counts.
type VBarChart struct {
	ID     string
	Title  string
	Desc   string
	Height float64
	Base   float64 // y of the axis
	Max    int
	Bars   []VBar
	Ticks  []VTick
}

// Column is one value of a column chart.
type Column struct {
	Label string // shown under the column when not ""
	Title string // e.g. "2026-05-01: 4 reviews"
	Value int
	Class string
}

// NewVBarChart lays out counts as columns across the chart's width. Every
// other label is minor, so that a phone shows three labels, a desktop five.
func NewVBarChart(id, title string, cols []Column) VBarChart {
	const height, bottom, top = 170.0, 24.0, 18.0
	c := VBarChart{ID: id, Title: title, Height: height, Base: height - bottom}
	for _, col := range cols {
		c.Max = max(c.Max, col.Value)
	}
	slot := 100 / float64(max(len(cols), 1))
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
		left := slot * float64(i)
		c.Bars = append(c.Bars, VBar{X: left + slot*0.12, W: slot * 0.76, Y: c.Base - h, H: h, Title: col.Title, Class: cls})
		if col.Label != "" {
			t := VTick{X: left + slot/2, Anchor: "middle", Label: col.Label, Minor: len(c.Ticks)%2 == 1}
			switch {
			case t.X < 25:
				t.X, t.Anchor = left+slot*0.12, "start"
			case t.X > 75:
				t.X, t.Anchor = left+slot*0.88, "end"
			}
			c.Ticks = append(c.Ticks, t)
		}
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
	Today bool
}

// HeatLabel is a month or weekday name beside the heatmap's cells.
type HeatLabel struct {
	X, Y  float64
	Label string
}

// Heatmap is a year of days in weekly columns, like a contribution graph,
// with the months above and the weekdays beside, in a column of their own
// that stays in view when the weeks scroll.
type Heatmap struct {
	ID           string
	Title        string
	Desc         string
	Width        float64 // of the weeks
	WeekdayWidth float64
	Height       float64
	Cells        []HeatCell
	Months       []HeatLabel
	Weekdays     []HeatLabel
}

// HeatDay is one day's count for NewHeatmap.
type HeatDay struct {
	Date    string // 2006-01-02
	Weekday int    // 0 = Sunday
	Count   int
}

// The heatmap's geometry, in CSS px: a cell and the step to the next, the
// weekday column on the left and the month row on top.
const (
	heatCell     = 11.0
	heatStep     = 13.0
	heatWeekdayW = 32.0
	heatTop      = 18.0
	heatRight    = 14.0 // room for a month named in the last week
	heatLevel    = 4
)

// NewHeatmap lays out days (oldest first, the last one today) in columns
// of weeks.
func NewHeatmap(id, title string, days []HeatDay) Heatmap {
	h := Heatmap{ID: id, Title: title}
	most, total, active := 0, 0, 0
	for _, d := range days {
		most = max(most, d.Count)
		total += d.Count
		if d.Count > 0 {
			active++
		}
	}
	col, lastMonthCol := 0, -3
	for i, d := range days {
		if i > 0 && d.Weekday == 0 {
			col++
		}
		level := 0
		if d.Count > 0 {
			level = 1 + int(math.Min(heatLevel-1, math.Floor(float64(d.Count)*heatLevel/float64(most+1))))
		}
		noun := "reviews"
		if d.Count == 1 {
			noun = "review"
		}
		x := float64(col) * heatStep
		h.Cells = append(h.Cells, HeatCell{
			X: x, Y: heatTop + float64(d.Weekday)*heatStep,
			Level: level, Title: d.Date + ": " + strconv.Itoa(d.Count) + " " + noun,
			Today: i == len(days)-1,
		})
		// A month is named above the week of its first day; the first,
		// partial month only when three weeks of it leave room for its name.
		date, err := time.Parse(time.DateOnly, d.Date)
		if err == nil && (date.Day() == 1 || (i == 0 && date.Day() <= 8)) && col >= lastMonthCol+3 {
			h.Months = append(h.Months, HeatLabel{X: x, Y: heatTop - 6, Label: date.Format("Jan")})
			lastMonthCol = col
		}
	}
	for _, wd := range []struct {
		day   int
		label string
	}{{1, "Mon"}, {3, "Wed"}, {5, "Fri"}} {
		h.Weekdays = append(h.Weekdays, HeatLabel{X: 0, Y: heatTop + float64(wd.day)*heatStep + heatCell - 1, Label: wd.label})
	}
	h.Width = float64(col+1)*heatStep + heatRight
	h.WeekdayWidth = heatWeekdayW
	h.Height = heatTop + 7*heatStep
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

// pc is a percentage for an SVG length.
func pc(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) + "%" }
