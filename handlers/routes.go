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
	user.GET("/settings", a.settingsPage)
	user.POST("/settings", a.saveSettings)
	user.POST("/settings/password", a.changePassword)
	user.POST("/settings/tokens", a.createToken)
	user.POST("/settings/tokens/:id/revoke", a.revokeToken)
	user.POST("/settings/delete", a.deleteAccount)
	user.GET("/settings/export", a.exportPage)
	user.GET("/export.json", a.downloadJSON)
	user.GET("/export.zip", a.downloadCSV)
	user.GET("/export.tsv", a.downloadAnki)
	user.GET("/export.apkg", a.downloadApkg)
	// A restore uploads a whole export: the upload limit, as for /import.
	restore := e.Group("/settings/restore", a.loadSession, a.showTooLarge(a.restoreTooLarge), bodyLimit(a.cfg.MaxUploadBytes), a.checkCSRF, a.requireUser)
	restore.POST("", a.restoreUpload)

	// Cards, decks, categories and imports.
	user.GET("/cards", a.cardsPage)
	user.POST("/cards/bulk", a.bulkCards)
	user.GET("/cards/trash", a.trashPage)
	user.POST("/cards/trash", a.trashAction)
	user.GET("/cards/new", a.newCardPage)
	user.POST("/cards", a.createCard)
	user.POST("/cards/preview", a.previewCard)
	user.GET("/cards/:id/edit", a.editCardPage)
	user.POST("/cards/:id", a.updateCard)
	user.POST("/cards/:id/suspend", a.suspendCard)
	user.POST("/cards/:id/unsuspend", a.unsuspendCard)
	user.GET("/cards/:id/delete", a.deleteCardPage)
	user.POST("/cards/:id/delete", a.deleteCard)
	user.GET("/decks", a.decksPage)
	user.POST("/decks", a.createDeck)
	user.POST("/decks/builtin", a.addBuiltinDeck)
	user.GET("/decks/:id/rename", a.renameDeckPage)
	user.POST("/decks/:id/rename", a.renameDeck)
	user.GET("/decks/:id/delete", a.deleteDeckPage)
	user.POST("/decks/:id/delete", a.deleteDeck)
	user.GET("/categories", a.categoriesPage)
	user.POST("/categories", a.createCategory)
	// Images on cards: uploaded from the card form, served to their owner
	// alone (404 to anyone else); see handlers/media.go.
	web.GET("/media/:file", a.serveMedia)
	e.POST("/media", a.uploadMedia, a.loadSession, bodyLimit(a.mediaUploadLimit()), a.checkCSRF)
	user.GET("/import", a.importPage)
	// Uploads get their own, larger body limit; showTooLarge needs the
	// session to show a refused upload on the import page.
	upload := e.Group("/import", a.loadSession, a.showTooLarge(a.importTooLarge), bodyLimit(a.cfg.MaxUploadBytes), a.checkCSRF, a.requireUser)
	upload.POST("", a.importDocument)
	user.GET("/import/preview/:id", a.importPreviewPage)
	user.POST("/import/preview/:id", a.confirmImport)

	// Mock interviews.
	user.GET("/mock", a.mockPage)
	user.POST("/mock/start", a.mockStart)
	user.GET("/mock/card", a.mockCard)
	user.POST("/mock/reveal", a.mockReveal)
	user.POST("/mock/grade", a.mockGrade, a.formIdempotency)
	user.POST("/mock/end", a.mockEnd)
	user.GET("/mock/summary", a.mockSummary)

	// Mastery and statistics.
	user.GET("/mastery", a.masteryPage)
	user.GET("/stats", a.statsPage)

	// The interview date and the readiness forecast.
	user.GET("/interview", a.interviewPage)
	user.POST("/interview", a.saveInterview)

	// Review.
	user.GET("/review", a.reviewPage)
	user.POST("/review/reveal", a.revealForm)
	user.POST("/review/grade", a.gradeForm, a.formIdempotency)
	user.POST("/review/undo", a.undoForm)
	user.POST("/review/more", a.studyMoreForm)

	// Practice beyond the schedule.
	user.GET("/practice", a.practicePage)
	user.POST("/practice/reveal", a.practiceReveal)
	user.POST("/practice/grade", a.practiceGrade, a.formIdempotency)
	user.POST("/practice/undo", a.practiceUndo)

	// JSON API: bearer tokens, never cookies, never HTML. A state change
	// with an Idempotency-Key runs once per key.
	api := e.Group("/api/v1", bodyLimit(a.cfg.MaxBodyBytes), a.requireToken, a.apiIdempotency)
	api.GET("/me", a.apiMe)
	api.GET("/settings", a.apiSettings)
	api.PUT("/settings", a.apiUpdateSettings)
	api.GET("/review/next", a.apiNext)
	api.GET("/practice/next", a.apiPracticeNext)
	api.POST("/study-more", a.apiStudyMore)
	api.POST("/cards/:id/grade", a.apiGrade)
	api.POST("/cards/:id/check", a.apiCheck)
	api.POST("/undo", a.apiUndo)
	api.GET("/cards", a.apiCards)
	api.GET("/cards/:id", a.apiCard)
	api.GET("/categories", a.apiCategories)
	api.GET("/mastery", a.apiMastery)
	api.GET("/stats", a.apiStats)
	api.GET("/readiness", a.apiReadiness)
	api.GET("/export", a.apiExport)
	api.GET("/media/:file", a.serveMedia)
	apiMedia := e.Group("/api/v1/media", bodyLimit(a.mediaUploadLimit()), a.requireToken, a.apiIdempotency)
	apiMedia.POST("", a.uploadMedia)
	// An import carries a whole file: the upload limit, not the API's.
	apiImport := e.Group("/api/v1/import", bodyLimit(a.cfg.MaxUploadBytes), a.requireToken, a.apiIdempotency)
	apiImport.POST("", a.apiImport)

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
