package handlers

import (
	"github.com/labstack/echo/v4"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/views"
)

// Placeholders until the answer matcher lands in srs.
func (a *App) revealForm(c echo.Context) error { return echo.ErrNotFound }
func (a *App) apiCheck(c echo.Context) error   { return echo.ErrNotFound }
func (a *App) coverageOf(c echo.Context, userID, cardID int64, answer string) ([]string, []string, error) {
	return nil, nil, nil
}

func markPoints(card data.Card, answer string) ([]views.PointView, int) { return nil, -1 }
