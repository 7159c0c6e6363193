package handlers

import (
	"bytes"
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/flashcards/flashcards/views"
)

// render writes a component through a buffer, so a failing template still
// becomes a clean error page instead of half a page.
func (a *App) render(c echo.Context, status int, comp templ.Component) error {
	var buf bytes.Buffer
	if err := comp.Render(c.Request().Context(), &buf); err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTMLBlob(status, buf.Bytes())
}

// page fills the layout's view model for this request. It takes (and saves)
// the flash messages, so they show once.
func (a *App) page(c echo.Context, title string) views.Page {
	p := views.Page{
		Title:   title,
		Signup:  a.cfg.SignupOpen,
		Version: a.cfg.Version,
		Assets: views.AssetURLs{
			CSS:  a.assets.URL("css/app.css"),
			JS:   a.assets.URL("js/app.js"),
			HTMX: a.assets.URL("js/htmx.min.js"),
			Icon: a.assets.URL("img/icon.svg"),

			CodeCSS:  a.assets.URL("css/code.css"),
			KatexCSS: a.assets.URL("katex/katex.min.css"),
			KatexJS:  a.assets.URL("katex/katex.min.js"),
			MathJS:   a.assets.URL("js/math.js"),
			MediaJS:  a.assets.URL("js/media.js"),
			TagsJS:   a.assets.URL("js/tags.js"),
		},
	}
	if u, ok := currentUser(c); ok {
		p.User = u.Name
	}
	sess := session(c)
	if sess == nil {
		return p // e.g. the error page of an /api route or a static 404
	}
	p.CSRF, _ = a.csrfToken(c)
	var taken bool
	for _, kind := range []struct{ key, class string }{{sessionKeyFlashOK, "ok"}, {sessionKeyFlashNo, "error"}} {
		for _, f := range sess.Flashes(kind.key) {
			if s, ok := f.(string); ok {
				p.Flashes = append(p.Flashes, views.Flash{Kind: kind.class, Message: s})
				taken = true
			}
		}
	}
	if taken {
		sess.Save(c.Request(), c.Response())
	}
	return p
}

// flash queues a message for the next page and saves the session.
func (a *App) flash(c echo.Context, ok bool, msg string) error {
	key := sessionKeyFlashOK
	if !ok {
		key = sessionKeyFlashNo
	}
	sess := session(c)
	sess.AddFlash(msg, key)
	return sess.Save(c.Request(), c.Response())
}

// flashTo shows msg on the next page (a success when ok) and goes there:
// how a form post reports what it did.
func (a *App) flashTo(c echo.Context, ok bool, msg, to string) error {
	if err := a.flash(c, ok, msg); err != nil {
		return err
	}
	return redirect(c, to)
}

// redirect answers a form post with 303 See Other.
func redirect(c echo.Context, to string) error {
	return c.Redirect(http.StatusSeeOther, to)
}
