package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/flashcards/flashcards/static"
)

// Register is the route table: every URL the server answers, top to bottom.
func (a *App) Register(e *echo.Echo) {
	// Every GET route answers HEAD: routed as GET, then handled as HEAD.
	e.Pre(routeHeadAsGet)
	e.Use(handleHeadAsHead)
	e.Use(middleware.Recover())
	e.Use(a.requestLogger())
	e.Use(securityHeaders)

	e.GET("/healthz", a.healthz)
	e.GET(static.Prefix+"*", echo.WrapHandler(a.assets))

	// HTML pages: cookie sessions, CSRF on every state change.
	web := e.Group("", bodyLimit(a.cfg.MaxBodyBytes), a.loadSession, a.checkCSRF)
	web.GET("/", a.dashboard)
	web.GET("/login", a.loginPage)
	web.POST("/login", a.login)
	web.GET("/signup", a.signupPage)
	web.POST("/signup", a.signup)
	web.POST("/logout", a.logout)

	user := web.Group("", a.requireUser)
	user.GET("/settings", a.withUser(a.settingsPage))
	user.POST("/settings", a.withUser(a.saveSettings))
	user.POST("/settings/password", a.withUser(a.changePassword))
	user.POST("/settings/tokens", a.withUser(a.createToken))
	user.POST("/settings/tokens/:id/revoke", a.withUser(a.revokeToken))
	user.POST("/settings/delete", a.withUser(a.deleteAccount))
	user.GET("/settings/export", a.exportPage)
	user.GET("/export.json", a.withUser(a.downloadJSON))
	user.GET("/export.zip", a.withUser(a.downloadCSV))
	user.GET("/export.tsv", a.withUser(a.downloadAnki))
	user.GET("/export.apkg", a.withUser(a.downloadApkg))
	// A restore uploads a whole export: the upload limit, as for /import.
	restore := e.Group("/settings/restore", a.loadSession, a.showTooLarge(a.restoreTooLarge), bodyLimit(a.cfg.MaxUploadBytes), a.checkCSRF, a.requireUser)
	restore.POST("", a.withUser(a.restoreUpload))

	// Cards, decks, categories and imports.
	user.GET("/cards", a.withUser(a.cardsPage))
	user.POST("/cards/bulk", a.withUser(a.bulkCards))
	user.GET("/cards/trash", a.withUser(a.trashPage))
	user.POST("/cards/trash", a.withUser(a.trashAction))
	user.GET("/cards/new", a.withUser(a.newCardPage))
	user.POST("/cards", a.withUser(a.createCard))
	user.POST("/cards/preview", a.previewCard)
	user.GET("/cards/:id/edit", a.withUser(a.editCardPage))
	user.POST("/cards/:id", a.withUser(a.updateCard))
	user.POST("/cards/:id/suspend", a.withUser(a.suspendCard))
	user.POST("/cards/:id/unsuspend", a.withUser(a.unsuspendCard))
	user.GET("/cards/:id/delete", a.withUser(a.deleteCardPage))
	user.POST("/cards/:id/delete", a.withUser(a.deleteCard))
	user.GET("/decks", a.withUser(a.decksPage))
	user.POST("/decks", a.withUser(a.createDeck))
	user.POST("/decks/builtin", a.withUser(a.addBuiltinDeck))
	user.GET("/decks/:id/rename", a.withUser(a.renameDeckPage))
	user.POST("/decks/:id/rename", a.withUser(a.renameDeck))
	user.GET("/decks/:id/delete", a.withUser(a.deleteDeckPage))
	user.POST("/decks/:id/delete", a.withUser(a.deleteDeck))
	user.GET("/categories", a.withUser(a.categoriesPage))
	user.POST("/categories", a.withUser(a.createCategory))
	// Images on cards: uploaded from the card form, served to their owner
	// alone (404 to anyone else); see handlers/media.go.
	web.GET("/media/:file", a.serveMedia)
	e.POST("/media", a.uploadMedia, a.loadSession, bodyLimit(a.mediaUploadLimit()), a.checkCSRF)
	user.GET("/import", a.withUser(a.importPage))
	// Uploads get their own, larger body limit; showTooLarge needs the
	// session to show a refused upload on the import page.
	upload := e.Group("/import", a.loadSession, a.showTooLarge(a.importTooLarge), bodyLimit(a.cfg.MaxUploadBytes), a.checkCSRF, a.requireUser)
	upload.POST("", a.withUser(a.importDocument))
	user.GET("/import/preview/:id", a.withUser(a.importPreviewPage))
	user.POST("/import/preview/:id", a.withUser(a.confirmImport))

	// Mock interviews.
	user.GET("/mock", a.withUser(a.mockPage))
	user.POST("/mock/start", a.withUser(a.mockStart))
	user.GET("/mock/card", a.withUser(a.mockCard))
	user.POST("/mock/reveal", a.withUser(a.mockReveal))
	user.POST("/mock/grade", a.withUser(a.mockGrade), a.formIdempotency)
	user.POST("/mock/end", a.mockEnd)
	user.GET("/mock/summary", a.mockSummary)

	// Mastery and statistics.
	user.GET("/mastery", a.withUser(a.masteryPage))
	user.GET("/stats", a.withUser(a.statsPage))

	// The interview date and the readiness forecast.
	user.GET("/interview", a.withUser(a.interviewPage))
	user.POST("/interview", a.withUser(a.saveInterview))

	// Review.
	user.GET("/review", a.withUser(a.reviewPage))
	user.POST("/review/reveal", a.withUser(a.revealForm))
	user.POST("/review/grade", a.withUser(a.gradeForm), a.formIdempotency)
	user.POST("/review/undo", a.withUser(a.undoForm))
	user.POST("/review/more", a.withUser(a.studyMoreForm))

	// Practice beyond the schedule.
	user.GET("/practice", a.withUser(a.practicePage))
	user.POST("/practice/reveal", a.withUser(a.practiceReveal))
	user.POST("/practice/grade", a.withUser(a.practiceGrade), a.formIdempotency)
	user.POST("/practice/undo", a.withUser(a.practiceUndo))

	// JSON API: bearer tokens, never cookies, never HTML. A state change
	// with an Idempotency-Key runs once per key.
	api := e.Group("/api/v1", bodyLimit(a.cfg.MaxBodyBytes), a.requireToken, a.apiIdempotency)
	api.GET("/me", a.withUser(a.apiMe))
	api.GET("/settings", a.withUser(a.apiSettings))
	api.PUT("/settings", a.withUser(a.apiUpdateSettings))
	api.GET("/review/next", a.withUser(a.apiNext))
	api.GET("/practice/next", a.withUser(a.apiPracticeNext))
	api.POST("/study-more", a.withUser(a.apiStudyMore))
	api.POST("/cards/:id/grade", a.withUser(a.apiGrade))
	api.POST("/cards/:id/check", a.withUser(a.apiCheck))
	api.POST("/undo", a.withUser(a.apiUndo))
	api.GET("/cards", a.withUser(a.apiCards))
	api.GET("/cards/:id", a.withUser(a.apiCard))
	api.GET("/categories", a.withUser(a.apiCategories))
	api.GET("/tags", a.withUser(a.apiTags))
	api.GET("/mastery", a.withUser(a.apiMastery))
	api.GET("/stats", a.withUser(a.apiStats))
	api.GET("/readiness", a.withUser(a.apiReadiness))
	api.GET("/export", a.withUser(a.apiExport))
	api.GET("/media/:file", a.serveMedia)
	apiMedia := e.Group("/api/v1/media", bodyLimit(a.mediaUploadLimit()), a.requireToken, a.apiIdempotency)
	apiMedia.POST("", a.uploadMedia)
	// An import carries a whole file: the upload limit, not the API's.
	apiImport := e.Group("/api/v1/import", bodyLimit(a.cfg.MaxUploadBytes), a.requireToken, a.apiIdempotency)
	apiImport.POST("", a.withUser(a.apiImport))

	// A group with middleware answers the paths it lacks through that
	// middleware: the signed-in group sent a stranger at /nope to the log-in
	// page, and a POST there failed the CSRF check. Any other path is a plain
	// 404, with the session only so the page knows who is looking.
	e.RouteNotFound("/*", func(echo.Context) error { return echo.ErrNotFound }, a.loadSession)
}

// HEAD. Echo routes HEAD only where a route names it, so uptime monitors
// that send HEAD got 404 everywhere. routeHeadAsGet lets the router pick the
// GET route; handleHeadAsHead, the first middleware after routing, makes the
// request a HEAD again before any handler sees it. The handler then runs as
// for GET, so status and headers are GET's, and Go's HTTP server drops the
// body of a HEAD response: it keeps a Content-Length the handler set (static
// files), computes it when the whole body fit its buffer, and else sends
// none, as GET sends its large bodies chunked.
const ctxHead = "head"

func routeHeadAsGet(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if r := c.Request(); r.Method == http.MethodHead {
			r.Method = http.MethodGet
			c.Set(ctxHead, true)
		}
		return next(c)
	}
}

func handleHeadAsHead(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if head, _ := c.Get(ctxHead).(bool); head {
			c.Request().Method = http.MethodHead
		}
		return next(c)
	}
}
