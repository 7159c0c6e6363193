package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/srs"
)

// The dashboard, mastery and statistics pages on a phone and a desktop:
// charts whose text stays readable, a heatmap that opens on today, pages
// that never scroll sideways, and the export one click away.

// seedStudyHistory makes a user with the built-in deck who has studied on
// most of the last days weeks, a few cards a day, so that every chart has
// bars, ticks and labels. The clock ends on the last day.
func seedStudyHistory(t *testing.T, app *testApp, name string, days int) data.User {
	t.Helper()
	ctx := context.Background()
	u, err := app.store.CreateUserWithBuiltinDeck(ctx, name, "correct horse", data.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	grades := []srs.Grade{5, 4, 3, 4, 2, 5, 1, 4}
	for d := range days {
		if d%5 != 3 { // a day off now and then
			for i := range 2 + d%4 {
				next, err := app.store.NextCard(ctx, u.ID, data.ReviewFilter{}, 0)
				if errors.Is(err, data.ErrQueueEmpty) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				g := data.Grade{CardID: next.Card.ID, Grade: grades[(d+i)%len(grades)], Step: -1, AnswerMS: 8000}
				if _, err := app.store.GradeCard(ctx, u.ID, g); err != nil {
					t.Fatal(err)
				}
			}
		}
		if d < days-1 {
			app.clock.Advance(24 * time.Hour)
		}
	}
	return u
}

// logInInBrowser signs a user in through the log-in form.
func logInInBrowser(tb *tab, app *testApp, name string) {
	tb.t.Helper()
	tb.do("log in",
		chromedp.Navigate(app.URL+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="name"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), name),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "correct horse"),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.site-header form[action="/logout"] button`)),
	)
}

// open loads a page of the app and waits for its main heading.
func (tb *tab) open(app *testApp, path string) {
	tb.t.Helper()
	tb.do("open "+path, chromedp.Navigate(app.URL+path), chromedp.WaitVisible(chromedp.CSS("main h1")))
}

// chartTextJS lists every piece of text in the page's charts with the size
// it is drawn at, in CSS px: an SVG <text>'s font size times the scale its
// SVG is drawn at (the CTM), an HTML text's font size as is.
const chartTextJS = `(() => {
	const out = [];
	for (const fig of document.querySelectorAll("figure.chart")) {
		for (const t of fig.querySelectorAll("svg text")) {
			if (!t.textContent.trim() || !t.getClientRects().length) continue;
			const m = t.getScreenCTM();
			const scale = m ? Math.hypot(m.a, m.b) : 1;
			out.push({Text: t.textContent.trim(), Size: parseFloat(getComputedStyle(t).fontSize) * scale});
		}
		const walk = document.createTreeWalker(fig, NodeFilter.SHOW_TEXT);
		while (walk.nextNode()) {
			const n = walk.currentNode, el = n.parentElement;
			if (!n.data.trim() || el.closest("svg") || !el.getClientRects().length) continue;
			out.push({Text: n.data.trim(), Size: parseFloat(getComputedStyle(el).fontSize)});
		}
	}
	return out;
})()`

type chartText struct {
	Text string
	Size float64
}

// TestBrowserChartTextIsReadable: no label, tick or value in the charts of
// the dashboard, the mastery page or the statistics page is drawn smaller
// than 12 CSS px, on a phone or a desktop.
func TestBrowserChartTextIsReadable(t *testing.T) {
	browserCtx := startChromium(t)
	for _, vp := range journeyViewports {
		t.Run(vp.name, func(t *testing.T) {
			app := newTestApp(t, openSignup())
			seedStudyHistory(t, app, "ada", 45)
			tb := newTab(t, browserCtx, vp)
			logInInBrowser(tb, app, "ada")
			for _, path := range []string{"/", "/mastery", "/stats"} {
				tb.open(app, path)
				texts := evalIn[[]chartText](tb, "chart text on "+path, chartTextJS)
				if len(texts) < 12 {
					t.Fatalf("%s: only %d pieces of chart text: %v", path, len(texts), texts)
				}
				smallest := texts[0]
				for _, tx := range texts {
					if tx.Size < smallest.Size {
						smallest = tx
					}
					if tx.Size < 12 {
						t.Errorf("%s at %dpx: %q is drawn %.1fpx tall, want at least 12", path, vp.width, tx.Text, tx.Size)
					}
				}
				t.Logf("%s at %dpx: %d chart texts, the smallest %q at %.1fpx", path, vp.width, len(texts), smallest.Text, smallest.Size)
				tb.keepScreenshot(map[string]string{"/": "dashboard", "/mastery": "mastery", "/stats": "stats"}[path])
			}
			tb.wantNoConsoleProblems()
		})
	}
}

// TestBrowserHeatmapOpensOnToday: the year's heatmap shows today's cell
// without scrolling, on a phone as on a desktop, with JavaScript or
// without; it names the months and weekdays and has a legend.
func TestBrowserHeatmapOpensOnToday(t *testing.T) {
	browserCtx := startChromium(t)
	for _, vp := range journeyViewports {
		for _, js := range []bool{true, false} {
			name := vp.name
			if !js {
				name += "-no-js"
			}
			t.Run(name, func(t *testing.T) {
				app := newTestApp(t, openSignup())
				u := seedStudyHistory(t, app, "ada", 20)
				today, err := app.store.Today(context.Background(), u.ID)
				if err != nil {
					t.Fatal(err)
				}
				tb := newTab(t, browserCtx, vp)
				logInInBrowser(tb, app, "ada")
				if !js {
					tb.do("turn JavaScript off", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
						_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
						return err
					}))
				}
				tb.open(app, "/stats")
				type box struct {
					Found                      bool
					Left, Right                float64 // today's cell
					ViewLeft, ViewRight, Inner float64 // the heatmap's scroll viewport, the window
					Months, Weekdays           []string
					Legend                     string
				}
				got := evalIn[box](tb, "today's cell", `(() => {
					const fig = document.querySelector("figure.heatmap");
					const cell = Array.from(fig.querySelectorAll("rect")).find(r => {
						const t = r.querySelector("title");
						return t && t.textContent.startsWith(`+fmt.Sprintf("%q", today.String()+":")+`);
					});
					if (!cell) return {Found: false};
					const c = cell.getBoundingClientRect();
					const view = (fig.querySelector(".chart-scroll") || fig).getBoundingClientRect();
					const texts = Array.from(fig.querySelectorAll("svg text"), t => t.textContent.trim());
					const legend = fig.querySelector(".heat-legend");
					return {Found: true, Left: c.left, Right: c.right, ViewLeft: view.left, ViewRight: view.right, Inner: innerWidth,
						Months: texts.filter(s => /^[A-Z][a-z]{2}$/.test(s) && !/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)$/.test(s)),
						Weekdays: texts.filter(s => /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)$/.test(s)),
						Legend: legend ? legend.innerText.replace(/\s+/g, " ").trim() : ""};
				})()`)
				if !got.Found {
					t.Fatalf("the heatmap has no cell for today, %s", today)
				}
				if got.Left < got.ViewLeft-0.5 || got.Right > got.ViewRight+0.5 || got.Left < 0 || got.Right > got.Inner {
					t.Errorf("today's cell spans x %.0f..%.0f; the heatmap shows %.0f..%.0f in a %.0fpx window: today is out of sight",
						got.Left, got.Right, got.ViewLeft, got.ViewRight, got.Inner)
				}
				if len(got.Months) < 12 || len(got.Weekdays) < 3 {
					t.Errorf("heatmap labels: months %v, weekdays %v; want the year's months and Mon, Wed, Fri", got.Months, got.Weekdays)
				}
				if !strings.HasPrefix(got.Legend, "Less") || !strings.HasSuffix(got.Legend, "More") {
					t.Errorf("heatmap legend %q, want Less … More", got.Legend)
				}
				tb.keepScreenshot("stats")
			})
		}
	}
}

// wantNoSidewaysScroll fails when the page is wider than the window, or
// when a box in it scrolls sideways, except the heatmap, which scrolls by
// design and opens on today.
func wantNoSidewaysScroll(tb *tab, path string) {
	tb.t.Helper()
	type report struct {
		Scroll, Inner int
		Wide          []string
	}
	r := evalIn[report](tb, "page width", `(() => {
		const wide = [];
		for (const el of document.querySelectorAll("main *")) {
			const ox = getComputedStyle(el).overflowX;
			if ((ox === "auto" || ox === "scroll") && el.scrollWidth > el.clientWidth + 1 && !el.closest(".heatmap")) {
				wide.push(el.tagName.toLowerCase() + "." + el.className + " " + el.scrollWidth + ">" + el.clientWidth);
			}
		}
		return {Scroll: document.scrollingElement.scrollWidth, Inner: innerWidth, Wide: wide};
	})()`)
	if r.Scroll > r.Inner {
		tb.t.Errorf("%s at %s: the page is %dpx wide in a %dpx window", path, tb.vp.name, r.Scroll, r.Inner)
	}
	for _, w := range r.Wide {
		tb.t.Errorf("%s at %s: a box scrolls sideways: %s", path, tb.vp.name, w)
	}
}

// TestBrowserPagesFitThePhone: the mastery table, the dashboard and the
// statistics fit the window with nothing to scroll sideways but the
// heatmap; on a phone the mastery table still shows every number.
func TestBrowserPagesFitThePhone(t *testing.T) {
	browserCtx := startChromium(t)
	for _, vp := range journeyViewports {
		t.Run(vp.name, func(t *testing.T) {
			app := newTestApp(t, openSignup())
			seedStudyHistory(t, app, "ada", 30)
			tb := newTab(t, browserCtx, vp)
			logInInBrowser(tb, app, "ada")
			for _, path := range []string{"/mastery", "/", "/stats"} {
				tb.open(app, path)
				wantNoSidewaysScroll(tb, path)
			}
			// Every column of the weakest row is on screen, with its name.
			tb.open(app, "/mastery")
			type cell struct {
				Label, Text string
				Visible     bool
			}
			cells := evalIn[[]cell](tb, "weakest row", `Array.from(document.querySelectorAll("table.mastery tr.weakest > *"), c => {
				const r = c.getBoundingClientRect();
				return {Label: c.getAttribute("data-label") || "", Text: c.innerText.trim(),
					Visible: r.width > 0 && r.left >= 0 && r.right <= innerWidth};
			})`)
			if len(cells) != 9 {
				t.Fatalf("the weakest row has %d cells, want 9: %+v", len(cells), cells)
			}
			for _, c := range cells {
				if !c.Visible {
					t.Errorf("the mastery cell %q (%s) is off screen", c.Text, c.Label)
				}
			}
			tb.keepScreenshot("mastery")
		})
	}
}

// TestBrowserExportIsOneClickAway: from the dashboard, one click on the
// navigation reaches the export page, on a phone as on a desktop; the
// mastery page links to it too.
func TestBrowserExportIsOneClickAway(t *testing.T) {
	browserCtx := startChromium(t)
	for _, vp := range journeyViewports {
		t.Run(vp.name, func(t *testing.T) {
			app := newTestApp(t, openSignup())
			seedStudyHistory(t, app, "ada", 2)
			tb := newTab(t, browserCtx, vp)
			logInInBrowser(tb, app, "ada")
			tb.open(app, "/")
			link := `Array.from(document.querySelectorAll(".site-header a")).find(a => a.innerText.trim() === "Export")`
			if !evalIn[bool](tb, "export link", `(() => { const a = `+link+`;
				if (!a) return false;
				const r = a.getBoundingClientRect();
				return r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= innerWidth && r.top >= 0 && r.bottom <= innerHeight; })()`) {
				t.Fatalf("the dashboard's header has no visible link named Export:\n%s", tb.text(".site-header"))
			}
			tb.do("click Export", chromedp.Evaluate[chromedp.Void](link+`.click()`), chromedp.WaitVisible(chromedp.CSS("#export-json")))
			if got := evalIn[string](tb, "current nav", `(document.querySelector('.site-header [aria-current="page"]') || {}).innerText || ""`); got != "Export" {
				t.Errorf("on the export page the navigation marks %q as current, want Export", got)
			}

			tb.open(app, "/mastery")
			mine := `Array.from(document.querySelectorAll("main a")).find(a => a.innerText.trim() === "Export your progress")`
			if !evalIn[bool](tb, "mastery's export link", "!!"+mine) {
				t.Fatal(`the mastery page has no link "Export your progress"`)
			}
			tb.do("click Export your progress", chromedp.Evaluate[chromedp.Void](mine+`.click()`), chromedp.WaitVisible(chromedp.CSS("#export-json")))
			wantPageFits(tb)
		})
	}
}
