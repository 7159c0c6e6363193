package handlers

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/flashcards/flashcards/data"
)

// mediaCSP is the policy an image is served with. An SVG opened on its
// own is a document: with no script source and a sandbox, a script in it
// never runs, and it can fetch nothing. Inline styles stay, as drawings
// use them.
const mediaCSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"

// mediaUploadSlack is what a multipart body may hold beyond the file:
// its headers, and metadata the cleaning strips (a raw file may be up to
// twice the limit before its EXIF goes).
const mediaUploadSlack = 64 << 10

// mediaUploadLimit bounds the body of an image upload.
func (a *App) mediaUploadLimit() int64 {
	return 2*a.store.MediaLimits.MaxFile + mediaUploadSlack
}

// uploadMedia keeps one image (the form's "file") for the signed-in user
// and answers its URL and the Markdown that shows it, as JSON. A refused
// file answers {"error": "..."}: 413 past the per-file or per-user limit,
// 400 for a file that is no image we keep.
func (a *App) uploadMedia(c echo.Context) error {
	u, ok := currentUser(c)
	if !ok {
		return c.JSON(http.StatusUnauthorized, map[string]string{"error": "Sign in to upload images."})
	}
	if err := parseForm(c.Request()); err != nil {
		var he *echo.HTTPError
		if errors.As(err, &he) && he.Code == http.StatusRequestEntityTooLarge {
			return c.JSON(http.StatusRequestEntityTooLarge, map[string]string{"error": a.mediaTooLargeMessage()})
		}
		return c.JSON(http.StatusBadRequest, map[string]string{"error": "The upload could not be read; choose the image again."})
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return c.JSON(http.StatusBadRequest, map[string]string{"error": `Send the image as the form's "file".`})
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	body, err := io.ReadAll(f)
	if err != nil {
		return err
	}
	m, err := a.store.AddMedia(c.Request().Context(), u.ID, fh.Filename, body)
	var refused *data.Error
	switch {
	case errors.As(err, &refused):
		code := http.StatusBadRequest
		if errors.Is(err, data.ErrTooLarge) || errors.Is(err, data.ErrMediaQuota) {
			code = http.StatusRequestEntityTooLarge
		}
		return c.JSON(code, map[string]string{"error": userMessage(err) + "."})
	case err != nil:
		return err
	}
	return c.JSON(http.StatusCreated, mediaJSON{URL: m.URL(), Markdown: m.Markdown(), Name: m.Name,
		ContentType: m.ContentType, Size: m.Size})
}

func (a *App) mediaTooLargeMessage() string {
	return "The image is larger than the " + formatSize(a.store.MediaLimits.MaxFile) + " an image may be."
}

// serveMedia answers /media/<hash>.<ext> to the user who holds that image,
// and 404 to anyone else, signed in or not, as for an address that never
// existed. The URL names the bytes, so it is cached for a year.
func (a *App) serveMedia(c echo.Context) error {
	u, ok := currentUser(c)
	if !ok {
		return echo.ErrNotFound
	}
	hash, typ, ok := data.ParseMediaURL(c.Param("file"))
	if !ok {
		return echo.ErrNotFound
	}
	m, body, err := a.store.MediaFile(c.Request().Context(), u.ID, hash)
	if err != nil {
		return err
	}
	if m.ContentType != typ.ContentType {
		return echo.ErrNotFound // the right bytes under another extension
	}
	h := c.Response().Header()
	h.Set("Content-Security-Policy", mediaCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	// private: only its owner may see it, so no shared cache keeps it.
	h.Set("Cache-Control", "private, max-age=31536000, immutable")
	h.Set("ETag", `"`+hash+`"`)
	if match := c.Request().Header.Get("If-None-Match"); match != "" && strings.Contains(match, `"`+hash+`"`) {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, m.ContentType, body)
}

// imageUse says, on the card form, what the user's images take of their
// share and how large one may be.
func (a *App) imageUse(c echo.Context, userID int64) (string, error) {
	u, err := a.store.MediaUsage(c.Request().Context(), userID)
	if err != nil {
		return "", err
	}
	return "Your images take " + formatSize(u.Bytes) + " of the " + formatSize(u.Limit) + " you may keep; one may be at most " +
		formatSize(a.store.MediaLimits.MaxFile) + ".", nil
}
