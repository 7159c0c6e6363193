package handlers

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/srs/words"
	"github.com/flashcards/flashcards/views"
)

func (a *App) exportPage(c echo.Context) error {
	return a.renderExport(c, http.StatusOK, "")
}

func (a *App) renderExport(c echo.Context, status int, errMsg string) error {
	p := a.page(c, "Export and restore")
	p.Nav = "export"
	return a.render(c, status, views.Export(p, views.ExportView{MaxUpload: formatSize(a.cfg.MaxUploadBytes), Error: errMsg}))
}

// The browser's downloads, one per format.
func (a *App) downloadJSON(c echo.Context, u data.User) error {
	return a.download(c, u, data.ExportJSON)
}
func (a *App) downloadCSV(c echo.Context, u data.User) error { return a.download(c, u, data.ExportCSV) }
func (a *App) downloadAnki(c echo.Context, u data.User) error {
	return a.download(c, u, data.ExportAnki)
}
func (a *App) downloadApkg(c echo.Context, u data.User) error {
	return a.download(c, u, data.ExportApkg)
}

func (a *App) download(c echo.Context, u data.User, kind data.ExportKind) error {
	return a.streamExport(c, u, kind)
}

// streamExport writes an export straight to the response as the store
// produces it. An error before the first byte is an ordinary error page;
// one after it aborts the connection, so the download fails visibly
// instead of ending in a truncated file that looks whole.
func (a *App) streamExport(c echo.Context, u data.User, kind data.ExportKind) error {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, kind.ContentType())
	h.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": kind.FileName(u.Name, a.now())}))
	h.Set("Cache-Control", "no-store")
	err := a.store.Export(c.Request().Context(), u.ID, kind, c.Response())
	if err == nil {
		return nil
	}
	if !c.Response().Committed {
		h.Del(echo.HeaderContentDisposition)
		h.Del(echo.HeaderContentType)
		return err
	}
	a.log.Error("export failed part way", "user", u.ID, "format", string(kind), "err", err)
	panic(http.ErrAbortHandler)
}

func restoreTooLargeMessage(limit int64) string {
	return fmt.Sprintf("The file is larger than the upload limit of %s. Restore it on the server with flashcards import --user NAME FILE.", formatSize(limit))
}

// restoreStatus maps a refused restore to its status and a message for
// the person; ok is false for errors that are the server's, not the file's.
func restoreStatus(err error, limit int64) (status int, msg string, ok bool) {
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return http.StatusRequestEntityTooLarge, restoreTooLargeMessage(limit), true
	case data.Message(err) != "":
		return errorStatus(err), data.Message(err), true
	}
	return 0, "", false
}

// restoreSummary is the one line a successful restore reports.
func restoreSummary(res data.RestoreResult) string {
	msg := fmt.Sprintf("Restored %s and %s.", words.Count(res.Cards, "card", "cards"), words.Count(res.Reviews, "review", "reviews"))
	if len(res.NewCategories) > 0 {
		msg += " New categories: " + strings.Join(res.NewCategories, ", ") + "."
	}
	if len(res.NewDecks) > 0 {
		msg += " New decks: " + strings.Join(res.NewDecks, ", ") + "."
	}
	return msg
}

// restoreUpload restores an uploaded JSON export, all or nothing.
func (a *App) restoreUpload(c echo.Context, u data.User) error {
	if err := parseForm(c.Request()); err != nil {
		return err
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return a.renderExport(c, http.StatusBadRequest, "Choose an export file (.json) to restore.")
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := a.store.RestoreExport(c.Request().Context(), u.ID, f)
	if err != nil {
		if status, msg, ok := restoreStatus(err, a.cfg.MaxUploadBytes); ok {
			return a.renderExport(c, status, msg)
		}
		return err
	}
	return a.flashTo(c, true, restoreSummary(res), "/settings/export")
}

// apiExport answers GET /api/v1/export?format=json|csv|anki (json when absent).
func (a *App) apiExport(c echo.Context, u data.User) error {
	format := c.QueryParam("format")
	if format == "" {
		format = string(data.ExportJSON)
	}
	kind, err := data.ParseExportKind(format)
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "format must be json, csv, anki or apkg")
	}
	return a.streamExport(c, u, kind)
}
