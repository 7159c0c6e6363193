// Package views renders the HTML pages with templ. Components take plain
// view-model structs, never an echo.Context, so they can be tested alone.
package views

// Page is what every page's layout needs.
type Page struct {
	Title   string
	Nav     string // which navigation item is current: "home", "review", ...
	User    string // the signed-in user's name, "" when signed out
	CSRF    string // the session's CSRF token, for every form
	Flashes []Flash
	Assets  AssetURLs
	Signup  bool // whether self sign-up is open
	Version string
}

// Flash is a one-time message shown at the top of the next page.
type Flash struct {
	Kind    string // "ok" or "error"
	Message string
}

// AssetURLs are the content-hashed URLs of the static files.
type AssetURLs struct {
	CSS  string
	JS   string
	HTMX string
	Icon string
	// Card text: code highlighting colours, and KaTeX for math, which
	// MathJS loads only on pages that have some.
	CodeCSS  string
	KatexCSS string
	KatexJS  string
	MathJS   string
	// MediaJS uploads images from the card form.
	MediaJS string
	// TagsJS completes the tag being typed in a field of several tags.
	TagsJS string
}

func current(p Page, item string) string { return navCurrent(p.Nav, item) }
