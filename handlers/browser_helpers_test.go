package handlers

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The browser journeys drive a real Chromium through chromedp against the
// whole app behind httptest. Without a browser they skip, except under
// CI=true, where a missing browser is a failure: CI must run them.

// browserStepTimeout bounds one step of a journey, so a page that never
// shows what the test waits for fails in seconds, not at the go test timeout.
const browserStepTimeout = 15 * time.Second

// viewport is a screen a journey runs on.
type viewport struct {
	name          string
	width, height int64
	phone         bool // mobile emulation: meta viewport, touch, portrait
}

var journeyViewports = []viewport{
	{name: "desktop", width: 1280, height: 900},
	{name: "phone", width: 390, height: 844, phone: true},
}

func (v viewport) emulate() chromedp.Action[chromedp.Void] {
	if v.phone {
		return chromedp.EmulateViewport(v.width, v.height, chromedp.EmulateScale(2),
			chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)
	}
	return chromedp.EmulateViewport(v.width, v.height)
}

// chromiumPath finds the browser, or skips (fails under CI=true).
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no Chromium found (chromium, chromium-browser or google-chrome); CI must run the browser journeys")
	}
	t.Skip("no Chromium found; install chromium to run the browser journeys")
	return ""
}

// startChromium starts one headless Chromium for the test and returns a
// context to open tabs from. The browser stops when the test ends.
func startChromium(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath(t)
	// On a loaded machine Chromium now and then exits before it listens
	// ("chrome failed to start"); a fresh profile on the next try starts.
	var failures []string
	for range 3 {
		browserCtx, out, err := launchChromium(t, path)
		if err == nil {
			t.Cleanup(func() {
				if t.Failed() {
					t.Logf("Chromium output:\n%s", out.tail(4000))
				}
			})
			return browserCtx
		}
		failures = append(failures, fmt.Sprintf("%v\n%s", err, out.tail(2000)))
	}
	t.Fatalf("start %s, three tries:\n%s", path, strings.Join(failures, "\n---\n"))
	return nil
}

// launchChromium starts one Chromium on a profile of its own, stopped when
// the test ends.
func launchChromium(t *testing.T, path string) (context.Context, *lockedBuffer, error) {
	// Not t.TempDir: Chromium's helpers can still be writing into the
	// profile for a moment after it exits, which would fail the test.
	profile, err := os.MkdirTemp("", "flashcards-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for range 20 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
	out := &lockedBuffer{}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(profile),
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		// The machine may have no internet: keep Chromium from trying.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.CombinedOutput(out),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelBrowser)
	if err := chromedp.Do(browserCtx); err != nil { // starts the browser, with no timeout
		cancelBrowser()
		cancelAlloc()
		return nil, out, err
	}
	return browserCtx, out, nil
}

// tab is one browser tab on its own cookie jar (a fresh browser context),
// emulating a viewport, with the page's console errors collected.
type tab struct {
	t   *testing.T
	ctx context.Context
	vp  viewport

	mu       sync.Mutex
	problems []string // console errors, exceptions, failed loads
}

func newTab(t *testing.T, browserCtx context.Context, vp viewport) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	tb := &tab{t: t, ctx: ctx, vp: vp}
	// The first run opens the tab and binds it to its context: no timeout here.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	tb.do("emulate the "+vp.name+" viewport", vp.emulate())
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				tb.mu.Lock()
				tb.problems = append(tb.problems, m.String())
				tb.mu.Unlock()
			}
		}
	}()
	// Registered after cancel, so it runs first, while the tab still lives.
	t.Cleanup(func() {
		if t.Failed() {
			tb.saveScreenshot("failure")
		}
	})
	return tb
}

// do runs steps with a timeout and fails the test, saying what it was doing.
func (tb *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, browserStepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression in the page.
func evalIn[T any](tb *tab, what, expr string) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, browserStepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		tb.t.Fatalf("%s: %v", what, err)
	}
	return v
}

// waitFor polls a JavaScript condition until it holds. It does not survive a
// full navigation; use it for htmx swaps, and WaitVisible across page loads.
func (tb *tab) waitFor(what, cond string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, browserStepTimeout)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](cond,
		chromedp.WithPollingInterval(20*time.Millisecond),
		chromedp.WithPollingTimeout(browserStepTimeout-time.Second)))
	if err != nil {
		tb.t.Fatalf("waiting for %s: %v\npage text:\n%s", what, err, tb.pageText())
	}
}

func (tb *tab) text(sel string) string {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, browserStepTimeout)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		tb.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// pageText is the visible text of the page, for failure messages.
func (tb *tab) pageText() string {
	ctx, cancel := context.WithTimeout(tb.ctx, 2*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if err != nil {
		return "(unreadable: " + err.Error() + ")"
	}
	return s
}

// wantNoConsoleProblems fails the test when the page logged errors: a
// script blocked by the CSP or a failing asset shows up here first.
func (tb *tab) wantNoConsoleProblems() {
	tb.t.Helper()
	time.Sleep(50 * time.Millisecond) // console events arrive asynchronously
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if len(tb.problems) > 0 {
		tb.t.Errorf("the page logged errors:\n%s", strings.Join(tb.problems, "\n"))
	}
}

// screenshotDir is $FLASHCARDS_SCREENSHOT_DIR, else a folder in the
// system's temporary directory, never the repository.
func screenshotDir() string {
	if d := os.Getenv("FLASHCARDS_SCREENSHOT_DIR"); d != "" {
		return d
	}
	return filepath.Join(os.TempDir(), "flashcards-screenshots")
}

// saveScreenshot writes a full-page PNG named after the test and logs where.
func (tb *tab) saveScreenshot(label string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 5*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Logf("screenshot (%s): %v", label, err)
		return
	}
	dir := screenshotDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.t.Logf("screenshot (%s): %v", label, err)
		return
	}
	name := strings.NewReplacer("/", "_", " ", "_").Replace(tb.t.Name())
	if label != "failure" {
		name += "-" + label
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.t.Logf("screenshot (%s): %v", label, err)
		return
	}
	tb.t.Logf("screenshot (%s): %s", label, path)
}

// keepScreenshot saves a screenshot of a step only when
// FLASHCARDS_SCREENSHOT_DIR asks for them, to look at the pages by eye.
func (tb *tab) keepScreenshot(label string) {
	tb.t.Helper()
	if os.Getenv("FLASHCARDS_SCREENSHOT_DIR") != "" {
		tb.saveScreenshot(label)
	}
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// tail is the end of the output without the D-Bus complaints a headless
// Chromium makes on a machine without a session bus.
func (b *lockedBuffer) tail(n int) string {
	var keep []string
	for line := range strings.Lines(b.String()) {
		if !strings.Contains(line, "dbus") {
			keep = append(keep, line)
		}
	}
	s := strings.Join(keep, "")
	if len(s) > n {
		return fmt.Sprintf("...%s", s[len(s)-n:])
	}
	return s
}
